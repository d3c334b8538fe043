/**
 * pcapng files (IETF draft-ietf-opsawg-pcapng; Wireshark's default format), the default trace of
 * a run: one section whose header says what made the capture and what it holds (shb_comment,
 * shb_hardware, shb_userappl), one Interface Description Block per switch port (if_name,
 * if_description, if_speed in bit/s, if_tsresol 9: nanoseconds, link type 1: Ethernet), and an
 * Enhanced Packet Block per frame with its interface, the 64-bit nanosecond count since 1970
 * (the capture epoch plus the simulation time) and epb_flags giving the direction (inbound: the
 * port received it from its host; outbound: the port sent it to its host). Little endian;
 * written atomically through a ByteSink. Nothing is allocated per frame.
 */
import { ByteSink } from "../sim/trace/sink.ts";
import { CaptureEpoch } from "./capture-epoch.ts";
import { copyInto, LINKTYPE_ETHERNET, SNAPLEN } from "./pcap.ts";

export const BLOCK_SHB = 0x0a0d0d0a;
export const BLOCK_IDB = 0x00000001;
export const BLOCK_PB = 0x00000002;
export const BLOCK_SPB = 0x00000003;
export const BLOCK_EPB = 0x00000006;
export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

export const OPT_COMMENT = 1;
export const SHB_HARDWARE = 2, SHB_OS = 3, SHB_USERAPPL = 4;
export const IF_NAME = 2, IF_DESCRIPTION = 3, IF_SPEED = 8, IF_TSRESOL = 9, IF_TSOFFSET = 14;
export const EPB_FLAGS = 2;

/** epb_flags direction bits (0: unknown). */
export const DIR_INBOUND = 1;
export const DIR_OUTBOUND = 2;

export interface SectionInfo {
  /** What the capture holds and how it was made (shown in Wireshark's capture file properties). */
  comment?: string;
  hardware?: string;
  os?: string;
  userAppl?: string;
}

export interface InterfaceInfo {
  name: string;
  description?: string;
  /** Link speed in bit/s. */
  speedBps?: number;
  comment?: string;
}

const utf8 = new TextEncoder();

type Opt = [code: number, value: Uint8Array];

function text(code: number, s: string | undefined): Opt[] {
  return s === undefined || s === "" ? [] : [[code, utf8.encode(s)]];
}

function u64(code: number, x: number): Opt {
  const b = new Uint8Array(8);
  const v = new DataView(b.buffer);
  v.setUint32(0, x % 4294967296, true);
  v.setUint32(4, Math.floor(x / 4294967296), true);
  return [code, b];
}

const pad4 = (n: number) => (n + 3) & ~3;
const optsBytes = (opts: Opt[]) => (opts.length ? opts.reduce((s, [, v]) => s + 4 + pad4(v.length), 4) : 0);

export class PcapngWriter {
  private interfaces = 0;
  private sealed = false;
  records = 0;

  private readonly epoch: CaptureEpoch;

  private constructor(private readonly sink: ByteSink, epoch: CaptureEpoch, section: SectionInfo) {
    this.epoch = epoch.copy();
    const opts = [...text(OPT_COMMENT, section.comment), ...text(SHB_HARDWARE, section.hardware), ...text(SHB_OS, section.os), ...text(SHB_USERAPPL, section.userAppl)];
    this.block(BLOCK_SHB, 16, opts, (v, o) => {
      v.setUint32(o, BYTE_ORDER_MAGIC, true);
      v.setUint16(o + 4, 1, true);
      v.setUint16(o + 6, 0, true);
      v.setInt32(o + 8, -1, true); // section length unknown (-1 as 64 bits)
      v.setInt32(o + 12, -1, true);
    });
  }

  static inMemory(section: SectionInfo = {}, epoch = CaptureEpoch.ZERO): PcapngWriter {
    return new PcapngWriter(ByteSink.inMemory(), epoch, section);
  }

  /** A writer that streams to `path` (atomically: see ByteSink); call `close()` at the end. */
  static toFile(path: string, section: SectionInfo = {}, epoch = CaptureEpoch.ZERO): PcapngWriter {
    return new PcapngWriter(ByteSink.toFile(path), epoch, section);
  }

  /** Declares an Ethernet interface (before the first packet); returns its id for `write`. */
  addInterface(i: InterfaceInfo): number {
    if (this.sealed) throw new Error("pcapng: interfaces must be declared before the first packet");
    const opts = [...text(IF_NAME, i.name), ...text(IF_DESCRIPTION, i.description), ...(i.speedBps ? [u64(IF_SPEED, i.speedBps)] : []), [IF_TSRESOL, Uint8Array.of(9)] as Opt, ...text(OPT_COMMENT, i.comment)];
    this.block(BLOCK_IDB, 8, opts, (v, o) => {
      v.setUint16(o, LINKTYPE_ETHERNET, true);
      v.setUint16(o + 2, 0, true);
      v.setUint32(o + 4, SNAPLEN, true);
    });
    return this.interfaces++;
  }

  private block(type: number, fixed: number, opts: Opt[], body: (v: DataView, o: number) => void): void {
    const len = 12 + fixed + optsBytes(opts);
    const s = this.sink;
    s.ensure(len);
    const v = s.view, o = s.used;
    v.setUint32(o, type, true);
    v.setUint32(o + 4, len, true);
    body(v, o + 8);
    let p = o + 8 + fixed;
    if (opts.length) {
      for (const [code, val] of opts) {
        v.setUint16(p, code, true);
        v.setUint16(p + 2, val.length, true);
        s.buf.set(val, p + 4);
        s.buf.fill(0, p + 4 + val.length, p + 4 + pad4(val.length));
        p += 4 + pad4(val.length);
      }
      v.setUint32(p, 0, true); // opt_endofopt
      p += 4;
    }
    v.setUint32(p, len, true);
    s.advance(len);
  }

  /**
   * Appends the first `len` bytes of `frame` (default all) on interface `iface` at simulated time
   * `timePs`, with direction `dir` (DIR_INBOUND, DIR_OUTBOUND or 0) and an optional comment.
   */
  write(iface: number, timePs: number, frame: Uint8Array, len = frame.length, dir = 0, comment?: string): void {
    this.sealed = true;
    const incl = Math.min(len, SNAPLEN);
    const com = comment ? utf8.encode(comment) : undefined;
    const optLen = (dir ? 8 : 0) + (com ? 4 + pad4(com.length) : 0);
    const total = 32 + pad4(incl) + (optLen ? optLen + 4 : 0);
    const s = this.sink;
    s.ensure(total);
    const e = this.epoch;
    e.at64(timePs);
    const v = s.view, o = s.used;
    v.setUint32(o, BLOCK_EPB, true);
    v.setUint32(o + 4, total, true);
    v.setUint32(o + 8, iface, true);
    v.setUint32(o + 12, e.hi, true);
    v.setUint32(o + 16, e.lo, true);
    v.setUint32(o + 20, incl, true);
    v.setUint32(o + 24, len, true);
    copyInto(s.buf, o + 28, frame, incl);
    let p = o + 28 + incl;
    for (; p < o + 28 + pad4(incl); p++) s.buf[p] = 0;
    if (optLen) {
      if (dir) {
        v.setUint32(p, EPB_FLAGS | (4 << 16), true);
        v.setUint32(p + 4, dir, true);
        p += 8;
      }
      if (com) {
        v.setUint16(p, OPT_COMMENT, true);
        v.setUint16(p + 2, com.length, true);
        s.buf.set(com, p + 4);
        s.buf.fill(0, p + 4 + com.length, p + 4 + pad4(com.length));
        p += 4 + pad4(com.length);
      }
      v.setUint32(p, 0, true);
      p += 4;
    }
    v.setUint32(p, total, true);
    s.advance(total);
    this.records++;
  }

  bytes(): Uint8Array {
    return this.sink.bytes();
  }

  close(): void {
    this.sink.close();
  }

  abort(): void {
    this.sink.abort();
  }
}
