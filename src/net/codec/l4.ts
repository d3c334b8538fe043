/**
 * Transport and tunnel headers carried in IPv4: TCP, UDP, ICMP, ESP, AH, GRE, and IP-in-IP
 * (which nests a whole IPv4 packet; see ipv4.ts). Encoders take the IPv4 source and destination
 * for the TCP/UDP pseudo-header checksum. Decoders take the whole frame and an offset, so errors
 * name absolute byte offsets.
 */
import { checksum, pseudoHeaderSum } from "../checksum.ts";
import { malformed, ok, put16, put32, truncated, u16, u32, type Result } from "./result.ts";

export const IpProto = { ICMP: 1, IPIP: 4, TCP: 6, UDP: 17, GRE: 47, ESP: 50, AH: 51 } as const;
export const TcpFlag = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16, URG: 32, ECE: 64, CWR: 128 } as const;

export interface TcpSegment {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  urgent: number;
  /** Option bytes, a multiple of 4 long (pad with 0 = end of options, or 1 = no-op). */
  options: Uint8Array;
  payload: Uint8Array;
  /** On decode: whether the checksum verified. Ignored on encode (always computed). */
  checksumOk?: boolean;
}

export interface UdpDatagram {
  srcPort: number;
  dstPort: number;
  payload: Uint8Array;
  /** Send checksum 0 ("none", RFC 768). */
  noChecksum?: boolean;
  checksumOk?: boolean;
}

export interface IcmpMessage {
  type: number;
  code: number;
  /** The 4 bytes after the checksum: id << 16 | seq for echo, unused/MTU for errors. */
  rest: number;
  /** Echo data, or for errors the offending packet's IP header + first 8 bytes. */
  data: Uint8Array;
  checksumOk?: boolean;
}

export interface EspPacket {
  spi: number;
  seq: number;
  /** Encrypted payload, IV, padding, pad length, next header and ICV: opaque here. */
  payload: Uint8Array;
}

export interface AhPacket {
  nextHeader: number;
  spi: number;
  seq: number;
  /** Integrity check value, a multiple of 4 bytes (RFC 4302 for IPv4). */
  icv: Uint8Array;
  /** The protected payload (not decoded further). */
  payload: Uint8Array;
}

export interface GrePacket {
  protocolType: number;
  checksumPresent: boolean;
  key?: number;
  sequence?: number;
  payload: Uint8Array;
  checksumOk?: boolean;
}

// ---------- TCP ----------
export function encodeTcp(s: TcpSegment, src: number, dst: number): Uint8Array {
  if (s.options.length % 4 !== 0 || s.options.length > 40) throw new RangeError(`TCP options must be a multiple of 4 bytes, at most 40 (got ${s.options.length})`);
  const hl = 20 + s.options.length;
  const b = new Uint8Array(hl + s.payload.length);
  put16(b, 0, s.srcPort);
  put16(b, 2, s.dstPort);
  put32(b, 4, s.seq);
  put32(b, 8, s.ack);
  b[12] = (hl / 4) << 4;
  b[13] = s.flags & 0xff;
  put16(b, 14, s.window);
  put16(b, 18, s.urgent);
  b.set(s.options, 20);
  b.set(s.payload, hl);
  put16(b, 16, checksum(b, 0, b.length, pseudoHeaderSum(src, dst, IpProto.TCP, b.length)));
  return b;
}

export function decodeTcp(f: Uint8Array, off: number, len: number, src: number, dst: number): Result<TcpSegment> {
  if (len < 20) return truncated("tcp", "header", off, 20, len);
  const hl = (f[off + 12]! >> 4) * 4;
  if (hl < 20) return malformed("tcp", "dataOffset", off + 12, `header length ${hl} < 20`);
  if (hl > len) return truncated("tcp", "options", off + 20, hl - 20, len - 20);
  return ok({
    srcPort: u16(f, off), dstPort: u16(f, off + 2), seq: u32(f, off + 4), ack: u32(f, off + 8),
    flags: f[off + 13]!, window: u16(f, off + 14), urgent: u16(f, off + 18),
    options: f.slice(off + 20, off + hl), payload: f.slice(off + hl, off + len),
    checksumOk: checksum(f, off, len, pseudoHeaderSum(src, dst, IpProto.TCP, len)) === 0,
  });
}

/** MSS, SACK-permitted, window scale and timestamps options, padded to a multiple of 4. */
export function tcpOptions(o: { mss?: number; sackPermitted?: boolean; windowScale?: number; timestamps?: [number, number] }): Uint8Array {
  const bytes: number[] = [];
  if (o.mss !== undefined) bytes.push(2, 4, o.mss >> 8, o.mss & 0xff);
  if (o.sackPermitted) bytes.push(4, 2);
  if (o.timestamps) {
    const [a, b] = o.timestamps;
    bytes.push(8, 10, a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255, b >>> 24, (b >>> 16) & 255, (b >>> 8) & 255, b & 255);
  }
  if (o.windowScale !== undefined) bytes.push(3, 3, o.windowScale);
  while (bytes.length % 4) bytes.push(1); // NOP padding
  return Uint8Array.from(bytes);
}

// ---------- UDP ----------
export function encodeUdp(d: UdpDatagram, src: number, dst: number): Uint8Array {
  const b = new Uint8Array(8 + d.payload.length);
  put16(b, 0, d.srcPort);
  put16(b, 2, d.dstPort);
  put16(b, 4, b.length);
  b.set(d.payload, 8);
  if (!d.noChecksum) {
    const c = checksum(b, 0, b.length, pseudoHeaderSum(src, dst, IpProto.UDP, b.length));
    put16(b, 6, c === 0 ? 0xffff : c); // a computed 0 is sent as all ones (RFC 768)
  }
  return b;
}

export function decodeUdp(f: Uint8Array, off: number, len: number, src: number, dst: number): Result<UdpDatagram> {
  if (len < 8) return truncated("udp", "header", off, 8, len);
  const ulen = u16(f, off + 4);
  if (ulen < 8) return malformed("udp", "length", off + 4, `length ${ulen} < 8`);
  if (ulen > len) return truncated("udp", "payload", off + 8, ulen - 8, len - 8);
  const c = u16(f, off + 6);
  return ok({
    srcPort: u16(f, off), dstPort: u16(f, off + 2), payload: f.slice(off + 8, off + ulen),
    ...(c === 0 ? { noChecksum: true } : {}),
    checksumOk: c === 0 || checksum(f, off, ulen, pseudoHeaderSum(src, dst, IpProto.UDP, ulen)) === 0,
  });
}

// ---------- ICMP ----------
export function encodeIcmp(m: IcmpMessage): Uint8Array {
  const b = new Uint8Array(8 + m.data.length);
  b[0] = m.type;
  b[1] = m.code;
  put32(b, 4, m.rest);
  b.set(m.data, 8);
  put16(b, 2, checksum(b, 0, b.length));
  return b;
}

export function decodeIcmp(f: Uint8Array, off: number, len: number): Result<IcmpMessage> {
  if (len < 8) return truncated("icmp", "header", off, 8, len);
  return ok({ type: f[off]!, code: f[off + 1]!, rest: u32(f, off + 4), data: f.slice(off + 8, off + len), checksumOk: checksum(f, off, len) === 0 });
}

// ---------- ESP (RFC 4303) ----------
export function encodeEsp(e: EspPacket): Uint8Array {
  const b = new Uint8Array(8 + e.payload.length);
  put32(b, 0, e.spi);
  put32(b, 4, e.seq);
  b.set(e.payload, 8);
  return b;
}

export function decodeEsp(f: Uint8Array, off: number, len: number): Result<EspPacket> {
  if (len < 8) return truncated("esp", "header", off, 8, len);
  return ok({ spi: u32(f, off), seq: u32(f, off + 4), payload: f.slice(off + 8, off + len) });
}

// ---------- AH (RFC 4302) ----------
export function encodeAh(a: AhPacket): Uint8Array {
  if (a.icv.length % 4 !== 0) throw new RangeError(`AH ICV must be a multiple of 4 bytes (got ${a.icv.length})`);
  const hl = 12 + a.icv.length;
  const b = new Uint8Array(hl + a.payload.length);
  b[0] = a.nextHeader;
  b[1] = hl / 4 - 2; // payload length in 32-bit words, minus 2
  put32(b, 4, a.spi);
  put32(b, 8, a.seq);
  b.set(a.icv, 12);
  b.set(a.payload, hl);
  return b;
}

export function decodeAh(f: Uint8Array, off: number, len: number): Result<AhPacket> {
  if (len < 12) return truncated("ah", "header", off, 12, len);
  const hl = (f[off + 1]! + 2) * 4;
  if (hl < 12) return malformed("ah", "payloadLength", off + 1, `header length ${hl} < 12`);
  if (hl > len) return truncated("ah", "icv", off + 12, hl - 12, len - 12);
  return ok({ nextHeader: f[off]!, spi: u32(f, off + 4), seq: u32(f, off + 8), icv: f.slice(off + 12, off + hl), payload: f.slice(off + hl, off + len) });
}

// ---------- GRE (RFC 2784, 2890) ----------
export function encodeGre(g: GrePacket): Uint8Array {
  const hl = 4 + (g.checksumPresent ? 4 : 0) + (g.key !== undefined ? 4 : 0) + (g.sequence !== undefined ? 4 : 0);
  const b = new Uint8Array(hl + g.payload.length);
  b[0] = (g.checksumPresent ? 0x80 : 0) | (g.key !== undefined ? 0x20 : 0) | (g.sequence !== undefined ? 0x10 : 0);
  put16(b, 2, g.protocolType);
  let o = 4;
  if (g.checksumPresent) o += 4;
  if (g.key !== undefined) put32(b, o, g.key), (o += 4);
  if (g.sequence !== undefined) put32(b, o, g.sequence), (o += 4);
  b.set(g.payload, hl);
  if (g.checksumPresent) put16(b, 4, checksum(b, 0, b.length));
  return b;
}

export function decodeGre(f: Uint8Array, off: number, len: number): Result<GrePacket> {
  if (len < 4) return truncated("gre", "header", off, 4, len);
  const flags = f[off]!;
  if ((f[off + 1]! & 0x07) !== 0) return malformed("gre", "version", off + 1, `version ${f[off + 1]! & 7} is not 0`);
  const c = (flags & 0x80) !== 0, k = (flags & 0x20) !== 0, s = (flags & 0x10) !== 0;
  const hl = 4 + (c ? 4 : 0) + (k ? 4 : 0) + (s ? 4 : 0);
  if (hl > len) return truncated("gre", "optional fields", off + 4, hl - 4, len - 4);
  let o = off + 4 + (c ? 4 : 0);
  const g: GrePacket = { protocolType: u16(f, off + 2), checksumPresent: c, payload: f.slice(off + hl, off + len) };
  if (k) (g.key = u32(f, o)), (o += 4);
  if (s) g.sequence = u32(f, o);
  if (c) g.checksumOk = checksum(f, off, len) === 0;
  return ok(g);
}
