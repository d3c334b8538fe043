import { describe, expect, it } from "vitest";
import { PCAP_MAGIC_NS, PcapWriter, readPcap } from "../../src/net/pcap.ts";
import { sampleMix } from "../../src/net/sample-mix.ts";

describe("pcap", () => {
  it("round trip: frames and nanosecond timestamps come back as written", () => {
    const w = PcapWriter.inMemory();
    const frames = sampleMix(30, 2);
    frames.forEach((f, i) => w.write(1_500_000_000_000 + i * 6_720_123, f)); // ps
    const r = readPcap(w.bytes());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.nanosecond).toBe(true);
    expect(r.value.linkType).toBe(1);
    expect(r.value.records.map((x) => x.data)).toEqual(frames);
    expect(r.value.records.map((x) => x.timeNs)).toEqual(frames.map((_, i) => Math.floor((1_500_000_000_000 + i * 6_720_123) / 1000)));
  });

  it("the global header is the nanosecond libpcap header, little endian", () => {
    const b = PcapWriter.inMemory().bytes();
    const v = new DataView(b.buffer);
    expect(b.length).toBe(24);
    expect(v.getUint32(0, true)).toBe(PCAP_MAGIC_NS);
    expect([v.getUint16(4, true), v.getUint16(6, true), v.getUint32(16, true), v.getUint32(20, true)]).toEqual([2, 4, 65535, 1]);
  });

  it("reads big-endian and microsecond files", () => {
    const b = new Uint8Array(24 + 16 + 4);
    const v = new DataView(b.buffer);
    v.setUint32(0, 0xa1b2c3d4, false);
    v.setUint32(16, 65535, false);
    v.setUint32(20, 1, false);
    v.setUint32(24, 10, false);
    v.setUint32(28, 250, false);
    v.setUint32(32, 4, false);
    v.setUint32(36, 4, false);
    const r = readPcap(b);
    expect(r.ok && r.value.records[0]!.timeNs).toBe(10e9 + 250_000);
  });

  it("malformed input gives an error naming the offset, never a throw", () => {
    const good = PcapWriter.inMemory();
    good.write(0, new Uint8Array(60));
    const b = good.bytes();
    const short = readPcap(b.subarray(0, 10));
    expect(!short.ok && short.error.offset).toBe(0);
    const magic = b.slice();
    magic[0] = 0;
    expect(!readPcap(magic).ok && (readPcap(magic) as { error: { message: string } }).error.message).toMatch(/bad magic/);
    const cutRecord = readPcap(b.subarray(0, 24 + 10));
    expect(!cutRecord.ok && cutRecord.error).toMatchObject({ offset: 24 });
    const longRecord = b.slice();
    new DataView(longRecord.buffer).setUint32(24 + 8, 5000, true);
    const lr = readPcap(longRecord);
    expect(!lr.ok && lr.error.offset).toBe(32);
    expect(!lr.ok && lr.error.message).toMatch(/past the end/);
  });
});
