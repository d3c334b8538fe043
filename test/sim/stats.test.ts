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
});
