/**
 * Endpoint: what clients and servers share: a connection table and the sending half of a
 * simplified but wire-correct TCP (RFC 793: SYN, data with sequence and acknowledgement numbers,
 * a fixed window in bytes, FIN; go-back-N retransmission on a fixed RTO doubled per retry, as
 * Karn and RFC 6298 back off), and for datagram kinds the sending of a message as one or more
 * datagrams. Subclasses decide addresses (ARP, the gateway) and what happens on receipt.
 *
 * Sequence space: a side's SYN has sequence number iss; message byte k has iss + 1 + k; its FIN
 * follows the last byte. Every segment after the SYN carries ACK.
 */
import { TcpFlag } from "../net/codec/l4.ts";
import { NO_FRAME, type FramePool } from "../net/frame-pool.ts";
import type { Simulator } from "../sim/simulator.ts";
import { ConnTable } from "./conn-table.ts";
import type { DropLedger } from "./drop-ledger.ts";
import { writeFlowFrame, type FrameAddr } from "./frames.ts";
import { FlowKind, maxPayload } from "./kinds.ts";

export interface TransportParams {
  /** The fixed receive window each side advertises and the sender respects, bytes. */
  windowBytes: number;
  /** Retransmission timeout, ps (doubled per retry). */
  rtoPs: number;
  /** Retransmissions before a connection is given up. */
  maxRetries: number;
}

/** Frame direction markers in the pool's flowId: client to server, server to client. */
export const DIR_IN = 1, DIR_OUT = 2;

export abstract class Endpoint {
  readonly t: ConnTable;
  protected readonly a: FrameAddr = { dstMac: 0, srcMac: 0, srcIp: 0, dstIp: 0, srcPort: 0, dstPort: 0 };
  private ipId = 0;
  /** Frames and wire bytes sent (FCS included). */
  framesSent = 0;
  bytesSent = 0;
  retransmissions = 0;

  constructor(protected readonly sim: Simulator, protected readonly pool: FramePool, readonly name: string, capacity: number, readonly transport: TransportParams, protected readonly ledger: DropLedger, private readonly dir: number) {
    this.t = new ConnTable(sim, name, capacity, (c) => this.timeout(c));
  }

  /** Fills `this.a` for connection c (addresses, ports, next-hop MAC); false when the next hop is unresolved. */
  protected abstract address(c: number): boolean;
  /** Hands a frame of connection c to the link. */
  protected abstract transmit(h: number, c: number): void;
  /** The connection's retransmissions are exhausted (or its datagram timeout fired). */
  protected abstract expired(c: number): void;
  /** Whether this side's messages carry the application header (requests). */
  protected abstract readonly requester: boolean;
  /** Called with each frame sent (bytes with FCS), for per-flow accounting. */
  protected sent(_c: number, _bytes: number): void {}

  /**
   * Sends one frame of connection c: message bytes [off, off+len) with TCP `flags` (web), an ESP
   * datagram, a UDP datagram, or an ICMP echo. Returns false when no frame went out.
   */
  protected emit(c: number, off: number, len: number, flags: number, seq: number, ack: number, icmpType: 0 | 8 = 8): boolean {
    const t = this.t, pool = this.pool;
    const h = pool.alloc();
    if (h === NO_FRAME) {
      this.ledger.notSent(this.requester ? "client.poolExhausted" : "server.poolExhausted");
      return false;
    }
    const slot = pool.slotOf(h);
    pool.ingressTime[slot] = this.sim.now;
    pool.flowId[slot] = this.dir;
    if (!this.address(c)) {
      pool.setLength(h, 60);
      pool.free(h);
      this.ledger.drop(this.requester ? "client.unresolved" : "server.unresolved");
      return false;
    }
    const kind = t.kind[c]! as FlowKind;
    const espSeq = kind === FlowKind.Esp ? ++t.txSeq[c]! : 0;
    const reqLen = this.requester ? t.sndLen[c]! : -1;
    const n = writeFlowFrame(pool.bytes(h), kind, this.a, off, len, reqLen, this.requester ? t.rcvLen[c]! : 0, seq, ack, flags, t.txSpi[c]!, espSeq, icmpType, Math.min(65535, this.transport.windowBytes), (this.ipId = (this.ipId + 1) & 0xffff));
    pool.setLength(h, n);
    this.framesSent++;
    this.bytesSent += n + 4;
    this.sent(c, n + 4);
    this.transmit(h, c);
    return true;
  }

  /** Our next sequence number after what has been sent (FIN included once sent). */
  protected seqAfterSent(c: number): number {
    return (this.t.iss[c]! + 1 + this.t.sndNxt[c]! + this.t.finSent[c]!) >>> 0;
  }

  /** What we acknowledge: the peer's next expected byte (its FIN counted once received: state-dependent, passed in). */
  protected ackFor(c: number, peerFin: number): number {
    return (this.t.irs[c]! + 1 + this.t.rcvNxt[c]! + peerFin) >>> 0;
  }

  /**
   * Sends what the window allows of this side's message. The server's last segment carries FIN
   * (`finWithLast`); an empty message is a bare FIN. Datagram kinds send the whole message.
   */
  protected pump(c: number, finWithLast: boolean): void {
    const t = this.t, kind = t.kind[c]! as FlowKind, mss = maxPayload(kind), end = t.sndLen[c]!;
    if (kind !== FlowKind.Web) {
      let off = 0;
      do {
        const len = Math.min(mss, end - off);
        if (!this.emit(c, off, len, 0, 0, 0)) break;
        off += len;
      } while (off < end);
      t.sndNxt[c] = end;
      return;
    }
    const win = this.transport.windowBytes;
    while (t.sndNxt[c]! < end || (finWithLast && !t.finSent[c])) {
      const off = t.sndNxt[c]!, len = Math.min(mss, end - off);
      if (len > 0 && off + len - t.sndUna[c]! > win) break;
      const last = off + len === end;
      const fin = finWithLast && last ? TcpFlag.FIN : 0;
      const flags = TcpFlag.ACK | (last && len > 0 ? TcpFlag.PSH : 0) | fin;
      const seq = (t.iss[c]! + 1 + off) >>> 0;
      if (!this.emit(c, off, len, flags, seq, this.ackFor(c, 0))) break;
      t.sndNxt[c] = off + len;
      if (fin) t.finSent[c] = 1;
      if (len === 0) break;
    }
    if (!this.t.timer[c]!.pending && this.outstanding(c)) this.sim.scheduleIn(this.t.timer[c]!, this.rto(c));
  }

  /** Unacknowledged data or FIN. */
  protected outstanding(c: number): boolean {
    return this.t.sndUna[c]! < this.t.sndNxt[c]! || (this.t.finSent[c] === 1 && this.t.sndUna[c]! <= this.t.sndLen[c]!);
  }

  protected rto(c: number): number {
    return this.transport.rtoPs * 2 ** this.t.retries[c]!;
  }

  /**
   * A cumulative ACK for connection c. Returns true when it acknowledges everything sent,
   * FIN included when sent.
   */
  protected acked(c: number, ackNum: number, finWithLast: boolean): boolean {
    const t = this.t;
    const off = ((ackNum - t.iss[c]! - 1) | 0); // bytes of the message acknowledged (+1 for the FIN)
    if (off > t.sndUna[c]! && off <= t.sndNxt[c]! + t.finSent[c]!) {
      t.sndUna[c] = off;
      t.retries[c] = 0;
      this.sim.cancel(t.timer[c]!);
      if (t.sndUna[c]! < t.sndLen[c]! || (finWithLast && !t.finSent[c])) this.pump(c, finWithLast);
      else if (this.outstanding(c)) this.sim.scheduleIn(t.timer[c]!, this.rto(c));
    }
    return t.sndUna[c]! >= t.sndLen[c]! + t.finSent[c]! && t.sndNxt[c]! >= t.sndLen[c]!;
  }

  /** The retransmission timer: go back to the first unacknowledged byte, or give up. */
  private timeout(c: number): void {
    const t = this.t;
    if (t.retries[c]! >= this.transport.maxRetries) return this.expired(c);
    t.retries[c]!++;
    this.retransmissions++;
    this.retry(c);
  }

  /** What a retransmission resends (state-dependent: SYN, SYN+ACK, data, FIN, the request datagrams). */
  protected abstract retry(c: number): void;

  /** Go-back-N: resend from the first unacknowledged byte. */
  protected goBack(c: number, finWithLast: boolean): void {
    const t = this.t;
    t.sndNxt[c] = Math.min(t.sndUna[c]!, t.sndLen[c]!);
    if (t.sndUna[c]! <= t.sndLen[c]!) t.finSent[c] = 0;
    this.pump(c, finWithLast);
  }
}
