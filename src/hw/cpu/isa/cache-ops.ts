/**
 * The CACHE instruction's operations on the primary caches (cache.ts), by the MIPS R4000 rules
 * the R4600/R4700 follow: the 5-bit operation is (what << 2) | which cache (0 I, 1 D; the
 * R4700 has no secondary cache, so 2 and 3 do nothing). Hit operations act on the line holding
 * a physical address, if present; Index operations act on the line at an index and way, the way
 * chosen by the virtual address bit just above the index (bit 13 for a 16 KB 2-way cache: Linux
 * c-r4k.c's `waybit` for the R4600).
 *
 * Each function returns the line address (physical) that must be written back to memory, or -1.
 * The core charges the write-back through its memory port.
 *
 * The index operations need a line's tag by set and way, which `Cache` keeps private: they read
 * its arrays by name (a type-checked escape: renaming the fields breaks the build, not the model).
 * cache.ts is shared with the trace-replay CPU and is not changed by this model.
 */
import type { Cache } from "../cache.ts";

export const CacheOp = {
  IndexInvalidateI: 0b00000,
  IndexWritebackInvalidateD: 0b00001,
  IndexLoadTagI: 0b00100,
  IndexLoadTagD: 0b00101,
  IndexStoreTagI: 0b01000,
  IndexStoreTagD: 0b01001,
  CreateDirtyExclusiveD: 0b01101,
  HitInvalidateI: 0b10000,
  HitInvalidateD: 0b10001,
  FillI: 0b10100,
  HitWritebackInvalidateD: 0b10101,
  HitWritebackD: 0b11001,
} as const;

interface CacheArrays {
  tags: Float64Array;
  dirty: Uint8Array;
  stamp: Float64Array;
}

function arrays(c: Cache): CacheArrays {
  return { tags: c["tags"], dirty: c["dirty"], stamp: c["stamp"] };
}

/** The (set, way) slot an Index operation names: index bits select the set, the next bit the way. */
function indexSlot(c: Cache, va: number): number {
  const { lineBytes, ways } = c.params;
  const line = Math.floor((va >>> 0) / lineBytes);
  const set = line % c.sets;
  const way = Math.floor(line / c.sets) % ways;
  return set * ways + way;
}

/** The slot holding the line of physical `pa`, or -1. */
function hitSlot(c: Cache, pa: number): number {
  const { lineBytes, ways } = c.params;
  const line = Math.floor(pa / lineBytes);
  const base = (line % c.sets) * ways;
  const { tags } = arrays(c);
  for (let w = base; w < base + ways; w++) if (tags[w] === line) return w;
  return -1;
}

function drop(c: Cache, slot: number): number {
  const a = arrays(c);
  const victim = a.tags[slot]! >= 0 && a.dirty[slot] === 1 ? a.tags[slot]! * c.params.lineBytes : -1;
  if (a.tags[slot]! >= 0) c.invalidations++;
  if (victim >= 0) c.writebacks++;
  a.tags[slot] = -1;
  a.dirty[slot] = 0;
  a.stamp[slot] = 0;
  return victim;
}

/** Index_Writeback_Invalidate_D / Index_Invalidate_I: empties the slot; returns a dirty line to write back. */
export function indexWritebackInvalidate(c: Cache, va: number): number {
  return drop(c, indexSlot(c, va));
}

/** Index_Load_Tag: TagLo as the R4000 lays it out: PTagLo (physical address bits 35:12) in 31:8, PState in 7:6 (0 invalid, 2 clean, 3 dirty). */
export function indexLoadTag(c: Cache, va: number): number {
  const a = arrays(c), slot = indexSlot(c, va), tag = a.tags[slot]!;
  if (tag < 0) return 0;
  const pa = tag * c.params.lineBytes;
  return (((pa >>> 12) << 8) | ((a.dirty[slot] === 1 ? 3 : 2) << 6)) | 0;
}

/** Index_Store_Tag with TagLo: PState 0 invalidates the slot (how boot code clears the caches); otherwise the slot takes the tag, clean or dirty. */
export function indexStoreTag(c: Cache, va: number, tagLo: number): void {
  const a = arrays(c), slot = indexSlot(c, va);
  const state = (tagLo >>> 6) & 3;
  if (state === 0) {
    a.tags[slot] = -1;
    a.dirty[slot] = 0;
    a.stamp[slot] = 0;
    return;
  }
  const { lineBytes } = c.params;
  const set = Math.floor(slot / c.params.ways);
  // physical address: the page bits from TagLo, the bits below the page from the set index
  const line = ((tagLo >>> 8) * 4096 + ((set * lineBytes) % 4096)) / lineBytes;
  a.tags[slot] = line;
  a.dirty[slot] = state === 3 ? 1 : 0;
}

/** Hit_Invalidate (I or D): drops the line if present, without writing it back. */
export function hitInvalidate(c: Cache, pa: number): void {
  const s = hitSlot(c, pa);
  if (s < 0) return;
  const a = arrays(c);
  a.tags[s] = -1;
  a.dirty[s] = 0;
  a.stamp[s] = 0;
  c.invalidations++;
}

/** Hit_Writeback_Invalidate_D: drops the line if present; returns it if it was dirty. */
export function hitWritebackInvalidate(c: Cache, pa: number): number {
  const s = hitSlot(c, pa);
  return s < 0 ? -1 : drop(c, s);
}

/** Hit_Writeback_D: a dirty line stays valid, now clean; returns it for the write-back. */
export function hitWriteback(c: Cache, pa: number): number {
  const lb = c.params.lineBytes;
  return c.writeback(pa) ? Math.floor(pa / lb) * lb : -1;
}
