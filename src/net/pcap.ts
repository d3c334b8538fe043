/**
 * Classic libpcap files (https://wiki.wireshark.org/Development/LibpcapFileFormat): the writer uses
 * the nanosecond-resolution magic 0xa1b23c4d, link type 1 (Ethernet), snaplen 65535, little
 * endian; timestamps come from integer ps simulation time (floored to ns). The reader accepts both
 * byte orders and both the microsecond and nanosecond magics, and reports malformed input as an
 * error naming the byte offset; it never throws.
 */
import { closeSync, openSync, writeSync } from "node:fs";

export const PCAP_MAGIC_NS = 0xa1b23c4d;
export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const LINKTYPE_ETHERNET = 1;
export const SNAPLEN = 65535;

export class PcapWriter {
  private buf = new Uint8Array(1 << 16);
  private view = new DataView(this.buf.buffer);
  private used = 0;
  private fd: number | undefined;
  records = 0;

  private constructor(fd?: number) {
    this.fd = fd;
    this.header();
  }

  /** A writer that keeps the capture in memory (`bytes()`). */
  static inMemory(): PcapWriter {
    return new PcapWriter();
  }

  /** A writer that streams to a file in 64 KiB chunks; call `close()` at the end. */
  static toFile(path: string): PcapWriter {
    return new PcapWriter(openSync(path, "w"));
  }

  private ensure(n: number): void {
    if (this.used + n <= this.buf.length) return;
    if (this.fd !== undefined && this.used > 0) {
      writeSync(this.fd, this.buf, 0, this.used);
      this.used = 0;
      if (n <= this.buf.length) return;
    }
    let cap = this.buf.length;
    while (cap < this.used + n) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.used));
    this.buf = b;
    this.view = new DataView(b.buffer);
  }

  private header(): void {
    this.ensure(24);
    const v = this.view, o = this.used;
    v.setUint32(o, PCAP_MAGIC_NS, true);
    v.setUint16(o + 4, 2, true);
    v.setUint16(o + 6, 4, true);
    v.setInt32(o + 8, 0, true);
    v.setUint32(o + 12, 0, true);
    v.setUint32(o + 16, SNAPLEN, true);
    v.setUint32(o + 20, LINKTYPE_ETHERNET, true);
    this.used += 24;
  }

  /** Appends one frame captured at `timePs`. */
  write(timePs: number, frame: Uint8Array): void {
    const incl = Math.min(frame.length, SNAPLEN);
    this.ensure(16 + incl);
    const ns = Math.floor(timePs / 1000);
    const v = this.view, o = this.used;
    v.setUint32(o, Math.floor(ns / 1e9), true);
    v.setUint32(o + 4, ns % 1e9, true);
    v.setUint32(o + 8, incl, true);
    v.setUint32(o + 12, frame.length, true);
    this.buf.set(frame.subarray(0, incl), o + 16);
    this.used += 16 + incl;
    this.records++;
  }

  /** The capture so far (in-memory writers). */
  bytes(): Uint8Array {
    return this.buf.slice(0, this.used);
  }

  close(): void {
    if (this.fd === undefined) return;
    if (this.used > 0) writeSync(this.fd, this.buf, 0, this.used);
    closeSync(this.fd);
    this.fd = undefined;
    this.used = 0;
  }
}

export interface PcapRecord {
  /** Capture time in ns. */
  timeNs: number;
  data: Uint8Array;
  origLen: number;
}

export interface PcapFile {
  nanosecond: boolean;
  linkType: number;
  snaplen: number;
  records: PcapRecord[];
}

export interface PcapError {
  offset: number;
  message: string;
}

export type PcapResult = { ok: true; value: PcapFile } | { ok: false; error: PcapError };

const bad = (offset: number, message: string): PcapResult => ({ ok: false, error: { offset, message: `pcap: ${message} at byte ${offset}` } });

export function readPcap(bytes: Uint8Array): PcapResult {
  if (bytes.length < 24) return bad(0, `file of ${bytes.length} bytes is shorter than the 24-byte global header`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const m = v.getUint32(0, true);
  let le: boolean, nanosecond: boolean;
  if (m === PCAP_MAGIC_NS || m === PCAP_MAGIC_US) (le = true), (nanosecond = m === PCAP_MAGIC_NS);
  else {
    const mb = v.getUint32(0, false);
    if (mb !== PCAP_MAGIC_NS && mb !== PCAP_MAGIC_US) return bad(0, `bad magic number 0x${m.toString(16).padStart(8, "0")} (not a classic pcap file; pcapng is not supported)`);
    le = false;
    nanosecond = mb === PCAP_MAGIC_NS;
  }
  const snaplen = v.getUint32(16, le);
  const linkType = v.getUint32(20, le);
  const records: PcapRecord[] = [];
  let o = 24;
  while (o < bytes.length) {
    if (bytes.length - o < 16) return bad(o, `truncated record header (${bytes.length - o} of 16 bytes)`);
    const sec = v.getUint32(o, le), frac = v.getUint32(o + 4, le);
    const incl = v.getUint32(o + 8, le), orig = v.getUint32(o + 12, le);
    if (frac >= (nanosecond ? 1e9 : 1e6)) return bad(o + 4, `sub-second field ${frac} out of range`);
    if (incl > (snaplen || 262144)) return bad(o + 8, `record length ${incl} exceeds the snapshot length ${snaplen}`);
    if (o + 16 + incl > bytes.length) return bad(o + 8, `record of ${incl} bytes runs past the end of the file`);
    records.push({ timeNs: sec * 1e9 + (nanosecond ? frac : frac * 1000), data: bytes.slice(o + 16, o + 16 + incl), origLen: orig });
    o += 16 + incl;
  }
  return { ok: true, value: { nanosecond, linkType, snaplen, records } };
}
