import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PciBus, type PciBusParams } from "../../src/hw/pci/bus.ts";
import { PciTransaction } from "../../src/hw/pci/transaction.ts";
import { Simulator } from "../../src/sim/simulator.ts";
import { SEC } from "../../src/sim/time.ts";
import { VcdWriter } from "../../src/sim/trace/vcd.ts";

/** Runs one transaction alone on an idle bus; returns its duration in bus clocks from grant to data done. */
function single(command: "write" | "read", bytes: number, target: Parameters<PciBus["addTarget"]>[1] = {}, bus: Partial<PciBusParams> = {}) {
  const sim = new Simulator();
  const pci = new PciBus(sim, "pci", bus);
  const tgt = pci.addTarget("t", target);
  const m = pci.addMaster("m");
  const t = new PciTransaction();
  t.command = command;
  t.target = tgt;
  t.bytes = bytes;
  m.trySubmit(t);
  sim.run();
  const period = 1e12 / pci.params.clockHz;
  return { clocks: Math.round((t.doneAt - t.grantedAt) / period), busyClocks: pci.occupiedClocks, ps: t.doneAt - t.grantedAt, pci, sim };
}

describe("PCI transaction timing (docs/hardware.md §4, §10.1)", () => {
  for (const n of [1, 8, 16]) {
    it(`an ${n}-dword write to a medium-DEVSEL, zero-wait target holds the bus N + 3 = ${n + 3} clocks`, () => {
      const r = single("write", 4 * n, { devsel: "medium" });
      // address 1 + DEVSEL wait 1 + N data phases, then 1 turnaround clock
      expect(r.clocks).toBe(1 + 1 + n);
      expect(r.busyClocks).toBe(n + 3);
    });
  }

  it("fast DEVSEL saves a clock (N + 2), slow costs one more (N + 4)", () => {
    expect(single("write", 32, { devsel: "fast" }).busyClocks).toBe(8 + 2);
    expect(single("write", 32, { devsel: "slow" }).busyClocks).toBe(8 + 4);
  });

  it("a read pays a turnaround clock and the target's initial latency", () => {
    for (const L of [2, 8, 16]) expect(single("read", 32, { devsel: "medium", initialLatencyClocks: L }).busyClocks).toBe(8 + 3 + 1 + L);
  });

  it("target wait states stretch every data phase after the first", () => {
    expect(single("write", 32, { dataWaitStates: 2 }).busyClocks).toBe(8 + 3 + 7 * 2);
  });

  it("an 8-dword burst is 11 clocks = 330 ns at 33.33 MHz; doubling the clock halves it", () => {
    const a = single("write", 32);
    expect(a.ps).toBeGreaterThanOrEqual(10 * 30_000 - 1);
    const b = single("write", 32, {}, { clockHz: 66_666_667 });
    expect(Math.abs(b.ps * 2 - a.ps)).toBeLessThanOrEqual(2);
  });

  it("a 64-bit bus halves the data phases", () => {
    expect(single("write", 64, {}, { widthBits: 64 }).busyClocks).toBe(8 + 3);
    expect(single("write", 64, {}, { widthBits: 32 }).busyClocks).toBe(16 + 3);
  });
});

/** Masters that keep their queue full of equal bursts for `seconds`. */
function saturate(masters: number, arbiter: PciBusParams["arbiter"], durationPs = SEC / 1000) {
  const sim = new Simulator();
  const pci = new PciBus(sim, "pci", { arbiter });
  const tgt = pci.addTarget("mem");
  const done = new Array(masters).fill(0);
  for (let i = 0; i < masters; i++) {
    const m = pci.addMaster(`m${i}`, { queueDepth: 4 });
    for (let k = 0; k < 4; k++) {
      const t = new PciTransaction((x) => {
        done[i]++;
        m.trySubmit(x); // immediately again: always requesting
      });
      t.target = tgt;
      t.bytes = 32;
      m.trySubmit(t);
    }
  }
  sim.run(durationPs);
  return { done, pci, sim };
}

describe("PCI arbitration and saturation", () => {
  it("back-to-back 32-byte bursts move 32 bytes per 11 clocks (~97 MB/s at 33.33 MHz), utilisation ~1", () => {
    const { pci, sim, done } = saturate(1, "round-robin");
    const clocks = (sim.now / 1e12) * pci.params.clockHz;
    const expectedBursts = clocks / 11;
    expect(Math.abs(done[0] - expectedBursts)).toBeLessThanOrEqual(2);
    const r = pci.read(sim.now);
    expect(r.utilization).toBeGreaterThan(0.999);
    expect(r.mbytesPerSecond).toBeCloseTo((32 * 33.333333e6) / 11 / 1e6, 0);
  });

  it("two saturating masters share the bus 50/50 under round robin (±1 transaction); three get a third each", () => {
    const two = saturate(2, "round-robin").done;
    expect(Math.abs(two[0] - two[1])).toBeLessThanOrEqual(1);
    const three = saturate(3, "round-robin").done;
    expect(Math.max(...three) - Math.min(...three)).toBeLessThanOrEqual(1);
  });

  it("fixed priority starves the lower-priority master", () => {
    const { done } = saturate(2, "fixed-priority");
    expect(done[1]).toBe(0);
    expect(done[0]).toBeGreaterThan(1000);
  });

  it("the latency timer cuts a long burst when another master requests; the continuation moves every byte", () => {
    const sim = new Simulator();
    const pci = new PciBus(sim, "pci");
    const tgt = pci.addTarget("mem");
    const a = pci.addMaster("a", { latencyTimerClocks: 16 });
    const b = pci.addMaster("b");
    const long = new PciTransaction();
    long.target = tgt;
    long.bytes = 1024; // 256 data phases
    const short = new PciTransaction();
    short.target = tgt;
    short.bytes = 4;
    const short2 = new PciTransaction();
    short2.target = tgt;
    short2.bytes = 4;
    b.trySubmit(short); // b takes the idle bus and still has short2 waiting when a's burst starts
    b.trySubmit(short2);
    a.trySubmit(long);
    sim.run();
    expect(long.tenures).toBeGreaterThan(1);
    expect(pci.read(sim.now).masters["a"]!.bytes).toBe(1024);
    expect(long.remaining).toBe(0);
  });
});

describe("PCI masters: backpressure and conservation (property)", () => {
  it("every accepted transaction completes exactly once, FIFO per master, all bytes moved, on clock edges", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ m: fc.integer({ min: 0, max: 2 }), bytes: fc.integer({ min: 1, max: 300 }), at: fc.integer({ min: 0, max: 20_000_000 }), read: fc.boolean() }), { maxLength: 60 }),
        (reqs) => {
          const sim = new Simulator();
          const pci = new PciBus(sim, "pci");
          const tgt = pci.addTarget("mem", { initialLatencyClocks: 4 });
          const ms = [0, 1, 2].map((i) => pci.addMaster(`m${i}`, { queueDepth: 3, latencyTimerClocks: 12 }));
          const completed: number[][] = [[], [], []];
          const accepted: number[][] = [[], [], []];
          const backlog: PciTransaction[][] = [[], [], []];
          let bytesIn = 0;
          ms.forEach((m, i) => (m.onRetry = () => {
            while (backlog[i]!.length && m.trySubmit(backlog[i]![0]!)) accepted[i]!.push(backlog[i]!.shift()!.tag);
          }));
          reqs.forEach((r, k) => {
            const t = new PciTransaction((x) => {
              completed[r.m]!.push(x.tag);
              expect(pci.clock.edgeAtOrAfter(x.doneAt)).toBe(x.doneAt);
            });
            t.tag = k;
            t.bytes = r.bytes;
            t.command = r.read ? "read" : "write";
            t.target = tgt;
            bytesIn += r.bytes;
            const ev = sim.event(`submit${k}`, () => {
              if (backlog[r.m]!.length || !ms[r.m]!.trySubmit(t)) backlog[r.m]!.push(t);
              else accepted[r.m]!.push(k);
            });
            sim.schedule(ev, r.at);
          });
          sim.run();
          for (let i = 0; i < 3; i++) {
            expect(backlog[i]).toHaveLength(0);
            expect(completed[i]).toEqual(accepted[i]);
          }
          expect(pci.bytes).toBe(bytesIn);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("PCI VCD trace", () => {
  const hasVcd2fst = spawnSync("which", ["vcd2fst"]).status === 0;
  it("declares the PCI pins in the bus's scope and REQ#/GNT# in each master's; vcd2fst converts it", () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsim-vcd-"));
    const sim = new Simulator();
    const vcd = VcdWriter.toFile(join(dir, "pci.vcd"), { clock: sim });
    const pci = new PciBus(sim, "pci");
    const tgt = pci.addTarget("mem", { dataWaitStates: 1 });
    const ms = [pci.addMaster("card1.gt"), pci.addMaster("card2.gt")];
    pci.traceTo(vcd, ["board"]);
    for (let k = 0; k < 6; k++) {
      const t = new PciTransaction();
      t.target = tgt;
      t.bytes = 32;
      ms[k % 2]!.trySubmit(t);
    }
    sim.run();
    vcd.close(sim.now);
    const text = readFileSync(join(dir, "pci.vcd"), "utf8");
    expect(text).toMatch(/\$scope module board \$end\n\$scope module pci \$end\n\$var wire 1 \S+ FRAME# \$end/);
    expect(text).toMatch(/\$var string 1 \S+ owner \$end/);
    expect(text).toMatch(/\$scope module card1 \$end\n\$scope module gt \$end\n\$var wire 1 \S+ REQ# \$end\n\$var wire 1 \S+ GNT# \$end/);
    expect(text).toMatch(/scard2\.gt /);
    expect(text).toMatch(/sturnaround /);
    expect(pci.tenures).toBe(6);
    if (hasVcd2fst) {
      const r = spawnSync("vcd2fst", [join(dir, "pci.vcd"), join(dir, "pci.fst")], { encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
    }
  });
});
