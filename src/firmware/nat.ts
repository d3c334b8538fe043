/**
 * The prior-art baseline (WO 99/33227 Fig 1): a NAT load balancer. Servers have their own IP
 * addresses; an inbound packet has the virtual IP rewritten to its server's IP, an outbound one the
 * server's IP rewritten back to the virtual IP, with the IP header checksum and the TCP/UDP
 * checksum updated (RFC 1624, incremental) on every packet, by the CPU, in both directions: the
 * routers' MACs carry the intervention flag so that outbound frames reach the CPU too.
 * What NAT does to IPsec (docs/firmware.md): ESP has no ports, so it is balanced by source IP
 * only (all of a client's SAs on one server; counted as `espBySourceOnly`); AH authenticates
 * the IP addresses, so a rewritten AH packet fails its integrity check at the receiver: it is
 * dropped and counted (`ahBrokenByNat`).
 * A fair baseline (issue 22): every packet refreshes its flow's entry, entries expire by the same
 * per-protocol timeouts and amortised sweep as the flow switch's (whose table cost it is charged
 * too), and ICMP errors are translated as NATs do (RFC 5508 §7, Linux nf_nat_icmp_reply_translation):
 * an error about a flow reaches its server with the quoted header rewritten to the server's
 * address, and a server's error leaves with the quote rewritten to the virtual IP; the quoted IP
 * and transport checksums and the ICMP checksum are updated incrementally.
 */
import { IpProto } from "../net/codec/l4.ts";
import type { FramePool } from "../net/frame-pool.ts";
import { csumUpdate16, csumUpdate32 } from "../net/checksum.ts";
import { readMac, writeMac } from "../net/mac.ts";
import { ParsedFrame, parseFrame, ParseStatus } from "../net/parse.ts";
import type { CostTrace } from "../hw/cpu/cost-trace.ts";
import { Verdict } from "../hw/cpu-board.ts";
import { CPU_PORT, type BoardApi, type BoardFirmware } from "../hw/boards/board.ts";
import { DEFAULT_TIMEOUTS } from "./config.ts";
import { FlowKey } from "./flow-key.ts";
import { FlowTable } from "./flow-table.ts";
import { DRAM_TABLE_BASE, TableCost } from "./table-cost.ts";

export interface NatConfig {
  vip: number;
  /** The balancer's own MAC: routers send inbound frames to it, servers use it as their gateway. */
  mac: number;
  servers: { name: string; ip: number; mac: number; port: number }[];
  routers: { name: string; ip: number; mac: number; port: number }[];
  flowTableSize?: number;
  /** Idle timeouts (default: the flow switch's, config.ts DEFAULT_TIMEOUTS). */
  timeouts?: { tcpPs: number; udpPs: number; espPs: number; otherPs: number };
}

/** Flow-table slots swept with every new flow (the flow switch's default). */
const SWEEP_SLOTS = 4;
const isIcmpError = (t: number) => t === 3 || t === 4 || t === 5 || t === 11 || t === 12;

const u32 = (b: Uint8Array, o: number) => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
const put32 = (b: Uint8Array, o: number, v: number) => {
  b[o] = v >>> 24;
  b[o + 1] = (v >>> 16) & 255;
  b[o + 2] = (v >>> 8) & 255;
  b[o + 3] = v & 255;
};
const u16 = (b: Uint8Array, o: number) => (b[o]! << 8) | b[o + 1]!;
const put16 = (b: Uint8Array, o: number, v: number) => {
  b[o] = v >>> 8;
  b[o + 1] = v & 255;
};

type NatDropCause = "malformed" | "ahBrokenByNat" | "unknownDestination" | "noRoute";

export class NatBalancer implements BoardFirmware {
  private board: BoardApi | undefined;
  private pool: FramePool | undefined;
  private readonly parsed = new ParsedFrame();
  private readonly key = new FlowKey();
  readonly flows: FlowTable;
  private readonly tableCost: TableCost;
  private rr = 0;
  private readonly serverByIp = new Map<number, number>();
  private readonly routerByMac = new Map<number, number>();
  readonly counts = { inbound: 0, outbound: 0, checksumUpdates: 0, espBySourceOnly: 0, icmpTranslated: 0 };
  readonly drops: Record<NatDropCause, number> = { malformed: 0, ahBrokenByNat: 0, unknownDestination: 0, noRoute: 0 };
  /** The cause of the last Drop verdict (the CPU board counts the frame under it when it frees it). */
  lastDropCause: NatDropCause = "malformed";

  private drop(cause: NatDropCause): number {
    this.drops[cause]++;
    this.lastDropCause = cause;
    return Verdict.Drop;
  }

  constructor(readonly config: NatConfig) {
    this.flows = new FlowTable(config.flowTableSize ?? 65_536);
    this.tableCost = new TableCost(this.flows, DRAM_TABLE_BASE);
    config.servers.forEach((s, i) => this.serverByIp.set(s.ip, i));
    config.routers.forEach((r, i) => this.routerByMac.set(r.mac, i));
  }

  attach(board: BoardApi): void {
    this.board = board;
    this.pool = board.pool;
    board.setAddressEntry(this.config.mac, CPU_PORT, true);
    for (const s of this.config.servers) board.setAddressEntry(s.mac, s.port, false);
    // outbound frames are addressed to the balancer (servers' gateway): all of them reach the CPU
  }

  translate(): number {
    return -1; // no hardware translation for NAT: everything goes through the CPU
  }

  handleFrame(h: number, _ingress: number, cost: CostTrace | undefined): number {
    const pool = this.pool!, buf = pool.bytes(h), len = pool.length(h), p = this.parsed;
    cost?.op("headerParse");
    if (parseFrame(buf, 0, len, p) !== ParseStatus.Ok) {
      return this.drop("malformed");
    }
    if (p.etherType === 0x0806) return this.arp(buf, _ingress, cost);
    if (p.ipProto < 0) {
      return this.drop("malformed");
    }
    if (p.ipProto === IpProto.AH) {
      return this.drop("ahBrokenByNat"); // the rewritten addresses would fail AH's integrity check
    }
    if (p.ipDst === this.config.vip) return this.inbound(buf, cost);
    const s = this.serverByIp.get(p.ipSrc);
    if (s !== undefined) return this.outbound(buf, s, cost);
    return this.drop("unknownDestination");
  }

  /**
   * The balancer answers ARP for the VIP (routers) and for the servers' gateway address (servers:
   * their default gateway is the balancer, as in Fig 1) with its own MAC; other ARP is absorbed.
   */
  private arp(buf: Uint8Array, ingress: number, cost: CostTrace | undefined): number {
    const p = this.parsed;
    cost?.op("arpProcess");
    if (p.arpOp !== 1) return Verdict.Consumed;
    const fromServer = this.serverByIp.has(p.arpSenderIp);
    const isRouterAddr = this.config.routers.some((r) => r.ip === p.arpTargetIp);
    if (p.arpTargetIp !== this.config.vip && !(fromServer && isRouterAddr)) return Verdict.Consumed;
    const asker = p.arpSenderMac, askerIp = p.arpSenderIp, o = p.l3Offset;
    writeMac(buf, 0, asker);
    writeMac(buf, 6, this.config.mac);
    buf[o + 7] = 2;
    writeMac(buf, o + 8, this.config.mac);
    put32(buf, o + 14, p.arpTargetIp);
    writeMac(buf, o + 18, asker);
    put32(buf, o + 24, askerIp);
    cost?.op("arpReply");
    return ingress;
  }

  private timeoutFor(proto: number): number {
    const t = this.config.timeouts ?? DEFAULT_TIMEOUTS;
    return proto === IpProto.TCP ? t.tcpPs : proto === IpProto.UDP ? t.udpPs : proto === IpProto.ESP ? t.espPs : t.otherPs;
  }

  private inbound(buf: Uint8Array, cost: CostTrace | undefined): number {
    const p = this.parsed, k = this.key, now = this.board!.sim.now, flows = this.flows;
    this.counts.inbound++;
    // prior-art NAT balancers key on ports: ESP has none, so only the source IP balances it
    // (fragments, first included, by source: one server per client's fragmented datagrams)
    if (p.moreFragments || p.fragOffset !== 0) k.fromSource(p);
    else k.fromFrame(p, p.ipProto === IpProto.ESP);
    if (p.ipProto === IpProto.ESP) this.counts.espBySourceOnly++;
    const hash = k.hash();
    cost?.op("flowHash");
    cost?.op("flowLookup");
    let slot = flows.find(k, hash, now);
    if (cost) this.tableCost.lookup(cost, slot);
    let server: number;
    if (slot >= 0) {
      server = flows.server[slot]!;
      flows.touch(slot, now); // a busy flow stays where it is
      if (cost) this.tableCost.touch(cost, slot);
    } else {
      cost?.op("schedule");
      server = this.rr++ % this.config.servers.length;
      const from = flows.sweep(now, SWEEP_SLOTS);
      if (cost) this.tableCost.sweep(cost, from, SWEEP_SLOTS);
      slot = flows.insert(k, hash, 0, server, 0, 0, now, this.timeoutFor(p.ipProto === IpProto.ICMP && p.innerProto >= 0 ? p.innerProto : p.ipProto));
      // a full table (slot -1, counted in flows.fullRejects): this packet's server is not remembered
      cost?.op("flowInsert");
      if (cost) this.tableCost.insert(cost);
    }
    const srv = this.config.servers[server]!;
    // an ICMP error quotes the packet the server sent, from the virtual IP: the server must see its own address there
    if (p.ipProto === IpProto.ICMP && isIcmpError(p.icmpType) && p.innerSrc === this.config.vip) this.translateQuote(buf, 12, srv.ip, cost);
    this.rewrite(buf, p.l3Offset + 16, srv.ip, cost); // destination IP
    writeMac(buf, 0, srv.mac);
    writeMac(buf, 6, this.config.mac);
    cost?.op("macRewrite");
    return srv.port;
  }

  private outbound(buf: Uint8Array, server: number, cost: CostTrace | undefined): number {
    const p = this.parsed;
    this.counts.outbound++;
    // a server's ICMP error quotes the client's packet to the server's address: the client sent it to the virtual IP
    if (p.ipProto === IpProto.ICMP && isIcmpError(p.icmpType) && p.innerDst === this.config.servers[server]!.ip) this.translateQuote(buf, 16, this.config.vip, cost);
    this.rewrite(buf, p.l3Offset + 12, this.config.vip, cost); // source IP
    const r = this.config.routers[p.ipDst % this.config.routers.length]; // by client address
    if (!r) {
      return this.drop("noRoute");
    }
    writeMac(buf, 0, r.mac);
    writeMac(buf, 6, this.config.mac);
    cost?.op("macRewrite");
    return r.port;
  }

  /**
   * Rewrites the address at offset `field` (12 source, 16 destination) of the IPv4 header quoted
   * in the ICMP error, with the quoted header's checksum, the quoted TCP/UDP checksum where the
   * quote holds it, and the ICMP checksum, all incrementally (RFC 1624).
   */
  private translateQuote(buf: Uint8Array, field: number, addr: number, cost: CostTrace | undefined): void {
    const p = this.parsed, icmp = p.l4Offset, q = icmp + 8, end = p.l3Offset + p.ipTotalLen;
    const qhl = (buf[q]! & 0x0f) * 4, at = q + field;
    if (at + 4 > end || q + 12 > end) return;
    const old = u32(buf, at);
    let icsum = u16(buf, icmp + 2);
    put32(buf, at, addr);
    icsum = csumUpdate32(icsum, old, addr);
    const oldIpSum = u16(buf, q + 10), newIpSum = csumUpdate32(oldIpSum, old, addr);
    put16(buf, q + 10, newIpSum);
    icsum = csumUpdate16(icsum, oldIpSum, newIpSum);
    cost?.op("addressRewrite");
    cost?.op("checksumUpdate");
    this.counts.checksumUpdates++;
    const proto = buf[q + 9]!, l4 = q + qhl, c = proto === IpProto.TCP ? l4 + 16 : proto === IpProto.UDP ? l4 + 6 : -1;
    if (c >= 0 && c + 2 <= end && (buf[q + 6]! & 0x1f) === 0 && buf[q + 7] === 0) {
      const cur = u16(buf, c);
      if (!(proto === IpProto.UDP && cur === 0)) {
        let next = csumUpdate32(cur, old, addr);
        if (proto === IpProto.UDP && next === 0) next = 0xffff;
        put16(buf, c, next);
        icsum = csumUpdate16(icsum, cur, next);
        cost?.op("checksumUpdate");
        this.counts.checksumUpdates++;
      }
    }
    put16(buf, icmp + 2, icsum);
    cost?.op("checksumUpdate");
    this.counts.checksumUpdates++;
    this.counts.icmpTranslated++;
  }

  /** Rewrites the IPv4 address at `at` and updates the IP and TCP/UDP checksums incrementally (RFC 1624). */
  private rewrite(buf: Uint8Array, at: number, addr: number, cost: CostTrace | undefined): void {
    const p = this.parsed, o = p.l3Offset;
    const old = u32(buf, at);
    put32(buf, at, addr);
    put16(buf, o + 10, csumUpdate32(u16(buf, o + 10), old, addr));
    cost?.op("addressRewrite");
    cost?.op("checksumUpdate");
    this.counts.checksumUpdates++;
    const l4 = p.l4Offset;
    if (p.fragOffset === 0 && (p.ipProto === IpProto.TCP || p.ipProto === IpProto.UDP)) {
      const c = p.ipProto === IpProto.TCP ? l4 + 16 : l4 + 6;
      const cur = u16(buf, c);
      if (p.ipProto === IpProto.UDP && cur === 0) return; // no UDP checksum: nothing to update
      let next = csumUpdate32(cur, old, addr);
      if (p.ipProto === IpProto.UDP && next === 0) next = 0xffff;
      put16(buf, c, next);
      cost?.op("checksumUpdate");
      this.counts.checksumUpdates++;
    }
  }

  dstMac(buf: Uint8Array): number {
    return readMac(buf, 0);
  }

  read() {
    return { counts: { ...this.counts }, drops: { ...this.drops }, flows: this.flows.read() };
  }
}
