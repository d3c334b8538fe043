/** ARP for IPv4 over Ethernet (RFC 826): hardware type 1, protocol 0x0800, lengths 6 and 4. */
import type { Ipv4 } from "../ipv4-addr.ts";
import { readMac, writeMac, type Mac } from "../mac.ts";
import { malformed, ok, put16, put32, truncated, u16, u32, type Result } from "./result.ts";

export const ArpOp = { Request: 1, Reply: 2 } as const;

export interface ArpPacket {
  op: number;
  senderMac: Mac;
  senderIp: Ipv4;
  targetMac: Mac;
  targetIp: Ipv4;
}

export const ARP_BYTES = 28;

export function encodeArp(a: ArpPacket): Uint8Array {
  const b = new Uint8Array(ARP_BYTES);
  put16(b, 0, 1);
  put16(b, 2, 0x0800);
  b[4] = 6;
  b[5] = 4;
  put16(b, 6, a.op);
  writeMac(b, 8, a.senderMac);
  put32(b, 14, a.senderIp);
  writeMac(b, 18, a.targetMac);
  put32(b, 24, a.targetIp);
  return b;
}

export function decodeArp(f: Uint8Array, off: number, len: number): Result<ArpPacket> {
  if (len < ARP_BYTES) return truncated("arp", "packet", off, ARP_BYTES, len);
  if (u16(f, off) !== 1) return malformed("arp", "hardwareType", off, `hardware type ${u16(f, off)} is not Ethernet (1)`);
  if (u16(f, off + 2) !== 0x0800) return malformed("arp", "protocolType", off + 2, `protocol type 0x${u16(f, off + 2).toString(16)} is not IPv4`);
  if (f[off + 4] !== 6 || f[off + 5] !== 4) return malformed("arp", "addressLengths", off + 4, `lengths ${f[off + 4]}/${f[off + 5]} are not 6/4`);
  return ok({ op: u16(f, off + 6), senderMac: readMac(f, off + 8), senderIp: u32(f, off + 14) as Ipv4, targetMac: readMac(f, off + 18), targetIp: u32(f, off + 24) as Ipv4 });
}

/**
 * Writes a whole Ethernet + ARP frame (60 bytes, padded) into `buf` in place, allocating nothing:
 * for frames built on the datapath (proxy answers, gratuitous ARP, probes, hosts' requests).
 */
export function writeArpFrame(buf: Uint8Array, op: number, dstMac: number, senderMac: number, senderIp: number, targetMac: number, targetIp: number): number {
  buf.fill(0, 0, 60);
  writeMac(buf, 0, dstMac);
  writeMac(buf, 6, senderMac);
  put16(buf, 12, 0x0806);
  put16(buf, 14, 1);
  put16(buf, 16, 0x0800);
  buf[18] = 6;
  buf[19] = 4;
  put16(buf, 20, op);
  writeMac(buf, 22, senderMac);
  put32(buf, 28, senderIp);
  writeMac(buf, 32, targetMac);
  put32(buf, 38, targetIp);
  return 60;
}
