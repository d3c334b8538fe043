import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PsJob, PsServer } from "../../src/sim/ps-server.ts";
import { Simulator } from "../../src/sim/simulator.ts";

/** 1 GHz: a clock is 1,000 ps, so times read in clocks. */
const HZ = 1_000_000_000;

function job(demand: number, cls: number, log: [number, number][], tag = 0): PsJob {
  const j = new PsJob((x) => log.push([x.tag, x.doneAt]));
  j.demand = demand;
  j.cls = cls;
  j.tag = tag;
  return j;
}

describe("PsServer (discriminatory processor sharing, equal weights)", () => {
  it("serves one job in its demand, and two classes half each", () => {
    const sim = new Simulator({ seed: 1 });
    const s = new PsServer(sim, "bus", HZ);
    const a = s.addClass("a"), b = s.addClass("b");
    const log: [number, number][] = [];
    s.submit(job(10, a, log, 1));
    sim.run();
    expect(log).toEqual([[1, 10_000]]);
    // two classes from t0: each gets half, so 10 and 30 clocks finish at 20 and 40 (the second alone after 20)
    log.length = 0;
    const t0 = sim.now;
    s.submit(job(10, a, log, 2));
    s.submit(job(30, b, log, 3));
    sim.run();
    expect(log).toEqual([[2, t0 + 20_000], [3, t0 + 40_000]]);
  });

  it("shares between classes first, then between a class's jobs", () => {
    const sim = new Simulator({ seed: 1 });
    const s = new PsServer(sim, "bus", HZ);
    const a = s.addClass("a"), b = s.addClass("b");
    const log: [number, number][] = [];
    // class a: two jobs of 10 (a quarter each); class b: one of 10 (a half): b at 20, then a's at 20 + 2 x 5 = 30
    s.submit(job(10, a, log, 1));
    s.submit(job(10, a, log, 2));
    s.submit(job(10, b, log, 3));
    sim.run();
    expect(log).toEqual([[3, 20_000], [1, 30_000], [2, 30_000]]);
  });

  it("ends on the clock's edges, and charges an idle start", () => {
    const sim = new Simulator({ seed: 1 });
    const s = new PsServer(sim, "bus", 33_333_333, 1, 1);
    const c = s.addClass("m");
    const log: [number, number][] = [];
    s.submit(job(4, c, log)); // 1 + 4 clocks of 30 ns: edge 5
    sim.run();
    expect(log[0]![1]).toBe(s.clock.edge(5));
  });

  it("finishTime is when a job submitted then would finish, with no later arrival", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ demand: fc.integer({ min: 1, max: 200 }), cls: fc.integer({ min: 0, max: 3 }), after: fc.integer({ min: 0, max: 50_000 }) }), { minLength: 0, maxLength: 8 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 100_000 }),
        (others, demand, cls, wait) => {
          const sim = new Simulator({ seed: 1 });
          const s = new PsServer(sim, "mem", HZ, 0.97);
          for (let c = 0; c < 4; c++) s.addClass(`c${c}`);
          const log: [number, number][] = [];
          // others arrive over time (but never of `cls`: a requester waiting for each access has one at a time)
          let t = 0;
          for (const o of others) {
            t += o.after;
            const ev = sim.event("arrive", () => s.submit(job(o.demand, o.cls === cls ? (cls + 1) % 4 : o.cls, log)));
            sim.schedule(ev, t);
          }
          const probeAt = Math.floor(t / 2);
          let predicted = -1;
          const probe = sim.event("probe", () => {
            predicted = sim.now + s.finishTime(demand, cls, wait); // times from now
            // the same job, submitted at its arrival: the prediction holds when nothing else arrives after the probe
            const go = sim.event("go", () => s.submit(job(demand, cls, log, 99)));
            sim.schedule(go, sim.now + wait);
          });
          sim.schedule(probe, probeAt);
          sim.run();
          const mine = log.find(([tag]) => tag === 99)!;
          const arrivalsAfter = others.reduce((acc, _o, i) => acc + (others.slice(0, i + 1).reduce((x, y) => x + y.after, 0) > probeAt ? 1 : 0), 0);
          if (arrivalsAfter === 0) expect(mine[1]).toBe(predicted);
          else expect(predicted).toBeGreaterThan(0);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("roundRobinFinish: a one-grant request waits half a round of the other classes' grants (their mean grant each), then its own", () => {
    const sim = new Simulator({ seed: 1 });
    const s = new PsServer(sim, "bus", HZ, 1, 1);
    const a = s.addClass("a"), b = s.addClass("b"), c = s.addClass("cpu");
    // idle: its own demand after the idle arbitration, as a lone job
    expect(s.roundRobinFinish(21, c, 0)).toBe(22_000);
    const log: [number, number][] = [];
    // class a: two transfers of 11-clock tenures; class b: one of 4-clock tenures; the cpu's own earlier access is left out
    const t1 = job(110, a, log), t2 = job(220, a, log), t3 = job(40, b, log), own = job(50, c, log);
    t1.grant = t2.grant = 11;
    t3.grant = 4;
    for (const j of [t1, t2, t3, own]) s.submit(j);
    // half of a's 11 and of b's 4: 7.5 clocks, then 21: 28.5 clocks from 1,000 ps, 29,500 ps: the edge at 30 clocks
    expect(s.roundRobinFinish(21, c, 1_000)).toBe(30_000);
    expect(s.roundRobinFinish(21, c, 0)).toBe(29_000); // from an edge, 28.5 clocks: the 29th
    // queued behind its own previous request (ending at 1,000 ps): a whole round, 11 + 4 = 15 clocks, then 21
    expect(s.roundRobinFinish(21, c, 1_000, true)).toBe(37_000);
    // a job with no grant set counts its whole demand as one
    const t4 = job(6, b, log);
    s.submit(t4);
    // b's mean grant (4 + 6) / 2 = 5: 5.5 + 2.5 + 21 = 29 clocks from 1,000 ps
    expect(s.roundRobinFinish(21, c, 1_000)).toBe(30_000);
    expect(s.roundRobinFinish(20.5, c, 1_000)).toBe(30_000);
    expect(s.roundRobinFinish(21.5, c, 1_000)).toBe(31_000);
  });

  it("an M/M/1-PS queue's mean sojourn is S / (1 - rho) (Kleinrock), within its 95 % interval", () => {
    // rho = 0.7, S = 100 clocks: mean sojourn 333 clocks; PS's mean sojourn does not depend on the service distribution
    const rho = 0.7, S = 100;
    const sojourn: number[] = [];
    for (let rep = 0; rep < 10; rep++) {
      const sim = new Simulator({ seed: 100 + rep });
      const s = new PsServer(sim, "cpu", HZ);
      const c = s.addClass("all");
      const arrivals = sim.streams.stream("arrivals"), sizes = sim.streams.stream("sizes");
      let sum = 0, n = 0;
      const free: PsJob[] = [];
      const onDone = (j: PsJob) => {
        if (sim.now > 2_000_000_000) (sum += (j.doneAt - j.submittedAt) / 1000), n++;
        free.push(j);
      };
      const arrive = sim.event("arrive", () => {
        const j = free.pop() ?? new PsJob(onDone);
        j.demand = sizes.exponential(S);
        j.cls = c;
        s.submit(j);
        sim.schedule(arrive, sim.now + Math.round(arrivals.exponential((S / rho) * 1000)));
      });
      sim.schedule(arrive, 0);
      sim.run(40_000_000_000);
      sojourn.push(sum / n);
    }
    const mean = sojourn.reduce((a, b) => a + b) / sojourn.length;
    const sd = Math.sqrt(sojourn.reduce((a, b) => a + (b - mean) ** 2, 0) / (sojourn.length - 1));
    const half = (2.262 * sd) / Math.sqrt(sojourn.length); // t(9, 0.975)
    // the rounding of completions up to the next edge adds under a clock per job
    expect(Math.abs(mean - S / (1 - rho))).toBeLessThan(half + 1);
  });
});
