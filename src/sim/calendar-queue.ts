/**
 * A calendar queue (R. Brown, CACM 31(10), 1988) with the same contract as the binary-heap
 * EventQueue: total order on (time, priority, rank), O(1) expected schedule and pop
 * for the stationary distributions of a running simulation, where a heap pays O(log n) cache
 * misses per operation (it matters at 10^5-10^6 pending events).
 *
 * Time is cut into buckets of `width` ps; bucket k holds events with floor(t / width) mod nb = k.
 * A bucket is a fixed run of SLOTS (time, order) pairs, kept in descending order, inline in one
 * 128-byte stretch of a Float64Array, beside its events in a parallel array: a pop takes the
 * current bucket's last slot (the scan walks the buckets sequentially), a schedule writes one
 * bucket, and neither follows a pointer to another event. (A linked calendar over per-event nodes
 * ran 0.8 M events/s at 10^6 pending on the day this one ran 0.9-1.0 M/s: docs/performance.md.)
 *
 * An event whose bucket is full goes to an overflow binary heap with the same keys; pop takes the
 * smaller of the scan's minimum and the heap's top. Cancelling and moving are lazy: a slot keeps
 * the (time, order key) it was scheduled with, and a slot whose event is no longer pending at that
 * time is stale and is dropped where the scan meets it. An event's key (priority x 2^45 + rank) is
 * the same at every schedule, so an event moved away and back may hold two identical slots: they
 * are interchangeable, the first popped runs it and the other is then stale. The bucket count doubles or halves with the number of live events; a resize
 * (also run when stale slots pile up, when the overflow heap passes 1/16 of the events, or when
 * scans run long) re-buckets the live events with a width re-estimated from the earliest ones.
 */
import type { SimEvent } from "./event.ts";
import { KeyedQueue } from "./keyed-queue.ts";

const MIN_BUCKETS = 16;
/** (time, order) pairs per bucket: with about 2 events per bucket, few buckets fill. */
const SLOTS = 7;
/** Doubles per bucket: its slot count, then the pairs (14), padded to 128 bytes. */
const STRIDE = 16;
/** Event references per bucket (7, padded). */
const EV_STRIDE = 8;
/**
 * Bucket width in mean separations of the earliest events. Brown's rule says about 3; here a full
 * bucket costs more than a scan past empty ones, so narrower (1.5 measured best, 1 and 3 slower).
 */
const WIDTH_FACTOR = 1.5;
/**
 * Events per bucket before the bucket count doubles: 2 while the buckets are few, 4 from 4,096
 * buckets on, where buckets and events outgrow the caches and half as many buckets cost fewer
 * misses than fuller buckets cost scans. Shrinking waits for 1/8 of that (no oscillation).
 */
function perBucket(nb: number): number {
  return nb >= 4096 ? 4 : 2;
}
const HEAP = -2;
/** `ev.pos` (the heap queue's field, unused here) marks an event already collected by a resize. */
const COLLECTED = -7;

/** A slot (t, its event) is stale when the event is no longer pending at t: cancelled, run, or moved. */
function stale(ev: SimEvent, t: number): boolean {
  return !ev.pending || ev.when !== t;
}
const UNKNOWN = -1;

export class CalendarQueue extends KeyedQueue {
  private cal: Float64Array;
  private calEv: (SimEvent | null)[];
  private nb: number;
  private mask: number;
  private width = 1_000; // ps; re-estimated on resize
  private curK = 0; // absolute bucket number of the scan position
  private n = 0; // live events
  private entries = 0; // slots in use, live or stale, in buckets and the overflow heap
  /** Where the minimum is, found by peek: a bucket index, HEAP for the heap's top, or UNKNOWN. */
  private cached = UNKNOWN;
  private longScans = 0; // pops that scanned far since the last resize
  private opsSinceResize = 0;
  /** Live-event counts at which the bucket count doubles or halves (set with the bucket count). */
  private growAt = 0;
  private shrinkAt = -1;
  // the overflow heap: (time, order) keys and their events
  private hT = new Float64Array(64);
  private hO = new Float64Array(64);
  private readonly hEv: (SimEvent | null)[] = [];
  private hN = 0;

  /** The capacity argument matches the EventQueue's; buckets grow with the events. */
  constructor(_initialCapacity = 1024) {
    super();
    this.nb = MIN_BUCKETS;
    this.mask = this.nb - 1;
    this.cal = new Float64Array(STRIDE * this.nb);
    this.calEv = new Array<SimEvent | null>(EV_STRIDE * this.nb).fill(null);
    this.setThresholds();
  }

  private setThresholds(): void {
    const per = perBucket(this.nb);
    this.growAt = per * this.nb;
    this.shrinkAt = this.nb > MIN_BUCKETS ? (per * this.nb) / 8 : -1;
  }

  get size(): number {
    return this.n;
  }

  /**
   * Queues `ev` at `ev.when` with key `ev.order` (from `reserve`), both set and validated by the
   * caller (`schedule` here, or the Simulator): times and keys travel in the event's fields, not as
   * arguments, so that no call boxes a double.
   */
  enqueue(ev: SimEvent): void {
    if (!ev.pending) this.n++; // a pending event's old slot goes stale: its key changed
    ev.pending = true;
    this.insert(ev);
    this.cached = UNKNOWN;
    if (this.n > this.growAt) this.resize(this.nb * 2);
    else if (this.entries > 2 * this.n + 4 * this.nb) this.resize(this.nb); // purge stale slots
    else if (this.hN > 64 && 16 * this.hN > this.n && ++this.opsSinceResize > this.n / 2) this.resize(this.nb); // buckets too narrow
  }

  cancel(ev: SimEvent): boolean {
    if (!ev.pending) return false;
    ev.pending = false; // its slot goes stale
    this.n--;
    this.cached = UNKNOWN;
    if (this.n < this.shrinkAt) this.resize(this.nb / 2);
    return true;
  }

  peekTime(): number {
    if (this.n === 0) return Infinity;
    if (this.cached === UNKNOWN) this.cached = this.findMin();
    const b = this.cached;
    return b === HEAP ? this.hT[0]! : this.cal[STRIDE * b + 2 * this.cal[STRIDE * b]! - 1]!;
  }

  pop(): SimEvent | undefined {
    if (this.n === 0) return undefined;
    return this.take(this.cached !== UNKNOWN ? this.cached : this.findMin());
  }

  /** The earliest event if it is due at or before `until` (removed), else undefined (left queued). */
  popUntil(until: number): SimEvent | undefined {
    if (this.n === 0) return undefined;
    const where = this.cached !== UNKNOWN ? this.cached : this.findMin();
    const t = where === HEAP ? this.hT[0]! : this.cal[STRIDE * where + 2 * this.cal[STRIDE * where]! - 1]!;
    if (t > until) {
      this.cached = where;
      return undefined;
    }
    return this.take(where);
  }

  private take(where: number): SimEvent {
    this.cached = UNKNOWN;
    let ev: SimEvent;
    if (where === HEAP) ev = this.heapPop();
    else {
      const cal = this.cal, base = STRIDE * where, c = cal[base]! - 1;
      cal[base] = c;
      const e = EV_STRIDE * where + c;
      ev = this.calEv[e]!;
      this.calEv[e] = null;
    }
    this.entries--;
    this.n--;
    ev.pending = false; // ev.order keeps the key it ran with (Simulator.currentOrder); no slot has it now
    if (this.n < this.shrinkAt) this.resize(this.nb / 2);
    return ev;
  }

  /** Where the earliest live event is (a bucket index, or HEAP), dropping stale slots met on the way. */
  private findMin(): number {
    const cal = this.cal, calEv = this.calEv, w = this.width, mask = this.mask;
    while (this.hN > 0 && stale(this.hEv[0]!, this.hT[0]!)) {
      this.heapPop();
      this.entries--;
    }
    const hasHeap = this.hN > 0;
    const ht = hasHeap ? this.hT[0]! : Infinity;
    let k = this.curK;
    for (let i = 0; i < this.nb; ) {
      const b = k & mask, base = STRIDE * b;
      const c = cal[base]!;
      if (c > 0) {
        const t = cal[base + 2 * c - 1]!;
        if (t < (k + 1) * w) {
          const ev = calEv[EV_STRIDE * b + c - 1]!;
          if (stale(ev, t)) {
            // stale: drop it and look at this bucket again
            cal[base] = c - 1;
            calEv[EV_STRIDE * b + c - 1] = null;
            this.entries--;
            continue;
          }
          this.curK = k;
          // Long scans mean the width no longer fits the distribution: re-estimate it.
          if (i > 32 && ++this.longScans > 64) {
            this.resize(this.nb);
            return this.findMin();
          }
          if (hasHeap && (ht < t || (ht === t && this.hO[0]! < cal[base + 2 * c]!))) return HEAP;
          return b;
        }
      }
      if (hasHeap && ht < (k + 1) * w) {
        // the heap's top comes before anything left in this bucket's year
        this.curK = k;
        return HEAP;
      }
      i++;
      k++;
    }
    // A whole year without an event in it: find the minimum directly (and re-fit the width).
    if (++this.longScans > 64) {
      this.resize(this.nb);
      return this.findMin();
    }
    let best = -1, bt = Infinity, bo = Infinity;
    for (let b = 0; b < this.nb; b++) {
      const base = STRIDE * b;
      for (let c = cal[base]!; c > 0; c--) {
        const t = cal[base + 2 * c - 1]!, o = cal[base + 2 * c]!;
        if (stale(calEv[EV_STRIDE * b + c - 1]!, t)) continue;
        if (t < bt || (t === bt && o < bo)) {
          bt = t;
          bo = o;
          best = b;
        }
        break; // descending: the first live slot from the end is this bucket's minimum
      }
    }
    if (best < 0) {
      // no live slot in any bucket: the minimum is the heap's top, or a rebuild finds it
      if (hasHeap) return HEAP;
      this.resize(this.nb);
      return this.findMin();
    }
    this.curK = Math.floor(bt / w);
    return this.findMin(); // drops stale slots above the minimum and settles the heap comparison
  }

  /** Puts (ev.when, ev.order) in its bucket in descending order, or in the overflow heap when the bucket is full. */
  private insert(ev: SimEvent): void {
    const cal = this.cal, calEv = this.calEv;
    const t = ev.when, o = ev.order;
    const k = Math.floor(t / this.width);
    const b = k & this.mask, base = STRIDE * b;
    const c = cal[base]!;
    this.entries++;
    if (c === SLOTS) {
      this.heapPush(ev);
      return;
    }
    if (k < this.curK) this.curK = k;
    // shift the smaller pairs up by one, then write
    const eb = EV_STRIDE * b;
    let j = c;
    while (j > 0) {
      const pt = cal[base + 2 * j - 1]!;
      if (pt > t || (pt === t && cal[base + 2 * j]! > o)) break;
      cal[base + 2 * j + 1] = pt;
      cal[base + 2 * j + 2] = cal[base + 2 * j]!;
      calEv[eb + j] = calEv[eb + j - 1]!;
      j--;
    }
    cal[base + 2 * j + 1] = t;
    cal[base + 2 * j + 2] = o;
    calEv[eb + j] = ev;
    cal[base] = c + 1;
  }

  private heapPush(ev: SimEvent): void {
    const t = ev.when, o = ev.order;
    if (this.hN === this.hT.length) {
      const T = new Float64Array(2 * this.hN), O = new Float64Array(2 * this.hN);
      T.set(this.hT);
      O.set(this.hO);
      this.hT = T;
      this.hO = O;
    }
    const hT = this.hT, hO = this.hO, hEv = this.hEv;
    let i = this.hN++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = hT[p]!;
      if (pt < t || (pt === t && hO[p]! < o)) break;
      hT[i] = pt;
      hO[i] = hO[p]!;
      hEv[i] = hEv[p]!;
      i = p;
    }
    hT[i] = t;
    hO[i] = o;
    hEv[i] = ev;
  }

  private heapPop(): SimEvent {
    const hT = this.hT, hO = this.hO, hEv = this.hEv;
    const top = hEv[0]!;
    const n = --this.hN;
    const t = hT[n]!, o = hO[n]!, ev = hEv[n]!;
    hEv[n] = null;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && (hT[c + 1]! < hT[c]! || (hT[c + 1] === hT[c] && hO[c + 1]! < hO[c]!))) c++;
      if (t < hT[c]! || (t === hT[c] && o < hO[c]!)) break;
      hT[i] = hT[c]!;
      hO[i] = hO[c]!;
      hEv[i] = hEv[c]!;
      i = c;
    }
    if (n > 0) {
      hT[i] = t;
      hO[i] = o;
      hEv[i] = ev;
    }
    return top;
  }

  /** Re-buckets every live event into `nb` buckets with a width estimated from the earliest ones. */
  private resize(nb: number): void {
    const evs: SimEvent[] = [];
    const times: number[] = [];
    const cal = this.cal, calEv = this.calEv;
    for (let b = 0; b < this.nb; b++) {
      const base = STRIDE * b;
      for (let c = cal[base]!; c >= 1; c--) {
        const ev = calEv[EV_STRIDE * b + c - 1]!, t = cal[base + 2 * c - 1]!;
        if (stale(ev, t) || ev.pos === COLLECTED) continue; // (a second identical slot of one event counts once)
        ev.pos = COLLECTED;
        evs.push(ev);
        times.push(t);
      }
    }
    for (let i = 0; i < this.hN; i++) {
      const ev = this.hEv[i]!;
      if (stale(ev, this.hT[i]!) || ev.pos === COLLECTED) continue;
      ev.pos = COLLECTED;
      evs.push(ev);
      times.push(this.hT[i]!);
    }
    this.width = this.estimateWidth(times);
    this.nb = nb;
    this.mask = nb - 1;
    this.setThresholds();
    this.cal = new Float64Array(STRIDE * nb);
    this.calEv = new Array<SimEvent | null>(EV_STRIDE * nb).fill(null);
    this.hEv.fill(null);
    this.hN = 0;
    this.entries = 0;
    this.curK = Infinity;
    this.longScans = 0;
    this.opsSinceResize = 0;
    for (let i = 0; i < evs.length; i++) {
      evs[i]!.pos = -1;
      this.insert(evs[i]!); // a live slot's (time, order) is its event's (when, order)
    }
    if (evs.length === 0) this.curK = 0;
    this.cached = UNKNOWN;
  }

  /** WIDTH_FACTOR x the average separation of the 64 earliest events (outliers trimmed). */
  private estimateWidth(all: number[]): number {
    if (all.length < 2) return this.width;
    const SAMPLE = Math.min(all.length, 64);
    // the SAMPLE earliest times, in order: a partial selection, not a sort of every pending time
    const times = new Float64Array(SAMPLE);
    let kept0 = 0;
    for (const t of all) {
      if (kept0 === SAMPLE && t >= times[SAMPLE - 1]!) continue;
      let j = kept0 < SAMPLE ? kept0++ : SAMPLE - 1;
      while (j > 0 && times[j - 1]! > t) {
        times[j] = times[j - 1]!;
        j--;
      }
      times[j] = t;
    }
    let sum = 0;
    for (let i = 1; i < SAMPLE; i++) sum += times[i]! - times[i - 1]!;
    const mean = sum / (SAMPLE - 1);
    let kept = 0, ksum = 0;
    for (let i = 1; i < SAMPLE; i++) {
      const g = times[i]! - times[i - 1]!;
      if (g <= 2 * mean) {
        kept++;
        ksum += g;
      }
    }
    const avg = kept ? ksum / kept : mean;
    return Math.max(1, Math.round(WIDTH_FACTOR * avg));
  }
}
