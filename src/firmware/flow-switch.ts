/**
 * The network flow switch's firmware (WO 99/33227, Figs 2-4C): proxy ARP for each cluster's
 * virtual IP, inbound forwarding by rewriting only the destination MAC, a flow table for affinity,
 * load-balancing policies, availability clustering, and router pooling with failed-router
 * redirection. Pure logic: it runs on the board's CPU (`handleFrame`, cost recorded in a
 * CostTrace) or is emulated by Fig 5E/5F's translators (`translate`, no cost). Who sent a frame is
 * decided by its ingress port and the configuration, never by addresses in the frame alone.
 * Decisions taken where the patent is open are in docs/firmware.md.
 */
import { ArpOp, writeArpFrame } from "../net/codec/arp.ts";
import { IpProto, TcpFlag } from "../net/codec/l4.ts";
import type { FramePool } from "../net/frame-pool.ts";
import { NO_FRAME } from "../net/frame-pool.ts";
import { BROADCAST_MAC, isMulticast, readMac, writeMac } from "../net/mac.ts";
import { ParsedFrame, parseFrame, ParseStatus } from "../net/parse.ts";
import type { CostTrace } from "../hw/cpu/cost-trace.ts";
import { Verdict } from "../hw/cpu-board.ts";
import { CONTROL_PORT, CPU_PORT, ENTRY_SYN_ONLY, FSRAM_TABLE_BASE, TRANSLATE_DROP, TRANSLATE_PORT, type BoardApi, type BoardFirmware } from "../hw/boards/board.ts";
import { identityProblem, SwitchConfigSchema, type SwitchConfig, type SwitchConfigInput } from "./config.ts";
import { balanceRound, choose, rebuildMaglev, resizeCluster, type AvailabilityRole, type Cluster, type Server } from "./cluster.ts";
import { DROP_CAUSES, type DropCause } from "./drop-causes.ts";
import { FlowKey, SOURCE_KEY } from "./flow-key.ts";
import { FlowFlag, FlowTable } from "./flow-table.ts";
import { FW_PATHS, PATH } from "./paths.ts";
import { createActor } from "xstate";
import { availabilityMachine } from "./machines.ts";
import { ANSWER_PROTO, HealthProbes, PROBE_PORT_BASE, type HealthCause, type ProbeTarget } from "./probes.ts";
import { SimClock } from "./sim-clock.ts";
import { DRAM_TABLE_BASE, maglevAddress, TableCost } from "./table-cost.ts";
import type { SimEvent } from "../sim/event.ts";
import { Priority } from "../sim/priority.ts";

export type { AvailabilityRole, ServerState } from "./cluster.ts";

/** A hardware table's server number: the cluster's index above SERVER_BITS, the server's below. */
const SERVER_BITS = 10;
const SERVER_MASK = (1 << SERVER_BITS) - 1;

const ROLE_OF = { start: "secondary-operational", primary: "primary", secondaryOperational: "secondary-operational", secondaryFailed: "secondary-failed" } as const;

interface Router {
  name: string;
  ip: number;
  mac: number;
  port: number;
  up: boolean;
  pool: number;
  stats: { arpAnswers: number; redirectedFrames: number; arpCorrections: number };
  /** Servers currently pointed at this router (by gateway ARP answers and gratuitous ARP). */
  assigned: number;
  target?: ProbeTarget;
  /** When the switch last re-announced a virtual IP to it (ps; -inf never). */
  correctedAt: number;
}

/** The flow switch firmware of WO 99/33227 (docs/firmware.md): clusters behind one virtual IP and MAC, router pooling, proxy ARP, health monitoring and failover, on any board through the board interface. */
export class FlowSwitch implements BoardFirmware {
  readonly config: SwitchConfig;
  readonly clusters: Cluster[];
  readonly routers: Router[];
  readonly flows: FlowTable;
  private readonly byVmac = new Map<number, Cluster>();
  private readonly byVip = new Map<number, Cluster>();
  private readonly routerByMac = new Map<number, Router>();
  private readonly routerByIp = new Map<number, Router>();
  private readonly routerOnPort = new Map<number, Router>();
  /** The servers (one per cluster they serve, removed ones left out) on each port, and by MAC. */
  private readonly serversOnPort = new Map<number, Server[]>();
  private readonly serversByMac = new Map<number, Server[]>();
  /** Each server's cluster. */
  private readonly clusterOf = new Map<Server, Cluster>();
  /** The router each physical server was last pointed at, and the address it asked from (server MAC -> ...). */
  private readonly gatewayOf = new Map<number, Router>();
  private readonly serverIpOf = new Map<number, number>();
  private readonly parsed = new ParsedFrame();
  private readonly key = new FlowKey();
  private board: BoardApi | undefined;
  private pool: FramePool | undefined;
  private probes: HealthProbes | undefined;
  private clock: SimClock | undefined;
  /** Probe targets' servers, by target id (undefined for routers). */
  private readonly serverOfTarget: (Server | undefined)[] = [];
  /** What the flow table costs the CPU, at its addresses (DRAM, or 5C's FSRAM). */
  private tableCost: TableCost;
  /** True on boards whose translator sits inline before the address table (5F): server MACs cannot carry the intervention flag there. */
  private inlineTranslator = false;
  readonly drops: Record<DropCause, number> = Object.fromEntries(DROP_CAUSES.map((c) => [c, 0])) as Record<DropCause, number>;
  /** The cause of the last Drop verdict (the CPU board counts the frame under it when it frees it). */
  lastDropCause: DropCause = "malformed";
  /** The path the last frame took (FW_PATHS), for the CPU's per-path accounting. */
  lastPath = PATH.other;
  /** Bytes from the frame's start the last decision rewrote in place (the destination MAC, or an ARP request turned into its reply): the lines the driver writes back. */
  lastRewrittenBytes = 0;
  /** Look-up table entries the last `translate` read (the hardware translator's time follows from it). */
  lastProbes = 0;
  readonly pathNames = FW_PATHS;
  readonly counts = {
    inbound: 0, outboundRedirected: 0, arpReplies: 0, gratuitousArps: 0, translated: 0, newFlows: 0, maglevFallbacks: 0, cpuInbound: 0, cpuOutbound: 0,
    /** Inbound frames sent to a server's MAC by a misled router (balanced all the same), and frames between servers. */
    misdirectedInbound: 0, serverToServer: 0,
    /** Probe answers matching no waiting probe (late), and SYNs that kept their flow's server (retransmissions). */
    lateProbeAnswers: 0, synRetransmits: 0,
    /** ICMP errors quoting no flow the table holds: placed by the consistent hash, no entry made. */
    icmpErrorsUnmatched: 0,
  };
  /** State changes declared by health monitoring (or by removeServer): a loaded switch whose probes time out shows them. */
  readonly healthChanges = { serverDowns: 0, serverUps: 0, routerDowns: 0, routerUps: 0 };
  /** Every health change, in order: when (ps), who, and what (control plane: a list, not per frame). */
  readonly healthLog: { atPs: number; name: string; change: "down" | "up"; cause: HealthCause }[] = [];
  /** Time source (ps); the board's simulator once attached. */
  now: () => number = () => 0;

  constructor(config: SwitchConfigInput) {
    this.config = SwitchConfigSchema.parse(config);
    this.flows = new FlowTable(this.config.flowTableSize);
    this.flows.onEvict = (slot) => this.evicted(slot);
    this.tableCost = new TableCost(this.flows, DRAM_TABLE_BASE);
    this.clusters = this.config.clusters.map((c, index) => {
      const servers: Server[] = c.servers.map((s, i) => ({
        name: s.name, mac: s.mac, port: s.port, weight: s.weight, state: "up", removed: false, draining: false,
        role: c.mode === "availability" ? (i === 0 ? "primary" : "secondary-operational") : "secondary-operational",
        gen: 0, active: 0, inactive: 0, load: 0, loadReported: false, changedAt: 0, stats: { packets: 0, bytes: 0, flows: 0 },
      }));
      const n = servers.length;
      const cl: Cluster = {
        index, name: c.name, vip: c.vip, vmac: c.vmac, mode: c.mode, policy: c.policy, ipsecByClient: c.ipsecKey === "client", servers, maglev: new Int16Array(0), rr: 0,
        wrrCredit: new Float64Array(n), owBase: new Float64Array(n), owGiven: new Float64Array(n), owUnit: 1,
        stats: { packets: 0, bytes: 0, flows: 0, drops: 0 }, dropsByCause: {},
      };
      this.byVmac.set(c.vmac, cl);
      this.byVip.set(c.vip, cl);
      for (const s of servers) this.index(cl, s);
      return cl;
    });
    for (const c of this.clusters) this.rebuild(c);
    this.routers = this.config.routerPools.flatMap((p, pool) => p.routers.map((r) => ({ name: r.name, ip: r.ip, mac: r.mac, port: r.port, up: true, pool, stats: { arpAnswers: 0, redirectedFrames: 0, arpCorrections: 0 }, assigned: 0, correctedAt: -Infinity })));
    for (const r of this.routers) {
      this.routerByMac.set(r.mac, r);
      this.routerByIp.set(r.ip, r);
      this.routerOnPort.set(r.port, r);
    }
  }

  private index(cl: Cluster, s: Server): void {
    this.clusterOf.set(s, cl);
    const add = (m: Map<number, Server[]>, k: number) => m.set(k, [...(m.get(k) ?? []), s]);
    add(this.serversOnPort, s.port);
    add(this.serversByMac, s.mac);
  }

  private unindex(s: Server): void {
    const drop = (m: Map<number, Server[]>, k: number) => {
      const rest = (m.get(k) ?? []).filter((x) => x !== s);
      if (rest.length) m.set(k, rest);
      else m.delete(k);
    };
    drop(this.serversOnPort, s.port);
    drop(this.serversByMac, s.mac);
  }

  // ---------- board integration ----------

  /** Installs the firmware on a board: address entries, probe timers, the CPU path. */
  attach(board: BoardApi): void {
    this.board = board;
    this.pool = board.pool;
    this.now = () => board.sim.now;
    board.sim.onResetStats(() => this.resetStats());
    this.inlineTranslator = board.inlineTranslator === true;
    if (board.spec.fsram) this.tableCost = new TableCost(this.flows, FSRAM_TABLE_BASE);
    for (const c of this.clusters) {
      // frames for the virtual MAC are intervened: to the translator where the board has one
      board.setAddressEntry(c.vmac, board.hasTranslator ? TRANSLATE_PORT : CPU_PORT, true);
      for (const s of c.servers) this.serverEntry(s);
    }
    this.config.routerPools.forEach((_, pi) => this.poolEntries(pi));
    // the switch's own MAC (its probes' source): their answers go to the CPU's control ring
    board.setAddressEntry(this.config.switchMac, CONTROL_PORT, true);
    this.startControlPlane(board);
  }

  /**
   * A server's address-table entry. Nothing legitimate is switched to a server's MAC: routers
   * know only virtual MACs, and the CPU and 5E's CPLD send inbound frames straight to the
   * server's port. So the entry carries the intervention flag, and a frame addressed to a server
   * (spoofed ARP, a router misled into using a server's MAC) reaches the firmware. On 5F the
   * circuit cards' ASICs rewrite inbound frames before the address table, so the flag would turn
   * every inbound frame back to the CPU: there the ASIC applies the same rule (`translate`) and the
   * circuit cards' entries are plain; the Ethernet cards' keep the flag (no ASIC before them).
   */
  private serverEntry(s: Server): void {
    this.board?.setAddressEntry(s.mac, s.port, true, true);
  }

  // ---------- health monitoring and availability (control plane, xstate on simulation time) ----------

  private startControlPlane(board: BoardApi): void {
    const clock = (this.clock = new SimClock(board.sim));
    const probes = (this.probes = new HealthProbes(board, clock, this.config.switchIp));
    this.clusters.forEach((c, ci) => {
      const hc = this.config.clusters[ci]!.health;
      for (const s of c.servers) if (!s.removed) this.startServer(c, s);
      if (c.policy === "optimal-workload") {
        // the patent's periodic load-balancing routine, as a CPU job every balancePeriodPs
        const round: SimEvent = board.sim.event(`fw.${c.name}.balance`, () => {
          board.runOnCpu((trace) => {
            trace.op("balanceRound");
            balanceRound(c);
          });
          board.sim.scheduleIn(round, this.config.balancePeriodPs);
        }, Priority.Timer);
        board.sim.scheduleIn(round, this.config.balancePeriodPs);
      }
      const tick: SimEvent = board.sim.event(`fw.${c.name}.probe`, () => {
        board.runOnCpu((trace) => {
          for (const s of c.servers) if (!s.removed && s.target) probes.send(s.target, trace);
        });
        board.sim.scheduleIn(tick, hc.intervalPs);
      }, Priority.Timer);
      board.sim.scheduleIn(tick, hc.intervalPs);
    });
    const probeMac = this.config.switchMac;
    this.config.routerPools.forEach((pc, pi) => {
      const hc = pc.health;
      const rs = this.routers.filter((r) => r.pool === pi);
      for (const r of rs) {
        r.target = probes.add({ name: r.name, port: r.port, mac: r.mac, ip: r.ip, fromMac: probeMac, kind: "arp", l4Port: 0, intervalPs: hc.intervalPs, timeoutPs: hc.timeoutPs, rise: hc.rise, fall: hc.fall }, (cause) => this.routerState(r, false, cause), (cause) => this.routerState(r, true, cause));
        this.serverOfTarget[r.target.id] = undefined;
      }
      const tick: SimEvent = board.sim.event(`fw.${pc.name}.probe`, () => {
        board.runOnCpu((trace) => {
          for (const r of rs) probes.send(r.target!, trace);
        });
        board.sim.scheduleIn(tick, hc.intervalPs);
      }, Priority.Timer);
      board.sim.scheduleIn(tick, hc.intervalPs);
    });
  }

  /** Gives a server (in one cluster) its availability machine and its probe target. */
  private startServer(c: Cluster, s: Server): void {
    const hc = this.config.clusters[c.index]!.health;
    if (c.mode === "availability") {
      s.availability = createActor(availabilityMachine, { clock: this.clock, input: { name: s.name, primary: s.role === "primary" } });
      s.availability.start();
    }
    s.target = this.probes!.add({
      name: `${c.name}.${s.name}`, port: s.port, mac: s.mac, ip: c.vip, fromMac: this.config.switchMac, kind: hc.kind,
      l4Port: hc.kind === "load" ? hc.loadPort : hc.tcpPort, intervalPs: hc.intervalPs, timeoutPs: hc.timeoutPs, rise: hc.rise, fall: hc.fall,
    }, (cause) => this.serverState(c, s, "down", cause), (cause) => this.serverState(c, s, "up", cause));
    this.serverOfTarget[s.target.id] = s;
  }

  /** Link state from the controllers: a server's or router's link going down is an immediate failure. */
  linkChanged(port: number, up: boolean): void {
    for (const s of this.serversOnPort.get(port) ?? []) s.target?.link(up);
    this.routerOnPort.get(port)?.target?.link(up);
  }

  // ---------- datapath ----------

  /** The CPU path (Fig 4B stages 435-440, Fig 4C stage 460). */
  handleFrame(h: number, ingressPort: number, cost: CostTrace | undefined): number {
    const pool = this.pool!;
    const buf = pool.bytes(h);
    const len = pool.length(h);
    cost?.op("headerParse");
    this.lastPath = PATH.other;
    this.lastRewrittenBytes = 0;
    if (parseFrame(buf, 0, len, this.parsed) !== ParseStatus.Ok) return this.drop("malformed");
    const p = this.parsed;
    if (p.etherType === 0x0806) {
      this.lastPath = PATH.arp;
      return this.handleArp(h, ingressPort, cost);
    }
    // to the switch itself: its probes' answers come to its own MAC (the control ring); IP for its
    // address sent to a virtual MAC is checked as such too (and dropped: no answer comes that way)
    const cl = this.byVmac.get(p.dst), own = p.dst === this.config.switchMac;
    if ((own || cl) && p.ipProto >= 0 && p.ipDst === this.config.switchIp) {
      this.lastPath = PATH.probeAnswer;
      return this.toSwitch(buf, len, ingressPort);
    }
    if (own) return this.drop("unknownDestination");
    if (cl) return this.inbound(cl, buf, len, cost, false, ingressPort);
    const r = this.routerByMac.get(p.dst);
    if (r) {
      this.lastPath = PATH.redirect;
      return this.redirect(r, buf, len, cost);
    }
    if (this.serversByMac.has(p.dst)) return this.toServerMac(buf, len, ingressPort, cost);
    if (p.dst === BROADCAST_MAC || isMulticast(p.dst)) return this.drop("broadcastIsolated");
    return this.drop("unknownDestination");
  }

  /**
   * The hardware translators' path: the same decision, no cost, nothing originated. -1 hands the
   * frame to the CPU (5E) or lets the controller switch it (5F: toward the CPU, the virtual
   * MACs and failed routers' MACs being flagged); TRANSLATE_DROP has the ASIC discard it.
   */
  translate(h: number): number {
    this.lastProbes = 0;
    const pool = this.pool!;
    const buf = pool.bytes(h);
    const dst = readMac(buf, 0);
    const cl = this.byVmac.get(dst);
    const r = cl ? undefined : this.routerByMac.get(dst);
    const toServer = this.inlineTranslator && !cl && !r && this.serversByMac.has(dst);
    if (!cl && (!r || r.up) && !toServer) return -1;
    const len = pool.length(h);
    if (parseFrame(buf, 0, len, this.parsed) !== ParseStatus.Ok) return toServer ? this.asicDrop("malformed") : -1; // else the CPU counts it
    const p = this.parsed;
    let out: number;
    if (toServer) {
      // 5F's circuit card sees a frame from its port (the router side) addressed to a server's MAC
      const ingress = pool.port[pool.slotOf(h)]!;
      if (p.etherType === 0x0806) return this.routerAnswer(ingress) ? -1 : this.asicDrop(this.serverAt(ingress, p.src) ? "arpIsolated" : "arpSpoofRejected");
      out = this.toServerMac(buf, len, ingress, undefined);
      if (out < 0) return TRANSLATE_DROP;
    } else {
      if (p.etherType !== 0x0800 || p.ipDst === this.config.switchIp) return -1; // ARP, probe answers: the CPU's
      out = cl ? this.fromTable(cl, buf, len, pool.port[pool.slotOf(h)]!) : this.redirect(r!, buf, len, undefined);
      if (out < 0) return -1; // the CPU decides (and counts) what the tables cannot
    }
    this.counts.translated++;
    return out;
  }

  private drop(cause: DropCause): number {
    this.drops[cause]++;
    this.lastDropCause = cause;
    return Verdict.Drop;
  }

  private asicDrop(cause: DropCause): number {
    this.drop(cause);
    return TRANSLATE_DROP;
  }

  private timeoutFor(proto: number): number {
    const t = this.config.timeouts;
    return proto === IpProto.TCP ? t.tcpPs : proto === IpProto.UDP ? t.udpPs : proto === IpProto.ESP || proto === IpProto.AH ? t.espPs : t.otherPs;
  }

  /**
   * An inbound frame for cluster `cl`: its server, by the flow table or the policy, written into
   * the destination MAC. With `translating`, a frame the tables cannot place is left to the CPU
   * uncounted (it is counted once, there).
   */
  /**
   * Functional warming (board-run.ts): decides frame `h`, arrived on `ingress`, as the CPU would,
   * at no simulated cost, so the flow tables (the CPU's, and a translator's) hold what a switch that
   * had been running would hold.
   */
  warm(h: number, ingress: number): void {
    const pool = this.pool!, buf = pool.bytes(h), len = pool.length(h);
    if (parseFrame(buf, 0, len, this.parsed) !== ParseStatus.Ok || this.parsed.etherType !== 0x0800) return;
    const cl = this.byVmac.get(this.parsed.dst);
    if (cl) this.inbound(cl, buf, len, undefined, false, ingress);
  }

  /**
   * A translator's look-up (5E, 5F): the flow's entry in the hardware table, filled by the CPU;
   * a miss (a new flow, or one the table evicted) is the CPU's (-1). The CPU's own table keeps the
   * flow's state: a hit refreshes it (the CPU reads the table's hit bits as it ages its flows).
   */
  private fromTable(cl: Cluster, buf: Uint8Array, len: number, ingress: number): number {
    const table = this.board?.translatorTable?.(ingress);
    if (!table) return this.inbound(cl, buf, len, undefined, true, ingress);
    const p = this.parsed, k = this.key;
    // what changes a flow's state goes to the CPU, which keeps the state: TCP's SYN, FIN and RST
    // segments, and fragments (a datagram's entry)
    if (p.moreFragments || p.fragOffset !== 0 || (p.ipProto === IpProto.TCP && p.tcpFlags & (TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST))) return -1;
    if (!k.fromFrame(p, cl.ipsecByClient) || p.ipDst !== cl.vip) return -1;
    const id = table.lookup(k.hash2(), k.hash());
    this.lastProbes = table.lastProbes;
    if (id < 0 || id >>> SERVER_BITS !== cl.index) return -1;
    // a connection's first segment after its SYN: the CPU records it established (and rewrites the entry)
    if (table.lastState & ENTRY_SYN_ONLY) return -1;
    const srv = cl.servers[id & SERVER_MASK];
    if (!srv || srv.state !== "up" || srv.removed) return -1;
    const slot = this.flows.find(k, k.hash(), this.now());
    if (slot >= 0) this.flows.touch(slot, this.now());
    this.countInbound(cl, len, undefined);
    srv.stats.packets++;
    srv.stats.bytes += len;
    writeMac(buf, 0, srv.mac);
    return srv.port;
  }

  private inbound(cl: Cluster, buf: Uint8Array, len: number, cost: CostTrace | undefined, translating: boolean, ingress = -1): number {
    const server = this.route(cl, cost);
    if (server < 0) {
      if (translating) return -1;
      this.countInbound(cl, len, cost);
      return this.clusterDrop(cl, this.routeCause);
    }
    this.countInbound(cl, len, cost);
    if (!translating && ingress >= 0) {
      // a translator board's CPU path: the frame missed the hardware table; its entry goes there
      const table = this.board?.translatorTable?.(ingress);
      if (table && (this.routeSlot >= 0 || this.parsed.innerProto < 0) && this.parsed.fragOffset === 0) {
        // (an ICMP error quoting no known flow gets no entry here either; later fragments, which
        // the translator always hands to the CPU, none)
        const slot = this.routeSlot, synOnly = slot >= 0 && this.flows.flags[slot]! & FlowFlag.SynOnly ? ENTRY_SYN_ONLY : 0;
        table.install(this.key.hash2(), this.key.hash(), (cl.index << SERVER_BITS) | server, synOnly);
        if (cost) this.board!.recordTableWrites!(cost, ingress, 1);
      }
    }
    const srv = cl.servers[server]!;
    srv.stats.packets++;
    srv.stats.bytes += len;
    writeMac(buf, 0, srv.mac); // the one rewrite: nothing else in the frame changes
    this.lastRewrittenBytes = 6;
    cost?.op("macRewrite");
    return srv.port;
  }

  private countInbound(cl: Cluster, len: number, cost: CostTrace | undefined): void {
    this.counts.inbound++;
    if (cost) this.counts.cpuInbound++;
    cl.stats.packets++;
    cl.stats.bytes += len;
  }

  /** The flow-table slot of the last `route`'s flow (-1: none; availability mode, or the table full). */
  private routeSlot = -1;
  /** Why the last `route` returned -1. */
  private routeCause: DropCause = "malformed";

  /** The server index for the parsed frame in `cl`, or -1 (cause in `routeCause`). */
  private route(cl: Cluster, cost: CostTrace | undefined): number {
    const p = this.parsed, k = this.key, now = this.now();
    this.lastPath = PATH.established;
    this.routeSlot = -1;
    if (!k.fromFrame(p, cl.ipsecByClient)) return this.noRoute(p.moreFragments ? "fragmentUnmatched" : "malformed");
    // the cluster's virtual MAC carries only its virtual IP (docs/firmware.md "Who may send what")
    if (p.ipDst !== cl.vip) return this.noRoute("notForVip");
    if (cl.mode === "availability") {
      const primary = this.primaryOf(cl);
      return primary >= 0 ? primary : this.noRoute("noLiveServer");
    }
    const hash = k.hash();
    cost?.op("flowHash");
    if (p.fragOffset !== 0) return this.laterFragment(cl, hash, cost);
    const isTcp = p.ipProto === IpProto.TCP;
    const isSyn = isTcp && (p.tcpFlags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN;
    const cam = this.board?.spec.cam;
    const flows = this.flows;
    let slot = flows.find(k, hash, now);
    if (cost) {
      if (cam) {
        // the CAM finds the slot; the expiry check and what the lookup wrote are the CPU's
        cost.op("camLookup");
        cost.deviceWait(cam.lookupPs);
        this.tableCost.found(cost, slot);
      } else {
        cost.op("flowLookup");
        this.tableCost.lookup(cost, slot);
      }
    }
    let server = -1;
    if (slot >= 0) {
      const s = cl.servers[flows.server[slot]!];
      const flags = flows.flags[slot]!;
      // an entry whose server failed since (an older generation) or is gone ends: the flow is re-dispatched
      const stale = flows.cluster[slot] !== cl.index || !s || s.state !== "up" || flows.gen[slot] !== s.gen;
      // a SYN on an established or closing entry is a new connection reusing the 5-tuple; on a
      // SYN-only entry it is a retransmission and keeps its server
      if (stale || (isSyn && (flags & FlowFlag.SynOnly) === 0)) {
        flows.remove(slot);
        if (cost) {
          this.tableCost.stores(cost);
          if (cam) this.camWrite(cost, cam.lookupPs); // the entry's word cleared in the CAM
        }
        slot = -1;
      } else {
        server = flows.server[slot]!;
        flows.touch(slot, now);
        if (cost) this.tableCost.touch(cost, slot);
        if (isSyn) this.counts.synRetransmits++;
        else if (flags & FlowFlag.SynOnly) this.established(slot, s!, cost);
      }
    }
    if (server < 0 && p.ipProto === IpProto.ICMP && p.innerProto >= 0) {
      // an ICMP error quoting no flow the table holds (forged, or about a flow gone or placed when
      // the table was full): no entry is made for it, so forged errors cannot fill the table; the
      // consistent hash places it, where such a flow is placed when the table is full
      this.counts.icmpErrorsUnmatched++;
      server = cl.maglev[hash % cl.maglev.length]!;
      return server >= 0 ? server : this.noRoute("noLiveServer");
    }
    if (server < 0) {
      this.lastPath = PATH.newFlow;
      cost?.op("schedule");
      // the consistent hash reads the cluster's Maglev entry (as the C's choose does)
      if (cost && cl.policy === "consistent-hash" && cl.maglev.length > 0) cost.load(maglevAddress(cl.index, hash % cl.maglev.length), 2);
      server = choose(cl, hash);
      if (server < 0) return this.noRoute("noLiveServer");
      // amortised reclaiming: a few slots of the sweep with every new flow
      const from = flows.sweep(now, this.config.flowTableSweepSlots);
      if (cost) this.tableCost.sweep(cost, from, this.config.flowTableSweepSlots);
      const s = cl.servers[server]!;
      const proto = k.proto !== SOURCE_KEY ? k.proto : p.ipProto === IpProto.ICMP && p.innerProto >= 0 ? p.innerProto : p.ipProto;
      const t = isSyn ? this.config.timeouts.synPs : this.timeoutFor(proto);
      slot = flows.insert(k, hash, cl.index, server, s.gen, isSyn ? FlowFlag.SynOnly : 0, now, t);
      if (slot >= 0) {
        if (isSyn) s.inactive++;
        else s.active++;
        s.stats.flows++;
        cl.stats.flows++;
        this.counts.newFlows++;
        if (cost) {
          cost.op("flowInsert");
          this.tableCost.insert(cost);
          if (cam) this.camWrite(cost, cam.lookupPs); // the new flow's key written into the CAM
        }
      } else {
        // table full: the consistent hash decides, deterministically (the policy's choice is not kept)
        this.counts.maglevFallbacks++;
        server = cl.maglev[hash % cl.maglev.length]!;
        if (server < 0) return this.noRoute("noLiveServer");
      }
    }
    // a FIN or RST: the entry stays for the rest of the close (the peer's FIN, last ACKs,
    // retransmissions) and then expires, as IPVS keeps FIN_WAIT/TIME_WAIT entries
    if (slot >= 0 && isTcp && p.tcpFlags & (TcpFlag.FIN | TcpFlag.RST)) this.closing(slot, cost);
    this.routeSlot = slot;
    if (p.moreFragments) this.firstFragment(cl, server, cost);
    return server;
  }

  /** The datagram key (a second key: the flow's stays in `key` for the hardware table). */
  private readonly dgKey = new FlowKey();

  /**
   * A datagram's first fragment went to `server` (its flow's): the datagram's entry, keyed by
   * (client, VIP, IP id, protocol), sends its later fragments there. Not a connection: no server
   * counts it. It lasts `fragmentPs` (a reassembly timeout); with the table full it is not made,
   * and the later fragments are dropped (never sent elsewhere).
   */
  private firstFragment(cl: Cluster, server: number, cost: CostTrace | undefined): void {
    const k = this.dgKey, flows = this.flows, now = this.now();
    k.datagram(this.parsed);
    const hash = k.hash();
    cost?.op("flowHash");
    const slot = flows.find(k, hash, now);
    if (cost) this.tableCost.lookup(cost, slot);
    if (slot >= 0) {
      // a retransmitted datagram reusing its IP id
      flows.server[slot] = server;
      flows.gen[slot] = cl.servers[server]!.gen;
      flows.cluster[slot] = cl.index;
      flows.touch(slot, now);
      if (cost) {
        this.tableCost.repointed(cost, slot);
        this.tableCost.touch(cost, slot);
      }
      return;
    }
    if (flows.insert(k, hash, cl.index, server, cl.servers[server]!.gen, FlowFlag.Datagram, now, this.config.timeouts.fragmentPs) >= 0 && cost) {
      cost.op("flowInsert");
      this.tableCost.insert(cost);
    }
  }

  /** A later fragment: its datagram's server, from the entry its first fragment made; else dropped. */
  private laterFragment(cl: Cluster, hash: number, cost: CostTrace | undefined): number {
    const flows = this.flows, slot = flows.find(this.key, hash, this.now());
    if (cost) {
      cost.op("flowLookup");
      this.tableCost.lookup(cost, slot);
    }
    if (slot < 0) return this.noRoute("fragmentUnmatched");
    const s = cl.servers[flows.server[slot]!];
    if (flows.cluster[slot] !== cl.index || !s || s.state !== "up" || flows.gen[slot] !== s.gen) return this.noRoute("fragmentUnmatched");
    return flows.server[slot]!;
  }

  /**
   * A CAM write (or clear) cycle: the CPU writes the key and the entry's address to the CAM's
   * registers and waits for the cycle, as for a look-up (docs/hardware.md "GT-48002", item 10:
   * the CAM serves one CPU, one operation at a time, so its throughput is the CPU's).
   */
  private camWrite(cost: CostTrace, cyclePs: number): void {
    cost.op("camWrite");
    cost.deviceWait(cyclePs);
  }

  private noRoute(cause: DropCause): number {
    this.routeCause = cause;
    return -1;
  }

  /** A SYN-only entry sees its first other segment: the connection is established. */
  private established(slot: number, s: Server, cost: CostTrace | undefined): void {
    const flows = this.flows;
    flows.flags[slot]! &= ~FlowFlag.SynOnly;
    const closing = (flows.flags[slot]! & FlowFlag.Closing) !== 0;
    if (cost) this.tableCost.flagged(cost, slot, !closing);
    if (closing) return;
    flows.setTimeout(slot, this.config.timeouts.tcpPs);
    s.inactive--;
    s.active++;
  }

  private closing(slot: number, cost: CostTrace | undefined): void {
    const flows = this.flows, f = flows.flags[slot]!;
    if (cost) this.tableCost.flagged(cost, slot, this.config.timeouts.finPs < flows.timeoutOf(slot));
    if (!(f & (FlowFlag.Closing | FlowFlag.SynOnly))) {
      const s = this.clusters[flows.cluster[slot]!]!.servers[flows.server[slot]!]!;
      s.active--;
      s.inactive++;
    }
    flows.closing(slot, this.config.timeouts.finPs);
  }

  /** The flow table is about to drop the entry in `slot`: its server counts one flow less (if the entry is of its current generation). */
  private evicted(slot: number): void {
    const flows = this.flows;
    if (flows.flags[slot]! & FlowFlag.Datagram) return; // not a connection: counted nowhere
    const s = this.clusters[flows.cluster[slot]!]?.servers[flows.server[slot]!];
    if (!s || flows.gen[slot] !== s.gen) return;
    if (flows.flags[slot]! & (FlowFlag.SynOnly | FlowFlag.Closing)) s.inactive--;
    else s.active--;
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
    const live = g && g.up && g.pool === r.pool ? g : this.liveRouter(r.pool, this.parsed.ipProto >= 0 ? this.parsed.ipSrc : 0);
    if (!live) return this.drop("noLiveRouter");
    this.counts.outboundRedirected++;
    r.stats.redirectedFrames++;
    writeMac(buf, 0, live.mac);
    this.lastRewrittenBytes = 6;
    cost?.op("macRewrite");
    return live.port;
  }

  /**
   * A frame addressed to a server's MAC (its entry carries the intervention flag, or 5F's ASIC
   * caught it). From a server: forwarded unchanged (traffic between servers). From the router
   * side: a router was told a server's MAC for a virtual IP (a spoofed ARP reply the hardware
   * switched), or the frame is forged. Traffic for a virtual IP is balanced as inbound, so nothing
   * bypasses the firmware, and the router gets the virtual MAC re-announced; anything else is
   * dropped.
   */
  private toServerMac(buf: Uint8Array, len: number, ingress: number, cost: CostTrace | undefined): number {
    const p = this.parsed;
    if (this.serverAt(ingress, p.src)) {
      this.counts.serverToServer++;
      return this.serversByMac.get(p.dst)![0]!.port;
    }
    const cl = p.ipProto >= 0 ? this.byVip.get(p.ipDst) : undefined;
    if (!cl) return this.drop("serverMacFromRouterSide");
    this.counts.misdirectedInbound++;
    const r = this.routerOnPort.get(ingress);
    if (r) this.correctRouter(r, cl, cost);
    return this.inbound(cl, buf, len, cost, false); // on 5F's ASIC too: no CPU sees this frame after it
  }

  /**
   * Re-announces `cl`'s virtual MAC to router `r` (a gratuitous ARP reply, unicast), at most once
   * per probe interval of its pool: a router that sent a virtual IP's traffic to a server's MAC
   * was misled, and this undoes it.
   */
  private correctRouter(r: Router, cl: Cluster, cost: CostTrace | undefined): void {
    const b = this.board;
    if (!b) return;
    const now = b.sim.now, holdoff = this.config.routerPools[r.pool]!.health.intervalPs;
    if (now - r.correctedAt < holdoff) return;
    r.correctedAt = now;
    const send = (trace: CostTrace) => {
      // the gratuitous ARP is the control plane's, not the C path's (recorded in isa mode too)
      const c = trace.cPath;
      trace.cPath = false;
      trace.op("arpReply");
      trace.cPath = c;
      r.stats.arpCorrections++;
      this.gratuitousArp(r.port, cl.vip, cl.vmac, r.mac);
    };
    if (cost) send(cost);
    else b.runOnCpu(send);
  }

  // ---------- ARP ----------

  /** The server of `mac` attached to `port`, if the configuration has one there. */
  private serverAt(port: number, mac: number): Server | undefined {
    const on = this.serversOnPort.get(port);
    if (on) for (let i = 0; i < on.length; i++) if (on[i]!.mac === mac) return on[i];
    return undefined;
  }

  /** The copy of the server (`port`, `mac`) in cluster `cl`, if it serves it. */
  private memberAt(cl: Cluster, port: number, mac: number): Server | undefined {
    const on = this.serversOnPort.get(port);
    if (on) for (let i = 0; i < on.length; i++) if (on[i]!.mac === mac && this.clusterOf.get(on[i]!) === cl) return on[i];
    return undefined;
  }

  /** Whether the parsed ARP frame is a reply from the router on `port` about its own address. */
  private routerAnswer(port: number): boolean {
    const p = this.parsed, r = this.routerOnPort.get(port);
    return p.arpOp === ArpOp.Reply && r !== undefined && r.mac === p.arpSenderMac && r.ip === p.arpSenderIp && p.src === r.mac;
  }

  /**
   * Whether an ARP frame claims an address that is not its sender's to claim. From the router
   * side (any port without a server, or a sender MAC that is not the port's server): a virtual
   * IP (only the switch answers for it), a server's MAC, or a router's IP or MAC from another
   * port. From a server: a router's IP, or the virtual IP of a cluster it does not serve.
   */
  private spoofed(ingress: number, srv: Server | undefined): boolean {
    const p = this.parsed, ip = p.arpSenderIp, m = p.arpSenderMac;
    if (srv) {
      if (this.routerByIp.has(ip)) return true;
      const cl = this.byVip.get(ip);
      return cl !== undefined && !this.memberAt(cl, ingress, m);
    }
    if (this.byVip.has(ip) || this.serversByMac.has(m)) return true;
    const r = this.routerByIp.get(ip) ?? this.routerByMac.get(m);
    return r !== undefined && (r.mac !== m || r.port !== ingress || (ip !== 0 && r.ip !== ip));
  }

  private handleArp(h: number, ingress: number, cost: CostTrace | undefined): number {
    const p = this.parsed;
    cost?.op("arpProcess");
    const srv = this.serverAt(ingress, p.arpSenderMac);
    // ARP addressed to a server reaches the CPU only by its entry's intervention flag. It is let
    // through only from a router, on its own port, answering for its own address (a server
    // refreshing its gateway by unicast); anything else would teach a server an address the
    // switch did not give it
    if (this.serversByMac.has(p.dst)) {
      if (!srv && this.routerAnswer(ingress)) return this.serversByMac.get(p.dst)![0]!.port;
      return this.drop(srv ? "arpIsolated" : "arpSpoofRejected");
    }
    if (this.spoofed(ingress, srv)) return this.drop("arpSpoofRejected");
    if (p.arpOp === ArpOp.Request) {
      const cl = this.byVip.get(p.arpTargetIp);
      if (cl) {
        // a server's ARP about its own cluster's virtual IP never leaves (no conflicts); the
        // routers, and servers of other clusters, get the virtual MAC (proxy ARP)
        if (srv && this.memberAt(cl, ingress, p.arpSenderMac)) return this.drop("arpIsolated");
        return this.reply(h, ingress, cl.vmac, cl.vip, cost);
      }
      const r = this.routerByIp.get(p.arpTargetIp);
      if (r && srv) {
        // router pooling: answer with the pool router best able to take this server's load
        this.serverIpOf.set(srv.mac, p.arpSenderIp);
        const best = this.liveRouter(r.pool, p.arpSenderIp);
        if (!best) return this.drop("noLiveRouter");
        best.stats.arpAnswers++;
        this.assign(srv.mac, best);
        return this.reply(h, ingress, best.mac, r.ip, cost);
      }
      return this.drop("arpUnanswered");
    }
    // replies (also gratuitous ones): the answers to the switch's ARP probes
    if (p.arpOp === ArpOp.Reply) {
      let t: ProbeTarget | undefined;
      if (srv) {
        const cl = this.byVip.get(p.arpSenderIp);
        t = cl ? this.memberAt(cl, ingress, p.arpSenderMac)?.target : undefined;
      } else {
        const r = this.routerOnPort.get(ingress);
        if (r && r.mac === p.arpSenderMac && r.ip === p.arpSenderIp) t = r.target;
      }
      if (t && t.spec.kind === "arp" && !t.answer(-1)) this.counts.lateProbeAnswers++;
    }
    return Verdict.Consumed;
  }

  /**
   * A frame to the switch's own address: the answer to an ICMP-echo, TCP-connect or load probe.
   * It counts only from the port and MAC of the target its token was sent to.
   */
  private toSwitch(buf: Uint8Array, len: number, ingress: number): number {
    const p = this.parsed, l4 = p.l4Offset;
    let token = -1, load = -1;
    if (p.ipProto === IpProto.ICMP && p.icmpType === 0 && l4 + 8 <= len) token = (buf[l4 + 4]! << 8) | buf[l4 + 5]!;
    else if (p.ipProto === IpProto.TCP && (p.tcpFlags & (TcpFlag.SYN | TcpFlag.ACK)) === (TcpFlag.SYN | TcpFlag.ACK)) {
      const ack = ((buf[l4 + 8]! << 24) | (buf[l4 + 9]! << 16) | (buf[l4 + 10]! << 8) | buf[l4 + 11]!) >>> 0;
      token = p.dstPort - PROBE_PORT_BASE;
      if (ack !== token + 1) token = -1;
    } else if (p.ipProto === IpProto.UDP && l4 + 12 <= len) {
      token = p.dstPort - PROBE_PORT_BASE;
      const o = l4 + 8;
      load = ((buf[o]! << 24) | (buf[o + 1]! << 16) | (buf[o + 2]! << 8) | buf[o + 3]!) >>> 0;
    } else return Verdict.Consumed; // something else for the switch's address: not a probe answer
    const t = this.probes?.ownerOf(token);
    const from = this.serverAt(ingress, p.src);
    if (t && (t.spec.port !== ingress || t.spec.mac !== p.src)) return this.drop("spoofedProbeAnswer");
    if (!t) {
      if (!from) return this.drop("spoofedProbeAnswer");
      this.counts.lateProbeAnswers++;
      return Verdict.Consumed;
    }
    if (ANSWER_PROTO[t.spec.kind] !== p.ipProto) return this.drop("spoofedProbeAnswer");
    if (!t.answer(token)) {
      this.counts.lateProbeAnswers++;
      return Verdict.Consumed;
    }
    const s = this.serverOfTarget[t.id];
    if (s && load >= 0) {
      // the load agent's answer: the server's load figure in thousandths
      s.load = load / 1000;
      s.loadReported = true;
    }
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
    this.lastRewrittenBytes = o + 28;
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

  private rebuild(cl: Cluster): void {
    rebuildMaglev(cl, this.config.maglevSize);
    balanceRound(cl); // the server set changed: measure again
  }

  private primaryOf(cl: Cluster): number {
    const ss = cl.servers;
    for (let i = 0; i < ss.length; i++) if (ss[i]!.role === "primary" && !ss[i]!.removed) return i;
    return -1;
  }

  /** Points server `serverMac` at router `r` (for load accounting). */
  private assign(serverMac: number, r: Router): void {
    const prev = this.gatewayOf.get(serverMac);
    if (prev === r) return;
    if (prev) prev.assigned--;
    r.assigned++;
    this.gatewayOf.set(serverMac, r);
  }

  /**
   * The live router of `pool` for a server whose address is `serverIp`: the patent's "measures of
   * real time traffic load" (`traffic`), or its "simple round robin scheme based on server source
   * IP addresses" (`source-ip`: consecutive addresses take consecutive live routers).
   */
  private liveRouter(pool: number, serverIp: number): Router | undefined {
    const policy = this.config.routerPools[pool]?.policy ?? "traffic";
    let live = 0;
    for (const r of this.routers) if (r.pool === pool && r.up) live++;
    if (live === 0) return undefined;
    if (policy === "source-ip") {
      let k = (serverIp >>> 0) % live;
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

  /**
   * The servers named `name`: its copy in `cluster`, or, without a cluster, every cluster's copy
   * (a name in several clusters is one physical server). Removed servers are not found.
   */
  private copies(name: string, cluster?: string): [Cluster, Server][] {
    const found: [Cluster, Server][] = [];
    for (const c of this.clusters) {
      if (cluster !== undefined && c.name !== cluster) continue;
      for (const s of c.servers) if (s.name === name && !s.removed) found.push([c, s]);
    }
    if (!found.length) throw new Error(`no server named ${name}${cluster !== undefined ? ` in cluster ${cluster}` : ""}`);
    return found;
  }

  /** Declares server `name` failed (in `cluster`, or in every cluster it serves): no new packets go to it, its flows are re-dispatched. */
  serverDown(name: string, cluster?: string): void {
    for (const [c, s] of this.copies(name, cluster)) this.serverState(c, s, "down", "admin");
  }

  /** Declares server `name` operational again: it rejoins (no pre-emption in availability mode). */
  serverUp(name: string, cluster?: string): void {
    for (const [c, s] of this.copies(name, cluster)) this.serverState(c, s, "up", "admin");
  }

  private serverState(cl: Cluster, s: Server, state: "up" | "down", cause: HealthCause): void {
    if (s.state === state || (s.removed && state === "up")) return;
    s.state = state;
    s.changedAt = this.now();
    this.healthLog.push({ atPs: s.changedAt, name: s.name, change: state, cause });
    if (state === "down") this.dropHardwareEntries(cl, s);
    if (state === "down") {
      this.healthChanges.serverDowns++;
      // its flows end: entries of this generation are stale from now on
      s.gen = (s.gen + 1) >>> 0;
      s.active = s.inactive = 0;
      if (cl.mode === "availability") {
        const wasPrimary = s.role === "primary";
        this.availability(s, "FAIL");
        if (wasPrimary) {
          const next = cl.servers.find((x) => x.role === "secondary-operational" && !x.removed);
          if (next) this.availability(next, "PROMOTE");
        }
      }
    } else {
      this.healthChanges.serverUps++;
      if (cl.mode === "availability") {
        this.availability(s, "RESTORE"); // secondary-operational: never pre-empts
        if (!cl.servers.some((x) => x.role === "primary" && !x.removed)) this.availability(s, "PROMOTE");
      }
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

  /**
   * Adds a server to a cluster at run time: it is probed from the next round, takes new flows
   * from now on; established flows stay. Refused (with the reason) if it makes the configuration
   * ambiguous (config.ts `identityProblem`).
   */
  addServer(cluster: string, srv: { name: string; mac: number; port: number; weight?: number }): void {
    const cl = this.clusters.find((c) => c.name === cluster);
    if (!cl) throw new Error(`no cluster named ${cluster}`);
    const live = (c: Cluster) => c.servers.filter((s) => !s.removed);
    const problem = identityProblem(
      this.clusters.map((c) => ({ ...c, servers: c === cl ? [...live(c), srv] : live(c) })),
      this.config.routerPools.map((p, pi) => ({ name: p.name, routers: this.routers.filter((r) => r.pool === pi) })),
      this.config.switchIp,
      this.config.switchMac,
    );
    if (problem) throw new Error(`cannot add server ${srv.name} to ${cluster}: ${problem.message}`);
    const s: Server = {
      name: srv.name, mac: srv.mac, port: srv.port, weight: srv.weight ?? 1, state: "up", removed: false, draining: false,
      role: cl.mode === "availability" && this.primaryOf(cl) < 0 ? "primary" : "secondary-operational",
      gen: 0, active: 0, inactive: 0, load: 0, loadReported: false, changedAt: this.now(), stats: { packets: 0, bytes: 0, flows: 0 },
    };
    cl.servers.push(s);
    resizeCluster(cl);
    this.index(cl, s);
    this.serverEntry(s);
    if (this.board) this.startServer(cl, s);
    this.rebuild(cl);
  }

  /**
   * Removes a server (from `cluster`, or from every cluster it serves) for good: it is never
   * probed, counted or chosen again; a removed primary hands over as a failed one does; its flows
   * are re-dispatched on their next packet. It stays in the list, renamed `<name>#removed`, so
   * indexes stay stable and the name can be added again.
   */
  removeServer(name: string, cluster?: string): void {
    for (const [c, s] of this.copies(name, cluster)) {
      s.target?.retire();
      this.serverState(c, s, "down", "admin");
      s.removed = true;
      s.weight = 0;
      s.active = s.inactive = 0;
      s.availability?.stop();
      s.name = `${s.name}#removed`;
      this.unindex(s);
      this.rebuild(c);
    }
  }

  /** Sets a server's weight (the weighted policies) and rebuilds its cluster's table. */
  setWeight(name: string, weight: number, cluster?: string): void {
    for (const [c, s] of this.copies(name, cluster)) {
      s.weight = weight;
      this.rebuild(c);
    }
  }

  /** Draining: no new flows; established ones continue. */
  drain(name: string, on = true, cluster?: string): void {
    for (const [c, s] of this.copies(name, cluster)) {
      s.draining = on;
      this.rebuild(c);
    }
  }

  /** Records a server's load report, which the optimal-workload policy reads. */
  reportLoad(name: string, load: number, cluster?: string): void {
    for (const [, s] of this.copies(name, cluster)) {
      s.load = load;
      s.loadReported = true;
    }
  }

  /** Declares a router down (administratively): its traffic moves to the pool's live routers. */
  routerDown(name: string): void {
    const r = this.routers.find((x) => x.name === name);
    if (r) this.routerState(r, false, "admin");
  }

  /** Declares a router up again. */
  routerUp(name: string): void {
    const r = this.routers.find((x) => x.name === name);
    if (r) this.routerState(r, true, "admin");
  }

  private routerState(r: Router, up: boolean, cause: HealthCause): void {
    if (r.up === up) return;
    r.up = up;
    this.healthLog.push({ atPs: this.now(), name: r.name, change: up ? "up" : "down", cause });
    this.poolEntries(r.pool);
    if (up) {
      this.healthChanges.routerUps++;
      return;
    }
    this.healthChanges.routerDowns++;
    // frames still sent to its MAC are intervened and redirected (poolEntries); gratuitous ARP
    // re-points its servers, each to the pool's least-assigned live router
    for (const [mac, copies] of this.serversByMac) {
      const g = this.gatewayOf.get(mac);
      if (g !== undefined && g !== r) continue; // pointed elsewhere: nothing to change
      const s = copies[0]!;
      const live = this.liveRouter(r.pool, this.serverIpOf.get(mac) ?? this.clusterOf.get(s)!.vip);
      if (!live) continue;
      this.assign(mac, live);
      this.gratuitousArp(s.port, r.ip, live.mac, mac);
    }
  }

  /**
   * The address-table entries of a pool's routers: a live router's is a plain entry; a failed
   * one's carries the intervention flag, so frames still sent to it are redirected (Fig 4C stage
   * 460), but only while the pool has a live router to redirect them to. With none, the CPU could
   * only drop them (`noLiveRouter`), at its full cost per frame, on top of whatever else it carries:
   * the frames go to the router they are addressed to instead, as if no router had failed.
   */
  private poolEntries(pool: number): void {
    const b = this.board;
    if (!b) return;
    let live = false;
    for (const r of this.routers) if (r.pool === pool && r.up) live = true;
    for (const r of this.routers) {
      if (r.pool !== pool) continue;
      const redirect = !r.up && live;
      b.setAddressEntry(r.mac, redirect ? (b.hasTranslator ? TRANSLATE_PORT : CPU_PORT) : r.port, redirect);
    }
  }

  /** A failed server's entries leave the hardware tables (the CPU writes each one empty). */
  private dropHardwareEntries(cl: Cluster, s: Server): void {
    const b = this.board;
    const tables = b?.translatorTables?.();
    if (!b || !tables || tables.length === 0) return;
    const id = (cl.index << SERVER_BITS) | cl.servers.indexOf(s);
    let n = 0;
    for (const t of tables) n += t.invalidateServer(id);
    if (n > 0) b.runOnCpu((trace) => b.recordTableWrites!(trace, -1, n));
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
    for (const r of this.routers) r.stats.arpAnswers = r.stats.redirectedFrames = r.stats.arpCorrections = 0;
    for (const t of this.probes?.targets ?? []) for (const k of Object.keys(t.stats) as (keyof ProbeTarget["stats"])[]) t.stats[k] = 0;
    this.flows.resetStats();
  }

  /**
   * Every target's probes added up: sent, answered, failed (counted against their targets), late
   * answers, voided (the switch lost frames of the target's port: its own overload) and excused
   * (the host kept sending: its own congestion, not a failure).
   */
  probeTotals(): ProbeTarget["stats"] {
    const sum = { sent: 0, answered: 0, failed: 0, late: 0, voided: 0, excused: 0 };
    for (const t of this.probes?.targets ?? []) for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += t.stats[k];
    return sum;
  }

  /** The role of every server of a cluster (availability mode). */
  roles(cluster: string): Record<string, AvailabilityRole> {
    const c = this.clusters.find((x) => x.name === cluster);
    if (!c) throw new Error(`no cluster named ${cluster}`);
    return Object.fromEntries(c.servers.filter((s) => !s.removed).map((s) => [s.name, s.role]));
  }

  /** A snapshot of the firmware's state and counters: clusters, servers, routers, drops. */
  read() {
    const flows = this.flows.read();
    return {
      counts: { ...this.counts },
      healthChanges: { ...this.healthChanges },
      drops: Object.fromEntries(Object.entries(this.drops).filter(([, n]) => n > 0)),
      // the flow table's occupancy and churn; while it is full, new flows are placed by the consistent hash
      flows: { ...flows, occupancy: flows.flows / flows.capacity, fallbacks: this.counts.maglevFallbacks },
      ...(flows.fullEpisodes > 0 ? { notes: [`flow table full ${flows.fullEpisodes} time(s)${flows.full ? ` (still full, since ${flows.fullSinceUs} us)` : ""}: ${flows.fullRejects} new flows placed by the consistent hash instead of the policy`] } : {}),
      clusters: Object.fromEntries(this.clusters.map((c) => [c.name, {
        ...c.stats, dropsByCause: { ...c.dropsByCause },
        servers: Object.fromEntries(c.servers.map((s) => [s.name, {
          state: s.state, changedAtUs: s.changedAt / 1e6, role: s.role, draining: s.draining, activeFlows: s.active, inactiveFlows: s.inactive, ...(s.loadReported ? { load: s.load } : {}), ...s.stats,
          ...(s.target ? { probes: { ...s.target.stats } } : {}),
          // in: frames the switch sent it (all, from its port); out: frames it sent (outbound never reaches the firmware)
          port: this.board?.portCounters(s.port),
        }])),
      }])),
      routers: Object.fromEntries(this.routers.map((r) => [r.name, { up: r.up, assignedServers: r.assigned, ...r.stats, ...(r.target ? { probes: { ...r.target.stats } } : {}), trafficVector: this.board?.portCounters(r.port) /* tx = toward the router (out), rx = from it (in) */ }])),
    };
  }
}

function writeU32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = (v >>> 16) & 255;
  b[o + 2] = (v >>> 8) & 255;
  b[o + 3] = v & 255;
}
