import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SimEvent } from "../../src/sim/event.ts";
import { CalendarQueue } from "../../src/sim/calendar-queue.ts";
import { EventQueue } from "../../src/sim/event-queue.ts";
import { Priority } from "../../src/sim/priority.ts";
import { Simulator } from "../../src/sim/simulator.ts";

describe("event order", () => {
  it("same-time events run by priority, then in insertion order", () => {
    const sim = new Simulator();
    const log: string[] = [];
    const mk = (name: string, p: number) => sim.event(name, () => log.push(name), p);
    const t = 1000;
    sim.schedule(mk("stats", Priority.Stats), t);
    sim.schedule(mk("default-1", Priority.Default), t);
    sim.schedule(mk("deliver", Priority.Deliver), t);
    sim.schedule(mk("default-2", Priority.Default), t);
    sim.schedule(mk("state", Priority.State), t);
    sim.schedule(mk("earlier", Priority.Stop), t - 1);
    sim.schedule(mk("default-3", Priority.Default), t);
    sim.run();
    expect(log).toEqual(["earlier", "state", "deliver", "default-1", "default-2", "default-3", "stats"]);
  });

  it("same-instant peers run in creation order (rank), whenever and however often they were scheduled", () => {
    const sim = new Simulator();
    const log: string[] = [];
    const a = sim.event("a", () => log.push("a"));
    const b = sim.event("b", () => log.push("b"));
    const c = sim.event("c", () => log.push("c"));
    sim.schedule(c, 10);
    sim.schedule(b, 10);
    sim.schedule(a, 20);
    sim.schedule(a, 10); // moved: keeps its rank, so still first
    sim.schedule(b, 30);
    sim.schedule(b, 10); // moved away and back: its old slot at 10 and the new one are the same key
    sim.run();
    expect(log).toEqual(["a", "b", "c"]);
  });

  it("an event that reschedules itself at the same instant runs again before later-created peers still waiting", () => {
    const sim = new Simulator();
    const log: string[] = [];
    let again = true;
    const a = sim.event("a", () => {
      log.push("a");
      if (again) {
        again = false;
        sim.schedule(a, sim.now);
      }
    });
    const b = sim.event("b", () => log.push("b"));
    sim.schedule(b, 10);
    sim.schedule(a, 10);
    sim.run();
    expect(log).toEqual(["a", "a", "b"]);
  });

  it("priorities are ordered as documented", () => {
    const order = [Priority.State, Priority.Deliver, Priority.Default, Priority.Arbitrate, Priority.Cpu, Priority.Timer, Priority.Stats, Priority.Stop];
    expect([...order].sort((x, y) => x - y)).toEqual(order);
  });
});

type Op = { kind: "schedule"; ev: number; t: number } | { kind: "cancel"; ev: number } | { kind: "pop" };

describe.each([
  ["binary heap", (cap: number) => new EventQueue(cap)],
  ["calendar queue", (cap: number) => new CalendarQueue(cap)],
])("%s against a sorted-list model", (_name, make) => {
  it("schedule, reschedule, cancel and pop agree with the reference order for any operation sequence", () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant("schedule" as const), ev: fc.integer({ min: 0, max: 19 }), t: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 2 ** 40 })) }),
      fc.record({ kind: fc.constant("cancel" as const), ev: fc.integer({ min: 0, max: 19 }) }),
      fc.record({ kind: fc.constant("pop" as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 20, maxLength: 20 }), (ops: Op[], prios) => {
        const q = make(16);
        const evs = prios.map((p, i) => new SimEvent(`e${i}`, () => {}, p * 10));
        // model: entries [t, prio, rank, id]; same-instant peers by rank (creation index), not by when they were scheduled
        let model: [number, number, number, number][] = [];
        for (const o of ops) {
          if (o.kind === "schedule") {
            model = model.filter((m) => m[3] !== o.ev);
            model.push([o.t, evs[o.ev]!.priority, evs[o.ev]!.rank, o.ev]);
            q.schedule(evs[o.ev]!, o.t);
          } else if (o.kind === "cancel") {
            const had = model.some((m) => m[3] === o.ev);
            model = model.filter((m) => m[3] !== o.ev);
            if (q.cancel(evs[o.ev]!) !== had) return false;
          } else {
            model.sort((x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2]);
            const want = model.shift();
            const got = q.pop();
            if ((want === undefined) !== (got === undefined)) return false;
            if (want && got !== evs[want[3]]) return false;
          }
          if (q.size !== model.length) return false;
        }
        for (const ev of evs) if (ev.scheduled !== model.some((m) => m[3] === evs.indexOf(ev))) return false;
        return true;
      }),
      { numRuns: 300 },
    );
  });
});

describe("calendar queue at scale, against the binary heap", () => {
  it("pops the same events in the same order through growth, ties, moves, cancels and shrinking", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 200, max: 20_000 }), (seed, events) => {
        const cal = new CalendarQueue(16);
        const heap = new EventQueue(16);
        const mk = (tag: string) => Array.from({ length: events }, (_, i) => new SimEvent(`${tag}${i}`, () => {}, (i % 3) * 10));
        const a = mk("c"), b = mk("h");
        let x = seed >>> 0;
        const rnd = (m: number): number => {
          x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
          return x % m;
        };
        let now = 0;
        const steps = 6 * events;
        for (let s = 0; s < steps; s++) {
          const phase = s < steps / 3 ? 0 : s < (2 * steps) / 3 ? 1 : 2; // grow, churn, drain
          const r = rnd(100);
          if (phase === 2 ? r < 15 : r < 55) {
            const i = rnd(events);
            // clustered ties (one clock edge), near future, and far future times
            const kind = rnd(10);
            const t = now + (kind < 3 ? 0 : kind < 8 ? rnd(5_000) : rnd(2 ** 30));
            cal.schedule(a[i]!, t);
            heap.schedule(b[i]!, t);
          } else if (r < (phase === 2 ? 20 : 65)) {
            const i = rnd(events);
            if (cal.cancel(a[i]!) !== heap.cancel(b[i]!)) return false;
          } else {
            if (cal.peekTime() !== heap.peekTime()) return false;
            const p = cal.pop(), q = heap.pop();
            if ((p === undefined) !== (q === undefined)) return false;
            if (p && q) {
              if (p.name.slice(1) !== q.name.slice(1) || p.when !== q.when) return false;
              now = p.when;
            }
          }
          if (cal.size !== heap.size) return false;
        }
        return true;
      }),
      { numRuns: 12 },
    );
  });
});
