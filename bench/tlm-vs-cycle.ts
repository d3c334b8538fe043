/**
 * `npm run bench -- tlm-vs-cycle` (issue 18 part 3): the transaction-level timing mode against the
 * cycle-level one, the reference, per preset and Fig 5D with twelve GT-48002s (5D-12):
 *   1. each board's capacity in each mode, by saturate's search (src/scenarios/saturate.ts,
 *      capacity.ts) with a 1 % final bracket;
 *   2. at 0.5, 0.8, 0.95, 1.0 and 1.1 x the cycle-level capacity, five seeds (replicationSeed, the
 *      same in both modes: common random numbers) after the standard warm-up, each mode; every
 *      point a board run on the worker threads (src/parallel);
 *   3. per board and load, both modes side by side with the cycle-level 95 % Student-t interval
 *      over the seeds (src/stats/t-interval.ts) and a verdict per row against the issue's table
 *      (tlm-verdicts.ts);
 *   4. speed: instructions per frame in each mode at the cycle-level capacity, counted by valgrind
 *      as `npm run bench -- instructions` counts them (bench/instructions.ts), and frames per wall
 *      second of the runs at 1.0 x (wall time: noisy, reported only).
 * Everything but wall time is deterministic (same options, same figures).
 */
import { availableParallelism } from "node:os";
import { loadBoard, withTiming } from "../src/hw/boards/load.ts";
import { PRESET_NAMES } from "../src/hw/boards/presets.ts";
import type { BoardSpec } from "../src/hw/boards/schema.ts";
import type { PlainRunOptions, Point } from "../src/parallel/points.ts";
import { runPoints } from "../src/parallel/pool.ts";
import { resourceKind } from "../src/scenarios/bound.ts";
import type { RunRecord } from "../src/scenarios/registry.ts";
import { dropRate, SATURATE_DEFAULTS, type SaturateOptions } from "../src/scenarios/saturate.ts";
import { combineSearches, searchSeeds, type AcrossSearches } from "../src/scenarios/capacity-searches.ts";
import { settingLayout } from "../src/scenarios/setting.ts";
import { runSpeed, type TimedRecord } from "../src/scenarios/speed.ts";
import { WORKLOADS, type WorkloadName } from "../src/scenarios/workloads.ts";
import { MS } from "../src/sim/time.ts";
import { replicationSeed } from "../src/stats/replications.ts";
import { tInterval } from "../src/stats/t-interval.ts";
import { hasValgrind, instructionsBench } from "./instructions.ts";
import { fiveD12 } from "./system.ts";
import { allPass, MEASURES, verdicts, type BoardComparison, type Figures, type MeasureKey, type Verdict } from "./tlm-verdicts.ts";

/** The boards compared by default: the six presets and Fig 5D with twelve GT-48002s. */
export const TLM_BOARDS = [...PRESET_NAMES, "5D-12"];
/** Load factors, x the cycle-level capacity. */
export const TLM_LOADS = [0.5, 0.8, 0.95, 1.0, 1.1];
export const TLM_SEEDS = 5;
/**
 * Capacity searches per board and mode: one search's bracket is what its seeds decided (5C's lower
 * end moves 1.642-1.776 over master seeds 1-4, docs/methods.md §6 "Over searches"), so the modes'
 * capacities are compared as means over independent searches.
 */
export const TLM_SEARCHES = 3;

export interface TlmBenchOptions {
  boards: string[];
  workload: WorkloadName;
  /** Master seed: the searches' seed, and replication 0's. */
  seed: number;
  /** Seeds per load and mode. */
  seeds: number;
  /** Independent capacity searches per board and mode (master seeds seed, seed + 1, ...): the capacity is their mean (src/scenarios/capacity-searches.ts). */
  searches: number;
  loads: number[];
  /** The measurement window of each load point (ps); the warm-up before it is board-run's standard one unless `warmupPs`. */
  windowPs: number;
  warmupPs?: number;
  /** The capacity search's settings (saturate's, with a 1 % bracket by default). */
  search: Omit<SaturateOptions, "seed" | "run">;
  /** Count instructions per frame under valgrind (`fromMs` and `toMs` simulated ms, as bench instructions). */
  instructions: boolean;
  fromMs: number;
  toMs: number;
  workers: number;
  json: boolean;
}

/** The full comparison: saturate's search with a 1 % bracket, five seeds, five loads, 50 ms windows, instruction counts. */
export const TLM_DEFAULTS: Omit<TlmBenchOptions, "boards" | "json" | "workers"> = {
  workload: "inbound-heavy", seed: 1, seeds: TLM_SEEDS, searches: TLM_SEARCHES, loads: TLM_LOADS, windowPs: SATURATE_DEFAULTS.windowPs,
  search: { ...SATURATE_DEFAULTS, goalWidth: 0.01 }, instructions: true, fromMs: 100, toMs: 300,
};

/** `--quick`, a smoke run: 2 seeds, 3 loads, 5 ms windows after a 5 ms warm-up, a 4 % bracket of 5 ms searches, no valgrind. */
export const TLM_QUICK: Omit<TlmBenchOptions, "boards" | "json" | "workers"> = {
  workload: "inbound-heavy", seed: 1, seeds: 2, searches: 1, loads: [0.5, 0.95, 1.1], windowPs: 5 * MS, warmupPs: 5 * MS,
  search: { windowPs: 5 * MS, replications: 2, maxReplications: 3, confirmReplications: 2, confirmFactor: 2, goalWidth: 0.04 }, instructions: false, fromMs: 20, toMs: 60,
};

/** A board by name: a preset, 5D-12, or a board file; or one line saying what is wrong. */
export function benchBoard(name: string): { ok: true; spec: BoardSpec; name: string } | { ok: false; error: string } {
  if (name.toUpperCase() === "5D-12") return { ok: true, spec: fiveD12(), name: "5D-12" };
  const b = loadBoard(name);
  if (!b.ok) return { ok: false, error: b.error.replace(" or a path", ", 5D-12 or a path") };
  return { ok: true, spec: b.board, name: PRESET_NAMES.includes(name.toUpperCase()) ? name.toUpperCase() : b.board.name };
}

const MODES = ["cycle", "tlm"] as const;
type Mode = (typeof MODES)[number];

const get = (r: RunRecord, path: string): unknown => path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], r);
const num = (r: RunRecord, path: string): number => {
  const x = get(r, path);
  return typeof x === "number" ? x : NaN;
};

/**
 * The busiest resource's utilisation of a kind (bound.ts's kinds): "fabric" (PCI, the buffer-memory
 * arbiter, the crossbar) or "cpu" (5F has two management CPUs; `cpu.utilization` is the first's).
 */
function busiestOfKind(r: RunRecord, spec: BoardSpec, kind: "fabric" | "cpu"): number {
  const L = settingLayout(spec);
  const res = (r["resources"] ?? {}) as Record<string, { utilization: number }>;
  let u = NaN;
  for (const [name, x] of Object.entries(res)) if (resourceKind(L, name) === kind) u = Number.isNaN(u) ? x.utilization : Math.max(u, x.utilization);
  return u;
}

/** One run's figures, by measure. */
export function runFigures(r: RunRecord, spec: BoardSpec): Record<MeasureKey, number> {
  return {
    inboundMbps: num(r, "delivered.inboundMbps"), outboundMbps: num(r, "delivered.outboundMbps"),
    cpuUtilization: busiestOfKind(r, spec, "cpu"), fabricUtilization: busiestOfKind(r, spec, "fabric"),
    cyclesPerIntervention: num(r, "cpu.cyclesPerIntervention"),
    inboundP50Us: num(r, "latencyUs.inbound.p50"), inboundP99Us: num(r, "latencyUs.inbound.p99"),
    outboundP50Us: num(r, "latencyUs.outbound.p50"), outboundP99Us: num(r, "latencyUs.outbound.p99"),
    dropRate: dropRate(r),
  };
}

/** Means over seeds with their 95 % Student-t half-widths (src/stats/t-interval.ts). */
export function figuresOf(runs: RunRecord[], spec: BoardSpec): Figures {
  const per = runs.map((r) => runFigures(r, spec));
  return Object.fromEntries(MEASURES.map((m) => {
    const i = tInterval(per.map((f) => f[m.key]));
    return [m.key, { mean: i.mean, halfWidth: i.halfWidth }];
  })) as Figures;
}

/** tlm − cycle seed by seed (runs in seed order in both modes), mean and 95 % half-width per measure. */
export function pairedOf(cycle: RunRecord[], tlm: RunRecord[], spec: BoardSpec): Figures {
  const c = cycle.map((r) => runFigures(r, spec)), t = tlm.map((r) => runFigures(r, spec));
  return Object.fromEntries(MEASURES.map((m) => {
    const i = tInterval(t.map((f, j) => f[m.key] - c[j]![m.key]));
    return [m.key, { mean: i.mean, halfWidth: i.halfWidth }];
  })) as Figures;
}

/** The most frequent string (the first of equals). */
function mostFrequent(xs: string[]): string {
  const n = new Map<string, number>();
  for (const x of xs) n.set(x, (n.get(x) ?? 0) + 1);
  let best = xs[0] ?? "-";
  for (const [x, k] of n) if (k > (n.get(best) ?? 0)) best = x;
  return best;
}

interface Saturation {
  load: number;
  loadInterval: [number, number];
  confirmed: boolean;
}

export interface TlmBenchResult {
  options: Omit<TlmBenchOptions, "json">;
  boards: (BoardComparison & { verdicts: Verdict[]; passes: boolean; confirmed: { cycle: boolean; tlm: boolean } })[];
  passes: boolean;
  wallSeconds: number;
}

export async function tlmVsCycle(o: TlmBenchOptions): Promise<TlmBenchResult> {
  const t0 = performance.now();
  const boards = o.boards.map((n) => {
    const b = benchBoard(n);
    if (!b.ok) throw new Error(b.error);
    return b;
  });
  const w = WORKLOADS[o.workload];
  const run: PlainRunOptions = { inboundBpsPerRouter: w.inboundBpsPerRouter, outboundBpsPerServer: w.outboundBpsPerServer, scenario: "tlm-vs-cycle", ...(o.warmupPs !== undefined ? { warmupPs: o.warmupPs } : {}) };
  const spec = (b: (typeof boards)[number], m: Mode) => withTiming(b.spec, m);

  // 1. capacities, both modes, `searches` independent searches each, on the workers
  const capPoints: Point[] = boards.flatMap((b, i) => MODES.flatMap((m, k) => searchSeeds(o.seed, o.searches).map((seed, j) => ({ kind: "saturate" as const, index: (2 * i + k) * o.searches + j, spec: spec(b, m), workload: o.workload, options: { ...o.search, seed, run } }))));
  const caps = combineSearches(await runPoints(capPoints, o.workers), o.searches);
  const sat = (i: number, m: Mode) => caps[2 * i + MODES.indexOf(m)]!;
  // a mode's capacity: the mean of its searches' lower ends (one search: its own), with their 95 % half-width
  const capOf = (r: RunRecord): { mean: number; halfWidth: number; brackets: [number, number][] } => {
    const x = (r["saturation"] as { searches?: AcrossSearches; loadInterval: [number, number]; load: number });
    return x.searches ? { mean: x.searches.mean, halfWidth: x.searches.halfWidth, brackets: x.searches.brackets } : { mean: x.load, halfWidth: 0, brackets: [x.loadInterval] };
  };

  // 2. the loads, x the cycle-level capacity, both modes, every seed, on the workers
  const points: Point[] = [];
  const where: { b: number; l: number; m: Mode }[] = [];
  boards.forEach((b, bi) => {
    const capacity = capOf(sat(bi, "cycle")).mean;
    o.loads.forEach((f, li) => {
      for (const m of MODES) for (let j = 0; j < o.seeds; j++) {
        points.push({ kind: "board", index: points.length, spec: spec(b, m), seed: replicationSeed(o.seed, j), durationPs: o.windowPs, load: f * capacity, options: run });
        where.push({ b: bi, l: li, m });
      }
    });
  });
  const recs = await runPoints(points, o.workers);

  // 3. per board and load, each mode's figures over its seeds
  const out: TlmBenchResult["boards"] = [];
  for (const [bi, b] of boards.entries()) {
    const cs = sat(bi, "cycle"), ts = sat(bi, "tlm");
    const s = (r: RunRecord) => r["saturation"] as Saturation;
    const runsAt = (li: number, m: Mode) => recs.filter((_, k) => where[k]!.b === bi && where[k]!.l === li && where[k]!.m === m);
    const loads = o.loads.map((factor, li) => ({
      factor, load: factor * capOf(cs).mean,
      cycle: figuresOf(runsAt(li, "cycle"), b.spec), tlm: figuresOf(runsAt(li, "tlm"), b.spec), paired: pairedOf(runsAt(li, "cycle"), runsAt(li, "tlm"), b.spec),
      busiest: { cycle: mostFrequent(runsAt(li, "cycle").map((r) => String(get(r, "bottleneck.resource")))), tlm: mostFrequent(runsAt(li, "tlm").map((r) => String(get(r, "bottleneck.resource")))) },
    }));
    // 4. speed: frames per wall second at the load nearest 1.0 x; instructions per frame at the cycle-level capacity
    const nearest = o.loads.reduce((a, f, li) => (Math.abs(f - 1) < Math.abs(o.loads[a]! - 1) ? li : a), 0);
    // frames per wall second of the whole run: the window's frames scaled to warm-up and window (as bench answer does)
    const wholeRun = (r: RunRecord) => runSpeed(r as unknown as TimedRecord).framesPerWallSecond * ((num(r, "simulatedSeconds") + (num(r, "warmupSeconds") || 0)) / num(r, "simulatedSeconds"));
    const fps = (m: Mode) => tInterval(runsAt(nearest, m).map(wholeRun)).mean;
    const ipf = async (m: Mode) => (o.instructions ? (await instructionsBench(b.name, o.workload, o.fromMs, o.toMs, false, m, capOf(cs).mean, true))?.instructionsPerFrame : undefined);
    const speed = { cycle: { framesPerWallSecond: Math.round(fps("cycle")), ...opt("instructionsPerFrame", await ipf("cycle")) }, tlm: { framesPerWallSecond: Math.round(fps("tlm")), ...opt("instructionsPerFrame", await ipf("tlm")) } };
    const cmp: BoardComparison = {
      board: b.name,
      capacity: { cycle: capOf(cs).mean, tlm: capOf(ts).mean, cycleHalfWidth: capOf(cs).halfWidth, tlmHalfWidth: capOf(ts).halfWidth, cycleBrackets: capOf(cs).brackets, tlmBrackets: capOf(ts).brackets },
      bottleneck: { cycle: String(get(cs, "bottleneck.resource")), tlm: String(get(ts, "bottleneck.resource")) },
      loads, speed,
    };
    const v = verdicts(cmp);
    const allConfirmed = (r: RunRecord) => (r["saturation"] as { searches?: AcrossSearches }).searches?.confirmed.every(Boolean) ?? s(r).confirmed;
    out.push({ ...cmp, verdicts: v, passes: allPass(v), confirmed: { cycle: allConfirmed(cs), tlm: allConfirmed(ts) } });
  }
  const { json: _, ...options } = o;
  return { options: { ...options, boards: boards.map((b) => b.name) }, boards: out, passes: out.every((b) => b.passes), wallSeconds: +((performance.now() - t0) / 1000).toFixed(1) };
}

function opt<K extends string>(k: K, v: number | undefined): Partial<Record<K, number>> {
  return v === undefined ? {} : ({ [k]: v } as Record<K, number>);
}

/** A figure for the table: fixed digits, or a resource's name. */
function show(x: number | string | undefined, digits: number): string {
  if (x === undefined) return "-";
  if (typeof x === "string") return x;
  if (!Number.isFinite(x)) return String(x);
  return digits === 0 ? Math.round(x).toLocaleString("en-US") : x.toFixed(digits);
}

const DIGITS: Record<string, number> = Object.fromEntries(MEASURES.map((m) => [m.label, m.digits]));

/** The verdicts as a table: a row per measure (and load), both modes side by side. */
export function printComparison(r: TlmBenchResult): void {
  const o = r.options;
  console.log(`tlm against cycle, workload ${o.workload}, capacity over ${o.searches} search${o.searches > 1 ? "es" : ""} per mode (master seeds ${o.seed}-${o.seed + o.searches - 1}), ${o.seeds} seeds per load and mode (each: mean ± 95 % interval), loads ${o.loads.join(", ")} x the cycle-level capacity, ${o.windowPs / MS} ms windows`);
  for (const b of r.boards) {
    // each mode's capacity: the mean over its searches ± 95 %, then every search's bracket
    const cap = (mean: number, h: number | undefined, br: [number, number][] | undefined) =>
      ` ${mean.toFixed(3)}${h && Number.isFinite(h) ? ` ± ${h.toFixed(3)}` : ""}${br ? ` [${br.map((x) => `${x[0].toFixed(3)}-${x[1].toFixed(3)}`).join(", ")}]` : ""}`;
    console.log(`\n${b.board}: capacity${cap(b.capacity.cycle, b.capacity.cycleHalfWidth, b.capacity.cycleBrackets)} (cycle${b.confirmed.cycle ? "" : ", not all confirmed"}) /${cap(b.capacity.tlm, b.capacity.tlmHalfWidth, b.capacity.tlmBrackets)} (tlm${b.confirmed.tlm ? "" : ", not all confirmed"}); bottleneck ${b.bottleneck.cycle} / ${b.bottleneck.tlm}: ${b.passes ? "PASSES" : "FAILS"}`);
    const head = ["load", "measure", "cycle", "tlm", "tlm - cycle (paired)", "error", "within", "verdict"];
    const rows = b.verdicts.map((v) => {
      const d = DIGITS[v.measure] ?? (v.measure === "capacity" ? 3 : 0);
      const pm = (h: number | undefined) => (h !== undefined && h > 0 ? ` ± ${show(h, d)}` : "");
      const cycle = show(v.cycle, d) + pm(v.cycleHalfWidth);
      const tlm = show(v.tlm, d) + pm(v.tlmHalfWidth);
      const err = v.error === undefined ? "" : v.unit === "x" ? `${v.error.toFixed(2)}x` : v.tolerance.includes("absolute") ? v.error.toFixed(3) : `${(100 * v.error).toFixed(2)} %`;
      // the paired difference, and whether its interval holds 0 (a difference the seeds cannot tell from noise)
      const diff = v.difference && Number.isFinite(v.difference.mean) ? `${v.difference.mean >= 0 ? "+" : ""}${show(v.difference.mean, d)}${pm(v.difference.halfWidth)}${Math.abs(v.difference.mean) <= v.difference.halfWidth ? " (0 in)" : ""}` : "";
      return [v.factor === undefined ? "" : `${v.factor} x`, `${v.measure}${v.unit && v.unit !== "x" && v.unit !== "load" ? ` (${v.unit})` : ""}`, cycle, tlm, diff, err, v.tolerance, v.pass === null ? "-" : v.pass ? "ok" : "FAIL"];
    });
    const width = head.map((h, k) => Math.max(h.length, ...rows.map((x) => x[k]!.length)));
    const line = (x: string[]) => x.map((c, k) => (k >= 2 && k <= 5 ? c.padStart(width[k]!) : c.padEnd(width[k]!))).join("  ").trimEnd();
    console.log(line(head));
    for (const x of rows) console.log(line(x));
  }
  const failed = r.boards.filter((b) => !b.passes).map((b) => b.board);
  console.log(`\ntlm-vs-cycle: ${r.passes ? "passes on every board" : `fails on ${failed.join(", ")}`} (${r.wallSeconds} s)`);
}

export async function tlmVsCycleBench(o: TlmBenchOptions): Promise<TlmBenchResult> {
  if (o.instructions && !hasValgrind()) {
    if (!o.json) console.log("tlm-vs-cycle: instructions per frame skipped, valgrind is not installed (apt-get install -y valgrind)");
    o = { ...o, instructions: false };
  }
  const r = await tlmVsCycle(o);
  if (o.json) console.log(JSON.stringify(r));
  else printComparison(r);
  return r;
}

/** Worker threads by default: one per core. */
export const defaultWorkers = (): number => Math.max(1, Math.min(8, availableParallelism()));
