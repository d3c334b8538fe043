/**
 * MSER-m warm-up detection (White 1997, Simulation 69(6); MSER-5 per Spratt 1998; docs/methods.md
 * §3): batch the series into means of m, then choose the truncation d* that minimises the squared
 * marginal standard error of the truncated mean, Σ_{i>d}(Z_i − Z̄_d)² / (k − d)². Only the first
 * half of the series is searched: MSER "sometimes erroneously reports a truncation point at the
 * end of the data series" (a short, smooth tail of an autocorrelated series has little variance),
 * and a truncation past half the series is not valid anyway (White & Robinson 2010); a minimum at
 * the end of that half (within `guard` batches of it) means the run is too short.
 */
export interface MserResult {
  /** Observations to delete (a multiple of m). */
  truncation: number;
  /** The truncation in batches. */
  batches: number;
  /** True when the truncation is more than half the series: lengthen the run. */
  tooShort: boolean;
}

export function mser(series: ArrayLike<number>, m = 5, guard = 5): MserResult {
  const k = Math.floor(series.length / m);
  if (k < guard + 2) return { truncation: 0, batches: 0, tooShort: true };
  const z = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let j = 0; j < m; j++) s += series[i * m + j]!;
    z[i] = s / m;
  }
  // suffix sums of z and z² give each candidate's statistic in O(1)
  const sum = new Float64Array(k + 1), sq = new Float64Array(k + 1);
  for (let i = k - 1; i >= 0; i--) {
    sum[i] = sum[i + 1]! + z[i]!;
    sq[i] = sq[i + 1]! + z[i]! * z[i]!;
  }
  let best = 0, bestStat = Infinity;
  const last = Math.floor(k / 2);
  for (let d = 0; d <= last; d++) {
    const n = k - d, mean = sum[d]! / n;
    const ss = sq[d]! - n * mean * mean;
    const stat = ss / (n * n);
    if (stat < bestStat) (bestStat = stat), (best = d);
  }
  return { truncation: best * m, batches: best, tooShort: best > last - guard };
}
