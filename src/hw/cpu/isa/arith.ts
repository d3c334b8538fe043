/**
 * 32 x 32 -> 64-bit products without BigInt (no allocation): the high words MULT and MULTU
 * leave in HI. The low word is Math.imul. Products of 16-bit halves stay below 2^32, so every
 * step is exact in doubles.
 */

/** High 32 bits of the unsigned product of a and b (any int32 or uint32 inputs), as an int32. */
export function mulhu(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) | 0;
}

/** High 32 bits of the signed product of int32 a and b, as an int32. */
export function mulhs(a: number, b: number): number {
  // hi_signed = hi_unsigned - (a < 0 ? b : 0) - (b < 0 ? a : 0)  (mod 2^32)
  return (mulhu(a, b) - (a < 0 ? b : 0) - (b < 0 ? a : 0)) | 0;
}
