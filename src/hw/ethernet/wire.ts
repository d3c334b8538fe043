/**
 * Ethernet wire arithmetic (IEEE 802.3; docs/hardware.md §5 rows "Preamble + SFD", "Inter-frame gap",
 * "Frame size (incl. FCS)", "Wire bytes per frame"). Frame lengths here exclude the 4-byte FCS,
 * which the MAC appends on transmit.
 */
export const PREAMBLE_SFD_BYTES = 8;
export const FCS_BYTES = 4;
export const IFG_BYTES = 12;
/** Minimum frame on the wire, FCS included. */
export const MIN_FRAME_BYTES = 64;
/** Maximum untagged frame, FCS included (1522 with an 802.1Q tag). */
export const MAX_FRAME_BYTES = 1518;
export const VLAN_TAG_BYTES = 4;

/** Bits a frame of `len` bytes (without FCS) occupies on the wire, preamble, FCS and IFG included. */
export function wireBits(len: number): number {
  return (PREAMBLE_SFD_BYTES + len + FCS_BYTES + IFG_BYTES) * 8;
}

/** Line-rate frames per second for frames of `frameBytesWithFcs` at `bitsPerSecond`. */
export function lineRateFps(frameBytesWithFcs: number, bitsPerSecond: number): number {
  return bitsPerSecond / ((PREAMBLE_SFD_BYTES + frameBytesWithFcs + IFG_BYTES) * 8);
}
