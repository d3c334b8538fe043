/**
 * Latency distribution with percentiles, backed by HdrHistogram (hdr-histogram-js): fixed memory,
 * no allocation per recorded value, 3 significant digits. Values are recorded in ns (from ps
 * ticks, rounded) and read out in microseconds.
 */
import * as hdr from "hdr-histogram-js";
import type { Tick } from "../time.ts";

export interface LatencyReading {
  count: number;
  minUs: number;
  meanUs: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export class LatencyHistogram {
  private readonly h: hdr.Histogram;

  /** @param highestNs largest latency tracked exactly (default 10 s); larger values saturate. */
  constructor(private readonly highestNs = 10_000_000_000) {
    this.h = hdr.build({
      bitBucketSize: 64,
      lowestDiscernibleValue: 1,
      highestTrackableValue: highestNs,
      numberOfSignificantValueDigits: 3,
      autoResize: false,
      useWebAssembly: false,
    });
  }

  /** Records one latency given in ps. */
  record(latency: Tick): void {
    const ns = Math.max(1, Math.min(this.highestNs, Math.round(latency / 1000)));
    this.h.recordValue(ns);
  }

  get count(): number {
    return this.h.totalCount;
  }

  /** Latency at percentile p (0-100) in microseconds. */
  percentileUs(p: number): number {
    return this.h.totalCount === 0 ? 0 : this.h.getValueAtPercentile(p) / 1000;
  }

  /** Points of the distribution function: [latency in us, fraction at or below], at the given percentiles. */
  cdf(percentiles: readonly number[] = [1, 5, 10, 25, 50, 75, 90, 95, 99, 99.9, 100]): [number, number][] {
    if (this.h.totalCount === 0) return [];
    return percentiles.map((p) => [this.percentileUs(p), p / 100]);
  }

  reset(): void {
    this.h.reset();
  }

  read(): LatencyReading {
    const empty = this.h.totalCount === 0;
    return {
      count: this.h.totalCount,
      minUs: empty ? 0 : this.h.minNonZeroValue / 1000,
      meanUs: empty ? 0 : this.h.mean / 1000,
      p50: this.percentileUs(50),
      p90: this.percentileUs(90),
      p99: this.percentileUs(99),
      p999: this.percentileUs(99.9),
      max: empty ? 0 : this.h.maxValue / 1000,
    };
  }
}
