/**
 * Latency distribution with percentiles, backed by HdrHistogram (hdr-histogram-js): fixed memory,
 * no allocation per recorded value, 3 significant digits. Values are recorded in ns (from ps
 * ticks, rounded) and read out in microseconds. Values under 4,096 ns (a bus's grant waits, most
 * frame latencies) are counted in a plain array by value; values up to 2^32 ns are counted by
 * HdrHistogram bucket (3 digits: 1,024 sub-buckets per power of two, as its own index), with the
 * exact smallest and largest kept; both are handed to HdrHistogram as values with counts before
 * any read. Its percentiles and mean depend only on the counts per bucket, and its min and max on
 * the extreme values, so the histogram reads the same at a fraction of the cost per value. The mean
 * is HdrHistogram's (each bucket's median-equivalent value times its count, summed in bucket
 * order), computed over the counts directly: its own getter walks an iterator that allocates at
 * every bucket it passes (about a megabyte for one read of a DRAM latency histogram).
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

const SMALL_NS = 4096;
/** Values in [2^12, 2^32) ns: 20 powers of two x 1,024 sub-buckets. */
const LARGE_BUCKETS = 20 * 1024;

/** What `meanNs` reads of hdr-histogram-js's JsHistogram (public there, not in its Histogram interface). */
interface HdrCounts {
  totalCount: number;
  countsArrayLength: number;
  getCountAtIndex(i: number): number;
  valueFromIndex(i: number): number;
  highestEquivalentValue(v: number): number;
  medianEquivalentValue(v: number): number;
}

export class LatencyHistogram {
  private readonly hist: hdr.Histogram;
  private runValue = -1;
  private runCount = 0;
  /** Counts of values under SMALL_NS, by value (made on first use). */
  private small: Float64Array | undefined;
  private smallCount = 0;
  /** Counts of values in [SMALL_NS, 2^32) by HdrHistogram bucket, the buckets touched, and the extremes. */
  private large: Float64Array | undefined;
  private touched: Int32Array | undefined;
  private nTouched = 0;
  private largeMin = Infinity;
  private largeMax = -Infinity;

  /** @param highestNs largest latency tracked exactly (default 10 s); larger values saturate. */
  constructor(private readonly highestNs = 10_000_000_000) {
    this.hist = hdr.build({
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
    if (ns < SMALL_NS) {
      (this.small ??= new Float64Array(SMALL_NS))[ns]!++;
      this.smallCount++;
      return;
    }
    if (ns < 4294967296) {
      // HdrHistogram's bucket for 3 digits: power k, sub-bucket ns >> (k - 10) in [1024, 2048)
      const k = 31 - Math.clz32(ns);
      const i = (k - 12) * 1024 + (ns >>> (k - 10)) - 1024;
      const large = (this.large ??= new Float64Array(LARGE_BUCKETS));
      if (large[i] === 0) (this.touched ??= new Int32Array(LARGE_BUCKETS))[this.nTouched++] = i;
      large[i]!++;
      if (ns < this.largeMin) this.largeMin = ns;
      if (ns > this.largeMax) this.largeMax = ns;
      return;
    }
    if (ns === this.runValue) {
      this.runCount++;
      return;
    }
    if (this.runCount > 0) this.hist.recordValueWithCount(this.runValue, this.runCount);
    this.runValue = ns;
    this.runCount = 1;
  }

  /** The histogram with the pending run recorded. */
  private get h(): hdr.Histogram {
    if (this.smallCount > 0) {
      const small = this.small!;
      for (let v = 1; v < SMALL_NS; v++) {
        if (small[v]! > 0) {
          this.hist.recordValueWithCount(v, small[v]!);
          small[v] = 0;
        }
      }
      this.smallCount = 0;
    }
    if (this.nTouched > 0) {
      const large = this.large!, touched = this.touched!;
      const kMin = 31 - Math.clz32(this.largeMin), iMin = (kMin - 12) * 1024 + (this.largeMin >>> (kMin - 10)) - 1024;
      const kMax = 31 - Math.clz32(this.largeMax), iMax = (kMax - 12) * 1024 + (this.largeMax >>> (kMax - 10)) - 1024;
      for (let j = 0; j < this.nTouched; j++) {
        const i = touched[j]!;
        const n = large[i]!;
        large[i] = 0;
        // the bucket's lowest value, except where the exact extremes must show (same bucket, same counts)
        if (i === iMin && i === iMax) {
          this.hist.recordValueWithCount(this.largeMin, 1);
          if (n > 1) this.hist.recordValueWithCount(this.largeMax, n - 1);
        } else if (i === iMin) this.hist.recordValueWithCount(this.largeMin, n);
        else if (i === iMax) this.hist.recordValueWithCount(this.largeMax, n);
        else {
          const k = 12 + (i >> 10);
          this.hist.recordValueWithCount((1024 + (i & 1023)) * 2 ** (k - 10), n);
        }
      }
      this.nTouched = 0;
      this.largeMin = Infinity;
      this.largeMax = -Infinity;
    }
    if (this.runCount > 0) {
      this.hist.recordValueWithCount(this.runValue, this.runCount);
      this.runCount = 0;
      this.runValue = -1;
    }
    return this.hist;
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
    this.small?.fill(0);
    this.smallCount = 0;
    this.large?.fill(0);
    this.nTouched = 0;
    this.largeMin = Infinity;
    this.largeMax = -Infinity;
    this.runCount = 0;
    this.runValue = -1;
    this.hist.reset();
  }

  /** HdrHistogram's `mean`, the same sum in the same order, without its iterator. */
  meanNs(): number {
    const h = this.h as unknown as HdrCounts;
    const n = h.totalCount;
    if (n === 0) return 0;
    let sum = 0, seen = 0;
    for (let i = 0; seen < n && i < h.countsArrayLength; i++) {
      const c = h.getCountAtIndex(i);
      if (c === 0) continue;
      sum += h.medianEquivalentValue(h.highestEquivalentValue(h.valueFromIndex(i))) * c;
      seen += c;
    }
    return sum / n;
  }

  read(): LatencyReading {
    const empty = this.h.totalCount === 0;
    return {
      count: this.h.totalCount,
      minUs: empty ? 0 : this.h.minNonZeroValue / 1000,
      meanUs: empty ? 0 : this.meanNs() / 1000,
      p50: this.percentileUs(50),
      p90: this.percentileUs(90),
      p99: this.percentileUs(99),
      p999: this.percentileUs(99.9),
      max: empty ? 0 : this.h.maxValue / 1000,
    };
  }
}
