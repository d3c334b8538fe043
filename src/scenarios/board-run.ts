/**
 * Runs one board under the standard setting: four routers and four servers on its eight ports,
 * the flow switch firmware with one cluster and one router pool, and the Fig 2 workload. Returns
 * the run record of docs/results-format.md: throughput per direction, CPU interventions and
 * cycles, utilisation of every resource and the bottleneck, latency, and frame accounting
 * (every frame allocated is delivered, dropped with a cause, or still inside).
 */
import { Board } from "../hw/boards/board.ts";
import type { BoardSpec } from "../hw/boards/schema.ts";
import { FlowSwitch } from "../firmware/flow-switch.ts";
import { NatBalancer } from "../firmware/nat.ts";
import { FramePool } from "../net/frame-pool.ts";
import { ipv4 } from "../net/ipv4-addr.ts";
import { mac } from "../net/mac.ts";
import { Simulator } from "../sim/simulator.ts";
import { SEC } from "../sim/time.ts";
import { Workload } from "../traffic/workload.ts";
import { Priority } from "../sim/priority.ts";
import { attachTraces, SYNTHETIC_TRAFFIC, type TraceSettings } from "./traces.ts";
import type { RunRecord } from "./registry.ts";

/** What every run's script sees: the running simulation, to schedule failures and read state. */
export interface RunContext {
  sim: Simulator;
  board: Board;
  fw: FlowSwitch;
  /** Runs `fn` at simulated time `t` (ps). */
  at(t: number, fn: () => void): void;
  /** Scenario-specific results, merged into the run record. */
  report: Record<string, unknown>;
}

/** A script's `at`: `fn` runs at `t` before anything else at that instant (Priority.State). */
export function scriptAt(sim: Simulator): RunContext["at"] {
  return (t, fn) => sim.schedule(sim.event("script", fn, Priority.State), t);
}

/** A board run's script context: the run's context and its workload. */
export interface ScriptContext extends RunContext {
  workload: Workload;
}

/** Where board runs report their progress (the CLI's progress bar); silent by default. */
let progressSink: (label: string, fraction: number) => void = () => {};
export function setProgressSink(fn: (label: string, fraction: number) => void): void {
  progressSink = fn;
}

export interface BoardRunOptions {
  /** A scenario script: schedules events (failures, restores) and fills `report`. */
  script?: (ctx: ScriptContext) => void;
  /** Called at the end of the run, before the record is built. */
  finish?: (ctx: ScriptContext) => void;
  /** Cluster mode and policy for the default cluster. */
  mode?: "balance" | "availability";
  policy?: "optimal-workload" | "round-robin" | "weighted-round-robin" | "least-connections" | "weighted-least-connections" | "consistent-hash";
  /** Health-check interval and timeout, ps (defaults 1 ms and 0.5 ms). */
  healthIntervalPs?: number;
  healthTimeoutPs?: number;
  /** Protocol shares of the flows, in twentieths. */
  mix?: { tcp: number; udp: number; esp: number; ipip: number };
  checkAffinity?: boolean;
  /** Traces (src/scenarios/traces.ts): captures of every port both ways into DIR/<board>.pcapng, the fabric's signals into a VCD file, and how. */
  pcapDir?: string;
  vcdPath?: string;
  trace?: TraceSettings;
  /** Record inbound frames delivered per server in time buckets of this many ps (a failover timeline). */
  timelineBucketPs?: number;
  /** Clusters (virtual IPs) the servers are split among, round robin (default 1). */
  clusters?: number;
  /** Client flow population (default 2000). */
  flows?: number;
  /** "flow-switch" (default) or the prior-art "nat" balancer of Fig 1 (servers get private IPs). */
  firmware?: "flow-switch" | "nat";
  /** Health probe kind for the cluster's servers (routers are always probed by ARP). */
  healthKind?: "arp" | "icmp" | "tcp" | "load";
  seed: number;
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

/** What the standard setting needs of a run's options. */
export type SettingOptions = Pick<BoardRunOptions, "seed" | "mode" | "policy" | "healthKind" | "healthIntervalPs" | "healthTimeoutPs" | "clusters" | "firmware">;

/**
 * The standard setting of every board run: four routers and four servers on the board's ports (half and half on larger boards)
 * (routers on the circuit cards of 5F), one router pool, the servers split round robin among
 * `clusters` virtual IPs, and the flow switch firmware (or the prior-art NAT balancer) installed.
 */
export function buildSetting(spec: BoardSpec, o: SettingOptions) {
  const sim = new Simulator({ seed: o.seed });
  const pool = new FramePool({ slots: 16_384 });
  const board = new Board(sim, pool, spec);
  // routers on the circuit cards (5F) or the first four ports; servers on the rest
  const ports = Array.from({ length: board.portCount }, (_, p) => p);
  // (a board with more ports, e.g. a 5D variant with eight controllers, gets routers on the first half and servers on the second)
  const half = Math.max(4, Math.floor(board.portCount / 2));
  const routerPorts = board.asics.length > 0 ? ports.filter((p) => board.isCircuitPort(p)) : ports.slice(0, half);
  const serverPorts = ports.filter((p) => !routerPorts.includes(p)).slice(0, half);
  // router IPs 192.0.2.1-8, then from .101 (clear of the virtual IPs at .10 on)
  const routers = routerPorts.slice(0, half).map((port, i) => ({ name: `r${i}`, port, mac: 0x0200_0000_0100 + i, ip: ipv4("192.0.2.1") + (i < 8 ? i : 100 + i - 8) }));
  const nat = o.firmware === "nat";
  const nClusters = nat ? 1 : Math.max(1, Math.min(o.clusters ?? 1, serverPorts.length));
  const vips = Array.from({ length: nClusters }, (_, k) => VIP + k);
  const servers = serverPorts.map((port, i) => ({ name: `s${i}`, port, mac: 0x0200_0000_0200 + i, ip: nat ? ipv4("10.0.0.1") + i : vips[i % nClusters]!, gatewayIp: routers[0]!.ip }));
  const fw = new FlowSwitch({
    clusters: vips.map((vip, k) => ({
      name: k === 0 ? "web" : `cluster${k}`, vip, vmac: VMAC + k, mode: o.mode ?? "balance", policy: o.policy ?? "consistent-hash",
      servers: servers.filter((_, i) => i % nClusters === k).map((s) => ({ name: s.name, mac: s.mac, port: s.port, weight: 1 })),
      health: { kind: o.healthKind ?? "arp", intervalPs: o.healthIntervalPs ?? 1_000_000_000, timeoutPs: o.healthTimeoutPs ?? 500_000_000 },
    })),
    routerPools: [{ name: "gateways", routers: routers.map((r) => ({ name: r.name, ip: r.ip, mac: r.mac, port: r.port })), health: { intervalPs: o.healthIntervalPs ?? 1_000_000_000, timeoutPs: o.healthTimeoutPs ?? 500_000_000 } }],
  });
  const natFw = nat ? new NatBalancer({ vip: VIP, mac: VMAC, servers: servers.map((s) => ({ name: s.name, ip: s.ip, mac: s.mac, port: s.port })), routers: routers.map((r) => ({ name: r.name, ip: r.ip, mac: r.mac, port: r.port })) }) : undefined;
  if (natFw) board.install(natFw);
  else board.install(fw);
  return { sim, pool, board, routers, servers, vips, fw, natFw, nat };
}

export function runBoard(spec: BoardSpec, o: BoardRunOptions): RunRecord & Record<string, unknown> {
  const wall0 = performance.now();
  const { sim, pool, board, routers, servers, vips, fw, natFw } = buildSetting(spec, o);
  const wl = new Workload(sim, pool, board, {
    vip: VIP, vips, routers, servers, load: o.load, flows: o.flows ?? 2000, stopPs: o.durationPs, ...(o.mix ? { mix: o.mix } : {}), ...(o.checkAffinity ? { checkAffinity: true } : {}),
    inboundBpsPerRouter: o.inboundBpsPerRouter ?? DEFAULT_INBOUND_BPS, outboundBpsPerServer: o.outboundBpsPerServer ?? DEFAULT_OUTBOUND_BPS,
  });
  const ctx: ScriptContext = {
    sim, board, fw, workload: wl, report: {},
    at: scriptAt(sim),
  };
  o.script?.(ctx);
  const traces = attachTraces(sim, pool, board, { routers, servers }, { scenario: o.scenario ?? "board-run", seed: o.seed, load: o.load, traffic: SYNTHETIC_TRAFFIC }, o);
  if (o.timelineBucketPs) {
    // sample each server's delivered inbound frames at every bucket edge
    const bucket = o.timelineBucketPs, series: number[][] = servers.map(() => []), last = servers.map(() => 0);
    const tick = sim.event("timeline", () => {
      wl.perServer.forEach((n, i) => {
        series[i]!.push(n - last[i]!);
        last[i] = n;
      });
      if (sim.now + bucket <= o.durationPs) sim.scheduleIn(tick, bucket);
    }, Priority.Stats);
    sim.schedule(tick, bucket);
    ctx.report["timeline"] = { bucketUs: bucket / 1e6, inboundFramesPerServer: Object.fromEntries(servers.map((s, i) => [s.name, series[i]])) };
  }
  // run in 50 slices to report progress; slicing does not change what happens (run(until) is resumable)
  for (let k = 1; k <= 50; k++) {
    sim.run(k === 50 ? o.durationPs : Math.floor((o.durationPs * k) / 50));
    progressSink(`${o.scenario ?? "board-run"} ${spec.name}`, k / 50);
  }
  o.finish?.(ctx);
  traces.close(sim.now);
  const now = sim.now, secs = now / SEC;
  const cpu = board.cpus[0]!.read(now).cpu;
  const res = board.resources(now);
  // Every frame is counted once, where it ends: the switch's drops by place and cause (the
  // firmware's causes counted by the CPU board as it frees the frame), frames the switch consumed,
  // hosts' drops, and deliveries counted by the receiving hosts; `test/scenarios/boards.test.ts`
  // checks that they add up with what is still in flight.
  const dropped: Record<string, number> = { ...board.drops() };
  const consumed = board.cpus.reduce((s, b) => s + b.counts.consumed, 0);
  if (consumed) dropped["switch.consumed"] = consumed; // frames addressed to the switch itself (ARP, probe answers)
  for (const [k, v] of Object.entries(wl.hostDrops)) if (v) dropped[`host.${k}`] = v;
  const h = wl.hostDrops;
  const delivered = wl.received - h.misdelivered - h.serverFailed - h.routerFailed; // kept by the receiving host
  const lat = (d: number) => {
    const r = wl.latency[d]!.read();
    return { p50: r.p50, p99: r.p99, max: r.max, cdf: wl.latency[d]!.cdf() };
  };
  const outSwitched = wl.delivered[1]!; // outbound data frames the switch delivered
  return {
    scenario: o.scenario ?? "board-run",
    load: o.load,
    board: spec.name,
    seed: o.seed,
    simulatedSeconds: secs,
    wallSeconds: (performance.now() - wall0) / 1000,
    offered: { inboundMbps: (wl.offeredBytes[0]! * 8) / secs / 1e6, outboundMbps: (wl.offeredBytes[1]! * 8) / secs / 1e6 },
    delivered: {
      inboundMbps: (wl.deliveredBytes[0]! * 8) / secs / 1e6, outboundMbps: (wl.deliveredBytes[1]! * 8) / secs / 1e6,
      inboundFps: wl.delivered[0]! / secs, outboundFps: wl.delivered[1]! / secs,
    },
    // injected: every frame allocated, and the hosts' frames that found no buffer (host.poolExhausted)
    frames: { injected: pool.allocated + h.poolExhausted, delivered, inFlight: pool.inUse, dropped },
    cpu: {
      clockMHz: cpu.clockMHz,
      utilization: cpu.utilization,
      // CPU jobs per data frame the switch forwarded in each direction (translated frames cost none)
      interventionsPerInboundFrame: natFw ? (natFw.counts.inbound ? 1 : 0) : fw.counts.inbound ? fw.counts.cpuInbound / fw.counts.inbound : 0,
      interventionsPerOutboundFrame: natFw ? (outSwitched ? natFw.counts.outbound / outSwitched : 0) : outSwitched ? fw.counts.cpuOutbound / outSwitched : 0,
      cyclesPerIntervention: cpu.cyclesPerJob,
    },
    resources: res.resources,
    bottleneck: res.bottleneck,
    latencyUs: { inbound: lat(0), outbound: lat(1) },
    routers: { framesDelivered: wl.perRouter },
    data: {
      injected: wl.injected[0]! + wl.injected[1]!,
      delivered: wl.delivered[0]! + wl.delivered[1]!,
      inFlight: pool.countLive((f) => f === 0 || f === 1),
    },
    events: sim.eventsProcessed,
    // servers and routers health monitoring declared down or up during the run (probes unanswered within the timeout)
    ...(natFw ? { nat: natFw.read().counts } : { health: { ...fw.healthChanges }, ...flowTableRecord(fw) }),
    ...ctx.report,
  };
}

/** The firmware's flow table in a run record: occupancy and churn, and a note when it was full (docs/results-format.md). */
export function flowTableRecord(fw: FlowSwitch): { flowTable: ReturnType<FlowSwitch["read"]>["flows"]; notes?: string[] } {
  const r = fw.read();
  return { flowTable: r.flows, ...(r.notes ? { notes: r.notes } : {}) };
}
