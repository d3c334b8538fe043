/**
 * Fig 5D's buffer memory arbiter's CPU port at transaction level (src/hw/fabric/cpu-port.ts,
 * docs/hardware.md "Transaction-level memory and CPU job"), against hand-computed times. The
 * arbiter's clock is 66 MHz: edge n at floor(n x 500,000 / 33) ps. An access of `bytes` holds the
 * 128-bit buffer 1 + 3 + (ceil(bytes / 16) - 1) clocks: a 32-byte line 5, a 1,514-byte frame 98.
 */
import { describe, expect, it } from "vitest";
import { BufferMemoryArbiter } from "../../src/hw/fabric/buffer-memory-arbiter.ts";
import type { FabricTransfer } from "../../src/hw/fabric/fabric.ts";
import { MemRequest, type MemoryPort } from "../../src/hw/gt64010/dram.ts";
import { Simulator } from "../../src/sim/simulator.ts";

const xfer = (src: number, dst: number, bytes: number): FabricTransfer => ({ src, dst, frame: 0, bytes, queuedAt: 0, doneAt: 0 });

/** Two controllers and the CPU board (its buffers in the shared memory), as on Fig 5D; the CPU port made. */
function rig(timing: "cycle" | "tlm") {
  const sim = new Simulator();
  const bma = new BufferMemoryArbiter(sim, "bma", {}, timing);
  const got: FabricTransfer[] = [];
  bma.addEndpoint("gt0", () => {});
  bma.addEndpoint("gt1", () => {});
  const cpu = bma.addEndpoint("cpu", (t) => got.push(t), () => {}, { inMemory: true });
  const port: MemoryPort = bma.cpuPort();
  return { sim, bma, got, cpu, port, requester: port.addRequester("cpu") };
}

describe("buffer memory arbiter's CPU port, transaction level", () => {
  it("on an idle arbiter a line fill ends 5 clocks after the next edge: 75,757 ps from 0", () => {
    const { port, requester } = rig("tlm");
    expect(port.finishTime!(requester, 0, false, 32, 0)).toBe(75_757);
    // issued at 2,000,000 ps (edge 132 exactly): edge 137, 2,075,757 ps
    expect(port.finishTime!(requester, 0, false, 32, 2_000_000)).toBe(2_075_757);
  });

  it("waits for the grant in service and one grant of each queue ahead of it in the round robin, as the cycle-level port is served", () => {
    const t = rig("tlm");
    t.bma.transfer(xfer(0, t.cpu, 1514)); // granted at once: cycles 0-98
    t.bma.transfer(xfer(1, t.cpu, 1514)); // queued, ahead of the CPU port: 98-196
    // 98 + 98 + 5 = 201 clocks: floor(201 x 500,000 / 33) = 3,045,454 ps
    expect(t.port.finishTime!(t.requester, 0, false, 32, 0)).toBe(3_045_454);
    // the cycle-level port, the same traffic and a request at 0: done at the same edge
    const c = rig("cycle");
    c.bma.transfer(xfer(0, c.cpu, 1514));
    c.bma.transfer(xfer(1, c.cpu, 1514));
    let doneAt = -1;
    c.port.submit(new MemRequest(c.requester, () => (doneAt = c.sim.now)));
    c.sim.run();
    expect(doneAt).toBe(3_045_454);
  });

  it("charges an access on an idle arbiter from its next edge without an event: a frame granted meanwhile starts after it", () => {
    const t = rig("tlm");
    t.port.occupy!(t.requester, 0, true, 32); // cycles 0-5
    t.bma.transfer(xfer(0, t.cpu, 1514)); // cycles 5-103
    t.sim.run();
    expect(t.got[0]!.doneAt).toBe(1_560_606); // floor(103 x 500,000 / 33)
    expect(t.sim.eventsProcessed).toBe(1);
    expect(t.bma.cpuAccesses).toBe(1);
    // the cycle-level port: the request first, then the frame, the same end in two events
    const c = rig("cycle");
    c.port.submit(new MemRequest(c.requester, () => {}));
    c.bma.transfer(xfer(0, c.cpu, 1514));
    c.sim.run();
    expect(c.got[0]!.doneAt).toBe(1_560_606);
    expect(c.sim.eventsProcessed).toBe(2);
  });

  it("charges an access made during a grant before the next grant; the work is kept (98 + 5 + 98 clocks end at 3,045,454 ps)", () => {
    const t = rig("tlm");
    t.bma.transfer(xfer(0, t.cpu, 1514)); // 0-98
    t.bma.transfer(xfer(1, t.cpu, 1514)); // queued
    t.port.occupy!(t.requester, 0, false, 32); // owed: 98-103, the queued frame 103-201
    t.sim.run();
    expect(t.got.map((x) => x.doneAt)).toEqual([1_484_848, 3_045_454]);
    // busy the whole time: 201 clocks of 201
    expect(t.bma.read(t.sim.now).utilization).toBeCloseTo(1, 9);
  });

  it("counts CPU work charged in idle time as busy: 5 clocks (75,757 ps) in 1 us", () => {
    const t = rig("tlm");
    t.port.occupy!(t.requester, 0, false, 32);
    t.sim.run(1_000_000);
    expect(t.bma.read(t.sim.now).utilization).toBeCloseTo(0.075757, 6);
    expect(t.bma.probes().busy[0]!.busyPs(t.sim.now)).toBe(75_757);
  });

  it("a second access charged while the first still holds the idle arbiter follows it: 10 clocks", () => {
    const t = rig("tlm");
    t.port.occupy!(t.requester, 0, true, 32);
    // the fill after the write-back, issued at its end (edge 5): edge 10, floor(10 x 500,000 / 33) = 151,515
    expect(t.port.finishTime!(t.requester, 0, false, 32, 75_757)).toBe(151_515);
    t.port.occupy!(t.requester, 0, false, 32);
    t.bma.transfer(xfer(0, t.cpu, 64)); // 1 + 3 + 3 = 7 clocks, from edge 10: edge 17
    t.sim.run();
    expect(t.got[0]!.doneAt).toBe(257_575);
  });

  it("the cycle-level port has no transaction-level methods (a tlm CPU stalls on it event by event)", () => {
    const c = rig("cycle");
    expect(c.port.finishTime).toBeUndefined();
    expect(c.port.occupy).toBeUndefined();
  });
});

describe("frames granted during a CPU job (tlm): the mean wait for a grant in service, from the arbiter's grants", () => {
  it("frameWaitClocks: 0 at s = 0, (n / T) (G m - m^2 / 2) for m = min(s, G), renewal theory's G^2 / 2T from s >= G", () => {
    const t = rig("tlm");
    t.bma.transfer(xfer(0, t.cpu, 1514)); // one grant of 98 clocks
    t.sim.run(); // now at cycle 98: T = 98 clocks
    const T = t.sim.now / t.bma.clock.periodPs;
    expect(T).toBeCloseTo(98, 3); // edges are whole ps (floor)
    expect(t.bma.frameWaitClocks(0)).toBe(0);
    expect(t.bma.frameWaitClocks(40)).toBeCloseTo((98 * 40 - 40 * 40 / 2) / T, 9);
    expect(t.bma.frameWaitClocks(500)).toBeCloseTo((98 * 98) / 2 / T, 9); // 49: busy all the time with 98-clock grants
  });

  it("an access after what the arbiter holds waits that mean in whole clocks; one right after the port's own last access waits none", () => {
    const t = rig("tlm");
    t.bma.transfer(xfer(0, t.cpu, 1514));
    t.sim.run(); // cycle 98, the arbiter idle: a wait of 49 clocks for an access long after
    const edge = (n: number) => t.bma.clock.edge(n) - t.sim.now;
    const end = t.port.finishTime!(t.requester, 0, false, 32, edge(98 + 400));
    expect(end).toBe(edge(98 + 400 + 49 + 5));
    t.port.occupy!(t.requester, 0, false, 32);
    // issued as that one ends: no time for a frame to be granted since
    expect(t.port.finishTime!(t.requester, 32, false, 32, end)).toBe(edge(98 + 400 + 49 + 5 + 5));
  });
});
