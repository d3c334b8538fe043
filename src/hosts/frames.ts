/**
 * Writes one frame of a flow of any kind into a pool buffer: the message bytes [off, off + len)
 * (the 8-byte application header where the message starts, zeros after it) and the headers of
 * the kind, with valid checksums. ESP payloads are "encrypted": XORed with a keystream of the SPI
 * and sequence number, so they are opaque on the wire; the receiving host decrypts the header.
 */
import { APP_HEADER, writeAppHeader } from "./app-header.ts";
import { FlowKind } from "./kinds.ts";
import { writeDns, writeRadius } from "./dns-radius.ts";
import { PAYLOAD_OFFSET, writeEsp, writeIcmpEcho, writeIpipUdp, writeTcp, writeUdp } from "../net/write.ts";

export interface FrameAddr {
  dstMac: number;
  srcMac: number;
  srcIp: number;
  dstIp: number;
  srcPort: number;
  dstPort: number;
}

/** Scratch header bytes (the header is written here, then copied to where the segment needs it). */
const hdr = new Uint8Array(APP_HEADER);

function fillMessage(b: Uint8Array, at: number, off: number, len: number, reqLen: number, respLen: number): void {
  b.fill(0, at, at + len);
  if (reqLen >= 0 && off < APP_HEADER) {
    writeAppHeader(hdr, 0, reqLen, respLen);
    for (let i = off; i < APP_HEADER && i < off + len; i++) b[at + i - off] = hdr[i]!;
  }
}

/** XOR keystream for ESP payload bytes (self-inverse). */
export function espCrypt(b: Uint8Array, at: number, len: number, spi: number, seq: number): void {
  let x = (Math.imul(spi, 0x85ebca6b) ^ seq) >>> 0;
  for (let i = 0; i < len; i++) {
    if ((i & 3) === 0) x = (Math.imul(x ^ (x >>> 13), 0x9e3779b1) + 0x7f4a7c15) >>> 0;
    b[at + i]! ^= (x >>> ((i & 3) * 8)) & 255;
  }
}

/**
 * Writes the frame; returns its length without FCS.
 * @param reqLen  request length for the header when this message carries one (requests), else -1
 * @param tcpSeq,tcpAck,flags  TCP fields (web)
 * @param spi,espSeq           ESP SA and sequence number (esp)
 * @param icmpType             8 request, 0 reply (ping); the identifier is srcPort/dstPort
 */
export function writeFlowFrame(b: Uint8Array, kind: FlowKind, a: FrameAddr, off: number, len: number, reqLen: number, respLen: number, tcpSeq: number, tcpAck: number, flags: number, spi: number, espSeq: number, icmpType: 0 | 8, window: number, id: number): number {
  switch (kind) {
    case FlowKind.Web:
      fillMessage(b, PAYLOAD_OFFSET.tcp, off, len, reqLen, respLen);
      return writeTcp(b, a.dstMac, a.srcMac, a.srcIp, a.dstIp, a.srcPort, a.dstPort, tcpSeq, tcpAck, flags, window, len, id);
    case FlowKind.Esp:
      fillMessage(b, PAYLOAD_OFFSET.esp, off, len, reqLen, respLen);
      espCrypt(b, PAYLOAD_OFFSET.esp, len, spi, espSeq);
      return writeEsp(b, a.dstMac, a.srcMac, a.srcIp, a.dstIp, spi, espSeq, len, id);
    case FlowKind.Ipip:
      fillMessage(b, PAYLOAD_OFFSET.ipip, off, len, reqLen, respLen);
      return writeIpipUdp(b, a.dstMac, a.srcMac, a.srcIp, a.dstIp, a.srcIp, a.dstIp, a.srcPort, a.dstPort, len, id);
    case FlowKind.Ping:
      fillMessage(b, PAYLOAD_OFFSET.icmp, 0, len, -1, 0);
      return writeIcmpEcho(b, a.dstMac, a.srcMac, a.srcIp, a.dstIp, icmpType, icmpType === 8 ? a.srcPort : a.dstPort, 1, len, id);
    case FlowKind.Dns:
      writeDns(b, PAYLOAD_OFFSET.udp, len, reqLen >= 0 ? a.srcPort : a.dstPort, reqLen, respLen);
      return writeUdp(b, a.dstMac, a.srcMac, a.srcIp, a.dstIp, a.srcPort, a.dstPort, len, id);
    case FlowKind.Radius:
      writeRadius(b, PAYLOAD_OFFSET.udp, len, reqLen >= 0 ? a.srcPort : a.dstPort, reqLen, respLen);
      return writeUdp(b, a.dstMac, a.srcMac, a.srcIp, a.dstIp, a.srcPort, a.dstPort, len, id);
    default:
      fillMessage(b, PAYLOAD_OFFSET.udp, off, len, reqLen, respLen);
      return writeUdp(b, a.dstMac, a.srcMac, a.srcIp, a.dstIp, a.srcPort, a.dstPort, len, id);
  }
}
