import { describe, expect, it } from "vitest";
import { galnetTransactions, PciFabric } from "../../src/hw/fabric/pci-fabric.ts";
import { Gt48002 } from "../../src/hw/gt48002/controller.ts";
import { PciBus } from "../../src/hw/pci/bus.ts";
import { FramePool } from "../../src/net/frame-pool.ts";
import { writeMac } from "../../src/net/mac.ts";
import { Simulator } from "../../src/sim/simulator.ts";

/** PCI clocks a GalNet transfer needs on a medium-DEVSEL bus (docs/hardware.md §10.1-10.2): each write of N dwords is N + 3. */
const expectedClocks = (len: number) => 3 * (1 + 3) + Array.from({ length: Math.ceil(len / 32) }, (_, i) => Math.ceil(Math.min(32, len - 32 * i) / 4) + 3).reduce((a, b) => a + b, 0);

describe("GalNet frame transfer over PCI", () => {
  it("is BUFFER_REQUEST, START_OF_PACKET, ceil(L/32) bursts, END_OF_PACKET", () => {
    expect(galnetTransactions(64)).toEqual([[0, 4], [1, 4], [0, 32], [0, 32], [0, 4]]);
    expect(galnetTransactions(60).at(-2)).toEqual([0, 28]);
  });

  for (const len of [64, 256, 1514]) {
    it(`a ${len}-byte frame occupies the bus for exactly the clocks its messages and bursts need (${expectedClocks(len)})`, () => {
      const sim = new Simulator();
      const bus = new PciBus(sim, "pci");
      const f = new PciFabric(sim, "pci", bus);
      let got = -1;
      const a = f.addEndpoint("a", () => {});
      const b = f.addEndpoint("b", (t) => (got = t.doneAt));
      f.transfer({ src: a, dst: b, frame: 1, bytes: len, queuedAt: 0, doneAt: 0 });
      sim.run();
      expect(bus.occupiedClocks).toBe(expectedClocks(len));
      expect(bus.tenures).toBe(3 + Math.ceil(len / 32));
      // one arbitration clock on the idle bus, then back-to-back (hidden arbitration); done at the end of the last data phase
      expect(got).toBe(bus.clock.edge(1 + expectedClocks(len) - 1));
    });
  }

  it("matches §10.2's 64-byte figure: 34 clocks, ~0.98 M frames/s of bus capacity", () => {
    expect(expectedClocks(64)).toBe(34);
    expect(33.333e6 / expectedClocks(64) / 1e6).toBeCloseTo(0.98, 2);
  });
});

describe("GT-48002 cards on PCI", () => {
  function rig() {
    const sim = new Simulator();
    const pool = new FramePool();
    const bus = new PciBus(sim, "pci");
    const fabric = new PciFabric(sim, "pci", bus);
    const ctrls = [0, 1].map((i) => new Gt48002(sim, `gt${i}`, i, pool));
    ctrls.forEach((c, i) => c.wire({ fabric, portBase: 2 * i, portOwner: (p) => p >> 1, endpointOf: (k) => ctrls[k]!.endpoint, toCpu: (h) => (pool.free(h), true), peers: () => ctrls }));
    const got = [0, 0, 0, 0];
    ctrls.forEach((c, i) => c.tx.forEach((ch, p) => (ch.receiver = (h) => (got[2 * i + p]!++, pool.free(h)))));
    const send = (from: number, to: number, len = 60) => {
      const h = pool.alloc();
      const b = pool.bytes(h);
      b.fill(0, 0, len);
      writeMac(b, 0, 0x0200_0000_0000 + to);
      writeMac(b, 6, 0x0200_0000_0000 + from);
      pool.setLength(h, len);
      ctrls[from >> 1]!.rx[from & 1]!.send(h);
    };
    for (let p = 0; p < 4; p++) send(p, 0xff_ffff); // learn (unknown destination: to the CPU)
    sim.run();
    return { sim, bus, send, got };
  }

  it("traffic between the two ports of one card never uses PCI", () => {
    const { sim, bus, send, got } = rig();
    const before = bus.tenures;
    for (let i = 0; i < 50; i++) send(0, 1, 1000);
    sim.run();
    expect(got[1]).toBe(50);
    expect(bus.tenures).toBe(before);
  });

  it("a frame to the other card crosses PCI with the clocks GalNet needs", () => {
    const { sim, bus, send, got } = rig();
    const before = bus.occupiedClocks;
    send(0, 3, 1000);
    sim.run();
    expect(got[3]).toBe(1);
    expect(bus.occupiedClocks - before).toBe(expectedClocks(1000));
  });
});
