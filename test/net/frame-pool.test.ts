import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FramePool, NO_FRAME, StaleFrameHandleError } from "../../src/net/frame-pool.ts";

describe("frame pool", () => {
  it("reuses slots with a new generation and detects stale handles", () => {
    const p = new FramePool({ slots: 2 });
    const a = p.alloc();
    p.bytes(a)[0] = 7;
    p.setLength(a, 60);
    p.free(a);
    const b = p.alloc(); // same slot, new generation
    expect(p.slotOf(b)).toBe(p.slots - 2 + 0 === 0 ? 0 : p.slotOf(b));
    expect(() => p.bytes(a)).toThrow(StaleFrameHandleError);
    expect(() => p.free(a)).toThrow(StaleFrameHandleError);
    expect(p.length(b)).toBe(0);
  });

  it("handles stay small integers (below 2^31) however often a slot is reused; generations wrap at 2^31 / 4,096 for 4,096 slots", () => {
    const p = new FramePool({ slots: 4096 });
    const first = p.alloc();
    p.free(first);
    let prev = first, max = first, repeats = 0;
    for (let i = 1; i < 2 ** 19; i++) {
      const h = p.alloc();
      if (h === prev) repeats++;
      if (h > max) max = h;
      prev = h;
      p.free(h);
    }
    expect(repeats).toBe(0);
    expect(max).toBeLessThan(2 ** 31);
    expect(p.isLive(prev)).toBe(false);
    expect(p.alloc()).toBe(first); // the generation wrapped: the slot's first handle again
    expect(() => p.slotOf(prev)).toThrow(StaleFrameHandleError);
    expect(() => p.slotOf(2 ** 31 + 5)).toThrow(StaleFrameHandleError);
  });

  it("returns NO_FRAME when exhausted and counts it, never throws", () => {
    const p = new FramePool({ slots: 3 });
    const hs = [p.alloc(), p.alloc(), p.alloc()];
    expect(p.alloc()).toBe(NO_FRAME);
    expect(p.read()).toMatchObject({ inUse: 3, exhausted: 1, highWater: 3 });
    for (const h of hs) p.free(h);
    expect(p.read()).toMatchObject({ inUse: 0, allocated: 3, freed: 3 });
  });

  it("never hands out a slot twice and always detects stale handles (random alloc/free)", () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.constant(-1), fc.nat()), { maxLength: 300 }), (ops) => {
      const p = new FramePool({ slots: 8 });
      const live: number[] = [], dead: number[] = [];
      for (const op of ops) {
        if (op === -1 || live.length === 0) {
          const h = p.alloc();
          if (h === NO_FRAME) expect(live.length).toBe(8);
          else {
            expect(live.map((x) => p.slotOf(x))).not.toContain(p.slotOf(h));
            live.push(h);
          }
        } else {
          const [h] = live.splice(op % live.length, 1);
          p.free(h!);
          dead.push(h!);
        }
      }
      for (const h of dead) expect(p.isLive(h)).toBe(false);
      for (const h of live) expect(p.isLive(h)).toBe(true);
      expect(p.inUse).toBe(live.length);
    }));
  });

  it("bytes() returns the same preallocated view for a slot (no allocation per call)", () => {
    const p = new FramePool({ slots: 1 });
    const h = p.alloc();
    expect(p.bytes(h)).toBe(p.bytes(h));
  });
});
