/** fast-check generators of valid frames for the codec properties. */
import fc from "fast-check";
import { EtherType, type EthernetFrame } from "../../src/net/codec/ethernet.ts";
import type { Ipv4Packet, Ipv4Payload } from "../../src/net/codec/ipv4.ts";
import { IpProto } from "../../src/net/codec/l4.ts";
import type { Ipv4 } from "../../src/net/ipv4-addr.ts";
import type { Mac } from "../../src/net/mac.ts";

export const macArb = fc.integer({ min: 0, max: 2 ** 48 - 1 }).map((x) => x as Mac);
export const ipArb = fc.integer({ min: 0, max: 2 ** 32 - 1 }).map((x) => x as Ipv4);
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const bytes = (max: number) => fc.uint8Array({ maxLength: max });
const words = (maxWords: number) => fc.integer({ min: 0, max: maxWords }).chain((n) => fc.uint8Array({ minLength: 4 * n, maxLength: 4 * n }));

export const tcpArb = fc.record({ srcPort: u16, dstPort: u16, seq: u32, ack: u32, flags: fc.integer({ min: 0, max: 255 }), window: u16, urgent: u16, options: words(10), payload: bytes(200) });
export const udpArb = fc.record({ srcPort: u16, dstPort: u16, payload: bytes(200) });
export const icmpArb = fc.record({ type: fc.integer({ min: 0, max: 255 }), code: fc.integer({ min: 0, max: 255 }), rest: u32, data: bytes(100) });
export const espArb = fc.record({ spi: u32, seq: u32, payload: bytes(200) });
export const ahArb = fc.record({ nextHeader: fc.integer({ min: 0, max: 255 }), spi: u32, seq: u32, icv: words(6), payload: bytes(100) });
export const greArb = fc.record({ protocolType: u16, checksumPresent: fc.boolean(), key: fc.option(u32, { nil: undefined }), sequence: fc.option(u32, { nil: undefined }), payload: bytes(100) })
  .map((g) => { const o: Record<string, unknown> = { ...g }; if (g.key === undefined) delete o["key"]; if (g.sequence === undefined) delete o["sequence"]; return o as never; });

const header = fc.record({
  dscp: fc.integer({ min: 0, max: 63 }), ecn: fc.integer({ min: 0, max: 3 }), id: u16, dontFragment: fc.boolean(), ttl: fc.integer({ min: 0, max: 255 }),
  src: ipArb, dst: ipArb, options: words(10),
});

function packet(payload: fc.Arbitrary<Ipv4Payload>, protocolOf: (p: Ipv4Payload) => number): fc.Arbitrary<Ipv4Packet> {
  return fc.tuple(header, payload).map(([h, p]) => ({ ...h, moreFragments: false, fragmentOffset: 0, protocol: protocolOf(p), payload: p }));
}

const leafPayload: fc.Arbitrary<Ipv4Payload> = fc.oneof(
  tcpArb.map((tcp) => ({ kind: "tcp" as const, tcp })),
  udpArb.map((udp) => ({ kind: "udp" as const, udp })),
  icmpArb.map((icmp) => ({ kind: "icmp" as const, icmp })),
  espArb.map((esp) => ({ kind: "esp" as const, esp })),
  ahArb.map((ah) => ({ kind: "ah" as const, ah })),
  greArb.map((gre) => ({ kind: "gre" as const, gre })),
  bytes(100).map((b) => ({ kind: "opaque" as const, bytes: b })),
);

const PROTO: Record<string, number> = { tcp: IpProto.TCP, udp: IpProto.UDP, icmp: IpProto.ICMP, esp: IpProto.ESP, ah: IpProto.AH, gre: IpProto.GRE, ipip: IpProto.IPIP };
// opaque payloads get a protocol number no codec claims (unassigned range)
const protoOf = (p: Ipv4Payload) => PROTO[p.kind] ?? 253;

export const leafPacketArb = packet(leafPayload, protoOf);
export const ipv4Arb: fc.Arbitrary<Ipv4Packet> = fc.oneof(
  { weight: 5, arbitrary: leafPacketArb },
  { weight: 1, arbitrary: packet(leafPacketArb.map((inner) => ({ kind: "ipip" as const, inner })), protoOf) },
  // fragments: payload opaque
  { weight: 1, arbitrary: fc.tuple(header, bytes(200), fc.boolean(), fc.integer({ min: 0, max: 0x1fff })).map(([h, b, mf, fo]) => ({ ...h, dontFragment: false, moreFragments: mf || fo === 0, fragmentOffset: fo, protocol: IpProto.UDP, payload: { kind: "opaque" as const, bytes: b } })) },
);

export const arpArb = fc.record({ op: fc.constantFrom(1, 2), senderMac: macArb, senderIp: ipArb, targetMac: macArb, targetIp: ipArb });

export const frameArb: fc.Arbitrary<EthernetFrame> = fc.tuple(
  macArb, macArb,
  fc.option(fc.record({ pcp: fc.integer({ min: 0, max: 7 }), dei: fc.boolean(), vid: fc.integer({ min: 0, max: 4095 }) }), { nil: undefined }),
  fc.oneof(
    ipv4Arb.map((ipv4) => ({ etherType: EtherType.IPv4, payload: { kind: "ipv4" as const, ipv4 } })),
    arpArb.map((arp) => ({ etherType: EtherType.ARP, payload: { kind: "arp" as const, arp } })),
    fc.tuple(fc.integer({ min: 0x0600, max: 0xffff }).filter((t) => t !== 0x0800 && t !== 0x0806 && t !== 0x8100), fc.uint8Array({ minLength: 46, maxLength: 200 }))
      .map(([t, b]) => ({ etherType: t, payload: { kind: "opaque" as const, bytes: b } })),
  ),
).map(([dst, src, vlan, body]) => ({ dst, src, ...(vlan ? { vlan } : {}), ...body }) as EthernetFrame);
