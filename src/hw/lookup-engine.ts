/**
 * A hardware look-up engine (Fig 5E's CPLD state machine, Fig 5F's ASIC): one frame at a time, in
 * arrival order. When a frame reaches the head, `serve(h)` runs the decision (the firmware's table
 * look-up) and says how long it holds the engine (its fixed steps plus the table entries it read);
 * when that time is up, `done(h)` passes the frame on. Frames wait in a FIFO meanwhile; its size
 * and the engine's utilisation are the engine's statistics. One preallocated event; typed rings.
 */
import { IntRing } from "../sim/ring.ts";
import type { SimEvent } from "../sim/event.ts";
import { Priority } from "../sim/priority.ts";
import type { Simulator } from "../sim/simulator.ts";
import { Utilization } from "../sim/stats/time-weighted.ts";

export class LookupEngine {
  private readonly queue: IntRing;
  private current = -1;
  private readonly ev: SimEvent;
  private readonly util: Utilization;
  lookups = 0;

  constructor(
    private readonly sim: Simulator,
    readonly name: string,
    capacity: number,
    /** Decides frame `h` (at the start of its look-up) and returns the look-up's duration, ps. */
    private readonly serve: (h: number) => number,
    /** The frame's look-up is over. */
    private readonly done: (h: number) => void,
    priority: number = Priority.Default,
  ) {
    this.queue = new IntRing(capacity);
    this.util = new Utilization(sim.now);
    this.ev = sim.event(`${name}.done`, () => this.finish(), priority);
    sim.onResetStats((now) => {
      this.util.restart(now);
      this.queue.resetStats();
      this.lookups = 0;
    });
  }

  /** Frames waiting or being looked up. */
  get size(): number {
    return this.queue.size + (this.current >= 0 ? 1 : 0);
  }

  /** Queues a frame; false when the FIFO is full. */
  push(h: number): boolean {
    if (!this.queue.push(h)) return false;
    if (this.current < 0) this.start();
    return true;
  }

  private start(): void {
    const h = this.queue.shift();
    if (h < 0) return;
    this.current = h;
    this.lookups++;
    this.util.busyIn(this.sim, 0);
    this.sim.scheduleIn(this.ev, Math.max(1, Math.round(this.serve(h))));
  }

  private finish(): void {
    const h = this.current;
    this.current = -1;
    this.util.idleNow(this.sim);
    this.done(h);
    if (this.current < 0 && this.queue.size > 0) this.start();
  }

  read(now: number): { utilization: number; queueHighWater: number; lookups: number } {
    return { utilization: this.util.read(now).utilization, queueHighWater: this.queue.highWater, lookups: this.lookups };
  }
}
