/**
 * Saturation: a board's capacity under a workload (capacity.ts: bracket, bisection and
 * confirmation over replications), beside the analytic bound that explains it (bound.ts, with the
 * CPU costs the model measures in isolation, calibrate.ts). The record is that of the board at
 * its capacity (means over replications with their intervals) plus a `saturation` section.
 * The confirmation's warm-up is sized from the busiest resource's service time (`serviceTime`,
 * docs/methods.md §6).
 */
import type { BoardSpec } from "../hw/boards/schema.ts";
import { MS } from "../sim/time.ts";
import { DEFAULT_FLOWS, type BoardRunOptions } from "./board-run.ts";
import { analyticBound, portLimitLoad, resourceKind, type BoundTerm, type WorkloadRates } from "./bound.ts";
import { calibrate } from "./calibrate.ts";
import { findCapacity, findCapacityAsync, LOSS_GOAL, GROWTH_FRAMES, type CapacityOptions, type CapacityResult } from "./capacity.ts";
import type { RunRecord } from "./registry.ts";
import { settingLayout, type SettingLayout } from "./setting.ts";
import { IMIX } from "../traffic/imix.ts";
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
  /** Replications of the confirmation runs (the capacity's figures and their intervals). */
  confirmReplications: number;
  confirmFactor: number;
  /** Relative width of the final bracket. */
  goalWidth: number;
  /** Board-run options for every run (health timers, policy, warm-up, ...). */
  run?: Omit<BoardRunOptions, "seed" | "load" | "durationPs" | "inboundBpsPerRouter" | "outboundBpsPerServer">;
}

/** The search's settings by default (`saturate`): a 2 % bracket, 50 ms windows confirmed with 150 ms, 2 to 5 replications per load. */
export const SATURATE_DEFAULTS: Omit<SaturateOptions, "seed"> = { windowPs: 50 * MS, replications: 2, maxReplications: 5, confirmReplications: 5, confirmFactor: 3, goalWidth: 0.02 };
/** The main table's quicker search (`compare`): a 4 % bracket, 30 ms windows confirmed with 60 ms. */
export const QUICK_SEARCH: Omit<SaturateOptions, "seed"> = { windowPs: 30 * MS, replications: 2, maxReplications: 4, confirmReplications: 3, confirmFactor: 2, goalWidth: 0.04 };

export function workloadRates(name: WorkloadName, packetsPerFlow = DEFAULT_PACKETS_PER_FLOW, flows = DEFAULT_FLOWS): WorkloadRates {
  const w = WORKLOADS[name];
  return { inboundBpsPerRouter: w.inboundBpsPerRouter, outboundBpsPerServer: w.outboundBpsPerServer, packetsPerFlow, flows };
}

/** Bound terms whose loads are within this share of the binding one are tied with it. */
export const TIE = 0.01;

/** Preamble + SFD and inter-frame gap, bytes on the wire around every frame (docs/hardware.md §1, as bound.ts). */
const WIRE_OVERHEAD_BYTES = 8 + 12;
/** The IMIX's mean wire bytes per frame (frame with FCS, preamble, SFD and gap). */
const IMIX_WIRE_BYTES = IMIX.reduce((s, x) => s + x.weight * (x.bytes + WIRE_OVERHEAD_BYTES), 0) / IMIX.reduce((s, x) => s + x.weight, 0);

const mean = (records: RunRecord[], f: (r: RunRecord) => number) => records.reduce((a, r) => a + f(r), 0) / records.length;

/**
 * A resource's per-item service time S at the load of `records` (the confirmation's warm-up,
 * capacity.ts `confirmationWarmup`), from the setting and what the runs measured:
 *   - a port: a frame's wire time at the workload's mean size (the IMIX's, with preamble, SFD and
 *     gap) at the port's line rate;
 *   - a CPU: its time per intervention, the runs' mean cycles per intervention at the CPU clock;
 *   - any other resource (the fabric, a CPU board's memory, a controller's buffer memory or
 *     forwarding engine, a translator): its busy time per data frame it carries, its utilisation
 *     over the data frames per second the board delivered (both directions), shared evenly over
 *     the resources of its kind (controllers' buffers and engines, 5F's port ASICs). A frame is
 *     several items to some of them (a PCI crossing is several tenures, a frame two crossings),
 *     so S is per frame, the unit the backlog is counted in.
 */
export function serviceTime(L: SettingLayout, resource: string, records: RunRecord[]): { ps: number; basis: string } | undefined {
  const kind = resourceKind(L, resource);
  if (kind === undefined || records.length === 0) return undefined;
  if (kind.includes("port")) {
    const p = [...L.routerPorts, ...L.serverPorts].find((q) => L.portResource(q, "in") === resource || L.portResource(q, "out") === resource);
    if (p === undefined) return undefined;
    const mbps = L.controllers[L.controllerOf(p)]!.portMbps;
    return { ps: Math.round((IMIX_WIRE_BYTES * 8 * 1e6) / mbps), basis: `a frame's wire time, ${IMIX_WIRE_BYTES.toFixed(1)} bytes (IMIX mean) at ${mbps} Mb/s` };
  }
  if (kind === "cpu") {
    const cycles = mean(records, (r) => (r["cpu"] as { cyclesPerIntervention: number }).cyclesPerIntervention);
    const mhz = mean(records, (r) => (r["cpu"] as { clockMHz: number }).clockMHz);
    if (!(cycles > 0 && mhz > 0)) return undefined;
    return { ps: Math.round((cycles * 1e6) / mhz), basis: `the CPU's time per intervention, ${cycles.toFixed(0)} cycles measured at ${mhz} MHz` };
  }
  const fps = mean(records, (r) => { const d = r["delivered"] as { inboundFps: number; outboundFps: number }; return d.inboundFps + d.outboundFps; });
  const rho = mean(records, (r) => (r["resources"] as Record<string, { utilization: number }>)[resource]?.utilization ?? 0);
  const peers = resource.endsWith(".buffer") || resource.endsWith(".decide") ? L.controllers.length : resource.endsWith(".asic") ? L.routerPorts.length : 1;
  if (!(fps > 0 && rho > 0)) return undefined;
  return { ps: Math.round((rho * peers * 1e12) / fps), basis: `its busy time per data frame, ${(rho * 100).toFixed(1)} % busy over ${Math.round(fps).toLocaleString("en-US")} frames/s delivered${peers > 1 ? ` / ${peers} alike` : ""}` };
}

/** The search's inputs for a board: the workload's rates, the board-run options, the calibrated costs and the bound. */
function prepare(spec: BoardSpec, workload: WorkloadName, o: SaturateOptions) {
  const rates = workloadRates(workload, o.run?.packetsPerFlow, o.run?.flows);
  const run = { ...o.run, inboundBpsPerRouter: rates.inboundBpsPerRouter, outboundBpsPerServer: rates.outboundBpsPerServer, scenario: "saturate" };
  const costs = calibrate(spec, rates, run, o.seed);
  const bound = analyticBound(spec, rates, costs);
  const ports = portLimitLoad(spec, rates);
  const L = settingLayout(spec);
  const search: CapacityOptions = {
    run, seed: o.seed, replications: o.replications, maxReplications: o.maxReplications, confirmReplications: o.confirmReplications, windowPs: o.windowPs, confirmFactor: o.confirmFactor, goalWidth: o.goalWidth,
    boundLoad: bound.load, portLimitLoad: ports,
    serviceTime: (resource, records) => serviceTime(L, resource, records),
  };
  return { costs, bound, ports, search };
}

export function saturate(spec: BoardSpec, workload: WorkloadName, o: SaturateOptions): RunRecord {
  const p = prepare(spec, workload, o);
  return saturationRecord(spec, workload, o, p, findCapacity(spec, p.search));
}

/** `saturate`, yielding to the event loop between runs. */
export async function saturateAsync(spec: BoardSpec, workload: WorkloadName, o: SaturateOptions): Promise<RunRecord> {
  const p = prepare(spec, workload, o);
  return saturationRecord(spec, workload, o, p, await findCapacityAsync(spec, p.search));
}

/**
 * The CPU's bound term again with its cycles per intervention as measured at the capacity point
 * (its register reads waiting for a busy fabric, its line fills for the DMA: contention the bound,
 * from costs measured in isolation, leaves out), and whether it then binds: saturates at or below
 * every other term's load (within TIE). Undefined when the board's bound has no CPU term.
 */
export function cpuAtCapacity(terms: readonly BoundTerm[], rec: Record<string, unknown>): { cyclesPerIntervention: number; isolated: number; load: number; binding: boolean } | undefined {
  const cpu = terms.filter((t) => t.kind === "cpu" && t.cyclesPerIntervention);
  const measured = (rec["cpu"] as { cyclesPerIntervention?: number } | undefined)?.cyclesPerIntervention;
  if (cpu.length === 0 || !measured) return undefined;
  // the busiest CPU term (5F has two), its A scaled by the measured cycles against the isolated
  const t = cpu.reduce((a, b) => (b.load < a.load ? b : a));
  const isolated = t.cyclesPerIntervention!, load = (1 - t.fixed) / ((t.perLoad * measured) / isolated);
  const others = Math.min(...terms.filter((x) => x !== t).map((x) => x.load));
  return { cyclesPerIntervention: measured, isolated, load, binding: load <= others * (1 + TIE) };
}

function saturationRecord(spec: BoardSpec, workload: WorkloadName, o: SaturateOptions, p: ReturnType<typeof prepare>, c: CapacityResult): RunRecord {
  const { costs, bound, ports } = p;
  const rec = c.atCapacity;
  const delivered = rec["delivered"] as { inboundMbps: number; outboundMbps: number; inboundMbpsCi95?: number; outboundMbpsCi95?: number };
  const offered = rec["offered"] as { inboundMbps: number; outboundMbps: number };
  const bn = rec["bottleneck"] as { resource: string; utilization: number; limiting: boolean };
  const kind = resourceKind(settingLayout(spec), bn.resource);
  const ci = (x: number | undefined) => x ?? 0;
  const contended = cpuAtCapacity(bound.terms, rec);
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
      // the simulated bottleneck is a resource the bound names as binding (resources that saturate
      // within 1 % of the binding load tie), or the CPU when its term, with the cycles per
      // intervention measured at capacity, binds (its waits for the fabric and memory, which the
      // bound measured in isolation leaves out: docs/results-format.md "Capacity and the bound")
      bottleneckMatchesBound: kind !== undefined && (bound.terms.some((t) => t.kind === kind && t.load <= bound.load * (1 + TIE)) || (kind === "cpu" && contended !== undefined && contended.binding)),
      ...(contended ? { cpuAtCapacity: contended } : {}),
      portLimitLoad: ports,
      dropRate: dropRate(rec),
      confirmed: c.confirmed,
      controlPlaneFailureLoad: c.controlPlaneFailureLoad,
      probes: c.probes.length,
      runs: c.runs,
      // simulated time of those runs (warm-ups and windows), ms
      simulatedMs: c.simulatedPs / 1e9,
      probeLog: c.probes,
      calibration: costs,
      criterion: {
        lossGoal: LOSS_GOAL, growthFrames: GROWTH_FRAMES, windowMs: o.windowPs / 1e9, confirmWindowMs: (o.windowPs * o.confirmFactor) / 1e9,
        replications: o.replications, maxReplications: o.maxReplications, confirmReplications: o.confirmReplications, goalWidth: o.goalWidth, level: 0.95,
        // the search's warm-up, and the confirmation's: k relaxation times of the busiest resource at the lower end, clamped (docs/methods.md §6)
        warmupMs: c.searchWarmupPs / 1e9,
        confirmWarmupMs: (c.confirmWarmup?.warmupPs ?? c.searchWarmupPs) / 1e9,
        confirmWarmup: c.confirmWarmup
          ? {
            relaxations: c.confirmWarmup.relaxations, load: c.confirmWarmup.load, measuredAt: c.confirmWarmup.measuredAt, resource: c.confirmWarmup.resource, rho: c.confirmWarmup.rho,
            serviceUs: c.confirmWarmup.servicePs / 1e6, serviceBasis: c.confirmWarmup.serviceBasis,
            // null when ρ ≥ 1 (no steady state: the window clamps it)
            tauMs: Number.isFinite(c.confirmWarmup.tauPs) ? c.confirmWarmup.tauPs / 1e9 : null, clamped: c.confirmWarmup.clamped,
          }
          : null,
      },
    },
  };
}
