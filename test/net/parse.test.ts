import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeFrame, encodeFrame, type EthernetFrame } from "../../src/net/codec/ethernet.ts";
import { decodeIpv4 } from "../../src/net/codec/ipv4.ts";
import { ParsedFrame, parseFrame, ParseStatus, writeDstMac } from "../../src/net/parse.ts";
import { sampleMix } from "../../src/net/sample-mix.ts";
import { frameArb } from "./arbitraries.ts";

/** What the structured decoder says the parser should find. */
function expected(f: EthernetFrame) {
  const e: Partial<Record<keyof ParsedFrame, unknown>> = { dst: f.dst, src: f.src, etherType: f.etherType, vlanId: f.vlan ? f.vlan.vid : -1 };
  if (f.payload.kind === "arp") Object.assign(e, { arpOp: f.payload.arp.op, arpSenderIp: f.payload.arp.senderIp, arpTargetIp: f.payload.arp.targetIp, arpSenderMac: f.payload.arp.senderMac });
  if (f.payload.kind === "ipv4") {
    const p = f.payload.ipv4;
    Object.assign(e, { ipProto: p.protocol, ipSrc: p.src, ipDst: p.dst, ipHeaderLen: 20 + p.options.length, fragOffset: p.fragmentOffset, moreFragments: p.moreFragments, ipId: p.id });
    const l = p.payload;
    if (l.kind === "tcp") Object.assign(e, { srcPort: l.tcp.srcPort, dstPort: l.tcp.dstPort, tcpFlags: l.tcp.flags });
    if (l.kind === "udp") Object.assign(e, { srcPort: l.udp.srcPort, dstPort: l.udp.dstPort });
    if (l.kind === "esp") Object.assign(e, { spi: l.esp.spi });
    if (l.kind === "ah") Object.assign(e, { spi: l.ah.spi });
    if (l.kind === "icmp") Object.assign(e, { icmpType: l.icmp.type, icmpCode: l.icmp.code });
  }
  return e;
}

describe("zero-allocation parse agrees with the structured decoder (differential)", () => {
  const out = new ParsedFrame();
  it("on random valid frames", () => {
    fc.assert(fc.property(frameArb, (f) => {
      const b = encodeFrame(f);
      const d = decodeFrame(b);
      expect(parseFrame(b, 0, b.length, out)).toBe(ParseStatus.Ok);
      if (!d.ok) return;
      for (const [k, v] of Object.entries(expected(d.value))) expect(out[k as keyof ParsedFrame], k).toBe(v);
    }));
  });

  it("on the sample mix, including the ICMP error's inner header", () => {
    for (const b of sampleMix(60, 3)) {
      expect(parseFrame(b, 0, b.length, out)).toBe(ParseStatus.Ok);
      const d = decodeFrame(b);
      expect(d.ok).toBe(true);
      if (d.ok && d.value.payload.kind === "ipv4" && d.value.payload.ipv4.payload.kind === "icmp" && d.value.payload.ipv4.payload.icmp.type === 3) {
        // the quote is the offending IPv4 header (20 bytes) and the first 8 bytes of its UDP header
        const q = d.value.payload.ipv4.payload.icmp.data;
        const u32 = (o: number) => ((q[o]! << 24) | (q[o + 1]! << 16) | (q[o + 2]! << 8) | q[o + 3]!) >>> 0;
        expect(out.innerProto).toBe(q[9]);
        expect(out.innerSrc).toBe(u32(12));
        expect(out.innerDst).toBe(u32(16));
        expect(out.innerSrcPort).toBe((q[20]! << 8) | q[21]!);
        expect(out.innerDstPort).toBe((q[22]! << 8) | q[23]!);
        expect(decodeIpv4(q, 0, 20).ok).toBe(false); // the quoted total length exceeds the quote: only parse reads it
      }
    }
  });

  it("agree on errors: parse fails where decode fails (truncation) and never throws", () => {
    fc.assert(fc.property(frameArb, fc.nat(), (f, cut) => {
      const b = encodeFrame(f);
      const c = b.subarray(0, cut % (b.length + 1));
      const st = parseFrame(c, 0, c.length, out);
      const d = decodeFrame(c);
      if (st !== ParseStatus.Ok) expect(out.errorOffset).toBeGreaterThanOrEqual(0);
      if (!d.ok && d.error.kind === "truncated" && (d.error.layer === "ethernet" || d.error.layer === "ipv4")) expect(st).not.toBe(ParseStatus.Ok);
    }));
  });

  it("parses a frame inside a larger buffer at an offset", () => {
    const f = sampleMix(3, 1)[2]!;
    const big = new Uint8Array(f.length + 100);
    big.set(f, 37);
    expect(parseFrame(big, 37, f.length, out)).toBe(ParseStatus.Ok);
    expect(out.ipProto).toBe(6);
  });
});

describe("destination MAC rewrite", () => {
  it("changes exactly the six destination bytes", () => {
    fc.assert(fc.property(frameArb, fc.integer({ min: 0, max: 2 ** 48 - 1 }), (f, m) => {
      const b = encodeFrame(f);
      const c = b.slice();
      writeDstMac(c, 0, m);
      expect(c.subarray(6)).toEqual(b.subarray(6));
      const d = decodeFrame(c);
      expect(d.ok && d.value.dst).toBe(m);
    }));
  });
});
