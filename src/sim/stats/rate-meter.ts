/**
 * Counts items and bytes and reports their rate over the measured interval (frames/s, Mb/s).
 * The interval opens at `start` (or at `reset(now)`, for a warm-up cut) and closes at the read.
 */
import { SEC, type Tick } from "../time.ts";

export interface RateReading {
  count: number;
  bytes: number;
  perSecond: number;
  bitsPerSecond: number;
  intervalPs: number;
}

export class RateMeter {
  count = 0;
  bytes = 0;

  constructor(private start: Tick = 0) {}

  add(bytes: number): void {
    this.count++;
    this.bytes += bytes;
  }

  reset(now: Tick): void {
    this.start = now;
    this.count = 0;
    this.bytes = 0;
  }

  read(now: Tick): RateReading {
    const interval = now - this.start;
    const s = interval / SEC;
    return {
      count: this.count,
      bytes: this.bytes,
      perSecond: s > 0 ? this.count / s : 0,
      bitsPerSecond: s > 0 ? (this.bytes * 8) / s : 0,
      intervalPs: interval,
    };
  }
}
