/**
 * Independent simulation points (one board run, or one saturation search) as plain data, so they
 * can run in worker threads, in shards on other machines, and be merged: same point, same result,
 * wherever it ran.
 */
import type { BoardSpec } from "../hw/boards/schema.ts";
import { runBoard } from "../scenarios/board-run.ts";
import type { RunRecord } from "../scenarios/registry.ts";
import { dropRate, saturate, type SaturateOptions } from "../scenarios/saturate.ts";
import type { WorkloadName } from "../scenarios/workloads.ts";

export type Point =
  | { kind: "board"; index: number; spec: BoardSpec; seed: number; durationPs: number; load: number; inboundBpsPerRouter: number; outboundBpsPerServer: number; scenario: string; extra?: Record<string, unknown> }
  | { kind: "saturate"; index: number; spec: BoardSpec; workload: WorkloadName; options: SaturateOptions };

export function runPoint(p: Point): RunRecord {
  if (p.kind === "saturate") return { ...saturate(p.spec, p.workload, p.options), point: p.index };
  const rec = { ...runBoard(p.spec, { seed: p.seed, durationPs: p.durationPs, load: p.load, inboundBpsPerRouter: p.inboundBpsPerRouter, outboundBpsPerServer: p.outboundBpsPerServer, scenario: p.scenario }), ...p.extra };
  return { ...rec, ...(p.scenario === "sweep" ? { dropRate: dropRate(rec) } : {}), point: p.index };
}

/**
 * A point's expected cost, for scheduling only (results do not depend on it): a board run's
 * events grow with simulated time x offered frame rate; a saturation search is a dozen runs.
 */
export function pointCost(p: Point): number {
  if (p.kind === "saturate") return p.options.windowPs * 40 * p.options.replications * 1e8;
  return p.durationPs * p.load * (p.inboundBpsPerRouter + p.outboundBpsPerServer);
}

/** Longest first (LPT): the order in which threads take points, so no long point starts last. */
export function costOrder(points: Point[]): Int32Array {
  return Int32Array.from(points.map((_, k) => k).sort((a, b) => pointCost(points[b]!) - pointCost(points[a]!) || a - b));
}

/** The points of shard i of n (1-based): every n-th point, a deterministic share. */
export function shardOf<T extends { index: number }>(points: T[], shard: { i: number; n: number } | undefined): T[] {
  return shard ? points.filter((p) => p.index % shard.n === shard.i - 1) : points;
}
