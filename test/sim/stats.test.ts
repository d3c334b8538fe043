import fc from "fast-check";
import * as hdr from "hdr-histogram-js";
import { describe, expect, it } from "vitest";
import { LatencyHistogram, RateMeter, TimeWeighted, Utilization } from "../../src/sim/stats/index.ts";
import { SEC, US } from "../../src/sim/time.ts";

describe("statistics", () => {
  it("utilisation is busy time over elapsed time", () => {
    const u = new Utilization(0);
    u.busy(100);
    u.idle(300);
    u.busy(600);
    // busy [100,300) and [600,1000): 600 of 1000 ps
    expect(u.read(1000)).toEqual({ utilization: 0.6, busyPs: 600, elapsedPs: 1000 });
  });

  it("busyIn and idleNow (times as delays from a time source) equal busy and idle", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 5_000 })), { minLength: 1, maxLength: 40 }), (steps) => {
        const start = 2 ** 41, a = new Utilization(start), b = new Utilization(start), src = { now: start };
        for (const [gap, delay] of steps) {
          src.now += gap;
          a.busy(src.now + delay);
          b.busyIn(src, delay);
          src.now += delay + gap;
          a.idle(src.now);
          b.idleNow(src);
        }
        expect(b.read(src.now + 7)).toEqual(a.read(src.now + 7));
      }),
    );
  });

  it("a multi-unit resource averages units in use over capacity", () => {
    const u = new Utilization(0, 4);
    u.busy(0, 2);
    u.busy(500, 2);
    expect(u.read(1000).utilization).toBe((2 * 500 + 4 * 500) / 4 / 1000);
  });

  it("time-weighted mean and max of a queue depth", () => {
    const q = new TimeWeighted(0);
    q.set(0, 1);
    q.set(10, 3);
    q.set(20, 0);
    expect(q.read(40)).toEqual({ mean: (10 + 30) / 40, max: 3, last: 0, elapsedPs: 40 });
  });

  it("rate meter: 148,809 64-byte frames in one second is 76.19 Mb/s of frame bytes", () => {
    const r = new RateMeter(0);
    for (let i = 0; i < 148_809; i++) r.add(64);
    const x = r.read(SEC);
    expect(x.perSecond).toBe(148_809);
    expect(x.bitsPerSecond).toBe(148_809 * 64 * 8);
  });

  it("latency histogram percentiles within HdrHistogram's 3 significant digits", () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) h.record(i * US); // 1..1000 us
    const r = h.read();
    expect(r.count).toBe(1000);
    expect(r.p50).toBeCloseTo(500, -1);
    expect(Math.abs(r.p99 - 990) / 990).toBeLessThan(0.002);
    expect(Math.abs(r.max - 1000) / 1000).toBeLessThan(0.002);
    expect(r.minUs).toBe(1);
  });

  it("the batched histogram reads exactly as HdrHistogram recording each value (all ranges, reads in between; the mean computed without its iterator)", () => {
    const ns = fc.oneof(fc.integer({ min: 1, max: 4095 }), fc.integer({ min: 4096, max: 2 ** 32 - 1 }), fc.integer({ min: 4096, max: 70_000 }), fc.integer({ min: 2 ** 32, max: 9_000_000_000 }));
    fc.assert(
      fc.property(fc.array(fc.array(ns, { minLength: 1, maxLength: 300 }), { minLength: 1, maxLength: 4 }), (batches) => {
        const h = new LatencyHistogram();
        const ref = hdr.build({ bitBucketSize: 64, lowestDiscernibleValue: 1, highestTrackableValue: 10_000_000_000, numberOfSignificantValueDigits: 3, autoResize: false, useWebAssembly: false });
        for (const b of batches) {
          for (const v of b) {
            h.record(v * 1000); // ps
            ref.recordValue(v);
          }
          const r = h.read();
          expect(r.count).toBe(ref.totalCount);
          expect(r.minUs).toBe(ref.minNonZeroValue / 1000);
          expect(r.max).toBe(ref.maxValue / 1000);
          expect(r.meanUs).toBe(ref.mean / 1000);
          for (const p of [0, 1, 10, 50, 90, 99, 99.9, 100]) expect(h.percentileUs(p)).toBe(ref.getValueAtPercentile(p) / 1000);
        }
      }),
      { numRuns: 150 },
    );
  });
});
