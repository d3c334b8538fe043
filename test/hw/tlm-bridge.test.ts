/**
 * The GT-64010 bridge on the transaction-level bus (docs/hardware.md "PCI"): an uncached read's end
 * from the bus's occupancy, after the writes posted before it (the master's queue is FIFO), then
 * the bridge's synchronisation. Expected times from the tenure formula (bus.ts: address 1, medium
 * DEVSEL 1, for a read turnaround 1 and the target's 16-clock initial latency, a data phase,
 * turnaround 1; arbitration of an idle bus 1) and readSyncPs (4 PCI clocks).
 */
import { describe, expect, it } from "vitest";
import { Gt64010Bridge } from "../../src/hw/gt64010/bridge.ts";
import { DramController, GT64010_DRAM } from "../../src/hw/gt64010/dram.ts";
import { TlmMemory } from "../../src/hw/gt64010/tlm-memory.ts";
import { TlmPciFabric } from "../../src/hw/fabric/tlm-pci-fabric.ts";
import { TlmPciBus } from "../../src/hw/pci/tlm-bus.ts";
import { Simulator } from "../../src/sim/simulator.ts";

function rig() {
  const sim = new Simulator({ seed: 1 });
  const bus = new TlmPciBus(sim, "pci");
  const target = bus.addTarget("regs");
  const bridge = new Gt64010Bridge(sim, "gt64010", bus.addMaster("cpu"), new DramController(sim, "dram"));
  bridge.deviceTarget = target;
  return { sim, bus, bridge, edge: (n: number) => bus.server.clock.edge(n) };
}

describe("Gt64010Bridge at the transaction level", () => {
  it("a read on an idle bus: arbitration, its 21-clock tenure, then the synchronisation", () => {
    const { bridge, edge } = rig();
    expect(bridge.readFinish!(4, 0)).toBe(edge(1 + 21) + 120_000);
  });

  it("a read waits for the writes posted before it: FIFO in the master's queue", () => {
    const { bridge, edge } = rig();
    bridge.postWrite!(4, 0); // 1 (idle bus) + 4 clocks: address, DEVSEL, data, turnaround
    // then the read's 21 clocks from the write's end (the bus is not idle: no arbitration clock)
    expect(bridge.readFinish!(4, 0)).toBe(edge(5 + 21) + 120_000);
  });

  it("a read behind its master's own posted write waits a whole round of the other masters after it", () => {
    const { bus, bridge, edge } = rig();
    const card = bus.addMaster("card");
    const t = bus.addTarget("card");
    card.background("write", t, 32); // an 11-clock tenure in service
    bridge.postWrite!(4, 0); // half a round (5.5) then its 4 clocks: ends at the edge at or after 9.5 clocks, 10
    // the read from there: the whole round (11), then its 21 clocks: 42 clocks
    expect(bridge.readFinish!(4, 0)).toBe(edge(42) + 120_000);
  });

  it("posted writes alone on the bus need no event: counted busy (arbitration + 4 clocks each), shared as the server's work once another master's transfer comes", () => {
    const { sim, bus, bridge, edge } = rig();
    bridge.postWrite!(4, 0); // 1 + 4 clocks
    bridge.postWrite!(4, 0); // 4 more after it
    sim.run(edge(100));
    expect(sim.eventsProcessed).toBe(0);
    expect(bus.busyPs(sim.now)).toBe(9 * bus.server.clock.periodPs);
    expect(bus.read(sim.now).utilization).toBeCloseTo(9 / 100, 3);
    // another master's tenure arriving while they hold the bus shares what is left of them
    const s2 = new Simulator({ seed: 1 });
    const b2 = new TlmPciBus(s2, "pci2");
    const r2 = b2.addTarget("regs");
    const cpu2 = b2.addMaster("cpu"), card2 = b2.addMaster("card"), t2 = b2.addTarget("card");
    cpu2.background("write", r2, 4); // 1 + 4 clocks from 0
    cpu2.background("write", r2, 4); // 4 more: 9 clocks alone
    let done = -1;
    const txn = { command: "write", target: t2, bytes: 32, onComplete: () => (done = s2.now) };
    s2.schedule(s2.event("go", () => card2.trySubmit(txn as never)), b2.server.clock.edge(2));
    s2.run();
    // from clock 2: the CPU's 7 left and the card's 11 at half rate each: the CPU's done at 16, then the card's last 4 alone: 20
    expect(done).toBe(b2.server.clock.edge(20));
  });

  it("a read waits half a round of the other masters' tenures", () => {
    const { bus, bridge, edge } = rig();
    const card = bus.addMaster("card");
    const t = bus.addTarget("card");
    card.background("write", t, 32); // an 11-clock tenure (8 data phases + 3) in service
    // half of it (5.5 clocks), then 21: the edge at or after 26.5 clocks
    expect(bridge.readFinish!(4, 0)).toBe(edge(27) + 120_000);
  });
});

describe("A frame read out of memory at the transaction level: burst by burst, then the bus", () => {
  it("readBurstsFinish on an idle GT-64010 DRAM: a precharged bank's 13-TClk burst, then page hits of 11 TClk, each read when the one before is", () => {
    const sim = new Simulator({ seed: 1 });
    const dram = new TlmMemory(sim, "dram", GT64010_DRAM);
    const bridge = new Gt64010Bridge(sim, "gt64010", new TlmPciBus(sim, "pci").addMaster("cpu"), dram);
    // 50 MHz TClk (20,000 ps): 2 + 5 + 3 x 2 = 13, then 2 + 3 + 3 x 2 = 11 twice
    expect(bridge.readBurstsFinish(96, 32, 0)).toBe((13 + 11 + 11) * 20_000);
    expect(dram.read(sim.now).requesters["gt64010.pciTarget"]!.accesses).toBe(3);
    // a memory with no transaction-level methods: not timed
    expect(new Gt64010Bridge(sim, "b2", new TlmPciBus(sim, "pci2").addMaster("cpu"), new DramController(sim, "d2")).readBurstsFinish(96, 32, 0)).toBe(-1);
  });

  it("a transfer whose frame is read by timed reads starts its bus job when the last is read: its end moves by the read's time", () => {
    const delivered = (readPs: number) => {
      const sim = new Simulator({ seed: 1 });
      const fabric = new TlmPciFabric(sim, "fabric", new TlmPciBus(sim, "pci"));
      let at = -1;
      const src = fabric.addEndpoint("cpu", () => {});
      const dst = fabric.addEndpoint("card", () => (at = sim.now));
      if (readPs >= 0) fabric.sourceTimedAt(src, () => readPs);
      fabric.transfer({ src, dst, frame: 5, bytes: 1000, queuedAt: 0, doneAt: 0 });
      sim.run();
      return at;
    };
    const alone = delivered(-1);
    // 100 PCI clocks of reading (30,000 ps each at 33.33 MHz): the bus job starts on the read's end
    const period = new TlmPciBus(new Simulator({ seed: 1 }), "p").server.clock.periodPs;
    const read = Math.round(100 * period);
    const after = delivered(read);
    expect(after - alone).toBeGreaterThanOrEqual(read - 1);
    expect(after - alone).toBeLessThanOrEqual(read + period + 1);
  });
});
