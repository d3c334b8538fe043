/**
 * A bounded FIFO of integers (frame handles, request ids) over an Int32Array ring: Click's
 * `SimpleQueue` with its counters as API. `push` returns false when full and counts the drop;
 * the caller names the cause. Nothing is allocated after construction. Items must be 32-bit
 * signed integers (frame handles are: see FramePool); anything else is refused with an error, not
 * stored truncated.
 */
export class IntRing {
  private readonly buf: Int32Array;
  private head = 0;
  private len = 0;
  /** Pushes refused because the ring was full. */
  drops = 0;
  /** Largest occupancy seen. */
  highWater = 0;
  /** Items ever accepted. */
  enqueued = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity ${capacity} must be a positive integer`);
    this.buf = new Int32Array(capacity);
  }

  get size(): number {
    return this.len;
  }

  get full(): boolean {
    return this.len === this.capacity;
  }

  push(x: number): boolean {
    if ((x | 0) !== x) throw new RangeError(`ring item ${x} is not a 32-bit integer (model bug)`);
    if (this.len === this.capacity) {
      this.drops++;
      return false;
    }
    let i = this.head + this.len;
    if (i >= this.capacity) i -= this.capacity;
    this.buf[i] = x;
    this.len++;
    this.enqueued++;
    if (this.len > this.highWater) this.highWater = this.len;
    return true;
  }

  /** The oldest item, or -1 when empty. */
  peek(): number {
    return this.len === 0 ? -1 : this.buf[this.head]!;
  }

  /** Removes and returns the oldest item, or -1 when empty. */
  shift(): number {
    if (this.len === 0) return -1;
    const x = this.buf[this.head]!;
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    this.len--;
    return x;
  }

  /** Restarts the counters (a warm-up's end): the high-water mark restarts at the current size. */
  resetStats(): void {
    this.drops = 0;
    this.enqueued = 0;
    this.highWater = this.len;
  }

  read(): { size: number; capacity: number; highWater: number; drops: number; enqueued: number } {
    return { size: this.len, capacity: this.capacity, highWater: this.highWater, drops: this.drops, enqueued: this.enqueued };
  }
}

/** A bounded FIFO of object references (preallocated requests), same contract as IntRing. */
export class Ring<T> {
  private readonly buf: (T | undefined)[];
  private head = 0;
  private len = 0;
  drops = 0;
  highWater = 0;
  enqueued = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity ${capacity} must be a positive integer`);
    this.buf = new Array<T | undefined>(capacity).fill(undefined);
  }

  get size(): number {
    return this.len;
  }

  get full(): boolean {
    return this.len === this.capacity;
  }

  push(x: T): boolean {
    if (this.len === this.capacity) {
      this.drops++;
      return false;
    }
    let i = this.head + this.len;
    if (i >= this.capacity) i -= this.capacity;
    this.buf[i] = x;
    this.len++;
    this.enqueued++;
    if (this.len > this.highWater) this.highWater = this.len;
    return true;
  }

  /** Puts x back at the head (a continuation that must go first); false when full. */
  unshift(x: T): boolean {
    if (this.len === this.capacity) {
      this.drops++;
      return false;
    }
    this.head = this.head === 0 ? this.capacity - 1 : this.head - 1;
    this.buf[this.head] = x;
    this.len++;
    if (this.len > this.highWater) this.highWater = this.len;
    return true;
  }

  /** Restarts the counters (a warm-up's end): the high-water mark restarts at the current size. */
  resetStats(): void {
    this.drops = 0;
    this.highWater = this.len;
  }

  peek(): T | undefined {
    return this.len === 0 ? undefined : this.buf[this.head];
  }

  shift(): T | undefined {
    if (this.len === 0) return undefined;
    const x = this.buf[this.head];
    this.buf[this.head] = undefined;
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    this.len--;
    return x;
  }
}
