import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DramController, MemRequest, refreshShare, type DramParams } from "../../src/hw/gt64010/dram.ts";
import { TlmMemory } from "../../src/hw/gt64010/tlm-memory.ts";
import { Simulator } from "../../src/sim/simulator.ts";

/** 50 MHz TClk: a clock is 20,000 ps. */
const CLK = 20_000;

/** Runs the accesses [addr, bytes] one after another (each submitted when the one before is done) on a fresh memory; their completion times. */
function sequential(kind: "cycle" | "tlm", accesses: [number, number][], params: Partial<DramParams>): number[] {
  const sim = new Simulator({ seed: 1 });
  const mem = kind === "cycle" ? new DramController(sim, "m", params) : new TlmMemory(sim, "m", params);
  const r = mem.addRequester("cpu");
  const done: number[] = [];
  let i = 0;
  const req = new MemRequest(r, (q) => {
    done.push(q.doneAt);
    if (++i < accesses.length) next();
  });
  const next = () => {
    req.addr = accesses[i]![0];
    req.bytes = accesses[i]![1];
    expect(mem.submit(req)).toBe(true);
  };
  next();
  sim.run();
  return done;
}

describe("TlmMemory (transaction-level DRAM: processor sharing between requesters)", () => {
  it("an unloaded access takes DramController's time: closed page, 2 + 5 + (beats - 1) x 2 TClk", () => {
    const acc: [number, number][] = [[0x100, 32], [0x4000, 8], [0x8000, 1518]];
    const t = sequential("tlm", acc, { pagePolicy: "closed" });
    // 32 B: 2 + 5 + 3 x 2 = 13; 8 B: 7; 1518 B (190 beats): 2 + 5 + 189 x 2 = 385
    expect(t).toEqual([13 * CLK, (13 + 7) * CLK, (13 + 7 + 385) * CLK]);
    expect(t).toEqual(sequential("cycle", acc, { pagePolicy: "closed" }));
  });

  it("open page: a miss from a precharged bank, a page hit, a row conflict, as DramController", () => {
    const acc: [number, number][] = [[0x100, 32], [0x120, 32], [0x10_000, 32], [0x10_020, 32]];
    const p: Partial<DramParams> = { pagePolicy: "open", pageBytes: 8192, banks: 1 };
    const t = sequential("tlm", acc, p);
    // miss 2 + 5 + 6 = 13, hit 2 + 3 + 6 = 11, conflict 2 + 5 + 2 + 6 = 15, hit 11
    expect(t).toEqual([13 * CLK, 24 * CLK, 39 * CLK, 50 * CLK]);
    expect(t).toEqual(sequential("cycle", acc, p));
  });

  it("two requesters with a long request each share the memory: each finishes at twice its own time", () => {
    const sim = new Simulator({ seed: 1 });
    const mem = new TlmMemory(sim, "m", { pagePolicy: "closed" });
    const a = mem.addRequester("a"), b = mem.addRequester("b");
    const done: number[] = [];
    for (const r of [a, b]) {
      const q = new MemRequest(r, (x) => done.push(x.doneAt));
      q.bytes = 2048; // 2 + 5 + 255 x 2 = 517 TClk alone
      q.addr = r * 0x10_000;
      mem.submit(q);
    }
    sim.run();
    expect(done).toEqual([2 * 517 * CLK, 2 * 517 * CLK]);
    const rd = mem.read(sim.now);
    expect(rd.requesters["a"]).toEqual({ accesses: 1, reads: 1, writes: 0, bytes: 2048 });
    expect(rd.utilization).toBeCloseTo(1, 9);
    // each waited (startedAt - queuedAt) 517 TClk: 517 x 20 ns = 10.34 us
    expect(rd.waitUs.p50).toBeCloseTo(10.34, 1);
  });

  it("bounds each requester's requests at queueDepth; its onRetry fires when one completes", () => {
    const sim = new Simulator({ seed: 1 });
    const mem = new TlmMemory(sim, "m", { queueDepth: 2, pagePolicy: "closed" });
    let retries = 0;
    const a = mem.addRequester("a", () => retries++), b = mem.addRequester("b");
    const reqs = [0, 1, 2].map(() => new MemRequest(a, () => {}));
    expect(mem.submit(reqs[0]!)).toBe(true);
    expect(mem.submit(reqs[1]!)).toBe(true);
    expect(mem.submit(reqs[2]!)).toBe(false);
    expect(mem.submit(new MemRequest(b, () => {}))).toBe(true); // another requester's bound is its own
    expect(mem.read(sim.now).queueHighWater).toBe(3);
    sim.run();
    expect(retries).toBe(1);
  });

  it("finishTime is the real completion of an access submitted at `at` when nothing else arrives", () => {
    for (const [delay, bytes] of [[0, 32], [3 * CLK + 7, 32], [100 * CLK, 64], [600 * CLK, 32]] as const) {
      const sim = new Simulator({ seed: 1 });
      const mem = new TlmMemory(sim, "m", { pagePolicy: "open" });
      const cpu = mem.addRequester("cpu"), pci = mem.addRequester("pci");
      const frame = new MemRequest(pci, () => {});
      frame.addr = 0x60_0000;
      frame.bytes = 1518;
      mem.submit(frame);
      const fill = new MemRequest(cpu, () => {});
      fill.addr = 0x1000;
      fill.bytes = bytes;
      const predicted = sim.now + mem.finishTime(cpu, fill.addr, false, bytes, delay); // times from now
      sim.schedule(sim.event("issue", () => mem.submit(fill)), sim.now + delay);
      sim.run();
      expect(fill.doneAt).toBe(predicted);
      if (delay === 0) expect(predicted).toBe(2 * 15 * CLK); // a 15-TClk row conflict (the frame opened its row) at half the memory
    }
  });

  it("round robin: a line fill's finishTime is half a round of the other requesters' grants, then its own time (not the processor share)", () => {
    const sim = new Simulator({ seed: 1 });
    const mem = new TlmMemory(sim, "m", { pagePolicy: "open", arbitration: "round-robin", maxBurstBytes: 32, refreshIntervalClocks: 0 });
    const cpu = mem.addRequester("cpu"), pci = mem.addRequester("pci");
    const frame = new MemRequest(pci, () => {});
    frame.addr = 0x60_0000;
    frame.bytes = 1518;
    mem.submit(frame);
    // the frame in 48 grants: 13 (a closed row: 2 + 5 + 3 x 2), 46 page hits of 11 (2 + 3 + 3 x 2), 7 for its last 14 bytes (2 + 3 + 2): 526 TClk
    expect(sim.now).toBe(0);
    // a fill at 0x1000 conflicts with the frame's row: 2 + 5 + 2 + 3 x 2 = 15 TClk, after half of 526 / 48: 20.48 TClk, the 21st edge
    expect(mem.finishTime(cpu, 0x1000, false, 32, 0)).toBe(21 * CLK);
    sim.run();
    expect(frame.doneAt).toBe(526 * CLK);
  });

  it("round robin: another requester's work in service leaves its own row before each grant; a fill after its own write-back waits a whole round", () => {
    const sim = new Simulator({ seed: 1 });
    const mem = new TlmMemory(sim, "m", { pagePolicy: "open", arbitration: "round-robin", maxBurstBytes: 32, refreshIntervalClocks: 0 });
    const cpu = mem.addRequester("cpu"), pci = mem.addRequester("pci");
    const frame = new MemRequest(pci, () => {});
    frame.addr = 0x60_0000; // row 768 (8 KB rows, one bank)
    frame.bytes = 1518;
    mem.submit(frame); // 48 grants, 526 TClk: a mean grant of 526 / 48 TClk
    mem.occupy(cpu, 0x1000, false, 32); // the CPU opens row 0
    // the CPU's next line in row 0: the frame's grant before it has row 768 open again, a row
    // conflict (2 + 5 + 2 + 3 x 2 = 15 TClk), not a page hit (11), after half a round (10.96 / 2):
    // 20.48 TClk, the 21st edge
    expect(mem.finishTime(cpu, 0x1020, false, 32, 0)).toBe(21 * CLK);
    // issued as its own write-back completes: a whole round first, 10.96 + 15 = 25.96, the 26th edge
    expect(mem.finishTime(cpu, 0x1020, false, 32, 0, true)).toBe(26 * CLK);
    sim.run();
    // nothing else in service: the CPU finds the row it left, a page hit of 11 TClk from the edge it is on
    expect(mem.finishTime(cpu, 0x1020, false, 32, 0)).toBe(11 * CLK);
  });

  it("occupy charges an access nobody waits for: another requester's job shares with it", () => {
    const sim = new Simulator({ seed: 1 });
    const mem = new TlmMemory(sim, "m", { pagePolicy: "closed" });
    const cpu = mem.addRequester("cpu"), pci = mem.addRequester("pci");
    mem.occupy(cpu, 0x1000, false, 32); // 13 TClk
    const q = new MemRequest(pci, () => {});
    q.bytes = 32;
    mem.submit(q);
    sim.run();
    // both 13 TClk from 0 at half each: 26
    expect(q.doneAt).toBe(26 * CLK);
    expect(mem.read(sim.now).requesters["cpu"]!.accesses).toBe(1);
  });

  it("occupancy charged on an empty memory needs no event: served alone at the full rate, counted busy, accesses in a row back to back", () => {
    const sim = new Simulator({ seed: 1 });
    const mem = new TlmMemory(sim, "m", { pagePolicy: "closed" });
    const cpu = mem.addRequester("cpu");
    mem.occupy(cpu, 0x1000, false, 32); // 13 TClk
    mem.occupy(cpu, 0x2000, true, 32); // 13 more, after it
    sim.run(20 * CLK);
    expect(mem.busy).toBe(true);
    expect(mem.busyPs(sim.now)).toBe(20 * CLK);
    sim.run(100 * CLK);
    expect(mem.busy).toBe(false);
    expect(sim.eventsProcessed).toBe(0);
    expect(mem.busyPs(sim.now)).toBe(26 * CLK);
    expect(mem.read(sim.now).utilization).toBeCloseTo(26 / 100, 9);
    expect(mem.read(sim.now).requesters["cpu"]).toMatchObject({ accesses: 2, writes: 1 });
  });

  it("a request arriving while occupancy charged alone is going shares what is left of it: 8 TClk left and 13 at half each, then 5 alone", () => {
    const sim = new Simulator({ seed: 1 });
    const mem = new TlmMemory(sim, "m", { pagePolicy: "closed" });
    const cpu = mem.addRequester("cpu"), pci = mem.addRequester("pci");
    mem.occupy(cpu, 0x1000, false, 32); // 13 TClk from 0
    const q = new MemRequest(pci, () => {});
    q.bytes = 32; // 13 TClk
    sim.schedule(sim.event("go", () => mem.submit(q)), 5 * CLK);
    sim.run();
    // from 5: both at half rate until the CPU's 8 are done (16 TClk, at 21), then the last 5 alone: 26
    expect(q.doneAt).toBe(26 * CLK);
    expect(mem.busyPs(sim.now)).toBe(26 * CLK);
  });

  it("refresh: an idle memory is busy its refresh share; an access meeting a refresh waits for it", () => {
    const p: Partial<DramParams> = { pagePolicy: "closed", refreshIntervalClocks: 780, refreshClocks: 5 };
    const sim = new Simulator({ seed: 1 });
    const mem = new TlmMemory(sim, "m", p);
    const r = mem.addRequester("cpu");
    const q = new MemRequest(r, () => {});
    q.bytes = 32;
    // due at 780 TClk: an access at 781 finds 4 TClk of it left, shares with it, ends 4 + 13 TClk later
    sim.schedule(sim.event("go", () => mem.submit(q)), 781 * CLK);
    sim.run(78_000 * CLK);
    expect(q.doneAt).toBe((781 + 4 + 13) * CLK);
    const rd = mem.read(sim.now);
    expect(rd.refreshUtilization).toBeCloseTo(refreshShare({ refreshIntervalClocks: 780, refreshClocks: 5 } as DramParams), 9);
    // refreshes (5/780) and the one access (13 TClk in 78,000)
    expect(rd.utilization).toBeCloseTo(5 / 780 + 13 / 78_000, 6);
    // the time series' busy time: 100 refreshes of 5 TClk and the access's 13
    expect(mem.busyPs(sim.now)).toBe((100 * 5 + 13) * CLK);
    expect(mem.busy).toBe(false);
  });
});

describe("TlmMemory's time per request by rows (tlm speed) against the walk grant by grant", () => {
  it("agree on random requests, page policies, burst sizes, banks and open rows, the memory busy or idle", () => {
    fc.assert(
      fc.property(
        fc.record({
          pagePolicy: fc.constantFrom("open" as const, "closed" as const),
          arbitration: fc.constantFrom("round-robin" as const, "fcfs" as const),
          maxBurstBytes: fc.constantFrom(8, 16, 32, 64, 128),
          pageBytes: fc.constantFrom(64, 256, 2048, 8192),
          banks: fc.integer({ min: 1, max: 4 }),
          widthBytes: fc.constantFrom(4, 8),
        }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1 << 16 }), fc.integer({ min: 1, max: 1600 })), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 1 << 16 }),
        fc.integer({ min: 1, max: 3000 }),
        (params, opened, addr, bytes) => {
          const sim = new Simulator({ seed: 1 });
          const mem = new TlmMemory(sim, "m", params);
          const r = mem.addRequester("a");
          // open some rows (the requests stay in service: the memory is busy for the last look-up)
          for (const [a, b] of opened) {
            expect(mem.clocksNow(a, b)).toBe(mem.clocksByGrant(a, b));
            const q = new MemRequest(r, () => {});
            q.addr = a;
            q.bytes = b;
            mem.submit(q);
          }
          expect(mem.clocksNow(addr, bytes)).toBe(mem.clocksByGrant(addr, bytes));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
