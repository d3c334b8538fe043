import { describe, expect, it } from "vitest";
import type { CpuTiming } from "../../src/hw/cpu/r4700.ts";
import { CpuBoard } from "../../src/hw/cpu-board.ts";
import { PciFabric } from "../../src/hw/fabric/pci-fabric.ts";
import { DramController } from "../../src/hw/gt64010/dram.ts";
import { TlmMemory } from "../../src/hw/gt64010/tlm-memory.ts";
import { Gt48002 } from "../../src/hw/gt48002/controller.ts";
import { PciBus } from "../../src/hw/pci/bus.ts";
import { FramePool } from "../../src/net/frame-pool.ts";
import { writeMac } from "../../src/net/mac.ts";
import { Simulator } from "../../src/sim/simulator.ts";

const HOST = (p: number) => 0x0200_0000_0000 + p;
const VMAC = 0x0200_5e00_0001;

/** Fig 5A in miniature (as cpu-board.test.ts): two GT-48002 cards and the CPU board on one PCI bus, the board in `timing`. */
function rig(timing: CpuTiming) {
  const sim = new Simulator();
  const pool = new FramePool();
  const bus = new PciBus(sim, "pci");
  const fabric = new PciFabric(sim, "pci", bus);
  const board = new CpuBoard(sim, "cpuboard", pool, { timing });
  const ctrls = [0, 1].map((i) => new Gt48002(sim, `gt${i}`, i, pool));
  ctrls.forEach((c, i) =>
    c.wire({ fabric, portBase: 2 * i, portOwner: (p) => p >> 1, endpointOf: (k) => ctrls[k]!.endpoint, toCpu: (h, port) => board.fromController(h, port, c.endpoint), peers: () => ctrls }),
  );
  board.wire(fabric, ctrls[0]!.endpoint);
  board.endpointOfPort = (p) => ctrls[p >> 1]!.endpoint;
  board.firmware = {
    handleFrame(h, _in, trace) {
      trace.op("headerParse");
      trace.op("flowLookup");
      trace.op("macRewrite");
      writeMac(pool.bytes(h), 0, HOST(3));
      return 3;
    },
  };
  for (let p = 0; p < 4; p++) for (const c of ctrls) c.table.setStatic(HOST(p), p, false);
  for (const c of ctrls) c.table.setStatic(VMAC, -1, true);
  let delivered = 0;
  ctrls.forEach((c) => c.tx.forEach((ch) => (ch.receiver = (h) => (delivered++, pool.free(h)))));
  const send = (from: number) => {
    const h = pool.alloc();
    const b = pool.bytes(h);
    b.fill(0x11, 0, 100);
    writeMac(b, 0, VMAC);
    writeMac(b, 6, HOST(from));
    pool.setLength(h, 100);
    ctrls[from >> 1]!.rx[from & 1]!.send(h);
  };
  return { sim, board, send, delivered: () => delivered };
}

describe("CPU board in transaction-level timing", () => {
  const out = (timing: CpuTiming, gapPs: number) => {
    const r = rig(timing);
    expect(r.board.dram).toBeInstanceOf(timing === "tlm" ? TlmMemory : DramController);
    expect(r.board.cpu.params.timing).toBe(timing);
    for (let i = 0; i < 40; i++) r.sim.schedule(r.sim.event("send", () => r.send(i % 2)), i * gapPs);
    r.sim.run();
    const x = r.board.read(r.sim.now);
    return { delivered: r.delivered(), jobs: x.cpu.jobs, instructions: x.cpu.instructions, cyclesPerJob: x.cpu.cyclesPerJob, fills: x.dram.requesters["cpuboard.cpu"]!.accesses, events: r.sim.eventsProcessed };
  };

  it("builds TlmMemory for its DRAM in tlm (DramController in cycle); jobs that meet no other memory traffic take cycle timing's time", () => {
    // a frame every 100 us: each job has the DRAM to itself but for refresh (the only difference left)
    const cycle = out("cycle", 100_000_000), tlm = out("tlm", 100_000_000);
    expect(tlm.delivered).toBe(40);
    expect(tlm.jobs).toBe(cycle.jobs);
    expect(tlm.instructions).toBe(cycle.instructions);
    expect(tlm.fills).toBe(cycle.fills);
    expect(Math.abs(tlm.cyclesPerJob / cycle.cyclesPerJob - 1)).toBeLessThan(0.01);
    expect(tlm.events).toBeLessThan(cycle.events);
  });

  it("carries a burst of the CPU path's frames as cycle timing does: the same walk, the same fills", () => {
    const cycle = out("cycle", 0), tlm = out("tlm", 0);
    expect(tlm.delivered).toBe(40);
    expect(tlm).toMatchObject({ jobs: cycle.jobs, instructions: cycle.instructions, fills: cycle.fills });
    // waits for the PCI target's writes that start during a job are not seen by its replay (docs/hardware.md): a few per cent under cycle timing here
    expect(tlm.cyclesPerJob).toBeLessThanOrEqual(cycle.cyclesPerJob);
    expect(tlm.cyclesPerJob / cycle.cyclesPerJob).toBeGreaterThan(0.9);
  });
});
