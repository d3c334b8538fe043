import { describe, expect, it } from "vitest";
import { DmaDescriptor, DmaEngine } from "../../src/hw/gt64010/dma.ts";
import { DramController } from "../../src/hw/gt64010/dram.ts";
import { PciBus } from "../../src/hw/pci/bus.ts";
import { Simulator } from "../../src/sim/simulator.ts";

describe("GT-64010 DMA", () => {
  it("moves a descriptor's bytes DRAM -> PCI in 32-byte bursts: each a DRAM read then an 11-clock PCI write", () => {
    const sim = new Simulator();
    const dram = new DramController(sim, "dram");
    const pci = new PciBus(sim, "pci");
    const tgt = pci.addTarget("card");
    const dma = new DmaEngine(sim, "dma", pci.addMaster("gt64010.dma"), dram);
    const d = new DmaDescriptor();
    d.bytes = 256;
    d.pciTarget = tgt;
    let done = 0;
    d.done = () => done++;
    dma.start(0, d);
    sim.run();
    expect(done).toBe(1);
    expect(pci.occupiedClocks).toBe(8 * (8 + 3)); // 8 bursts of 8 dwords, medium DEVSEL
    expect(dram.read(sim.now).requesters["dma"]!.reads).toBe(8);
    expect(dma.read()[0]!.bytesMoved).toBe(256);
  });

  it("PCI -> DRAM reads the target then writes DRAM; channels run concurrently", () => {
    const sim = new Simulator();
    const dram = new DramController(sim, "dram");
    const pci = new PciBus(sim, "pci");
    const tgt = pci.addTarget("card", { initialLatencyClocks: 4 });
    const dma = new DmaEngine(sim, "dma", pci.addMaster("m"), dram);
    const mk = () => Object.assign(new DmaDescriptor(), { toPci: false, bytes: 64, pciTarget: tgt });
    expect(dma.start(0, mk())).toBe(true);
    expect(dma.start(1, mk())).toBe(true);
    sim.run();
    expect(dram.read(sim.now).requesters["dma"]!.writes).toBe(4);
    expect(() => dma.start(2, Object.assign(new DmaDescriptor(), { bytes: 70_000 }))).toThrow(/65535/);
  });
});
