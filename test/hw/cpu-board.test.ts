import { describe, expect, it } from "vitest";
import { CpuBoard, Verdict } from "../../src/hw/cpu-board.ts";
import { PciFabric } from "../../src/hw/fabric/pci-fabric.ts";
import { Gt48002 } from "../../src/hw/gt48002/controller.ts";
import { PciBus } from "../../src/hw/pci/bus.ts";
import { FramePool } from "../../src/net/frame-pool.ts";
import { writeMac } from "../../src/net/mac.ts";
import { Simulator } from "../../src/sim/simulator.ts";

const HOST = (p: number) => 0x0200_0000_0000 + p;
const VMAC = 0x0200_5e00_0001;

/** Fig 5A in miniature: two GT-48002 cards and the CPU board on one PCI bus; VMAC is flagged for intervention. */
function rig(cpuHz = 133_000_000) {
  const sim = new Simulator();
  const pool = new FramePool();
  const bus = new PciBus(sim, "pci");
  const fabric = new PciFabric(sim, "pci", bus);
  const board = new CpuBoard(sim, "cpuboard", pool, { cpu: { clockHz: cpuHz } });
  const ctrls = [0, 1].map((i) => new Gt48002(sim, `gt${i}`, i, pool));
  ctrls.forEach((c, i) =>
    c.wire({ fabric, portBase: 2 * i, portOwner: (p) => p >> 1, endpointOf: (k) => ctrls[k]!.endpoint, toCpu: (h, port) => board.fromController(h, port, c.endpoint), peers: () => ctrls }),
  );
  board.wire(fabric, ctrls[0]!.endpoint);
  board.endpointOfPort = (p) => ctrls[p >> 1]!.endpoint;
  let decisions = 0;
  board.firmware = {
    handleFrame(h, _in, trace) {
      decisions++;
      trace.op("headerParse");
      trace.op("flowLookup");
      trace.op("macRewrite");
      writeMac(pool.bytes(h), 0, HOST(3));
      return 3;
    },
  };
  for (let p = 0; p < 4; p++) for (const c of ctrls) c.table.setStatic(HOST(p), p, false);
  for (const c of ctrls) c.table.setStatic(VMAC, -1, true);
  const got: number[][] = [[], [], [], []];
  ctrls.forEach((c, i) => c.tx.forEach((ch, p) => (ch.receiver = (h) => (got[2 * i + p]!.push(pool.bytes(h)[5]!), pool.free(h)))));
  const send = (from: number, to: number) => {
    const h = pool.alloc();
    const b = pool.bytes(h);
    b.fill(0x11, 0, 100);
    writeMac(b, 0, to);
    writeMac(b, 6, HOST(from));
    pool.setLength(h, 100);
    ctrls[from >> 1]!.rx[from & 1]!.send(h);
  };
  return { sim, pool, bus, board, ctrls, got, send, decisions: () => decisions };
}

describe("CPU board: the Fig 4B intervention path", () => {
  it("a frame to the virtual MAC goes through the CPU once, is rewritten, and crosses PCI twice", () => {
    const r = rig();
    r.send(0, VMAC);
    r.sim.run();
    expect(r.decisions()).toBe(1);
    expect(r.got[3]).toEqual([3]); // last byte of the rewritten destination MAC
    expect(r.board.read(r.sim.now).cpu.jobs).toBe(1);
    // CPU path: controller -> CPU memory, then CPU memory -> egress controller: two GalNet transfers,
    // plus the CPU's uncached register read
    expect(r.bus.read(r.sim.now).masters["gt0"]!.bytes).toBeGreaterThanOrEqual(100);
    expect(r.board.gt64010!.stats().absorbedBytes).toBe(100);
  });

  it("frames between hosts (not to the virtual MAC) need no CPU intervention", () => {
    const r = rig();
    for (let i = 0; i < 20; i++) r.send(0, HOST(3));
    r.sim.run();
    expect(r.got[3]).toHaveLength(20);
    expect(r.decisions()).toBe(0);
  });

  it("the CPU path's frames per second rise with the CPU clock when the CPU is the bottleneck", () => {
    const rate = (hz: number) => {
      const r = rig(hz);
      for (let i = 0; i < 60; i++) r.send(i % 2, VMAC);
      r.sim.run();
      return r.got[3]!.length / (r.sim.now / 1e12);
    };
    expect(rate(200_000_000)).toBeGreaterThan(rate(80_000_000));
  });

  it("a firmware drop is counted and frees the frame", () => {
    const r = rig();
    r.board.firmware = { handleFrame: () => Verdict.Drop };
    r.send(0, VMAC);
    r.sim.run();
    expect(r.board.counts.dropped).toBe(1);
    expect(r.pool.inUse).toBe(0);
  });
});
