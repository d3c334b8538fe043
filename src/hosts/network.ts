/**
 * HostNetwork: the hosts of Fig 2 around a board: routers (each on a switch port, with an access
 * network to the clients), a client population behind them, and the servers of the clusters; the
 * traffic that drives them (open-loop flow arrivals at a rate, closed-loop clients with think
 * times, or a pcap replay); and the accounting: per flow and per direction frames, bytes and
 * completion times, one-way latency per direction, drops by place and cause, and conservation.
 */
import type { Board } from "../hw/boards/board.ts";
import type { FramePool } from "../net/frame-pool.ts";
import type { SimEvent } from "../sim/event.ts";
import { Priority } from "../sim/priority.ts";
import type { RandomStream } from "../sim/random.ts";
import type { Simulator } from "../sim/simulator.ts";
import { SEC } from "../sim/time.ts";
import { LatencyHistogram } from "../sim/stats/latency-histogram.ts";
import { ClientPopulation, CLIENT_NET } from "./clients.ts";
import { HostsInputError, type HostsConfig } from "./config.ts";
import { DropLedger } from "./drop-ledger.ts";
import { FlowLog } from "./flow-log.ts";
import { FlowKind, KIND_COUNT, KIND_NAMES, planFixed, planRequest, planResponse, requestBytes } from "./kinds.ts";
import { PcapReplay } from "./replay.ts";
import { RouterHost } from "./router.ts";
import { ServerHost, type FailureMode } from "./server.ts";
import { SizeDistribution, sizeDistribution } from "./sizes.ts";

export interface HostAddresses {
  vips: number[];
  /** The switch-side subnet (routers, virtual IPs) and prefix length. */
  subnet: number;
  prefix: number;
  switchIp: number;
  routers: { name: string; port: number; mac: number; ip: number }[];
  servers: { name: string; port: number; mac: number; ip: number; gatewayIp: number }[];
}

/** Mean frames and wire bytes per flow in each direction, over the mix and the size distributions. */
export interface FlowExpectation {
  inFrames: number;
  inBytes: number;
  outFrames: number;
  outBytes: number;
}

export function expectedPerFlow(mix: number[], request: SizeDistribution, response: SizeDistribution): FlowExpectation {
  const total = mix.reduce((s, x) => s + x, 0);
  const e = { inFrames: 0, inBytes: 0, outFrames: 0, outBytes: 0 };
  for (let k = 0; k < KIND_COUNT; k++) {
    const w = mix[k]! / total;
    if (w === 0) continue;
    const kind = k as FlowKind;
    const f = planFixed(kind);
    for (const key of ["inFrames", "inBytes", "outFrames", "outBytes"] as const) {
      e[key] += w * (f[key] + request.expect((q) => planRequest(kind, requestBytes(kind, q))[key]) + response.expect((r) => planResponse(kind, r)[key]));
    }
  }
  return e;
}

export class HostNetwork {
  readonly ledger = new DropLedger();
  readonly log: FlowLog;
  readonly clients: ClientPopulation;
  readonly routers: RouterHost[];
  readonly servers: ServerHost[];
  readonly request: SizeDistribution;
  readonly response: SizeDistribution;
  readonly expectation: FlowExpectation;
  /** Flow arrivals per second of the open loop (0 otherwise). */
  readonly flowRate: number;
  readonly replay: PcapReplay | undefined;
  private readonly mix: Float64Array;
  private readonly mixTotal: number;
  private readonly rngKind: RandomStream;
  private readonly rngClient: RandomStream;
  private readonly rngReq: RandomStream;
  private readonly rngResp: RandomStream;
  private readonly rngGap: RandomStream;
  private readonly arrival: SimEvent;
  private nextAt = 0;
  private readonly think: SimEvent[] = [];
  /** Flow arrivals (open loop) and starts (all). */
  arrivals = 0;
  /** One-way latency of client-to-server frames, all servers. */
  readonly latencyIn = new LatencyHistogram();

  /**
   * @param rateScale multiplies the open-loop rate (the CLI's --load)
   */
  constructor(private readonly sim: Simulator, pool: FramePool, board: Board, readonly cfg: HostsConfig, readonly addr: HostAddresses, readonly stopPs: number, rateScale = 1) {
    const us = 1e6;
    const req = sizeDistribution(cfg.request, "request"), resp = sizeDistribution(cfg.response, "response");
    if (!req.ok) throw new HostsInputError(req.error);
    if (!resp.ok) throw new HostsInputError(resp.error);
    this.request = req.value;
    this.response = resp.value;
    this.mix = Float64Array.from(KIND_NAMES.map((k) => cfg.mix[k]));
    this.mixTotal = this.mix.reduce((s, x) => s + x, 0);
    this.expectation = expectedPerFlow([...this.mix], this.request, this.response);
    this.log = new FlowLog(cfg.keepFlowRecords);
    const transport = { windowBytes: cfg.transport.windowBytes, rtoPs: Math.round(cfg.transport.rtoUs * us), maxRetries: cfg.transport.maxRetries };
    const arp = { refreshPs: Math.round(cfg.arp.refreshUs * us), timeoutPs: Math.round(cfg.arp.timeoutUs * us), retryPs: Math.round(cfg.arp.retryUs * us) };
    const nR = addr.routers.length;
    this.clients = new ClientPopulation(sim, pool, this.ledger, this.log, {
      ...transport, routers: nR, clientsPerRouter: cfg.clientsPerRouter, maxFlows: cfg.maxFlows,
      datagramTimeoutPs: Math.round(cfg.transport.datagramTimeoutUs * us), responseTimeoutPs: Math.round(cfg.transport.responseTimeoutUs * us),
    }, { routerMac: (r) => addr.routers[r]!.mac, toRouter: (r, h) => this.routers[r]!.accessIn.send(h) });
    const perRouter = cfg.clientsPerRouter;
    const clientIndex = (ip: number): number => {
      const off = (ip - CLIENT_NET) >>> 0, r = off >>> 8, c = (off & 255) - 1;
      return r < nR && c >= 0 && c < perRouter ? r * perRouter + c : -1;
    };
    const access = { rateMbps: cfg.access.rateMbps, propagationPs: Math.round(cfg.access.delayUs * us), txQueueFrames: cfg.access.queueFrames };
    this.routers = addr.routers.map((r, i) => new RouterHost(sim, pool, this.ledger, { name: r.name, index: i, mac: r.mac, ip: r.ip, subnet: addr.subnet, prefix: addr.prefix, arp, access, clientIndex }, board.portIn(r.port), board.portOut(r.port), (h) => this.clients.receive(h)));
    const serviceTime = KIND_NAMES.map((k) => cfg.server.serviceUs[k]);
    this.servers = addr.servers.map((s, i) => new ServerHost(sim, pool, this.ledger, {
      ...transport, name: s.name, index: i, mac: s.mac, ip: s.ip, gatewayIp: s.gatewayIp, onLink: [addr.switchIp],
      service: { workers: cfg.server.workers, backlog: cfg.server.backlog, serviceTime }, arp, latencyIn: this.latencyIn, maxConnections: cfg.server.maxConnections, defaultResponseBytes: cfg.server.defaultResponseBytes,
    }, board.portIn(s.port), board.portOut(s.port)));
    for (const h of [...addr.routers, ...addr.servers]) board.portIn(h.port).setQueueFrames(cfg.hostTxQueueFrames);
    this.rngKind = sim.streams.stream("hosts.kind");
    this.rngClient = sim.streams.stream("hosts.client");
    this.rngReq = sim.streams.stream("hosts.request");
    this.rngResp = sim.streams.stream("hosts.response");
    this.rngGap = sim.streams.stream("hosts.arrivals");
    this.arrival = sim.event("hosts.arrival", () => this.arrive(), Priority.Default);
    const a = cfg.arrivals;
    const e = this.expectation;
    this.flowRate = a.kind !== "open" ? 0
      : ("flowsPerSec" in a.rate ? a.rate.flowsPerSec
      : "inboundMbps" in a.rate ? (a.rate.inboundMbps * 1e6) / 8 / e.inBytes
      : "outboundMbps" in a.rate ? (a.rate.outboundMbps * 1e6) / 8 / e.outBytes
      : "inboundPps" in a.rate ? a.rate.inboundPps / e.inFrames
      : a.rate.outboundPps / e.outFrames) * rateScale;
    this.replay = cfg.replay ? new PcapReplay(sim, pool, cfg.replay, addr.vips, this.routers, addr.routers.map((r) => r.mac), this.ledger) : undefined;
    // boot: routers resolve the virtual IPs, servers their gateway; traffic starts at startUs
    sim.schedule(sim.event("hosts.boot", () => {
      this.routers.forEach((r) => r.start(addr.vips));
      this.servers.forEach((s) => s.start());
    }, Priority.Default), 1000);
    cfg.schedule.forEach((e, k) => {
      const n = e.host === "server" ? this.servers.length : this.routers.length;
      if (e.index >= n) throw new HostsInputError(`schedule[${k}].index: there are ${n} ${e.host}s (0 to ${n - 1}), got ${e.index}`);
      sim.schedule(sim.event(`hosts.schedule${k}`, () => {
        if (e.host === "server") e.action === "fail" ? this.failServer(e.index, e.mode) : this.recoverServer(e.index);
        else e.action === "fail" ? this.failRouter(e.index, e.mode) : this.recoverRouter(e.index);
      }, Priority.State), Math.round(e.atUs * us));
    });
    const start = Math.round(cfg.startUs * us);
    if (a.kind === "open") {
      this.nextAt = start;
      sim.schedule(this.arrival, start);
    } else if (a.kind === "closed") {
      const n = Math.min(a.clients, this.clients.count);
      const rng = sim.streams.stream("hosts.think");
      const thinkPs = a.thinkUs * us;
      const draw = () => Math.max(1, Math.round(a.think === "exponential" ? rng.exponential(thinkPs) : thinkPs));
      for (let i = 0; i < n; i++) {
        const ev = sim.event(`hosts.client${i}.think`, () => this.startFlow(i), Priority.Default);
        this.think.push(ev);
        sim.schedule(ev, start + draw());
      }
      this.clients.onFlowEnd = (i) => {
        if (i < n && sim.now < stopPs) sim.scheduleIn(this.think[i]!, draw());
      };
    }
  }

  private pickKind(): FlowKind {
    let x = this.rngKind.nextDouble() * this.mixTotal;
    for (let k = 0; k < KIND_COUNT; k++) {
      x -= this.mix[k]!;
      if (x < 0 && this.mix[k]! > 0) return k as FlowKind;
    }
    for (let k = KIND_COUNT - 1; ; k--) if (this.mix[k]! > 0) return k as FlowKind;
  }

  /** Client i starts a flow (kind, sizes and cluster drawn now). */
  private startFlow(i: number): void {
    if (this.sim.now >= this.stopPs) return;
    const kind = this.pickKind();
    const q = this.request.sample(this.rngReq), r = this.response.sample(this.rngResp);
    this.arrivals++;
    const vips = this.addr.vips;
    if (this.clients.start(i, kind, vips[i % vips.length]!, q, r) < 0) this.clients.onFlowEnd(i);
  }

  private arrive(): void {
    const now = this.sim.now;
    if (now >= this.stopPs) return;
    this.startFlow(this.rngClient.uniformInt(0, this.clients.count - 1));
    const a = this.cfg.arrivals;
    const meanPs = SEC / this.flowRate;
    this.nextAt += a.kind === "open" && a.process === "constant" ? meanPs : this.rngGap.exponential(meanPs);
    const at = Math.max(now + 1, Math.round(this.nextAt));
    if (at < this.stopPs) this.sim.schedule(this.arrival, at);
  }

  failServer(i: number, mode: FailureMode = "silent"): void {
    this.servers[i]!.fail(mode);
  }
  recoverServer(i: number): void {
    this.servers[i]!.recover();
  }
  failRouter(i: number, mode: FailureMode = "silent"): void {
    this.routers[i]!.fail(mode);
  }
  recoverRouter(i: number): void {
    this.routers[i]!.recover(this.addr.vips);
  }

  /** Frames received by hosts (consumed at their destination). */
  get received(): number {
    return this.clients.received + this.servers.reduce((s, x) => s + x.received, 0) + this.routers.reduce((s, r) => s + r.counts.received, 0);
  }

  /** Drops on the access networks, by cause. */
  accessDrops(): Record<string, number> {
    const d: Record<string, number> = {};
    for (const r of this.routers) {
      for (const ch of [r.accessIn, r.accessOut]) for (const [k, v] of Object.entries(ch.drops)) if (v) d[`link.access.${k}`] = (d[`link.access.${k}`] ?? 0) + v;
    }
    return d;
  }

  read(now: number) {
    const secs = now / SEC, stopSecs = Math.min(now, this.stopPs) / SEC;
    const e = this.expectation, a = this.cfg.arrivals;
    const sentIn = this.clients.bytesSent, sentOut = this.servers.reduce((s, x) => s + x.bytesSent, 0);
    return {
      arrivals: a.kind === "open" ? { kind: "open", process: a.process, flowsPerSec: this.flowRate, configured: a.rate } : a.kind === "closed" ? { kind: "closed", clients: a.clients, thinkUs: a.thinkUs } : { kind: "none" },
      expectedPerFlow: e,
      offered: {
        // what the clients and servers put on the wire (retransmissions included), over the traffic period
        inboundMbps: (sentIn * 8) / stopSecs / 1e6, outboundMbps: (sentOut * 8) / stopSecs / 1e6,
        inboundPps: this.clients.framesSent / stopSecs, outboundPps: this.servers.reduce((s, x) => s + x.framesSent, 0) / stopSecs,
        flowsPerSec: this.arrivals / stopSecs,
      },
      flows: { started: this.log.count, byKind: this.log.read(), noSlot: this.clients.noSlot, closeTimeouts: this.clients.closeTimeouts, open: this.clients.t.inUse },
      // what reached the servers and the clients, over the same traffic period as `offered`
      delivered: {
        inboundMbps: (this.servers.reduce((s, x) => s + x.bytesIn, 0) * 8) / stopSecs / 1e6, outboundMbps: (this.clients.bytesOut * 8) / stopSecs / 1e6,
      },
      latencyUs: { inbound: this.latencyIn.read(), outbound: this.clients.latencyOut.read() },
      servers: this.servers.map((s) => s.read()),
      routers: this.routers.map((r) => r.read(now)),
      clients: { count: this.clients.count, received: this.clients.received, unmatched: this.clients.unmatched, outOfOrder: this.clients.outOfOrder, framesSent: this.clients.framesSent, retransmissions: this.clients.retransmissions },
      drops: { ...this.ledger.read(), ...this.accessDrops() },
      ...(this.replay ? { replay: this.replay.read() } : {}),
      simulatedSeconds: secs,
    };
  }
}
