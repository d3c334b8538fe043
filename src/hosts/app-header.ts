/**
 * The 8-byte application header every request carries: a magic byte, the request length (24
 * bits) and the response length wanted (32 bits). It is how a server knows when a request is
 * complete and how much to send back (docs/hosts.md).
 */
import { get32, put32 } from "../net/write.ts";

/** Bytes of the application header every request carries (not ping). */
export const APP_HEADER = 8;
const APP_MAGIC = 0xf5;
/** Largest request or response a header can name: 2^24 - 1 bytes. */
export const MAX_APP_BYTES = 0xff_ffff;

/** Writes the header: magic, request length (24 bits), response length (32 bits). */
export function writeAppHeader(b: Uint8Array, o: number, requestBytes: number, responseBytes: number): void {
  put32(b, o, ((APP_MAGIC << 24) | requestBytes) >>> 0);
  put32(b, o + 4, responseBytes);
}

/** Reads a header: returns the request length and sets `out[0]` to the response length, or -1 when the bytes are not one. */
export function readAppHeader(b: Uint8Array, o: number, avail: number, out: Int32Array): number {
  if (avail < APP_HEADER) return -1;
  const w = get32(b, o);
  if (w >>> 24 !== APP_MAGIC) return -1;
  const resp = get32(b, o + 4);
  if (resp > MAX_APP_BYTES) return -1;
  out[0] = resp;
  return w & 0xff_ffff;
}
