/**
 * Reads capture files, classic pcap and pcapng alike, as tcpdump, Wireshark, editcap and flowsim
 * write them, into records with their absolute time (seconds since 1970 and nanoseconds), link
 * type, interface and direction (pcapng epb_flags). Classic pcap: both byte orders, the
 * microsecond and nanosecond magics. pcapng: every section (either byte order), Interface
 * Description Blocks with if_tsresol (powers of 10 or 2) and if_tsoffset, Enhanced, Simple and
 * the obsolete Packet Blocks; other blocks (name resolution, statistics, ...) are skipped.
 * Malformed input returns an error naming the byte offset; nothing here throws on file bytes.
 */
import { PCAP_MAGIC_NS, PCAP_MAGIC_US } from "./pcap.ts";
import { BLOCK_EPB, BLOCK_IDB, BLOCK_PB, BLOCK_SHB, BLOCK_SPB, BYTE_ORDER_MAGIC, EPB_FLAGS, IF_NAME, IF_TSOFFSET, IF_TSRESOL, SHB_USERAPPL, OPT_COMMENT } from "./pcapng.ts";

export interface CaptureRecord {
  /** Absolute capture time: whole seconds since 1970 and nanoseconds. */
  sec: number;
  nsec: number;
  /** The captured bytes (possibly fewer than `origLen`). */
  data: Uint8Array;
  origLen: number;
  linkType: number;
  /** Interface index over the whole file (0 for classic pcap). */
  iface: number;
  /** pcapng epb_flags direction: 0 unknown, 1 inbound, 2 outbound. */
  dir: number;
}

export interface CaptureInterface {
  linkType: number;
  snaplen: number;
  name: string;
}

export interface CaptureFile {
  format: "pcap" | "pcapng";
  records: CaptureRecord[];
  interfaces: CaptureInterface[];
  /** pcapng: the first section's shb_userappl and shb_comment ("" if absent). */
  userAppl: string;
  comment: string;
}

export interface CaptureError {
  offset: number;
  message: string;
}

export type CaptureResult = { ok: true; value: CaptureFile } | { ok: false; error: CaptureError };

const fail = (format: string, offset: number, message: string): CaptureResult => ({ ok: false, error: { offset, message: `${format}: ${message} at byte ${offset}` } });

const hex = (x: number) => `0x${(x >>> 0).toString(16).padStart(8, "0")}`;

/** Reads a classic pcap or a pcapng file, whichever `bytes` is. */
export function readCapture(bytes: Uint8Array): CaptureResult {
  if (bytes.length < 4) return fail("capture", 0, `file of ${bytes.length} bytes is too short to be a pcap or pcapng file`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (v.getUint32(0, true) === BLOCK_SHB) return readPcapng(bytes);
  return readPcap(bytes);
}

/** Classic pcap only. */
export function readPcap(bytes: Uint8Array): CaptureResult {
  const f = "pcap";
  if (bytes.length < 24) return fail(f, 0, `file of ${bytes.length} bytes is shorter than the 24-byte global header`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const m = v.getUint32(0, true), mb = v.getUint32(0, false);
  let le: boolean, nano: boolean;
  if (m === PCAP_MAGIC_NS || m === PCAP_MAGIC_US) (le = true), (nano = m === PCAP_MAGIC_NS);
  else if (mb === PCAP_MAGIC_NS || mb === PCAP_MAGIC_US) (le = false), (nano = mb === PCAP_MAGIC_NS);
  else return fail("capture", 0, `bad magic number ${hex(m)} (neither a pcap nor a pcapng file)`);
  const snaplen = v.getUint32(16, le);
  const linkType = v.getUint32(20, le) & 0x0fffffff; // the upper bits carry FCS information
  const records: CaptureRecord[] = [];
  let o = 24;
  while (o < bytes.length) {
    if (bytes.length - o < 16) return fail(f, o, `truncated record header (${bytes.length - o} of 16 bytes)`);
    const sec = v.getUint32(o, le), frac = v.getUint32(o + 4, le);
    const incl = v.getUint32(o + 8, le), orig = v.getUint32(o + 12, le);
    if (frac >= (nano ? 1e9 : 1e6)) return fail(f, o + 4, `sub-second field ${frac} out of range`);
    if (incl > Math.max(snaplen, 262144)) return fail(f, o + 8, `record length ${incl} exceeds the snapshot length ${snaplen}`);
    if (o + 16 + incl > bytes.length) return fail(f, o + 8, `record of ${incl} bytes runs past the end of the file`);
    records.push({ sec, nsec: nano ? frac : frac * 1000, data: bytes.subarray(o + 16, o + 16 + incl), origLen: orig, linkType, iface: 0, dir: 0 });
    o += 16 + incl;
  }
  return { ok: true, value: { format: "pcap", records, interfaces: [{ linkType, snaplen, name: "" }], userAppl: "", comment: "" } };
}

interface Iface extends CaptureInterface {
  /** Timestamp units per second, as a BigInt, and the offset in seconds. */
  unitsPerSec: bigint;
  offsetSec: bigint;
}

const decoder = new TextDecoder();

/** pcapng only. */
export function readPcapng(bytes: Uint8Array): CaptureResult {
  const f = "pcapng";
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: CaptureRecord[] = [];
  const all: Iface[] = [];
  let section: Iface[] = [];
  let le = true;
  let userAppl = "", comment = "", sections = 0;
  let o = 0;
  while (o < bytes.length) {
    if (bytes.length - o < 12) return fail(f, o, `truncated block header (${bytes.length - o} of 12 bytes)`);
    const type = v.getUint32(o, true) === BLOCK_SHB ? BLOCK_SHB : v.getUint32(o, le);
    if (type === BLOCK_SHB) {
      if (bytes.length - o < 28) return fail(f, o, "truncated section header block");
      const bom = v.getUint32(o + 8, true);
      if (bom === BYTE_ORDER_MAGIC) le = true;
      else if (bom === 0x4d3c2b1a) le = false;
      else return fail(f, o + 8, `bad byte-order magic ${hex(bom)} in the section header`);
      const major = v.getUint16(o + 12, le);
      if (major !== 1) return fail(f, o + 12, `unsupported pcapng version ${major}`);
      section = [];
    } else if (sections === 0) return fail("capture", 0, `bad magic number ${hex(type)} (neither a pcap nor a pcapng file)`);
    const len = v.getUint32(o + 4, le);
    if (len < 12 || len % 4 !== 0) return fail(f, o + 4, `block length ${len} is not a multiple of 4 of at least 12`);
    if (o + len > bytes.length) return fail(f, o + 4, `block of ${len} bytes runs past the end of the file`);
    if (v.getUint32(o + len - 4, le) !== len) return fail(f, o + len - 4, `block's trailing length ${v.getUint32(o + len - 4, le)} differs from its leading length ${len}`);
    const end = o + len - 4;
    // options from `at` to the block's end: code, length, value padded to 4
    const options = (at: number, fn: (code: number, off: number, n: number) => void): string | undefined => {
      while (at + 4 <= end) {
        const code = v.getUint16(at, le), n = v.getUint16(at + 2, le);
        if (code === 0) return undefined;
        if (at + 4 + n > end) return `option ${code} of ${n} bytes runs past its block`;
        fn(code, at + 4, n);
        at += 4 + ((n + 3) & ~3);
      }
      return undefined;
    };
    const textAt = (off: number, n: number) => decoder.decode(bytes.subarray(off, off + n));
    if (type === BLOCK_SHB) {
      sections++;
      const err = options(o + 24, (code, off, n) => {
        if (sections > 1) return;
        if (code === SHB_USERAPPL) userAppl = textAt(off, n);
        if (code === OPT_COMMENT) comment = textAt(off, n);
      });
      if (err) return fail(f, o, err);
    } else if (type === BLOCK_IDB) {
      if (len < 20) return fail(f, o, `interface description block of ${len} bytes is shorter than 20`);
      const iface: Iface = { linkType: v.getUint16(o + 8, le), snaplen: v.getUint32(o + 12, le), name: "", unitsPerSec: 1_000_000n, offsetSec: 0n };
      let bad = "";
      const err = options(o + 16, (code, off, n) => {
        if (code === IF_NAME) iface.name = textAt(off, n);
        else if (code === IF_TSRESOL && n >= 1) {
          const r = bytes[off]!;
          const exp = BigInt(r & 0x7f);
          if ((r & 0x80 ? exp > 64n : exp > 18n)) bad = `if_tsresol ${r} out of range`;
          else iface.unitsPerSec = r & 0x80 ? 1n << exp : 10n ** exp;
        } else if (code === IF_TSOFFSET && n >= 8) iface.offsetSec = v.getBigInt64(off, le);
      });
      if (err || bad) return fail(f, o, err || bad);
      section.push(iface);
      all.push(iface);
    } else if (type === BLOCK_EPB || type === BLOCK_PB || type === BLOCK_SPB) {
      let id: number, hi = 0, lo = 0, incl: number, orig: number, data: number, dir = 0;
      if (type === BLOCK_SPB) {
        if (len < 16) return fail(f, o, `simple packet block of ${len} bytes is shorter than 16`);
        id = 0;
        orig = v.getUint32(o + 8, le);
        data = o + 12;
        incl = Math.min(orig, end - data, section[0]?.snaplen || orig);
        const prev = records[records.length - 1];
        if (prev) (hi = -1), (lo = -1); // no timestamp: the previous record's time
      } else {
        if (len < 32) return fail(f, o, `packet block of ${len} bytes is shorter than 32`);
        id = type === BLOCK_PB ? v.getUint16(o + 8, le) : v.getUint32(o + 8, le);
        hi = v.getUint32(o + 12, le);
        lo = v.getUint32(o + 16, le);
        incl = v.getUint32(o + 20, le);
        orig = v.getUint32(o + 24, le);
        data = o + 28;
        if (data + incl > end) return fail(f, o + 20, `packet of ${incl} bytes runs past its block`);
        const err = options(data + ((incl + 3) & ~3), (code, off, n) => {
          if (code === EPB_FLAGS && n >= 4) dir = v.getUint32(off, le) & 3;
        });
        if (err) return fail(f, o, err);
      }
      const iface = section[id];
      if (!iface) return fail(f, o + 8, `packet on interface ${id}, which the section has not described`);
      let sec: number, nsec: number;
      if (hi === -1) ({ sec, nsec } = records[records.length - 1]!);
      else {
        const units = (BigInt(hi) << 32n) | BigInt(lo);
        const s = units / iface.unitsPerSec + iface.offsetSec;
        if (s < 0n || s > 0xffffffffn) return fail(f, o + 12, `timestamp of ${s} s is outside 1970-2106`);
        sec = Number(s);
        nsec = Number(((units % iface.unitsPerSec) * 1_000_000_000n) / iface.unitsPerSec);
      }
      records.push({ sec, nsec, data: bytes.subarray(data, data + incl), origLen: orig, linkType: iface.linkType, iface: all.indexOf(iface), dir });
    }
    o += len;
  }
  if (sections === 0) return fail(f, 0, "no section header block");
  return { ok: true, value: { format: "pcapng", records, interfaces: all.map(({ linkType, snaplen, name }) => ({ linkType, snaplen, name })), userAppl, comment } };
}
