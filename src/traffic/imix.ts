/**
 * Frame sizes: the simple IMIX of 7:4:1 at 64, 594 and 1518 bytes on the wire (FCS included),
 * i.e. 60, 590 and 1514 bytes in flowsim's frame buffers. Mean 361.8 bytes with FCS.
 */
import type { RandomStream } from "../sim/random.ts";

export const IMIX = [
  { weight: 7, bytes: 64 },
  { weight: 4, bytes: 594 },
  { weight: 1, bytes: 1518 },
] as const;

export const IMIX_MEAN_BYTES = IMIX.reduce((s, x) => s + x.weight * x.bytes, 0) / IMIX.reduce((s, x) => s + x.weight, 0);

/** A frame length without FCS, drawn from the IMIX. */
export function imixLength(r: RandomStream): number {
  const x = r.uniformInt(1, 12);
  return (x <= 7 ? 64 : x <= 11 ? 594 : 1518) - 4;
}
