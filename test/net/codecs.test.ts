import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeArp, encodeArp } from "../../src/net/codec/arp.ts";
import { decodeFrame, encodeFrame, MIN_FRAME_NO_FCS } from "../../src/net/codec/ethernet.ts";
import { decodeIpv4, encodeIpv4 } from "../../src/net/codec/ipv4.ts";
import { decodeAh, decodeEsp, decodeGre, decodeIcmp, decodeTcp, decodeUdp, encodeAh, encodeEsp, encodeGre, encodeIcmp, encodeTcp, encodeUdp } from "../../src/net/codec/l4.ts";
import { formatIpv4, ipv4 } from "../../src/net/ipv4-addr.ts";
import { formatMac, isMulticast, isMulticastAt, mac, readMac, writeMac, writeMacHalves } from "../../src/net/mac.ts";
import { ahArb, arpArb, espArb, frameArb, greArb, icmpArb, ipArb, ipv4Arb, tcpArb, udpArb } from "./arbitraries.ts";

const strip = <T extends object>(x: T): T => JSON.parse(JSON.stringify(x, (k, v) => (k === "checksumOk" ? undefined : v instanceof Uint8Array ? Array.from(v) : v)));

describe("addresses", () => {
  it("MAC and IPv4 text round-trip; bad text is named", () => {
    expect(formatMac(mac("02:00:5E:00:01:0a"))).toBe("02:00:5e:00:01:0a");
    expect(formatIpv4(ipv4("192.0.2.255"))).toBe("192.0.2.255");
    expect(() => mac("02:00")).toThrow(/"02:00" is not a MAC/);
    expect(() => ipv4("1.2.3.256")).toThrow(/not an IPv4/);
  });

  it("MACs in frames: write/read round-trip, as a number or as 24-bit halves; the group bit read in place", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), fc.integer({ min: 0, max: 8 }), (m, off) => {
        const a = new Uint8Array(16), b = new Uint8Array(16);
        writeMac(a, off, m);
        writeMacHalves(b, off, Math.floor(m / 0x1000000), m % 0x1000000);
        expect(b).toEqual(a);
        expect(readMac(a, off)).toBe(m);
        expect(isMulticastAt(a, off)).toBe(isMulticast(m));
      }),
    );
  });
});

describe("codec round trips (encode -> decode -> same fields; decode -> encode -> same bytes)", () => {
  const l4 = [
    ["TCP (pseudo-header checksum)", tcpArb, (x: never, s: number, d: number) => encodeTcp(x, s, d), (b: Uint8Array, s: number, d: number) => decodeTcp(b, 0, b.length, s, d)],
    ["UDP (pseudo-header checksum)", udpArb, (x: never, s: number, d: number) => encodeUdp(x, s, d), (b: Uint8Array, s: number, d: number) => decodeUdp(b, 0, b.length, s, d)],
    ["ICMP", icmpArb, (x: never) => encodeIcmp(x), (b: Uint8Array) => decodeIcmp(b, 0, b.length)],
    ["ESP", espArb, (x: never) => encodeEsp(x), (b: Uint8Array) => decodeEsp(b, 0, b.length)],
    ["AH", ahArb, (x: never) => encodeAh(x), (b: Uint8Array) => decodeAh(b, 0, b.length)],
    ["GRE", greArb, (x: never) => encodeGre(x), (b: Uint8Array) => decodeGre(b, 0, b.length)],
  ] as const;
  for (const [name, arb, enc, dec] of l4) {
    it(name, () => {
      fc.assert(
        fc.property(arb as fc.Arbitrary<never>, ipArb, ipArb, (x, s, d) => {
          const b = enc(x, s, d);
          const r = dec(b, s, d);
          expect(r.ok).toBe(true);
          if (!r.ok) return;
          expect(strip(r.value as object)).toEqual(strip(x as object));
          expect(enc(r.value as never, s, d)).toEqual(b);
          if ("checksumOk" in (r.value as object)) expect((r.value as { checksumOk: boolean }).checksumOk).toBe(true);
        }),
      );
    });
  }

  it("ARP", () => {
    fc.assert(fc.property(arpArb, (a) => {
      const b = encodeArp(a as never);
      const r = decodeArp(b, 0, b.length);
      expect(r.ok && r.value).toEqual(a);
    }));
  });

  it("IPv4 with options, fragments, nested IP-in-IP and every payload kind", () => {
    fc.assert(fc.property(ipv4Arb, (p) => {
      const b = encodeIpv4(p);
      const r = decodeIpv4(b, 0, b.length);
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.value.checksumOk).toBe(true);
      expect(strip(r.value)).toEqual(strip(p));
      expect(encodeIpv4(r.value)).toEqual(b);
    }));
  });

  it("Ethernet II with and without 802.1Q, padded to 60 bytes, padding ignored on decode", () => {
    fc.assert(fc.property(frameArb, (f) => {
      const b = encodeFrame(f);
      expect(b.length).toBeGreaterThanOrEqual(MIN_FRAME_NO_FCS);
      const r = decodeFrame(b);
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      if (f.payload.kind !== "opaque") expect(strip(r.value)).toEqual(strip(f));
      expect(encodeFrame(r.value)).toEqual(b);
    }));
  });
});

describe("decoding bad input", () => {
  it("never throws on arbitrary bytes", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
      const r = decodeFrame(b);
      expect(typeof r.ok).toBe("boolean");
    }), { numRuns: 2000 });
  });

  it("never throws on valid frames cut short or with bytes flipped", () => {
    fc.assert(fc.property(frameArb, fc.nat(), fc.nat(), (f, cut, flip) => {
      const b = encodeFrame(f);
      const c = b.slice(0, cut % (b.length + 1));
      if (c.length > 0) c[flip % c.length] ^= 0xff;
      const r = decodeFrame(c);
      if (!r.ok) expect(r.error.offset).toBeGreaterThanOrEqual(0);
    }));
  });

  it("truncated frames name the field and the byte offset", () => {
    const r1 = decodeFrame(new Uint8Array(10));
    expect(!r1.ok && r1.error).toMatchObject({ kind: "truncated", layer: "ethernet", field: "header", offset: 0 });
    // IPv4 claiming 100 bytes in a 60-byte frame
    const f = new Uint8Array(60);
    f[12] = 0x08; f[14] = 0x45; f[16] = 0; f[17] = 100;
    const r2 = decodeFrame(f);
    expect(!r2.ok && r2.error).toMatchObject({ kind: "truncated", layer: "ipv4", field: "payload", offset: 34 });
    // IHL 3 (12 bytes) is malformed
    f[14] = 0x43; f[17] = 40;
    const r3 = decodeFrame(f);
    expect(!r3.ok && r3.error).toMatchObject({ kind: "malformed", layer: "ipv4", field: "ihl", offset: 14 });
    // TCP with a data offset past the segment
    const g = new Uint8Array(60);
    g[12] = 0x08; g[14] = 0x45; g[17] = 40; g[23] = 6; g[46] = 0xf0;
    const r4 = decodeFrame(g);
    expect(!r4.ok && r4.error).toMatchObject({ kind: "truncated", layer: "tcp", field: "options", offset: 54 });
  });

  it("unknown EtherTypes and protocol numbers decode as opaque", () => {
    const f = new Uint8Array(60);
    f[12] = 0x88; f[13] = 0xb5;
    const r = decodeFrame(f);
    expect(r.ok && r.value.payload.kind).toBe("opaque");
    const p = encodeIpv4({ dscp: 0, ecn: 0, id: 0, dontFragment: false, moreFragments: false, fragmentOffset: 0, ttl: 1, protocol: 132, src: ipv4("1.1.1.1"), dst: ipv4("2.2.2.2"), options: new Uint8Array(0), payload: { kind: "opaque", bytes: Uint8Array.from([1, 2, 3]) } });
    const q = decodeIpv4(p, 0, p.length);
    expect(q.ok && q.value.payload).toEqual({ kind: "opaque", bytes: Uint8Array.from([1, 2, 3]) });
  });
});
