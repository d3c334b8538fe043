/**
 * The R4700's kernel address spaces as 32-bit code sees them (MIPS III, 32-bit kernel mode):
 * kuseg 0x00000000-0x7FFFFFFF (mapped), kseg0 0x80000000-0x9FFFFFFF (unmapped, cached),
 * kseg1 0xA0000000-0xBFFFFFFF (unmapped, uncached), kseg2/3 0xC0000000-0xFFFFFFFF (mapped).
 * kseg0 and kseg1 both map to physical 0x00000000-0x1FFFFFFF. The address's top three bits
 * name the segment: 4 is kseg0, 5 is kseg1. This model has no TLB: firmware runs unmapped, and
 * a mapped address raises a TLB miss exception (docs/hardware.md, "Instruction-level R4700").
 */
export const KSEG0 = 0x8000_0000;
export const KSEG1 = 0xa000_0000;
export const PHYS_MASK = 0x1fff_ffff;

export const Segment = { Kseg0: 4, Kseg1: 5 } as const;

/** The segment number (top three bits) of a virtual address. */
export function segmentOf(va: number): number {
  return va >>> 29;
}

/** Physical address of a kseg0 or kseg1 virtual address. */
export function physical(va: number): number {
  return va & PHYS_MASK;
}

/** The kseg0 (cached) virtual address of a physical address, as an unsigned number. */
export function kseg0(pa: number): number {
  return (KSEG0 | pa) >>> 0;
}

/** The kseg1 (uncached) virtual address of a physical address, as an unsigned number. */
export function kseg1(pa: number): number {
  return (KSEG1 | pa) >>> 0;
}
