import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ClockDomain } from "../../src/sim/clock.ts";

/** Reference: edge n of an f-Hz clock is at floor(n * 1e12 / f) ps, in exact integer arithmetic. */
const refEdge = (hz: number, n: number) => Number((BigInt(n) * 1_000_000_000_000n) / BigInt(hz));

const expectThrow = (f: () => unknown) => {
  try {
    f();
    return false;
  } catch {
    return true;
  }
};

describe("ClockDomain", () => {
  it("50 MHz edges are every 20,000 ps exactly", () => {
    const c = ClockDomain.mhz("ref", 50);
    for (const n of [0, 1, 2, 49_999_999, 50_000_000, 123_456_789_012]) expect(c.edge(n)).toBe(n * 20_000);
  });

  it("33.333 MHz: period 30,000.3 ps; edge 33,333 falls exactly on 1 ms and edges never drift", () => {
    const c = new ClockDomain("pci", 33_333_000);
    expect(c.edge(1)).toBe(30_000);
    expect(c.edge(10)).toBe(300_003);
    expect(c.edge(33_333)).toBe(1_000_000_000);
    expect(c.edge(33_333_000)).toBe(1_000_000_000_000);
    expect(c.edge(33_333_000 * 3600)).toBe(3600 * 1_000_000_000_000);
  });

  it("133 MHz: edge 133 is exactly 1 us, edge 1 is floor(7518.79) ps", () => {
    const c = ClockDomain.mhz("cpu", 133);
    expect(c.edge(1)).toBe(7_518);
    expect(c.edge(2)).toBe(15_037);
    expect(c.edge(133)).toBe(1_000_000);
    expect(c.edge(133_000_000)).toBe(1_000_000_000_000);
  });

  it("edges match exact integer arithmetic for any frequency and cycle (incl. co-prime 33,333,333 Hz)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(33_333_000, 33_333_333, 50_000_000, 66_666_667, 133_000_000, 200_000_000, 12_500_000),
        fc.integer({ min: 0, max: 2 ** 38 }),
        (hz, n) => {
          const c = new ClockDomain("c", hz);
          if (refEdge(hz, n) > Number.MAX_SAFE_INTEGER) return expectThrow(() => c.edge(n));
          return c.edge(n) === refEdge(hz, n);
        },
      ),
    );
  });

  it("edgeAtOrAfter(t) is the first edge not before t", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(33_333_000, 33_333_333, 50_000_000, 133_000_000),
        fc.integer({ min: 0, max: 2 ** 50 }),
        (hz, t) => {
          const c = new ClockDomain("c", hz);
          const n = c.cycleAtOrAfter(t);
          return c.edge(n) >= t && (n === 0 || c.edge(n - 1) < t) && c.edgeAtOrAfter(t) === c.edge(n);
        },
      ),
    );
  });

  it("the first edge at or after t next to an edge (t = edge + -2..2 ps, where one edge check settles it or the search must)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(33_333_000, 33_333_333, 50_000_000, 66_666_667, 133_000_000, 1_000_000_000_000),
        fc.integer({ min: 0, max: 2 ** 38 }),
        fc.integer({ min: -2, max: 2 }),
        (hz, k, d) => {
          const c = new ClockDomain("c", hz);
          const t = Math.max(0, c.edge(k) + d);
          const n = c.cycleAtOrAfter(t);
          return c.edge(n) >= t && (n === 0 || c.edge(n - 1) < t) && c.edgeAtOrAfter(t) === c.edge(n) && c.delayToEdgeAtOrAfter({ now: 0 }, t) === c.edge(n);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("the first edge at or after t, for every edge of a long stretch late in a run and 1 ps either side (where the estimate ceil(t / period) is off by one either way)", () => {
    // edges whose time's estimate ceil(t * hz / 1e12) is one too high (found by search; past 3,000 simulated s)
    const high: Record<number, number[]> = { 33_333_333: [195_557_998_147, 203_727_201_365], 66_666_667: [202_264_160_961, 101_534_653_770], 133_333_333: [254_921_012_934, 246_315_359_659] };
    for (const hz of [33_333_333, 66_666_667, 133_333_333]) {
      const c = new ClockDomain("c", hz);
      const num = 10n ** 12n, den = BigInt(hz);
      const exact = (n: number) => Number((BigInt(n) * num) / den);
      const ks = [...Array.from({ length: 100_000 }, (_, i) => 2 ** 37 + i), ...high[hz]!.flatMap((k) => [k - 1, k, k + 1])];
      for (const k of ks) {
        for (let d = -1; d <= 1; d++) {
          const t = exact(k) + d;
          const n = d > 0 ? k + 1 : k;
          if (c.cycleAtOrAfter(t) !== n || c.edgeAtOrAfter(t) !== exact(n)) throw new Error(`${hz} Hz, t ${t}: cycle ${c.cycleAtOrAfter(t)}, expected ${n}`);
        }
      }
    }
  });

  it("the relative methods (delays from a time source's now) equal the absolute ones minus now", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(33_333_000, 33_333_333, 50_000_000, 133_000_000, 1_000_000_000),
        fc.integer({ min: 0, max: 2 ** 44 }),
        fc.integer({ min: 0, max: 5_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        (hz, now, cycles, delay) => {
          const c = new ClockDomain("c", hz), src = { now };
          const n = c.cycleAtOrAfter(now);
          return (
            c.cycleNow(src) === n &&
            c.delayToEdge(src, cycles) === c.edgeAfterCycles(now, cycles) - now &&
            c.delayToEdgeAtOrAfter(src, delay) === c.edgeAtOrAfter(now + delay) - now &&
            c.delayToCycle(src, n + cycles) === c.edge(n + cycles) - now
          );
        },
      ),
    );
  });

  it("edgeAfterCycles lands on an edge; cyclesToTicks of 1 differs by at most 1 ps from the period", () => {
    const c = ClockDomain.mhz("cpu", 133);
    const t = c.edgeAfterCycles(1_000_001, 10);
    expect(c.edgeAtOrAfter(t)).toBe(t);
    expect(c.edge(c.cycleAtOrAfter(1_000_001) + 10)).toBe(t);
    for (let k = 0; k < 200; k++) expect(Math.abs(c.cyclesToTicks(1, k) - c.periodPs)).toBeLessThan(1);
  });

  it("rejects a non-integer or zero frequency", () => {
    expect(() => new ClockDomain("bad", 0)).toThrow(/frequency/);
    expect(() => new ClockDomain("bad", 1.5)).toThrow(/frequency/);
  });
});

describe("ClockDomain.delayToEdgeAfter", () => {
  it("is the absolute edge `cycles` after the first edge at or after now + delay, less now", () => {
    for (const hz of [33_333_333, 50_000_000, 133_000_000]) {
      const c = new ClockDomain("c", hz);
      for (const now of [0, 7, 2_147_483_648_123, 9_000_000_000_001]) {
        for (const delay of [0, 1, 29_999, 30_000, 1_234_567]) {
          for (const cycles of [0, 1, 17]) {
            expect(c.delayToEdgeAfter({ now }, delay, cycles)).toBe(c.edge(c.cycleAtOrAfter(now + delay) + cycles) - now);
          }
        }
      }
    }
  });
});
