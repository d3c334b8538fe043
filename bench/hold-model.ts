/**
 * The classic hold model (Vaucher & Duval 1975; the ns-3 peer in shared/bench-peers): P events
 * pending; each, when run, schedules one more at now + Exp(mean 1 us), in integer ps. What is
 * measured is the kernel itself: Simulator.run, its EventQueue and preallocated SimEvents.
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

/** Runs `total` events (including the P initial ones) with P pending; seed fixes the delays. */
export function holdModel(pending: number, total: number, seed = 1, queue: QueueKind = "calendar"): HoldResult {
  const sim = new Simulator({ seed, queueCapacity: pending + 1, queue });
  const rng = sim.streams.stream("hold");
  const MEAN_PS = 1_000_000;
  let left = total - pending;
  let done = 0;
  const events: SimEvent[] = new Array(pending);
  for (let i = 0; i < pending; i++) {
    const ev: SimEvent = sim.event("hold", () => {
      done++;
      if (left === 0) return;
      left--;
      sim.schedule(ev, sim.now + Math.floor(rng.exponential(MEAN_PS)));
    });
    events[i] = ev;
    sim.schedule(ev, Math.floor(rng.exponential(MEAN_PS)));
  }
  const t0 = process.hrtime.bigint();
  sim.run();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { engine: `flowsim ${queue}`, pending, events: done, seconds, eventsPerSecond: Math.round(done / seconds) };
}
