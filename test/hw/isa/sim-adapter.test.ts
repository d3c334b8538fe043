/**
 * The instruction-level R4700 in the simulator (sim-adapter.ts): its misses go to the GT-64010's
 * DRAM controller as MemRequests, uncached device accesses to an UncachedPort, and time stays
 * locked to the CPU clock. With the CPU clock equal to the DRAM's TClk (50 MHz) and no other
 * requester, every line transfer takes the controller's 13 TClk (2 overhead + 5-2-2-2) = 13 CPU
 * cycles, so the run must match the fixed-latency core with 13-cycle reads and writes exactly.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DramController, MemRequest } from "../../../src/hw/gt64010/dram.ts";
import type { UncachedPort } from "../../../src/hw/cpu/r4700.ts";
import { loadElf, parseElf } from "../../../src/hw/cpu/isa/elf.ts";
import { IsaMachine } from "../../../src/hw/cpu/isa/machine.ts";
import { PhysicalMemory } from "../../../src/hw/cpu/isa/memory.ts";
import { SimIsaCpu } from "../../../src/hw/cpu/isa/sim-adapter.ts";
import { Simulator } from "../../../src/sim/simulator.ts";
import { A, Reg } from "./asm.ts";
import { assemble, CODE, KCODE } from "./harness.ts";

const PERIOD = 20_000; // ps at 50 MHz
const elf = readFileSync(new URL("../../../firmware/build/pathbench.elf", import.meta.url));

function simRig(words: Uint8Array | number[], clockHz = 50_000_000, quantumCycles = 256) {
  const sim = new Simulator();
  const dram = new DramController(sim, "dram");
  const memory = new PhysicalMemory(8 << 20);
  let entry = KCODE, codeBase = 0, codeBytes = 1 << 20;
  if (words instanceof Uint8Array) {
    const img = parseElf(words);
    loadElf(img, words, memory);
    entry = img.entry;
    const text = img.segments.find((s) => s.executable)!;
    codeBase = text.paddr;
    codeBytes = Math.ceil(text.memBytes / 32) * 32;
  } else words.forEach((w, k) => memory.write32(CODE + 4 * k, w));
  const cpu = new SimIsaCpu(sim, "cpu", dram, memory, { clockHz, quantumCycles, codeBase, codeBytes });
  let stopped = "";
  cpu.onStop = (why) => {
    stopped = why;
    sim.stop();
  };
  return { sim, dram, memory, cpu, entry, stopped: () => stopped };
}

describe("SimIsaCpu with the GT-64010 DRAM controller", () => {
  it("matches the fixed-latency core with 13-cycle transfers, cycle for cycle, and every miss is one DRAM access", () => {
    const r = simRig(elf);
    const params = parseElf(elf).symbols.get("params")!.value & 0x1fffffff;
    [300, 50, 1, 4].forEach((v, k) => r.memory.write32(params + 4 * k, v)); // frames, flows, seed, servers
    expect(r.dram.accessClocks(32)).toBe(13);
    r.cpu.start(r.entry);
    r.sim.run();
    expect(r.stopped()).toBe("idle");

    const ref = new IsaMachine(elf, { latency: { readCycles: 13, writeCycles: 13 } });
    ref.writeWords("params", [300, 50, 1, 4]);
    expect(ref.run().reason).toBe("idle");
    const core = r.cpu.core;
    expect(core.cycle).toBe(ref.core.cycle);
    expect(core.instructions).toBe(ref.core.instructions);
    expect(Array.from(core.stalls)).toEqual(Array.from(ref.core.stalls));
    const cpuAccesses = r.dram.read(r.sim.now).requesters["cpu"]!;
    expect(cpuAccesses.accesses).toBe(core.icache.misses + core.dcache.misses + core.dcache.writebacks);
    expect(cpuAccesses.writes).toBe(core.dcache.writebacks);
    // time is the core's cycles on the 50 MHz clock (the idle loop's `b .` issued at the last cycle)
    expect(r.sim.now).toBe((core.cycle - 1) * PERIOD);
    expect(Array.from(r.memory.words.subarray(0, 4096))).toEqual(Array.from(ref.memory.words.subarray(0, 4096)));
  });

  it("waits behind another requester's access: the first fetch starts when a 2 KB write finishes", () => {
    const base = simRig(assemble([A.addiu(Reg.a0, 0, 1)]));
    base.cpu.start(base.entry);
    base.sim.run();
    const busy = simRig(assemble([A.addiu(Reg.a0, 0, 1)]));
    const other = new MemRequest(busy.dram.addRequester("pci"), () => {});
    other.write = true;
    other.bytes = 2048;
    busy.dram.submit(other);
    busy.cpu.start(busy.entry);
    busy.sim.run();
    expect(busy.cpu.core.cycle - base.cpu.core.cycle).toBe(busy.dram.accessClocks(2048));
  });

  it("an uncached device read stalls for the UncachedPort's round trip, issued at its own cycle; posted writes do not stall", () => {
    const sim = new Simulator();
    const reads: number[] = [];
    const ROUND_TRIP = 1_000_000; // 1 us = 50 cycles
    const done = sim.event("device", () => pending(), 20);
    let pending: () => void = () => {};
    const port: UncachedPort = {
      read: (_b, d) => {
        reads.push(sim.now);
        pending = d;
        sim.scheduleIn(done, ROUND_TRIP);
      },
      write: () => true,
    };
    const dram = new DramController(sim, "dram");
    const memory = new PhysicalMemory(1 << 20);
    assemble([...A.li32(Reg.t0, 0xb4000000), A.sw(0, 0, Reg.t0), A.lw(Reg.a0, 4, Reg.t0), A.addiu(Reg.a1, Reg.a0, 1)]).forEach((w, k) => memory.write32(CODE + 4 * k, w));
    const cpu = new SimIsaCpu(sim, "cpu", dram, memory, { clockHz: 50_000_000 });
    cpu.uncached = port;
    cpu.onStop = () => sim.stop();
    cpu.start(KCODE);
    sim.run();
    // the code's I-cache line misses first (13 cycles); li32 issues at 13 and 14, SW at 15 (posted),
    // LW at 16; an access leaves at the end of the cycle its instruction issued in: edge 17
    expect(reads).toEqual([(13 + 4) * PERIOD]);
    expect(cpu.core.stalls[5]).toBe(ROUND_TRIP / PERIOD); // StallCause.Uncached
    expect(cpu.deviceWrites).toBe(1);
  });

  it("an idle CPU wakes on an interrupt line at that edge; a device write in the handler acknowledges it", () => {
    const sim = new Simulator();
    const dram = new DramController(sim, "dram");
    const memory = new PhysicalMemory(1 << 20);
    // main: Status = IM2 | IE, then idle. Handler: s4++, store to the device (acknowledge), return.
    assemble([...A.li32(Reg.t1, 0x0401), A.mtc0(Reg.t1, 12)]).forEach((w, k) => memory.write32(CODE + 4 * k, w));
    [...A.li32(26, 0xb4000000), A.sw(0, 0, 26), A.addiu(Reg.s4, Reg.s4, 1), A.eret()].forEach((w, k) => memory.write32(0x180 + 4 * k, w));
    let cpu!: SimIsaCpu;
    const devices = { load: () => 0, store: () => cpu.setInterruptLine(0, false) };
    cpu = new SimIsaCpu(sim, "cpu", dram, memory, { clockHz: 50_000_000 }, devices);
    cpu.start(KCODE);
    cpu.core.cp0.write(12, 0, 0);
    const raise = sim.event("irq", () => cpu.setInterruptLine(0, true), 50);
    sim.schedule(raise, 10_000_000); // 10 us
    sim.run(20_000_000);
    expect(cpu.core.r[Reg.s4]).toBe(1);
    expect(cpu.core.interrupts).toBe(1);
    expect(cpu.isIdle).toBe(true);
    // line miss (13 cycles), li32 at 13-14, MTC0 at 15, `b .` at 16: idle from edge 17 to the
    // interrupt at 10 us = edge 500
    expect(cpu.core.stalls[8]).toBe(500 - 17); // StallCause.Idle
  });
});
