/**
 * HostArp: what routers and servers do with ARP. An ArpCache for the addresses the host sends to,
 * requests and replies on the host's transmitter (not while it is failed), and receipt: learn the
 * sender (RFC 826's merge: only addresses the host cares about, see ArpCache.learn) and answer a
 * request for the host's own address (the switch's health probes).
 */
import { ArpOp, writeArpFrame } from "../net/codec/arp.ts";
import { NO_FRAME, type FramePool } from "../net/frame-pool.ts";
import { BROADCAST_MAC } from "../net/mac.ts";
import type { ParsedFrame } from "../net/parse.ts";
import type { EthernetChannel } from "../hw/ethernet/link.ts";
import type { Simulator } from "../sim/simulator.ts";
import { ArpCache, type ArpCacheParams } from "./arp-cache.ts";
import type { DropLedger } from "./drop-ledger.ts";

export class HostArp {
  readonly cache: ArpCache;
  private readonly exhausted: string;

  /**
   * @param place   "router" or "server": where a frame the pool could not give is counted
   * @param silent  whether the host is failed (sends nothing)
   */
  constructor(private readonly sim: Simulator, private readonly pool: FramePool, private readonly ledger: DropLedger, place: string, private readonly mac: number, private readonly ip: number, private readonly tx: EthernetChannel, params: ArpCacheParams, private readonly silent: () => boolean) {
    this.exhausted = `${place}.poolExhausted`;
    this.cache = new ArpCache(params, (target) => this.send(ArpOp.Request, BROADCAST_MAC, 0, target));
  }

  /** Sends an ARP frame from this host to `dst`. */
  send(op: number, dst: number, tgtMac: number, tgtIp: number): void {
    if (this.silent()) return;
    const pool = this.pool, h = pool.alloc();
    if (h === NO_FRAME) return this.ledger.notSent(this.exhausted);
    pool.setLength(h, writeArpFrame(pool.bytes(h), op, dst, this.mac, this.ip, tgtMac, tgtIp));
    pool.ingressTime[pool.slotOf(h)] = this.sim.now;
    this.tx.send(h);
  }

  /** An ARP frame parsed into `p` (its buffer already freed). Returns whether it was a request for this host's address, answered. */
  receive(p: ParsedFrame): boolean {
    const senderMac = p.arpSenderMac, senderIp = p.arpSenderIp;
    if (senderIp !== 0) this.cache.learn(senderIp, senderMac, this.sim.now);
    if (p.arpOp !== ArpOp.Request || p.arpTargetIp !== this.ip) return false;
    this.send(ArpOp.Reply, senderMac, senderMac, senderIp);
    return true;
  }
}
