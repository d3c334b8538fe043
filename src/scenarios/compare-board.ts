/**
 * One board of the main comparison (`flowsim compare`, `npm start`): what it carries and what it
 * pays at a common reference load (replications, means with 95 % intervals), and what it can carry
 * at most: its capacity under the same workload (saturate.ts), what limits it, and the analytic
 * bound beside it. The record keeps the fields of a board run (the reference load's) and adds a
 * `capacity` section.
 */
import type { BoardSpec } from "../hw/boards/schema.ts";
import { aggregate, replicationSeed } from "../stats/replications.ts";
import { runBoard, type BoardRunOptions } from "./board-run.ts";
import type { RunRecord } from "./registry.ts";
import { saturate, type SaturateOptions } from "./saturate.ts";
import type { WorkloadName } from "./workloads.ts";

export interface CompareOptions {
  seed: number;
  /** The common reference load factor, and its measurement window (ps). */
  load: number;
  durationPs: number;
  /** Replications at the reference load (independent seeds). */
  replications: number;
  run: Omit<BoardRunOptions, "script" | "finish" | "seed" | "durationPs" | "load">;
  /** The capacity search's settings, or null for none. */
  capacity: SaturateOptions | null;
}

/** The capacity search's fields that the comparison reports. */
function capacityOf(r: RunRecord): Record<string, unknown> {
  const s = r["saturation"] as Record<string, unknown>;
  return {
    load: s["load"], loadInterval: s["loadInterval"],
    delivered: r["delivered"], cpu: r["cpu"], bottleneck: r["bottleneck"], resources: r["resources"],
    bound: { load: s["boundLoad"], resource: s["boundResource"], kind: s["boundKind"], mbps: s["boundMbps"], terms: s["boundTerms"] },
    ofBound: s["ofBound"], bottleneckKind: s["bottleneckKind"], bottleneckMatchesBound: s["bottleneckMatchesBound"],
    portLimitLoad: s["portLimitLoad"], confirmed: s["confirmed"], controlPlaneFailureLoad: s["controlPlaneFailureLoad"],
    runs: s["runs"], probeLog: s["probeLog"], calibration: s["calibration"], criterion: s["criterion"],
    replications: r["replications"],
  };
}

export function compareBoard(spec: BoardSpec, workload: WorkloadName, o: CompareOptions): RunRecord {
  const recs: RunRecord[] = [];
  for (let j = 0; j < o.replications; j++) recs.push(runBoard(spec, { ...o.run, seed: replicationSeed(o.seed, j), load: o.load, durationPs: o.durationPs }));
  const ref = (o.replications > 1 ? aggregate(recs as Record<string, unknown>[]) : recs[0]!) as RunRecord;
  // the search's many runs keep no time series: the record's series is the reference load's
  const { seriesIntervalPs: _series, ...run } = o.run;
  const cap = o.capacity ? saturate(spec, workload, { ...o.capacity, run: { ...o.capacity.run, ...run } }) : undefined;
  return { ...ref, workload, ...(cap ? { capacity: capacityOf(cap) } : {}) };
}
