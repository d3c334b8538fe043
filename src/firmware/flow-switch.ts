/**
 * The network flow switch's firmware (WO 99/33227, Figs 2-4C): proxy ARP for each cluster's
 * virtual IP, inbound forwarding by rewriting only the destination MAC, a flow table for affinity,
 * load-balancing policies, availability clustering, and router pooling with failed-router
 * redirection. Pure logic: it runs on the board's CPU (`handleFrame`, cost recorded in a
 * CostTrace) or is emulated by Fig 5E/5F's translators (`translate`, no cost). Decisions taken
 * where the patent is open are in docs/firmware.md.
 */
import { ArpOp, writeArpFrame } from "../net/codec/arp.ts";
import { encodeFrame } from "../net/codec/ethernet.ts";
import type { Ipv4Payload } from "../net/codec/ipv4.ts";
import type { Ipv4 } from "../net/ipv4-addr.ts";
import type { Mac } from "../net/mac.ts";
import { IpProto, TcpFlag } from "../net/codec/l4.ts";
import type { FramePool } from "../net/frame-pool.ts";
import { NO_FRAME } from "../net/frame-pool.ts";
import { BROADCAST_MAC, isMulticast, readMac, writeMac } from "../net/mac.ts";
import { ParsedFrame, parseFrame, ParseStatus } from "../net/parse.ts";
import type { CostTrace } from "../hw/cpu/cost-trace.ts";
import { Verdict } from "../hw/cpu-board.ts";
import { CPU_PORT, FSRAM_BASE, TRANSLATE_PORT, type BoardApi, type BoardFirmware } from "../hw/boards/board.ts";
import { SwitchConfigSchema, type SwitchConfig, type SwitchConfigInput } from "./config.ts";
import { DROP_CAUSES, type DropCause } from "./drop-causes.ts";
import { FlowKey } from "./flow-key.ts";
import { FlowTable } from "./flow-table.ts";
import { FW_PATHS, PATH } from "./paths.ts";
import { maglevTable } from "./maglev.ts";
import { createActor, type Actor } from "xstate";
import { availabilityMachine, healthMachine, PROBE_OK, probeOkIsNoOp } from "./machines.ts";
import { SimClock } from "./sim-clock.ts";
import type { SimEvent } from "../sim/event.ts";
import { Priority } from "../sim/priority.ts";

const DRAM_TABLE_BASE = 0x0040_0000;
const ROLE_OF = { start: "secondary-operational", primary: "primary", secondaryOperational: "secondary-operational", secondaryFailed: "secondary-failed" } as const;
const FLOW_ENTRY_BYTES = 32;

export type ServerState = "up" | "down";
export type AvailabilityRole = "primary" | "secondary-operational" | "secondary-failed";

interface Server {
  name: string;
  mac: number;
  port: number;
  weight: number;
  state: ServerState;
  draining: boolean;
  role: AvailabilityRole;
  active: number; // flows in the table
  load: number; // last measured workload (optimal-workload policy)
  loadReported: boolean; // a load agent has answered (else the workload is the active flow count)
  changedAt: number; // when its health state last changed (ps)
  stats: { packets: number; bytes: number; flows: number };
  health?: Actor<typeof healthMachine>;
  availability?: Actor<typeof availabilityMachine>;
  probeTimeout?: SimEvent;
  probeOutstanding: boolean;
}

interface Cluster {
  index: number;
  name: string;
  vip: number;
  vmac: number;
  mode: "balance" | "availability";
  policy: SwitchConfig["clusters"][number]["policy"];
  servers: Server[];
  maglev: Int16Array;
  rr: number;
  wrrCredit: Float64Array;
  optimal: number; // server chosen by the last load-balancing round
  stats: { packets: number; bytes: number; flows: number; drops: number };
  dropsByCause: Partial<Record<DropCause, number>>;
}

interface Router {
  name: string;
  ip: number;
  mac: number;
  port: number;
  up: boolean;
  pool: number;
  stats: { arpAnswers: number; redirectedFrames: number };
  /** Servers currently pointed at this router (by gateway ARP answers and gratuitous ARP). */
  assigned: number;
  health?: Actor<typeof healthMachine>;
  probeTimeout?: SimEvent;
  probeOutstanding: boolean;
}

export class FlowSwitch implements BoardFirmware {
  readonly config: SwitchConfig;
  readonly clusters: Cluster[];
  readonly routers: Router[];
  readonly flows: FlowTable;
  private readonly byVmac = new Map<number, Cluster>();
  private readonly byVip = new Map<number, Cluster>();
  private readonly routerByMac = new Map<number, Router>();
  private readonly routerByIp = new Map<number, Router>();
  private readonly serverMacs = new Set<number>();
  /** The router each server was last pointed at (server MAC -> router). */
  private readonly gatewayOf = new Map<number, Router>();
  private readonly parsed = new ParsedFrame();
  private probeSeq = 1;
  private readonly key = new FlowKey();
  private board: BoardApi | undefined;
  private pool: FramePool | undefined;
  private tableBase = DRAM_TABLE_BASE;
  readonly drops: Record<DropCause, number> = Object.fromEntries(DROP_CAUSES.map((c) => [c, 0])) as Record<DropCause, number>;
  /** The cause of the last Drop verdict (the CPU board counts the frame under it when it frees it). */
  lastDropCause: DropCause = "malformed";
  /** The path the last frame took (FW_PATHS), for the CPU's per-path accounting. */
  lastPath = PATH.other;
  readonly pathNames = FW_PATHS;
  readonly counts = { inbound: 0, outboundRedirected: 0, arpReplies: 0, gratuitousArps: 0, translated: 0, newFlows: 0, maglevFallbacks: 0, cpuInbound: 0, cpuOutbound: 0 };
  /** State changes declared by health monitoring (or by removeServer): a loaded switch whose probes time out shows them. */
  readonly healthChanges = { serverDowns: 0, serverUps: 0, routerDowns: 0, routerUps: 0 };
  /** Every health change, in order: when (ps), who, and what (control plane: a list, not per frame). */
  readonly healthLog: { atPs: number; name: string; change: "down" | "up" }[] = [];
  /** Time source (ps); the board's simulator once attached. */
  now: () => number = () => 0;

  constructor(config: SwitchConfigInput) {
    this.config = SwitchConfigSchema.parse(config);
    this.flows = new FlowTable(this.config.flowTableSize);
    this.flows.onEvict = (c, s) => {
      const srv = this.clusters[c]?.servers[s];
      if (srv) srv.active--;
    };
    this.clusters = this.config.clusters.map((c, index) => {
      const servers: Server[] = c.servers.map((s, i) => ({
        name: s.name, mac: s.mac, port: s.port, weight: s.weight, state: "up", draining: false,
        role: c.mode === "availability" ? (i === 0 ? "primary" : "secondary-operational") : "secondary-operational",
        active: 0, load: 0, loadReported: false, changedAt: 0, stats: { packets: 0, bytes: 0, flows: 0 }, probeOutstanding: false,
      }));
      const cl: Cluster = {
        index, name: c.name, vip: c.vip, vmac: c.vmac, mode: c.mode, policy: c.policy, servers, maglev: new Int16Array(0), rr: 0,
        wrrCredit: new Float64Array(servers.length), optimal: 0, stats: { packets: 0, bytes: 0, flows: 0, drops: 0 }, dropsByCause: {},
      };
      this.byVmac.set(c.vmac, cl);
      this.byVip.set(c.vip, cl);
      for (const s of servers) this.serverMacs.add(s.mac);
      return cl;
    });
    for (const c of this.clusters) this.rebuild(c);
    this.routers = this.config.routerPools.flatMap((p, pool) => p.routers.map((r) => ({ name: r.name, ip: r.ip, mac: r.mac, port: r.port, up: true, pool, stats: { arpAnswers: 0, redirectedFrames: 0 }, assigned: 0, probeOutstanding: false })));
    for (const r of this.routers) {
      this.routerByMac.set(r.mac, r);
      this.routerByIp.set(r.ip, r);
    }
  }

  // ---------- board integration ----------

  attach(board: BoardApi): void {
    this.board = board;
    this.pool = board.pool;
    this.now = () => board.sim.now;
    board.sim.onResetStats(() => this.resetStats());
    if (board.spec.fsram) this.tableBase = FSRAM_BASE;
    for (const c of this.clusters) {
      // frames for the virtual MAC are intervened: to the translator where the board has one
      board.setAddressEntry(c.vmac, board.hasTranslator ? TRANSLATE_PORT : CPU_PORT, true);
      for (const s of c.servers) board.setAddressEntry(s.mac, s.port, false);
    }
    for (const r of this.routers) board.setAddressEntry(r.mac, r.port, !r.up);
    this.startControlPlane(board);
  }

  // ---------- health monitoring and availability (control plane, xstate on simulation time) ----------

  private startControlPlane(board: BoardApi): void {
    const clock = new SimClock(board.sim);
    this.clusters.forEach((c, ci) => {
      const hc = this.config.clusters[ci]!.health;
      for (const s of c.servers) {
        if (c.mode === "availability") {
          s.availability = createActor(availabilityMachine, { clock, input: { name: s.name, primary: s.role === "primary" } });
          s.availability.start();
        }
        this.monitor(board, clock, s, hc, () => this.serverDown(s.name), () => this.serverUp(s.name));
      }
      if (c.policy === "optimal-workload") {
        // the patent's periodic load-balancing routine, as a CPU job every balancePeriodPs
        const round: SimEvent = board.sim.event(`fw.${c.name}.balance`, () => {
          board.runOnCpu((trace) => {
            trace.op("balanceRound");
            this.balanceRound(c);
          });
          board.sim.scheduleIn(round, this.config.balancePeriodPs);
        }, Priority.Timer);
        board.sim.scheduleIn(round, this.config.balancePeriodPs);
      }
      const tick: SimEvent = board.sim.event(`fw.${c.name}.probe`, () => {
        board.runOnCpu((trace) => {
          for (const s of c.servers) this.probe(trace, s.port, s.mac, c.vmac, c.vip, s, hc.timeoutPs, hc.kind, hc.kind === "load" ? hc.loadPort : hc.tcpPort);
        });
        board.sim.scheduleIn(tick, hc.intervalPs);
      }, Priority.Timer);
      board.sim.scheduleIn(tick, hc.intervalPs);
    });
    this.config.routerPools.forEach((pc, pi) => {
      const hc = pc.health;
      const rs = this.routers.filter((r) => r.pool === pi);
      for (const r of rs) {
        this.monitor(board, clock, r, hc, () => this.routerDown(r.name), () => this.routerUp(r.name));
      }
      const probeMac = this.clusters[0]!.vmac;
      const tick: SimEvent = board.sim.event(`fw.${pc.name}.probe`, () => {
        board.runOnCpu((trace) => {
          for (const r of rs) this.probe(trace, r.port, r.mac, probeMac, r.ip, r, hc.timeoutPs);
        });
        board.sim.scheduleIn(tick, hc.intervalPs);
      }, Priority.Timer);
      board.sim.scheduleIn(tick, hc.intervalPs);
    });
  }

  /** Gives a server or router its health machine (calling `down`/`up` on its verdicts) and its probe-timeout event. */
  private monitor(board: BoardApi, clock: SimClock, who: Server | Router, hc: { rise: number; fall: number }, down: () => void, up: () => void): void {
    const health = createActor(healthMachine, { clock, input: { rise: hc.rise, fall: hc.fall } });
    let last = "up";
    health.subscribe((snap) => {
      if (snap.value === last) return;
      last = snap.value as string;
      if (snap.value === "down") down();
      else up();
    });
    health.start();
    who.health = health;
    who.probeTimeout = board.sim.event(`fw.${who.name}.probeTimeout`, () => {
      who.probeOutstanding = false;
      health.send({ type: "PROBE_FAIL" });
    }, Priority.Timer);
  }

  /** Sends one ARP probe ("who has `ip`?", unicast, sender IP 0 as RFC 5227) and arms its timeout. */
  private probe(trace: CostTrace, port: number, targetMac: number, fromMac: number, ip: number, who: { probeTimeout?: SimEvent; probeOutstanding: boolean }, timeoutPs: number, kind: "arp" | "icmp" | "tcp" | "load" = "arp", tcpPort = 80): void {
    const b = this.board!;
    trace.op("healthProbe");
    if (who.probeOutstanding) return; // the previous probe is still waiting for its answer
    let h: number;
    if (kind === "arp") {
      h = b.pool.alloc();
      if (h === NO_FRAME) return;
      b.pool.setLength(h, writeArpFrame(b.pool.bytes(h), ArpOp.Request, targetMac, fromMac, 0, 0, ip));
    } else {
      // ICMP echo request, a TCP SYN to the service port, or a load query to the load agent, from the switch's own address
      const payload: Ipv4Payload = kind === "icmp"
        ? { kind: "icmp", icmp: { type: 8, code: 0, rest: ((this.probeSeq & 0xffff) << 16) | 1, data: new Uint8Array(8) } }
        : kind === "load" ? { kind: "udp", udp: { srcPort: 40000 + (this.probeSeq % 20000), dstPort: tcpPort, payload: new Uint8Array(4) } }
        : { kind: "tcp", tcp: { srcPort: 40000 + (this.probeSeq % 20000), dstPort: tcpPort, seq: this.probeSeq, ack: 0, flags: TcpFlag.SYN, window: 1024, urgent: 0, options: new Uint8Array(0), payload: new Uint8Array(0) } };
      this.probeSeq++;
      h = b.pool.allocFrom(encodeFrame({
        dst: targetMac as Mac, src: fromMac as Mac, etherType: 0x0800,
        payload: { kind: "ipv4", ipv4: { dscp: 0, ecn: 0, id: this.probeSeq & 0xffff, dontFragment: true, moreFragments: false, fragmentOffset: 0, ttl: 64, protocol: kind === "icmp" ? IpProto.ICMP : kind === "load" ? IpProto.UDP : IpProto.TCP, src: this.config.switchIp as Ipv4, dst: ip as Ipv4, options: new Uint8Array(0), payload } },
      }));
      if (h === NO_FRAME) return;
    }
    b.transmit(h, port);
    who.probeOutstanding = true;
    b.sim.schedule(who.probeTimeout!, b.sim.now + timeoutPs);
  }

  /** An ARP reply from a monitored server or router answers its probe. */
  private probeAnswered(senderMac: number): void {
    for (const c of this.clusters) {
      for (const s of c.servers) {
        if (s.mac === senderMac && s.probeOutstanding) {
          s.probeOutstanding = false;
          this.board?.sim.cancel(s.probeTimeout!);
          if (s.health && !probeOkIsNoOp(s.health.getSnapshot())) s.health.send(PROBE_OK);
        }
      }
    }
    const r = this.routerByMac.get(senderMac);
    if (r && r.probeOutstanding) {
      r.probeOutstanding = false;
      this.board?.sim.cancel(r.probeTimeout!);
      if (r.health && !probeOkIsNoOp(r.health.getSnapshot())) r.health.send(PROBE_OK);
    }
  }

  /** Link state from the controllers: a server's or router's link going down is an immediate failure. */
  linkChanged(port: number, up: boolean): void {
    for (const c of this.clusters) for (const s of c.servers) if (s.port === port) s.health?.send({ type: up ? "LINK_UP" : "LINK_DOWN" });
    for (const r of this.routers) if (r.port === port) r.health?.send({ type: up ? "LINK_UP" : "LINK_DOWN" });
  }

  // ---------- datapath ----------

  /** The CPU path (Fig 4B stages 435-440, Fig 4C stage 460). */
  handleFrame(h: number, ingressPort: number, cost: CostTrace | undefined): number {
    const pool = this.pool!;
    const buf = pool.bytes(h);
    const len = pool.length(h);
    cost?.op("headerParse");
    this.lastPath = PATH.other;
    if (parseFrame(buf, 0, len, this.parsed) !== ParseStatus.Ok) return this.drop("malformed");
    const p = this.parsed;
    if (p.etherType === 0x0806) {
      this.lastPath = PATH.arp;
      return this.handleArp(h, ingressPort, cost);
    }
    const cl = this.byVmac.get(p.dst);
    if (cl && p.ipDst === this.config.switchIp && this.serverMacs.has(p.src)) {
      // a server answering an ICMP-echo or TCP-connect probe (echo reply, or SYN+ACK)
      this.lastPath = PATH.probeAnswer;
      if ((p.ipProto === IpProto.ICMP && p.icmpType === 0) || (p.ipProto === IpProto.TCP && (p.tcpFlags & (TcpFlag.SYN | TcpFlag.ACK)) === (TcpFlag.SYN | TcpFlag.ACK))) this.probeAnswered(p.src);
      else if (p.ipProto === IpProto.UDP && p.l4Offset + 12 <= len) {
        // the load agent's answer: the server's load figure in thousandths
        const o = p.l4Offset + 8, v = ((buf[o]! << 24) | (buf[o + 1]! << 16) | (buf[o + 2]! << 8) | buf[o + 3]!) >>> 0;
        for (const s of cl.servers) if (s.mac === p.src) (s.load = v / 1000), (s.loadReported = true);
        this.probeAnswered(p.src);
      }
      return Verdict.Consumed;
    }
    if (cl) return this.inbound(cl, buf, len, cost);
    const r = this.routerByMac.get(p.dst);
    if (r) {
      this.lastPath = PATH.redirect;
      return this.redirect(r, buf, len, cost);
    }
    if (p.dst === BROADCAST_MAC || isMulticast(p.dst)) return this.drop("broadcastIsolated");
    return this.drop("unknownDestination");
  }

  /** The hardware translators' path: the same decision, no cost, nothing originated. */
  translate(h: number): number {
    const pool = this.pool!;
    const buf = pool.bytes(h);
    const dst = readMac(buf, 0);
    const cl = this.byVmac.get(dst);
    const r = cl ? undefined : this.routerByMac.get(dst);
    if (!cl && (!r || r.up)) return -1;
    if (cl && this.serverMacs.has(readMac(buf, 6))) return -1; // a server answering a probe: the CPU's
    const len = pool.length(h);
    if (parseFrame(buf, 0, len, this.parsed) !== ParseStatus.Ok) return -1; // the CPU will count it
    if (this.parsed.etherType !== 0x0800) return -1;
    const out = cl ? this.inbound(cl, buf, len, undefined) : this.redirect(r!, buf, len, undefined);
    if (out >= 0) this.counts.translated++;
    return out;
  }

  private drop(cause: DropCause): number {
    this.drops[cause]++;
    this.lastDropCause = cause;
    return Verdict.Drop;
  }

  private timeoutFor(proto: number): number {
    const t = this.config.timeouts;
    return proto === IpProto.TCP ? t.tcpPs : proto === IpProto.UDP ? t.udpPs : proto === IpProto.ESP || proto === IpProto.AH ? t.espPs : t.otherPs;
  }

  private inbound(cl: Cluster, buf: Uint8Array, len: number, cost: CostTrace | undefined): number {
    const p = this.parsed, k = this.key, now = this.now();
    this.counts.inbound++;
    if (cost) this.counts.cpuInbound++;
    cl.stats.packets++;
    cl.stats.bytes += len;
    if (!k.fromFrame(p)) return this.clusterDrop(cl, "malformed");
    const hash = k.hash();
    let server = -1;
    this.lastPath = PATH.established;
    if (cl.mode === "availability") {
      server = this.primaryOf(cl);
    } else {
      cost?.op("flowHash");
      const cam = this.board?.spec.cam;
      const isSyn = p.ipProto === IpProto.TCP && (p.tcpFlags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN;
      let slot = this.flows.find(k, hash, now);
      if (cost) {
        if (cam) (cost.op("camLookup"), cost.deviceWait(cam.lookupPs));
        else {
          cost.op("flowLookup");
          cost.load(this.tableBase + ((hash % this.flows.capacity) * FLOW_ENTRY_BYTES), FLOW_ENTRY_BYTES);
        }
      }
      if (slot >= 0) {
        const s = cl.servers[this.flows.server[slot]!];
        // an entry pointing at a failed or removed server is never used; a SYN is scheduled afresh
        if (this.flows.cluster[slot] !== cl.index || !s || s.state !== "up" || isSyn) {
          this.flows.remove(slot);
          slot = -1;
        } else {
          server = this.flows.server[slot]!;
          this.flows.touch(slot, now);
          cost?.store(this.tableBase + ((hash % this.flows.capacity) * FLOW_ENTRY_BYTES) + 24, 8);
        }
      }
      if (server < 0) {
        this.lastPath = PATH.newFlow;
        cost?.op("schedule");
        server = this.choose(cl, hash);
        if (server < 0) return this.clusterDrop(cl, "noLiveServer");
        if (this.flows.insert(k, hash, cl.index, server, now, this.timeoutFor(k.proto)) >= 0) {
          cl.servers[server]!.active++;
          cl.servers[server]!.stats.flows++;
          cl.stats.flows++;
          this.counts.newFlows++;
          cost?.op("flowInsert");
          cost?.store(this.tableBase + ((hash % this.flows.capacity) * FLOW_ENTRY_BYTES), FLOW_ENTRY_BYTES);
        } else {
          // table full: the consistent hash decides, deterministically
          this.counts.maglevFallbacks++;
          server = cl.maglev[hash % cl.maglev.length]!;
          if (server < 0) return this.clusterDrop(cl, "noLiveServer");
        }
      }
      // a FIN or RST: the entry stays for the rest of the close (the peer's FIN, last ACKs,
      // retransmissions) and then expires, as IPVS keeps FIN_WAIT/TIME_WAIT entries
      if (p.ipProto === IpProto.TCP && p.tcpFlags & (TcpFlag.FIN | TcpFlag.RST)) {
        const s2 = this.flows.find(k, hash, now);
        if (s2 >= 0) this.flows.closing(s2, this.config.timeouts.finPs);
      }
    }
    if (server < 0) return this.clusterDrop(cl, "noLiveServer");
    const srv = cl.servers[server]!;
    srv.stats.packets++;
    srv.stats.bytes += len;
    writeMac(buf, 0, srv.mac); // the one rewrite: nothing else in the frame changes
    cost?.op("macRewrite");
    return srv.port;
  }

  private clusterDrop(cl: Cluster, cause: DropCause): number {
    cl.stats.drops++;
    cl.dropsByCause[cause] = (cl.dropsByCause[cause] ?? 0) + 1;
    return this.drop(cause);
  }

  /** A frame still sent to a failed router's MAC goes to a live router of its pool (Fig 4C stage 460). */
  private redirect(r: Router, buf: Uint8Array, _len: number, cost: CostTrace | undefined): number {
    if (cost) this.counts.cpuOutbound++;
    if (r.up) return r.port; // not failed (a stale intervention entry): forward unchanged
    // the server's new router (given by gratuitous ARP), else one chosen for it now
    const src = readMac(buf, 6);
    const g = this.gatewayOf.get(src);
    const live = g && g.up && g.pool === r.pool ? g : this.liveRouter(r.pool, src);
    if (!live) return this.drop("noLiveRouter");
    this.counts.outboundRedirected++;
    r.stats.redirectedFrames++;
    writeMac(buf, 0, live.mac);
    cost?.op("macRewrite");
    return live.port;
  }

  // ---------- ARP ----------

  private handleArp(h: number, ingressPort: number, cost: CostTrace | undefined): number {
    const p = this.parsed;
    cost?.op("arpProcess");
    const fromServer = this.serverMacs.has(p.arpSenderMac);
    if (p.arpOp === ArpOp.Request) {
      const cl = this.byVip.get(p.arpTargetIp);
      if (cl) {
        if (fromServer) return this.drop("arpIsolated"); // servers' ARP about the VIP never leaves: no conflicts
        return this.reply(h, ingressPort, cl.vmac, cl.vip, cost); // proxy ARP: the virtual MAC
      }
      const r = this.routerByIp.get(p.arpTargetIp);
      if (r && fromServer) {
        // router pooling: answer with the pool router best able to take this server's load
        const best = this.liveRouter(r.pool, p.arpSenderMac);
        if (!best) return this.drop("noLiveRouter");
        best.stats.arpAnswers++;
        this.assign(p.arpSenderMac, best);
        return this.reply(h, ingressPort, best.mac, r.ip, cost);
      }
      if (this.byVip.has(p.arpSenderIp) && !fromServer) return this.drop("arpSpoofRejected");
      return this.drop("arpUnanswered");
    }
    // replies and gratuitous ARP: from the router side, claiming a VIP or a server's MAC, is spoofing
    if (!fromServer && (this.byVip.has(p.arpSenderIp) || this.serverMacs.has(p.arpSenderMac))) return this.drop("arpSpoofRejected");
    if (p.arpOp === ArpOp.Reply) this.probeAnswered(p.arpSenderMac);
    return Verdict.Consumed;
  }

  /** Turns the request in `h` into a reply in place and sends it back out of its ingress port. */
  private reply(h: number, port: number, answerMac: number, answerIp: number, cost: CostTrace | undefined): number {
    const buf = this.pool!.bytes(h), p = this.parsed, o = p.l3Offset;
    const asker = p.arpSenderMac, askerIp = p.arpSenderIp;
    writeMac(buf, 0, asker);
    writeMac(buf, 6, answerMac);
    buf[o + 6] = 0;
    buf[o + 7] = ArpOp.Reply;
    writeMac(buf, o + 8, answerMac);
    writeU32(buf, o + 14, answerIp);
    writeMac(buf, o + 18, asker);
    writeU32(buf, o + 24, askerIp);
    cost?.op("arpReply");
    this.counts.arpReplies++;
    return port;
  }

  /** Sends a gratuitous ARP (an unsolicited reply) to `port`, mapping `ip` to `macAddr`. */
  private gratuitousArp(port: number, ip: number, macAddr: number, targetMac: number): void {
    const b = this.board;
    if (!b) return;
    const h = b.pool.alloc();
    if (h === NO_FRAME) return;
    b.pool.setLength(h, writeArpFrame(b.pool.bytes(h), ArpOp.Reply, targetMac, macAddr, ip, targetMac, ip));
    b.transmit(h, port);
    this.counts.gratuitousArps++;
  }

  // ---------- scheduling ----------

  /** Rebuilds the cluster's Maglev table over its servers that may take new flows. */
  private rebuild(cl: Cluster): void {
    const backends = cl.servers.map((s) => ({ name: s.name, weight: s.state === "up" && !s.draining ? Math.max(0, s.weight) : 0 }));
    cl.maglev = maglevTable(backends, this.config.maglevSize, cl.maglev);
  }

  private eligible(s: Server): boolean {
    return s.state === "up" && !s.draining && s.weight > 0;
  }

  /** Picks the server for a new flow by the cluster's policy; -1 when none may take it. */
  private choose(cl: Cluster, hash: number): number {
    const ss = cl.servers, n = ss.length;
    switch (cl.policy) {
      case "consistent-hash":
        return cl.maglev[hash % cl.maglev.length]!;
      case "round-robin":
        for (let i = 0; i < n; i++) {
          const k = (cl.rr + i) % n;
          if (this.eligible(ss[k]!)) {
            cl.rr = (k + 1) % n;
            return k;
          }
        }
        return -1;
      case "weighted-round-robin": {
        // smooth weighted round robin (nginx): add weights, take the largest credit, subtract the total
        let total = 0, best = -1;
        for (let i = 0; i < n; i++) {
          if (!this.eligible(ss[i]!)) continue;
          cl.wrrCredit[i]! += ss[i]!.weight;
          total += ss[i]!.weight;
          if (best < 0 || cl.wrrCredit[i]! > cl.wrrCredit[best]!) best = i;
        }
        if (best >= 0) cl.wrrCredit[best]! -= total;
        return best;
      }
      case "least-connections":
      case "weighted-least-connections": {
        const weighted = cl.policy === "weighted-least-connections";
        let best = -1, bestScore = Infinity;
        for (let i = 0; i < n; i++) {
          const s = ss[i]!;
          if (!this.eligible(s)) continue;
          const score = weighted ? s.active / s.weight : s.active;
          if (score < bestScore) (best = i), (bestScore = score);
        }
        return best;
      }
      case "optimal-workload": {
        // the patent's periodic routine picked the server with the optimal workload; fall back if it left
        if (cl.optimal >= 0 && cl.optimal < n && this.eligible(ss[cl.optimal]!)) return cl.optimal;
        this.balanceRound(cl);
        return cl.optimal;
      }
    }
  }

  /**
   * The patent's load-balancing routine (Fig 4B stage 435, the related application "Dynamic load
   * balancer"): measure each server's workload (here: its reported load figure, else its active
   * flows over its weight) and direct new flows to the one with the optimal (lowest) workload.
   */
  balanceRound(cl: Cluster): void {
    let best = -1, bestLoad = Infinity, bestActive = Infinity;
    cl.servers.forEach((s, i) => {
      if (!this.eligible(s)) return;
      const active = s.active / s.weight;
      const load = s.loadReported ? s.load / s.weight : active;
      // equal workloads (idle servers all report 0): the one with fewer active flows
      if (load < bestLoad || (load === bestLoad && active < bestActive)) (best = i), (bestLoad = load), (bestActive = active);
    });
    cl.optimal = best;
  }

  private primaryOf(cl: Cluster): number {
    return cl.servers.findIndex((s) => s.role === "primary");
  }

  /** Points server `serverMac` at router `r` (for load accounting). */
  private assign(serverMac: number, r: Router): void {
    const prev = this.gatewayOf.get(serverMac);
    if (prev === r) return;
    if (prev) prev.assigned--;
    r.assigned++;
    this.gatewayOf.set(serverMac, r);
  }

  /** The live router of `pool` for a server (by MAC/IP key): least traffic, or round robin by source. */
  private liveRouter(pool: number, serverKey: number): Router | undefined {
    const policy = this.config.routerPools[pool]?.policy ?? "traffic";
    let live = 0;
    for (const r of this.routers) if (r.pool === pool && r.up) live++;
    if (live === 0) return undefined;
    if (policy === "source-ip") {
      let k = serverKey % live;
      for (const r of this.routers) if (r.pool === pool && r.up && k-- === 0) return r;
    }
    // traffic: the live router with the fewest servers pointed at it (each server's load lands on
    // its router); among equals, the one whose traffic vector shows the fewest bytes sent to it
    let best: Router | undefined, bestBytes = 0;
    for (const r of this.routers) {
      if (r.pool !== pool || !r.up) continue;
      const bytes = this.board ? this.board.portCounters(r.port).txBytes : 0;
      if (!best || r.assigned < best.assigned || (r.assigned === best.assigned && bytes < bestBytes)) (best = r), (bestBytes = bytes);
    }
    return best;
  }

  // ---------- control plane (health, admin) ----------

  private server(name: string): [Cluster, Server, number] {
    for (const c of this.clusters) {
      const i = c.servers.findIndex((s) => s.name === name);
      if (i >= 0) return [c, c.servers[i]!, i];
    }
    throw new Error(`no server named ${name}`);
  }

  /** Health monitoring declared `name` failed: no new packets go to it. */
  serverDown(name: string): void {
    const [cl, s] = this.server(name);
    if (s.state === "down") return;
    s.state = "down";
    this.healthChanges.serverDowns++;
    this.healthLog.push({ atPs: this.now(), name, change: "down" });
    s.changedAt = this.now();
    if (cl.mode === "availability") {
      const wasPrimary = s.role === "primary";
      this.availability(s, "FAIL");
      if (wasPrimary) {
        const next = cl.servers.find((x) => x.role === "secondary-operational");
        if (next) this.availability(next, "PROMOTE");
      }
    }
    this.rebuild(cl);
  }

  /** Health monitoring declared `name` operational again: it rejoins (no pre-emption in availability mode). */
  serverUp(name: string): void {
    const [cl, s] = this.server(name);
    if (s.state === "up") return;
    s.state = "up";
    this.healthChanges.serverUps++;
    this.healthLog.push({ atPs: this.now(), name, change: "up" });
    s.changedAt = this.now();
    if (cl.mode === "availability") {
      this.availability(s, "RESTORE"); // secondary-operational: never pre-empts
      if (!cl.servers.some((x) => x.role === "primary")) this.availability(s, "PROMOTE");
    }
    this.rebuild(cl);
  }

  /** Drives a server's availability machine and mirrors its state into the role the datapath reads. */
  private availability(s: Server, type: "FAIL" | "RESTORE" | "PROMOTE"): void {
    const a = s.availability;
    if (a) {
      a.send({ type });
      s.role = ROLE_OF[a.getSnapshot().value as keyof typeof ROLE_OF];
      return;
    }
    // before attach (no actors yet): the same transitions, applied directly
    if (type === "FAIL") s.role = "secondary-failed";
    else if (type === "RESTORE" && s.role === "secondary-failed") s.role = "secondary-operational";
    else if (type === "PROMOTE" && s.role === "secondary-operational") s.role = "primary";
  }

  /** Adds a server to a cluster at run time: it takes new flows from now on; established flows stay. */
  addServer(cluster: string, srv: { name: string; mac: number; port: number; weight?: number }): void {
    const cl = this.clusters.find((c) => c.name === cluster);
    if (!cl) throw new Error(`no cluster named ${cluster}`);
    if (cl.servers.some((s) => s.name === srv.name)) throw new Error(`server ${srv.name} already in ${cluster}`);
    const s: Server = {
      name: srv.name, mac: srv.mac, port: srv.port, weight: srv.weight ?? 1, state: "up", draining: false,
      role: cl.mode === "availability" && !cl.servers.some((x) => x.role === "primary") ? "primary" : "secondary-operational",
      active: 0, load: 0, loadReported: false, changedAt: this.now(), stats: { packets: 0, bytes: 0, flows: 0 }, probeOutstanding: false,
    };
    cl.servers.push(s);
    cl.wrrCredit = Float64Array.from({ length: cl.servers.length }, (_, i) => cl.wrrCredit[i] ?? 0);
    this.serverMacs.add(s.mac);
    this.board?.setAddressEntry(s.mac, s.port, false);
    this.rebuild(cl);
  }

  /**
   * Removes a server: its flow-table entries go (its flows are rescheduled on their next packet);
   * it is taken out of the Maglev table. It stays in the list as "removed" so indexes stay stable.
   */
  removeServer(name: string): void {
    const [cl, s, i] = this.server(name);
    this.serverDown(name); // a removed primary hands over as a failed one does
    this.flows.purgeServer(cl.index, i);
    s.weight = 0;
    s.name = `${s.name}#removed`;
    this.serverMacs.delete(s.mac);
    this.rebuild(cl);
  }

  setWeight(name: string, weight: number): void {
    const [cl, s] = this.server(name);
    s.weight = weight;
    this.rebuild(cl);
  }

  /** Draining: no new flows; established ones continue. */
  drain(name: string, on = true): void {
    const [cl, s] = this.server(name);
    s.draining = on;
    this.rebuild(cl);
  }

  reportLoad(name: string, load: number): void {
    this.server(name)[1].load = load;
  }

  routerDown(name: string): void {
    const r = this.routers.find((x) => x.name === name);
    if (!r || !r.up) return;
    r.up = false;
    this.healthChanges.routerDowns++;
    this.healthLog.push({ atPs: this.now(), name, change: "down" });
    // frames still sent to its MAC are intervened and redirected; gratuitous ARP re-points its
    // servers, each to the pool's least-assigned live router
    this.board?.setAddressEntry(r.mac, this.board.hasTranslator ? TRANSLATE_PORT : CPU_PORT, true);
    for (const c of this.clusters) {
      for (const s of c.servers) {
        const g = this.gatewayOf.get(s.mac);
        if (g !== undefined && g !== r) continue; // pointed elsewhere: nothing to change
        const live = this.liveRouter(r.pool, s.mac);
        if (!live) continue;
        this.assign(s.mac, live);
        this.gratuitousArp(s.port, r.ip, live.mac, s.mac);
      }
    }
  }

  routerUp(name: string): void {
    const r = this.routers.find((x) => x.name === name);
    if (!r || r.up) return;
    r.up = true;
    this.healthChanges.routerUps++;
    this.healthLog.push({ atPs: this.now(), name, change: "up" });
    this.board?.setAddressEntry(r.mac, r.port, false);
  }

  /** Restarts the counters (a warm-up's end): counts, drops and health changes; tables, states and flows stay. */
  resetStats(): void {
    for (const o of [this.counts, this.drops, this.healthChanges] as Record<string, number>[]) for (const k of Object.keys(o)) o[k] = 0;
    this.healthLog.length = 0;
    for (const c of this.clusters) {
      c.stats.packets = c.stats.bytes = c.stats.flows = c.stats.drops = 0;
      c.dropsByCause = {};
      for (const s of c.servers) s.stats.packets = s.stats.bytes = s.stats.flows = 0;
    }
    for (const r of this.routers) r.stats.arpAnswers = r.stats.redirectedFrames = 0;
  }

  /** The role of every server of a cluster (availability mode). */
  roles(cluster: string): Record<string, AvailabilityRole> {
    const c = this.clusters.find((x) => x.name === cluster);
    if (!c) throw new Error(`no cluster named ${cluster}`);
    return Object.fromEntries(c.servers.map((s) => [s.name, s.role]));
  }

  read() {
    return {
      counts: { ...this.counts },
      healthChanges: { ...this.healthChanges },
      drops: Object.fromEntries(Object.entries(this.drops).filter(([, n]) => n > 0)),
      flows: this.flows.read(),
      clusters: Object.fromEntries(this.clusters.map((c) => [c.name, {
        ...c.stats, dropsByCause: { ...c.dropsByCause },
        servers: Object.fromEntries(c.servers.map((s) => [s.name, {
          state: s.state, changedAtUs: s.changedAt / 1e6, role: s.role, draining: s.draining, activeFlows: s.active, ...(s.loadReported ? { load: s.load } : {}), ...s.stats,
          // in: frames the switch sent it (all, from its port); out: frames it sent (outbound never reaches the firmware)
          port: this.board?.portCounters(s.port),
        }])),
      }])),
      routers: Object.fromEntries(this.routers.map((r) => [r.name, { up: r.up, assignedServers: r.assigned, ...r.stats, trafficVector: this.board?.portCounters(r.port) /* tx = toward the router (out), rx = from it (in) */ }])),
    };
  }
}

function writeU32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = (v >>> 16) & 255;
  b[o + 2] = (v >>> 8) & 255;
  b[o + 3] = v & 255;
}
