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
 */
import { IpProto } from "../net/codec/l4.ts";
import type { FramePool } from "../net/frame-pool.ts";
import { csumUpdate32 } from "../net/checksum.ts";
import { readMac, writeMac } from "../net/mac.ts";
import { ParsedFrame, parseFrame, ParseStatus } from "../net/parse.ts";
import type { CostTrace } from "../hw/cpu/cost-trace.ts";
import { Verdict } from "../hw/cpu-board.ts";
import { CPU_PORT, type BoardApi, type BoardFirmware } from "../hw/boards/board.ts";
import { FlowKey } from "./flow-key.ts";
import { FlowTable } from "./flow-table.ts";

export interface NatConfig {
  vip: number;
  /** The balancer's own MAC: routers send inbound frames to it, servers use it as their gateway. */
  mac: number;
  servers: { name: string; ip: number; mac: number; port: number }[];
  routers: { name: string; ip: number; mac: number; port: number }[];
  flowTableSize?: number;
}

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
  private rr = 0;
  private readonly serverByIp = new Map<number, number>();
  private readonly routerByMac = new Map<number, number>();
  readonly counts = { inbound: 0, outbound: 0, checksumUpdates: 0, espBySourceOnly: 0 };
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
    if (s !== undefined) return this.outbound(buf, cost);
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

  private inbound(buf: Uint8Array, cost: CostTrace | undefined): number {
    const p = this.parsed, k = this.key, now = this.board!.sim.now;
    this.counts.inbound++;
    k.fromFrame(p);
    if (p.ipProto === IpProto.ESP) {
      // prior-art NAT balancers key on ports: ESP has none, so only the source IP balances it
      k.ports = 0;
      this.counts.espBySourceOnly++;
    }
    const hash = k.hash();
    cost?.op("flowHash");
    cost?.op("flowLookup");
    let slot = this.flows.find(k, hash, now);
    let server: number;
    if (slot >= 0) server = this.flows.server[slot]!;
    else {
      cost?.op("schedule");
      server = this.rr++ % this.config.servers.length;
      slot = this.flows.insert(k, hash, 0, server, now, 300e12);
      cost?.op("flowInsert");
    }
    const srv = this.config.servers[server]!;
    this.rewrite(buf, p.l3Offset + 16, srv.ip, cost); // destination IP
    writeMac(buf, 0, srv.mac);
    writeMac(buf, 6, this.config.mac);
    cost?.op("macRewrite");
    return srv.port;
  }

  private outbound(buf: Uint8Array, cost: CostTrace | undefined): number {
    this.counts.outbound++;
    this.rewrite(buf, this.parsed.l3Offset + 12, this.config.vip, cost); // source IP
    const r = this.config.routers[this.parsed.ipDst % this.config.routers.length]; // by client address
    if (!r) {
      return this.drop("noRoute");
    }
    writeMac(buf, 0, r.mac);
    writeMac(buf, 6, this.config.mac);
    cost?.op("macRewrite");
    return r.port;
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
