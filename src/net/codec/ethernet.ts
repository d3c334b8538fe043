/**
 * Ethernet II frames with an optional 802.1Q tag, as carried in flowsim's frame buffers: without
 * preamble and FCS (the MAC adds those). Encoding pads to the 60-byte minimum; decoding takes the
 * payload's own length (IPv4 total length, ARP's 28 bytes) and ignores trailing padding. Unknown
 * EtherTypes decode as opaque bytes.
 */
import { readMac, writeMac, type Mac } from "../mac.ts";
import { decodeArp, encodeArp, type ArpPacket } from "./arp.ts";
import { decodeIpv4, encodeIpv4, type Ipv4Packet } from "./ipv4.ts";
import { concat, malformed, ok, put16, truncated, u16, type Result } from "./result.ts";

export const EtherType = { IPv4: 0x0800, ARP: 0x0806, VLAN: 0x8100 } as const;
/** Minimum frame without FCS: 64 - 4. */
export const MIN_FRAME_NO_FCS = 60;

export interface VlanTag {
  pcp: number;
  dei: boolean;
  vid: number;
}

export type EthernetPayload =
  | { kind: "ipv4"; ipv4: Ipv4Packet }
  | { kind: "arp"; arp: ArpPacket }
  | { kind: "opaque"; bytes: Uint8Array };

export interface EthernetFrame {
  dst: Mac;
  src: Mac;
  vlan?: VlanTag;
  etherType: number;
  payload: EthernetPayload;
}

export function encodeFrame(fr: EthernetFrame): Uint8Array {
  const hl = fr.vlan ? 18 : 14;
  const h = new Uint8Array(hl);
  writeMac(h, 0, fr.dst);
  writeMac(h, 6, fr.src);
  if (fr.vlan) {
    put16(h, 12, EtherType.VLAN);
    put16(h, 14, ((fr.vlan.pcp & 7) << 13) | (fr.vlan.dei ? 0x1000 : 0) | (fr.vlan.vid & 0xfff));
  }
  put16(h, hl - 2, fr.etherType);
  const p = fr.payload;
  const body = p.kind === "ipv4" ? encodeIpv4(p.ipv4) : p.kind === "arp" ? encodeArp(p.arp) : p.bytes;
  if ((p.kind === "ipv4" && fr.etherType !== EtherType.IPv4) || (p.kind === "arp" && fr.etherType !== EtherType.ARP)) {
    throw new RangeError(`EtherType 0x${fr.etherType.toString(16)} does not match a ${p.kind} payload`);
  }
  const frame = concat(h, body);
  if (frame.length >= MIN_FRAME_NO_FCS) return frame;
  const padded = new Uint8Array(MIN_FRAME_NO_FCS);
  padded.set(frame);
  return padded;
}

/** Decodes a frame; never throws. */
export function decodeFrame(f: Uint8Array, len = f.length): Result<EthernetFrame> {
  if (len < 14) return truncated("ethernet", "header", 0, 14, len);
  const dst = readMac(f, 0), src = readMac(f, 6);
  let type = u16(f, 12), o = 14;
  let vlan: VlanTag | undefined;
  if (type === EtherType.VLAN) {
    if (len < 18) return truncated("802.1q", "tag", 14, 4, len - 14);
    const tci = u16(f, 14);
    vlan = { pcp: tci >> 13, dei: (tci & 0x1000) !== 0, vid: tci & 0xfff };
    type = u16(f, 16);
    o = 18;
    if (type === EtherType.VLAN) return malformed("802.1q", "etherType", 16, "stacked VLAN tags are not supported");
  }
  let payload: EthernetPayload;
  if (type === EtherType.IPv4) {
    const r = decodeIpv4(f, o, len - o);
    if (!r.ok) return r;
    payload = { kind: "ipv4", ipv4: r.value };
  } else if (type === EtherType.ARP) {
    const r = decodeArp(f, o, len - o);
    if (!r.ok) return r;
    payload = { kind: "arp", arp: r.value };
  } else payload = { kind: "opaque", bytes: f.slice(o, len) };
  return ok({ dst, src, ...(vlan ? { vlan } : {}), etherType: type, payload });
}
