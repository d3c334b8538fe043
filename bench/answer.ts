/**
 * Time to an answer (issue 18, part 2): the wall time for `saturate` to find every preset's
 * capacity, as the measurement issue defines it (src/scenarios/capacity.ts: loss <= 0.1 % by the
 * upper end of its 95 % interval, no growing backlog, no health change; a bracket of at most
 * `goalWidth` of the load, confirmed with longer runs and several seeds), on this machine's
 * worker threads; and the same for the capacity-against-controllers study. Targets: 60 s for the
 * six presets, 120 s for the study. Also each board's frames per wall second and OMNeT++'s R
 * (simulated seconds per wall second), for continuity with `bench system`.
 */
import { availableParallelism } from "node:os";
import { loadBoard } from "../src/hw/boards/load.ts";
import { PRESET_NAMES } from "../src/hw/boards/presets.ts";
import type { Point } from "../src/parallel/points.ts";
import { runPoints } from "../src/parallel/pool.ts";
import { DEFAULT_CONTROLLER_COUNTS, withControllers } from "../src/scenarios/controllers-study.ts";
import type { RunRecord } from "../src/scenarios/registry.ts";
import { QUICK_SEARCH, SATURATE_DEFAULTS } from "../src/scenarios/saturate.ts";
import { combineSearches, searchSeeds, type AcrossSearches } from "../src/scenarios/capacity-searches.ts";
import { WORKLOADS, type WorkloadName } from "../src/scenarios/workloads.ts";

export const ANSWER_TARGET_S = 60;
export const STUDY_TARGET_S = 120;

interface Saturation {
  load: number;
  loadInterval: [number, number];
  runs: number;
  confirmed: boolean;
  criterion: { goalWidth: number; windowMs: number; confirmWindowMs: number };
}

const runOptions = (w: WorkloadName, scenario: string) => ({ inboundBpsPerRouter: WORKLOADS[w].inboundBpsPerRouter, outboundBpsPerServer: WORKLOADS[w].outboundBpsPerServer, scenario });

function spec(name: string) {
  const b = loadBoard(name);
  if (!b.ok) throw new Error(b.error);
  return b.board;
}

/**
 * Capacity of every preset by `saturate`'s full search (inbound-heavy, as `flowsim saturate`), timed.
 * `searches` > 1: that many independent searches per preset (master seeds 1, 2, ...), and each
 * capacity's mean over them with its 95 % interval (docs/methods.md §6 "Over searches").
 */
export async function answerBench(json: boolean, study: boolean, workers = availableParallelism(), searches = 1): Promise<void> {
  const t0 = performance.now();
  const planned = PRESET_NAMES.flatMap((name, index) => searchSeeds(1, searches).map((seed) => ({ kind: "saturate", index, spec: spec(name), workload: "inbound-heavy", options: { ...SATURATE_DEFAULTS, seed, run: runOptions("inbound-heavy", "saturate") } }))) as Point[];
  const sat = combineSearches(await runPoints(planned, workers), searches);
  const wall = (performance.now() - t0) / 1000;
  const over: { board: string; mean: number; halfWidth: number; share: number }[] = [];
  for (const r of sat) {
    const s = r["saturation"] as Saturation;
    const x = (r["saturation"] as { searches?: AcrossSearches }).searches;
    if (x) {
      over.push({ board: String(r["board"]), mean: x.mean, halfWidth: x.halfWidth, share: x.relativeHalfWidth });
      if (json) console.log(JSON.stringify({ board: r["board"], searches: x.n, capacityMean: +x.mean.toFixed(4), halfWidth: +x.halfWidth.toFixed(4), halfWidthShare: +x.relativeHalfWidth.toFixed(4), lowerEnds: x.brackets.map((b) => b[0]), confirmed: x.confirmed }));
      else console.log(`${String(r["board"]).padEnd(4)} over ${x.n} searches: capacity ${x.mean.toFixed(3)} ± ${x.halfWidth.toFixed(3)} (± ${(100 * x.relativeHalfWidth).toFixed(1)} %, 95 %); lower ends ${x.brackets.map((b) => b[0].toFixed(3)).join(", ")}${x.confirmed.every(Boolean) ? "" : ` (${x.confirmed.filter((c) => !c).length} not confirmed)`}`);
    }
    const [lo, hi] = s.loadInterval;
    const halfWidth = (hi - lo) / 2 / ((hi + lo) / 2);
    // the speed of the capacity's own runs (a confirmation replication's means): simulated seconds
    // (warm-up and window) per wall second, and frames per wall second (the window's injected
    // frames scaled to the whole run)
    const wallS = Number(r["wallSeconds"] ?? NaN), simS = Number(r["simulatedSeconds"] ?? NaN) + Number(r["warmupSeconds"] ?? 0);
    const frames = Number((r["frames"] as { injected?: number } | undefined)?.injected ?? NaN) * (simS / Number(r["simulatedSeconds"] ?? NaN));
    const fps = frames / wallS, R = simS / wallS;
    const row = { board: r["board"], load: s.load, loadInterval: s.loadInterval, halfWidthShare: +halfWidth.toFixed(4), confirmed: s.confirmed, runs: s.runs, wallSeconds: Number.isFinite(wallS) ? wallS : null, framesPerWallSecond: Number.isFinite(fps) ? Math.round(fps) : null, R: Number.isFinite(R) ? +R.toFixed(3) : null };
    if (json) console.log(JSON.stringify(row));
    else console.log(`${String(r["board"]).padEnd(4)} capacity load ${lo.toFixed(3)}-${hi.toFixed(3)} (± ${(100 * halfWidth).toFixed(1)} %), ${s.runs} runs, ${s.confirmed ? "confirmed" : "NOT confirmed"}; at capacity ${Number.isFinite(fps) ? Math.round(fps).toLocaleString("en-US") : "-"} frames per wall s, R ${Number.isFinite(R) ? R.toFixed(2) : "-"}`);
  }
  const within = sat.every((r) => {
    const [lo, hi] = (r["saturation"] as Saturation).loadInterval;
    return (hi - lo) / (hi + lo) <= 0.02;
  });
  // an answer counts only if its final bracket was confirmed by the longer runs
  const unconfirmed = sat.filter((r) => !(r["saturation"] as Saturation).confirmed).map((r) => String(r["board"]));
  // over searches: is every capacity's mean known to within ± 2 % at 95 %?
  const overWithin = over.length ? over.every((x) => x.share <= 0.02) : undefined;
  const summary = { measure: "saturate, six presets", workers, searches, wallSeconds: +wall.toFixed(1), targetSeconds: ANSWER_TARGET_S, met: wall <= ANSWER_TARGET_S && within && unconfirmed.length === 0, everyCapacityWithin2Percent: within, unconfirmed, ...(overWithin !== undefined ? { everyMeanOverSearchesWithin2Percent: overWithin } : {}) };
  if (json) console.log(JSON.stringify(summary));
  else {
    console.log(`time to an answer: ${wall.toFixed(1)} s on ${workers} workers for the six presets${searches > 1 ? `, ${searches} searches each` : ""} (target ${ANSWER_TARGET_S} s; every capacity within ± 2 %: ${within ? "yes" : "no"}; ${unconfirmed.length ? `not confirmed: ${unconfirmed.join(", ")}` : "all confirmed"}) ${summary.met ? "met" : "not met"}`);
    if (overWithin !== undefined) console.log(`over ${searches} searches, every capacity's mean within ± 2 % at 95 %: ${overWithin ? "yes" : `no (${over.filter((x) => x.share > 0.02).map((x) => `${x.board} ± ${(100 * x.share).toFixed(1)} %`).join(", ")})`}`);
  }
  if (!study) return;

  const points: Point[] = [];
  for (const p of PRESET_NAMES) for (const n of DEFAULT_CONTROLLER_COUNTS) {
    if (p === "5F" && n < 2) continue; // 5F needs a card per side of its crossbar
    points.push({ kind: "saturate", index: points.length, spec: withControllers(p, n), workload: "mixed", options: { ...QUICK_SEARCH, seed: 1, run: runOptions("mixed", "controllers") }, extra: { topology: p, controllers: n } });
  }
  const t1 = performance.now();
  const scale: RunRecord[] = await runPoints(points, workers);
  const studyWall = (performance.now() - t1) / 1000;
  const met = studyWall <= STUDY_TARGET_S;
  if (json) console.log(JSON.stringify({ measure: "controllers study", points: scale.length, workers, wallSeconds: +studyWall.toFixed(1), targetSeconds: STUDY_TARGET_S, met }));
  else console.log(`capacity against controllers: ${scale.length} points in ${studyWall.toFixed(1)} s on ${workers} workers (target ${STUDY_TARGET_S} s) ${met ? "met" : "not met"}`);
}
