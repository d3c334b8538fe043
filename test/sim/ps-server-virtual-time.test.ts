/**
 * The processor-sharing server's virtual time per class (src/sim/ps-server.ts, O(classes) an event)
 * against the algorithm first built, which advances every job on every event
 * (test/sim/ps-server-reference.ts, O(jobs) an event): on random job sets (arrivals over time, classes
 * of several jobs, background work added to an open job, jobs submitted from completions, clocks whose
 * period is not a whole number of ps, a capacity under 1, an idle start, several changes in one event
 * with the completion event held), the two must complete the same
 * jobs at the same picoseconds in the same order, and answer `finishTime` and `roundRobinFinish` the
 * same at random moments.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PsJob, PsServer } from "../../src/sim/ps-server.ts";
import { Simulator } from "../../src/sim/simulator.ts";
import { ReferencePsServer, RefPsJob } from "./ps-server-reference.ts";

interface Spec {
  after: number;
  demand: number;
  cls: number;
  grant: number;
  background: boolean;
  follow: number;
  /** Background work added in the same event after it (0: none), and whether the event holds the new server's completion event meanwhile (PsServer.hold). */
  extra: number;
  held: boolean;
}
interface Probe {
  at: number;
  demand: number;
  cls: number;
  wait: number;
  afterOwn: boolean;
}

type Server = PsServer | ReferencePsServer;

/** Runs the specs on one server; its completions (tag, ps) in callback order and its probes' answers. */
function run(kind: "new" | "ref", hz: number, capacity: number, idle: number, classes: number, specs: Spec[], probes: Probe[]): (number | string)[] {
  const sim = new Simulator({ seed: 1 });
  const s: Server = kind === "new" ? new PsServer(sim, "s", hz, capacity, idle) : new ReferencePsServer(sim, "s", hz, capacity, idle);
  for (let c = 0; c < classes; c++) s.addClass(`c${c}`);
  const out: (number | string)[] = [];
  const make = (tag: number, demand: number, cls: number, grant: number, follow: number): PsJob => {
    const onDone = (x: PsJob) => {
      out.push(x.tag, x.doneAt);
      if (follow > 0) (s as PsServer).submit(make(tag + 1000, follow, cls, 0, 0));
    };
    const j = kind === "new" ? new PsJob(onDone) : new RefPsJob(onDone);
    j.demand = demand;
    j.cls = cls;
    j.grant = grant;
    j.tag = tag;
    return j;
  };
  let t = 0;
  specs.forEach((o, i) => {
    t += o.after;
    sim.schedule(
      sim.event(`arrive${i}`, () => {
        if (o.held && s instanceof PsServer) s.hold();
        if (o.background) s.background(o.demand, o.cls, o.grant);
        else (s as PsServer).submit(make(i, o.demand, o.cls, o.grant, o.follow));
        if (o.extra > 0) s.background(o.extra, (o.cls + 1) % classes, 0);
        if (o.held && s instanceof PsServer) s.release();
      }),
      t,
    );
  });
  probes.forEach((p, i) => {
    sim.schedule(
      sim.event(`probe${i}`, () => out.push(`p${i}`, s.finishTime(p.demand, p.cls, p.wait), s.roundRobinFinish(p.demand, p.cls, p.wait, p.afterOwn), s.size)),
      p.at,
    );
  });
  sim.run();
  out.push("busy", s.busyPs(sim.now));
  return out;
}

describe("PsServer: virtual time per class against the per-job reference", () => {
  it("completes the same jobs at the same picoseconds, and answers finishTime and roundRobinFinish the same", () => {
    const spec = fc.record({
      after: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 60_000 })),
      demand: fc.oneof(fc.integer({ min: 1, max: 400 }), fc.double({ min: 0.5, max: 100, noNaN: true })),
      cls: fc.integer({ min: 0, max: 4 }),
      grant: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 20 }), fc.double({ min: 0.5, max: 20, noNaN: true })),
      background: fc.boolean(),
      follow: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 200 })),
      extra: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40 })),
      held: fc.boolean(),
    });
    const probe = fc.record({
      at: fc.integer({ min: 0, max: 800_000 }),
      demand: fc.integer({ min: 1, max: 60 }),
      cls: fc.integer({ min: 0, max: 4 }),
      wait: fc.integer({ min: 0, max: 100_000 }),
      afterOwn: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.constantFrom(1_000_000_000, 33_333_333, 50_000_000, 66_666_667, 83_333_333),
        fc.constantFrom(1, 0.97, 0.5),
        fc.constantFrom(0, 1, 2),
        fc.integer({ min: 1, max: 5 }),
        fc.array(spec, { minLength: 0, maxLength: 40 }),
        fc.array(probe, { minLength: 0, maxLength: 6 }),
        (hz, capacity, idle, classes, specs, probes) => {
          const cs = specs.map((o) => ({ ...o, cls: o.cls % classes }));
          const ps = probes.map((p) => ({ ...p, cls: p.cls % classes }));
          expect(run("new", hz, capacity, idle, classes, cs, ps)).toEqual(run("ref", hz, capacity, idle, classes, cs, ps));
        },
      ),
      { numRuns: Number(process.env.PS_RUNS ?? 3000), ...(process.env.PS_SEED ? { seed: Number(process.env.PS_SEED) } : {}) },
    );
  });
});
