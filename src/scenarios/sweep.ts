/** Load sweeps: one board run per offered load in a:b:step, for throughput, drops and latency against load. */
import type { BoardSpec } from "../hw/boards/schema.ts";
import { runBoard } from "./board-run.ts";
import type { RunRecord } from "./registry.ts";
import { dropRate } from "./saturate.ts";
import { WORKLOADS, type WorkloadName } from "./workloads.ts";

/** Parses "a:b:step" into the loads a, a + step, ..., <= b; a message on bad input. */
export function parseLoads(text: string): number[] | string {
  const m = /^\s*([0-9.]+)\s*:\s*([0-9.]+)\s*:\s*([0-9.]+)\s*$/.exec(text);
  const bad = `"${text}" is not a load range: expected a:b:step with 0 < a <= b and step > 0, e.g. 0.5:3:0.5`;
  if (!m) return bad;
  const [a, b, step] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!(a > 0 && b >= a && step > 0) || (b - a) / step > 200) return bad;
  const out: number[] = [];
  for (let i = 0; a + i * step <= b + 1e-9; i++) out.push(+(a + i * step).toFixed(6));
  return out;
}

export function sweep(spec: BoardSpec, loads: number[], workload: WorkloadName, seed: number, durationPs: number): RunRecord[] {
  const w = WORKLOADS[workload];
  return loads.map((load) => {
    const r = runBoard(spec, { seed, durationPs, load, inboundBpsPerRouter: w.inboundBpsPerRouter, outboundBpsPerServer: w.outboundBpsPerServer, scenario: "sweep" });
    return { ...r, workload, dropRate: dropRate(r) };
  });
}
