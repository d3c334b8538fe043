/**
 * Saturation search: the highest offered load at which a board drops under 0.1 % of its data
 * frames, found by doubling the load factor until drops appear, then bisecting. Reported beside
 * the analytic bound (bound.ts), with the bottleneck resource at the saturation point.
 */
import type { BoardSpec } from "../hw/boards/schema.ts";
import { analyticBound } from "./bound.ts";
import { runBoard } from "./board-run.ts";
import type { RunRecord } from "./registry.ts";
import { WORKLOADS, type WorkloadName } from "./workloads.ts";

export const DROP_LIMIT = 0.001;

interface DataCounts {
  data: { injected: number; delivered: number; inFlight: number };
}

export function dropRate(r: RunRecord): number {
  const d = (r as unknown as DataCounts).data;
  return d.injected ? (d.injected - d.delivered - d.inFlight) / d.injected : 0;
}

export function saturate(spec: BoardSpec, workload: WorkloadName, seed: number, durationPs: number, steps = 6): RunRecord {
  const w = WORKLOADS[workload];
  const run = (load: number) => runBoard(spec, { seed, durationPs, load, inboundBpsPerRouter: w.inboundBpsPerRouter, outboundBpsPerServer: w.outboundBpsPerServer, scenario: "saturate" });
  let lo = 0, hi = 0.25, best: RunRecord | undefined, probes = 0;
  // grow until drops appear
  for (;;) {
    const r = run(hi);
    probes++;
    if (dropRate(r) >= DROP_LIMIT || hi >= 64) break;
    (lo = hi), (best = r);
    hi *= 2;
  }
  for (let i = 0; i < steps; i++) {
    const mid = (lo + hi) / 2;
    const r = run(mid);
    probes++;
    if (dropRate(r) < DROP_LIMIT) (lo = mid), (best = r);
    else hi = mid;
  }
  const rec = best ?? run(lo || 0.01);
  const bound = analyticBound(spec, w.inboundBpsPerRouter, w.outboundBpsPerServer);
  const delivered = rec["delivered"] as { inboundMbps: number; outboundMbps: number };
  const offered = rec["offered"] as { inboundMbps: number; outboundMbps: number };
  return {
    ...rec,
    workload,
    saturation: {
      load: lo,
      offeredMbps: offered.inboundMbps + offered.outboundMbps,
      deliveredMbps: delivered.inboundMbps + delivered.outboundMbps,
      boundMbps: bound.inboundMbps + bound.outboundMbps,
      boundResource: bound.resource,
      boundLoad: bound.load,
      dropRate: dropRate(rec),
      probes,
    },
  };
}
