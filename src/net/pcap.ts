/**
 * Classic libpcap files (https://wiki.wireshark.org/Development/LibpcapFileFormat), still
 * written on request (`--pcap-format pcap`; pcapng is the default, pcapng.ts): the writer uses
 * the nanosecond-resolution magic 0xa1b23c4d, link type 1 (Ethernet), snaplen 65535, little
 * endian; a record's time is the capture epoch (capture-epoch.ts) plus the simulation time,
 * floored to the ns. Files are written atomically (src/sim/trace/sink.ts). Reading, of pcap and
 * pcapng alike, is in capture-read.ts.
 */
import { ByteSink } from "../sim/trace/sink.ts";
import { CaptureEpoch } from "./capture-epoch.ts";

export const PCAP_MAGIC_NS = 0xa1b23c4d;
export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const LINKTYPE_ETHERNET = 1;
export const SNAPLEN = 65535;

/** Copies `len` bytes of `src` to `dst` at `at` without a subarray view (no allocation per frame). */
export function copyInto(dst: Uint8Array, at: number, src: Uint8Array, len: number): void {
  if (len === src.length) return void dst.set(src, at);
  for (let i = 0; i < len; i++) dst[at + i] = src[i]!;
}

export class PcapWriter {
  records = 0;

  private readonly epoch: CaptureEpoch;

  private constructor(private readonly sink: ByteSink, epoch: CaptureEpoch) {
    this.epoch = epoch.copy();
    sink.ensure(24);
    const v = sink.view, o = sink.used;
    v.setUint32(o, PCAP_MAGIC_NS, true);
    v.setUint16(o + 4, 2, true);
    v.setUint16(o + 6, 4, true);
    v.setInt32(o + 8, 0, true);
    v.setUint32(o + 12, 0, true);
    v.setUint32(o + 16, SNAPLEN, true);
    v.setUint32(o + 20, LINKTYPE_ETHERNET, true);
    sink.advance(24);
  }

  /** A writer that keeps the capture in memory (`bytes()`); times from `epoch` (default 1970: simulation time as is). */
  static inMemory(epoch = CaptureEpoch.ZERO): PcapWriter {
    return new PcapWriter(ByteSink.inMemory(), epoch);
  }

  /** A writer that streams to `path` (atomically: see ByteSink); call `close()` at the end. */
  static toFile(path: string, epoch = CaptureEpoch.ZERO): PcapWriter {
    return new PcapWriter(ByteSink.toFile(path), epoch);
  }

  /** Appends the first `len` bytes of `frame` (default all), captured at simulated time `timePs`. */
  write(timePs: number, frame: Uint8Array, len = frame.length): void {
    const incl = Math.min(len, SNAPLEN);
    const sink = this.sink;
    sink.ensure(16 + incl);
    const e = this.epoch;
    e.at(timePs);
    const v = sink.view, o = sink.used;
    v.setUint32(o, e.s, true);
    v.setUint32(o + 4, e.ns, true);
    v.setUint32(o + 8, incl, true);
    v.setUint32(o + 12, len, true);
    copyInto(sink.buf, o + 16, frame, incl);
    sink.advance(16 + incl);
    this.records++;
  }

  /** The capture so far (in-memory writers). */
  bytes(): Uint8Array {
    return this.sink.bytes();
  }

  close(): void {
    this.sink.close();
  }

  /** Drops the file (a run that failed). */
  abort(): void {
    this.sink.abort();
  }
}
