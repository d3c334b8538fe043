/**
 * PcapReplay: a user's capture (pcap or pcapng, as tcpdump, Wireshark or flowsim write them)
 * drives the clients' side. Each IPv4 frame for a cluster's virtual IP is sent into the switch by
 * a router (the one whose MAC is its source, else one chosen by a hash of its source address)
 * with the router's own MAC as source and the virtual MAC from the router's ARP cache as
 * destination; everything else in the frame is as captured.
 *
 * Times: capture times are absolute (seconds since 1970), so they are rebased to the run: a
 * record is sent at `startUs` + (its time - the capture's origin) x `timeScale`, where the origin
 * is the first record's time, or for a flowsim capture the run start its section header states
 * (so a run's own capture replays at the same simulated times). Raw-IP captures (link types 101
 * and 228) get an Ethernet header; other link types are skipped. Records that cannot be sent are
 * counted by reason and skipped: not IPv4, malformed, not for a cluster, longer than an Ethernet
 * frame (jumbo frames), empty, cut short by the capture's snapshot length, sent by the switch
 * (pcapng outbound records of a flowsim capture), of an unsupported link type, or timed
 * outside what a run can reach (2^53 ps after the origin). A file that is not a capture is one
 * error line. Frames are copied into the pool at send time only.
 */
import { readRegularFile } from "../sim/input-file.ts";
import { MAX_FRAME_BYTES, FCS_BYTES, VLAN_TAG_BYTES } from "../hw/ethernet/wire.ts";
import { readCapture, type CaptureFile, type CaptureRecord } from "../net/capture-read.ts";
import { NO_FRAME, type FramePool } from "../net/frame-pool.ts";
import { readMac, writeMac } from "../net/mac.ts";
import { ParsedFrame, ParseStatus, parseFrame } from "../net/parse.ts";
import { LINKTYPE_ETHERNET } from "../net/pcap.ts";
import { DIR_OUTBOUND } from "../net/pcapng.ts";
import { MIN_FRAME } from "../net/write.ts";
import { Priority } from "../sim/priority.ts";
import type { SimEvent } from "../sim/event.ts";
import type { Simulator } from "../sim/simulator.ts";
import { MAX_TICK } from "../sim/time.ts";
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

/** Link types of raw IP captures (no link-layer header): LINKTYPE_RAW and LINKTYPE_IPV4. */
const LINKTYPE_RAW = 101, LINKTYPE_IPV4 = 228;

/** Why a record was not replayed. */
export interface ReplaySkipped {
  notIpv4: number;
  malformed: number;
  notToCluster: number;
  /** Longer than an Ethernet frame (1,514 bytes without FCS, 1,518 tagged): jumbo frames. */
  tooLong: number;
  /** Zero-length records. */
  empty: number;
  /** Captured with fewer bytes than the frame had (the capture's snapshot length). */
  truncated: number;
  /** Records a flowsim capture marks outbound: sent by the switch, not to it. */
  outbound: number;
  /** A link type other than Ethernet or raw IP. */
  linkType: number;
  /** Further from the capture's origin than a run can reach (2^53 ps, about 2.5 h, after scaling). */
  timeOutOfRange: number;
}

/** The origin of a capture's times, in seconds and nanoseconds since 1970: a flowsim capture's stated run start, else its first record. */
export function captureOrigin(f: CaptureFile): { sec: number; nsec: number } | undefined {
  const stated = f.userAppl.startsWith("flowsim") ? /simulated time 0 is (\S+?)\s/i.exec(f.comment) : null;
  if (stated) {
    const ms = Date.parse(stated[1]!);
    if (Number.isFinite(ms)) return { sec: Math.floor(ms / 1000), nsec: (ms % 1000) * 1e6 };
  }
  const r = f.records[0];
  return r ? { sec: r.sec, nsec: r.nsec } : undefined;
}

export class PcapReplay {
  private readonly records: Uint8Array[] = [];
  private readonly at: Float64Array;
  private readonly router: Int32Array;
  private readonly dstIp: Float64Array;
  private next = 0;
  private readonly ev: SimEvent;
  readonly skipped: ReplaySkipped = { notIpv4: 0, malformed: 0, notToCluster: 0, tooLong: 0, empty: 0, truncated: 0, outbound: 0, linkType: 0, timeOutOfRange: 0 };
  /** Frames sent; frames padded to the Ethernet minimum; timestamps that went backwards (sent at once). */
  sent = 0;
  padded = 0;
  reordered = 0;
  total = 0;
  readonly format: string;

  constructor(private readonly sim: Simulator, private readonly pool: FramePool, p: ReplayParams, vips: readonly number[], private readonly routers: RouterHost[], routerMacs: number[], private readonly ledger: DropLedger) {
    let bytes: Uint8Array;
    try {
      bytes = readRegularFile(p.file);
    } catch (err) {
      throw new ReplayError(`replay ${p.file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    const r = readCapture(bytes);
    if (!r.ok) throw new ReplayError(`replay ${p.file}: ${r.error.message}`);
    const f = r.value;
    this.format = f.format;
    this.total = f.records.length;
    const origin = captureOrigin(f) ?? { sec: 0, nsec: 0 };
    const start = Math.round((p.startUs ?? 0) * 1e6);
    const parsed = new ParsedFrame();
    const times: number[] = [], rt: number[] = [], ips: number[] = [];
    for (const rec of f.records) {
      const data = this.frameOf(rec);
      if (!data) continue;
      // rebased to the run: exact for any time a run can reach (below 2^53 ps)
      const rel = (rec.sec - origin.sec) * 1e12 + (rec.nsec - origin.nsec) * 1000;
      const t = start + Math.round(rel * p.timeScale);
      if (!Number.isFinite(t) || t > MAX_TICK || rel > MAX_TICK) {
        this.skipped.timeOutOfRange++;
        continue;
      }
      const st = parseFrame(data, 0, data.length, parsed);
      if (st !== ParseStatus.Ok) {
        this.skipped.malformed++;
        continue;
      }
      if (parsed.ipProto < 0) {
        this.skipped.notIpv4++;
        continue;
      }
      if (!vips.includes(parsed.ipDst)) {
        this.skipped.notToCluster++;
        continue;
      }
      const src = readMac(data, 6);
      let ri = routerMacs.indexOf(src);
      if (ri < 0) ri = Math.imul(parsed.ipSrc ^ (parsed.ipSrc >>> 16), 0x45d9f3b) >>> 0;
      this.records.push(data);
      times.push(Math.max(0, t));
      rt.push(ri % routers.length);
      ips.push(parsed.ipDst);
    }
    this.router = Int32Array.from(rt);
    this.dstIp = Float64Array.from(ips);
    this.at = Float64Array.from(times);
    for (let i = 1; i < this.at.length; i++) {
      if (this.at[i]! < this.at[i - 1]!) {
        this.reordered++; // sent right after the one before it
        this.at[i] = this.at[i - 1]!;
      }
    }
    this.ev = sim.event("replay.send", () => this.send(), Priority.Default);
    if (this.records.length) sim.schedule(this.ev, Math.max(sim.now, this.at[0]!));
  }

  /** The record as an Ethernet frame, or undefined (counted by reason) if it cannot be replayed. */
  private frameOf(rec: CaptureRecord): Uint8Array | undefined {
    const k = this.skipped;
    if (rec.dir === DIR_OUTBOUND) return void k.outbound++;
    if (rec.data.length === 0) return void k.empty++;
    let data = rec.data;
    if (rec.linkType === LINKTYPE_RAW || rec.linkType === LINKTYPE_IPV4) {
      if (data[0]! >> 4 !== 4) return void k.notIpv4++;
      const e = new Uint8Array(14 + data.length);
      e[12] = 0x08; // EtherType IPv4; the MACs are the router's and the virtual MAC, written at send time
      e.set(data, 14);
      data = e;
    } else if (rec.linkType !== LINKTYPE_ETHERNET) return void k.linkType++;
    const tagged = data.length >= 14 && data[12] === 0x81 && data[13] === 0x00;
    if (data.length > MAX_FRAME_BYTES - FCS_BYTES + (tagged ? VLAN_TAG_BYTES : 0) || data.length > this.pool.slotBytes) return void k.tooLong++;
    if (rec.origLen > rec.data.length) return void k.truncated++;
    return data;
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
      b.set(rec, 0);
      let len = rec.length;
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
    return { format: this.format, frames: this.total, sent: this.sent, notYetSent: this.records.length - this.next, padded: this.padded, reordered: this.reordered, skipped: { ...this.skipped } };
  }

  /** One line for the CLI: records read, sent, and skipped by reason. */
  static summary(r: ReturnType<PcapReplay["read"]>): string {
    const skipped = Object.entries(r.skipped).filter(([, n]) => n > 0).map(([k, n]) => `${n.toLocaleString("en-US")} ${k}`);
    return `replay: ${r.frames.toLocaleString("en-US")} records (${r.format}): ${r.sent.toLocaleString("en-US")} sent${r.notYetSent ? `, ${r.notYetSent.toLocaleString("en-US")} after the run's end` : ""}${r.reordered ? `, ${r.reordered} out of time order (sent at once)` : ""}; skipped: ${skipped.length ? skipped.join(", ") : "none"}`;
  }
}
