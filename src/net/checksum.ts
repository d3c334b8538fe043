/**
 * The Internet checksum (RFC 1071) and its incremental update (RFC 1624, eqn. 3). Sums are kept
 * as plain numbers and folded at the end; nothing is allocated.
 */

/** One's-complement sum of 16-bit big-endian words over buf[off, off+len), added to `init` (unfolded). */
export function onesSum(buf: Uint8Array, off: number, len: number, init = 0): number {
  let sum = init;
  const end = off + len - 1;
  let i = off;
  for (; i < end; i += 2) sum += (buf[i]! << 8) | buf[i + 1]!;
  if (i === end) sum += buf[i]! << 8; // odd length: pad with a zero byte
  return sum;
}

/** Folds a sum to 16 bits (end-around carry). */
export function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** The checksum field value: ~fold(sum). */
export function checksum(buf: Uint8Array, off: number, len: number, init = 0): number {
  return ~fold(onesSum(buf, off, len, init)) & 0xffff;
}

/** Sum of the IPv4 pseudo-header for TCP/UDP (RFC 793 / 768): src, dst, zero+protocol, length. */
export function pseudoHeaderSum(src: number, dst: number, protocol: number, length: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length;
}

/** RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), for one 16-bit word changing from m to m'. */
export function csumUpdate16(hc: number, oldWord: number, newWord: number): number {
  return ~fold((~hc & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff)) & 0xffff;
}

/** RFC 1624 for a 32-bit field (an IPv4 address): two 16-bit updates. */
export function csumUpdate32(hc: number, oldValue: number, newValue: number): number {
  return csumUpdate16(csumUpdate16(hc, oldValue >>> 16, newValue >>> 16), oldValue & 0xffff, newValue & 0xffff);
}
