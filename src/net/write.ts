/**
 * Zero-allocation frame writers for hosts: Ethernet + IPv4 headers and TCP, UDP, ESP, ICMP echo
 * and IP-in-IP bodies, written in place into a frame buffer with valid checksums. The structured
 * codecs (codec/*.ts) are the allocating twins; a differential test decodes what these write.
 *
 * Lengths: a frame is at least 60 bytes without FCS (pad with zeros after the IP packet, which
 * the IP total length excludes). Every writer returns the frame length without FCS.
 */
import { checksum, pseudoHeaderSum } from "./checksum.ts";
import { IpProto } from "./codec/l4.ts";
import { writeMac } from "./mac.ts";

export const ETH_HEADER = 14;
export const IPV4_HEADER = 20;
export const TCP_HEADER = 20;
export const UDP_HEADER = 8;
export const ICMP_HEADER = 8;
/** ESP: SPI + sequence number before the payload; pad length + next header + a 12-byte ICV (HMAC-SHA1-96) after it. */
export const ESP_HEADER = 8;
export const ESP_TRAILER = 2 + 12;
export const MIN_FRAME = 60;
/** Largest IP packet on Ethernet without fragmentation. */
export const IP_MTU = 1500;

/** Big-endian byte helpers: the codecs' own (codec/result.ts), under the names hosts use. */
export { put16, put32, u16 as get16, u32 as get32 } from "./codec/result.ts";
import { put16, put32 } from "./codec/result.ts";

/** The first 12 bytes of an IPv4 header (version/IHL 5, DF, TTL 64, checksum 0), written in place. */
export function ipv4Header(b: Uint8Array, o: number, total: number, proto: number, id = 0): void {
  b[o] = 0x45;
  b[o + 1] = 0;
  put16(b, o + 2, total);
  put16(b, o + 4, id);
  b[o + 6] = 0x40;
  b[o + 7] = 0;
  b[o + 8] = 64;
  b[o + 9] = proto;
  b[o + 10] = 0;
  b[o + 11] = 0;
}

/** A complete 20-byte IPv4 header at `o` with its checksum. */
export function writeIpv4(b: Uint8Array, o: number, total: number, proto: number, src: number, dst: number, id = 0): void {
  ipv4Header(b, o, total, proto, id);
  put32(b, o + 12, src);
  put32(b, o + 16, dst);
  put16(b, o + 10, checksum(b, o, IPV4_HEADER));
}

/** Ethernet II header for IPv4 and the IPv4 header of a packet with `l4Len` bytes after it. Returns the L4 offset. */
export function writeEthIpv4(b: Uint8Array, dstMac: number, srcMac: number, proto: number, src: number, dst: number, l4Len: number, id = 0): number {
  writeMac(b, 0, dstMac);
  writeMac(b, 6, srcMac);
  b[12] = 8;
  b[13] = 0;
  writeIpv4(b, ETH_HEADER, IPV4_HEADER + l4Len, proto, src, dst, id);
  return ETH_HEADER + IPV4_HEADER;
}

/** Frame length for an IPv4 packet with `l4Len` bytes of L4 (padded to the Ethernet minimum). */
export function frameLength(l4Len: number): number {
  return Math.max(MIN_FRAME, ETH_HEADER + IPV4_HEADER + l4Len);
}

/** Zeroes the padding between the end of the IP packet and the frame end. */
function pad(b: Uint8Array, end: number, len: number): number {
  if (end < len) b.fill(0, end, len);
  return len;
}

/** A TCP segment (no options) whose payload bytes are already at o + 20. Returns the frame length. */
export function writeTcp(b: Uint8Array, dstMac: number, srcMac: number, src: number, dst: number, sport: number, dport: number, seq: number, ack: number, flags: number, window: number, payloadLen: number, id = 0): number {
  const n = TCP_HEADER + payloadLen;
  const o = writeEthIpv4(b, dstMac, srcMac, IpProto.TCP, src, dst, n, id);
  put16(b, o, sport);
  put16(b, o + 2, dport);
  put32(b, o + 4, seq >>> 0);
  put32(b, o + 8, ack >>> 0);
  b[o + 12] = 0x50;
  b[o + 13] = flags;
  put16(b, o + 14, window);
  b[o + 16] = b[o + 17] = b[o + 18] = b[o + 19] = 0;
  put16(b, o + 16, checksum(b, o, n, pseudoHeaderSum(src, dst, IpProto.TCP, n)));
  return pad(b, o + n, frameLength(n));
}

/** A UDP datagram whose payload is already at o + 8 (the outer packet, or inside IP-in-IP at `o`). */
function udpAt(b: Uint8Array, o: number, src: number, dst: number, sport: number, dport: number, payloadLen: number): void {
  const n = UDP_HEADER + payloadLen;
  put16(b, o, sport);
  put16(b, o + 2, dport);
  put16(b, o + 4, n);
  b[o + 6] = b[o + 7] = 0;
  put16(b, o + 6, checksum(b, o, n, pseudoHeaderSum(src, dst, IpProto.UDP, n)) || 0xffff);
}

export function writeUdp(b: Uint8Array, dstMac: number, srcMac: number, src: number, dst: number, sport: number, dport: number, payloadLen: number, id = 0): number {
  const n = UDP_HEADER + payloadLen;
  const o = writeEthIpv4(b, dstMac, srcMac, IpProto.UDP, src, dst, n, id);
  udpAt(b, o, src, dst, sport, dport, payloadLen);
  return pad(b, o + n, frameLength(n));
}

/** ESP payload length for `data` bytes: padded so that data + 2 is a multiple of 4 (RFC 4303 §2.4). */
export function espPadding(data: number): number {
  return (4 - ((data + 2) % 4)) % 4;
}
export function espLength(data: number): number {
  return ESP_HEADER + data + espPadding(data) + ESP_TRAILER;
}

/**
 * An ESP packet: SPI, sequence number, then `data` bytes already at o + 8 (the host "encrypts"
 * them in place before), RFC 4303 self-describing padding 1, 2, 3 ..., pad length, next header
 * (4: IP, tunnel mode) and a 12-byte ICV derived from SPI and sequence number.
 */
export function writeEsp(b: Uint8Array, dstMac: number, srcMac: number, src: number, dst: number, spi: number, seq: number, data: number, id = 0): number {
  const n = espLength(data), padN = espPadding(data);
  const o = writeEthIpv4(b, dstMac, srcMac, IpProto.ESP, src, dst, n, id);
  put32(b, o, spi);
  put32(b, o + 4, seq);
  let p = o + ESP_HEADER + data;
  for (let i = 1; i <= padN; i++) b[p++] = i;
  b[p++] = padN;
  b[p++] = 4;
  let x = (spi ^ Math.imul(seq, 0x9e3779b1)) >>> 0;
  for (let i = 0; i < 12; i++) {
    x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) >>> 0;
    b[p++] = x & 255;
  }
  return pad(b, o + n, frameLength(n));
}

/** An ICMP echo request (type 8) or reply (type 0) with `payloadLen` data bytes already at o + 8. */
export function writeIcmpEcho(b: Uint8Array, dstMac: number, srcMac: number, src: number, dst: number, type: 0 | 8, ident: number, seq: number, payloadLen: number, id = 0): number {
  const n = ICMP_HEADER + payloadLen;
  const o = writeEthIpv4(b, dstMac, srcMac, IpProto.ICMP, src, dst, n, id);
  b[o] = type;
  b[o + 1] = 0;
  b[o + 2] = b[o + 3] = 0;
  put16(b, o + 4, ident);
  put16(b, o + 6, seq);
  put16(b, o + 2, checksum(b, o, n));
  return pad(b, o + n, frameLength(n));
}

/** IP-in-IP (RFC 2003): an outer header to `dst`, an inner IPv4 + UDP datagram whose payload is at o + 28. */
export function writeIpipUdp(b: Uint8Array, dstMac: number, srcMac: number, src: number, dst: number, innerSrc: number, innerDst: number, sport: number, dport: number, payloadLen: number, id = 0): number {
  const inner = IPV4_HEADER + UDP_HEADER + payloadLen;
  const o = writeEthIpv4(b, dstMac, srcMac, IpProto.IPIP, src, dst, inner, id);
  writeIpv4(b, o, inner, IpProto.UDP, innerSrc, innerDst, id);
  udpAt(b, o + IPV4_HEADER, innerSrc, innerDst, sport, dport, payloadLen);
  return pad(b, o + inner, frameLength(inner));
}

/** Where each kind's application bytes start in the frame. */
export const PAYLOAD_OFFSET = {
  tcp: ETH_HEADER + IPV4_HEADER + TCP_HEADER,
  udp: ETH_HEADER + IPV4_HEADER + UDP_HEADER,
  esp: ETH_HEADER + IPV4_HEADER + ESP_HEADER,
  icmp: ETH_HEADER + IPV4_HEADER + ICMP_HEADER,
  ipip: ETH_HEADER + 2 * IPV4_HEADER + UDP_HEADER,
} as const;

/** Largest application payload per frame of each kind (no IP fragmentation). */
export const MAX_PAYLOAD = {
  tcp: IP_MTU - IPV4_HEADER - TCP_HEADER, // the MSS, 1460
  udp: IP_MTU - IPV4_HEADER - UDP_HEADER,
  esp: IP_MTU - IPV4_HEADER - ESP_HEADER - ESP_TRAILER - 3, // 3: worst-case padding
  icmp: IP_MTU - IPV4_HEADER - ICMP_HEADER,
  ipip: IP_MTU - 2 * IPV4_HEADER - UDP_HEADER,
} as const;
