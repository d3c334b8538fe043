/**
 * The GT-64010's DRAM (docs/hardware.md "GT-64010" and Sources §6, §A3): page-mode timing, refresh
 * and round-robin arbitration, each expected figure derived here from the datasheet rows, not read
 * off the model. TClk 50 MHz (20 ns); EDO -60: tRAC 60 ns, tCAA 30 ns, tRC 100 ns (Alliance), page
 * cycle tPC 25 ns; the controller's RAS-to-CAS 2 TClk and its 2 TClk request overhead (§10.5).
 */
import { describe, expect, it } from "vitest";
import { DramController, GT64010_DRAM, MemRequest, refreshShare, type DramParams } from "../../src/hw/gt64010/dram.ts";
import { Simulator } from "../../src/sim/simulator.ts";

const TCLK_NS = 20;
const clocks = (ns: number) => Math.ceil(ns / TCLK_NS);
const tRAC = 60, tCAA = 30, tRC = 100, tPC = 25, RAS_TO_CAS = 2, OVERHEAD = 2;
/** A 32-byte line on a 64-bit path: 4 beats, 3 after the first, each a page cycle. */
const BEATS_AFTER_FIRST = 32 / 8 - 1;
const beat = clocks(tPC); // 2
const HIT = OVERHEAD + 1 + clocks(tCAA) + BEATS_AFTER_FIRST * beat; // column address, CAS to data
const MISS = OVERHEAD + 1 + RAS_TO_CAS + clocks(tCAA) + BEATS_AFTER_FIRST * beat; // RAS, RAS-to-CAS, CAS to data
const CONFLICT = MISS + clocks(tRC - tRAC); // precharge (tRP = tRC - tRAS, tRAS >= tRAC) first
const REFRESH = clocks(tRC), REFRESH_INTERVAL = Math.round(15.6e-6 * 50e6); // CAS-before-RAS refresh; 15.6 us per row

function rig(params: Partial<DramParams> = {}) {
  const sim = new Simulator();
  const dram = new DramController(sim, "dram", { ...GT64010_DRAM, ...params });
  const done: MemRequest[] = [];
  const requester = (name: string) => dram.addRequester(name);
  const req = (who: number, addr: number, bytes = 32, write = false) => Object.assign(new MemRequest(who, (r) => done.push(r)), { addr, bytes, write });
  return { sim, dram, done, requester, req };
}

const ps = (tclk: number) => tclk * TCLK_NS * 1000;

describe("GT-64010 DRAM: page mode (EDO -60 at 50 MHz)", () => {
  it("the rows give 11 TClk for a line on a page hit, 13 from a precharged bank, 15 on a row conflict", () => {
    expect([HIT, MISS, CONFLICT]).toEqual([11, 13, 15]);
    expect(1 + RAS_TO_CAS + clocks(tCAA)).toBe(5); // a precharged bank's lead-off: §6's 5-2-2-2
    expect(RAS_TO_CAS + clocks(tCAA)).toBeGreaterThanOrEqual(clocks(tRAC)); // RAS to data no shorter than tRAC
    const r = rig({ refreshIntervalClocks: 0 });
    const cpu = r.requester("cpu");
    // one after the other, each once the previous is done: precharged bank, same row, another row
    const addrs = [0x10_0000, 0x10_0020, 0x10_4000];
    let t = 0;
    for (const a of addrs) {
      r.dram.submit(r.req(cpu, a));
      r.sim.run();
      const x = r.done.at(-1)!;
      expect(x.startedAt).toBe(t);
      t = x.doneAt;
    }
    expect(r.done.map((x) => x.doneAt - x.startedAt)).toEqual([ps(MISS), ps(HIT), ps(CONFLICT)]);
    expect(r.dram.read(r.sim.now).pages).toEqual({ hits: 1, misses: 1, conflicts: 1 });
  });

  it("a page-hit burst costs what the row implies: 512 bytes written in 32-byte bursts to one row, 1 miss then 15 hits", () => {
    const r = rig({ refreshIntervalClocks: 0 });
    const pci = r.requester("pci");
    for (let o = 0; o < 512; o += 32) expect(r.dram.submit(r.req(pci, 0x10_0000 + o, 32, true))).toBe(true);
    r.sim.run();
    expect(r.done.length).toBe(16);
    expect(r.sim.now).toBe(ps(MISS + 15 * HIT));
  });

  it("closed-page policy (the named option) costs 13 TClk per line wherever it falls", () => {
    const r = rig({ pagePolicy: "closed", refreshIntervalClocks: 0 });
    const cpu = r.requester("cpu");
    for (const a of [0, 32, 0x4000, 0x4020]) r.dram.submit(r.req(cpu, a));
    r.sim.run();
    expect(r.sim.now).toBe(ps(4 * MISS));
  });
});

describe("GT-64010 DRAM: refresh (RefIntCnt, §A3)", () => {
  it("is 5 TClk every 780: 0.64 % of an idle memory's time", () => {
    expect([GT64010_DRAM.refreshClocks, GT64010_DRAM.refreshIntervalClocks]).toEqual([REFRESH, REFRESH_INTERVAL]);
    const r = rig();
    r.requester("cpu");
    r.sim.run(ps(780_000)); // 1,000 intervals
    expect(r.dram.read(r.sim.now).utilization).toBeCloseTo(REFRESH / REFRESH_INTERVAL, 5);
    expect(refreshShare(r.dram.params)).toBeCloseTo(5 / 780, 12);
  });

  it("steals its share from a saturated memory, plus the page each refresh closes", () => {
    // one requester streaming lines through one row, resubmitting as each completes
    const run = (refreshIntervalClocks: number) => {
      const r = rig({ refreshIntervalClocks });
      const cpu = r.requester("cpu");
      let n = 0;
      const again = (x: MemRequest) => {
        n++;
        r.dram.submit(x);
      };
      r.dram.submit(Object.assign(new MemRequest(cpu, again), { addr: 0x20_0000, bytes: 32 }));
      r.sim.run(ps(780 * 1000));
      return n;
    };
    const without = run(0), withRefresh = run(780);
    expect(without).toBe(Math.floor((780 * 1000 - MISS) / HIT) + 1);
    // per 780 TClk: a refresh, and the line after it a miss rather than a hit
    const expected = without * (1 - (REFRESH + (MISS - HIT)) / 780);
    expect(Math.abs(withRefresh - expected) / expected).toBeLessThan(0.005);
  });

  it("a refresh due during an access waits for it, then goes before the next", () => {
    const r = rig();
    const cpu = r.requester("cpu"), pci = r.requester("pci");
    // start an access 5 TClk before the first refresh is due; a second is queued behind it
    r.sim.run(ps(REFRESH_INTERVAL - 5));
    r.dram.submit(r.req(cpu, 0x1000));
    r.dram.submit(r.req(pci, 0x1020));
    r.sim.run();
    const [a, b] = r.done;
    expect(a!.doneAt).toBe(ps(REFRESH_INTERVAL - 5 + MISS));
    expect(b!.startedAt).toBe(a!.doneAt + ps(REFRESH)); // the refresh in between, the row closed after it
    expect(b!.doneAt - b!.startedAt).toBe(ps(MISS));
  });
});

describe("GT-64010 DRAM: arbitration", () => {
  it("round robin: a CPU line fill behind a 1,514-byte write waits at most one burst", () => {
    const r = rig({ refreshIntervalClocks: 0 });
    const pci = r.requester("pci"), cpu = r.requester("cpu");
    const frame = r.req(pci, 0x10_0008, 1514, true);
    r.dram.submit(frame);
    r.dram.submit(r.req(cpu, 0x40_0000));
    r.sim.run();
    const fill = r.done.find((x) => x.requester === cpu)!;
    const wait = fill.startedAt - fill.queuedAt;
    expect(wait).toBeLessThanOrEqual(ps(CONFLICT)); // one 32-byte burst of the frame, at worst a row conflict
    expect(wait).toBeGreaterThan(0);
    // the write, in 48 bursts of at most 32 bytes, still completes
    expect(frame.doneAt).toBeGreaterThan(fill.doneAt);
    expect(r.dram.read(r.sim.now).requesters["pci"]).toEqual({ accesses: 1, reads: 0, writes: 1, bytes: 1514 });
  });

  it("FCFS (the named option): the same line fill waits for the whole write, 2 + 5 + 189 x 2 = 385 TClk", () => {
    const r = rig({ arbitration: "fcfs", pagePolicy: "closed", refreshIntervalClocks: 0 });
    const pci = r.requester("pci"), cpu = r.requester("cpu");
    r.dram.submit(r.req(pci, 0x10_0008, 1514, true));
    r.dram.submit(r.req(cpu, 0x40_0000));
    r.sim.run();
    const fill = r.done.find((x) => x.requester === cpu)!;
    expect(fill.startedAt - fill.queuedAt).toBe(ps(OVERHEAD + 5 + (Math.ceil(1514 / 8) - 1) * 2));
  });

  it("round robin shares a saturated memory evenly between two requesters, and each queue is its own", () => {
    const r = rig({ refreshIntervalClocks: 0 });
    const a = r.requester("a"), b = r.requester("b");
    for (let i = 0; i < 16; i++) expect(r.dram.submit(r.req(a, i * 32))).toBe(true);
    expect(r.dram.submit(r.req(a, 0))).toBe(false); // a's queue is full
    for (let i = 0; i < 16; i++) expect(r.dram.submit(r.req(b, 0x8000 + i * 32))).toBe(true);
    r.sim.run();
    // grants alternate: a, b, a, b, ... (every access a row conflict, the two in different rows)
    expect(r.done.slice(0, 6).map((x) => x.requester)).toEqual([a, b, a, b, a, b]);
    expect(r.dram.read(r.sim.now).pages.conflicts).toBe(31);
  });
});
