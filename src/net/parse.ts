/**
 * Zero-allocation parsing for the datapath. `parseFrame` fills a preallocated `ParsedFrame` with
 * the fields the firmware and hosts need (offsets, addresses, ports, SPI, TCP flags, ICMP error
 * inner header) and returns a status; it never throws and never allocates. On an error the
 * struct names the field and byte offset. `decodeFrame` (codec/ethernet.ts) is the structured,
 * allocating twin used by tools and tests; a differential test keeps the two in agreement.
 */
import { IpProto } from "./codec/l4.ts";
import { readMac, writeMac } from "./mac.ts";

export const ParseStatus = { Ok: 0, Truncated: 1, Malformed: 2 } as const;
export type ParseStatus = (typeof ParseStatus)[keyof typeof ParseStatus];

export class ParsedFrame {
  dst = 0;
  src = 0;
  /** EtherType after any 802.1Q tag. */
  etherType = 0;
  /** VLAN id, -1 when untagged. */
  vlanId = -1;
  l3Offset = 0;
  // IPv4 (ipProto -1 when not IPv4)
  ipProto = -1;
  ipSrc = 0;
  ipDst = 0;
  ipHeaderLen = 0;
  ipTotalLen = 0;
  ipId = 0;
  fragOffset = 0;
  moreFragments = false;
  l4Offset = 0;
  // L4 (-1 when absent)
  srcPort = -1;
  dstPort = -1;
  tcpFlags = 0;
  spi = -1;
  icmpType = -1;
  icmpCode = -1;
  // ICMP error: the offending packet named in the message (innerProto -1 when none)
  innerProto = -1;
  innerSrc = 0;
  innerDst = 0;
  innerSrcPort = -1;
  innerDstPort = -1;
  /** The quoted packet's SPI (ESP, AH), -1 when absent. */
  innerSpi = -1;
  // ARP (arpOp 0 when not ARP)
  arpOp = 0;
  arpSenderMac = 0;
  arpSenderIp = 0;
  arpTargetMac = 0;
  arpTargetIp = 0;
  // error location
  errorField = "";
  errorOffset = -1;

  reset(): void {
    this.dst = this.src = this.etherType = this.l3Offset = 0;
    this.vlanId = -1;
    this.ipProto = -1;
    this.ipSrc = this.ipDst = this.ipHeaderLen = this.ipTotalLen = this.ipId = this.fragOffset = this.l4Offset = 0;
    this.moreFragments = false;
    this.srcPort = this.dstPort = this.spi = this.icmpType = this.icmpCode = -1;
    this.tcpFlags = 0;
    this.innerProto = this.innerSrcPort = this.innerDstPort = this.innerSpi = -1;
    this.innerSrc = this.innerDst = 0;
    this.arpOp = this.arpSenderMac = this.arpSenderIp = this.arpTargetMac = this.arpTargetIp = 0;
    this.errorField = "";
    this.errorOffset = -1;
  }

  /** True for a non-first fragment, which has no L4 header. */
  get isLaterFragment(): boolean {
    return this.fragOffset !== 0;
  }
}

const u16 = (b: Uint8Array, o: number) => (b[o]! << 8) | b[o + 1]!;
const u32 = (b: Uint8Array, o: number) => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;

function fail(out: ParsedFrame, status: ParseStatus, field: string, offset: number): ParseStatus {
  out.errorField = field;
  out.errorOffset = offset;
  return status;
}

/** Parses buf[off, off+len) into `out`. */
export function parseFrame(buf: Uint8Array, off: number, len: number, out: ParsedFrame): ParseStatus {
  out.reset();
  const end = off + len;
  if (len < 14) return fail(out, ParseStatus.Truncated, "ethernet.header", off);
  out.dst = readMac(buf, off);
  out.src = readMac(buf, off + 6);
  let type = u16(buf, off + 12), o = off + 14;
  if (type === 0x8100) {
    if (len < 18) return fail(out, ParseStatus.Truncated, "802.1q.tag", off + 14);
    out.vlanId = u16(buf, off + 14) & 0xfff;
    type = u16(buf, off + 16);
    o = off + 18;
    if (type === 0x8100) return fail(out, ParseStatus.Malformed, "802.1q.etherType", off + 16);
  }
  out.etherType = type;
  out.l3Offset = o;
  if (type === 0x0806) {
    if (end - o < 28) return fail(out, ParseStatus.Truncated, "arp.packet", o);
    if (u16(buf, o) !== 1 || u16(buf, o + 2) !== 0x0800 || buf[o + 4] !== 6 || buf[o + 5] !== 4) return fail(out, ParseStatus.Malformed, "arp.hardwareType", o);
    out.arpOp = u16(buf, o + 6);
    out.arpSenderMac = readMac(buf, o + 8);
    out.arpSenderIp = u32(buf, o + 14);
    out.arpTargetMac = readMac(buf, o + 18);
    out.arpTargetIp = u32(buf, o + 24);
    return ParseStatus.Ok;
  }
  if (type !== 0x0800) return ParseStatus.Ok; // opaque EtherType
  const st = parseIpv4(buf, o, end, out, false);
  return st;
}

function parseIpv4(buf: Uint8Array, o: number, end: number, out: ParsedFrame, inner: boolean): ParseStatus {
  if (end - o < 20) return inner ? ParseStatus.Ok : fail(out, ParseStatus.Truncated, "ipv4.header", o);
  if (buf[o]! >> 4 !== 4) return inner ? ParseStatus.Ok : fail(out, ParseStatus.Malformed, "ipv4.version", o);
  const hl = (buf[o]! & 0x0f) * 4;
  if (hl < 20) return inner ? ParseStatus.Ok : fail(out, ParseStatus.Malformed, "ipv4.ihl", o);
  if (end - o < hl) return inner ? ParseStatus.Ok : fail(out, ParseStatus.Truncated, "ipv4.options", o + 20);
  const total = u16(buf, o + 2);
  const frag = u16(buf, o + 6);
  const proto = buf[o + 9]!;
  const src = u32(buf, o + 12), dst = u32(buf, o + 16);
  if (inner) {
    // ICMP error quote: header + at least 8 bytes; the quoted total length may exceed what is quoted
    out.innerProto = proto;
    out.innerSrc = src;
    out.innerDst = dst;
    const l4 = o + hl;
    if ((proto === IpProto.TCP || proto === IpProto.UDP) && end - l4 >= 4 && (frag & 0x1fff) === 0) {
      out.innerSrcPort = u16(buf, l4);
      out.innerDstPort = u16(buf, l4 + 2);
    } else if (proto === IpProto.ESP && end - l4 >= 4 && (frag & 0x1fff) === 0) out.innerSpi = u32(buf, l4);
    else if (proto === IpProto.AH && end - l4 >= 8 && (frag & 0x1fff) === 0) out.innerSpi = u32(buf, l4 + 4);
    return ParseStatus.Ok;
  }
  if (total < hl) return fail(out, ParseStatus.Malformed, "ipv4.totalLength", o + 2);
  if (total > end - o) return fail(out, ParseStatus.Truncated, "ipv4.payload", o + hl);
  if (frag & 0x8000) return fail(out, ParseStatus.Malformed, "ipv4.flags", o + 6);
  out.ipProto = proto;
  out.ipSrc = src;
  out.ipDst = dst;
  out.ipHeaderLen = hl;
  out.ipTotalLen = total;
  out.ipId = u16(buf, o + 4);
  out.moreFragments = (frag & 0x2000) !== 0;
  out.fragOffset = frag & 0x1fff;
  const l4 = o + hl;
  out.l4Offset = l4;
  if (out.fragOffset !== 0) return ParseStatus.Ok; // later fragment: no L4 header
  const l4end = o + total, n = l4end - l4;
  switch (proto) {
    case IpProto.TCP:
      if (out.moreFragments && n < 20) return ParseStatus.Ok;
      if (n < 20) return fail(out, ParseStatus.Truncated, "tcp.header", l4);
      if ((buf[l4 + 12]! >> 4) * 4 < 20) return fail(out, ParseStatus.Malformed, "tcp.dataOffset", l4 + 12);
      if ((buf[l4 + 12]! >> 4) * 4 > n && !out.moreFragments) return fail(out, ParseStatus.Truncated, "tcp.options", l4 + 20);
      out.srcPort = u16(buf, l4);
      out.dstPort = u16(buf, l4 + 2);
      out.tcpFlags = buf[l4 + 13]!;
      return ParseStatus.Ok;
    case IpProto.UDP:
      if (n < 8) return out.moreFragments ? ParseStatus.Ok : fail(out, ParseStatus.Truncated, "udp.header", l4);
      if (!out.moreFragments) {
        const ulen = u16(buf, l4 + 4);
        if (ulen < 8) return fail(out, ParseStatus.Malformed, "udp.length", l4 + 4);
        if (ulen > n) return fail(out, ParseStatus.Truncated, "udp.payload", l4 + 8);
      }
      out.srcPort = u16(buf, l4);
      out.dstPort = u16(buf, l4 + 2);
      return ParseStatus.Ok;
    case IpProto.ESP:
      if (n < 8) return out.moreFragments ? ParseStatus.Ok : fail(out, ParseStatus.Truncated, "esp.header", l4);
      out.spi = u32(buf, l4);
      return ParseStatus.Ok;
    case IpProto.AH: {
      if (n < 12) return out.moreFragments ? ParseStatus.Ok : fail(out, ParseStatus.Truncated, "ah.header", l4);
      const ahl = (buf[l4 + 1]! + 2) * 4;
      if (ahl > n && !out.moreFragments) return fail(out, ParseStatus.Truncated, "ah.icv", l4 + 12);
      out.spi = u32(buf, l4 + 4);
      return ParseStatus.Ok;
    }
    case IpProto.ICMP:
      if (n < 8) return out.moreFragments ? ParseStatus.Ok : fail(out, ParseStatus.Truncated, "icmp.header", l4);
      out.icmpType = buf[l4]!;
      out.icmpCode = buf[l4 + 1]!;
      // errors (3 unreachable, 4 source quench, 5 redirect, 11 time exceeded, 12 parameter problem) quote a header
      if (out.icmpType === 3 || out.icmpType === 4 || out.icmpType === 5 || out.icmpType === 11 || out.icmpType === 12) parseIpv4(buf, l4 + 8, l4end, out, true);
      return ParseStatus.Ok;
    default:
      return ParseStatus.Ok;
  }
}

/** The destination MAC of the frame at buf[off]. */
export function readDstMac(buf: Uint8Array, off = 0): number {
  return readMac(buf, off);
}

/** The switch's one rewrite: the destination MAC, in place. Nothing else in the frame changes. */
export function writeDstMac(buf: Uint8Array, off: number, mac: number): void {
  writeMac(buf, off, mac);
}
