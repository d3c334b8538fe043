/**
 * IPv4 (RFC 791): header with options kept verbatim, fragmentation fields, header checksum
 * (computed on encode, verified on decode), and its payload decoded by protocol number. A
 * fragment (MF set or a non-zero offset) carries its payload as opaque bytes. Unknown protocol
 * numbers decode as opaque, never as an error.
 */
import { checksum } from "../checksum.ts";
import type { Ipv4 } from "../ipv4-addr.ts";
import {
  decodeAh, decodeEsp, decodeGre, decodeIcmp, decodeTcp, decodeUdp, encodeAh, encodeEsp, encodeGre, encodeIcmp, encodeTcp, encodeUdp,
  IpProto, type AhPacket, type EspPacket, type GrePacket, type IcmpMessage, type TcpSegment, type UdpDatagram,
} from "./l4.ts";
import { concat, malformed, ok, put16, put32, truncated, u16, u32, type Result } from "./result.ts";

export type Ipv4Payload =
  | { kind: "tcp"; tcp: TcpSegment }
  | { kind: "udp"; udp: UdpDatagram }
  | { kind: "icmp"; icmp: IcmpMessage }
  | { kind: "esp"; esp: EspPacket }
  | { kind: "ah"; ah: AhPacket }
  | { kind: "gre"; gre: GrePacket }
  | { kind: "ipip"; inner: Ipv4Packet }
  | { kind: "opaque"; bytes: Uint8Array };

export interface Ipv4Packet {
  dscp: number;
  ecn: number;
  id: number;
  dontFragment: boolean;
  moreFragments: boolean;
  /** Fragment offset in 8-byte units. */
  fragmentOffset: number;
  ttl: number;
  protocol: number;
  src: Ipv4;
  dst: Ipv4;
  /** Option bytes, a multiple of 4, at most 40. */
  options: Uint8Array;
  payload: Ipv4Payload;
  /** On decode: whether the header checksum verified. */
  checksumOk?: boolean;
}

const PROTO_OF: Record<Ipv4Payload["kind"], number | undefined> = {
  tcp: IpProto.TCP, udp: IpProto.UDP, icmp: IpProto.ICMP, esp: IpProto.ESP, ah: IpProto.AH, gre: IpProto.GRE, ipip: IpProto.IPIP, opaque: undefined,
};

function encodePayload(p: Ipv4Packet): Uint8Array {
  const pl = p.payload;
  switch (pl.kind) {
    case "tcp": return encodeTcp(pl.tcp, p.src, p.dst);
    case "udp": return encodeUdp(pl.udp, p.src, p.dst);
    case "icmp": return encodeIcmp(pl.icmp);
    case "esp": return encodeEsp(pl.esp);
    case "ah": return encodeAh(pl.ah);
    case "gre": return encodeGre(pl.gre);
    case "ipip": return encodeIpv4(pl.inner);
    case "opaque": return pl.bytes;
  }
}

export function encodeIpv4(p: Ipv4Packet): Uint8Array {
  const expected = PROTO_OF[p.payload.kind];
  if (expected !== undefined && expected !== p.protocol) throw new RangeError(`IPv4 protocol ${p.protocol} does not match a ${p.payload.kind} payload (${expected})`);
  if (p.options.length % 4 !== 0 || p.options.length > 40) throw new RangeError(`IPv4 options must be a multiple of 4 bytes, at most 40 (got ${p.options.length})`);
  const body = encodePayload(p);
  const hl = 20 + p.options.length;
  const h = new Uint8Array(hl);
  h[0] = 0x40 | (hl / 4);
  h[1] = ((p.dscp & 0x3f) << 2) | (p.ecn & 3);
  const total = hl + body.length;
  if (total > 0xffff) throw new RangeError(`IPv4 packet of ${total} bytes exceeds 65535`);
  put16(h, 2, total);
  put16(h, 4, p.id);
  put16(h, 6, (p.dontFragment ? 0x4000 : 0) | (p.moreFragments ? 0x2000 : 0) | (p.fragmentOffset & 0x1fff));
  h[8] = p.ttl;
  h[9] = p.protocol;
  put32(h, 12, p.src);
  put32(h, 16, p.dst);
  h.set(p.options, 20);
  put16(h, 10, checksum(h, 0, hl));
  return concat(h, body);
}

/** Decodes the IPv4 packet at f[off..off+len); bytes beyond its total length (Ethernet padding) are ignored. */
export function decodeIpv4(f: Uint8Array, off: number, len: number, depth = 0): Result<Ipv4Packet> {
  if (len < 20) return truncated("ipv4", "header", off, 20, len);
  const version = f[off]! >> 4;
  if (version !== 4) return malformed("ipv4", "version", off, `version ${version} is not 4`);
  const hl = (f[off]! & 0x0f) * 4;
  if (hl < 20) return malformed("ipv4", "ihl", off, `header length ${hl} < 20`);
  if (hl > len) return truncated("ipv4", "options", off + 20, hl - 20, len - 20);
  const total = u16(f, off + 2);
  if (total < hl) return malformed("ipv4", "totalLength", off + 2, `total length ${total} < header length ${hl}`);
  if (total > len) return truncated("ipv4", "payload", off + hl, total - hl, len - hl);
  const frag = u16(f, off + 6);
  if (frag & 0x8000) return malformed("ipv4", "flags", off + 6, "reserved flag bit set");
  const src = u32(f, off + 12) as Ipv4, dst = u32(f, off + 16) as Ipv4;
  const protocol = f[off + 9]!;
  const mf = (frag & 0x2000) !== 0, fo = frag & 0x1fff;
  const po = off + hl, pl = total - hl;
  let payload: Ipv4Payload;
  if (mf || fo !== 0) payload = { kind: "opaque", bytes: f.slice(po, po + pl) };
  else {
    const r = decodePayload(f, po, pl, protocol, src, dst, depth);
    if (!r.ok) return r;
    payload = r.value;
  }
  return ok({
    dscp: f[off + 1]! >> 2, ecn: f[off + 1]! & 3, id: u16(f, off + 4), dontFragment: (frag & 0x4000) !== 0, moreFragments: mf, fragmentOffset: fo,
    ttl: f[off + 8]!, protocol, src, dst, options: f.slice(off + 20, off + hl), payload, checksumOk: checksum(f, off, hl) === 0,
  });
}

function decodePayload(f: Uint8Array, o: number, n: number, protocol: number, src: number, dst: number, depth: number): Result<Ipv4Payload> {
  const wrap = <K extends string, T>(r: Result<T>, kind: K, key: string) => (r.ok ? ok({ kind, [key]: r.value }) : r);
  switch (protocol) {
    case IpProto.TCP: return wrap(decodeTcp(f, o, n, src, dst), "tcp", "tcp") as Result<Ipv4Payload>;
    case IpProto.UDP: return wrap(decodeUdp(f, o, n, src, dst), "udp", "udp") as Result<Ipv4Payload>;
    case IpProto.ICMP: return wrap(decodeIcmp(f, o, n), "icmp", "icmp") as Result<Ipv4Payload>;
    case IpProto.ESP: return wrap(decodeEsp(f, o, n), "esp", "esp") as Result<Ipv4Payload>;
    case IpProto.AH: return wrap(decodeAh(f, o, n), "ah", "ah") as Result<Ipv4Payload>;
    case IpProto.GRE: return wrap(decodeGre(f, o, n), "gre", "gre") as Result<Ipv4Payload>;
    case IpProto.IPIP:
      if (depth >= 4) return malformed("ipv4", "protocol", o, "IP-in-IP nested deeper than 4");
      return wrap(decodeIpv4(f, o, n, depth + 1), "ipip", "inner") as Result<Ipv4Payload>;
    default:
      return ok({ kind: "opaque", bytes: f.slice(o, o + n) });
  }
}
