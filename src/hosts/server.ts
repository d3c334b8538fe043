/**
 * A server of a cluster (Fig 2): its own MAC, the cluster's virtual IP, a default gateway reached
 * through an ARP cache that ages and refreshes (router pooling's answers take effect as on a real
 * host), and a service model (workers, service time per kind, bounded backlog). It accepts TCP
 * connections (SYN -> SYN+ACK, ACKs each request segment, serves the request, sends the response
 * in a fixed window with FIN on its last segment, ACKs the client's FIN), answers datagram
 * requests (DNS-like, RADIUS-like, ESP, IP-in-IP) once served, ICMP echo at once (the kernel),
 * ARP, and the switch's probes: ARP, ICMP echo, TCP connect, and the load agent (a UDP query on
 * LOAD_AGENT_PORT answered with the load figure). Frames to the switch's own address go back to
 * the sender's MAC; everything else to the gateway's.
 *
 * Failures: "silent" (the host stops: drops what it receives, sends nothing, loses its
 * connections) or "link" (its link goes down both ways, which the switch's controllers see).
 */
import { IpProto, TcpFlag } from "../net/codec/l4.ts";
import type { FramePool } from "../net/frame-pool.ts";
import { BROADCAST_MAC } from "../net/mac.ts";
import { ParsedFrame, ParseStatus, parseFrame } from "../net/parse.ts";
import { get16, get32, PAYLOAD_OFFSET, put32, writeUdp } from "../net/write.ts";
import type { EthernetChannel } from "../hw/ethernet/link.ts";
import type { Simulator } from "../sim/simulator.ts";
import { LatencyHistogram } from "../sim/stats/latency-histogram.ts";
import type { ArpCache, ArpCacheParams } from "./arp-cache.ts";
import { HostArp } from "./host-arp.ts";
import { connKey, espKey, isnFor, KeyClass } from "./conn-table.ts";
import type { DropLedger } from "./drop-ledger.ts";
import { DIR_IN, DIR_OUT, Endpoint, type TransportParams } from "./endpoint.ts";
import { espCrypt } from "./frames.ts";
import { APP_HEADER, APP_OFFSET, FlowKind, readAppHeader, responseBytes } from "./kinds.ts";
import { ServiceModel, type ServiceParams } from "./service.ts";
import { LOAD_AGENT_PORT } from "../firmware/config.ts";
import { NumMap } from "../sim/num-map.ts";

const SYN_RCVD = 1, RECEIVING = 2, SERVING = 3, SENDING = 4, FIN_WAIT = 5;

export interface ServerParams extends TransportParams {
  name: string;
  index: number;
  mac: number;
  ip: number;
  gatewayIp: number;
  /** Addresses on the switch's link (its probes' source): answered to the sender's MAC. */
  onLink: number[];
  service: ServiceParams;
  arp: ArpCacheParams;
  maxConnections: number;
  /** Response size for a request without a valid application header (replayed traffic), bytes. */
  defaultResponseBytes: number;
  /** Where one-way client-to-server latency is recorded (shared by a cluster's servers). */
  latencyIn?: LatencyHistogram;
}

export type FailureMode = "silent" | "link";

export class ServerHost extends Endpoint {
  protected readonly requester = false;
  readonly arp: ArpCache;
  private readonly arpIo: HostArp;
  readonly service: ServiceModel;
  private readonly parsed = new ParsedFrame();
  private readonly hdrOut = new Int32Array(1);
  private readonly scratch = new Uint8Array(APP_HEADER);
  /** Outbound ESP SAs' last sequence numbers (the security association database's counters). */
  private readonly espSeq = new NumMap(256);
  failed: FailureMode | undefined;
  /** Frames received; requests by kind; probes answered; requests without a header; connections lost. */
  received = 0;
  readonly requests = new Float64Array(6);
  probesAnswered = 0;
  unknownRequests = 0;
  connectionsLost = 0;
  refusedConnections = 0;
  /** Resets sent for segments of connections this host does not have. */
  resetsSent = 0;
  /** FINs of closed connections ACKed again (what TIME_WAIT does). */
  timeWaitAcks = 0;
  /** One-way latency of client-to-server frames. */
  readonly latencyIn: LatencyHistogram;
  /** Wire bytes of client frames received. */
  bytesIn = 0;

  constructor(sim: Simulator, pool: FramePool, ledger: DropLedger, readonly p: ServerParams, private readonly tx: EthernetChannel, private readonly rx: EthernetChannel) {
    super(sim, pool, `${p.name}`, p.maxConnections, p, ledger, DIR_OUT);
    this.arpIo = new HostArp(sim, pool, ledger, "server", p.mac, p.ip, tx, p.arp, () => this.failed !== undefined);
    this.arp = this.arpIo.cache;
    this.service = new ServiceModel(sim, `${p.name}.service`, p.service, sim.streams.stream(`${p.name}.service`), (c) => this.t.kind[c]!, (c) => this.served(c));
    rx.receiver = (h) => this.receive(h);
    this.latencyIn = p.latencyIn ?? new LatencyHistogram();
  }

  /** Boots: asks for its gateway. */
  start(): void {
    this.arp.resolve(this.p.gatewayIp, this.sim.now);
  }

  protected address(c: number): boolean {
    const t = this.t, a = this.a;
    const on = t.peerMac[c]!;
    const mac = on >= 0 ? on : this.arp.lookup(this.p.gatewayIp, this.sim.now);
    if (mac < 0) return false;
    a.dstMac = mac;
    a.srcMac = this.p.mac;
    a.srcIp = this.p.ip;
    a.dstIp = t.peerIp[c]!;
    a.srcPort = t.localPort[c]!;
    a.dstPort = t.peerPort[c]!;
    return true;
  }

  protected transmit(h: number): void {
    this.tx.send(h);
  }

  protected retry(c: number): void {
    const t = this.t;
    if (t.state[c] === SYN_RCVD) {
      this.emit(c, 0, 0, TcpFlag.SYN | TcpFlag.ACK, t.iss[c]!, this.ackFor(c, 0));
      this.sim.scheduleIn(t.timer[c]!, this.rto(c));
    } else if (t.state[c] === SENDING || t.state[c] === FIN_WAIT) this.goBack(c, true);
  }

  protected expired(c: number): void {
    this.connectionsLost++;
    this.t.close(c, this.sim);
  }

  /** A worker finished connection c's request: answer it. */
  private served(c: number): void {
    const t = this.t;
    if (this.failed) return;
    t.state[c] = SENDING;
    if (t.kind[c] === FlowKind.Web) return this.pump(c, true);
    this.pump(c, false);
    if (t.kind[c] === FlowKind.Esp) this.espSeq.set(t.txSpi[c]!, t.txSeq[c]!);
    t.close(c, this.sim); // datagram servers keep no state once they have answered (but an SA's sequence number)
  }

  fail(mode: FailureMode): void {
    if (this.failed) return;
    this.failed = mode;
    this.service.abandonAll(() => {});
    for (let c = 0; c < this.t.capacity; c++) if (this.t.state[c]) {
      this.connectionsLost++;
      this.t.close(c, this.sim);
    }
    if (mode === "link") {
      this.tx.setUp(false);
      this.rx.setUp(false);
    }
  }

  recover(): void {
    if (!this.failed) return;
    if (this.failed === "link") {
      this.tx.setUp(true);
      this.rx.setUp(true);
    }
    this.failed = undefined;
    this.start();
  }

  private receive(h: number): void {
    const pool = this.pool, p = this.parsed, now = this.sim.now;
    if (this.failed) {
      this.ledger.drop("server.failed");
      return pool.free(h);
    }
    const b = pool.bytes(h), slot = pool.slotOf(h);
    if (parseFrame(b, 0, pool.length(h), p) !== ParseStatus.Ok) {
      this.ledger.drop("server.malformed");
      return pool.free(h);
    }
    if (p.dst !== this.p.mac && p.dst !== BROADCAST_MAC) {
      this.ledger.drop("server.misdelivered");
      return pool.free(h);
    }
    this.received++;
    if (pool.flowId[slot] === DIR_IN) {
      this.latencyIn.record(now - pool.ingressTime[slot]!);
      this.bytesIn += pool.length(h) + 4;
    }
    if (p.etherType === 0x0806) {
      pool.free(h);
      if (this.arpIo.receive(p)) this.probesAnswered++;
      return;
    }
    if (p.ipProto < 0 || p.ipDst !== this.p.ip) return this.discard(h, "server.notForUs");
    const onLink = this.p.onLink.includes(p.ipSrc) ? p.src : -1;
    const l4 = p.l4Offset, end = p.l3Offset + p.ipTotalLen;
    switch (p.ipProto) {
      case IpProto.TCP:
        return this.tcpIn(h, b, l4, end, onLink);
      case IpProto.UDP:
        if (p.dstPort === LOAD_AGENT_PORT) return this.loadQuery(h, onLink);
        return this.datagramIn(h, p.dstPort === 1812 ? FlowKind.Radius : FlowKind.Dns, connKey(KeyClass.Udp, p.ipSrc, p.srcPort), p.srcPort, p.dstPort, l4 + 8, end - l4 - 8, 0, onLink);
      case IpProto.ESP: {
        const spi = get32(b, l4), seq = get32(b, l4 + 4);
        const data = end - l4 - 8 - 14 - b[end - 14]!;
        for (let i = 0; i < APP_HEADER && i < data; i++) this.scratch[i] = b[l4 + 8 + i]!;
        espCrypt(this.scratch, 0, Math.min(APP_HEADER, data), spi, seq);
        return this.datagramIn(h, FlowKind.Esp, espKey(spi), 0, 0, -1, data, spi, onLink);
      }
      case IpProto.IPIP: {
        const sport = get16(b, l4 + 20), dport = get16(b, l4 + 22);
        return this.datagramIn(h, FlowKind.Ipip, connKey(KeyClass.Ipip, p.ipSrc, sport), sport, dport, l4 + 28, end - l4 - 28, 0, onLink);
      }
      case IpProto.ICMP:
        if (p.icmpType === 8) return this.echo(h, get16(b, l4 + 4), end - l4 - 8, onLink);
    }
    this.discard(h, "server.unknownProtocol");
  }

  /** Drops a frame already counted as received. */
  private discard(h: number, cause: string): void {
    this.received--;
    this.ledger.drop(cause);
    if (h >= 0) this.pool.free(h);
  }

  /** Fills the connection's peer from the parsed frame. */
  private peer(c: number, sport: number, dport: number, onLink: number): void {
    const t = this.t, p = this.parsed;
    t.peerIp[c] = p.ipSrc;
    t.peerPort[c] = sport;
    t.localPort[c] = dport;
    t.peerMac[c] = onLink;
  }

  private tcpIn(h: number, b: Uint8Array, l4: number, end: number, onLink: number): void {
    const p = this.parsed, t = this.t, pool = this.pool;
    const key = connKey(KeyClass.Tcp, p.ipSrc, p.srcPort);
    const flags = p.tcpFlags, seq = get32(b, l4 + 4), ack = get32(b, l4 + 8);
    const dataAt = l4 + (b[l4 + 12]! >> 4) * 4, len = end - dataAt;
    let c = t.find(key);
    if (c < 0) {
      if (flags & TcpFlag.FIN && flags & TcpFlag.ACK) return this.timeWaitAck(h, key, seq, ack, len, onLink);
      if ((flags & (TcpFlag.SYN | TcpFlag.ACK)) !== TcpFlag.SYN) return this.reset(h, key, seq, ack, len, flags, onLink); // a segment for a connection this host does not have
      c = t.open(key, FlowKind.Web);
      if (c < 0) {
        this.refusedConnections++;
        return this.discard(h, "server.connectionTableFull");
      }
      this.peer(c, p.srcPort, p.dstPort, onLink);
      t.irs[c] = seq;
      t.iss[c] = isnFor(p.ipSrc, p.srcPort, this.p.ip ^ this.p.index);
      t.state[c] = SYN_RCVD;
      pool.free(h);
      this.emit(c, 0, 0, TcpFlag.SYN | TcpFlag.ACK, t.iss[c]!, this.ackFor(c, 0));
      this.sim.scheduleIn(t.timer[c]!, this.rto(c));
      return;
    }
    if (flags & TcpFlag.RST) {
      pool.free(h);
      if (t.state[c] !== SERVING) t.close(c, this.sim); // a connection in service is closed when its worker is done
      return;
    }
    const st = t.state[c]!;
    if (st === SYN_RCVD) {
      if (flags & TcpFlag.SYN) {
        pool.free(h);
        return this.emit(c, 0, 0, TcpFlag.SYN | TcpFlag.ACK, t.iss[c]!, this.ackFor(c, 0)), undefined;
      }
      if (!(flags & TcpFlag.ACK) || ack !== ((t.iss[c]! + 1) >>> 0)) return pool.free(h);
      t.state[c] = RECEIVING;
      t.retries[c] = 0;
      this.sim.cancel(t.timer[c]!);
    }
    if (t.state[c] === RECEIVING) {
      if (len > 0 && seq === ((t.irs[c]! + 1 + t.rcvNxt[c]!) >>> 0)) {
        if (t.rcvNxt[c] === 0) this.header(c, b, dataAt, len, len);
        t.rcvNxt[c]! += len;
        pool.free(h);
        this.emit(c, 0, 0, TcpFlag.ACK, (t.iss[c]! + 1) >>> 0, this.ackFor(c, 0));
        if (t.rcvNxt[c]! >= t.rcvLen[c]!) this.submit(c);
        return;
      }
      pool.free(h);
      if (len > 0) this.emit(c, 0, 0, TcpFlag.ACK, (t.iss[c]! + 1) >>> 0, this.ackFor(c, 0)); // out of order or duplicate
      return;
    }
    pool.free(h);
    if (t.state[c] === SERVING) return;
    // SENDING or FIN_WAIT: ACKs of the response, then the client's FIN
    if (flags & TcpFlag.ACK && this.acked(c, ack, true)) t.state[c] = FIN_WAIT;
    if (flags & TcpFlag.FIN && t.state[c] === FIN_WAIT) {
      this.emit(c, t.sndLen[c]!, 0, TcpFlag.ACK, this.seqAfterSent(c), this.ackFor(c, 1));
      t.close(c, this.sim);
    } else if (len > 0) this.emit(c, t.sndLen[c]!, 0, TcpFlag.ACK, this.seqAfterSent(c), this.ackFor(c, 0)); // the client retransmitted request data
  }

  /**
   * A FIN for a connection already closed: the client did not get our last ACK (or got our FIN
   * twice). TIME_WAIT (RFC 793) would ACK it again; this host keeps no TIME_WAIT state but
   * answers as it would, from the segment alone.
   */
  private timeWaitAck(h: number, key: number, seq: number, ack: number, len: number, onLink: number): void {
    if (this.statelessReply(h, key, onLink, TcpFlag.ACK, ack, (seq + len + 1) >>> 0)) this.timeWaitAcks++;
  }

  /**
   * A segment for a connection that does not exist (moved here from a failed server, or after a
   * restart): RFC 793 answers anything but a reset with a reset, so the client gives up at once.
   */
  private reset(h: number, key: number, seq: number, ack: number, len: number, flags: number, onLink: number): void {
    if (flags & TcpFlag.RST) return this.discard(h, "server.noConnection");
    const sent = flags & TcpFlag.ACK
      ? this.statelessReply(h, key, onLink, TcpFlag.RST, ack, 0)
      : this.statelessReply(h, key, onLink, TcpFlag.RST | TcpFlag.ACK, 0, (seq + len) >>> 0);
    if (sent) this.resetsSent++;
  }

  /**
   * Answers the segment in `h` (freed here) with one bare segment, through a connection slot held
   * only while it is sent. False when the connection table had no slot.
   */
  private statelessReply(h: number, key: number, onLink: number, flags: number, seq: number, ack: number): boolean {
    const t = this.t, p = this.parsed;
    const c = t.open(key, FlowKind.Web);
    const sport = p.srcPort, dport = p.dstPort;
    this.pool.free(h);
    if (c < 0) {
      this.discard(-1, "server.connectionTableFull");
      return false;
    }
    this.peer(c, sport, dport, onLink);
    this.emit(c, 0, 0, flags, seq, ack);
    t.close(c, this.sim);
    return true;
  }

  /** Reads the application header of a request (first `len` bytes at `at`, `avail` of them valid); sets lengths. */
  private header(c: number, b: Uint8Array, at: number, avail: number, thisLen: number): void {
    const t = this.t;
    const req = readAppHeader(b, at, avail, this.hdrOut);
    if (req < 0) {
      this.unknownRequests++;
      t.rcvLen[c] = thisLen; // no header: this segment is the whole request
      t.sndLen[c] = responseBytes(t.kind[c]! as FlowKind, this.p.defaultResponseBytes);
    } else {
      t.rcvLen[c] = req;
      t.sndLen[c] = this.hdrOut[0]!;
    }
  }

  private submit(c: number): void {
    const t = this.t;
    t.state[c] = SERVING;
    this.requests[t.kind[c]!]!++;
    if (this.service.submit(c)) return;
    // refused: the backlog is full; TCP says so with a reset, a datagram request is just not answered
    if (t.kind[c] === FlowKind.Web) this.emit(c, 0, 0, TcpFlag.RST | TcpFlag.ACK, (t.iss[c]! + 1) >>> 0, this.ackFor(c, 0));
    t.close(c, this.sim);
  }

  private datagramIn(h: number, kind: FlowKind, key: number, sport: number, dport: number, at: number, len: number, spi: number, onLink: number): void {
    const t = this.t, pool = this.pool;
    let c = t.find(key);
    if (c < 0) {
      c = t.open(key, kind);
      if (c < 0) {
        this.refusedConnections++;
        return this.discard(h, "server.connectionTableFull");
      }
      this.peer(c, sport, dport, onLink);
      t.state[c] = RECEIVING;
      t.txSpi[c] = (spi + 0x4000_0000) >>> 0; // the answering SA (this model's convention: client SPI + 2^30)
      if (kind === FlowKind.Esp) t.txSeq[c] = Math.max(0, this.espSeq.get(t.txSpi[c]!)); // an SA's sequence numbers go on across its requests
    }
    if (t.state[c] !== RECEIVING) return pool.free(h); // a retransmitted request while it is being served
    if (t.rcvNxt[c] === 0) {
      const skip = APP_OFFSET[kind];
      if (at < 0) this.header(c, this.scratch, 0, Math.min(APP_HEADER, len), len);
      else this.header(c, pool.bytes(h), at + skip, len - skip, len);
    }
    pool.free(h);
    t.rcvNxt[c]! += len;
    if (t.rcvNxt[c]! >= t.rcvLen[c]!) this.submit(c);
  }

  /** ICMP echo: the kernel answers at once with the same identifier and size. */
  private echo(h: number, ident: number, len: number, onLink: number): void {
    const t = this.t, p = this.parsed;
    const c = t.open(connKey(KeyClass.Icmp, p.ipSrc, ident), FlowKind.Ping);
    this.pool.free(h);
    if (c < 0) return this.discard(-1, "server.connectionTableFull");
    this.peer(c, ident, ident, onLink);
    t.sndLen[c] = len;
    this.probesAnswered += onLink >= 0 ? 1 : 0;
    this.emit(c, 0, len, 0, 0, 0, 0);
    t.close(c, this.sim);
  }

  /** The load agent: answers with the load figure in thousandths (a 4-byte big-endian payload). */
  private loadQuery(h: number, onLink: number): void {
    const p = this.parsed, pool = this.pool;
    const dst = onLink >= 0 ? onLink : this.arp.lookup(this.p.gatewayIp, this.sim.now);
    const src = p.ipSrc, sport = p.srcPort;
    if (dst < 0) return this.discard(h, "server.unresolved");
    // answer in the same buffer (so the query is not counted as received: the frame lives on)
    this.received--;
    const b = pool.bytes(h);
    put32(b, PAYLOAD_OFFSET.udp, Math.round(this.service.load * 1000));
    pool.setLength(h, writeUdp(b, dst, this.p.mac, this.p.ip, src, LOAD_AGENT_PORT, sport, 4));
    pool.ingressTime[pool.slotOf(h)] = this.sim.now;
    pool.flowId[pool.slotOf(h)] = 0;
    this.probesAnswered++;
    this.tx.send(h);
  }

  read() {
    return {
      name: this.p.name, failed: this.failed ?? false, received: this.received, probesAnswered: this.probesAnswered,
      requests: Object.fromEntries(["web", "dns", "radius", "esp", "ipip", "ping"].map((k, i) => [k, this.requests[i]])),
      service: this.service.read(this.sim.now), connections: { open: this.t.inUse, highWater: this.t.highWater, lost: this.connectionsLost, refused: this.refusedConnections, timeWaitAcks: this.timeWaitAcks, resetsSent: this.resetsSent },
      unknownRequests: this.unknownRequests, framesSent: this.framesSent, retransmissions: this.retransmissions,
      arp: { gateway: this.arp.peek(this.p.gatewayIp), requests: this.arp.requests, updates: this.arp.updates, changes: this.arp.changes },
    };
  }
}
