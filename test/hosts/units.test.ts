import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeFrame } from "../../src/net/codec/ethernet.ts";
import { IpProto, TcpFlag } from "../../src/net/codec/l4.ts";
import { espLength, frameLength, writeEsp, writeIcmpEcho, writeIpipUdp, writeTcp, writeUdp } from "../../src/net/write.ts";
import { ArpCache } from "../../src/hosts/arp-cache.ts";
import { FlowKind, planFlow, readAppHeader, requestBytes, wireBytes, writeAppHeader } from "../../src/hosts/kinds.ts";
import { parseSizeFile, sizeDistribution } from "../../src/hosts/sizes.ts";
import { NumMap } from "../../src/sim/num-map.ts";
import { RandomStream } from "../../src/sim/random.ts";

const A = 0x0200_0000_0001, B = 0x0200_0000_0002, SRC = 0xc6120101, DST = 0xc000020a;

describe("frame writers (differential: the allocating codecs decode what the zero-allocation writers wrote)", () => {
  it("TCP, UDP, ESP, ICMP echo and IP-in-IP frames decode with valid checksums and the fields written", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1460 }), fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 65535 }), (n, seq, port) => {
      const b = new Uint8Array(2048);
      let len = writeTcp(b, B, A, SRC, DST, port, 80, seq, seq ^ 0x5a5a, TcpFlag.ACK | TcpFlag.PSH, 8760, n);
      let d = decodeFrame(b, len);
      expect(d.ok).toBe(true);
      if (d.ok && d.value.payload.kind === "ipv4" && d.value.payload.ipv4.payload.kind === "tcp") {
        const t = d.value.payload.ipv4.payload.tcp;
        expect([t.srcPort, t.dstPort, t.seq, t.ack, t.flags, t.window, t.payload.length]).toEqual([port, 80, seq >>> 0, (seq ^ 0x5a5a) >>> 0, TcpFlag.ACK | TcpFlag.PSH, 8760, n]);
      } else expect.unreachable("not TCP");
      len = writeUdp(b, B, A, SRC, DST, port, 53, Math.min(n, 1472));
      d = decodeFrame(b, len);
      expect(d.ok && d.value.payload.kind === "ipv4" && d.value.payload.ipv4.payload.kind === "udp").toBe(true);
      len = writeEsp(b, B, A, SRC, DST, 0x1000_0001, seq, Math.min(n, 1455));
      d = decodeFrame(b, len);
      expect(d.ok && d.value.payload.kind === "ipv4" && d.value.payload.ipv4.payload.kind === "esp" && d.value.payload.ipv4.payload.esp.seq === seq >>> 0).toBe(true);
      expect(len).toBe(frameLength(espLength(Math.min(n, 1455))));
      len = writeIcmpEcho(b, B, A, SRC, DST, 8, port, 1, Math.min(n, 1472));
      d = decodeFrame(b, len);
      expect(d.ok && d.value.payload.kind === "ipv4" && d.value.payload.ipv4.protocol === IpProto.ICMP).toBe(true);
      len = writeIpipUdp(b, B, A, SRC, DST, SRC, DST, port, 5001, Math.min(n, 1452));
      d = decodeFrame(b, len);
      expect(d.ok && d.value.payload.kind === "ipv4" && d.value.payload.ipv4.payload.kind === "ipip").toBe(true);
    }), { numRuns: 200 });
  });
});

describe("the flow plan", () => {
  it("a web flow of a 300-byte request and a 4000-byte response: 1 + 1 + 3 frames in, 2 + 1 + 3 out", () => {
    const p = planFlow(FlowKind.Web, 300, 4000);
    expect(p.inFrames).toBe(5); // SYN, the request, ACKs of two response segments, FIN+ACK
    expect(p.outFrames).toBe(6); // SYN+ACK, ACK of the request, three response segments (the last with FIN), the last ACK
    expect(p.outBytes).toBe(2 * 64 + 64 + 2 * 1518 + wireBytes(FlowKind.Web, 4000 - 2 * 1460));
  });

  it("datagram kinds: one frame per MTU's worth each way, at least one; ping mirrors its request", () => {
    // DNS: a 60-byte query at least, a 48-byte response at least (their formats), one datagram each
    expect(planFlow(FlowKind.Dns, requestBytes(FlowKind.Dns, 40), 0)).toEqual({ inFrames: 1, inBytes: 14 + 20 + 8 + 60 + 4, outFrames: 1, outBytes: 14 + 20 + 8 + 48 + 4 });
    expect(planFlow(FlowKind.Radius, requestBytes(FlowKind.Radius, 3000), 100).inFrames).toBe(1); // RADIUS: one datagram, at most 1472 bytes
    expect(planFlow(FlowKind.Esp, 3000, 100).inFrames).toBe(3); // ESP: ceil(3000 / 1455)
    expect(planFlow(FlowKind.Ping, 56, 9999)).toEqual({ inFrames: 1, inBytes: 102, outFrames: 1, outBytes: 102 });
    expect(requestBytes(FlowKind.Web, 3)).toBe(8); // the application header needs 8 bytes
  });

  it("the application header round-trips and rejects what is not one", () => {
    const b = new Uint8Array(16), out = new Int32Array(1);
    writeAppHeader(b, 0, 1234, 56789);
    expect(readAppHeader(b, 0, 8, out)).toBe(1234);
    expect(out[0]).toBe(56789);
    expect(readAppHeader(new Uint8Array(8), 0, 8, out)).toBe(-1);
    expect(readAppHeader(b, 0, 7, out)).toBe(-1);
  });
});

describe("size distributions", () => {
  it("IMIX message sizes fill one TCP segment to 64, 594 and 1518-byte frames, 7:4:1", () => {
    const d = sizeDistribution({ kind: "imix" }, "r");
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect([...d.value.sizes].map((s) => wireBytes(FlowKind.Web, s))).toEqual([64, 594, 1518]);
    expect(d.value.mean).toBeCloseTo((7 * 6 + 4 * 536 + 1460) / 12, 9);
    const r = new RandomStream("t", 1), n = 120_000;
    let big = 0;
    for (let i = 0; i < n; i++) if (d.value.sample(r) === 1460) big++;
    expect(Math.abs(big / n - 1 / 12)).toBeLessThan(0.004);
  });

  it("an empirical file: sizes with weights, comments; errors name the file and line", () => {
    const ok = parseSizeFile("# sizes\n100 3\n\n2000,1\n", "sizes.txt");
    expect(ok.ok && ok.value.mean).toBe((300 + 2000) / 4);
    const bad = parseSizeFile("100\nabc 2\n", "sizes.txt");
    expect(bad.ok ? "" : bad.error).toMatch(/^sizes\.txt:2: expected/);
    expect(parseSizeFile("# nothing\n", "e.txt").ok).toBe(false);
    const missing = sizeDistribution({ kind: "empirical", file: "/nonexistent/sizes" }, "response");
    expect(missing.ok ? "" : missing.error).toBe("response: cannot read size file /nonexistent/sizes: ENOENT");
  });
});

describe("ARP cache", () => {
  it("learns, refreshes a stale entry while still using it, and stops using an expired one", () => {
    const asked: number[] = [];
    const c = new ArpCache({ refreshPs: 100, timeoutPs: 300, retryPs: 50 }, (ip) => asked.push(ip));
    expect(c.lookup(7, 0)).toBe(-1);
    expect(asked).toEqual([7]);
    c.learn(7, 0xaa, 10);
    expect(c.lookup(7, 50)).toBe(0xaa);
    expect(c.lookup(7, 120)).toBe(0xaa); // stale: used, and asked again
    expect(asked).toEqual([7, 7]);
    expect(c.lookup(7, 130)).toBe(0xaa); // within retryPs: not asked again
    expect(asked.length).toBe(2);
    c.learn(7, 0xbb, 140);
    expect(c.changes).toBe(1);
    expect(c.lookup(7, 500)).toBe(-1); // expired
    c.learn(9, 1, 0); // an address it never asked for is not learnt
    expect(c.peek(9)).toBe(-1);
  });
});

describe("NumMap", () => {
  it("behaves as a Map under random inserts, lookups and deletes (keys up to 2^53)", () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom("set", "del", "get"), fc.integer({ min: 0, max: 200 }), fc.integer()), { maxLength: 400 }), (ops) => {
      const m = new NumMap(4), ref = new Map<number, number>();
      for (const [op, k, v] of ops) {
        const key = k * 2 ** 45 + k; // large keys, many colliding low bits
        if (op === "set") (m.set(key, v | 0), ref.set(key, v | 0));
        else if (op === "del") expect(m.delete(key)).toBe(ref.delete(key));
        else expect(m.get(key)).toBe(ref.get(key) ?? -1);
      }
      expect(m.size).toBe(ref.size);
      for (const [k, v] of ref) expect(m.get(k)).toBe(v);
    }), { numRuns: 200 });
  });
});

describe("DNS and RADIUS formats", () => {
  it("put the application header where the servers read it, at every message size", async () => {
    const { writeDns, writeRadius, DNS_APP_OFFSET, RADIUS_APP_OFFSET } = await import("../../src/hosts/dns-radius.ts");
    const { APP_OFFSET } = await import("../../src/hosts/kinds.ts");
    expect([APP_OFFSET[FlowKind.Dns], APP_OFFSET[FlowKind.Radius]]).toEqual([DNS_APP_OFFSET, RADIUS_APP_OFFSET]);
    const b = new Uint8Array(1600), out = new Int32Array(1);
    for (let n = requestBytes(FlowKind.Dns, 0); n <= 1472; n += 37) {
      writeDns(b, 0, n, 7, n, 999);
      expect(readAppHeader(b, DNS_APP_OFFSET, n - DNS_APP_OFFSET, out)).toBe(n);
    }
    for (let n = requestBytes(FlowKind.Radius, 0); n <= 1472; n += 29) {
      writeRadius(b, 0, n, 7, n, 999);
      expect(readAppHeader(b, RADIUS_APP_OFFSET, n - RADIUS_APP_OFFSET, out)).toBe(n);
      // the attributes tile the packet exactly, each 8..255 bytes
      let p = 20 + 9;
      while (p < n) {
        expect(b[p]).toBe(26);
        expect(b[p + 1]!).toBeGreaterThanOrEqual(8);
        p += b[p + 1]!;
      }
      expect(p).toBe(n);
    }
  });
});
