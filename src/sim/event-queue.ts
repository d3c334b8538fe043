/**
 * The pending-event set: a binary min-heap keyed on (time, priority, rank), which
 * makes the order of events total and reproducible (SimPy's `(time, priority, eid)` triple).
 *
 * Keys live in two Float64Arrays beside an array of event references, so sifting compares plain
 * doubles: `times[i]`, and `order[i] = priority * 2^45 + rank` (exact: both fit in 53 bits). Each
 * event records its heap slot, so cancel and reschedule are O(log n) with no search. Storage
 * grows by doubling and is never shrunk, so a steady-state run allocates nothing.
 */
import type { SimEvent } from "./event.ts";
import { KeyedQueue } from "./keyed-queue.ts";


export class EventQueue extends KeyedQueue {
  private times: Float64Array;
  private order: Float64Array;
  private evs: (SimEvent | undefined)[];
  private n = 0;

  constructor(initialCapacity = 1024) {
    super();
    const cap = Math.max(16, initialCapacity | 0);
    this.times = new Float64Array(cap);
    this.order = new Float64Array(cap);
    this.evs = new Array(cap).fill(undefined);
  }

  get size(): number {
    return this.n;
  }

  /** Time of the earliest event; Infinity when empty. */
  peekTime(): number {
    return this.n > 0 ? this.times[0]! : Infinity;
  }

  /** Queues (or moves) `ev` to `ev.when` with key `ev.order`, both set and validated by the caller (no double crosses a call). */
  enqueue(ev: SimEvent): void {
    const when = ev.when, key = ev.order;
    ev.pending = true;
    if (ev.pos >= 0) {
      const i = ev.pos;
      this.times[i] = when;
      this.order[i] = key;
      this.siftUp(i);
      this.siftDown(ev.pos);
      return;
    }
    if (this.n === this.times.length) this.grow();
    const i = this.n++;
    this.times[i] = when;
    this.order[i] = key;
    this.evs[i] = ev;
    ev.pos = i;
    this.siftUp(i);
  }

  /** Removes `ev` if scheduled; returns whether it was. */
  cancel(ev: SimEvent): boolean {
    const i = ev.pos;
    if (i < 0) return false;
    ev.pos = -1;
    ev.pending = false;
    const last = --this.n;
    if (i !== last) {
      const moved = this.evs[last]!;
      this.move(last, i);
      this.siftUp(i);
      this.siftDown(moved.pos);
    }
    this.evs[last] = undefined;
    return true;
  }

  /** The earliest event if it is due at or before `until` (removed), else undefined (left queued). */
  popUntil(until: number): SimEvent | undefined {
    if (this.n === 0 || this.times[0]! > until) return undefined;
    return this.pop();
  }

  /** Removes and returns the earliest event, or undefined when empty. */
  pop(): SimEvent | undefined {
    if (this.n === 0) return undefined;
    const top = this.evs[0]!;
    top.pos = -1;
    top.pending = false;
    const last = --this.n;
    if (last > 0) {
      this.move(last, 0);
      this.siftDown(0);
    }
    this.evs[last] = undefined;
    return top;
  }

  private move(from: number, to: number): void {
    const ev = this.evs[from]!;
    this.times[to] = this.times[from]!;
    this.order[to] = this.order[from]!;
    this.evs[to] = ev;
    ev.pos = to;
  }

  private siftUp(i: number): void {
    const times = this.times, order = this.order, evs = this.evs;
    const t = times[i]!, o = order[i]!, ev = evs[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p]!;
      if (pt < t || (pt === t && order[p]! < o)) break;
      times[i] = pt;
      order[i] = order[p]!;
      const pe = evs[p]!;
      evs[i] = pe;
      pe.pos = i;
      i = p;
    }
    times[i] = t;
    order[i] = o;
    evs[i] = ev;
    ev.pos = i;
  }

  private siftDown(i: number): void {
    const times = this.times, order = this.order, evs = this.evs, n = this.n;
    const t = times[i]!, o = order[i]!, ev = evs[i]!;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      let ct = times[c]!, co = order[c]!;
      const r = c + 1;
      if (r < n) {
        const rt = times[r]!, ro = order[r]!;
        if (rt < ct || (rt === ct && ro < co)) {
          c = r;
          ct = rt;
          co = ro;
        }
      }
      if (t < ct || (t === ct && o < co)) break;
      times[i] = ct;
      order[i] = co;
      const ce = evs[c]!;
      evs[i] = ce;
      ce.pos = i;
      i = c;
    }
    times[i] = t;
    order[i] = o;
    evs[i] = ev;
    ev.pos = i;
  }

  private grow(): void {
    const cap = this.times.length * 2;
    const t = new Float64Array(cap);
    t.set(this.times);
    const o = new Float64Array(cap);
    o.set(this.order);
    this.times = t;
    this.order = o;
    for (let i = this.evs.length; i < cap; i++) this.evs.push(undefined);
  }
}
