/**
 * A deterministic mix of real frames covering every codec: ARP request and reply, TCP (SYN with
 * options, data, FIN), UDP, ICMP echo and a destination-unreachable quoting a UDP header, ESP,
 * AH, IP-in-IP, GRE, an 802.1Q-tagged packet, and a fragmented UDP datagram (first and later
 * fragment). For tests, demos and the tshark check; `count` frames cycle through the kinds with
 * sizes and addresses from a small seeded xorshift (test data, not a simulation stream).
 */
import { ArpOp } from "./codec/arp.ts";
import { EtherType, encodeFrame, type EthernetFrame } from "./codec/ethernet.ts";
import { encodeIpv4, type Ipv4Packet, type Ipv4Payload } from "./codec/ipv4.ts";
import { encodeUdp, IpProto, TcpFlag, tcpOptions } from "./codec/l4.ts";
import { ipv4, type Ipv4 } from "./ipv4-addr.ts";
import { BROADCAST_MAC, mac, type Mac } from "./mac.ts";

function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

const ROUTER = mac("02:00:00:00:01:01");
const VMAC = mac("02:00:5e:00:00:01");
const CLIENT = ipv4("198.51.100.7");
const VIP = ipv4("192.0.2.10");

function ip(payload: Ipv4Payload, protocol: number, src: Ipv4, dst: Ipv4, more: Partial<Ipv4Packet> = {}): Ipv4Packet {
  return { dscp: 0, ecn: 0, id: 1, dontFragment: true, moreFragments: false, fragmentOffset: 0, ttl: 64, protocol, src, dst, options: new Uint8Array(0), payload, ...more };
}

function eth(dst: Mac, src: Mac, p: Ipv4Packet, vlan?: number): EthernetFrame {
  return { dst, src, etherType: EtherType.IPv4, payload: { kind: "ipv4", ipv4: p }, ...(vlan !== undefined ? { vlan: { pcp: 0, dei: false, vid: vlan } } : {}) };
}

function bytes(n: number, r: () => number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = r() & 0xff;
  return b;
}

/** A DNS query for www.example.com, type A (RFC 1035 §4.1). */
function dnsQuery(id: number): Uint8Array {
  const name = [3, ..."www".split("").map((c) => c.charCodeAt(0)), 7, ..."example".split("").map((c) => c.charCodeAt(0)), 3, ..."com".split("").map((c) => c.charCodeAt(0)), 0];
  return Uint8Array.from([id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, ...name, 0, 1, 0, 1]);
}

/** An HTTP/1.1 GET of about `size` bytes (a filler header makes up the length). */
function httpRequest(size: number): Uint8Array {
  const head = "GET /index.html HTTP/1.1\r\nHost: www.example.com\r\nX-Fill: ";
  const fill = "a".repeat(Math.max(0, size - head.length - 4));
  return Uint8Array.from(head + fill + "\r\n\r\n", (c) => c.charCodeAt(0));
}

export const SAMPLE_KINDS = ["arp-request", "arp-reply", "tcp-syn", "tcp-data", "tcp-fin", "udp", "icmp-echo", "icmp-unreachable", "esp", "ah", "ipip", "gre", "vlan-udp", "frag-first", "frag-later"] as const;

/** `count` encoded frames (without FCS), cycling through SAMPLE_KINDS. */
export function sampleMix(count: number, seed = 1): Uint8Array[] {
  const r = xorshift(seed);
  const out: Uint8Array[] = [];
  let fragId = seed & 0xffff;
  let fragBody = new Uint8Array(1508);
  for (let i = 0; i < count; i++) {
    const kind = SAMPLE_KINDS[i % SAMPLE_KINDS.length]!;
    const sport = 1024 + (r() % 60000);
    const size = 18 + (r() % 1400);
    let f: EthernetFrame;
    switch (kind) {
      case "arp-request":
        f = { dst: BROADCAST_MAC, src: ROUTER, etherType: EtherType.ARP, payload: { kind: "arp", arp: { op: ArpOp.Request, senderMac: ROUTER, senderIp: ipv4("192.0.2.1"), targetMac: 0 as Mac, targetIp: VIP } } };
        break;
      case "arp-reply":
        f = { dst: ROUTER, src: VMAC, etherType: EtherType.ARP, payload: { kind: "arp", arp: { op: ArpOp.Reply, senderMac: VMAC, senderIp: VIP, targetMac: ROUTER, targetIp: ipv4("192.0.2.1") } } };
        break;
      case "tcp-syn":
        f = eth(VMAC, ROUTER, ip({ kind: "tcp", tcp: { srcPort: sport, dstPort: 80, seq: r(), ack: 0, flags: TcpFlag.SYN, window: 65535, urgent: 0, options: tcpOptions({ mss: 1460, sackPermitted: true, windowScale: 7 }), payload: new Uint8Array(0) } }, IpProto.TCP, CLIENT, VIP));
        break;
      case "tcp-data":
        f = eth(VMAC, ROUTER, ip({ kind: "tcp", tcp: { srcPort: sport, dstPort: 80, seq: r(), ack: r(), flags: TcpFlag.ACK | TcpFlag.PSH, window: 8192, urgent: 0, options: new Uint8Array(0), payload: httpRequest(size) } }, IpProto.TCP, CLIENT, VIP));
        break;
      case "tcp-fin":
        f = eth(VMAC, ROUTER, ip({ kind: "tcp", tcp: { srcPort: sport, dstPort: 80, seq: r(), ack: r(), flags: TcpFlag.FIN | TcpFlag.ACK, window: 8192, urgent: 0, options: new Uint8Array(0), payload: new Uint8Array(0) } }, IpProto.TCP, CLIENT, VIP));
        break;
      case "udp":
        f = eth(VMAC, ROUTER, ip({ kind: "udp", udp: { srcPort: sport, dstPort: 53, payload: dnsQuery(r() & 0xffff) } }, IpProto.UDP, CLIENT, VIP));
        break;
      case "icmp-echo":
        f = eth(VMAC, ROUTER, ip({ kind: "icmp", icmp: { type: 8, code: 0, rest: ((r() & 0xffff) << 16) | i, data: bytes(56, r) } }, IpProto.ICMP, CLIENT, VIP));
        break;
      case "icmp-unreachable": {
        // the offending packet: a UDP datagram the cluster sent to the client, quoted header + 8 bytes
        const quoted = encodeIpv4(ip({ kind: "udp", udp: { srcPort: 53, dstPort: sport, payload: bytes(32, r) } }, IpProto.UDP, VIP, CLIENT)).subarray(0, 28);
        f = eth(VMAC, ROUTER, ip({ kind: "icmp", icmp: { type: 3, code: 3, rest: 0, data: quoted } }, IpProto.ICMP, CLIENT, VIP));
        break;
      }
      case "esp":
        f = eth(VMAC, ROUTER, ip({ kind: "esp", esp: { spi: 0x1000 + (r() % 1000), seq: i + 1, payload: bytes(16 + (size & ~3), r) } }, IpProto.ESP, CLIENT, VIP));
        break;
      case "ah":
        f = eth(VMAC, ROUTER, ip({ kind: "ah", ah: { nextHeader: IpProto.UDP, spi: 0x2000 + (r() % 1000), seq: i + 1, icv: bytes(12, r), payload: encodeUdp({ srcPort: sport, dstPort: 5001, payload: bytes(56, r) }, CLIENT, VIP) } }, IpProto.AH, CLIENT, VIP));
        break;
      case "ipip":
        f = eth(VMAC, ROUTER, ip({ kind: "ipip", inner: ip({ kind: "udp", udp: { srcPort: sport, dstPort: 1812, payload: bytes(100, r) } }, IpProto.UDP, ipv4("10.9.8.7"), VIP) }, IpProto.IPIP, CLIENT, VIP));
        break;
      case "gre":
        f = eth(VMAC, ROUTER, ip({ kind: "gre", gre: { protocolType: EtherType.IPv4, checksumPresent: true, key: r(), sequence: i, payload: encodeIpv4(ip({ kind: "icmp", icmp: { type: 8, code: 0, rest: i, data: bytes(24, r) } }, IpProto.ICMP, ipv4("10.1.1.1"), VIP)) } }, IpProto.GRE, CLIENT, VIP));
        break;
      case "vlan-udp":
        f = eth(VMAC, ROUTER, ip({ kind: "udp", udp: { srcPort: sport, dstPort: 1812, payload: bytes(80, r) } }, IpProto.UDP, CLIENT, VIP), 100 + (r() % 100));
        break;
      case "frag-first": {
        // a 1508-byte UDP datagram in two fragments: the first 1000 bytes (UDP header with the whole
        // datagram's checksum), then the remaining 508 at offset 1000 (next kind)
        fragId = (fragId + 1) & 0xffff;
        fragBody = encodeIpv4(ip({ kind: "udp", udp: { srcPort: sport, dstPort: 5002, payload: bytes(1500, r) } }, IpProto.UDP, CLIENT, VIP, { dontFragment: false, id: fragId })).slice(20);
        f = eth(VMAC, ROUTER, ip({ kind: "opaque", bytes: fragBody.slice(0, 1000) }, IpProto.UDP, CLIENT, VIP, { dontFragment: false, moreFragments: true, id: fragId }));
        break;
      }
      case "frag-later":
        f = eth(VMAC, ROUTER, ip({ kind: "opaque", bytes: fragBody.slice(1000) }, IpProto.UDP, CLIENT, VIP, { dontFragment: false, fragmentOffset: 1000 / 8, id: fragId }));
        break;
    }
    out.push(encodeFrame(f));
  }
  return out;
}
