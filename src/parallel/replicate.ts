/**
 * Replications of board-run points on the worker threads (docs/methods.md §1, §2, §4): each point runs
 * with seeds replicationSeed(seed, j), j = 0..n-1, the same at every point (common random
 * numbers), and its records are aggregated (means with 95 % Student-t half-widths). With a
 * precision goal, replications are added in batches until every headline figure's half-width is
 * within it (Law & Kelton's rule, γ' = γ / (1 + γ)), or until `max`; the record says which.
 */
import { aggregate, meetsPrecision, replicationSeed } from "../stats/replications.ts";
import type { RunRecord } from "../scenarios/registry.ts";
import type { Point } from "./points.ts";
import { runPoints } from "./pool.ts";

export interface ReplicationPlan {
  /** Replications to start with (1: a single run, no interval). */
  replications: number;
  /** Relative precision goal of the headline figures (e.g. 0.02), if any. */
  precision?: number;
  /** At most this many replications per point. */
  maxReplications: number;
  workers: number;
}

type BoardPoint = Extract<Point, { kind: "board" }>;

export async function runReplicated(points: BoardPoint[], plan: ReplicationPlan): Promise<RunRecord[]> {
  if (plan.replications <= 1 && plan.precision === undefined) return runPoints(points, plan.workers);
  const n0 = plan.precision !== undefined ? Math.max(plan.replications, 3) : plan.replications;
  const done: RunRecord[][] = points.map(() => []);
  let todo: { p: BoardPoint; k: number; from: number; count: number }[] = points.map((p, k) => ({ p, k, from: 0, count: n0 }));
  while (todo.length > 0) {
    const batch: Point[] = [];
    const owner: number[] = [];
    for (const t of todo) {
      for (let j = t.from; j < t.from + t.count; j++) {
        batch.push({ ...t.p, index: batch.length, seed: replicationSeed(t.p.seed, j) });
        owner.push(t.k);
      }
    }
    const recs = await runPoints(batch, plan.workers);
    recs.forEach((r, i) => done[owner[i]!]!.push(r));
    if (plan.precision === undefined) break;
    const step = Math.max(2, plan.workers);
    todo = points.flatMap((p, k) => {
      const have = done[k]!.length;
      if (have >= plan.maxReplications || meetsPrecision(done[k]!, plan.precision!)) return [];
      return [{ p, k, from: have, count: Math.min(step, plan.maxReplications - have) }];
    });
  }
  return points.map((p, k) => {
    const rs = done[k]!;
    const agg = aggregate(rs as Record<string, unknown>[]) as RunRecord;
    const reached = plan.precision === undefined ? undefined : meetsPrecision(rs, plan.precision);
    const rep = agg["replications"] as Record<string, unknown>;
    if (reached !== undefined) Object.assign(rep, { precision: plan.precision, precisionReached: reached });
    return { ...agg, seed: p.seed, point: p.index };
  });
}
