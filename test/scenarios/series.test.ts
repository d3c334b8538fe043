import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { loadBoard } from "../../src/hw/boards/load.ts";
import { runBoard } from "../../src/scenarios/board-run.ts";
import { serverFailover } from "../../src/scenarios/claims.ts";
import { aggregate } from "../../src/stats/replications.ts";
import { csvParse } from "d3-dsv";
import { seriesCsv, type SeriesSection } from "../../src/analysis/series-csv.ts";
import { sampleInstants } from "../../src/sim/stats/series.ts";
import { MS, US } from "../../src/sim/time.ts";

type Series = { intervalMs: number; samples: number; warmupSamples: number; tMs: number[] } & Record<string, Record<string, number[]>>;

const spec = (name: string) => {
  const b = loadBoard(name);
  if (!b.ok) throw new Error(b.error);
  return b.board;
};
const base = { seed: 3, warmupPs: 3 * MS, durationPs: 4 * MS, load: 1.2 };
const withoutWall = ({ wallSeconds: _w, series: _s, ...rest }: Record<string, unknown>) => rest;

describe("time series (--series)", () => {
  const runs = ["5A", "5F"].map((b) => ({ b, plain: runBoard(spec(b), base), sampled: runBoard(spec(b), { ...base, seriesIntervalPs: 250 * US }) }));

  it("sampling changes nothing: a run with and without a series gives the same record apart from the series (5A with PCI's deferred completions, 5F's crossbar)", () => {
    for (const { plain, sampled } of runs) {
      expect(sampled["series"]).toBeDefined();
      expect(isDeepStrictEqual(withoutWall(plain), withoutWall(sampled))).toBe(true);
    }
  });

  it("samples every interval over the warm-up and the window, the warm-up's end included", () => {
    expect(Array.from(sampleInstants(3, 10, 20))).toEqual([3, 6, 9, 10, 13, 16, 19, 20]);
    expect(Array.from(sampleInstants(5, 0, 20))).toEqual([5, 10, 15, 20]);
    expect(Array.from(sampleInstants(50, 10, 20))).toEqual([10, 20]);
    const s = runs[0]!.sampled["series"] as Series;
    expect(s.samples).toBe(12 + 16);
    expect(s.warmupSamples).toBe(12);
    expect(s.tMs[s.warmupSamples - 1]).toBe(0);
    expect(s.tMs.at(-1)).toBe(4);
  });

  it("adds up to the record over the window: drops by cause exactly, utilisation and throughput as interval-weighted means", () => {
    for (const { b, sampled: r } of runs) {
      const s = r["series"] as Series;
      const w = s.warmupSamples, dt = (i: number) => s.tMs[i]! - (i === 0 ? 0 : s.tMs[i - 1]!);
      const windowMean = (xs: number[]) => xs.slice(w).reduce((a, x, k) => a + x * dt(w + k), 0) / s.tMs.at(-1)!;
      const dropped = (r["frames"] as { dropped: Record<string, number> }).dropped;
      const sums = Object.fromEntries(Object.entries(s["dropped"]!).map(([k, xs]) => [k, xs.slice(w).reduce((a, x) => a + x, 0)]).filter(([, n]) => n !== 0));
      expect(sums, b).toEqual(dropped);
      const resources = r["resources"] as Record<string, { utilization: number }>;
      let compared = 0;
      for (const [name, x] of Object.entries(resources)) {
        const col = s["utilization"]![name];
        if (!col) continue; // the crossbar's figure is its busiest port's; the series has each port
        expect(windowMean(col), `${b} ${name}`).toBeCloseTo(x.utilization, 4);
        compared++;
      }
      expect(compared).toBeGreaterThan(10);
      const delivered = r["delivered"] as { inboundMbps: number; outboundMbps: number };
      expect(windowMean(s["delivered"]!["inboundMbps"]!) / delivered.inboundMbps).toBeCloseTo(1, 4);
      expect(windowMean(s["delivered"]!["outboundMbps"]!) / delivered.outboundMbps).toBeCloseTo(1, 4);
      expect(s["flows"]!["live"]!.at(-1)).toBe((r["flowTable"] as { flows: number }).flows);
      const cpu = (r["board"] as string) === "5F" ? "mgmt0" : "cpuboard"; // 5F has its CPUs on management cards
      expect(Object.keys(s["queues"]!), b).toEqual(expect.arrayContaining([`${cpu}.cpu`, `${cpu}.buffers`]));
    }
  });

  it("a failover shows in the health series exactly when the health log says: each host's state at a sample is its last change at or before it", async () => {
    const [r] = (await serverFailover.run({ seed: 1, durationPs: 20 * MS, load: 1, seriesIntervalPs: 250 * US })) as Record<string, unknown>[];
    const s = r!["series"] as Series;
    const events = [...(((r!["warmup"] as { health?: { events: { atMs: number; name: string; change: string }[] } }).health?.events) ?? []), ...(r!["health"] as { events: { atMs: number; name: string; change: string }[] }).events];
    expect(events.some((e) => e.change === "down")).toBe(true);
    for (const [name, xs] of Object.entries(s["health"]!)) {
      xs.forEach((x, i) => {
        const last = events.filter((e) => e.name === name && e.atMs <= s.tMs[i]! + 1e-9).at(-1);
        expect(x, `${name} at ${s.tMs[i]} ms`).toBe(last?.change === "down" ? 0 : 1);
      });
    }
  });

  it("writes a CSV per run: a row per sample with its time and phase, a column per series named <group>.<name>", () => {
    const s = runs[0]!.sampled["series"] as SeriesSection & Series;
    const rows = csvParse(seriesCsv(s));
    expect(rows).toHaveLength(s.samples);
    expect(rows.columns.slice(0, 4)).toEqual(["tMs", "phase", "delivered.inboundMbps", "delivered.outboundMbps"]);
    expect(rows.columns).toEqual(expect.arrayContaining(["queues.cpuboard.cpu", "utilization.pci", "health.s0", "flows.live", "backlog.dataFrames"]));
    expect(rows.filter((r) => r["phase"] === "warmup")).toHaveLength(s.warmupSamples);
    expect(rows.map((r) => Number(r["utilization.pci"]))).toEqual(s["utilization"]!["pci"]);
  });

  it("replications average each sample; a drop cause absent from a replication counts 0 there", () => {
    const rec = (seed: number, dropped: Record<string, number[]>) => ({ seed, series: { intervalMs: 1, samples: 2, tMs: [1, 2], dropped } });
    const agg = aggregate([rec(1, { "host.x": [2, 4] }), rec(2, {})]) as { series: { intervalMs: number; tMs: number[]; dropped: Record<string, number[]> } };
    expect(agg.series.dropped["host.x"]).toEqual([1, 2]);
    expect(agg.series.tMs).toEqual([1, 2]);
    expect(agg.series.intervalMs).toBe(1);
  });
});
