/**
 * xstate's `Clock` on simulation time: `createActor(machine, { clock: new SimClock(sim) })` makes
 * every `after` delay a kernel event, so machines never touch wall-clock timers. xstate speaks
 * milliseconds; 1 ms = 1e9 ps. Control plane only (it allocates an event per timer).
 */
/** xstate v5's Clock interface (system.d.ts), which the package does not export by name. */
export interface Clock {
  setTimeout(fn: (...args: unknown[]) => void, timeout: number): unknown;
  clearTimeout(id: unknown): void;
}
import { Priority } from "../sim/priority.ts";
import type { SimEvent } from "../sim/event.ts";
import type { Simulator } from "../sim/simulator.ts";

export class SimClock implements Clock {
  private next = 1;
  private readonly timers = new Map<number, SimEvent>();

  constructor(private readonly sim: Simulator) {}

  setTimeout(fn: (...args: unknown[]) => void, ms: number): number {
    const id = this.next++;
    const ev = this.sim.event(`xstate.timer${id}`, () => {
      this.timers.delete(id);
      fn();
    }, Priority.Timer);
    this.timers.set(id, ev);
    this.sim.schedule(ev, this.sim.now + Math.round(ms * 1e9));
    return id;
  }

  clearTimeout(id: unknown): void {
    if (typeof id !== "number") return;
    const ev = this.timers.get(id);
    if (ev) {
      this.sim.cancel(ev);
      this.timers.delete(id);
    }
  }
}
