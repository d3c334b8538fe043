import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AddressTable } from "../../src/hw/gt48002/address-table.ts";
import { writeMac } from "../../src/net/mac.ts";

describe("GT-48002 address table", () => {
  it("learns, refreshes and ages dynamic entries; static entries never age or move", () => {
    const t = new AddressTable({ entries: 16, agingPs: 1000 });
    t.learn(0xaabbccddeeff, 1, 0);
    expect(t.port[t.lookup(0xaabbccddeeff, 500)]).toBe(1);
    t.learn(0xaabbccddeeff, 0, 900); // moved to port 0, refreshed
    expect(t.port[t.lookup(0xaabbccddeeff, 1800)]).toBe(0);
    expect(t.lookup(0xaabbccddeeff, 1901)).toBe(-1); // aged out
    const s = t.setStatic(0x020000000001, 5, true);
    t.learn(0x020000000001, 2, 10);
    expect(t.port[t.lookup(0x020000000001, 1e9)]).toBe(5);
    expect(t.intervention(s)).toBe(true);
  });

  it("holds at most `entries` addresses and counts learning failures", () => {
    const t = new AddressTable({ entries: 8, agingPs: 1e12 });
    for (let i = 0; i < 10; i++) t.learn(0x100 + i, 0, 0);
    expect(t.size).toBe(8);
    expect(t.read().learnFailures).toBe(2);
  });

  it("agrees with a Map model over random learn/remove/lookup sequences", () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant("learn" as const), mac: fc.integer({ min: 0, max: 40 }), port: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ k: fc.constant("remove" as const), mac: fc.integer({ min: 0, max: 40 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const t = new AddressTable({ entries: 64, agingPs: 1e15 });
        const m = new Map<number, number>();
        for (const o of ops) {
          const mac = 0x0200_0000_0000 + o.mac * 7919;
          if (o.k === "learn") {
            t.learn(mac, o.port, 0);
            m.set(mac, o.port);
          } else {
            expect(t.remove(mac)).toBe(m.delete(mac));
          }
        }
        for (let i = 0; i <= 40; i++) {
          const mac = 0x0200_0000_0000 + i * 7919;
          const s = t.lookup(mac, 0);
          if (m.has(mac)) expect(t.port[s]).toBe(m.get(mac));
          else expect(s).toBe(-1);
        }
        expect(t.size).toBe(m.size);
      }),
    );
  });

  it("lookupAt and learnAt (the MAC read from a frame, the time from a time source) act exactly as lookup and learn", () => {
    const op = fc.record({ learn: fc.boolean(), mac: fc.integer({ min: 0, max: 30 }), port: fc.integer({ min: 0, max: 7 }), dt: fc.integer({ min: 0, max: 600 }) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 150 }), (ops) => {
        const a = new AddressTable({ entries: 16, agingPs: 1000 }), b = new AddressTable({ entries: 16, agingPs: 1000 });
        const src = { now: 2 ** 40 }; // times above 2^31, as in a run
        const frame = new Uint8Array(14);
        for (const o of ops) {
          src.now += o.dt;
          const mac = 0x0200_0000_0000 + o.mac * 7919;
          writeMac(frame, 6, mac);
          if (o.learn) {
            a.learn(mac, o.port, src.now);
            b.learnAt(frame, 6, o.port, src);
          } else expect(b.lookupAt(frame, 6, src)).toBe(a.lookup(mac, src.now));
        }
        expect(b.read()).toEqual(a.read());
        expect(b.size).toBe(a.size);
      }),
    );
  });
});
