/**
 * PcapReplay: a user's capture drives the clients' side. Each IPv4 frame for a cluster's virtual
 * IP is sent into the switch by a router (the one whose MAC is its source, else one chosen by a
 * hash of its source address) at its capture time, scaled (`timeScale`) and shifted (`startUs`),
 * with the router's own MAC as source and the virtual MAC from the router's ARP cache as
 * destination; everything else in the frame is as captured. Frames that are not IPv4, are
 * malformed, are addressed elsewhere or are too long are counted by reason and skipped; a file
 * that is not a pcap is one error line. Frames are copied into the pool at send time only.
 */
import { readFileSync } from "node:fs";
import { NO_FRAME, type FramePool } from "../net/frame-pool.ts";
import { readMac, writeMac } from "../net/mac.ts";
import { ParsedFrame, ParseStatus, parseFrame } from "../net/parse.ts";
import { LINKTYPE_ETHERNET, readPcap, type PcapRecord } from "../net/pcap.ts";
import { MIN_FRAME } from "../net/write.ts";
import { Priority } from "../sim/priority.ts";
import type { SimEvent } from "../sim/event.ts";
import type { Simulator } from "../sim/simulator.ts";
import { HostsInputError } from "./config.ts";
import type { DropLedger } from "./drop-ledger.ts";
import { DIR_IN } from "./endpoint.ts";
import type { RouterHost } from "./router.ts";

export class ReplayError extends HostsInputError {
  override name = "ReplayError";
}

export interface ReplayParams {
  file: string;
  timeScale: number;
  startUs?: number | undefined;
}

export class PcapReplay {
  private readonly records: PcapRecord[] = [];
  private readonly at: Float64Array;
  private readonly router: Int32Array;
  private readonly dstIp: Float64Array;
  private next = 0;
  private readonly ev: SimEvent;
  readonly skipped = { notIpv4: 0, malformed: 0, notToCluster: 0, tooLong: 0, notEthernet: 0 };
  /** Frames sent; frames padded to the Ethernet minimum; timestamps that went backwards (sent at once). */
  sent = 0;
  padded = 0;
  reordered = 0;
  total = 0;

  constructor(private readonly sim: Simulator, private readonly pool: FramePool, p: ReplayParams, vips: readonly number[], private readonly routers: RouterHost[], routerMacs: number[], private readonly ledger: DropLedger) {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(p.file);
    } catch (err) {
      throw new ReplayError(`replay ${p.file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    const r = readPcap(bytes);
    if (!r.ok) throw new ReplayError(`replay ${p.file}: ${r.error.message}`);
    const f = r.value;
    this.total = f.records.length;
    if (f.linkType !== LINKTYPE_ETHERNET) {
      this.skipped.notEthernet = f.records.length;
      f.records.length = 0;
    }
    const parsed = new ParsedFrame();
    const keep: number[] = [], rt: number[] = [], ips: number[] = [];
    f.records.forEach((rec, i) => {
      if (rec.data.length > pool.slotBytes) return void this.skipped.tooLong++;
      const st = parseFrame(rec.data, 0, rec.data.length, parsed);
      if (st !== ParseStatus.Ok) return void this.skipped.malformed++;
      if (parsed.ipProto < 0) return void this.skipped.notIpv4++;
      if (!vips.includes(parsed.ipDst)) return void this.skipped.notToCluster++;
      const src = readMac(rec.data, 6);
      let ri = routerMacs.indexOf(src);
      if (ri < 0) ri = Math.imul(parsed.ipSrc ^ (parsed.ipSrc >>> 16), 0x45d9f3b) >>> 0;
      keep.push(i);
      rt.push(ri % routers.length);
      ips.push(parsed.ipDst);
    });
    this.records = keep.map((i) => f.records[i]!);
    this.router = Int32Array.from(rt);
    this.dstIp = Float64Array.from(ips);
    const t0 = this.records.length ? this.records[0]!.timeNs * 1000 : 0;
    const start = p.startUs !== undefined ? Math.round(p.startUs * 1e6) : t0;
    this.at = Float64Array.from(this.records, (rec) => start + Math.round((rec.timeNs * 1000 - t0) * p.timeScale));
    for (let i = 1; i < this.at.length; i++) {
      if (this.at[i]! < this.at[i - 1]!) {
        this.reordered++; // sent right after the one before it
        this.at[i] = this.at[i - 1]!;
      }
    }
    this.ev = sim.event("replay.send", () => this.send(), Priority.Default);
    if (this.records.length) sim.schedule(this.ev, Math.max(sim.now, this.at[0]!));
  }

  private send(): void {
    const now = this.sim.now, pool = this.pool;
    while (this.next < this.records.length && this.at[this.next]! <= now) {
      const i = this.next++;
      const rec = this.records[i]!, router = this.routers[this.router[i]!]!;
      const h = pool.alloc();
      if (h === NO_FRAME) {
        this.ledger.drop("client.poolExhausted");
        continue;
      }
      const b = pool.bytes(h);
      b.set(rec.data, 0);
      let len = rec.data.length;
      if (len < MIN_FRAME) {
        b.fill(0, len, MIN_FRAME);
        len = MIN_FRAME;
        this.padded++;
      }
      pool.setLength(h, len);
      const slot = pool.slotOf(h);
      pool.ingressTime[slot] = now;
      pool.flowId[slot] = DIR_IN;
      const mac = router.arp.lookup(this.dstIp[i]!, now);
      if (mac < 0) {
        pool.free(h);
        this.ledger.drop("router.unresolved");
        continue;
      }
      writeMac(b, 0, mac);
      writeMac(b, 6, router.p.mac);
      this.sent++;
      router.forwardAsIs(h);
    }
    if (this.next < this.records.length) this.sim.schedule(this.ev, this.at[this.next]!);
  }

  read() {
    return { frames: this.total, sent: this.sent, padded: this.padded, reordered: this.reordered, skipped: this.skipped };
  }
}
