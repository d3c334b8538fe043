/**
 * The caches on known address patterns, with expectations from the geometry (16 KB, 2-way,
 * 32-byte lines: 256 sets; a line's set is its line number mod 256) and LRU replacement:
 * code that fits misses once per line; a loop larger than 16 KB thrashes the sets it maps three
 * lines to and keeps the rest; two lines per set coexist, a third evicts the least recently used;
 * dirty victims are written back; the CACHE instruction's operations do what their names say.
 */
import { describe, expect, it } from "vitest";
import { CacheOp } from "../../../src/hw/cpu/isa/cache-ops.ts";
import { StallCause } from "../../../src/hw/cpu/isa/timing.ts";
import { A, Reg } from "./asm.ts";
import { exec, KDATA } from "./harness.ts";

const { a0, a1, t0, t1, t2 } = Reg;
const READ = 20, WRITE = 20;
const LINE_WORDS = 8, SETS = 256, WAY_BYTES = 8192;

/** A loop of `bodyLines` full I-cache lines (after one line of set-up), run `passes` times. */
function codeLoop(bodyLines: number, passes: number): number[] {
  const setup = [A.addiu(t1, 0, passes), ...Array(LINE_WORDS - 1).fill(A.nop())]; // line 0
  const bodyWords = bodyLines * LINE_WORDS;
  const body = Array(bodyWords - 3).fill(A.addiu(a0, a0, 1));
  body.push(A.addiu(t1, t1, -1), A.bne(t1, 0, -(bodyWords - 1)), A.nop()); // back to the body's first word (offsets count from the delay slot)
  return [...setup, ...body];
}

describe("instruction cache", () => {
  it("a loop that fits (2 KB) misses once per line, whatever the passes", () => {
    for (const passes of [1, 5]) {
      const r = exec(codeLoop(64, passes));
      // line 0 (setup), 64 loop lines, the idle loop's line
      expect(r.core.icache.misses).toBe(1 + 64 + 1);
      expect(r.core.stalls[StallCause.IFetch]).toBe((1 + 64 + 1) * READ);
      expect(r.core.r[a0]).toBe(passes * (64 * 8 - 3));
    }
  });

  it("a loop larger than 16 KB (20 KB) misses every line of the sets it maps three lines to, on every pass", () => {
    // 640 consecutive lines over 256 sets: 640 - 2 x 256 = 128 sets hold three of them, the rest two
    const passes = 3, bodyLines = 640;
    const r = exec(codeLoop(bodyLines, passes), { memoryBytes: 1 << 20 });
    const threeLineSets = bodyLines - 2 * SETS;
    const perLaterPass = 3 * threeLineSets; // cyclic access to 3 lines in a 2-way LRU set always misses
    expect(r.core.icache.misses).toBe(1 + bodyLines + (passes - 1) * perLaterPass + 1);
  });
});

describe("data cache", () => {
  /** Sums `bytes` of data (one load per line) `passes` times. */
  function walk(bytes: number, passes: number): number[] {
    return [
      A.addiu(t2, 0, passes),
      /* pass: */ ...A.li32(t0, KDATA), ...A.li32(t1, KDATA + bytes),
      /* line: */ A.lw(a1, 0, t0),
      A.addiu(t0, t0, 32),
      A.bne(t0, t1, -3),
      A.addu(a0, a0, a1),
      A.addiu(t2, t2, -1),
      A.bne(t2, 0, -10),
      A.nop(),
    ];
  }

  it("8 KB read twice misses 256 lines once; 32 KB read twice misses all 1,024 lines on both passes", () => {
    const small = exec(walk(8192, 2));
    expect(small.core.dcache.misses).toBe(256);
    expect(small.core.dcache.hits).toBe(256);
    const big = exec(walk(32768, 2), { memoryBytes: 1 << 20 });
    expect(big.core.dcache.misses).toBe(2048);
    expect(big.core.dcache.hits).toBe(0);
  });

  it("two lines of one set coexist (2-way); a third in turn evicts the least recently used", () => {
    const loads = (addrs: number[], times: number) => {
      const w: number[] = [...A.li32(t0, KDATA)];
      for (let k = 0; k < times; k++) for (const a of addrs) w.push(A.lw(a0, a, t0));
      return w;
    };
    const two = exec(loads([0, WAY_BYTES], 4));
    expect(two.core.dcache.misses).toBe(2);
    const three = exec(loads([0, WAY_BYTES, 2 * WAY_BYTES], 4), { memoryBytes: 1 << 20 });
    expect(three.core.dcache.misses).toBe(12); // cyclic over three lines in two ways: every access misses
    // reuse before the third line keeps the reused one: A B A C A -> C evicts B, A still hits
    const lru = exec(loads([0, WAY_BYTES, 0, 2 * WAY_BYTES, 0], 1), { memoryBytes: 1 << 20 });
    expect(lru.core.dcache.misses).toBe(3);
    expect(lru.core.dcache.hits).toBe(2);
  });

  it("a dirty line evicted from its set is written back once, and the refill waits for it", () => {
    const r = exec([...A.li32(t0, KDATA), A.sw(a0, 0, t0), A.lw(a1, WAY_BYTES, t0), A.lw(a1, 2 * WAY_BYTES, t0), A.lw(a1, 0, t0)], { memoryBytes: 1 << 20 });
    // miss (store allocates, dirty), miss, miss evicting the dirty line (write-back + refill), miss
    expect(r.core.dcache.writebacks).toBe(1);
    expect(r.port.writes).toBe(1);
    expect(r.core.stalls[StallCause.DCache]).toBe(4 * READ + WRITE);
  });
});

describe("the CACHE instruction", () => {
  it("Hit_Writeback_D writes a dirty line back and keeps it (the next load hits); a clean line costs nothing", () => {
    const r = exec([...A.li32(t0, KDATA), A.sw(a0, 0, t0), A.cache(CacheOp.HitWritebackD, 0, t0), A.cache(CacheOp.HitWritebackD, 0, t0), A.lw(a1, 4, t0)]);
    expect(r.port.writes).toBe(1);
    expect(r.core.dcache.misses).toBe(1);
    expect(r.core.stalls[StallCause.CacheOp]).toBe(WRITE);
  });

  it("Hit_Invalidate_D drops a dirty line without writing it; the next load misses", () => {
    const r = exec([...A.li32(t0, KDATA), A.sw(a0, 0, t0), A.cache(CacheOp.HitInvalidateD, 0, t0), A.lw(a1, 0, t0)]);
    expect(r.port.writes).toBe(0);
    expect(r.core.dcache.misses).toBe(2);
  });

  it("Hit_Writeback_Invalidate_D writes back and drops", () => {
    const r = exec([...A.li32(t0, KDATA), A.sw(a0, 0, t0), A.cache(CacheOp.HitWritebackInvalidateD, 0, t0), A.lw(a1, 0, t0)]);
    expect(r.port.writes).toBe(1);
    expect(r.core.dcache.misses).toBe(2);
  });

  it("Index_Writeback_Invalidate_D over every index and way writes back exactly the dirty lines", () => {
    // dirty 3 lines, read 2 more; then flush the whole cache by index (512 slots: 256 sets x 2 ways)
    const r = exec([
      ...A.li32(t0, KDATA), A.sw(a0, 0, t0), A.sw(a0, 64, t0), A.sw(a0, WAY_BYTES, t0), A.lw(a1, 128, t0), A.lw(a1, 4096, t0),
      ...A.li32(t1, 0x80000000), ...A.li32(t2, 0x80000000 + 2 * WAY_BYTES),
      A.cache(CacheOp.IndexWritebackInvalidateD, 0, t1), A.addiu(t1, t1, 32), A.bne(t1, t2, -3), A.nop(),
      A.lw(a1, 0, t0),
    ], { memoryBytes: 1 << 20 });
    expect(r.port.writes).toBe(3);
    expect(r.core.dcache.misses).toBe(5 + 1);
  });

  it("Hit_Invalidate_I makes the next fetch of that line miss; Fill_I loads a line ahead", () => {
    // invalidate the line holding the code after the cache op (the current line + 1), then run into it
    const words = [...A.li32(t0, 0x80001020), A.cache(CacheOp.FillI, 32, t0), A.cache(CacheOp.HitInvalidateI, 0, t0), A.nop(), A.nop(), A.nop(), A.nop(), A.nop(), A.nop()];
    const r = exec(words);
    // lines: 0 (miss), Fill_I of line 2 (a transfer, not a fetch miss), line 1 invalidated before it was ever fetched, then fetched (miss), line 2 hit
    expect(r.core.icache.misses).toBe(1 + 1 + 1);
    expect(r.core.stalls[StallCause.CacheOp]).toBe(READ);
  });
});
