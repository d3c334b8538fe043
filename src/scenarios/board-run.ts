/**
 * Runs one board under the standard setting: four routers and four servers on its eight ports,
 * the flow switch firmware with one cluster and one router pool, and the Fig 2 workload. A run has
 * two phases: a warm-up (flows open, caches fill, queues settle), at whose end every statistic
 * restarts (`Simulator.resetStats`), then the measurement window. Returns the run record of
 * docs/results-format.md for the window, with a summary of the warm-up: throughput per direction,
 * CPU interventions and cycles, utilisation of every resource and the bottleneck, latency, the
 * backlog's trend (growing queues), health changes, and frame accounting (every frame is
 * delivered, dropped with a cause, or still inside).
 */
import { Board, FSRAM_TABLE_BASE } from "../hw/boards/board.ts";
import { IsaFramePath } from "../hw/cpu/isa/board-path.ts";
import { switchpathElf } from "../hw/cpu/isa/switchpath-file.ts";
import type { BoardSpec } from "../hw/boards/schema.ts";
import { FlowSwitch } from "../firmware/flow-switch.ts";
import { NatBalancer } from "../firmware/nat.ts";
import { DEFAULT_TIMEOUTS } from "../firmware/config.ts";
import { FramePool } from "../net/frame-pool.ts";
import { ipv4 } from "../net/ipv4-addr.ts";
import { mac } from "../net/mac.ts";
import { Simulator } from "../sim/simulator.ts";
import { MS, SEC } from "../sim/time.ts";
import { DEFAULT_PACKETS_PER_FLOW, Workload } from "../traffic/workload.ts";
import { olsSlope } from "../stats/regression.ts";
import { settingLayout } from "./setting.ts";
import { BufferMemoryArbiter } from "../hw/fabric/buffer-memory-arbiter.ts";
import { Priority } from "../sim/priority.ts";
import { attachTraces, SYNTHETIC_TRAFFIC, type TraceSettings } from "./traces.ts";
import type { RunRecord } from "./registry.ts";
import { boardSeries, seriesRecord } from "./board-series.ts";

/** What every run's script sees: the running simulation, to schedule failures and read state. */
export interface RunContext {
  sim: Simulator;
  board: Board;
  fw: FlowSwitch;
  /** Runs `fn` at `t` ps after the start of the measurement window (board runs: after the warm-up). */
  at(t: number, fn: () => void): void;
  /** When the measurement window starts (ps): the end of the warm-up. */
  windowStartPs: number;
  /** Scenario-specific results, merged into the run record. */
  report: Record<string, unknown>;
}

/** A script's `at`: `fn` runs at `from + t` before anything else at that instant (Priority.State). */
export function scriptAt(sim: Simulator, from = 0): RunContext["at"] {
  return (t, fn) => sim.schedule(sim.event("script", fn, Priority.State), from + Math.round(t));
}

/** A health change as a script's `onHealth` sees it: when (ps from the window's start; negative in the warm-up), who, which way, why. */
export interface HealthChange {
  atPs: number;
  name: string;
  kind: "server" | "router";
  change: "down" | "up";
  cause: string;
}

/** A board run's script context: the run's context, its workload, and hooks on what happens during the run. */
export interface ScriptContext extends RunContext {
  workload: Workload;
  /** Calls `fn(t)` every `periodPs` through the window (t: ps from its start, from `periodPs` to the window's end): periodic samples. */
  every(periodPs: number, fn: (t: number) => void): void;
  /** Calls `fn` as the firmware declares each server or router down or up (probes, link or admin), when it does. */
  onHealth(fn: (e: HealthChange) => void): void;
}

/** The script context's hooks: `every` schedules at the window's multiples of the period; `onHealth` follows the firmware's health log as it grows. */
function scriptHooks(sim: Simulator, fw: FlowSwitch, warmup: number, windowPs: number): Pick<ScriptContext, "every" | "onHealth"> {
  const listeners: ((e: HealthChange) => void)[] = [];
  const log = fw.healthLog, push = log.push.bind(log);
  const routers = new Set(fw.routers.map((r) => r.name));
  log.push = (...items) => {
    const n = push(...items);
    for (const e of items) for (const fn of listeners) fn({ atPs: e.atPs - warmup, name: e.name, kind: routers.has(e.name) ? "router" : "server", change: e.change, cause: e.cause });
    return n;
  };
  return {
    every(periodPs, fn) {
      const p = Math.round(periodPs);
      if (!(p > 0)) throw new RangeError(`every: the period must be a positive number of ps, got ${periodPs}`);
      for (let t = p; t <= windowPs; t += p) sim.schedule(sim.event("script.every", () => fn(t), Priority.State), warmup + t);
    },
    onHealth: (fn) => void listeners.push(fn),
  };
}

/** Where board runs report their progress (the CLI's progress bar); silent by default. */
let progressSink: (label: string, fraction: number) => void = () => {};
export function setProgressSink(fn: (label: string, fraction: number) => void): void {
  progressSink = fn;
}

/** How a board run is set up: seed, window, load, warm-up, workload rates, firmware policy and health timers, traces, and a script with its `finish`. */
export interface BoardRunOptions {
  /** A scenario script: schedules events (failures, restores) and fills `report`. */
  script?: (ctx: ScriptContext) => void;
  /** Called once the setting is built, before the functional warming (scripts/op-costs.ts sets its C image up beside the firmware). */
  onSetting?: (s: { fw: FlowSwitch; board: Board; pool: FramePool }) => void;
  /** Each frame of the functional warming (`Workload.prewarm`), before the firmware learns it (scripts/op-costs.ts warms the C image with it). */
  onPrewarm?: (h: number, ingress: number, nowPs: number) => void;
  /** Called at the end of the run, before the record is built. */
  finish?: (ctx: ScriptContext) => void;
  /** Cluster mode and policy for the default cluster. */
  mode?: "balance" | "availability";
  policy?: "optimal-workload" | "round-robin" | "weighted-round-robin" | "least-connections" | "weighted-least-connections" | "consistent-hash";
  /** Health-check interval and timeout, ps (defaults 2 s and 1 s: HEALTH_DEFAULTS). */
  healthIntervalPs?: number;
  healthTimeoutPs?: number;
  /** Protocol shares of the flows, in twentieths. */
  mix?: { tcp: number; udp: number; esp: number; ipip: number };
  checkAffinity?: boolean;
  /** Traces (src/scenarios/traces.ts): captures of every port both ways into DIR/<board>.pcapng, the fabric's signals into a VCD file, and how. */
  pcapDir?: string;
  vcdPath?: string;
  execTracePath?: string;
  trace?: TraceSettings;
  /** Record inbound frames delivered per server in time buckets of this many ps (a failover timeline). */
  timelineBucketPs?: number;
  /** Clusters (virtual IPs) the servers are split among, round robin (default 1). */
  clusters?: number;
  /** Client flows open at once (default DEFAULT_FLOWS). */
  flows?: number;
  /** Mean inbound data frames per client flow (default 10: the workload's DEFAULT_PACKETS_PER_FLOW). */
  packetsPerFlow?: number;
  /** Time series (`--series`): a sample every this many ps over the warm-up and the window, into the record's `series` (src/scenarios/board-series.ts). */
  seriesIntervalPs?: number;
  /** Backlog samples over the window (default BACKLOG_SAMPLES): the series is in the record. */
  backlogSamples?: number;
  /** Warm-up before the measurement window, ps (default DEFAULT_WARMUP_PS). 0: none. */
  warmupPs?: number;
  /** "flow-switch" (default) or the prior-art "nat" balancer of Fig 1 (servers get private IPs). */
  firmware?: "flow-switch" | "nat";
  /** Health probe kind for the cluster's servers (routers are always probed by ARP). */
  healthKind?: "arp" | "icmp" | "tcp" | "load";
  /** The firmware's flow table: capacity in flows, idle timeouts, sweep slots per new flow (defaults: SwitchConfigSchema's). */
  flowTable?: { size?: number; timeouts?: Partial<typeof DEFAULT_TIMEOUTS>; sweepSlots?: number };
  seed: number;
  /** The measurement window, ps (after the warm-up). */
  durationPs: number;
  load: number;
  /** Inbound and outbound frame bits/s per router and per server port at load 1.0. */
  inboundBpsPerRouter?: number;
  outboundBpsPerServer?: number;
  scenario?: string;
}

export const VIP = ipv4("192.0.2.10");
export const VMAC = mac("02:00:5e:00:00:0a");
export const DEFAULT_INBOUND_BPS = 15e6;
export const DEFAULT_OUTBOUND_BPS = 60e6;
/**
 * Client flows open at once, by default (assumption): enough that the flow table's live entries
 * (32 bytes each, one cache line apiece by the hash) are twice the R4700's 16 KB D-cache (512
 * lines), so a look-up misses as it would with many more flows, and few enough that the learning
 * phase that opens them stays short.
 */
export const DEFAULT_FLOWS = 1000;

/**
 * Health checking of board runs by default: a probe every 2 s, 1 s to answer, 3 failures to fall
 * and 2 answers to rise, as HAProxy's defaults (inter 2 s, fall 3, rise 2) and GitHub's GLB
 * director (every 2 s, 1 s timeout, 3 in a row) do; keepalived's delay_loop defaults to 60 s.
 * A real balancer's checks cost nothing next to its data path, so capacity runs measure the data
 * path. Detection within 2 x 3 + 1 = 7 s. The failover scenarios use short timers (`FAST_HEALTH`
 * in claims.ts) to show failures in milliseconds, and say so in their output.
 */
export const HEALTH_DEFAULTS = { intervalPs: 2 * SEC, timeoutPs: 1 * SEC } as const;

/** Backlog samples taken over the measurement window, for its trend (growing queues). */
export const BACKLOG_SAMPLES = 30;

/**
 * The warm-up before the measurement window, by default: 20 ms. The switch starts with the open
 * flows already in its flow table (functional warming: `Workload.prewarm`), so the warm-up only
 * has to fill the caches and let the queues settle (the CPU as a single server with about 11 us
 * per job relaxes in about 4 ms at 90 % utilisation and 17 ms at 95 %: docs/methods.md §5).
 * `test/scenarios/warmup.test.ts` checks it against MSER-5 truncation points of pilot runs.
 */
export const DEFAULT_WARMUP_PS = 20 * MS;

/** What the standard setting needs of a run's options. */
export type SettingOptions = Pick<BoardRunOptions, "seed" | "mode" | "policy" | "healthKind" | "healthIntervalPs" | "healthTimeoutPs" | "clusters" | "firmware" | "flowTable">;

/**
 * The standard setting of every board run: four routers and four servers on the board's ports (half and half on larger boards)
 * (routers on the circuit cards of 5F), one router pool, the servers split round robin among
 * `clusters` virtual IPs, and the flow switch firmware (or the prior-art NAT balancer) installed.
 */
export function buildSetting(spec: BoardSpec, o: SettingOptions) {
  const sim = new Simulator({ seed: o.seed });
  const pool = new FramePool({ slots: 16_384 });
  const board = new Board(sim, pool, spec);
  // routers on the circuit cards (5F) or the first half of the ports; servers on the rest (setting.ts)
  const { routerPorts, serverPorts } = settingLayout(spec);
  // router IPs 192.0.2.1-8, then from .101 (clear of the virtual IPs at .10 on)
  const routers = routerPorts.map((port, i) => ({ name: `r${i}`, port, mac: 0x0200_0000_0100 + i, ip: ipv4("192.0.2.1") + (i < 8 ? i : 100 + i - 8) }));
  const nat = o.firmware === "nat";
  const nClusters = nat ? 1 : Math.max(1, Math.min(o.clusters ?? 1, serverPorts.length));
  const vips = Array.from({ length: nClusters }, (_, k) => VIP + k);
  const servers = serverPorts.map((port, i) => ({ name: `s${i}`, port, mac: 0x0200_0000_0200 + i, ip: nat ? ipv4("10.0.0.1") + i : vips[i % nClusters]!, gatewayIp: routers[0]!.ip }));
  const fw = new FlowSwitch({
    clusters: vips.map((vip, k) => ({
      name: k === 0 ? "web" : `cluster${k}`, vip, vmac: VMAC + k, mode: o.mode ?? "balance", policy: o.policy ?? "consistent-hash",
      servers: servers.filter((_, i) => i % nClusters === k).map((s) => ({ name: s.name, mac: s.mac, port: s.port, weight: 1 })),
      health: { kind: o.healthKind ?? "arp", intervalPs: o.healthIntervalPs ?? HEALTH_DEFAULTS.intervalPs, timeoutPs: o.healthTimeoutPs ?? HEALTH_DEFAULTS.timeoutPs },
    })),
    routerPools: [{ name: "gateways", routers: routers.map((r) => ({ name: r.name, ip: r.ip, mac: r.mac, port: r.port })), health: { intervalPs: o.healthIntervalPs ?? HEALTH_DEFAULTS.intervalPs, timeoutPs: o.healthTimeoutPs ?? HEALTH_DEFAULTS.timeoutPs } }],
    ...(o.flowTable?.size !== undefined ? { flowTableSize: o.flowTable.size } : {}),
    ...(o.flowTable?.timeouts ? { timeouts: { ...DEFAULT_TIMEOUTS, ...o.flowTable.timeouts } } : {}),
    ...(o.flowTable?.sweepSlots !== undefined ? { flowTableSweepSlots: o.flowTable.sweepSlots } : {}),
  });
  const natFw = nat ? new NatBalancer({ vip: VIP, mac: VMAC, servers: servers.map((s) => ({ name: s.name, ip: s.ip, mac: s.mac, port: s.port })), routers: routers.map((r) => ({ name: r.name, ip: r.ip, mac: r.mac, port: r.port })) }) : undefined;
  if (natFw) board.install(natFw);
  else board.install(fw);
  const isa = spec.cpu.execution === "isa" ? isaPath(spec, board, fw, pool, natFw !== undefined) : undefined;
  return { sim, pool, board, routers, servers, vips, fw, natFw, nat, isa };
}

/** A run that asks for what the instruction-level CPU model cannot do (the C path does not port it): one line. */
export class CpuModelError extends Error {
  override name = "CpuModelError";
}

/**
 * Isa mode (`cpu.execution: "isa"`): the C path (switchpath.elf) decides each frame job on the
 * instruction-level core beside the TypeScript firmware, its record replayed through the board's
 * caches and memories (src/hw/cpu/isa/board-path.ts). One image for the board (5F's two
 * management cards share the firmware's state, and so the image's).
 */
function isaPath(spec: BoardSpec, board: Board, fw: FlowSwitch, pool: FramePool, nat: boolean): IsaFramePath {
  if (nat) throw new CpuModelError(`board ${spec.name}: cpu model "isa" runs the flow switch's C path; the prior-art NAT balancer is not ported to C (use --cpu-model trace)`);
  let path: IsaFramePath;
  try {
    path = new IsaFramePath(switchpathElf(), fw, pool, (port) => board.portCounters(port).txBytes, spec.fsram ? FSRAM_TABLE_BASE : -1);
  } catch (e) {
    throw new CpuModelError(`board ${spec.name}: ${(e as Error).message}`);
  }
  for (const b of board.cpus) b.cPath = path;
  board.sim.onResetStats(() => path.resetStats());
  return path;
}

/** Runs one board under the standard setting (four routers, four servers, one cluster, the Fig 2 workload) for a warm-up and a measurement window, and returns its run record (docs/results-format.md). */
export function runBoard(spec: BoardSpec, o: BoardRunOptions): RunRecord & Record<string, unknown> {
  const wall0 = performance.now();
  const { sim, pool, board, routers, servers, vips, fw, natFw, isa } = buildSetting(spec, o);
  o.onSetting?.({ fw, board, pool });
  const inboundBps = o.inboundBpsPerRouter ?? DEFAULT_INBOUND_BPS, outboundBps = o.outboundBpsPerServer ?? DEFAULT_OUTBOUND_BPS;
  const flows = o.flows ?? DEFAULT_FLOWS, packetsPerFlow = o.packetsPerFlow ?? DEFAULT_PACKETS_PER_FLOW;
  const warmup = o.warmupPs ?? DEFAULT_WARMUP_PS;
  const end = warmup + o.durationPs;
  const wl = new Workload(sim, pool, board, {
    vip: VIP, vips, routers, servers, load: o.load, flows, packetsPerFlow, stopPs: end, ...(o.mix ? { mix: o.mix } : {}), ...(o.checkAffinity ? { checkAffinity: true } : {}),
    inboundBpsPerRouter: inboundBps, outboundBpsPerServer: outboundBps,
  });
  // the switch has seen the flows open at the start (functional warming; the NAT baseline learns its own)
  if (!natFw) {
    wl.prewarm(vips.map((_, k) => VMAC + k), (h, ingress) => {
      o.onPrewarm?.(h, ingress, sim.now);
      isa?.warm(h, ingress, sim.now); // first: the TypeScript rewrites the frame
      fw.warm(h, ingress);
    });
    fw.resetStats();
  }
  const ctx: ScriptContext = {
    sim, board, fw, workload: wl, report: {},
    at: scriptAt(sim, warmup), windowStartPs: warmup, ...scriptHooks(sim, fw, warmup, o.durationPs),
  };
  o.script?.(ctx);
  const traces = attachTraces(sim, pool, board, { routers, servers }, { scenario: o.scenario ?? "board-run", seed: o.seed, load: o.load, traffic: SYNTHETIC_TRAFFIC, windowStartPs: warmup }, o);
  if (o.timelineBucketPs) {
    // sample each server's delivered inbound frames at every bucket edge of the window
    const bucket = o.timelineBucketPs, series: number[][] = servers.map(() => []), last = servers.map(() => 0);
    const tick = sim.event("timeline", () => {
      wl.perServer.forEach((n, i) => {
        series[i]!.push(n - last[i]!);
        last[i] = n;
      });
      if (sim.now + bucket <= end) sim.scheduleIn(tick, bucket);
    }, Priority.Stats);
    sim.schedule(tick, warmup + bucket);
    ctx.report["timeline"] = { bucketUs: bucket / 1e6, inboundFramesPerServer: Object.fromEntries(servers.map((s, i) => [s.name, series[i]])) };
  }
  // data frames inside the switch (and hosts' queues) at evenly spaced instants of the window: its trend shows a growing queue
  const dataInFlight = () => pool.countLive((f) => f === 0 || f === 1);
  const nSamples = o.backlogSamples ?? BACKLOG_SAMPLES;
  const backlog = new Float64Array(nSamples), backlogAt = new Float64Array(nSamples);
  let samples = 0;
  const sample = sim.event("backlog", () => {
    backlogAt[samples] = (sim.now - warmup) / 1e9; // ms into the window
    backlog[samples++] = dataInFlight();
    if (samples < nSamples) sim.schedule(sample, warmup + Math.round((o.durationPs * (samples + 1)) / nSamples));
  }, Priority.Stats);
  sim.schedule(sample, warmup + Math.round(o.durationPs / nSamples));
  const series = o.seriesIntervalPs ? boardSeries({ sim, board, workload: wl, fw: natFw ? undefined : fw, dropped: droppedNow, dataInFlight }, o.seriesIntervalPs, warmup, end) : undefined;
  let seriesAtStart = 0;
  // the warm-up's end: its summary, then every statistic restarts (counts kept in totals where a window needs them)
  let warm: Record<string, unknown> | undefined;
  // the functional warming's frames were allocated and freed before the run: not the run's
  let allocatedAtStart = pool.allocated, dataInFlightAtStart = 0, framesInFlightAtStart = 0, eventsAtStart = 0;
  // The warm-up's end is a boundary between two runs: every event of that instant has run, deferred
  // completions have settled, and the event count is exact (the run loop adds its count as it returns).
  if (warmup > 0) {
    sim.run(warmup);
    warm = warmupSummary(readout(sim.now, 0, 0), warmup);
    allocatedAtStart = pool.allocated;
    dataInFlightAtStart = dataInFlight();
    framesInFlightAtStart = pool.inUse;
    eventsAtStart = sim.eventsProcessed;
    sim.resetStats();
    series?.restart();
    seriesAtStart = series?.samples ?? 0;
  }
  // run the window in 50 slices to report progress; slicing does not change what happens (run(until) is resumable)
  for (let k = 1; k <= 50; k++) {
    sim.run(k === 50 ? end : warmup + Math.floor((o.durationPs * k) / 50));
    progressSink(`${o.scenario ?? "board-run"} ${spec.name}`, k / 50);
  }
  o.finish?.(ctx);
  traces.close(sim.now);

  /**
   * Every frame is counted once, where it ends: the switch's drops by place and cause (the
   * firmware's causes counted by the CPU board as it frees the frame), frames the switch consumed,
   * hosts' drops, and deliveries counted by the receiving hosts; `test/scenarios/boards.test.ts`
   * checks that they add up with what is still in flight.
   */
  function droppedNow(): Record<string, number> {
    const dropped: Record<string, number> = { ...board.drops() };
    const consumed = board.cpus.reduce((s, b) => s + b.counts.consumed, 0);
    if (consumed) dropped["switch.consumed"] = consumed; // frames addressed to the switch itself (ARP, probe answers)
    for (const [k, v] of Object.entries(wl.hostDrops)) if (v) dropped[`host.${k}`] = v;
    return dropped;
  }

  /** What the run's statistics say now, over the phase that began at `from`. */
  function readout(now: number, allocatedBase: number, from: number) {
    const secs = (now - from) / SEC;
    const cpu = board.readCpu(now);
    const res = board.resources(now);
    const dropped = droppedNow();
    const h = wl.hostDrops;
    const delivered = wl.received - h.misdelivered - h.serverFailed - h.routerFailed; // kept by the receiving host
    return { secs, cpu, res, dropped, delivered, injected: pool.allocated - allocatedBase + h.poolExhausted };
  }

  const now = sim.now;
  const r = readout(now, allocatedAtStart, warmup);
  const secs = r.secs, cpu = r.cpu;
  const lat = (d: number) => {
    const x = wl.latency[d]!.read();
    return { p50: x.p50, p99: x.p99, max: x.max, cdf: wl.latency[d]!.cdf() };
  };
  const outSwitched = wl.delivered[1]!; // outbound data frames the switch delivered
  const dataInjected = wl.injected[0]! + wl.injected[1]!, dataDelivered = wl.delivered[0]! + wl.delivered[1]!, dataLeft = dataInFlight();
  // frames are conserved over the window: injected + inFlightAtStart = delivered + dropped + inFlight
  const dataDropped = dataInjected + dataInFlightAtStart - dataDelivered - dataLeft;
  const fit = olsSlope(backlogAt.subarray(0, samples), backlog.subarray(0, samples));
  return {
    scenario: o.scenario ?? "board-run",
    load: o.load,
    board: spec.name,
    // the CPU model, when it is not the default trace model (docs/hardware.md "The board running the C path")
    ...(isa ? { cpuModel: "isa" } : {}),
    // the timing model, when it is not the default cycle-level one (docs/performance.md "Transaction-level mode (tlm)")
    ...(spec.timing === "tlm" ? { timing: "tlm" } : {}),
    seed: o.seed,
    simulatedSeconds: secs,
    warmupSeconds: warmup / SEC,
    wallSeconds: (performance.now() - wall0) / 1000,
    offered: { inboundMbps: (wl.offeredBytes[0]! * 8) / secs / 1e6, outboundMbps: (wl.offeredBytes[1]! * 8) / secs / 1e6 },
    delivered: {
      inboundMbps: (wl.deliveredBytes[0]! * 8) / secs / 1e6, outboundMbps: (wl.deliveredBytes[1]! * 8) / secs / 1e6,
      inboundFps: wl.delivered[0]! / secs, outboundFps: wl.delivered[1]! / secs,
    },
    // injected: every frame allocated in the window, and the hosts' frames that found no buffer (host.poolExhausted)
    frames: { injected: r.injected, delivered: r.delivered, inFlight: pool.inUse, inFlightAtStart: framesInFlightAtStart, dropped: r.dropped },
    cpu: {
      clockMHz: cpu.clockMHz,
      utilization: cpu.utilization,
      // CPU jobs per data frame the switch forwarded in each direction (translated frames cost none)
      interventionsPerInboundFrame: natFw ? (natFw.counts.inbound ? 1 : 0) : fw.counts.inbound ? fw.counts.cpuInbound / fw.counts.inbound : 0,
      interventionsPerOutboundFrame: natFw ? (outSwitched ? natFw.counts.outbound / outSwitched : 0) : outSwitched ? fw.counts.cpuOutbound / outSwitched : 0,
      cyclesPerIntervention: cpu.cyclesPerJob,
      // per firmware path (established, newFlow, arp, probeAnswer, redirect, other) and control-plane jobs: jobs, cycles and instructions each
      paths: cpu.paths,
      // 5F: each management card's utilisation and jobs (the figures above are over both)
      ...("perCpu" in cpu ? { perCpu: cpu.perCpu } : {}),
      // Fig 5D: the CPU's line fills and write-backs through the buffer memory arbiter (its packet buffers are in the shared buffer)
      ...(board.fabric instanceof BufferMemoryArbiter ? { sharedBufferAccesses: board.fabric.cpuAccesses } : {}),
      // isa mode: the C path's decisions (frames, mismatches with the TypeScript, per path its instructions and pipeline cycles)
      ...(isa ? { isa: isa.read() } : {}),
    },
    resources: r.res.resources,
    bottleneck: r.res.bottleneck,
    latencyUs: { inbound: lat(0), outbound: lat(1) },
    routers: { framesDelivered: wl.perRouter },
    data: { injected: dataInjected, delivered: dataDelivered, inFlight: dataLeft, inFlightAtStart: dataInFlightAtStart, dropped: dataDropped, lossRatio: dataInjected ? dataDropped / dataInjected : 0 },
    // data frames inside at BACKLOG_SAMPLES instants of the window: their mean and least-squares trend (frames gained over the window)
    backlog: { samples, mean: samples ? backlog.subarray(0, samples).reduce((a, b) => a + b, 0) / samples : 0, slopePerMs: fit.slope, growth: fit.slope * (o.durationPs / 1e9), series: Array.from(backlog.subarray(0, samples)) },
    flows: { open: flows, packetsPerFlow, newFlowsPerSecond: wl.flowsOpened / secs, newFlowShare: wl.injected[0] ? wl.flowsOpened / wl.injected[0] : 0 },
    // the model's events: the series sampler's are not (a run with --series counts the same)
    events: sim.eventsProcessed - eventsAtStart - ((series?.samples ?? 0) - seriesAtStart),
    // servers and routers that health monitoring declared down or up in the window (probes unanswered within the timeout)
    ...(natFw ? { nat: natFw.read().counts } : { health: { ...fw.healthChanges, intervalMs: (o.healthIntervalPs ?? HEALTH_DEFAULTS.intervalPs) / 1e9, timeoutMs: (o.healthTimeoutPs ?? HEALTH_DEFAULTS.timeoutPs) / 1e9, events: fw.healthLog.map((e) => ({ atMs: (e.atPs - warmup) / 1e9, name: e.name, change: e.change, cause: e.cause })), probes: fw.probeTotals() }, ...flowTableRecord(fw) }),
    // 5E, 5F: the translators' flow tables (look-ups, hits, the CPU's installs, evictions)
    ...(board.readTranslatorTables() ? { translatorTables: board.readTranslatorTables() } : {}),
    ...(warm ? { warmup: warm } : {}),
    ...(series ? { series: seriesRecord(series, o.seriesIntervalPs!, warmup) } : {}),
    ...ctx.report,
  };

  /** The warm-up phase in brief: what it carried and any health change in it. */
  function warmupSummary(x: ReturnType<typeof readout>, from: number): Record<string, unknown> {
    return {
      seconds: from / SEC,
      delivered: { inboundMbps: (wl.deliveredBytes[0]! * 8) / x.secs / 1e6, outboundMbps: (wl.deliveredBytes[1]! * 8) / x.secs / 1e6 },
      cpu: { utilization: x.cpu.utilization, cyclesPerIntervention: x.cpu.cyclesPerJob },
      newFlowShare: wl.injected[0] ? wl.flowsOpened / wl.injected[0] : 0,
      frames: { injected: x.injected, delivered: x.delivered, dropped: x.dropped },
      ...(natFw ? {} : { health: { ...fw.healthChanges, events: fw.healthLog.map((e) => ({ atMs: (e.atPs - from) / 1e9, name: e.name, change: e.change, cause: e.cause })), probes: fw.probeTotals() } }),
    };
  }
}

/** The firmware's flow table in a run record: occupancy and churn, and a note when it was full (docs/results-format.md). */
export function flowTableRecord(fw: FlowSwitch): { flowTable: ReturnType<FlowSwitch["read"]>["flows"]; notes?: string[] } {
  const r = fw.read();
  return { flowTable: r.flows, ...(r.notes ? { notes: r.notes } : {}) };
}
