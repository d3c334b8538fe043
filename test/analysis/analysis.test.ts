import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { csvParse } from "d3-dsv";
import fc from "fast-check";
import tCdf from "@stdlib/stats-base-dists-t-cdf";
import { describe, expect, it } from "vitest";
import { welch } from "../../src/analysis/welch.ts";
import { tInterval } from "../../src/stats/t-interval.ts";

const summary = (xs: number[]) => {
  const i = tInterval(xs);
  return { mean: i.mean, halfWidth: i.halfWidth, n: i.n, level: 0.95 };
};

/** Runs the command line in this process; returns its exit code and what it wrote. */
async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const { runCli } = await import("../../src/cli/main.ts");
  let out = "", err = "";
  const [wo, we] = [process.stdout.write.bind(process.stdout), process.stderr.write.bind(process.stderr)];
  process.stdout.write = ((c: string | Uint8Array) => ((out += String(c)), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array) => ((err += String(c)), true)) as typeof process.stderr.write;
  const log = console.log;
  console.log = (...xs: unknown[]) => void (out += xs.join(" ") + "\n");
  try {
    return { code: await runCli(["node", "flowsim", ...args]), out, err };
  } finally {
    [process.stdout.write, process.stderr.write, console.log] = [wo, we, log];
  }
}

describe("Welch's t test from means and half-widths", () => {
  it("matches R's t.test (Welch, the default) on a published example: t = -1.8325, df = 17.9, p = 0.08356, 95 % interval ±1.1469", () => {
    // R: ts1 = c(11,9,10,11,10,12,9,11,12,9); ts2 = c(11,13,10,13,12,9,11,12,12,11); t.test(ts1, ts2)
    const w = welch(summary([11, 9, 10, 11, 10, 12, 9, 11, 12, 9]), summary([11, 13, 10, 13, 12, 9, 11, 12, 12, 11]))!;
    expect(w.difference).toBeCloseTo(1, 12);
    expect(w.t).toBeCloseTo(1.8325, 4); // B - A: R's t for A - B is -1.8325
    expect(w.df).toBeCloseTo(17.9, 1);
    expect(w.p).toBeCloseTo(0.08356, 5);
    expect(w.halfWidth).toBeCloseTo(1.146912, 5);
  });

  it("equals Welch's test on the raw replications (differential: the half-widths carry the sample variances)", () => {
    const sample = fc.array(fc.double({ min: -1000, max: 1000, noNaN: true }), { minLength: 2, maxLength: 20 });
    fc.assert(fc.property(sample, sample, (xa, xb) => {
      const va = tInterval(xa).sd ** 2 / xa.length, vb = tInterval(xb).sd ** 2 / xb.length;
      fc.pre(va > 1e-9 && vb > 1e-9);
      const t = (tInterval(xb).mean - tInterval(xa).mean) / Math.sqrt(va + vb);
      const df = (va + vb) ** 2 / (va ** 2 / (xa.length - 1) + vb ** 2 / (xb.length - 1));
      const w = welch(summary(xa), summary(xb))!;
      expect(w.t).toBeCloseTo(t, 6);
      expect(w.df / df).toBeCloseTo(1, 8);
      expect(w.p).toBeCloseTo(Math.min(1, 2 * (1 - tCdf(Math.abs(t), df))), 6);
    }), { numRuns: 200 });
  });

  it("has no test without replications, and with no spread a difference is certain", () => {
    expect(welch({ mean: 1, halfWidth: 0, n: 1, level: 0.95 }, { mean: 2, halfWidth: 0, n: 5, level: 0.95 })).toBeUndefined();
    expect(welch({ mean: 1, halfWidth: 0, n: 3, level: 0.95 }, { mean: 2, halfWidth: 0, n: 3, level: 0.95 })!.p).toBe(0);
    expect(welch({ mean: 2, halfWidth: 0, n: 3, level: 0.95 }, { mean: 2, halfWidth: 0, n: 3, level: 0.95 })!.p).toBe(1);
  });
});

describe("flowsim results and flowsim diff", () => {
  const dir = mkdtempSync(join(tmpdir(), "flowsim-analysis-"));
  const run = (board: string, load: number, inbound: number, h: number, cpu: number, bottleneck: string, n = 5) => ({
    scenario: "sweep", board, workload: "mixed", load, seed: 1, simulatedSeconds: 0.02, wallSeconds: 1,
    delivered: { inboundMbps: inbound, ...(n > 1 ? { inboundMbpsCi95: h } : {}) },
    cpu: { utilization: cpu, ...(n > 1 ? { utilizationCi95: 0.1 } : {}) },
    resources: { "card510.gt.p0.in": { utilization: 0.5 } },
    bottleneck: { resource: bottleneck },
    ...(n > 1 ? { replications: { n, level: 0.95 } } : {}),
  });
  const file = (name: string, runs: unknown[]) => {
    const p = join(dir, name);
    writeFileSync(p, JSON.stringify({ schema: 1, runs }));
    return p;
  };
  const a = file("a.json", [run("5A", 1, 100, 2, 0.5, "pci"), run("5F", 1, 100, 2, 0.1, "crossbar")]);
  const b = file("b.json", [run("5A", 1.3, 110, 2, 0.52, "cpuboard.cpu"), run("5F", 1.3, 101, 2, 0.1, "crossbar")]);

  it("results: chosen fields (globs, keys with dots) as CSV with half-width columns, filtered by board and parameter, a file column for several files", async () => {
    const r = await cli("results", a, b, "--board", "5A", "--where", "load>=1.3", "--fields", "board,load,delivered.*,resources.*.utilization", "--csv", "-");
    expect(r.code).toBe(0);
    const rows = csvParse(r.out);
    expect(rows.columns).toEqual(["file", "board", "load", "delivered.inboundMbps", "delivered.inboundMbpsCi95", "resources.card510.gt.p0.in.utilization"]);
    expect(rows.map((x) => [x["board"], x["load"], x["delivered.inboundMbps"], x["delivered.inboundMbpsCi95"]])).toEqual([["5A", "1.3", "110", "2"]]);
    const t = await cli("results", a, "--where", "bottleneck.resource=c*");
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/5F .*100 ± 2/);
    expect(t.out).not.toMatch(/5A/);
  });

  it("diff: pairs runs by board when the files differ in load, tests each number with Welch, and says which differences are significant", async () => {
    const r = await cli("diff", a, b, "--json", "-");
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out) as { run: string; field: string; verdict: string; p?: number }[];
    const v = (board: string, field: string) => rows.find((x) => x.run.includes(`board=${board}`) && x.field === field);
    expect(v("5A", "delivered.inboundMbps")!.verdict).toBe("significant"); // 100 ± 2 against 110 ± 2, n = 5
    expect(v("5F", "delivered.inboundMbps")!.verdict).toBe("not significant"); // 100 ± 2 against 101 ± 2
    expect(v("5A", "cpu.utilization")!.verdict).toBe("not significant");
    expect(v("5A", "bottleneck.resource")!.verdict).toBe("differs");
    expect(v("5A", "load")!.verdict).toBe("no test");
    expect(v("5F", "cpu.utilization")).toBeUndefined(); // equal: listed only with --all
    const text = await cli("diff", a, b);
    expect(text.out).toMatch(/A and B differ in load: 1 against 1.3/);
    expect(text.out).toMatch(/significantly at 5 %/);
  });

  it("single runs are compared but not judged", async () => {
    const s1 = file("s1.json", [run("5A", 1, 100, 0, 0.5, "pci", 1)]), s2 = file("s2.json", [run("5A", 1, 120, 0, 0.5, "pci", 1)]);
    const r = await cli("diff", s1, s2, "--fields", "delivered.*", "--csv", "-");
    expect(csvParse(r.out).map((x) => [x["field"], x["B - A"], x["verdict"]])).toEqual([["delivered.inboundMbps", "20", "no test"]]);
  });

  it("bad input is one line and exit 2: a missing file, a document that is not results, a filter that does not parse, an alpha out of range; --series-csv without --series, a series interval under 1 us or of more than a million samples", async () => {
    const notResults = file("x.json", [1, 2]);
    const series = [["run", "router-pool", "--series-csv", dir], ["run", "router-pool", "--series", "100ns"], ["sweep", "--board", "5A", "--loads", "1:1:1", "--series", "1us", "--duration", "2s"]];
    for (const args of [["results", join(dir, "missing.json")], ["results", notResults], ["results", a, "--where", "load"], ["diff", a, b, "--alpha", "2"], ...series]) {
      const r = await cli(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.err).toMatch(/^flowsim: /);
    }
  });
});
