import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checksum, csumUpdate16, csumUpdate32, fold, onesSum } from "../../src/net/checksum.ts";

describe("Internet checksum (RFC 1071)", () => {
  it("RFC 1071 §3 example: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2, checksum 0x220d", () => {
    const b = Uint8Array.from([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]);
    expect(fold(onesSum(b, 0, 8))).toBe(0xddf2);
    expect(checksum(b, 0, 8)).toBe(0x220d);
  });

  it("a hand-built IPv4 header (192.168.0.1 -> 192.168.0.199, UDP) has checksum 0xb861", () => {
    const h = Uint8Array.from([0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7]);
    expect(checksum(h, 0, 20)).toBe(0xb861);
    h[10] = 0xb8;
    h[11] = 0x61;
    expect(checksum(h, 0, 20)).toBe(0); // a correct header verifies to zero
  });

  it("odd lengths pad with a zero byte", () => {
    expect(checksum(Uint8Array.from([0x01]), 0, 1)).toBe(~0x0100 & 0xffff);
  });
});

describe("incremental update (RFC 1624)", () => {
  it("RFC 1624 §4: HC 0xDD2F with m 0x5555 -> m' 0x3285 gives 0x0000 (eqn. 3), not eqn. 2's 0xFFFF", () => {
    expect(csumUpdate16(0xdd2f, 0x5555, 0x3285)).toBe(0x0000);
  });

  it("equals a full recompute for any header and any 16- or 32-bit field change", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 60 }).map((b) => b.slice(0, b.length & ~1)), fc.nat(), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), (b, at, w16, w32) => {
        const i = 2 * (at % (b.length / 2 - 2));
        const hc = checksum(b, 0, b.length);
        const old16 = (b[i]! << 8) | b[i + 1]!;
        const c = b.slice();
        c[i] = w16 >> 8;
        c[i + 1] = w16 & 0xff;
        const inc = csumUpdate16(hc, old16, w16), full = checksum(c, 0, c.length);
        // 0x0000 and 0xFFFF are both "zero" in one's complement; RFC 1624 eqn. 3 never yields -0 from a nonzero sum
        expect(inc === full || (inc ^ full) === 0xffff && (inc === 0 || full === 0)).toBe(true);
        const old32 = ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
        const d = b.slice();
        d[i] = w32 >>> 24; d[i + 1] = (w32 >>> 16) & 255; d[i + 2] = (w32 >>> 8) & 255; d[i + 3] = w32 & 255;
        const inc32 = csumUpdate32(hc, old32, w32), full32 = checksum(d, 0, d.length);
        expect(inc32 === full32 || ((inc32 ^ full32) === 0xffff && (inc32 === 0 || full32 === 0))).toBe(true);
      }),
    );
  });
});
