/**
 * A fixed-latency FIFO pipeline (a forwarding engine's decision stage, a propagation delay):
 * items enter at `now` and come out, in order, `delayPs` later, each on an edge of the owner's
 * clock if one is given. One preallocated event serves the whole line; entries live in typed
 * arrays. `push` returns false when the line is full.
 */
import type { ClockDomain } from "./clock.ts";
import type { SimEvent } from "./event.ts";
import { Priority } from "./priority.ts";
import type { Simulator } from "./simulator.ts";

export class DelayLine {
  private readonly items: Int32Array;
  private readonly aux: Int32Array;
  private readonly due: Float64Array;
  private head = 0;
  private len = 0;
  private readonly ev: SimEvent;
  highWater = 0;

  constructor(
    private readonly sim: Simulator,
    name: string,
    readonly delayPs: number,
    capacity: number,
    /** Called with (item, aux) when an item comes out. */
    private readonly out: (item: number, aux: number) => void,
    private readonly clock?: ClockDomain,
    priority: number = Priority.Default,
  ) {
    this.items = new Int32Array(capacity);
    this.aux = new Int32Array(capacity);
    this.due = new Float64Array(capacity);
    this.ev = sim.event(`${name}.out`, () => this.emit(), priority);
  }

  get size(): number {
    return this.len;
  }

  push(item: number, aux = 0): boolean {
    const cap = this.items.length;
    if (this.len === cap) return false;
    if ((item | 0) !== item || (aux | 0) !== aux) throw new RangeError(`delay line item ${item}/${aux} is not a 32-bit integer (model bug)`);
    const i = (this.head + this.len) % cap;
    this.items[i] = item;
    this.aux[i] = aux;
    // relative to now: a delay crosses the clock's call unboxed (ClockDomain, "Relative times")
    this.due[i] = this.sim.now + (this.clock ? this.clock.delayToEdgeAtOrAfter(this.sim, this.delayPs) : this.delayPs);
    if (++this.len > this.highWater) this.highWater = this.len;
    if (this.len === 1) {
      this.ev.when = this.due[i]!;
      this.sim.scheduleSet(this.ev);
    }
    return true;
  }

  private emit(): void {
    const cap = this.items.length;
    const now = this.sim.now;
    while (this.len > 0 && this.due[this.head]! <= now) {
      const item = this.items[this.head]!, aux = this.aux[this.head]!;
      this.head = (this.head + 1) % cap;
      this.len--;
      this.out(item, aux);
    }
    if (this.len > 0) {
      this.ev.when = this.due[this.head]!;
      this.sim.scheduleSet(this.ev);
    }
  }
}
