/**
 * The board's DRAM as the instruction-level R4700 sees it: its contents, functionally. Words
 * are kept as 32-bit integers in an Int32Array holding the big-endian value of each aligned
 * word (the R4700 boards of the period ran big-endian; see docs/hardware.md), so a LW or SW is
 * one typed-array access and the byte order lives in the byte and halfword helpers below.
 *
 * The caches (cache.ts) hold tags only: data always lives here, and timing comes from the tags.
 * Other sides of the board (a DMA engine, the TypeScript control plane) read and write the
 * same memory with these helpers.
 */
export class PhysicalMemory {
  readonly words: Int32Array;
  constructor(readonly bytes: number) {
    if (!Number.isInteger(bytes) || bytes <= 0 || bytes % 4 !== 0 || bytes > 0x2000_0000) {
      throw new RangeError(`memory: size ${bytes} must be a positive multiple of 4 bytes, at most 512 MiB`);
    }
    this.words = new Int32Array(bytes >>> 2);
  }

  contains(pa: number, n = 1): boolean {
    return pa >= 0 && pa + n <= this.bytes;
  }

  read32(pa: number): number {
    return this.words[pa >>> 2]!;
  }

  write32(pa: number, v: number): void {
    this.words[pa >>> 2] = v;
  }

  read8(pa: number): number {
    return (this.words[pa >>> 2]! >>> ((3 - (pa & 3)) << 3)) & 0xff;
  }

  write8(pa: number, v: number): void {
    const sh = (3 - (pa & 3)) << 3, i = pa >>> 2;
    this.words[i] = (this.words[i]! & ~(0xff << sh)) | ((v & 0xff) << sh);
  }

  read16(pa: number): number {
    return (this.words[pa >>> 2]! >>> ((2 - (pa & 2)) << 3)) & 0xffff;
  }

  write16(pa: number, v: number): void {
    const sh = (2 - (pa & 2)) << 3, i = pa >>> 2;
    this.words[i] = (this.words[i]! & ~(0xffff << sh)) | ((v & 0xffff) << sh);
  }

  /** Copies bytes in at physical `pa`. */
  writeBytes(pa: number, src: Uint8Array): void {
    if (!this.contains(pa, src.length)) throw new RangeError(`memory: [0x${pa.toString(16)}, +${src.length}) is outside ${this.bytes} bytes`);
    for (let k = 0; k < src.length; k++) this.write8(pa + k, src[k]!);
  }

  /** Copies `n` bytes out from physical `pa`. */
  readBytes(pa: number, n: number): Uint8Array {
    if (!this.contains(pa, n)) throw new RangeError(`memory: [0x${pa.toString(16)}, +${n}) is outside ${this.bytes} bytes`);
    const out = new Uint8Array(n);
    for (let k = 0; k < n; k++) out[k] = this.read8(pa + k);
    return out;
  }

  fill(pa: number, n: number, v = 0): void {
    for (let k = 0; k < n; k++) this.write8(pa + k, v);
  }
}
