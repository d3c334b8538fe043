/**
 * Saturation: a board's capacity under a workload (capacity.ts: bracket, bisection and
 * confirmation over replications), beside the analytic bound that explains it (bound.ts, with the
 * CPU costs the model measures in isolation, calibrate.ts). The record is that of the board at
 * its capacity (means over replications with their intervals) plus a `saturation` section.
 */
import type { BoardSpec } from "../hw/boards/schema.ts";
import { MS } from "../sim/time.ts";
import type { BoardRunOptions } from "./board-run.ts";
import { analyticBound, portLimitLoad, resourceKind, type WorkloadRates } from "./bound.ts";
import { calibrate } from "./calibrate.ts";
import { findCapacity, LOSS_GOAL, GROWTH_FRAMES } from "./capacity.ts";
import type { RunRecord } from "./registry.ts";
import { settingLayout } from "./setting.ts";
import { WORKLOADS, type WorkloadName } from "./workloads.ts";
import { DEFAULT_PACKETS_PER_FLOW } from "../traffic/workload.ts";

/** Drops above this share of the data frames count as loss (kept for the sweep's dropRate). */
export const DROP_LIMIT = LOSS_GOAL;

interface DataCounts {
  data: { injected: number; delivered: number; inFlight: number; dropped?: number; lossRatio?: number };
}

/** The share of a run's data frames dropped (in its window). */
export function dropRate(r: RunRecord): number {
  const d = (r as unknown as DataCounts).data;
  if (d.lossRatio !== undefined) return d.lossRatio;
  return d.injected ? (d.injected - d.delivered - d.inFlight) / d.injected : 0;
}

export interface SaturateOptions {
  seed: number;
  /** Search windows (ps); confirmation windows are `confirmFactor` times longer. */
  windowPs: number;
  replications: number;
  maxReplications: number;
  confirmFactor: number;
  /** Relative width of the final bracket. */
  goalWidth: number;
  /** Board-run options for every run (health timers, policy, warm-up, ...). */
  run?: Omit<BoardRunOptions, "seed" | "load" | "durationPs" | "inboundBpsPerRouter" | "outboundBpsPerServer">;
}

export const SATURATE_DEFAULTS: Omit<SaturateOptions, "seed"> = { windowPs: 50 * MS, replications: 3, maxReplications: 6, confirmFactor: 3, goalWidth: 0.02 };

export function workloadRates(name: WorkloadName, packetsPerFlow = DEFAULT_PACKETS_PER_FLOW): WorkloadRates {
  const w = WORKLOADS[name];
  return { inboundBpsPerRouter: w.inboundBpsPerRouter, outboundBpsPerServer: w.outboundBpsPerServer, packetsPerFlow };
}

export function saturate(spec: BoardSpec, workload: WorkloadName, o: SaturateOptions): RunRecord {
  const rates = workloadRates(workload, o.run?.packetsPerFlow);
  const run = { ...o.run, inboundBpsPerRouter: rates.inboundBpsPerRouter, outboundBpsPerServer: rates.outboundBpsPerServer, scenario: "saturate" };
  const costs = calibrate(spec, rates, run, o.seed);
  const bound = analyticBound(spec, rates, costs);
  const ports = portLimitLoad(spec, rates);
  const c = findCapacity(spec, {
    run, seed: o.seed, replications: o.replications, maxReplications: o.maxReplications, windowPs: o.windowPs, confirmFactor: o.confirmFactor, goalWidth: o.goalWidth,
    boundLoad: bound.load, portLimitLoad: ports,
  });
  const rec = c.atCapacity;
  const delivered = rec["delivered"] as { inboundMbps: number; outboundMbps: number; inboundMbpsCi95?: number; outboundMbpsCi95?: number };
  const offered = rec["offered"] as { inboundMbps: number; outboundMbps: number };
  const bn = rec["bottleneck"] as { resource: string; utilization: number; limiting: boolean };
  const kind = resourceKind(settingLayout(spec), bn.resource);
  const ci = (x: number | undefined) => x ?? 0;
  return {
    ...rec,
    scenario: "saturate",
    workload,
    saturation: {
      load: c.lo,
      loadInterval: [c.lo, c.hi],
      offeredMbps: offered.inboundMbps + offered.outboundMbps,
      deliveredMbps: delivered.inboundMbps + delivered.outboundMbps,
      // inbound and outbound come from the same replications: the sum's half-width is at most the sum of theirs
      deliveredMbpsCi95: ci(delivered.inboundMbpsCi95) + ci(delivered.outboundMbpsCi95),
      boundMbps: bound.inboundMbps + bound.outboundMbps,
      boundResource: bound.resource,
      boundKind: bound.kind,
      boundLoad: bound.load,
      ofBound: c.lo / bound.load,
      boundTerms: bound.terms.map((t) => ({ resource: t.resource, kind: t.kind, load: t.load, formula: t.formula })),
      bottleneckKind: kind ?? null,
      bottleneckMatchesBound: kind === bound.kind,
      portLimitLoad: ports,
      dropRate: dropRate(rec),
      confirmed: c.confirmed,
      controlPlaneFailureLoad: c.controlPlaneFailureLoad,
      probes: c.probes.length,
      runs: c.runs,
      probeLog: c.probes,
      calibration: costs,
      criterion: {
        lossGoal: LOSS_GOAL, growthFrames: GROWTH_FRAMES, windowMs: o.windowPs / 1e9, confirmWindowMs: (o.windowPs * o.confirmFactor) / 1e9,
        replications: o.replications, maxReplications: o.maxReplications, goalWidth: o.goalWidth, level: 0.95,
      },
    },
  };
}
