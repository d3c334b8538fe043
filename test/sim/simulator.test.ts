import { describe, expect, it } from "vitest";
import { Simulator } from "../../src/sim/simulator.ts";
import { SimTimeError } from "../../src/sim/time.ts";

/** A small hold-model run; returns a hash of the (time, event index) trace. */
function tracedRun(seed: number, pending = 200, total = 20_000, queue: "heap" | "calendar" = "calendar", ties = false): { hash: number; now: number } {
  const sim = new Simulator({ seed, queue });
  const delay = () => (ties ? 1000 * rng.uniformInt(0, 3) : Math.floor(rng.exponential(1_000_000)));
  const rng = sim.streams.stream("hold");
  let left = total - pending;
  let h = 0x811c9dc5;
  const mix = (x: number) => {
    h = Math.imul(h ^ (x & 0xffffffff), 0x01000193) >>> 0;
    h = Math.imul(h ^ Math.floor(x / 2 ** 32), 0x01000193) >>> 0;
  };
  for (let i = 0; i < pending; i++) {
    const ev = sim.event(`hold${i}`, () => {
      mix(sim.now);
      mix(i);
      if (left-- > 0) sim.schedule(ev, sim.now + delay());
    }, ties ? 10 * (i % 5) : 50);
    sim.schedule(ev, delay());
  }
  sim.run();
  return { hash: h, now: sim.now };
}

describe("Simulator", () => {
  it("a seeded run is bit-identical twice, and another seed differs", () => {
    const a = tracedRun(42), b = tracedRun(42), c = tracedRun(43);
    expect(a).toEqual(b);
    expect(c.hash).not.toBe(a.hash);
  });

  it("the calendar queue and the binary heap run the same events in the same order (differential)", () => {
    for (const pending of [1, 10, 200, 5000]) {
      expect(tracedRun(9, pending, 30_000, "calendar")).toEqual(tracedRun(9, pending, 30_000, "heap"));
      // many events on the same ticks: order decided by priority and sequence alone
      expect(tracedRun(9, pending, 30_000, "calendar", true)).toEqual(tracedRun(9, pending, 30_000, "heap", true));
    }
  });

  it("runs until a time (inclusive), then resumes where it left off", () => {
    const sim = new Simulator();
    const seen: number[] = [];
    const tick = sim.event("tick", () => {
      seen.push(sim.now);
      if (sim.now < 100) sim.scheduleIn(tick, 10);
    });
    sim.schedule(tick, 0);
    expect(sim.run(50)).toEqual({ reason: "until", now: 50, events: 6 });
    expect(seen).toEqual([0, 10, 20, 30, 40, 50]);
    const r = sim.run();
    expect(r.reason).toBe("idle");
    expect(seen.at(-1)).toBe(100);
    expect(sim.eventsProcessed).toBe(11);
  });

  it("stops on request after the current event, and can be resumed", () => {
    const sim = new Simulator();
    let n = 0;
    const ev = sim.event("count", () => {
      n++;
      if (n === 3) sim.stop();
      sim.scheduleIn(ev, 5);
    });
    sim.schedule(ev, 0);
    expect(sim.run().reason).toBe("stopped");
    expect(n).toBe(3);
    expect(sim.run(1000).reason).toBe("until");
    expect(n).toBe(3 + (1000 - 15) / 5 + 1); // stopped after t = 10; resumed events at 15, 20, ..., 1000
  });

  it("refuses to schedule in the past or beyond 2^53 ps", () => {
    const sim = new Simulator();
    const ev = sim.event("x", () => {});
    sim.schedule(ev, 10);
    sim.run();
    expect(() => sim.schedule(ev, 5)).toThrow(/in the past/);
    expect(() => sim.schedule(ev, 2 ** 53)).toThrow(SimTimeError);
    expect(() => sim.scheduleIn(ev, -1)).toThrow(/negative/);
  });

  it("an idle simulator schedules nothing and returns at once; with a bound, time still passes to it", () => {
    const sim = new Simulator();
    expect(sim.run()).toEqual({ reason: "idle", now: 0, events: 0 });
    expect(sim.run(1000)).toEqual({ reason: "idle", now: 1000, events: 0 });
  });
});

describe("deferred events: reserve, isDue, enqueueReserved", () => {
  for (const queue of ["calendar", "heap"] as const) {
    it(`${queue}: a reserved event is due exactly when the scheduled one would have run (same instant, by rank)`, () => {
      const sim = new Simulator({ queue });
      const seen: string[] = [];
      // created in this order, so at the same time and priority they run in this order
      const before = sim.event("before", () => seen.push(`before due=${sim.isDue(deferred)}`), 20);
      const deferred = sim.event("deferred", () => {}, 20);
      const after = sim.event("after", () => seen.push(`after due=${sim.isDue(deferred)}`), 20);
      // at t = 10: a deferred event of priority 20, reserved at t = 0, between two real ones (scheduled in any order)
      sim.schedule(after, 10);
      deferred.when = 10;
      sim.reserve(deferred);
      sim.schedule(before, 10);
      sim.schedule(sim.event("lower-priority", () => seen.push(`p10 due=${sim.isDue(deferred)}`), 10), 10);
      sim.schedule(sim.event("earlier", () => seen.push(`t5 due=${sim.isDue(deferred)}`), 90), 5);
      sim.run();
      expect(seen).toEqual(["t5 due=false", "p10 due=false", "before due=false", "after due=true"]);
      expect(sim.isDue(deferred)).toBe(true); // the run is over: everything at t = 10 has run
    });

    it(`${queue}: after a stop, what ran before the stopping event is due, what comes after it is not; enqueueReserved restores the slot`, () => {
      const sim = new Simulator({ queue });
      const log: string[] = [];
      const first = sim.event("first", () => {}, 50);
      const stopper = sim.event("stopper", () => sim.stop(), 50);
      const second = sim.event("reserved", () => log.push("reserved"), 50);
      second.when = 10;
      sim.reserve(second);
      sim.schedule(stopper, 10);
      first.when = 10;
      sim.reserve(first);
      sim.run();
      expect(sim.now).toBe(10);
      expect(sim.isDue(first)).toBe(true);
      expect(sim.isDue(second)).toBe(false);
      // queue the second after all, with its key: it runs before an event created (and scheduled) later
      sim.schedule(sim.event("ordinary", () => log.push("ordinary"), 50), 10);
      sim.enqueueReserved(second);
      sim.run();
      expect(log).toEqual(["reserved", "ordinary"]);
    });
  }
});

describe("event handlers", () => {
  it("a handler is called with the event that fired as `this`, so one function can serve many events", () => {
    const sim = new Simulator();
    const fired: string[] = [];
    function handler(this: import("../../src/sim/event.ts").SimEvent): void {
      fired.push(`${this.name}@${sim.now}`);
    }
    for (const [name, t] of [["a", 30], ["b", 10], ["c", 20]] as const) sim.schedule(sim.event(name, handler), t);
    sim.run();
    expect(fired).toEqual(["b@10", "c@20", "a@30"]);
  });
});
