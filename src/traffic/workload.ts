/**
 * A board workload in the patent's setting (Fig 2): routers on some ports carry clients' traffic
 * to a cluster's virtual IP; servers on the others answer, most bytes flowing server to client.
 * Each router first ARPs for the virtual IP and each server for its default gateway (router
 * pooling answers), then open-loop Poisson traffic starts, IMIX-sized, over client flows (TCP 80 %,
 * UDP 15 %, ESP 5 %). Flows come and go as traffic users know them: each inbound frame opens a new
 * flow with probability 1 / `packetsPerFlow` (so new flows per second = inbound frames per second /
 * packetsPerFlow), joining the `flows` flows open at once in place of the oldest; every other frame
 * belongs to one of the open flows, chosen uniformly. A client's flow comes through one router (its
 * path): each router carries its share of the open flows. The run starts with `flows` flows open (traffic
 * under way), which `prewarm` shows the switch's firmware as a checkpoint of a running switch would
 * hold them, so the share of inbound frames that open a flow is 1 / packetsPerFlow from the first
 * frame, whatever the run's length. Servers answer the switch's health probes. Every frame
 * carries its creation time; deliveries are counted per direction with latency, and the totals
 * add up: injected = delivered + dropped + in flight.
 *
 * Nominal rates (`load` 1.0): 15 Mb/s inbound per router port and 60 Mb/s outbound per server
 * port, in frame bits (FCS included).
 */
import { Board } from "../hw/boards/board.ts";
import { ArpOp, writeArpFrame } from "../net/codec/arp.ts";
import { decodeFrame, encodeFrame } from "../net/codec/ethernet.ts";
import type { Ipv4Payload } from "../net/codec/ipv4.ts";
import type { Mac } from "../net/mac.ts";
import { IpProto, TcpFlag } from "../net/codec/l4.ts";
import { checksum, pseudoHeaderSum } from "../net/checksum.ts";
import { NO_FRAME, type FramePool } from "../net/frame-pool.ts";
import { BROADCAST_MAC, readMac, writeMacHalves } from "../net/mac.ts";
import type { SimEvent } from "../sim/event.ts";
import type { RandomStream } from "../sim/random.ts";
import { Priority } from "../sim/priority.ts";
import type { Simulator } from "../sim/simulator.ts";
import { LatencyHistogram } from "../sim/stats/latency-histogram.ts";
import { SEC } from "../sim/time.ts";
import { IMIX_MEAN_BYTES, imixLength } from "./imix.ts";
import { get32, ipv4Header, put32 } from "../net/write.ts";

export interface WorkloadParams {
  vip: number;
  /** Several clusters (multi-cluster): their virtual IPs; flow f goes to cluster f mod n. Default [vip]. */
  vips?: number[];
  /** Router ports and their MACs/IPs; server ports and their MACs/IPs. */
  routers: { port: number; mac: number; ip: number }[];
  servers: { port: number; mac: number; ip: number; gatewayIp: number }[];
  /** Inbound frame bits per second per router at load 1.0. */
  inboundBpsPerRouter: number;
  /** Outbound frame bits per second per server at load 1.0. */
  outboundBpsPerServer: number;
  load: number;
  /** Client flows open at once (default 2,000): a new flow replaces the oldest. */
  flows: number;
  /**
   * Mean inbound data frames per flow (default 10): each inbound frame opens a new flow with
   * probability 1 / packetsPerFlow (geometric flow sizes). Assumption, docs/results-format.md.
   */
  packetsPerFlow?: number;
  /** Record, per inbound flow key, which server got it, and count frames of a flow that reach another (off the hot path: for tests and the ipsec-and-udp scenario). */
  checkAffinity?: boolean;
  /** Shares of the flows by protocol, in twentieths (default TCP 16, UDP 3, ESP 1, IP-in-IP 0). */
  mix?: { tcp: number; udp: number; esp: number; ipip: number };
  /** Traffic stops at this time (ps); the run may continue to drain. */
  stopPs: number;

}

const DIR_IN = 0, DIR_OUT = 1;

/**
 * A flow's client: an address in 198.18.0.0/15 (RFC 2544's range for benchmarking) and a port in
 * the ephemeral range 49152-65535 (RFC 6335), so no flow lands on a registered service's port
 * (which Wireshark would decode as that service) and keys are unique for 2^31 flows. The address
 * is a signed 32-bit value (see `macHi`).
 */
export function clientIp(flow: number): number {
  return (0xc6120000 + ((flow >>> 14) & 0x1ffff)) | 0;
}
export function clientPort(flow: number): number {
  return 49152 + (flow & 0x3fff);
}

/**
 * Mean inbound data frames per client flow, by default (assumption): a web flow's client side
 * carries its handshake, request and the ACKs of a response of a few to a few dozen segments
 * (typically 5-20 packets), a DNS or RADIUS exchange one or two datagrams; 10 puts the share of
 * inbound frames that open a flow at 10 %.
 */
export const DEFAULT_PACKETS_PER_FLOW = 10;

export class Workload {
  readonly injected = [0, 0];
  readonly delivered = [0, 0];
  readonly deliveredBytes = [0, 0];
  readonly offeredBytes = [0, 0];
  readonly latency = [new LatencyHistogram(), new LatencyHistogram()];
  readonly hostDrops = { poolExhausted: 0, unresolved: 0, misdelivered: 0, serverFailed: 0, routerFailed: 0 };
  /** Inbound data frames that opened a new client flow. */
  flowsOpened = 0;
  /**
   * The open flows, router by router: router i's are slots [i x perRouter, (i + 1) x perRouter), a
   * ring whose oldest is at `oldest[i]`. Flow numbers are seq x routers + router: a flow's router is
   * its number modulo the routers, its cluster and protocol follow from its sequence number.
   */
  private readonly open: Int32Array;
  private readonly flowsPerRouter: number;
  private readonly oldest: Int32Array;
  private readonly nextSeq: Int32Array;
  /** The open-flow slot of the flow last chosen (its ESP sequence numbers live there). */
  private slot = 0;
  private readonly newFlowP: number;
  /** Frames that reached a router or server (data, ARP, probes), counted on arrival, before any host drop. */
  received = 0;
  /** Failed hosts: silent (no answers, no traffic) and dropping what reaches them. */
  readonly serverDown: boolean[];
  readonly routerDown: boolean[];
  /** Per server, data frames delivered to it (inbound spread). */
  readonly perServer: number[];
  /** Inbound data frames delivered, by IP protocol number. */
  readonly perProtocol = new Map<number, number>();
  /** With checkAffinity: inbound frames that reached a different server than earlier frames of their flow. */
  affinityViolations = 0;
  private readonly flowServer = new Map<string, number>();
  /** When a failed server last had a data frame delivered to it (ps), -1 if never. */
  lastFailedServerDropAt = -1;
  private readonly routerVmac: number[][]; // [router][cluster]
  private readonly vips: number[];
  private readonly serverGw: number[];
  /**
   * The frame builder's addresses as small integers: MACs as high and low 24 bits by slot (each
   * router's and server's own, each router's per-cluster virtual MAC, each server's gateway),
   * IPv4 addresses as signed 32-bit values. 48-bit MACs and addresses above 2^31 would be heap
   * numbers at every call V8 does not inline (docs/architecture.md, rule 6).
   */
  private readonly macHi: Int32Array;
  private readonly macLo: Int32Array;
  private readonly vipsI32: Int32Array;
  private readonly rng: RandomStream;
  private started = 0;
  /** Frames each router delivered, by router index (outbound spread). */
  readonly perRouter: number[];

  constructor(private readonly sim: Simulator, private readonly pool: FramePool, private readonly board: Board, readonly p: WorkloadParams) {
    this.rng = sim.streams.stream("workload.flows");
    for (const k of ["inboundBpsPerRouter", "outboundBpsPerServer", "load"] as const) {
      if (!(p[k] >= 0) || p[k] === Infinity) throw new RangeError(`workload ${k} must be a finite number >= 0 (got ${p[k]}); 0 means no traffic that way`);
    }
    const mix = p.mix ?? { tcp: 16, udp: 3, esp: 1, ipip: 0 };
    if (mix.tcp + mix.udp + mix.esp + mix.ipip !== 20) throw new RangeError(`workload mix must add up to 20 twentieths (got ${mix.tcp + mix.udp + mix.esp + mix.ipip})`);
    this.protoOf = new Uint8Array(20);
    if (!Number.isInteger(p.flows) || p.flows < 1) throw new RangeError(`workload flows must be an integer >= 1 (got ${p.flows})`);
    const ppf = p.packetsPerFlow ?? DEFAULT_PACKETS_PER_FLOW;
    if (!(ppf >= 1) || ppf === Infinity) throw new RangeError(`workload packetsPerFlow must be a finite number >= 1 (got ${ppf})`);
    this.newFlowP = 1 / ppf;
    // the flows open when the run starts: the clients' traffic was under way before it (see prewarm)
    const nR = Math.max(1, p.routers.length);
    this.flowsPerRouter = Math.max(1, Math.floor(p.flows / nR));
    this.open = new Int32Array(this.flowsPerRouter * nR);
    for (let r = 0; r < nR; r++) for (let j = 0; j < this.flowsPerRouter; j++) this.open[r * this.flowsPerRouter + j] = j * nR + r;
    this.oldest = new Int32Array(nR);
    this.nextSeq = new Int32Array(nR).fill(this.flowsPerRouter);
    this.espSeq = new Uint32Array(2 * p.flows);
    let k = 0;
    for (const [proto, n] of [[IpProto.TCP, mix.tcp], [IpProto.UDP, mix.udp], [IpProto.ESP, mix.esp], [IpProto.IPIP, mix.ipip]] as const) for (let i = 0; i < n; i++) this.protoOf[k++] = proto;
    this.vips = p.vips ?? [p.vip];
    this.routerVmac = p.routers.map(() => this.vips.map(() => -1));
    this.serverGw = p.servers.map(() => -1);
    const slots = p.routers.length * (1 + this.vips.length) + 2 * p.servers.length;
    this.macHi = new Int32Array(slots);
    this.macLo = new Int32Array(slots);
    this.vipsI32 = Int32Array.from(this.vips);
    this.perRouter = p.routers.map(() => 0);
    this.serverDown = p.servers.map(() => false);
    this.routerDown = p.routers.map(() => false);
    this.perServer = p.servers.map(() => 0);
    p.routers.forEach((r, i) => this.attachRouter(r, i));
    p.servers.forEach((s, i) => this.attachServer(s, i));
    sim.onResetStats(() => this.resetStats());
  }

  /**
   * Functional warming (as gem5 warms caches and predictors before a detailed run): each flow open
   * at the start has its first inbound frame built and handed to `decide` (the firmware's own
   * decision, at no simulated time or cost), so the switch's flow table holds what a switch that had
   * been running would hold. `vmacs` are the clusters' virtual MACs (the routers learn them by ARP).
   */
  prewarm(vmacs: number[], decide: (h: number, ingressPort: number) => void): void {
    const saved = this.slot;
    this.vips.forEach((_, cl) => this.setMacSlot(this.routerVmacSlot(0, cl), vmacs[cl]!));
    for (let s = 0; s < this.open.length; s++) {
      const flow = this.open[s]!, cl = this.clusterOf(flow);
      const router = flow % this.p.routers.length; // its path
      const h = this.frame(64 - 4);
      if (h === NO_FRAME) break;
      this.slot = s;
      this.ip(h, this.routerVmacSlot(0, cl), this.routerMacSlot(router), clientIp(flow), this.vipsI32[cl]!, flow, true);
      decide(h, this.p.routers[router]!.port);
      this.pool.free(h);
    }
    this.espSeq.fill(0);
    this.slot = saved;
  }

  /** The flow of router `r`'s next inbound frame: a new one (probability 1 / packetsPerFlow) or one of its open ones. */
  private inboundFlow(r: number): number {
    const per = this.flowsPerRouter, base = r * per;
    if (this.rng.bernoulli(this.newFlowP)) {
      const f = this.nextSeq[r]!++ * this.p.routers.length + r;
      this.flowsOpened++;
      this.slot = base + this.oldest[r]!;
      this.oldest[r] = this.oldest[r]! + 1 === per ? 0 : this.oldest[r]! + 1;
      this.open[this.slot] = f;
      this.espSeq[2 * this.slot] = 0;
      this.espSeq[2 * this.slot + 1] = 0;
      return f;
    }
    this.slot = base + this.rng.uniformInt(0, per - 1);
    return this.open[this.slot]!;
  }

  /** One of the open flows, chosen uniformly (an outbound frame's). */
  private openFlow(): number {
    this.slot = this.rng.uniformInt(0, this.open.length - 1);
    return this.open[this.slot]!;
  }

  /** A flow's sequence number among its router's flows: its cluster and protocol follow from it. */
  private seqOf(flow: number): number {
    return Math.floor(flow / this.p.routers.length);
  }

  private clusterOf(flow: number): number {
    return this.seqOf(flow) % this.vips.length;
  }

  /** Restarts the counters and latency histograms (a warm-up's end); open flows and failures carry on. */
  resetStats(): void {
    for (const a of [this.injected, this.delivered, this.deliveredBytes, this.offeredBytes, this.perServer, this.perRouter]) a.fill(0);
    for (const l of this.latency) l.reset();
    for (const k of Object.keys(this.hostDrops) as (keyof Workload["hostDrops"])[]) this.hostDrops[k] = 0;
    this.received = 0;
    this.flowsOpened = 0;
    this.perProtocol.clear();
  }

  private routerMacSlot(i: number): number {
    return i;
  }
  private serverMacSlot(i: number): number {
    return this.p.routers.length + i;
  }
  private routerVmacSlot(i: number, cl: number): number {
    return this.p.routers.length + this.p.servers.length + i * this.vips.length + cl;
  }
  private serverGwSlot(i: number): number {
    return this.p.routers.length * (1 + this.vips.length) + this.p.servers.length + i;
  }
  private setMacSlot(slot: number, mac: number): void {
    this.macHi[slot] = Math.floor(mac / 0x1000000);
    this.macLo[slot] = mac % 0x1000000;
  }

  private frame(len: number): number {
    const h = this.pool.alloc();
    if (h === NO_FRAME) {
      this.hostDrops.poolExhausted++;
      return NO_FRAME;
    }
    this.pool.setLength(h, len);
    this.pool.ingressTime[this.pool.slotOf(h)] = this.sim.now;
    return h;
  }

  private arp(op: number, dst: number, srcMac: number, srcIp: number, tgtMac: number, tgtIp: number): number {
    const h = this.frame(60);
    if (h === NO_FRAME) return h;
    writeArpFrame(this.pool.bytes(h), op, dst, srcMac, srcIp, tgtMac, tgtIp);
    this.pool.flowId[this.pool.slotOf(h)] = -1; // control traffic: not counted in the workload
    return h;
  }

  /** ESP sequence number per flow and direction. */
  private readonly espSeq: Uint32Array;
  /** Protocol of each flow by flow number mod 20, from the mix. */
  private readonly protoOf: Uint8Array;

  /**
   * Writes an IPv4 + TCP/UDP/ESP/IP-in-IP packet of total frame length `len` with valid checksums,
   * between the MACs in slots `dstMac` and `srcMac` and the addresses `src` and `dst` (as signed
   * 32-bit values; see `macHi`).
   */
  private ip(h: number, dstMac: number, srcMac: number, src: number, dst: number, flow: number, inbound: boolean): void {
    const b = this.pool.bytes(h), len = this.pool.length(h);
    writeMacHalves(b, 0, this.macHi[dstMac]!, this.macLo[dstMac]!);
    writeMacHalves(b, 6, this.macHi[srcMac]!, this.macLo[srcMac]!);
    b[12] = 8;
    b[13] = 0;
    const total = len - 14;
    // 7 is prime to 20: any 20 consecutive flows of a router take the mix exactly, and a few flows take several protocols
    const proto = this.protoOf[(this.seqOf(flow) * 7) % 20]!;
    if (proto === IpProto.IPIP && len < 70) {
      this.pool.setLength(h, 70); // outer and inner IPv4 headers and a UDP header need room
      return this.ip(h, dstMac, srcMac, src, dst, flow, inbound);
    }
    ipv4Header(b, 14, total, proto);
    put32(b, 26, src);
    put32(b, 30, dst);
    const c = checksum(b, 14, 20);
    b[24] = c >> 8;
    b[25] = c & 255;
    const l4 = 34, n = total - 20;
    const cport = clientPort(flow);
    b.fill(0, l4, l4 + n);
    if (proto === IpProto.ESP) {
      // an SA per flow and direction, with its own incrementing sequence number (RFC 4303)
      put32(b, l4, ((inbound ? 0x100 : 0x8000_0000 + 0x100) + flow) | 0);
      put32(b, l4 + 4, ++this.espSeq[2 * this.slot + (inbound ? 0 : 1)]!);
      return;
    }
    if (proto === IpProto.IPIP) {
      // the inner packet: a UDP datagram between the same ends (checksum 0: none)
      const inner = n;
      ipv4Header(b, l4, inner, IpProto.UDP);
      put32(b, l4 + 12, src);
      put32(b, l4 + 16, dst);
      const ic = checksum(b, l4, 20);
      b[l4 + 10] = ic >> 8;
      b[l4 + 11] = ic & 255;
      const u = l4 + 20, un = inner - 20;
      const cp = clientPort(flow);
      const usp = inbound ? cp : 1812, udp = inbound ? 1812 : cp;
      b[u] = usp >> 8;
      b[u + 1] = usp & 255;
      b[u + 2] = udp >> 8;
      b[u + 3] = udp & 255;
      b[u + 4] = un >> 8;
      b[u + 5] = un & 255;
      return;
    }
    const service = proto === IpProto.TCP ? 80 : 53;
    const sp = inbound ? cport : service, dp = inbound ? service : cport;
    b[l4] = sp >> 8;
    b[l4 + 1] = sp & 255;
    b[l4 + 2] = dp >> 8;
    b[l4 + 3] = dp & 255;
    if (proto === IpProto.TCP) {
      put32(b, l4 + 4, 1000);
      put32(b, l4 + 8, 2000);
      b[l4 + 12] = 0x50;
      b[l4 + 13] = TcpFlag.ACK | TcpFlag.PSH;
      b[l4 + 14] = 0x20;
      // the payload is zeros, which add nothing to the one's-complement sum: the header's 20 bytes are the segment's sum
      const ck = checksum(b, l4, 20, pseudoHeaderSum(src, dst, IpProto.TCP, n));
      b[l4 + 16] = ck >> 8;
      b[l4 + 17] = ck & 255;
    } else {
      b[l4 + 4] = n >> 8;
      b[l4 + 5] = n & 255;
      const ck = checksum(b, l4, 8, pseudoHeaderSum(src, dst, IpProto.UDP, n)) || 0xffff; // zero payload: as above
      b[l4 + 6] = ck >> 8;
      b[l4 + 7] = ck & 255;
    }
  }

  private attachRouter(r: WorkloadParams["routers"][number], i: number): void {
    const { sim, pool, board, p } = this;
    const meanGap = ((IMIX_MEAN_BYTES * 8) / (p.inboundBpsPerRouter * p.load)) * SEC;
    this.setMacSlot(this.routerMacSlot(i), r.mac);
    const arrivals = sim.streams.stream(`router${i}.arrivals`);
    const sizes = sim.streams.stream(`router${i}.sizes`);
    const send: SimEvent = sim.event(`router${i}.send`, () => {
      if (sim.now > p.stopPs) return;
      if (this.routerDown[i]) return sim.scheduleIn(send, Math.max(1, arrivals.exponentialRound(meanGap))); // its clients' traffic is lost upstream
      const len = imixLength(sizes);
      const flow = this.inboundFlow(i);
      this.injected[DIR_IN]!++;
      const h = this.frame(len);
      if (h !== NO_FRAME) {
        this.pool.flowId[pool.slotOf(h)] = DIR_IN;
        const cl = this.clusterOf(flow);
        this.ip(h, this.routerVmacSlot(i, cl), this.routerMacSlot(i), clientIp(flow), this.vipsI32[cl]!, flow, true);
        this.offeredBytes[DIR_IN]! += pool.length(h) + 4;
        board.portIn(r.port).send(h);
      } else this.offeredBytes[DIR_IN]! += len + 4;
      sim.scheduleIn(send, Math.max(1, arrivals.exponentialRound(meanGap)));
    }, Priority.Default);
    board.portOut(r.port).receiver = (h) => {
      this.received++;
      const b = pool.bytes(h), slot = pool.slotOf(h);
      if (this.routerDown[i]) {
        this.hostDrops.routerFailed++;
        pool.free(h);
        return;
      }
      if (b[12] === 8 && b[13] === 6) {
        const cl = b[21] === ArpOp.Reply && readMac(b, 0) === r.mac ? this.vips.indexOf(get32(b, 28)) : -1;
        if (cl >= 0) {
          const vm = this.routerVmac[i]!;
          const wasResolved = vm.every((x) => x >= 0);
          vm[cl] = readMac(b, 22);
          this.setMacSlot(this.routerVmacSlot(i, cl), vm[cl]!);
          // traffic starts once every virtual IP is resolved
          if (!wasResolved && vm.every((x) => x >= 0) && meanGap < Infinity) sim.scheduleIn(send, arrivals.exponentialRound(meanGap));
        } else if (b[21] === ArpOp.Request && readMac(b, 0) === r.mac) {
          // a health probe: answer it
          const reply = this.arp(ArpOp.Reply, readMac(b, 6), r.mac, r.ip, readMac(b, 6), get32(b, 28));
          if (reply !== NO_FRAME) board.portIn(r.port).send(reply);
        }
        pool.free(h);
        return;
      }
      this.count(h, slot, DIR_OUT, i);
    };
    // first, ARP for the virtual IP
    sim.schedule(sim.event(`router${i}.arp`, () => {
      for (const vip of this.vips) {
        const h = this.arp(ArpOp.Request, BROADCAST_MAC, r.mac, r.ip, 0, vip);
        if (h !== NO_FRAME) board.portIn(r.port).send(h);
      }
    }), 1000 * (i + 1));
  }

  private attachServer(s: WorkloadParams["servers"][number], i: number): void {
    const { sim, pool, board, p } = this;
    const meanGap = ((IMIX_MEAN_BYTES * 8) / (p.outboundBpsPerServer * p.load)) * SEC;
    this.setMacSlot(this.serverMacSlot(i), s.mac);
    const serverIp = s.ip | 0; // signed 32 bits (see macHi)
    const arrivals = sim.streams.stream(`server${i}.arrivals`);
    const sizes = sim.streams.stream(`server${i}.sizes`);
    const send: SimEvent = sim.event(`server${i}.send`, () => {
      if (sim.now > p.stopPs) return;
      if (this.serverDown[i]) return sim.scheduleIn(send, Math.max(1, arrivals.exponentialRound(meanGap))); // a failed server sends nothing
      const len = imixLength(sizes);
      const flow = this.openFlow();
      this.injected[DIR_OUT]!++;
      const h = this.frame(len);
      if (h !== NO_FRAME) {
        this.pool.flowId[pool.slotOf(h)] = DIR_OUT;
        this.ip(h, this.serverGwSlot(i), this.serverMacSlot(i), serverIp, clientIp(flow), flow, false); // its own address: the VIP, or its private IP behind NAT
        this.offeredBytes[DIR_OUT]! += pool.length(h) + 4;
        board.portIn(s.port).send(h);
      } else this.offeredBytes[DIR_OUT]! += len + 4;
      sim.scheduleIn(send, Math.max(1, arrivals.exponentialRound(meanGap)));
    }, Priority.Default);
    board.portOut(s.port).receiver = (h) => {
      this.received++;
      const b = pool.bytes(h), slot = pool.slotOf(h);
      if (this.serverDown[i]) {
        this.hostDrops.serverFailed++;
        if (pool.flowId[slot] === DIR_IN) this.lastFailedServerDropAt = sim.now; // a data frame (not a health probe)
        pool.free(h);
        return;
      }
      if (b[12] === 8 && b[13] === 6) {
        if (b[21] === ArpOp.Reply && get32(b, 28) === s.gatewayIp) {
          if (this.serverGw[i]! < 0 && meanGap < Infinity) sim.scheduleIn(send, arrivals.exponentialRound(meanGap)); // rate 0: no traffic
          this.serverGw[i] = readMac(b, 22); // the ARP cache follows the newest answer (also gratuitous)
          this.setMacSlot(this.serverGwSlot(i), this.serverGw[i]!);
        } else if (b[21] === ArpOp.Request && readMac(b, 0) === s.mac) {
          // the switch's health probe ("who has the VIP?"): the server answers with its own MAC
          const reply = this.arp(ArpOp.Reply, readMac(b, 6), s.mac, s.ip, readMac(b, 6), get32(b, 28));
          if (reply !== NO_FRAME) board.portIn(s.port).send(reply);
        }
        pool.free(h);
        return;
      }
      if (pool.flowId[slot] < 0 && this.answerProbe(h, s.port, s.mac)) return;
      if (readMac(b, 0) !== s.mac) this.hostDrops.misdelivered++;
      else if (pool.flowId[slot] === DIR_IN) {
        this.perServer[i]!++;
        const proto = b[23]!;
        this.perProtocol.set(proto, (this.perProtocol.get(proto) ?? 0) + 1);
        if (p.checkAffinity) {
          // the flow key the switch uses: ports for TCP/UDP, the SPI for ESP, the source for the rest
          const key = `${proto}/${get32(b, 26)}/${proto === 6 || proto === 17 || proto === 50 ? get32(b, 34) : 0}`;
          const had = this.flowServer.get(key);
          if (had === undefined) this.flowServer.set(key, i);
          else if (had !== i) this.affinityViolations++;
        }
      }
      this.count(h, slot, DIR_IN, -1);
    };
    sim.schedule(sim.event(`server${i}.arp`, () => {
      const h = this.arp(ArpOp.Request, BROADCAST_MAC, s.mac, s.ip, 0, s.gatewayIp);
      if (h !== NO_FRAME) board.portIn(s.port).send(h);
    }), 1000 * (20 + i));
    this.started++;
  }

  /**
   * A server answers the switch's ICMP-echo and TCP-connect health probes: an echo reply, or a
   * SYN+ACK from its service port (control plane: built with the codecs). Returns whether `h` was one.
   */
  private answerProbe(h: number, port: number, myMac: number): boolean {
    const d = decodeFrame(this.pool.bytes(h), this.pool.length(h));
    if (!d.ok || d.value.payload.kind !== "ipv4") return false;
    const ip = d.value.payload.ipv4, l4 = ip.payload;
    let reply: Ipv4Payload | undefined;
    if (l4.kind === "icmp" && l4.icmp.type === 8) reply = { kind: "icmp", icmp: { ...l4.icmp, type: 0 } };
    else if (l4.kind === "tcp" && l4.tcp.flags === TcpFlag.SYN) {
      reply = { kind: "tcp", tcp: { srcPort: l4.tcp.dstPort, dstPort: l4.tcp.srcPort, seq: 7, ack: (l4.tcp.seq + 1) >>> 0, flags: TcpFlag.SYN | TcpFlag.ACK, window: 8192, urgent: 0, options: new Uint8Array(0), payload: new Uint8Array(0) } };
    }
    if (!reply) return false;
    const out = encodeFrame({ dst: d.value.src, src: myMac as Mac, etherType: 0x0800, payload: { kind: "ipv4", ipv4: { ...ip, src: ip.dst, dst: ip.src, payload: reply } } });
    this.pool.free(h);
    const r = this.pool.allocFrom(out);
    if (r !== NO_FRAME) this.board.portIn(port).send(r);
    return true;
  }

  private count(h: number, slot: number, dir: number, router: number): void {
    const pool = this.pool;
    if (pool.flowId[slot] === dir) {
      this.delivered[dir]!++;
      this.deliveredBytes[dir]! += pool.length(h) + 4;
      this.latency[dir]!.record(this.sim.now - pool.ingressTime[slot]!);
      if (router >= 0) this.perRouter[router]!++;
    } else this.hostDrops.misdelivered++;
    pool.free(h);
  }
}
