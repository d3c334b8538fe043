/**
 * `npm run bench -- tlm-vs-cycle` (issue 18 part 3): the verdicts on hand-made figures, each at
 * the edges of the issue's table (1 % or inside the cycle interval for delivered Mb/s up to
 * 0.95 x capacity; capacity 3 %; the same bottleneck; utilisation 0.02 absolute; cycles per
 * intervention 3 %; latency p50 5 %, p99 10 %, 15 % at 0.95-1.1 x; drop rate at 1.1 x 10 %
 * relative; speed-up 2x on 5A and 5E, 1.6x on 5D-12), not the models' output; bad options; and
 * one tiny run of the bench's pipeline (its structure, not its figures).
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { allPass, judge, MEASURES, toleranceOf, verdicts, type BoardComparison, type Figures } from "../../bench/tlm-verdicts.ts";
import { pairedOf, tlmVsCycle } from "../../bench/tlm-vs-cycle.ts";
import { loadBoard } from "../../src/hw/boards/load.ts";
import type { RunRecord } from "../../src/scenarios/registry.ts";
import { MS } from "../../src/sim/time.ts";

const root = join(import.meta.dirname, "..", "..");

/** Figures with every measure at `x` (half-width `h`), then the given ones. */
function figures(x: number, h: number, more: Partial<Record<keyof Figures, number | [number, number]>> = {}): Figures {
  const f = Object.fromEntries(MEASURES.map((m) => [m.key, { mean: x, halfWidth: h }])) as Figures;
  for (const [k, v] of Object.entries(more)) f[k as keyof Figures] = Array.isArray(v) ? { mean: v[0], halfWidth: v[1] } : { mean: v, halfWidth: 0 };
  return f;
}

function board(loads: BoardComparison["loads"], more: Partial<BoardComparison> = {}): BoardComparison {
  return { board: "5B", capacity: { cycle: 2, tlm: 2 }, bottleneck: { cycle: "pci.onboard", tlm: "pci.onboard" }, loads, ...more };
}

const at = (vs: ReturnType<typeof verdicts>, factor: number | undefined, measure: string) => vs.find((v) => v.factor === factor && v.measure === measure)!;

describe("tlm-vs-cycle verdicts (the issue's table)", () => {
  it("delivered Mb/s: 1 %, or inside the cycle-level interval, at loads up to 0.95 x; not judged above", () => {
    const tol = toleranceOf("inboundMbps", 0.8)!;
    expect(judge({ mean: 100, halfWidth: 0.5 }, 100.9, tol).pass).toBe(true); // 0.9 %
    expect(judge({ mean: 100, halfWidth: 0.5 }, 101.5, tol).pass).toBe(false); // 1.5 %, outside ± 0.5
    expect(judge({ mean: 100, halfWidth: 2 }, 101.5, tol).pass).toBe(true); // 1.5 %, inside ± 2
    expect(judge({ mean: 100, halfWidth: 2 }, 97.9, tol).pass).toBe(false);
    expect(toleranceOf("outboundMbps", 0.95)).toBeDefined();
    expect(toleranceOf("inboundMbps", 1.0)).toBeUndefined();
    expect(toleranceOf("outboundMbps", 1.1)).toBeUndefined();
  });

  it("utilisation 0.02 absolute; cycles per intervention 3 %; latency p50 5 %, p99 10 % (15 % from 0.95 x)", () => {
    const u = toleranceOf("cpuUtilization", 0.5)!;
    expect(judge({ mean: 0.5, halfWidth: 0 }, 0.519, u).pass).toBe(true);
    expect(judge({ mean: 0.5, halfWidth: 0 }, 0.521, u).pass).toBe(false);
    expect(judge({ mean: 0.9, halfWidth: 0.1 }, 0.875, toleranceOf("fabricUtilization", 1.1)!).pass).toBe(false); // no interval for utilisation
    const c = toleranceOf("cyclesPerIntervention", 1.0)!;
    expect(judge({ mean: 1000, halfWidth: 0 }, 1029, c).pass).toBe(true);
    expect(judge({ mean: 1000, halfWidth: 50 }, 1031, c).pass).toBe(false);
    expect(judge({ mean: 100, halfWidth: 0 }, 104.9, toleranceOf("inboundP50Us", 0.5)!).pass).toBe(true);
    expect(judge({ mean: 100, halfWidth: 0 }, 105.1, toleranceOf("outboundP50Us", 1.1)!).pass).toBe(false); // p50 stays 5 % near capacity
    expect(judge({ mean: 100, halfWidth: 0 }, 109.9, toleranceOf("inboundP99Us", 0.8)!).pass).toBe(true);
    expect(judge({ mean: 100, halfWidth: 0 }, 110.1, toleranceOf("inboundP99Us", 0.8)!).pass).toBe(false);
    expect(judge({ mean: 100, halfWidth: 0 }, 114.9, toleranceOf("outboundP99Us", 0.95)!).pass).toBe(true);
    expect(judge({ mean: 100, halfWidth: 0 }, 85.1, toleranceOf("inboundP99Us", 1.1)!).pass).toBe(true);
    expect(judge({ mean: 100, halfWidth: 0 }, 115.1, toleranceOf("inboundP99Us", 1.0)!).pass).toBe(false);
  });

  it("drop rate: 10 % relative at 1.1 x only; a cycle-level 0 passes only a tlm 0", () => {
    const d = toleranceOf("dropRate", 1.1)!;
    expect(judge({ mean: 0.1, halfWidth: 0 }, 0.109, d).pass).toBe(true);
    expect(judge({ mean: 0.1, halfWidth: 0.05 }, 0.111, d).pass).toBe(false);
    expect(judge({ mean: 0, halfWidth: 0 }, 0, d).pass).toBe(true);
    expect(judge({ mean: 0, halfWidth: 0 }, 1e-4, d).pass).toBe(false);
    expect(toleranceOf("dropRate", 1.0)).toBeUndefined();
  });

  it("a board: capacity 3 %, the same bottleneck, every load's rows, and the speed-up targets", () => {
    const ok = board([{ factor: 0.8, load: 1.6, cycle: figures(100, 1), tlm: figures(100.5, 0, { cpuUtilization: 100.01, fabricUtilization: 99.99 }) }, { factor: 1.1, load: 2.2, cycle: figures(100, 1, { dropRate: 0.2 }), tlm: figures(100.5, 0, { dropRate: 0.21, inboundMbps: 150, cpuUtilization: 100.01, fabricUtilization: 99.99 }) }], { capacity: { cycle: 2, tlm: 2.058 } });
    const v = verdicts(ok);
    expect(at(v, undefined, "capacity").pass).toBe(true); // 2.9 %
    expect(at(v, undefined, "bottleneck at capacity").pass).toBe(true);
    expect(at(v, 0.8, "delivered in").pass).toBe(true);
    expect(at(v, 1.1, "delivered in").pass).toBeNull(); // 50 % off, not judged above 0.95 x
    expect(at(v, 1.1, "drop rate").pass).toBe(true); // 5 %
    expect(at(v, 0.8, "drop rate").pass).toBeNull();
    expect(v.filter((x) => x.factor === 0.8)).toHaveLength(MEASURES.length);
    expect(allPass(v)).toBe(true);

    const bad = verdicts(board(ok.loads, { capacity: { cycle: 2, tlm: 2.062 }, bottleneck: { cycle: "pci.onboard", tlm: "cpuboard.cpu" } }));
    expect(at(bad, undefined, "capacity").pass).toBe(false); // 3.1 %
    expect(at(bad, undefined, "bottleneck at capacity").pass).toBe(false);
    expect(allPass(bad)).toBe(false);

    const speed = (name: string, cycle: number, tlm: number) => at(verdicts({ ...board([]), board: name, speed: { cycle: { instructionsPerFrame: cycle }, tlm: { instructionsPerFrame: tlm } } }), undefined, "speed-up (instructions per frame, cycle / tlm)");
    expect(speed("5A", 100_000, 49_900).pass).toBe(true);
    expect(speed("5E", 100_000, 50_100).pass).toBe(false);
    expect(speed("5D-12", 80_000, 49_900).pass).toBe(true);
    expect(speed("5D-12", 80_000, 50_100).pass).toBe(false);
    expect(speed("5B", 100_000, 90_000).pass).toBeNull(); // reported for every board, judged on three
    expect(speed("5B", 100_000, 90_000).error).toBeCloseTo(1.111, 3);
  });
});

function bench(...args: string[]): Promise<{ code: number; err: string }> {
  return benchCommand("tlm-vs-cycle", ...args);
}

function benchCommand(command: string, ...args: string[]): Promise<{ code: number; err: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [join(root, "node_modules/tsx/dist/cli.mjs"), join(root, "bench/main.ts"), command, ...args], { cwd: root, encoding: "utf8" }, (e, _out, err) => done({ code: e ? (typeof e.code === "number" ? e.code : 1) : 0, err }));
  });
}

describe("tlm − cycle paired seed by seed", () => {
  it("pairs the runs by seed: differences 1, 2, -1 give 0.667 ± 3.795 (t(2) = 4.303, s = 1.528), not the unpaired spread", () => {
    const rec = (mbps: number) => ({ delivered: { inboundMbps: mbps, outboundMbps: 0 }, data: { lossRatio: 0 } }) as unknown as RunRecord;
    const spec = (loadBoard("5A") as { ok: true; board: Parameters<typeof pairedOf>[2] }).board;
    const d = pairedOf([100, 110, 120].map(rec), [101, 112, 119].map(rec), spec).inboundMbps;
    expect(d.mean).toBeCloseTo(2 / 3, 9);
    expect(d.halfWidth).toBeCloseTo(3.795, 3);
    // paired the other way round (seed 1's tlm against seed 3's cycle), the interval would be about ten times wider
    const crossed = pairedOf([120, 110, 100].map(rec), [101, 112, 119].map(rec), spec).inboundMbps;
    expect(crossed.halfWidth).toBeGreaterThan(10 * d.halfWidth);
  });
});

describe("npm run bench -- tlm-vs-cycle", () => {
  it("refuses bad options in one line with exit code 2", async () => {
    for (const [args, msg] of [[["--boards", "5Q"], /unknown board "5Q"/], [["--loads", "0.5,0"], /load factors/], [["--seeds", "0"], /positive integer/], [["--workload", "bursty"], /expected one of/], [["--from", "50", "--to", "20"], /--to/]] as const) {
      const r = await bench(...args, "--json");
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.err).toMatch(msg);
    }
  }, 60_000);

  it("the other benches that take a board refuse an unknown one in one line with exit code 2, before anything runs", async () => {
    for (const command of ["garbage", "memory", "instructions", "parallel"]) {
      const r = await benchCommand(command, "--board", "5Q");
      expect(r.code, command).toBe(2);
      expect(r.err.trim().split("\n"), command).toHaveLength(1);
      expect(r.err).toMatch(/unknown board "5Q"/);
    }
  }, 60_000);

  it("runs its pipeline on one board: both capacities, each load's figures in both modes, verdicts", async () => {
    const r = await tlmVsCycle({
      boards: ["5E"], workload: "inbound-heavy", seed: 1, seeds: 2, searches: 2, loads: [0.5, 1.1], windowPs: 2 * MS, warmupPs: 2 * MS,
      search: { windowPs: 2 * MS, replications: 2, maxReplications: 2, confirmReplications: 2, confirmFactor: 1, goalWidth: 0.1 },
      instructions: false, fromMs: 20, toMs: 60, workers: 1, json: true,
    });
    const b = r.boards[0]!;
    expect(b.board).toBe("5E");
    expect(b.capacity.cycle).toBeGreaterThan(0);
    expect(b.capacity.tlm).toBeGreaterThan(0);
    // each mode's capacity is the mean of its two searches' lower ends (master seeds 1 and 2)
    for (const m of ["cycle", "tlm"] as const) {
      const br = b.capacity[`${m}Brackets`]!;
      expect(br).toHaveLength(2);
      expect(b.capacity[m]).toBeCloseTo((br[0]![0] + br[1]![0]) / 2, 12);
    }
    expect(b.loads.map((l) => l.factor)).toEqual([0.5, 1.1]);
    expect(b.loads[1]!.load).toBeCloseTo(1.1 * b.capacity.cycle, 9);
    for (const l of b.loads) for (const m of MEASURES) expect(Number.isFinite(l.cycle[m.key].mean) && Number.isFinite(l.tlm[m.key].mean), m.key).toBe(true);
    expect(b.verdicts.filter((v) => v.factor === 0.5)).toHaveLength(MEASURES.length + 1); // and the busiest resource
    // the paired difference, seed by seed: its mean is the difference of the means
    for (const v of b.verdicts.filter((x) => x.factor === 0.5 && typeof x.cycle === "number" && typeof x.tlm === "number")) {
      expect(v.difference, v.measure).toBeDefined();
      expect(v.difference!.mean, v.measure).toBeCloseTo((v.tlm as number) - (v.cycle as number), 6);
    }
    expect(b.speed?.cycle.instructionsPerFrame).toBeUndefined();
    expect(JSON.parse(JSON.stringify(r)).boards[0].verdicts.length).toBe(b.verdicts.length);
  }, 60_000);
});
