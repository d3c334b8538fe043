/**
 * Runs one board with the hosts of Fig 2 (src/hosts): routers with clients behind them, servers
 * with a service model, request/response flows of several kinds (or a pcap replay), in the
 * standard setting of board-run.ts. The record has the board's figures (throughput, CPU,
 * utilisation, bottleneck) and the hosts' (flows by kind and outcome, completion times, one-way
 * latency, drops by place, per-server and per-router counts), and the frame accounting over all
 * hosts: injected = received + consumed by the switch + dropped + in flight, exactly.
 */
import { writeFileAtomic } from "../sim/output-file.ts";
import type { BoardSpec } from "../hw/boards/schema.ts";
import { HostsInputError, parseHostsConfig, type HostsConfig, type HostsInput } from "../hosts/config.ts";
import { HostNetwork } from "../hosts/network.ts";
import { ipv4 } from "../net/ipv4-addr.ts";
import { SEC } from "../sim/time.ts";
import { buildSetting, flowTableRecord, scriptAt, type RunContext, type SettingOptions } from "./board-run.ts";
import type { RunRecord } from "./registry.ts";
import { attachTraces, HOSTS_TRAFFIC, type TraceTargets } from "./traces.ts";

/** A hosts run's script context: the run's context and the host network. */
export interface HostsScriptContext extends RunContext {
  hosts: HostNetwork;
}

export interface HostsRunOptions extends SettingOptions, TraceTargets {
  durationPs: number;
  /** Time after the traffic stops for flows in progress to finish, ps (default 0). */
  drainPs?: number;
  /** The hosts configuration (defaults for everything left out), or an already validated one. */
  hosts?: HostsInput | HostsConfig;
  script?: (ctx: HostsScriptContext) => void;
  finish?: (ctx: HostsScriptContext) => void;
  /** Write one line per flow here (CSV). */
  flowsCsv?: string;
  scenario?: string;
  load?: number;
}

export function runHosts(spec: BoardSpec, o: HostsRunOptions): RunRecord & Record<string, unknown> {
  const wall0 = performance.now();
  const parsed = parseHostsConfig(o.hosts ?? {});
  if (!parsed.ok) throw new HostsInputError(parsed.error);
  const cfg = o.flowsCsv ? { ...parsed.value, keepFlowRecords: true } : parsed.value;
  // health checks every 10 ms with a 5 ms timeout unless given: in-band probes wait behind a
  // server's response bursts (64 full frames queued at 100 Mb/s are 7.9 ms)
  const { sim, pool, board, routers, servers, vips, fw, natFw, isa } = buildSetting(spec, { ...o, healthIntervalPs: o.healthIntervalPs ?? 10e9, healthTimeoutPs: o.healthTimeoutPs ?? 5e9 });
  const switchIp = fw.config.switchIp;
  const drain = o.drainPs ?? 0;
  const hosts = new HostNetwork(sim, pool, board, cfg, { vips, subnet: ipv4("192.0.2.0"), prefix: 24, switchIp, routers, servers }, o.durationPs, o.load ?? 1);
  const ctx: HostsScriptContext = { sim, board, fw, hosts, report: {}, at: scriptAt(sim), windowStartPs: 0 };
  o.script?.(ctx);
  const traces = attachTraces(sim, pool, board, { routers, servers }, { scenario: o.scenario ?? "hosts", seed: o.seed, load: o.load ?? 1, traffic: HOSTS_TRAFFIC }, o);
  const end = o.durationPs + drain;
  sim.run(end);
  o.finish?.(ctx);
  traces.close(sim.now);
  if (o.flowsCsv) writeFileAtomic(o.flowsCsv, hosts.log.csv());
  const now = sim.now, secs = now / SEC;
  const cpu = board.readCpu(now);
  const res = board.resources(now);
  const h = hosts.read(now);
  const dropped: Record<string, number> = { ...board.drops(), ...h.drops };
  const consumed = board.cpus.reduce((s, b) => s + b.counts.consumed, 0);
  const droppedTotal = Object.values(dropped).reduce((s, n) => s + n, 0);
  const received = hosts.received;
  return {
    scenario: o.scenario ?? "hosts",
    load: o.load ?? 1,
    board: spec.name,
    ...(isa ? { cpuModel: "isa" } : {}),
    ...(spec.timing === "tlm" ? { timing: "tlm" } : {}),
    seed: o.seed,
    simulatedSeconds: secs,
    wallSeconds: (performance.now() - wall0) / 1000,
    offered: { inboundMbps: h.offered.inboundMbps, outboundMbps: h.offered.outboundMbps },
    delivered: h.delivered,
    frames: {
      injected: pool.allocated, received, consumedBySwitch: consumed, dropped, droppedTotal, inFlight: pool.inUse,
      balanced: pool.allocated === received + consumed + droppedTotal + pool.inUse,
    },
    cpu: { clockMHz: cpu.clockMHz, utilization: cpu.utilization, cyclesPerIntervention: cpu.cyclesPerJob, interventionsPerInboundFrame: natFw ? 1 : fw.counts.inbound ? fw.counts.cpuInbound / fw.counts.inbound : 0, ...(isa ? { isa: isa.read() } : {}) },
    resources: res.resources,
    bottleneck: res.bottleneck,
    // one-way frame latency each way, in the board records' shape (for --report's latency chart)
    latencyUs: {
      inbound: { p50: h.latencyUs.inbound.p50, p99: h.latencyUs.inbound.p99, max: h.latencyUs.inbound.max, cdf: hosts.latencyIn.cdf() },
      outbound: { p50: h.latencyUs.outbound.p50, p99: h.latencyUs.outbound.p99, max: h.latencyUs.outbound.max, cdf: hosts.clients.latencyOut.cdf() },
    },
    hosts: h,
    ...(natFw ? {} : flowTableRecord(fw)),
    events: sim.eventsProcessed,
    ...ctx.report,
  };
}
