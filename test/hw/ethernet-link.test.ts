import { describe, expect, it } from "vitest";
import { EthernetChannel, type FrameStore } from "../../src/hw/ethernet/link.ts";
import { lineRateFps } from "../../src/hw/ethernet/wire.ts";
import { Simulator } from "../../src/sim/simulator.ts";
import { SEC } from "../../src/sim/time.ts";

/** A minimal frame store for link tests: frames are just lengths (bytes zero, untagged). */
class LengthStore implements FrameStore {
  lens: number[] = [];
  freed = 0;
  private readonly zero = new Uint8Array(2048);
  add(len: number): number {
    this.lens.push(len);
    return this.lens.length - 1;
  }
  length(h: number) {
    return this.lens[h]!;
  }
  bytes() {
    return this.zero;
  }
  free() {
    this.freed++;
  }
}

/** Sends n back-to-back frames of `frameWithFcs` bytes and returns the arrival times. */
function backToBack(rateMbps: number, frameWithFcs: number, n: number, propagationPs = 0) {
  const sim = new Simulator();
  const store = new LengthStore();
  const ch = new EthernetChannel(sim, "link", store, { rateMbps, txQueueFrames: n, propagationPs });
  const arrivals: number[] = [];
  ch.receiver = () => arrivals.push(sim.now);
  for (let i = 0; i < n; i++) ch.send(store.add(frameWithFcs - 4));
  sim.run();
  return { arrivals, ch, sim };
}

describe("Ethernet line rate (IEEE 802.3: preamble+SFD 8 B, FCS 4 B, IFG 12 B)", () => {
  for (const rate of [10, 100, 1000]) {
    for (const size of [64, 1518]) {
      // Each frame holds the wire for (8 + size + 12) bytes at `rate` Mb/s.
      const slotPs = ((8 + size + 12) * 8 * 1e6) / rate;
      const fps = 1e12 / slotPs;
      it(`${size}-byte frames at ${rate} Mb/s: one every ${slotPs / 1000} ns = ${fps.toFixed(1)} frames/s`, () => {
        const { arrivals } = backToBack(rate, size, 50);
        for (let i = 1; i < arrivals.length; i++) expect(arrivals[i]! - arrivals[i - 1]!).toBe(slotPs);
        // First frame: preamble + frame (with FCS) on the wire, no IFG yet.
        expect(arrivals[0]).toBe(((8 + size) * 8 * 1e6) / rate);
        expect(lineRateFps(size, rate * 1e6)).toBeCloseTo(fps, 6);
      });
    }
  }

  it("the RFC 5180 figures: 148,809.5 and 8,127.4 frames/s at 100 Mb/s", () => {
    expect(lineRateFps(64, 100e6).toFixed(1)).toBe("148809.5");
    expect(lineRateFps(1518, 100e6).toFixed(1)).toBe("8127.4");
    expect(lineRateFps(64, 1e9).toFixed(0)).toBe("1488095");
    expect(lineRateFps(1518, 10e6).toFixed(1)).toBe("812.7");
  });

  it("a saturated link is 100 % utilised; propagation delays arrival but not spacing", () => {
    const { arrivals, ch, sim } = backToBack(100, 64, 100, 50_000);
    expect(arrivals[0]).toBe(72 * 8 * 10_000 + 50_000);
    // the run ends when the last inter-frame gap does: the wire was busy all along
    expect(sim.now).toBe(100 * 84 * 8 * 10_000);
    expect(ch.read(sim.now).utilization).toBe(1);
  });
});

describe("Ethernet receive checks and drops", () => {
  it("runts, giants and a full transmit queue are dropped by cause; the rest delivered", () => {
    const sim = new Simulator();
    const store = new LengthStore();
    const ch = new EthernetChannel(sim, "l", store, { rateMbps: 100, txQueueFrames: 3 });
    let got = 0;
    ch.receiver = () => got++;
    ch.send(store.add(40)); // 44 B with FCS: a runt; goes straight onto the wire
    ch.send(store.add(1600)); // a giant: queued (1 of 3)
    ch.send(store.add(60)); // queued (2 of 3)
    ch.send(store.add(60)); // queued (3 of 3)
    ch.send(store.add(60)); // refused: queue full
    ch.send(store.add(60)); // refused
    sim.run();
    expect(ch.drops.runt).toBe(1);
    expect(ch.drops.giant).toBe(1);
    expect(ch.drops.txQueueFull).toBe(2);
    expect(got).toBe(2);
    // conservation: offered = delivered + dropped
    expect(6).toBe(got + ch.drops.runt + ch.drops.giant + ch.drops.txQueueFull);
    expect(store.freed).toBe(4);
  });

  it("bit errors fail the FCS check at the expected frame error rate", () => {
    const sim = new Simulator({ seed: 3 });
    const store = new LengthStore();
    const ber = 1e-5;
    const ch = new EthernetChannel(sim, "l", store, { rateMbps: 1000, txQueueFrames: 20_000, bitErrorRate: ber });
    let got = 0;
    ch.receiver = () => got++;
    const n = 20_000;
    for (let i = 0; i < n; i++) ch.send(store.add(1514));
    sim.run();
    const p = 1 - Math.pow(1 - ber, 1518 * 8); // ~0.114
    const sd = Math.sqrt(n * p * (1 - p));
    expect(Math.abs(ch.drops.badFcs - n * p)).toBeLessThan(4 * sd);
    expect(got + ch.drops.badFcs).toBe(n);
  });

  it("link down loses queued and in-flight frames with cause linkDown and tells the listener", () => {
    const sim = new Simulator();
    const store = new LengthStore();
    const ch = new EthernetChannel(sim, "l", store, { rateMbps: 10 });
    const states: boolean[] = [];
    ch.onLinkChange = (up) => states.push(up);
    ch.receiver = () => {};
    for (let i = 0; i < 5; i++) ch.send(store.add(1000));
    sim.run(SEC / 1000); // 1 ms: the first 1000-byte frame (0.8 ms) is through
    ch.setUp(false);
    expect(ch.send(store.add(100))).toBe(false);
    ch.setUp(true);
    expect(states).toEqual([false, true]);
    expect(ch.rxFrames + ch.drops.linkDown).toBe(6);
    expect(ch.drops.linkDown).toBe(5);
  });
});

describe("transaction-level end of transmission (timing tlm)", () => {
  /** Frames sent at the given times (ps) and lengths with FCS, on a 100 Mb/s channel with 50 ns of propagation and a 4-frame queue. */
  function run(timing: "cycle" | "tlm", sends: [number, number][]) {
    const sim = new Simulator();
    const store = new LengthStore();
    const ch = new EthernetChannel(sim, "link", store, { rateMbps: 100, txQueueFrames: 4, propagationPs: 50_000, timing });
    const arrivals: number[] = [];
    const queued: number[] = [];
    ch.receiver = () => arrivals.push(sim.now);
    for (const [at, len] of sends) sim.schedule(sim.event("send", () => (ch.send(store.add(len - 4)), queued.push(ch.queued))), at);
    sim.run(10_000_000_000);
    const r = ch.read(sim.now);
    return { arrivals, queued, utilization: r.utilization, busyPs: ch.busyPs(sim.now), txFrames: r.txFrames, drops: r.drops.txQueueFull, events: sim.eventsProcessed, queuedAfter: ch.queued };
  }

  it("gives cycle timing's arrivals, queue, drops and wire time, with an end-of-transmission event only for a frame that waits", () => {
    // alone (a 64-byte frame: 5.76 us on the wire, 6.72 with its gap); at 10 us a 1518-byte frame (122.08 us, free at
    // 133.04 us) and six 64-byte frames behind it into a 4-frame queue; one alone at 200 us, and one exactly at the end of its gap (206.72 us)
    const sends: [number, number][] = [[0, 64], [10_000_000, 1518], ...Array.from({ length: 6 }, (_, i): [number, number] => [10_000_000 + i, 64]), [200_000_000, 64], [206_720_000, 64]];
    const cycle = run("cycle", sends), tlm = run("tlm", sends);
    expect(tlm).toEqual({ ...cycle, events: tlm.events });
    // the first frame alone: preamble + 64 bytes at 10 ns a bit, then 50 ns of propagation
    expect(tlm.arrivals[0]).toBe(72 * 8 * 10_000 + 50_000);
    expect(tlm.drops).toBe(2); // 1 on the wire, 4 queued, 2 refused
    expect(tlm.arrivals.slice(2, 6)).toEqual([0, 1, 2, 3].map((k) => 133_040_000 + k * 6_720_000 + 5_760_000 + 50_000));
    expect(tlm.arrivals[7]).toBe(206_720_000 + 5_760_000 + 50_000);
    // cycle: an end-of-transmission event for each of the 8 frames sent; tlm: only for the 1518-byte frame and the first
    // three queued behind it (each had a frame waiting)
    expect(cycle.events - tlm.events).toBe(8 - 4);
  });
});
