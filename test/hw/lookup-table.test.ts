import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LookupTable } from "../../src/hw/lookup-table.ts";
import { LookupEngine } from "../../src/hw/lookup-engine.ts";
import { Simulator } from "../../src/sim/simulator.ts";

describe("hardware flow table (5E's dual-port SRAM, 5F's look-up table)", () => {
  it("finds what was installed, under fingerprints with the top bit set (unsigned hashes) as well", () => {
    const t = new LookupTable(64);
    t.install(0x8000_0001, 0xffff_fff0, 7);
    t.install(-5, 3, 9);
    expect(t.lookup(0x8000_0001, 0xffff_fff0)).toBe(7);
    expect(t.lookup(-5, 3)).toBe(9);
    expect(t.lookup(-5, 4)).toBe(-1);
    expect(t.read()).toMatchObject({ lookups: 3, hits: 2, installs: 2, valid: 2 });
  });

  it("a set holds `ways` flows: the fifth evicts round robin; a look-up reads the ways up to the hit", () => {
    const t = new LookupTable(16, 4); // 4 sets
    for (let i = 0; i < 5; i++) t.install(i, i * 4, 100 + i); // all in set 0
    expect(t.read().evictions).toBe(1);
    expect(t.lookup(0, 0)).toBe(-1); // the first way went
    expect(t.lastProbes).toBe(4);
    expect(t.lookup(4, 16)).toBe(104);
    expect(t.lastProbes).toBe(1); // it took way 0
    expect(t.lookup(3, 12)).toBe(103);
    expect(t.lastProbes).toBe(4);
  });

  it("a failed server's entries go, and only those", () => {
    const t = new LookupTable(64);
    for (let i = 0; i < 20; i++) t.install(i, i, i % 3);
    expect(t.invalidateServer(1)).toBe(7);
    for (let i = 0; i < 20; i++) expect(t.lookup(i, i)).toBe(i % 3 === 1 ? -1 : i % 3);
  });

  it("agrees with a Map model while no set overflows, and never answers a server it was not given for that flow", () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant("install" as const), f: fc.integer({ min: 0, max: 300 }), s: fc.integer({ min: 0, max: 5 }) }),
      fc.record({ k: fc.constant("drop" as const), s: fc.integer({ min: 0, max: 5 }) }),
      fc.record({ k: fc.constant("lookup" as const), f: fc.integer({ min: 0, max: 300 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const t = new LookupTable(1024, 4);
        const m = new Map<number, number>();
        const hi = (f: number) => Math.imul(f, 0x9e3779b1);
        for (const o of ops) {
          if (o.k === "install") {
            t.install(hi(o.f), o.f, o.s);
            m.set(o.f, o.s);
          } else if (o.k === "drop") {
            t.invalidateServer(o.s);
            for (const [f, s] of m) if (s === o.s) m.delete(f);
          } else {
            const got = t.lookup(hi(o.f), o.f);
            // 256 sets and at most 301 flows spread by f: a set can overflow only past 4 flows of one residue
            if (t.read().evictions === 0) expect(got).toBe(m.get(o.f) ?? -1);
            else expect(got === -1 || got === m.get(o.f)).toBe(true);
          }
        }
      }),
    );
  });
});

describe("look-up engine (the CPLD's state machine, an ASIC)", () => {
  it("serves one frame at a time in arrival order; each holds it for the time its look-up says", () => {
    const sim = new Simulator();
    const done: [number, number][] = [];
    const e = new LookupEngine(sim, "e", 8, (h) => 100 * (h + 1), (h) => done.push([h, sim.now]));
    for (const h of [0, 1, 2]) e.push(h);
    sim.run();
    expect(done).toEqual([[0, 100], [1, 300], [2, 600]]);
    expect(e.read(sim.now)).toMatchObject({ utilization: 1, lookups: 3 });
  });

  it("refuses a frame when its FIFO is full", () => {
    const sim = new Simulator();
    const e = new LookupEngine(sim, "e", 2, () => 10, () => {});
    expect([e.push(0), e.push(1), e.push(2), e.push(3)]).toEqual([true, true, true, false]); // one in service, two waiting
  });
});
