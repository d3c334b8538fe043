import { describe, expect, it } from "vitest";
import { BufferMemoryArbiter } from "../../src/hw/fabric/buffer-memory-arbiter.ts";
import { Gt48002 } from "../../src/hw/gt48002/controller.ts";
import { FramePool } from "../../src/net/frame-pool.ts";
import { writeMac } from "../../src/net/mac.ts";
import { Simulator } from "../../src/sim/simulator.ts";

const HOST = (port: number) => 0x0200_0000_0000 + port; // a unicast MAC per global port

/** Two GT-48002s (ports 0-1 and 2-3) on a shared-memory fabric; a host on every port. */
function rig() {
  const sim = new Simulator();
  const pool = new FramePool({ slots: 4096 });
  const fabric = new BufferMemoryArbiter(sim, "bma");
  const ctrls = [0, 1].map((i) => new Gt48002(sim, `gt${i}`, i, pool));
  const toCpu: number[] = [];
  ctrls.forEach((c, i) =>
    c.wire({ fabric, portBase: 2 * i, portOwner: (p) => p >> 1, endpointOf: (k) => ctrls[k]!.endpoint, toCpu: (h) => (toCpu.push(h), pool.free(h), true), peers: () => ctrls }),
  );
  const delivered: number[][] = [[], [], [], []];
  ctrls.forEach((c, i) => c.tx.forEach((ch, p) => (ch.receiver = (h) => (delivered[2 * i + p]!.push(sim.now), pool.free(h)))));
  const send = (fromPort: number, toMac: number) => {
    const h = pool.alloc();
    const b = pool.bytes(h);
    b.fill(0, 0, 60);
    writeMac(b, 0, toMac);
    writeMac(b, 6, HOST(fromPort));
    b[12] = 0x08;
    pool.setLength(h, 60);
    ctrls[fromPort >> 1]!.rx[fromPort & 1]!.send(h);
  };
  // teach the switch where every host is (each host sends once to the broadcast address)
  for (let p = 0; p < 4; p++) send(p, 0xffff_ffff_ffff);
  sim.run();
  toCpu.length = 0;
  return { sim, pool, fabric, ctrls, delivered, toCpu, send };
}

describe("GT-48002", () => {
  it("learns source addresses and propagates them to the other controller (NEW_ADDRESS)", () => {
    const { ctrls } = rig();
    for (const c of ctrls) for (let p = 0; p < 4; p++) expect(c.table.port[c.table.lookup(HOST(p), 0)]).toBe(p);
  });

  it("traffic between the two ports of one controller never uses the fabric", () => {
    const { sim, fabric, send, delivered } = rig();
    const before = fabric.read(sim.now).endpoints["gt0"]!.written;
    for (let i = 0; i < 60; i++) send(0, HOST(1)); // within the host MAC's 64-frame queue
    sim.run();
    expect(delivered[1]).toHaveLength(60);
    expect(fabric.read(sim.now).endpoints["gt0"]!.written).toBe(before);
  });

  it("traffic to the other controller crosses the fabric once per frame", () => {
    const { sim, fabric, send, delivered } = rig();
    const before = fabric.read(sim.now).endpoints["gt1"]!.read; // the NEW_ADDRESS messages of the rig's learning
    for (let i = 0; i < 50; i++) send(0, HOST(3));
    sim.run();
    expect(delivered[3]).toHaveLength(50);
    expect(fabric.read(sim.now).endpoints["gt1"]!.read - before).toBe(50);
  });

  it("broadcast, unknown unicast and intervention-flagged destinations go to the CPU", () => {
    const { sim, ctrls, send, toCpu } = rig();
    send(0, 0xffff_ffff_ffff);
    send(0, 0x0200_dead_beef);
    for (const c of ctrls) c.table.setStatic(0x0200_5e00_0001, 1, true);
    send(0, 0x0200_5e00_0001);
    sim.run();
    expect(toCpu).toHaveLength(3);
  });

  it("store-and-forward latency: wire time in, buffer write, decision (two table reads in buffer memory, then hash and compare), buffer read, wire time out", () => {
    const { sim, send, delivered, ctrls } = rig();
    const t0 = sim.now;
    send(0, HOST(1));
    sim.run();
    const c = ctrls[0]!;
    const wire = (60 + 4 + 8) * 8 * 10_000; // 64-byte frame + preamble at 100 Mb/s
    const mem = c.memory.clock.cyclesToTicks(c.memory.accessClocks(60));
    // an 8-byte entry on the 32-bit EDO buffer memory at 50 MHz: 1 + 5 + 1 x 2 = 8 clocks, 160 ns
    const entry = 8 * 20_000;
    expect(c.memory.clock.cyclesToTicks(c.memory.accessClocks(8))).toBe(entry);
    const decision = 2 * entry + c.clock.cyclesToTicks(8);
    const lat = delivered[1]!.at(-1)! - t0;
    expect(lat).toBeGreaterThanOrEqual(2 * wire + 2 * 50_000 + 2 * mem + decision);
    expect(lat).toBeLessThan(2 * wire + 2 * 50_000 + 2 * mem + decision + 4 * 20_000 + 40_000);
  });

  it("conservation: every frame offered is delivered, dropped with a cause, or still inside", () => {
    const { sim, pool, send, delivered, ctrls, toCpu, fabric } = rig();
    const base = delivered.reduce((s, d) => s + d.length, 0);
    let offered = 0;
    for (let i = 0; i < 3000; i++) {
      send(i % 4, HOST((i * 7 + 1) % 4));
      offered++;
    }
    sim.run(sim.now + 200_000_000); // 200 us: some still inside
    const got = delivered.reduce((s, d) => s + d.length, 0) - base;
    let dropped = toCpu.length;
    let inside = 0;
    for (const c of ctrls) {
      dropped += Object.values(c.drops).reduce((s, n) => s + n, 0);
      for (const ch of [...c.rx, ...c.tx]) dropped += Object.values(ch.drops).reduce((s, n) => s + n, 0);
      inside += c.inFlight;
    }
    expect(offered).toBe(got + dropped + inside + fabric.inFlight);
    expect(pool.inUse).toBe(inside + fabric.inFlight);
  });
});
