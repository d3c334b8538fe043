/**
 * Independent simulation points (one board run, one saturation search, one board's comparison) as
 * plain data, so they can run in worker threads, in shards on other machines, and be merged: same
 * point, same result, wherever it ran.
 */
import type { BoardSpec } from "../hw/boards/schema.ts";
import { runBoard, type BoardRunOptions } from "../scenarios/board-run.ts";
import { compareBoard, type CompareOptions } from "../scenarios/compare-board.ts";
import type { RunRecord } from "../scenarios/registry.ts";
import { dropRate, saturate, type SaturateOptions } from "../scenarios/saturate.ts";
import type { WorkloadName } from "../scenarios/workloads.ts";

/** Board-run options that travel to a worker (no scripts or callbacks). */
export type PlainRunOptions = Omit<BoardRunOptions, "script" | "finish" | "seed" | "durationPs" | "load">;

export type Point =
  | { kind: "board"; index: number; spec: BoardSpec; seed: number; durationPs: number; load: number; options: PlainRunOptions; extra?: Record<string, unknown> }
  | { kind: "saturate"; index: number; spec: BoardSpec; workload: WorkloadName; options: SaturateOptions; extra?: Record<string, unknown> }
  | { kind: "compare"; index: number; spec: BoardSpec; workload: WorkloadName; options: CompareOptions };

export function runPoint(p: Point): RunRecord {
  if (p.kind === "saturate") return { ...saturate(p.spec, p.workload, p.options), ...p.extra, point: p.index };
  if (p.kind === "compare") return { ...compareBoard(p.spec, p.workload, p.options), point: p.index };
  const rec = { ...runBoard(p.spec, { ...p.options, seed: p.seed, durationPs: p.durationPs, load: p.load }), ...p.extra };
  return { ...rec, ...(p.options.scenario === "sweep" ? { dropRate: dropRate(rec) } : {}), point: p.index };
}

/**
 * A point's expected cost, for scheduling only (results do not depend on it): a board run's
 * events grow with simulated time x offered frame rate; a search or a comparison is a few dozen runs.
 */
export function pointCost(p: Point): number {
  if (p.kind === "saturate") return p.options.windowPs * 40 * p.options.replications * 1e8;
  if (p.kind === "compare") return (p.options.capacity ? p.options.capacity.windowPs * 40 * p.options.capacity.replications : 0) * 1e8 + p.options.durationPs * p.options.replications * 3e8;
  const o = p.options;
  return (p.durationPs + (o.warmupPs ?? 0)) * p.load * ((o.inboundBpsPerRouter ?? 15e6) + (o.outboundBpsPerServer ?? 60e6));
}

/** Longest first (LPT): the order in which threads take points, so no long point starts last. */
export function costOrder(points: Point[]): Int32Array {
  return Int32Array.from(points.map((_, k) => k).sort((a, b) => pointCost(points[b]!) - pointCost(points[a]!) || a - b));
}

/** The points of shard i of n (1-based): every n-th point, a deterministic share. */
export function shardOf<T extends { index: number }>(points: T[], shard: { i: number; n: number } | undefined): T[] {
  return shard ? points.filter((p) => p.index % shard.n === shard.i - 1) : points;
}
