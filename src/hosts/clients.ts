/**
 * Clients: a population of hosts on external networks, each with its own IP (198.18.r.c, the
 * benchmarking range of RFC 2544), MAC and ephemeral ports, behind router r (its home router,
 * which carries its traffic in; answers may come back through any router of the pool, as over
 * the Internet). A client opens request/response flows of six kinds: web over TCP (handshake,
 * request, response, FIN), DNS-like and RADIUS-like UDP, IPsec ESP with an SA per flow and
 * direction, IP-in-IP carrying UDP, and ICMP echo. It ACKs every in-order segment, answers the
 * server's FIN with FIN+ACK, retransmits on timeout, and gives up after the retry limit; each
 * datagram exchange has a timeout and retries. Every flow's frames, bytes and completion time go
 * to the FlowLog. All clients share one connection table (one host's worth of state each would
 * only cost memory).
 */
import { IpProto, TcpFlag } from "../net/codec/l4.ts";
import type { FramePool } from "../net/frame-pool.ts";
import { ParsedFrame, ParseStatus, parseFrame } from "../net/parse.ts";
import { get16, get32 } from "../net/write.ts";
import type { Simulator } from "../sim/simulator.ts";
import { LatencyHistogram } from "../sim/stats/latency-histogram.ts";
import { connKey, espKey, isnFor, KeyClass, keyClassOf } from "./conn-table.ts";
import type { DropLedger } from "./drop-ledger.ts";
import { DIR_IN, DIR_OUT, Endpoint, type TransportParams } from "./endpoint.ts";
import type { FlowLog } from "./flow-log.ts";
import { Outcome } from "./flow-log.ts";
import { FlowKind, KIND_PORT, requestBytes, responseBytes } from "./kinds.ts";

export const CLIENT_NET = 0xc612_0000; // 198.18.0.0/15
export const CLIENT_MAC_BASE = 0x0600_0000_0000;

/** Client state (ConnTable.state). */
const SYN_SENT = 1, SENDING = 2, WAITING = 3, LAST_ACK = 4;

export interface ClientsParams extends TransportParams {
  routers: number;
  clientsPerRouter: number;
  /** Concurrent flows the population can hold. */
  maxFlows: number;
  /** How long a client waits for a datagram answer before resending the request, ps. */
  datagramTimeoutPs: number;
  /** How long a TCP client waits for the response once its request is acknowledged, ps. */
  responseTimeoutPs: number;
}

export interface ClientLinks {
  /** Router r's MAC (clients' next hop). */
  routerMac(r: number): number;
  /** Sends a client's frame to router r (over its access network). */
  toRouter(r: number, h: number): void;
}

export class ClientPopulation extends Endpoint {
  protected readonly requester = true;
  readonly count: number;
  private readonly nextPort: Uint16Array;
  private readonly parsed = new ParsedFrame();
  /** Frames received, and those that matched no flow (answers to replayed traffic, late duplicates). */
  received = 0;
  unmatched = 0;
  /** One-way latency of server-to-client frames. */
  readonly latencyOut = new LatencyHistogram();
  /** Wire bytes of server frames received. */
  bytesOut = 0;
  /** Called when a flow ends (closed-loop clients think, then start another). */
  onFlowEnd: (client: number) => void = () => {};
  /** Flows that could not start: the table was full. */
  noSlot = 0;
  /** Closes that timed out after the response had arrived (counted completed). */
  closeTimeouts = 0;
  /** TCP segments that arrived out of order (a loss before them, or reordering in the network). */
  outOfOrder = 0;

  constructor(sim: Simulator, pool: FramePool, ledger: DropLedger, private readonly log: FlowLog, readonly params: ClientsParams, private readonly links: ClientLinks) {
    super(sim, pool, "clients", params.maxFlows, params, ledger, DIR_IN);
    if (!Number.isInteger(params.clientsPerRouter) || params.clientsPerRouter < 1 || params.clientsPerRouter > 254) throw new RangeError(`clientsPerRouter ${params.clientsPerRouter} must be an integer in [1, 254]`);
    this.count = params.routers * params.clientsPerRouter;
    this.nextPort = new Uint16Array(this.count).fill(49152);
  }

  /** Client i's address: 198.18.(i / perRouter).(i % perRouter + 1), and its home router. */
  ipOf(i: number): number {
    return (CLIENT_NET + Math.floor(i / this.params.clientsPerRouter) * 256 + (i % this.params.clientsPerRouter) + 1) >>> 0;
  }
  homeOf(i: number): number {
    return Math.floor(i / this.params.clientsPerRouter);
  }
  static isClientIp(ip: number): boolean {
    return ip >>> 17 === CLIENT_NET >>> 17;
  }

  /**
   * Client `i` starts a flow of `kind` to `vip`: a request of `q` bytes asking for `r` bytes back.
   * Returns the flow serial, or -1 when the flow table is full.
   */
  start(i: number, kind: FlowKind, vip: number, q: number, r: number): number {
    const t = this.t, now = this.sim.now;
    const port = this.nextPort[i]!;
    this.nextPort[i] = port === 65535 ? 49152 : port + 1;
    const ip = this.ipOf(i);
    const serial = this.log.count;
    const rxSpi = (0x5000_0000 + (serial % 0x1000_0000)) >>> 0;
    const key = kind === FlowKind.Esp ? espKey(rxSpi) : connKey(keyClassOf(kind), ip, port);
    const stale = t.find(key);
    if (stale >= 0) t.close(stale, this.sim); // a stale flow on a reused port (after 16k flows of one client) gives way
    const c = t.open(key, kind);
    if (c < 0) {
      this.noSlot++;
      const s = this.log.open(kind, i, now);
      this.log.finish(s, kind, Outcome.NoSlot, now);
      return -1;
    }
    t.flow[c] = this.log.open(kind, i, now);
    t.owner[c] = i;
    t.startPs[c] = now;
    t.peerIp[c] = vip;
    t.peerPort[c] = KIND_PORT[kind];
    t.localPort[c] = port;
    t.sndLen[c] = requestBytes(kind, q);
    t.rcvLen[c] = kind === FlowKind.Ping ? t.sndLen[c]! : responseBytes(kind, r);
    t.txSpi[c] = (rxSpi - 0x4000_0000) >>> 0; // the client-to-server SA: 0x1000_0000 + serial
    t.rxSpi[c] = rxSpi;
    t.iss[c] = isnFor(ip, port, vip);
    if (kind === FlowKind.Web) {
      t.state[c] = SYN_SENT;
      this.emit(c, 0, 0, TcpFlag.SYN, t.iss[c]!, 0);
      this.sim.scheduleIn(t.timer[c]!, this.rto(c));
    } else {
      t.state[c] = WAITING;
      this.pump(c, false);
      this.sim.scheduleIn(t.timer[c]!, this.params.datagramTimeoutPs);
    }
    return t.flow[c]!;
  }

  protected address(c: number): boolean {
    const t = this.t, a = this.a, i = t.owner[c]!;
    a.dstMac = this.links.routerMac(this.homeOf(i));
    a.srcMac = CLIENT_MAC_BASE + i;
    a.srcIp = this.ipOf(i);
    a.dstIp = t.peerIp[c]!;
    a.srcPort = t.localPort[c]!;
    a.dstPort = t.peerPort[c]!;
    return true;
  }

  protected transmit(h: number, c: number): void {
    this.links.toRouter(this.homeOf(this.t.owner[c]!), h);
  }

  protected override sent(c: number, bytes: number): void {
    this.log.sentIn(this.t.flow[c]!, this.t.kind[c]!, bytes);
  }

  protected retry(c: number): void {
    const t = this.t;
    switch (t.state[c]) {
      case SYN_SENT:
        this.emit(c, 0, 0, TcpFlag.SYN, t.iss[c]!, 0);
        this.sim.scheduleIn(t.timer[c]!, this.rto(c));
        return;
      case SENDING:
        return this.goBack(c, false);
      case LAST_ACK:
        this.sendFinAck(c);
        return;
      case WAITING:
        if (t.kind[c] === FlowKind.Web) return this.expired(c); // the response never came
        // a datagram exchange: ask again
        t.sndNxt[c] = 0;
        t.rcvNxt[c] = 0;
        this.pump(c, false);
        this.sim.scheduleIn(t.timer[c]!, this.params.datagramTimeoutPs);
    }
  }

  protected expired(c: number): void {
    if (this.t.state[c] === LAST_ACK) {
      // the response arrived; only the close was lost
      this.closeTimeouts++;
      return this.end(c, Outcome.Completed);
    }
    this.end(c, Outcome.Timeout);
  }

  private end(c: number, outcome: number): void {
    const t = this.t, owner = t.owner[c]!;
    this.log.finish(t.flow[c]!, t.kind[c]!, outcome, this.sim.now);
    t.close(c, this.sim);
    this.onFlowEnd(owner);
  }

  private sendFinAck(c: number): void {
    const t = this.t;
    this.emit(c, t.sndLen[c]!, 0, TcpFlag.FIN | TcpFlag.ACK, (t.iss[c]! + 1 + t.sndLen[c]!) >>> 0, this.ackFor(c, 1));
    this.sim.scheduleIn(t.timer[c]!, this.rto(c));
  }

  /** A frame from a router for some client. */
  receive(h: number): void {
    const pool = this.pool, b = pool.bytes(h), p = this.parsed, now = this.sim.now;
    this.received++;
    const slot = pool.slotOf(h);
    if (pool.flowId[slot] === DIR_OUT) {
      this.latencyOut.record(now - pool.ingressTime[slot]!);
      this.bytesOut += pool.length(h) + 4;
    }
    if (parseFrame(b, 0, pool.length(h), p) !== ParseStatus.Ok || p.ipProto < 0) {
      this.unmatched++;
      return pool.free(h);
    }
    const l4 = p.l4Offset, payloadEnd = p.l3Offset + p.ipTotalLen;
    let key: number, len: number;
    switch (p.ipProto) {
      case IpProto.TCP:
        key = connKey(KeyClass.Tcp, p.ipDst, p.dstPort);
        len = payloadEnd - l4 - (b[l4 + 12]! >> 4) * 4;
        break;
      case IpProto.UDP:
        key = connKey(KeyClass.Udp, p.ipDst, p.dstPort);
        len = payloadEnd - l4 - 8;
        break;
      case IpProto.ESP:
        key = espKey(get32(b, l4));
        len = payloadEnd - l4 - 8 - 14 - b[payloadEnd - 14]!;
        break;
      case IpProto.IPIP:
        key = connKey(KeyClass.Ipip, p.ipDst, get16(b, l4 + 22));
        len = payloadEnd - l4 - 28;
        break;
      case IpProto.ICMP:
        key = connKey(KeyClass.Icmp, p.ipDst, get16(b, l4 + 4));
        len = payloadEnd - l4 - 8;
        break;
      default:
        key = -1;
        len = 0;
    }
    const t = this.t, c = key < 0 ? -1 : t.find(key);
    if (c < 0) {
      this.unmatched++;
      return pool.free(h);
    }
    const kind = t.kind[c]! as FlowKind, wire = pool.length(h) + 4;
    this.log.receivedOut(t.flow[c]!, kind, wire);
    if (kind !== FlowKind.Web) {
      if (t.state[c] === WAITING) {
        t.rcvNxt[c]! += len;
        if (t.rcvNxt[c]! >= t.rcvLen[c]!) {
          this.log.completed(t.flow[c]!, kind, t.startPs[c]!, now);
          this.end(c, Outcome.Completed);
        } else this.sim.scheduleIn(t.timer[c]!, this.params.datagramTimeoutPs); // the answer is coming: wait from its latest datagram
      }
      return pool.free(h);
    }
    const flags = p.tcpFlags, seq = get32(b, l4 + 4), ack = get32(b, l4 + 8);
    pool.free(h);
    if (flags & TcpFlag.RST) {
      if (t.state[c] === LAST_ACK) this.closeTimeouts++; // the response had arrived: only the close went wrong
      return this.end(c, t.state[c] === LAST_ACK ? Outcome.Completed : Outcome.Reset);
    }
    switch (t.state[c]) {
      case SYN_SENT:
        if ((flags & (TcpFlag.SYN | TcpFlag.ACK)) === (TcpFlag.SYN | TcpFlag.ACK) && ack === ((t.iss[c]! + 1) >>> 0)) {
          t.irs[c] = seq;
          t.state[c] = SENDING;
          t.retries[c] = 0;
          this.sim.cancel(t.timer[c]!);
          this.pump(c, false);
        }
        return;
      case SENDING:
      case WAITING: {
        if (flags & TcpFlag.SYN) {
          // our first segment (which ACKs the SYN+ACK) was lost: ACK again
          this.emit(c, t.sndNxt[c]!, 0, TcpFlag.ACK, this.seqAfterSent(c), this.ackFor(c, 0));
          return;
        }
        if (t.state[c] === SENDING && (flags & TcpFlag.ACK) && this.acked(c, ack, false)) {
          t.state[c] = WAITING;
          this.sim.scheduleIn(t.timer[c]!, this.params.responseTimeoutPs);
        }
        if (len === 0 && !(flags & TcpFlag.FIN)) return;
        if (seq !== ((t.irs[c]! + 1 + t.rcvNxt[c]!) >>> 0)) {
          this.outOfOrder++;
          this.emit(c, t.sndNxt[c]!, 0, TcpFlag.ACK, this.seqAfterSent(c), this.ackFor(c, 0)); // out of order: duplicate ACK
          return;
        }
        t.rcvNxt[c]! += len;
        if (flags & TcpFlag.FIN) {
          this.log.completed(t.flow[c]!, kind, t.startPs[c]!, now);
          t.state[c] = LAST_ACK;
          t.retries[c] = 0;
          this.sendFinAck(c);
        } else {
          this.emit(c, t.sndNxt[c]!, 0, TcpFlag.ACK, this.seqAfterSent(c), this.ackFor(c, 0));
          if (t.state[c] === WAITING) this.sim.scheduleIn(t.timer[c]!, this.params.responseTimeoutPs);
        }
        return;
      }
      case LAST_ACK:
        if (flags & TcpFlag.FIN) return this.sendFinAck(c); // our FIN+ACK was lost: the server sent its FIN again
        if (ack === ((t.iss[c]! + 2 + t.sndLen[c]!) >>> 0)) this.end(c, Outcome.Completed);
    }
  }
}
