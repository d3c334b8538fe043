import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FramePool } from "../../src/net/frame-pool.ts";
import { ClockDomain } from "../../src/sim/clock.ts";
import { DelayLine } from "../../src/sim/delay-line.ts";
import { IntRing } from "../../src/sim/ring.ts";
import { Simulator } from "../../src/sim/simulator.ts";

describe("IntRing", () => {
  it("is a bounded FIFO: agrees with an array model, counts drops and high water", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.option(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })), { maxLength: 100 }), (cap, ops) => {
        const r = new IntRing(cap), model: number[] = [];
        let drops = 0, high = 0;
        for (const op of ops) {
          if (op === null) expect(r.shift()).toBe(model.length ? model.shift()! : -1);
          else if (model.length === cap) {
            expect(r.push(op)).toBe(false);
            drops++;
          } else {
            expect(r.push(op)).toBe(true);
            model.push(op);
            high = Math.max(high, model.length);
          }
        }
        expect(r.size).toBe(model.length);
        expect(r.read()).toMatchObject({ drops, highWater: high });
      }),
    );
  });

  it("refuses what an Int32Array would truncate, loudly (a handle above 2^31 once became negative: an empty ring to its reader)", () => {
    const r = new IntRing(4);
    for (const bad of [2 ** 31, 2 ** 32 + 3, 1.5, NaN]) expect(() => r.push(bad)).toThrow(/not a 32-bit integer/);
    expect(r.size).toBe(0);
  });

  it("carries a frame pool's handles after any number of reuses", () => {
    const p = new FramePool({ slots: 16 }), r = new IntRing(2);
    let wrong = 0;
    for (let i = 0; i < 300_000; i++) {
      const h = p.alloc();
      r.push(h);
      if (r.shift() !== h) wrong++;
      p.free(h);
    }
    expect(wrong).toBe(0);
  });
});

describe("DelayLine", () => {
  it("emits items in order, each `delay` later (on the next edge of the clock, if given), with one event for the whole line", () => {
    for (const [clock, expected] of [
      [undefined, [[1_000, 0, 7], [1_100, 1, 7], [1_100, 2, 7], [3_500, 3, 7]]],
      [new ClockDomain("c", 400_000_000), [[2_500, 0, 7], [2_500, 1, 7], [2_500, 2, 7], [5_000, 3, 7]]], // 2,500 ps period
    ] as const) {
      const sim = new Simulator();
      const out: number[][] = [];
      const line = new DelayLine(sim, "d", 1_000, 4, (item, aux) => out.push([sim.now, item, aux]), clock);
      [0, 100, 100, 2_500].forEach((t, i) => sim.schedule(sim.event(`push${i}`, () => void line.push(i, 7)), t));
      sim.run();
      expect(out).toEqual(expected);
      expect(() => line.push(2 ** 31)).toThrow(/not a 32-bit integer/);
    }
  });
});
