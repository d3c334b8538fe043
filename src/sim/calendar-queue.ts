/**
 * A calendar queue (R. Brown, CACM 31(10), 1988) with the same contract as the binary-heap
 * EventQueue: total order on (time, priority, insertion sequence), O(1) expected schedule, pop and
 * cancel for the stationary distributions of a running simulation, where a heap pays O(log n)
 * cache misses per operation (it matters at 10^5-10^6 pending events).
 *
 * Time is cut into buckets of `width` ps; bucket k holds events with floor(t / width) mod nb = k,
 * as a doubly linked list sorted by (time, order) over typed arrays indexed by event id. Pop scans
 * buckets from the current one, taking the first event of the current "year"; after a fruitless
 * full turn it jumps to the minimum directly. The bucket count doubles or halves as the queue grows
 * or shrinks (resizing re-estimates the width from the separations of the earliest events). A new
 * event earlier than the scan position moves the scan back, so nothing is ever skipped.
 */
import type { SimEvent } from "./event.ts";
import { checkTick, type Tick } from "./time.ts";

const SEQ_LIMIT = 2 ** 45;
const MIN_BUCKETS = 16;

export class CalendarQueue {
  /** Per event id, side by side in one cache line: time, order, next id, prev id. */
  private node: Float64Array;
  private inQ: Uint8Array;
  private readonly byId: SimEvent[] = [];
  /** Per bucket: head id, tail id (-1 when empty). */
  private bucket: Int32Array;
  private nb: number;
  private mask: number;
  private width = 1_000; // ps; re-estimated on resize
  private curK = 0; // absolute bucket number of the scan position
  private n = 0;
  private seq = 0;
  private cached = -1; // id of the minimum found by peek, -1 when unknown
  private longScans = 0; // pops that scanned far since the last resize

  constructor(initialCapacity = 1024) {
    const cap = Math.max(16, initialCapacity | 0);
    this.node = new Float64Array(4 * cap);
    this.inQ = new Uint8Array(cap);
    this.nb = MIN_BUCKETS;
    this.mask = this.nb - 1;
    this.bucket = new Int32Array(2 * this.nb).fill(-1);
  }

  get size(): number {
    return this.n;
  }

  isScheduled(ev: SimEvent): boolean {
    return ev.id >= 0 && this.byId[ev.id] === ev && this.inQ[ev.id] === 1;
  }

  schedule(ev: SimEvent, when: Tick): void {
    if (!(when <= Number.MAX_SAFE_INTEGER) || !Number.isInteger(when)) checkTick(when, `event ${ev.name}`);
    const s = this.seq++;
    if (s >= SEQ_LIMIT) throw new RangeError("event sequence exhausted (2^45 insertions)");
    let id = ev.id;
    if (id < 0 || this.byId[id] !== ev) id = this.register(ev);
    if (this.inQ[id]) this.unlink(id);
    else this.n++;
    ev.when = when;
    ev.pending = true;
    this.node[4 * id] = when;
    this.node[4 * id + 1] = ev.priority * SEQ_LIMIT + s;
    this.inQ[id] = 1;
    this.link(id);
    this.cached = -1;
    if (this.n > 2 * this.nb) this.resize(this.nb * 2);
  }

  cancel(ev: SimEvent): boolean {
    const id = ev.id;
    if (id < 0 || this.byId[id] !== ev || !this.inQ[id]) return false;
    this.unlink(id);
    this.inQ[id] = 0;
    ev.pending = false;
    this.n--;
    this.cached = -1;
    if (this.n < this.nb / 4 && this.nb > MIN_BUCKETS) this.resize(this.nb / 2);
    return true;
  }

  peekTime(): number {
    if (this.n === 0) return Infinity;
    if (this.cached < 0) this.cached = this.findMin();
    return this.node[4 * this.cached]!;
  }

  pop(): SimEvent | undefined {
    if (this.n === 0) return undefined;
    const id = this.cached >= 0 ? this.cached : this.findMin();
    this.cached = -1;
    this.unlink(id);
    this.inQ[id] = 0;
    this.n--;
    const ev = this.byId[id]!;
    ev.pending = false;
    if (this.n < this.nb / 4 && this.nb > MIN_BUCKETS) this.resize(this.nb / 2);
    return ev;
  }

  /** The earliest event's id; moves the scan position to its bucket. */
  private findMin(): number {
    const bucket = this.bucket, node = this.node, w = this.width, mask = this.mask;
    let k = this.curK;
    for (let i = 0; i < this.nb; i++, k++) {
      const h = bucket[2 * (k & mask)]!;
      if (h >= 0 && node[4 * h]! < (k + 1) * w) {
        this.curK = k;
        // Long scans mean the width no longer fits the distribution: re-estimate it.
        if (i > 32 && ++this.longScans > 64) this.resize(this.nb);
        return h;
      }
    }
    // A whole year without an event in it: find the minimum directly (and re-fit the width).
    if (++this.longScans > 64) {
      this.resize(this.nb);
      return this.findMin();
    }
    let best = -1;
    for (let b = 0; b < this.nb; b++) {
      const h = bucket[2 * b]!;
      if (h < 0) continue;
      if (best < 0 || node[4 * h]! < node[4 * best]! || (node[4 * h] === node[4 * best] && node[4 * h + 1]! < node[4 * best + 1]!)) best = h;
    }
    this.curK = Math.floor(node[4 * best]! / w);
    return best;
  }

  private link(id: number): void {
    const node = this.node, bucket = this.bucket;
    const t = node[4 * id]!, o = node[4 * id + 1]!;
    const k = Math.floor(t / this.width);
    if (k < this.curK) this.curK = k;
    const b = 2 * (k & this.mask);
    // Walk back from the tail: new events usually go last.
    let p = bucket[b + 1]!;
    while (p >= 0 && (node[4 * p]! > t || (node[4 * p] === t && node[4 * p + 1]! > o))) p = node[4 * p + 3]!;
    if (p < 0) {
      const h = bucket[b]!;
      node[4 * id + 2] = h;
      node[4 * id + 3] = -1;
      if (h >= 0) node[4 * h + 3] = id;
      else bucket[b + 1] = id;
      bucket[b] = id;
    } else {
      const nx = node[4 * p + 2]!;
      node[4 * id + 2] = nx;
      node[4 * id + 3] = p;
      node[4 * p + 2] = id;
      if (nx >= 0) node[4 * nx + 3] = id;
      else bucket[b + 1] = id;
    }
  }

  private unlink(id: number): void {
    const node = this.node, bucket = this.bucket;
    const p = node[4 * id + 3]!, nx = node[4 * id + 2]!;
    const b = 2 * (Math.floor(node[4 * id]! / this.width) & this.mask);
    if (p >= 0) node[4 * p + 2] = nx;
    else bucket[b] = nx;
    if (nx >= 0) node[4 * nx + 3] = p;
    else bucket[b + 1] = p;
  }

  private register(ev: SimEvent): number {
    const id = this.byId.length;
    if (id === this.inQ.length) this.growIds();
    this.byId.push(ev);
    ev.id = id;
    return id;
  }

  private growIds(): void {
    const cap = this.inQ.length * 2;
    const node = new Float64Array(4 * cap);
    node.set(this.node);
    this.node = node;
    const q = new Uint8Array(cap);
    q.set(this.inQ);
    this.inQ = q;
  }

  /** Re-buckets every event into `nb` buckets with a width estimated from the earliest events. */
  private resize(nb: number): void {
    const ids: number[] = [];
    for (let b = 0; b < this.nb; b++) for (let h = this.bucket[2 * b]!; h >= 0; h = this.node[4 * h + 2]!) ids.push(h);
    this.width = this.estimateWidth(ids);
    this.nb = nb;
    this.mask = nb - 1;
    this.bucket = new Int32Array(2 * nb).fill(-1);
    this.curK = Infinity;
    this.longScans = 0;
    for (const id of ids) this.link(id);
    if (ids.length === 0) this.curK = 0;
    this.cached = -1;
  }

  /** Brown's rule: about 3 x the average separation of the earliest events (outliers trimmed). */
  private estimateWidth(ids: number[]): number {
    if (ids.length < 2) return this.width;
    const SAMPLE = Math.min(ids.length, 64);
    // the SAMPLE earliest times, in order: a partial selection (a full sort of 10^6 times made each
    // resize of a large queue cost tens of ms)
    const times = new Float64Array(SAMPLE);
    let kept0 = 0;
    for (const id of ids) {
      const t = this.node[4 * id]!;
      if (kept0 === SAMPLE && t >= times[SAMPLE - 1]!) continue;
      let j = kept0 < SAMPLE ? kept0++ : SAMPLE - 1;
      while (j > 0 && times[j - 1]! > t) {
        times[j] = times[j - 1]!;
        j--;
      }
      times[j] = t;
    }
    const gaps: number[] = [];
    for (let i = 1; i < SAMPLE; i++) gaps.push(times[i]! - times[i - 1]!);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const kept = gaps.filter((g) => g <= 2 * mean);
    const avg = kept.length ? kept.reduce((a, b) => a + b, 0) / kept.length : mean;
    return Math.max(1, Math.round(3 * avg));
  }
}
