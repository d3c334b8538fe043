import { describe, expect, it } from "vitest";
import { aggregate, CI_SUFFIX, meetsPrecision, replicationSeed } from "../../src/stats/replications.ts";
import { tInterval } from "../../src/stats/t-interval.ts";

describe("replications (docs/methods.md §1-2)", () => {
  it("derives independent seeds: replication 0 is the master seed, the others distinct and stable", () => {
    expect(replicationSeed(7, 0)).toBe(7);
    const seeds = Array.from({ length: 100 }, (_, j) => replicationSeed(7, j));
    expect(new Set(seeds).size).toBe(100);
    expect(replicationSeed(7, 3)).toBe(replicationSeed(7, 3));
    expect(replicationSeed(8, 3)).not.toBe(replicationSeed(7, 3));
  });

  it("aggregates records field by field: means with their 95 % half-widths beside them", () => {
    const recs = [1, 2, 3].map((k) => ({ seed: k, load: 1.5, delivered: { inboundMbps: 10 * k, outboundMbps: 5 }, bottleneck: { resource: k === 3 ? "pci" : "cpu", utilization: 0.9 }, latency: { cdf: [[k, 0.5], [2 * k, 1]] } }));
    const a = aggregate(recs) as Record<string, any>;
    expect(a.load).toBe(1.5); // what ran: copied
    expect(a.delivered.inboundMbps).toBe(20);
    expect(a.delivered[`inboundMbps${CI_SUFFIX}`]).toBeCloseTo(tInterval([10, 20, 30]).halfWidth, 12);
    expect(a.delivered[`outboundMbps${CI_SUFFIX}`]).toBe(0);
    expect(a.bottleneck.resource).toBe("cpu"); // the most frequent, with the votes beside it
    expect(a.bottleneck.resourceVotes).toEqual({ cpu: 2, pci: 1 });
    expect(a.latency.cdf).toEqual([[2, 0.5], [4, 1]]); // averaged point by point
    expect(a.replications.n).toBe(3);
    expect(a.replications.seeds).toEqual([1, 2, 3]);
  });

  it("counts a drop cause missing from a replication as 0 there", () => {
    const a = aggregate([{ seed: 1, dropped: { x: 4 } }, { seed: 2, dropped: {} }]) as Record<string, any>;
    expect(a.dropped.x).toBe(2);
  });

  it("meets a precision goal only when every headline figure's half-width is within it", () => {
    const rec = (x: number) => ({ delivered: { inboundMbps: 100 + x, outboundMbps: 200 }, cpu: { utilization: 0.5, cyclesPerIntervention: 1400 } });
    expect(meetsPrecision([rec(0), rec(0.1), rec(-0.1)], 0.02)).toBe(true);
    expect(meetsPrecision([rec(0), rec(10), rec(-10)], 0.02)).toBe(false);
    expect(meetsPrecision([rec(0)], 0.02)).toBe(false);
  });
});
