/**
 * Item 10 (docs/hardware.md "GT-48002"): the GT-48002's forwarding decision reads its address
 * table in its buffer memory (§3 "Address table ... in local DRAM"), one decision at a time, and
 * learning a source address sends NEW_ADDRESS to the other devices over PCI (§3 "Learning
 * propagation") as single-dword GalNet writes (§10.1: 4 clocks with medium DEVSEL). Expected
 * figures from those rows: an 8-byte entry on the 32-bit EDO buffer memory at 50 MHz (5-2-2-2, one
 * clock of overhead) is 1 + 5 + 1 x 2 = 8 clocks = 160 ns.
 */
import { describe, expect, it } from "vitest";
import { PciFabric } from "../../src/hw/fabric/pci-fabric.ts";
import { DEFAULT_GT48002, Gt48002 } from "../../src/hw/gt48002/controller.ts";
import { ForwardingEngine } from "../../src/hw/gt48002/forwarding-engine.ts";
import { DramController, MemRequest } from "../../src/hw/gt64010/dram.ts";
import { PciBus } from "../../src/hw/pci/bus.ts";
import { FramePool } from "../../src/net/frame-pool.ts";
import { writeMac } from "../../src/net/mac.ts";
import { ClockDomain } from "../../src/sim/clock.ts";
import { Simulator } from "../../src/sim/simulator.ts";

const CLK_PS = 20_000; // 50 MHz
const ENTRY_CLOCKS = 1 + 5 + (8 / 4 - 1) * 2; // overhead + EDO lead-off + one more 32-bit beat
const FIXED_CLOCKS = DEFAULT_GT48002.forwardingClocks;

function engineRig(timing: "cycle" | "tlm" = "cycle") {
  const sim = new Simulator();
  const memory = new DramController(sim, "buffer", DEFAULT_GT48002.memory);
  const decided: number[] = [];
  const engine = new ForwardingEngine(sim, "decide", new ClockDomain("core", 50_000_000), FIXED_CLOCKS, 64, memory, 8, () => decided.push(sim.now), timing);
  return { sim, memory, engine, decided };
}

describe("GT-48002 forwarding engine", () => {
  it("at the transaction level the two entry reads are one request of both accesses' time: the same decisions, one memory event each instead of two", () => {
    const per = (2 * ENTRY_CLOCKS + FIXED_CLOCKS) * CLK_PS; // 480 ns, as in cycle timing on an idle memory
    const run = (timing: "cycle" | "tlm") => {
      const r = engineRig(timing);
      for (let h = 0; h < 10; h++) r.engine.push(h);
      r.sim.run();
      return { decided: r.decided, events: r.sim.eventsProcessed, reads: r.engine.read(r.sim.now).tableReads, accesses: r.memory.read(r.sim.now).requesters["decide.table"]!.accesses };
    };
    const cycle = run("cycle"), tlm = run("tlm");
    expect(tlm.decided).toEqual(Array.from({ length: 10 }, (_, k) => (k + 1) * per));
    expect(tlm.decided).toEqual(cycle.decided);
    expect({ reads: tlm.reads, accesses: tlm.accesses }).toEqual({ reads: 20, accesses: 20 });
    expect(cycle.events).toBe(10 * 3); // two reads and a decision each
    expect(tlm.events).toBe(10 * 2);
  });

  it("decides one frame at a time: two entry reads in buffer memory, then the fixed clocks", () => {
    const { sim, engine, decided, memory } = engineRig();
    expect(memory.accessClocks(8)).toBe(ENTRY_CLOCKS);
    for (let h = 0; h < 10; h++) engine.push(h);
    sim.run();
    const per = (2 * ENTRY_CLOCKS + FIXED_CLOCKS) * CLK_PS; // 480 ns: 2.08 M decisions/s per device
    expect(decided).toEqual(Array.from({ length: 10 }, (_, k) => (k + 1) * per));
    const r = engine.read(sim.now);
    expect(r.tableReads).toBe(20);
    expect(r.utilization).toBeCloseTo(1, 6);
    // far above what two 100 Mb/s ports can bring: 2 x 148,809 minimum-size frames/s
    expect(1e12 / per).toBeGreaterThan(5 * 2 * 148_809);
  });

  it("its table reads wait behind a frame being written into buffer memory", () => {
    const { sim, engine, decided, memory } = engineRig();
    const frame = Object.assign(new MemRequest(memory.addRequester("rx"), () => {}), { bytes: 1514, write: true });
    memory.submit(frame);
    engine.push(0);
    sim.run();
    const write = 1 + 5 + (Math.ceil(1514 / 4) - 1) * 2; // 762 clocks
    expect(decided[0]).toBe((write + 2 * ENTRY_CLOCKS + FIXED_CLOCKS) * CLK_PS);
  });
});

describe("GT-48002 learning: NEW_ADDRESS over PCI", () => {
  const HOST = (p: number) => 0x0200_0000_0000 + p;

  function pciRig(n = 4) {
    const sim = new Simulator();
    const pool = new FramePool({ slots: 1024 });
    const bus = new PciBus(sim, "pci");
    const fabric = new PciFabric(sim, "pci", bus);
    const ctrls = Array.from({ length: n }, (_, i) => new Gt48002(sim, `gt${i}`, i, pool));
    ctrls.forEach((c, i) =>
      c.wire({ fabric, portBase: 2 * i, portOwner: (p) => p >> 1, endpointOf: (k) => ctrls[k]!.endpoint, toCpu: (h) => (pool.free(h), true), peers: () => ctrls }),
    );
    ctrls.forEach((c) => c.tx.forEach((ch) => (ch.receiver = (h) => pool.free(h))));
    const send = (fromPort: number, toMac: number) => {
      const h = pool.alloc();
      const b = pool.bytes(h);
      b.fill(0, 0, 60);
      writeMac(b, 0, toMac);
      writeMac(b, 6, HOST(fromPort));
      pool.setLength(h, 60);
      ctrls[fromPort >> 1]!.rx[fromPort & 1]!.send(h);
    };
    return { sim, bus, ctrls, send };
  }

  it("a new source address costs one single-dword write to each other device (4 PCI clocks each), and they learn it when it lands", () => {
    const { sim, bus, ctrls, send } = pciRig(4);
    send(0, HOST(1)); // port 0 -> port 1: local to gt0, so nothing but the learning touches PCI
    let learnedAt = -1;
    // step until gt0 has learned, then look at gt3 before its NEW_ADDRESS arrives
    while (ctrls[0]!.counts.learned === 0) sim.run(sim.now + 10_000);
    learnedAt = sim.now;
    expect(ctrls[3]!.table.lookup(HOST(0), sim.now)).toBe(-1);
    sim.run();
    expect(learnedAt).toBeGreaterThan(0);
    expect(ctrls[0]!.newAddressesSent).toBe(3);
    expect(bus.occupiedClocks).toBe(3 * (1 + 1 + 1 + 1)); // address, medium-DEVSEL wait, one data phase, idle (§10.1)
    for (const c of ctrls.slice(1)) expect(c.table.port[c.table.lookup(HOST(0), sim.now)]).toBe(0);
    // each device wrote the entry into its table in buffer memory
    for (const c of ctrls) expect(c.engine.read(sim.now).tableWrites).toBe(1);
  });

  it("a known source sends nothing", () => {
    const { sim, bus, ctrls, send } = pciRig(2);
    send(0, HOST(1));
    sim.run();
    const clocks = bus.occupiedClocks;
    for (let i = 0; i < 5; i++) send(0, HOST(1));
    sim.run();
    expect(bus.occupiedClocks).toBe(clocks);
    expect(ctrls[0]!.newAddressesSent).toBe(1);
  });
});
