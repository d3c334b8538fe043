/**
 * Time-weighted statistics of a level over simulated time (OMNeT++ `timeavg`): queue depth,
 * number of busy servers, or 0/1 busy for a resource. `set(now, level)` closes the interval that
 * had the old level. `Utilization` is the 0/1 case: busy time over elapsed time.
 */
import type { TimeSource } from "../clock.ts";
import type { Tick } from "../time.ts";

export interface TimeWeightedReading {
  mean: number;
  max: number;
  last: number;
  elapsedPs: number;
}

export class TimeWeighted {
  private area = 0;
  private level = 0;
  /**
   * Initialised here as well as in the constructor: should this file be compiled with ES2022
   * class-field semantics (tsconfig.json sets them off), a field declared without a value starts
   * as `undefined`, V8 keeps it tagged, and every time above 2^31 stored into it (every busy and
   * idle of every bus, memory and wire) is a new heap number. Starting as a number it stays a
   * double field, updated in place.
   */
  private since: Tick = 0;
  private peak = 0;
  /** The level before the last change: a change may be recorded ahead of time (`addIn` with a delay), so a restart between now and then needs it. */
  private before = 0;

  constructor(private start: Tick = 0) {
    this.since = start;
  }

  /** Restarts the statistic at `now` (the end of a warm-up): the integral and peak restart from the current level. */
  restart(now: Tick): void {
    if (this.since > now) {
      // a change already recorded for a later time: the old level holds from now until then
      this.area = this.before * (this.since - now);
      this.peak = Math.max(this.before, this.level);
    } else {
      this.area = 0;
      this.since = now;
      this.peak = this.level;
    }
    this.start = now;
  }

  set(now: Tick, level: number): void {
    this.area += this.level * (now - this.since);
    this.since = now;
    this.before = this.level;
    this.level = level;
    if (level > this.peak) this.peak = level;
  }

  add(now: Tick, delta: number): void {
    this.set(now, this.level + delta);
  }

  /** `add(src.now + delay, delta)` with the time passed as a delay: a small integer crosses calls unboxed (ClockDomain, "Relative times"). */
  addIn(src: TimeSource, delay: number, delta: number): void {
    const now = src.now + delay, level = this.level + delta;
    this.area += this.level * (now - this.since);
    this.since = now;
    this.before = this.level;
    this.level = level;
    if (level > this.peak) this.peak = level;
  }

  get current(): number {
    return this.level;
  }

  /** Integral of the level over [start, now] in level x ps. */
  integral(now: Tick): number {
    return this.area + this.level * (now - this.since);
  }

  read(now: Tick): TimeWeightedReading {
    const elapsed = now - this.start;
    return { mean: elapsed > 0 ? this.integral(now) / elapsed : 0, max: this.peak, last: this.level, elapsedPs: elapsed };
  }
}

export interface UtilizationReading {
  utilization: number;
  busyPs: number;
  elapsedPs: number;
}

/**
 * Busy time over elapsed time of a resource with `capacity` units (1 for a bus). `busy(now)` and
 * `idle(now)` mark transitions; overlapping claims on a capacity-1 resource are a model bug.
 */
export class Utilization {
  private readonly tw: TimeWeighted;

  constructor(private start: Tick = 0, readonly capacity = 1) {
    this.tw = new TimeWeighted(start);
  }

  /** Restarts busy time and elapsed time at `now`; a resource busy now stays busy. */
  restart(now: Tick): void {
    this.tw.restart(now);
    this.start = now;
  }

  busy(now: Tick, units = 1): void {
    this.tw.add(now, units);
  }

  idle(now: Tick, units = 1): void {
    this.tw.add(now, -units);
  }

  /** `busy(src.now + delay)` for hot paths: a delay crosses calls unboxed, an absolute time does not (ClockDomain, "Relative times"). */
  busyIn(src: TimeSource, delay: number): void {
    this.tw.addIn(src, delay, 1);
  }

  /** `idle(src.now + delay)` (delay may be negative, not before the last change): a delay crosses calls unboxed. */
  idleIn(src: TimeSource, delay: number): void {
    this.tw.addIn(src, delay, -1);
  }

  /** `idle(src.now)`, without passing the time. */
  idleNow(src: TimeSource): void {
    this.tw.addIn(src, 0, -1);
  }

  get inUse(): number {
    return this.tw.current;
  }

  busyPs(now: Tick): number {
    return this.tw.integral(now) / this.capacity;
  }

  read(now: Tick): UtilizationReading {
    const elapsed = now - this.start;
    const busy = this.busyPs(now);
    return { utilization: elapsed > 0 ? busy / elapsed : 0, busyPs: busy, elapsedPs: elapsed };
  }
}
