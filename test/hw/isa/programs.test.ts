/**
 * The compiled C programs (firmware/build/*.elf, built from firmware/c by `npm run
 * firmware:build`) run on the instruction-level R4700 through the ELF loader, and their results
 * are checked against the same computation written in TypeScript here.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IsaMachine } from "../../../src/hw/cpu/isa/machine.ts";

const image = (name: string) => readFileSync(new URL(`../../../firmware/build/${name}.elf`, import.meta.url));
const lcg = (s: number) => (Math.imul(s, 1664525) + 1013904223) >>> 0;
const rotl = (x: number, n: number) => ((x << n) | (x >>> (32 - n))) >>> 0;
const u32 = (v: number) => v >>> 0;

function run(m: IsaMachine, maxCycles = 5e8) {
  const r = m.run(maxCycles);
  expect(r.reason).toBe("idle");
  return r;
}

describe("checksum.c: RFC 1071 checksum and the RFC 1624 incremental update", () => {
  function inet(bytes: Uint8Array): number {
    let sum = 0;
    for (let k = 0; k + 1 < bytes.length; k += 2) sum += (bytes[k]! << 8) | bytes[k + 1]!;
    if (bytes.length & 1) sum += bytes[bytes.length - 1]! << 8;
    while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 65536);
    return ~sum & 0xffff;
  }
  const m = new IsaMachine(image("checksum"), {}, "checksum");

  it("matches the TypeScript checksum, and the incremental update matches recomputing, for random packets", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 1500 }), fc.nat(), fc.integer({ min: 0, max: 0xffff }), (bytes, at, value) => {
        m.reset();
        const off = (at % (bytes.length >> 1)) * 2;
        m.writeBytes("packet", bytes);
        m.writeWords("packet_len", [bytes.length]);
        m.writeWords("change_offset", [off]);
        m.writeWords("change_value", [value]);
        run(m);
        const changed = bytes.slice();
        changed[off] = value >> 8;
        changed[off + 1] = value & 255;
        const [before, incremental, after, old] = m.readWords("results", 4);
        expect(before).toBe(inet(bytes));
        expect(old).toBe((bytes[off]! << 8) | bytes[off + 1]!);
        expect(after).toBe(inet(changed));
        expect(incremental).toBe(after);
      }),
      { numRuns: 40, seed: 17 },
    );
  });
});

describe("flowtable.c: hash, chained look-up and insert", () => {
  function mirror(n: number, lookups: number, seed: number, mask: number) {
    const hash = (sa: number, da: number, ports: number, proto: number) => {
      let h = (sa ^ rotl(da, 7) ^ ports ^ (proto << 24)) >>> 0;
      h = (h ^ (h >>> 16)) >>> 0;
      h = Math.imul(h, 0x85ebca6b) >>> 0;
      return (h ^ (h >>> 13)) >>> 0;
    };
    type Flow = { sa: number; da: number; ports: number; server: number; packets: number };
    const buckets = new Map<number, Flow[]>();
    let used = 0;
    const lookup = (sa: number, da: number, ports: number) => {
      const chain = buckets.get(hash(sa, da, ports, 6) & mask) ?? [];
      let walked = 0;
      for (const f of chain) {
        walked++;
        if (f.sa === sa && f.da === da && f.ports === ports) return { f, walked };
      }
      return { f: undefined, walked };
    };
    let s = seed;
    for (let i = 0; i < n; i++) {
      const sa = (s = lcg(s)), ports = (s = lcg(s));
      const da = u32(0x0a000001 + (sa & 3));
      if (!lookup(sa, da, ports).f && used < 8192) {
        const b = hash(sa, da, ports, 6) & mask;
        buckets.set(b, [{ sa, da, ports, server: used % 7, packets: 0 }, ...(buckets.get(b) ?? [])]);
        used++;
      }
    }
    s = seed;
    let hits = 0, misses = 0, servers = 0, longest = 0;
    for (let i = 0; i < lookups; i++) {
      let sa: number, ports: number;
      if (i & 1) {
        sa = s = lcg(s);
        ports = s = lcg(s);
      } else {
        sa = u32(0xc0a80000 + i);
        ports = Math.imul(i, 2654435761) >>> 0;
      }
      const { f, walked } = lookup(sa, u32(0x0a000001 + (sa & 3)), ports);
      longest = Math.max(longest, walked);
      if (f) {
        hits++;
        servers += f.server;
      } else misses++;
    }
    return [hits, misses, u32(servers), longest];
  }

  for (const [n, lookups, seed, mask] of [[1000, 2000, 7, 1023], [5000, 3000, 99, 255], [200, 400, 1, 4095]] as const) {
    it(`${n} flows, ${lookups} look-ups, ${mask + 1} buckets`, () => {
      const m = new IsaMachine(image("flowtable"), {}, "flowtable");
      m.writeWords("params", [n, lookups, seed, mask]);
      run(m);
      expect(m.readWords("results", 4)).toEqual(mirror(n, lookups, seed, mask));
    });
  }
});

describe("muldiv.c: products, quotients, remainders, division by constants, gcd", () => {
  function mirror(iterations: number, seed: number): number[] {
    const M = (1n << 32n) - 1n;
    let s = seed;
    const sums = new Array(8).fill(0);
    const add = (k: number, v: number | bigint) => (sums[k] = u32(sums[k] + Number(BigInt(v) & M)));
    const gcd = (a: number, b: number) => {
      while (b) [a, b] = [b, a % b];
      return a;
    };
    for (let i = 0; i < iterations; i++) {
      const a = (s = lcg(s)) | 0;
      const b = ((s = lcg(s)) | 0) >> (i & 15);
      const ua = u32(a), ub = u32(b);
      const p = BigInt(a) * BigInt(b), up = BigInt(ua) * BigInt(ub);
      add(0, p);
      add(1, p >> 32n);
      add(2, up >> 32n);
      if (b !== 0) {
        add(3, BigInt(Math.trunc(a / b)));
        add(4, BigInt(a % b));
        add(5, BigInt(Math.floor(ua / ub)));
      }
      add(6, BigInt(Math.floor(ua / 10) + (ua % 1000)));
      add(7, BigInt(gcd(ua >>> 20, ub >>> 22)));
    }
    return sums;
  }

  it("500 iterations", () => {
    const m = new IsaMachine(image("muldiv"), {}, "muldiv");
    m.writeWords("params", [500, 3]);
    run(m);
    expect(m.readWords("results", 8)).toEqual(mirror(500, 3));
  });
});

describe("calls.c: recursion, function pointers, a jump table, struct copies", () => {
  function mirror(n: number, iterations: number): number[] {
    const fib = (x: number): number => (x < 2 ? x : fib(x - 1) + fib(x - 2));
    const ops = [(x: number, y: number) => x + y, (x: number, y: number) => x ^ y, (x: number, y: number) => (y & 31 ? rotl(x, y & 31) : x), (x: number, y: number) => x - y];
    const classify = (k: number) => [11, Math.imul(k, 3), k >>> 1, ~k, k ^ 0x5a5a, k + 77, k & 0xff, 1][k & 7]!;
    const leaf = (x: number) => Math.imul(x, 5) + 1;
    const mid = (x: number) => leaf(x) + leaf(x + 1);
    const top = (x: number) => mid(x) ^ mid(x >>> 1);
    let acc = 0, sw = 0;
    const p = [1, 2, 3, 4, 5, 6];
    for (let i = 0; i < iterations; i++) {
      acc = u32(ops[i & 3]!(acc, i));
      sw = u32(sw + classify(Math.imul(i, 2654435761) >>> 7));
      p[0] = u32(p[0]! + i);
      p[5] = u32(p[5]! ^ p[0]!);
      acc = u32(acc + top(i));
    }
    return [fib(n), acc, sw, u32(p.reduce((a, b) => a + b, 0))];
  }

  it("fib(18) and 300 iterations", () => {
    const m = new IsaMachine(image("calls"), {}, "calls");
    m.writeWords("params", [18, 300]);
    run(m);
    expect(m.readWords("results", 4)).toEqual(mirror(18, 300));
  });
});

describe("headers.c: Ethernet/VLAN/IPv4/L4 fields at a 2-byte offset, MAC rewrite, signed bytes and halfwords", () => {
  function frame(vlan: boolean, proto: number): Uint8Array {
    const b: number[] = [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x02, 0x00, 0x00, 0x00, 0x00, 0x07];
    if (vlan) b.push(0x81, 0x00, 0x00, 0x2a);
    b.push(0x08, 0x00, 0x45, 0x00, 0x00, 0x2e, 0xbe, 0xef, 0x40, 0x00, 0xfe, proto, 0x00, 0x00, 0xc0, 0xa8, 0x80, 0x81, 0x0a, 0x00, 0x00, 0xf1);
    b.push(0x9c, 0x41, 0x00, 0x50, ...Array.from({ length: 30 }, (_, k) => (k * 37 + 200) & 255));
    return Uint8Array.from(b);
  }
  const mac = [0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee];

  for (const [vlan, proto] of [[false, 6], [true, 17], [false, 1]] as const) {
    it(`${vlan ? "tagged" : "untagged"}, IP protocol ${proto}`, () => {
      const f = frame(vlan, proto);
      const m = new IsaMachine(image("headers"), {}, "headers");
      m.writeBytes("buf", f, 2);
      m.writeWords("frame_len", [f.length]);
      m.writeBytes("new_mac", Uint8Array.from([...mac, 0, 0]));
      run(m);
      const off = vlan ? 18 : 14;
      const be32 = (k: number) => u32((f[k]! << 24) | (f[k + 1]! << 16) | (f[k + 2]! << 8) | f[k + 3]!);
      const rewritten = f.slice();
      rewritten.set(mac, 0);
      let bytes = 0;
      for (const x of rewritten) bytes += (x << 24) >> 24;
      let halves = 0;
      for (let k = 0; k + 1 < Math.floor(f.length / 2); k++) halves += (((rewritten[2 + 2 * k]! << 8) | rewritten[3 + 2 * k]!) << 16) >> 16;
      expect(m.readWords("results", 8)).toEqual([0x0800, be32(off + 12), be32(off + 16), proto === 6 || proto === 17 ? be32(off + 20) : 0, u32(bytes), u32(halves), 0xfe, proto]);
      expect(Array.from(m.readBytes("buf", 6, 2))).toEqual(mac);
    });
  }
});

describe("traps.c: exceptions taken on purpose", () => {
  it("counts SYSCALL, two BREAKs, TEQ, ADD overflow, AdEL, AdES and a reserved instruction; PRId 0x2112; Count moves", () => {
    const m = new IsaMachine(image("traps"), {}, "traps");
    run(m);
    const [prid, moved, count, badvaddr, untouched, lastCause] = m.readWords("results", 6);
    expect(prid).toBe(0x2112);
    expect(moved).toBe(1);
    expect(count).toBe(8);
    expect(badvaddr).toBe(u32(m.image.symbols.get("words")!.value + 2));
    expect(untouched).toBe(77);
    expect((lastCause! >>> 2) & 31).toBe(10); // the reserved instruction came last
    const byCode = m.readWords("isa_exceptions", 32, 5);
    expect({ sys: byCode[8], bp: byCode[9], tr: byCode[13], ov: byCode[12], adel: byCode[4], ades: byCode[5], ri: byCode[10] }).toEqual({ sys: 1, bp: 2, tr: 1, ov: 1, adel: 1, ades: 1, ri: 1 });
  });
});

describe("timer.c: the Count/Compare interrupt", () => {
  it("takes `ticks` interrupts, one per interval of Count, entering within a few cycles of the match", () => {
    const interval = 400, ticks = 6;
    const m = new IsaMachine(image("timer"), {}, "timer");
    m.writeWords("params", [interval, ticks]);
    run(m);
    const [seen, spins, other] = m.readWords("results", 3);
    expect(seen).toBe(ticks);
    expect(spins).toBeGreaterThan(0);
    expect(other).toBe(0);
    expect(m.core.interrupts).toBe(ticks);
    const stamps = m.readWords("stamps", ticks);
    // the handler re-arms Compare at the old Compare + interval, so entries are `interval` apart,
    // each late by the interrupted instruction's stalls (bounded); the first entry also pays the
    // handler's cold I-cache misses, so compare from the second on
    for (let k = 2; k < ticks; k++) expect(Math.abs(stamps[k]! - stamps[k - 1]! - interval)).toBeLessThanOrEqual(40);
  });
});

describe("pathbench.c: the stand-in per-frame path", () => {
  function mirror(frames: number, flows: number, seed: number, servers: number) {
    const hash3 = (a: number, b: number, c: number) => {
      let h = (a ^ rotl(b, 7) ^ c) >>> 0;
      h = (h ^ (h >>> 16)) >>> 0;
      h = Math.imul(h, 0x85ebca6b) >>> 0;
      return (h ^ (h >>> 13)) >>> 0;
    };
    const known = new Map<string, number>();
    const perServer = new Array(16).fill(0);
    let created = 0, repeat = 0, digest = 0, s = seed;
    for (let i = 0; i < frames; i++) {
      const r = (s = lcg(s));
      const k = (r >>> 8) % flows;
      const sa = u32(0xc0a80000 + k), da = u32(0x0a000001 + (k & 3)), pt = Math.imul(k, 2654435761) >>> 0;
      const key = `${sa}/${da}/${pt}`;
      let server = known.get(key);
      if (server === undefined) {
        server = (hash3(sa, da, pt) >>> 16) % servers;
        known.set(key, server);
        created++;
      } else repeat++;
      perServer[server]++;
      digest = u32(Math.imul(digest, 31) + server + 1);
      digest = u32(digest ^ 0x02aa ^ (0x1000 + server)); // bytes at f-2 (0, 0, MAC 02 aa) and f+4 (MAC bytes 4-5)
    }
    return { results: [created, repeat, digest], perServer };
  }

  it("5,000 frames over 500 flows to 8 servers", () => {
    const m = new IsaMachine(image("pathbench"), {}, "pathbench");
    m.writeWords("params", [5000, 500, 1, 8]);
    run(m);
    const want = mirror(5000, 500, 1, 8);
    expect(m.readWords("results", 3)).toEqual(want.results);
    expect(m.readWords("per_server", 16)).toEqual(want.perServer);
  });
});
