import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CaptureEpoch, DEFAULT_START_TIME } from "../../src/net/capture-epoch.ts";
import { readCapture, readPcap } from "../../src/net/capture-read.ts";
import { PCAP_MAGIC_NS, PcapWriter } from "../../src/net/pcap.ts";
import { DIR_INBOUND, DIR_OUTBOUND, PcapngWriter } from "../../src/net/pcapng.ts";
import { sampleMix } from "../../src/net/sample-mix.ts";

const ns = (ps: number) => Math.floor(ps / 1000);

describe("pcap", () => {
  it("round trip: frames and nanosecond timestamps come back as written", () => {
    const w = PcapWriter.inMemory();
    const frames = sampleMix(30, 2);
    frames.forEach((f, i) => w.write(1_500_000_000_000 + i * 6_720_123, f)); // ps
    const r = readPcap(w.bytes());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.format).toBe("pcap");
    expect(r.value.records[0]!.linkType).toBe(1);
    expect(r.value.records.map((x) => x.data)).toEqual(frames);
    expect(r.value.records.map((x) => x.sec * 1e9 + x.nsec)).toEqual(frames.map((_, i) => ns(1_500_000_000_000 + i * 6_720_123)));
  });

  it("times are the capture epoch plus simulated time (default epoch: the stated fixed date)", () => {
    const w = PcapWriter.inMemory(CaptureEpoch.DEFAULT);
    w.write(2_500_000_000_123_456, new Uint8Array(60)); // 2,500.000000123 s
    const r = readCapture(w.bytes());
    expect(r.ok && r.value.records[0]).toMatchObject({ sec: Date.parse(DEFAULT_START_TIME) / 1000 + 2500, nsec: 123 });
  });

  it("the global header is the nanosecond libpcap header, little endian", () => {
    const b = PcapWriter.inMemory().bytes();
    const v = new DataView(b.buffer);
    expect(b.length).toBe(24);
    expect(v.getUint32(0, true)).toBe(PCAP_MAGIC_NS);
    expect([v.getUint16(4, true), v.getUint16(6, true), v.getUint32(16, true), v.getUint32(20, true)]).toEqual([2, 4, 65535, 1]);
  });

  it("reads big-endian and microsecond files, and a record at 0xffffffff s", () => {
    const b = new Uint8Array(24 + 2 * (16 + 4));
    const v = new DataView(b.buffer);
    v.setUint32(0, 0xa1b2c3d4, false);
    v.setUint32(16, 65535, false);
    v.setUint32(20, 1, false);
    v.setUint32(24, 10, false);
    v.setUint32(28, 250, false);
    v.setUint32(32, 4, false);
    v.setUint32(36, 4, false);
    v.setUint32(44, 0xffffffff, false);
    v.setUint32(48, 999_999, false);
    v.setUint32(52, 4, false);
    v.setUint32(56, 4, false);
    const r = readCapture(b);
    expect(r.ok && r.value.records.map((x) => [x.sec, x.nsec])).toEqual([[10, 250_000], [0xffffffff, 999_999_000]]);
  });

  it("malformed input gives an error naming the offset, never a throw", () => {
    const good = PcapWriter.inMemory();
    good.write(0, new Uint8Array(60));
    const b = good.bytes();
    const short = readCapture(b.subarray(0, 10));
    expect(!short.ok && short.error.offset).toBe(0);
    const magic = b.slice();
    magic[0] = 0;
    const m = readCapture(magic);
    expect(!m.ok && m.error.message).toMatch(/^capture: bad magic number 0x.* \(neither a pcap nor a pcapng file\) at byte 0$/);
    const cutRecord = readCapture(b.subarray(0, 24 + 10));
    expect(!cutRecord.ok && cutRecord.error).toMatchObject({ offset: 24 });
    const longRecord = b.slice();
    new DataView(longRecord.buffer).setUint32(24 + 8, 5000, true);
    const lr = readCapture(longRecord);
    expect(!lr.ok && lr.error.offset).toBe(32);
    expect(!lr.ok && lr.error.message).toMatch(/past the end/);
  });
});

describe("pcapng", () => {
  const two = () => {
    const w = PcapngWriter.inMemory({ comment: "a test", userAppl: "flowsim test" }, CaptureEpoch.DEFAULT);
    expect(w.addInterface({ name: "port0-r0", speedBps: 100e6 })).toBe(0);
    expect(w.addInterface({ name: "port1-s0", speedBps: 1e9, description: "to server s0" })).toBe(1);
    return w;
  };

  it("round trip: interfaces, directions, frames and absolute nanosecond times", () => {
    const w = two();
    const frames = sampleMix(40, 3);
    frames.forEach((f, i) => w.write(i % 2, 7_000_000 * i + 999, f, f.length, i % 3 === 0 ? DIR_INBOUND : DIR_OUTBOUND));
    const r = readCapture(w.bytes());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const f = r.value;
    expect(f.format).toBe("pcapng");
    expect(f.userAppl).toBe("flowsim test");
    expect(f.comment).toBe("a test");
    expect(f.interfaces.map((i) => i.name)).toEqual(["port0-r0", "port1-s0"]);
    expect(f.records.map((x) => x.data)).toEqual(frames);
    expect(f.records.map((x) => x.iface)).toEqual(frames.map((_, i) => i % 2));
    expect(f.records.map((x) => x.dir)).toEqual(frames.map((_, i) => (i % 3 === 0 ? 1 : 2)));
    expect(f.records.map((x) => [x.sec, x.nsec])).toEqual(frames.map((_, i) => [930_787_200 + Math.floor(ns(7_000_000 * i + 999) / 1e9), ns(7_000_000 * i + 999) % 1e9]));
  });

  it("the 64-bit nanosecond count is exact for any epoch and any run time (against BigInt)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff - 10_000 }), fc.integer({ min: 0, max: 999_999_999 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (sec, nsec, ps) => {
        const e = new CaptureEpoch(sec, nsec);
        e.at64(ps);
        const want = BigInt(sec) * 1_000_000_000n + BigInt(nsec) + BigInt(ps) / 1000n;
        expect((BigInt(e.hi) << 32n) | BigInt(e.lo)).toBe(want);
      }),
      { numRuns: 500 },
    );
  });

  it("frames of any length are padded to 32 bits; a comment is kept; truncated files are one error", () => {
    const w = two();
    for (const n of [60, 61, 62, 63, 64]) w.write(0, n * 1000, new Uint8Array(n).fill(n), n, 0, n === 61 ? "odd" : undefined);
    const b = w.bytes();
    const r = readCapture(b);
    expect(r.ok && r.value.records.map((x) => x.data.length)).toEqual([60, 61, 62, 63, 64]);
    const cut = readCapture(b.subarray(0, b.length - 6));
    expect(!cut.ok && cut.error.message).toMatch(/^pcapng: .* at byte \d+$/);
  });

  it("reads big-endian sections, microsecond and binary resolutions, if_tsoffset, simple packet blocks", () => {
    // a big-endian section, built by hand: SHB, IDB (tsresol 2^-10, tsoffset 100 s), EPB at 2048 units, SPB
    const parts: number[][] = [];
    const u32 = (x: number) => [(x >>> 24) & 255, (x >>> 16) & 255, (x >>> 8) & 255, x & 255];
    const u16 = (x: number) => [(x >> 8) & 255, x & 255];
    const block = (type: number, body: number[]) => parts.push([...u32(type), ...u32(12 + body.length), ...body, ...u32(12 + body.length)]);
    block(0x0a0d0d0a, [...u32(0x1a2b3c4d), ...u16(1), ...u16(0), ...u32(0xffffffff), ...u32(0xffffffff)]);
    block(1, [...u16(1), ...u16(0), ...u32(0), ...u16(9), ...u16(1), 0x8a, 0, 0, 0, ...u16(14), ...u16(8), ...u32(0), ...u32(100), ...u32(0)]);
    const frame = Array.from({ length: 60 }, (_, i) => i);
    block(6, [...u32(0), ...u32(0), ...u32(2048 + 512), ...u32(60), ...u32(60), ...frame]);
    block(3, [...u32(60), ...frame]);
    const r = readCapture(Uint8Array.from(parts.flat()));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.records.map((x) => [x.sec, x.nsec, x.data.length])).toEqual([[102, 500_000_000, 60], [102, 500_000_000, 60]]);
  });
});

describe("--start-time", () => {
  it("reads ISO 8601 date-times (UTC when no zone is given) and now; refuses the rest in one line", () => {
    expect(String(CaptureEpoch.parse("2024-05-01T12:00:00Z"))).toBe("2024-05-01T12:00:00.000Z");
    expect(String(CaptureEpoch.parse("2024-05-01T12:00:00"))).toBe("2024-05-01T12:00:00.000Z");
    expect(String(CaptureEpoch.parse("2024-05-01T14:00:00.250+02:00"))).toBe("2024-05-01T12:00:00.250Z");
    expect(String(CaptureEpoch.parse("now", 1_700_000_000_123))).toBe(new Date(1_700_000_000_123).toISOString());
    expect(CaptureEpoch.parse(DEFAULT_START_TIME)).toMatchObject({ sec: CaptureEpoch.DEFAULT.sec, nsec: 0 });
    for (const bad of ["yesterday", "2024-13-45T00:00:00Z", "1960-01-01T00:00:00Z", "2200-01-01T00:00:00Z"]) expect(typeof CaptureEpoch.parse(bad), bad).toBe("string");
  });
});
