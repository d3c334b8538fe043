/**
 * A set-associative, write-back, write-allocate cache with LRU replacement: the R4700's 16 KB
 * 2-way data cache with 32-byte lines by default (docs/hardware.md §1, rows "D-cache" and "Cache
 * access / refill width"). State lives in typed arrays; an access allocates nothing.
 *
 * `access(addr, write)` returns what the memory system must do: nothing (hit), fill one line
 * (clean miss), or write one dirty line back and fill one (dirty miss; `victimAddr` names the
 * line written back). `invalidate(addr, bytes)` drops lines that a DMA engine overwrote in
 * memory (packet buffers written over PCI), without writing them back.
 */
export const CacheOutcome = { Hit: 0, Miss: 1, MissDirty: 2 } as const;
export type CacheOutcome = (typeof CacheOutcome)[keyof typeof CacheOutcome];

export interface CacheParams {
  /** Capacity in bytes. Default 16,384 (R4700 D-cache, §1). */
  sizeBytes: number;
  /** Associativity. Default 2 (§1). */
  ways: number;
  /** Line size in bytes. Default 32 (§1). */
  lineBytes: number;
}

export const R4700_DCACHE: CacheParams = { sizeBytes: 16_384, ways: 2, lineBytes: 32 };

export class Cache {
  readonly params: CacheParams;
  readonly sets: number;
  private readonly tags: Float64Array; // line address per (set, way); -1 = invalid
  private readonly dirty: Uint8Array;
  private readonly stamp: Float64Array; // LRU: last-use counter per (set, way)
  private clock = 0;
  /** Line-aligned address of the line written back by the last MissDirty. */
  victimAddr = -1;
  hits = 0;
  misses = 0;
  writebacks = 0;
  invalidations = 0;

  constructor(params: Partial<CacheParams> = {}) {
    this.params = { ...R4700_DCACHE, ...params };
    const { sizeBytes, ways, lineBytes } = this.params;
    const pow2 = (x: number) => Number.isInteger(x) && x > 0 && (x & (x - 1)) === 0;
    if (!pow2(lineBytes) || !pow2(ways) || !pow2(sizeBytes) || sizeBytes < ways * lineBytes) {
      throw new RangeError(`cache: size ${sizeBytes}, ways ${ways}, line ${lineBytes} must be powers of two with size >= ways x line`);
    }
    this.sets = sizeBytes / (ways * lineBytes);
    this.tags = new Float64Array(this.sets * ways).fill(-1);
    this.dirty = new Uint8Array(this.sets * ways);
    this.stamp = new Float64Array(this.sets * ways);
  }

  /** Looks up `addr` (a byte address); on a miss, allocates the line, evicting the LRU way. */
  access(addr: number, write: boolean): CacheOutcome {
    const line = Math.floor(addr / this.params.lineBytes);
    const set = line % this.sets;
    const ways = this.params.ways;
    const base = set * ways;
    this.clock++;
    let victim = -1;
    for (let w = base; w < base + ways; w++) {
      if (this.tags[w] === line) {
        this.hits++;
        this.stamp[w] = this.clock;
        if (write) this.dirty[w] = 1;
        return CacheOutcome.Hit;
      }
      // victim: the first invalid way, else the least recently used (invalid ways have stamp 0)
      if (victim < 0 || this.stamp[w]! < this.stamp[victim]!) victim = w;
    }
    this.misses++;
    const wasDirty = this.tags[victim] !== -1 && this.dirty[victim] === 1;
    if (wasDirty) {
      this.writebacks++;
      this.victimAddr = this.tags[victim]! * this.params.lineBytes;
    }
    this.tags[victim] = line;
    this.dirty[victim] = write ? 1 : 0;
    this.stamp[victim] = this.clock;
    return wasDirty ? CacheOutcome.MissDirty : CacheOutcome.Miss;
  }

  /** Whether the line holding `addr` is in the cache (no state changes: for traces). */
  probe(addr: number): boolean {
    const line = Math.floor(addr / this.params.lineBytes);
    const base = (line % this.sets) * this.params.ways;
    for (let w = base; w < base + this.params.ways; w++) if (this.tags[w] === line) return true;
    return false;
  }

  /** Writes a dirty line holding `addr` back (it stays valid, now clean); returns whether it was dirty. */
  writeback(addr: number): boolean {
    const line = Math.floor(addr / this.params.lineBytes);
    const base = (line % this.sets) * this.params.ways;
    for (let w = base; w < base + this.params.ways; w++) {
      if (this.tags[w] === line && this.dirty[w] === 1) {
        this.dirty[w] = 0;
        this.writebacks++;
        return true;
      }
    }
    return false;
  }

  /** Drops every cached line overlapping [addr, addr + bytes) without writing it back. */
  invalidate(addr: number, bytes: number): void {
    const lb = this.params.lineBytes;
    const first = Math.floor(addr / lb), last = Math.floor((addr + bytes - 1) / lb);
    for (let line = first; line <= last; line++) {
      const base = (line % this.sets) * this.params.ways;
      for (let w = base; w < base + this.params.ways; w++) {
        if (this.tags[w] === line) {
          this.tags[w] = -1;
          this.dirty[w] = 0;
          this.stamp[w] = 0;
          this.invalidations++;
        }
      }
    }
  }

  /** Restarts the counters (a warm-up's end); the cache's contents stay. */
  resetStats(): void {
    this.hits = this.misses = this.writebacks = this.invalidations = 0;
  }

  read() {
    const total = this.hits + this.misses;
    return { hits: this.hits, misses: this.misses, writebacks: this.writebacks, invalidations: this.invalidations, missRate: total ? this.misses / total : 0 };
  }
}
