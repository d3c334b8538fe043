import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { TimeWeighted, Utilization } from "../../src/sim/stats/time-weighted.ts";
import { Simulator } from "../../src/sim/simulator.ts";

describe("statistics restart at the end of a warm-up (reset accumulators, not state)", () => {
  it("a busy resource stays busy: utilisation after a restart counts only the new period", () => {
    const u = new Utilization(0);
    u.busy(0);
    u.idle(600);
    u.busy(800); // busy from 800 on
    u.restart(1000);
    u.idle(1500);
    expect(u.read(2000).utilization).toBeCloseTo(500 / 1000, 12);
    expect(u.read(2000).elapsedPs).toBe(1000);
  });

  it("a queue keeps its level across a restart (OMNeT++'s warm-up pitfall: it must not read as empty)", () => {
    const q = new TimeWeighted(0);
    q.set(0, 5);
    q.restart(100);
    expect(q.read(200).mean).toBe(5);
    expect(q.read(200).max).toBe(5);
  });

  it("a change recorded ahead of time (busyIn with a delay) is honoured across a restart", () => {
    const sim = new Simulator();
    const u = new Utilization(0);
    u.busyIn(sim, 300); // busy from 300
    u.restart(100); // restart before the change takes effect
    expect(u.read(500).utilization).toBeCloseTo(200 / 400, 12);
  });

  it("equals a fresh statistic started at the restart with the same level (property)", () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 9 })), { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 39 }), (steps, cut) => {
      const a = new TimeWeighted(0);
      let t = 0, b: TimeWeighted | undefined, level = 0;
      steps.forEach(([dt, lv], i) => {
        t += dt;
        if (i === cut % steps.length) {
          a.restart(t);
          b = new TimeWeighted(t);
          b.set(t, level);
        }
        a.set(t, lv);
        b?.set(t, lv);
        level = lv;
      });
      const end = t + 10;
      expect(a.read(end).mean).toBeCloseTo(b!.read(end).mean, 9);
      expect(a.read(end).max).toBe(b!.read(end).max);
    }));
  });

  it("the simulator restarts every registered statistic at now and remembers when", () => {
    const sim = new Simulator();
    const seen: number[] = [];
    sim.onResetStats((now) => seen.push(now));
    sim.onResetStats((now) => seen.push(now + 1));
    sim.schedule(sim.event("warm", () => sim.resetStats()), 42);
    sim.run();
    expect(seen).toEqual([42, 43]);
    expect(sim.statsSince).toBe(42);
  });
});
