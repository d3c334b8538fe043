/**
 * A router of the pool (Fig 2): its own IP and MAC, a link to a switch port, and an access
 * network toward the clients (two Ethernet channels: clients to router, router to clients; rate
 * and delay are parameters). Clients' frames come in addressed to the router; it forwards those
 * for a virtual IP on the switch's subnet with the virtual MAC from its ARP cache (refreshed as
 * any host's), and frames from the switch for a client to the access network. It answers ARP for
 * its own address (the switch's health probes) and learns the virtual IPs' MACs from replies and
 * gratuitous ARPs. A failed router drops everything (its clients' traffic is lost upstream).
 */
import type { FramePool } from "../net/frame-pool.ts";
import { writeMac } from "../net/mac.ts";
import { ParsedFrame, ParseStatus, parseFrame } from "../net/parse.ts";
import { EthernetChannel, type EthernetChannelParams } from "../hw/ethernet/link.ts";
import type { Simulator } from "../sim/simulator.ts";
import type { ArpCache, ArpCacheParams } from "./arp-cache.ts";
import { HostArp } from "./host-arp.ts";
import { CLIENT_MAC_BASE, ClientPopulation } from "./clients.ts";
import type { DropLedger } from "./drop-ledger.ts";
import type { FailureMode } from "./server.ts";

export interface RouterParams {
  name: string;
  index: number;
  mac: number;
  ip: number;
  /** The switch-side subnet (the virtual IPs' and the routers'): address and prefix length. */
  subnet: number;
  prefix: number;
  arp: ArpCacheParams;
  access: Partial<EthernetChannelParams>;
  /** Maps a client IP to its index in the population (its MAC). */
  clientIndex: (ip: number) => number;
}

export class RouterHost {
  readonly arp: ArpCache;
  private readonly arpIo: HostArp;
  /** Clients to router, router to clients. */
  readonly accessIn: EthernetChannel;
  readonly accessOut: EthernetChannel;
  private readonly parsed = new ParsedFrame();
  failed: FailureMode | undefined;
  readonly counts = { fromClients: 0, toClients: 0, received: 0, probesAnswered: 0 };
  private readonly mask: number;

  constructor(private readonly sim: Simulator, private readonly pool: FramePool, private readonly ledger: DropLedger, readonly p: RouterParams, private readonly tx: EthernetChannel, private readonly rx: EthernetChannel, toClients: (h: number) => void) {
    this.mask = p.prefix === 0 ? 0 : (0xffff_ffff << (32 - p.prefix)) >>> 0;
    this.arpIo = new HostArp(sim, pool, ledger, "router", p.mac, p.ip, tx, p.arp, () => this.failed !== undefined);
    this.arp = this.arpIo.cache;
    this.accessIn = new EthernetChannel(sim, `${p.name}.accessIn`, pool, p.access);
    this.accessOut = new EthernetChannel(sim, `${p.name}.accessOut`, pool, p.access);
    this.accessIn.receiver = (h) => this.fromClient(h);
    this.accessOut.receiver = toClients;
    rx.receiver = (h) => this.fromSwitch(h);
  }

  /** Resolves the addresses it will forward to (the virtual IPs) at boot. */
  start(vips: readonly number[]): void {
    for (const v of vips) this.arp.resolve(v, this.sim.now);
  }

  /** A client's frame: forward it to the switch with the destination's MAC. */
  fromClient(h: number): void {
    const pool = this.pool, p = this.parsed;
    if (this.failed) {
      this.ledger.drop("router.failed");
      return pool.free(h);
    }
    if (parseFrame(pool.bytes(h), 0, pool.length(h), p) !== ParseStatus.Ok || p.ipProto < 0) {
      this.ledger.drop("router.malformed");
      return pool.free(h);
    }
    if (((p.ipDst & this.mask) >>> 0) !== ((this.p.subnet & this.mask) >>> 0)) {
      this.ledger.drop("router.noRoute");
      return pool.free(h);
    }
    const mac = this.arp.lookup(p.ipDst, this.sim.now);
    if (mac < 0) {
      this.ledger.drop("router.unresolved");
      return pool.free(h);
    }
    const b = pool.bytes(h);
    writeMac(b, 0, mac);
    writeMac(b, 6, this.p.mac);
    this.counts.fromClients++;
    this.tx.send(h);
  }

  /** Sends a frame as it is (pcap replay): it counts as forwarded from a client. */
  forwardAsIs(h: number): void {
    if (this.failed) {
      this.ledger.drop("router.failed");
      return this.pool.free(h);
    }
    this.counts.fromClients++;
    this.tx.send(h);
  }

  private fromSwitch(h: number): void {
    const pool = this.pool, p = this.parsed;
    if (this.failed) {
      this.ledger.drop("router.failed");
      return pool.free(h);
    }
    if (parseFrame(pool.bytes(h), 0, pool.length(h), p) !== ParseStatus.Ok) {
      this.ledger.drop("router.malformed");
      return pool.free(h);
    }
    if (p.etherType === 0x0806) {
      this.counts.received++;
      pool.free(h);
      if (this.arpIo.receive(p)) this.counts.probesAnswered++;
      return;
    }
    if (p.ipProto < 0 || !ClientPopulation.isClientIp(p.ipDst)) {
      this.ledger.drop("router.noRoute");
      return pool.free(h);
    }
    const i = this.p.clientIndex(p.ipDst);
    if (i < 0) {
      this.ledger.drop("router.noRoute");
      return pool.free(h);
    }
    const b = pool.bytes(h);
    writeMac(b, 0, CLIENT_MAC_BASE + i);
    writeMac(b, 6, this.p.mac);
    this.counts.toClients++;
    this.accessOut.send(h);
  }

  fail(mode: FailureMode): void {
    if (this.failed) return;
    this.failed = mode;
    if (mode === "link") {
      this.tx.setUp(false);
      this.rx.setUp(false);
    }
  }

  recover(vips: readonly number[]): void {
    if (!this.failed) return;
    if (this.failed === "link") {
      this.tx.setUp(true);
      this.rx.setUp(true);
    }
    this.failed = undefined;
    this.start(vips);
  }

  read(now: number) {
    return { name: this.p.name, failed: this.failed ?? false, ...this.counts, accessIn: this.accessIn.read(now), accessOut: this.accessOut.read(now), arp: { requests: this.arp.requests, updates: this.arp.updates, changes: this.arp.changes } };
  }
}
