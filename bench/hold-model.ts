/**
 * The classic hold model (Vaucher & Duval 1975; its ns-3 peer is bench/ns3/hold.cc): P events
 * pending; each, when run, schedules one more at now + Exp(mean 1 us), in integer ps. What is
 * measured is the kernel itself: Simulator.run, its EventQueue and preallocated SimEvents, with
 * one handler function for all of them, as the ns-3 program schedules one function.
 */
import { Simulator, type QueueKind } from "../src/sim/simulator.ts";
import type { SimEvent } from "../src/sim/event.ts";

export interface HoldResult {
  engine: string;
  pending: number;
  events: number;
  seconds: number;
  eventsPerSecond: number;
}

/**
 * Runs `total` events (including the P initial ones) with P pending; seed fixes the delays.
 * `closures`: give every event its own closure (a component-style event, gem5's
 * `EventFunctionWrapper` with captured state) instead of one handler for all, as ns-3's program
 * has; P closures and their contexts are more memory for each pop to touch.
 */
export function holdModel(pending: number, total: number, seed = 1, queue: QueueKind = "calendar", closures = false): HoldResult {
  const sim = new Simulator({ seed, queueCapacity: pending + 1, queue });
  const rng = sim.streams.stream("hold");
  const MEAN_PS = 1_000_000;
  let left = total - pending;
  let done = 0;
  // one handler for every event, as ns-3's program schedules one function: the run loop calls
  // `ev.process()`, so `this` is the event that fired
  function hold(this: SimEvent): void {
    done++;
    if (left === 0) return;
    left--;
    this.when = sim.now + rng.exponentialFloor(MEAN_PS); // the hot-path idiom: no time crosses a call
    sim.scheduleSet(this);
  }
  const events: SimEvent[] = new Array(pending);
  for (let i = 0; i < pending; i++) {
    const ev: SimEvent = closures
      ? sim.event("hold", () => {
          done++;
          if (left === 0) return;
          left--;
          ev.when = sim.now + rng.exponentialFloor(MEAN_PS);
          sim.scheduleSet(ev);
        })
      : sim.event("hold", hold);
    events[i] = ev;
    sim.schedule(ev, rng.exponentialFloor(MEAN_PS));
  }
  const t0 = process.hrtime.bigint();
  sim.run();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { engine: `flowsim ${queue}${closures ? " closures" : ""}`, pending, events: done, seconds, eventsPerSecond: Math.round(done / seconds) };
}
