/**
 * The prior-art NAT's rewrite in C (firmware/c/switch/nat.c: addressRewrite, checksumUpdate)
 * against nat.ts's arithmetic (net/checksum.ts csumUpdate32, RFC 1624) and a full recomputation
 * of every checksum, on random TCP and UDP packets; and Fig 5C's CAM in C (cam.c: camLookup,
 * camWrite) issuing the register accesses flow-switch.ts's model implies: the key written, one
 * read that waits for the compare (or the write or clear cycle), nothing else.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checksum, csumUpdate32, onesSum, fold, pseudoHeaderSum } from "../../../src/net/checksum.ts";
import { writeTcp, writeUdp } from "../../../src/net/write.ts";
import { CAM_ADDR, CAM_CMD, CAM_CMD_CLEAR, CAM_CMD_WRITE, CAM_KEY, CAM_MATCH, CAM_REGS, CAM_STATUS, ControlImage } from "../../../src/hw/cpu/isa/control-host.ts";

const elf = readFileSync(new URL("../../../firmware/build/control.elf", import.meta.url));
const u16 = (b: Uint8Array, o: number) => (b[o]! << 8) | b[o + 1]!;
const u32 = (b: Uint8Array, o: number) => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
const u32Arb = fc.integer({ min: 0, max: 2 ** 32 - 1 });

/** Whether the IPv4 packet's header checksum and its TCP or UDP checksum verify (a UDP checksum of 0: none). */
function verifies(ip: Uint8Array, proto: 6 | 17): boolean {
  if (fold(onesSum(ip, 0, 20)) !== 0xffff) return false;
  const n = u16(ip, 2) - 20;
  if (proto === 17 && u16(ip, 26) === 0) return true;
  return fold(onesSum(ip, 20, n, pseudoHeaderSum(u32(ip, 12), u32(ip, 16), proto, n))) === 0xffff;
}

describe("the NAT's rewrite in C against nat.ts", () => {
  it("rewrites either address and updates the IP and TCP/UDP checksums as RFC 1624 and a recomputation say", () => {
    const img = new ControlImage(elf);
    fc.assert(
      fc.property(fc.constantFrom<6 | 17>(6, 17), u32Arb, u32Arb, u32Arb, fc.constantFrom(12, 16), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 0xffff }), fc.boolean(), (proto, src, dst, addr, at, payload, id, noUdpSum) => {
        const f = new Uint8Array(128);
        for (let k = 0; k < payload; k++) f[54 + k] = (k * 37 + id) & 255; // the payload, before the writer sums it
        const len = proto === 6 ? writeTcp(f, 2, 4, src, dst, 1024 + (id % 999), 80, id * 7, 0, 0x18, 512, payload, id) : writeUdp(f, 2, 4, src, dst, 1024 + (id % 999), 53, payload + 12, id);
        expect(len).toBeGreaterThanOrEqual(60);
        const ip = f.slice(14, 14 + u16(f, 16));
        const l4sum = proto === 6 ? 36 : 26;
        if (proto === 17 && noUdpSum) ip[26] = ip[27] = 0;
        expect(verifies(ip, proto)).toBe(true);
        img.writeNatPacket(ip);
        const old = u32(ip, at);
        expect(img.call("nat_rewrite", [at, addr, l4sum, proto === 17 ? 1 : 0]).value >>> 0).toBe(old);
        const out = img.readNatPacket(ip.length);
        // nat.ts: the address, then csumUpdate32 on the header checksum and the transport checksum
        const want = ip.slice();
        want[at] = addr >>> 24;
        want[at + 1] = (addr >>> 16) & 255;
        want[at + 2] = (addr >>> 8) & 255;
        want[at + 3] = addr & 255;
        const ipSum = csumUpdate32(u16(ip, 10), old, addr);
        want[10] = ipSum >> 8;
        want[11] = ipSum & 255;
        if (!(proto === 17 && u16(ip, l4sum) === 0)) {
          let s = csumUpdate32(u16(ip, l4sum), old, addr);
          if (proto === 17 && s === 0) s = 0xffff;
          want[l4sum] = s >> 8;
          want[l4sum + 1] = s & 255;
        }
        expect(out).toEqual(want);
        // and a recomputation agrees: every checksum still verifies, the header's equals a fresh one
        expect(verifies(out, proto)).toBe(true);
        const fresh = out.slice(0, 20);
        fresh[10] = fresh[11] = 0;
        expect(u16(out, 10)).toBe(checksum(fresh, 0, 20));
      }),
      { numRuns: 400, seed: 17 },
    );
  });
});

describe("the CAM in C (Fig 5C)", () => {
  const key = [6, 0xc6336401, 0x0a000001, (40000 << 16) | 80];

  it("writes the key and reads the match address for a look-up: one waiting read", () => {
    const img = new ControlImage(elf);
    img.writeCamKey(0, key);
    img.devices.clear();
    expect(img.call("cam_lookup_at", [0]).value).toBe(-1);
    const keyStores = key.map((v, k) => ({ kind: "store", pa: CAM_REGS + CAM_KEY + 4 * k, value: v >>> 0 }));
    expect(img.devices.log).toEqual([...keyStores, { kind: "load", pa: CAM_REGS + CAM_MATCH, value: 0x8000_0000 }]);
  });

  it("writes the key, the entry's address and the command for a write or clear cycle, and waits for it", () => {
    const img = new ControlImage(elf);
    img.writeCamKey(0, key);
    img.writeCamKey(1, [17, 1, 2, 3]);
    img.devices.clear();
    expect(img.call("cam_write_at", [0, 1234, CAM_CMD_WRITE]).value).toBe(0);
    const keyStores = key.map((v, k) => ({ kind: "store", pa: CAM_REGS + CAM_KEY + 4 * k, value: v >>> 0 }));
    expect(img.devices.log).toEqual([...keyStores, { kind: "store", pa: CAM_REGS + CAM_ADDR, value: 1234 }, { kind: "store", pa: CAM_REGS + CAM_CMD, value: CAM_CMD_WRITE }, { kind: "load", pa: CAM_REGS + CAM_STATUS, value: 0 }]);
    // the CAM now finds the key at its slot, and no other key
    expect(img.call("cam_lookup_at", [0]).value).toBe(1234);
    expect(img.call("cam_lookup_at", [1]).value).toBe(-1);
    img.call("cam_write_at", [0, 1234, CAM_CMD_CLEAR]);
    expect(img.call("cam_lookup_at", [0]).value).toBe(-1);
    expect(img.devices.unknown).toBe(0);
  });
});
