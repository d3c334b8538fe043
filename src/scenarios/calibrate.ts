/**
 * What a board's CPU pays per path, measured by the model itself in isolation: one run of the
 * board under the workload at a low load (CALIBRATION_SHARE of the ports' limit, so the CPU, its
 * memory and the bus are lightly used and contention is small), after warm-up, reading the CPU's
 * per-path accounts (cycles per job of established-flow frames, new flows, ARP, probe answers,
 * redirects and control-plane jobs) and the busy time of the CPU board's memories per
 * intervention (less the DRAM's refresh, a share of its time at any load). The analytic bound (bound.ts) weighs these by the workload's mix.
 */
import type { BoardSpec } from "../hw/boards/schema.ts";
import { GT64010_DRAM, refreshShare } from "../hw/gt64010/dram.ts";
import { MS } from "../sim/time.ts";
import { runBoard, type BoardRunOptions } from "./board-run.ts";
import { portLimitLoad, type PathCosts, type WorkloadRates } from "./bound.ts";

/** The calibration run's load, as a share of the load at which the first port saturates. */
export const CALIBRATION_SHARE = 0.15;
/** Its measurement window. */
export const CALIBRATION_WINDOW_PS = 20 * MS;

type Run = Omit<BoardRunOptions, "seed" | "load" | "durationPs">;

export function calibrate(spec: BoardSpec, w: WorkloadRates, run: Run, seed: number): PathCosts {
  const load = CALIBRATION_SHARE * portLimitLoad(spec, w);
  const r = runBoard(spec, { ...run, seed, load, durationPs: CALIBRATION_WINDOW_PS, inboundBpsPerRouter: w.inboundBpsPerRouter, outboundBpsPerServer: w.outboundBpsPerServer, packetsPerFlow: w.packetsPerFlow, scenario: "calibrate" });
  const cpu = r["cpu"] as { paths: Record<string, { jobs: number; cyclesPerJob: number }>; sharedBufferAccesses?: number };
  const cyclesPerPath: Record<string, number> = {};
  let interventions = 0;
  for (const [path, x] of Object.entries(cpu.paths)) {
    cyclesPerPath[path] = x.cyclesPerJob;
    if (path !== "control") interventions += x.jobs;
  }
  const secs = r.simulatedSeconds;
  const controlJobsPerSecond = (cpu.paths["control"]?.jobs ?? 0) / secs;
  const res = r["resources"] as Record<string, { utilization: number }>;
  const memoryPsPerIntervention: Record<string, number> = {}, memoryPsPerSecondControl: Record<string, number> = {};
  for (const [name, x] of Object.entries(res)) {
    if (!(name.endsWith(".dram") || name === "fsram")) continue;
    // the DRAM's refresh is load-independent: the bound adds it as a fixed share (refreshShare)
    const refresh = name.endsWith(".dram") ? refreshShare({ ...GT64010_DRAM, ...spec.dram }) : 0;
    const busyPs = Math.max(0, x.utilization - refresh) * secs * 1e12;
    // a memory's busy time goes to the interventions when there are any (control-plane jobs are few), else to the control plane
    if (interventions > 0) memoryPsPerIntervention[name] = busyPs / interventions;
    else memoryPsPerSecondControl[name] = busyPs / secs;
  }
  return {
    cyclesPerPath, controlJobsPerSecond, memoryPsPerIntervention, memoryPsPerSecondControl,
    sharedBufferAccessesPerIntervention: interventions > 0 ? (cpu.sharedBufferAccesses ?? 0) / interventions : 0,
    source: `a ${CALIBRATION_WINDOW_PS / MS} ms run at load ${load.toFixed(3)} (${CALIBRATION_SHARE * 100} % of the ports' limit) after warm-up, seed ${seed}: ${interventions} interventions`,
  };
}
