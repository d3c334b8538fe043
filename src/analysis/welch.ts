/**
 * Welch's t test of two means from what a results file keeps of each: the mean over n independent
 * replications and its two-sided confidence half-width h = t_{n−1, (1+level)/2} · S / √n
 * (docs/methods.md §2). The standard error S/√n is recovered as h / t_{n−1, (1+level)/2}; then
 *   t = (Ȳ_B − Ȳ_A) / √(se_A² + se_B²),
 *   ν = (se_A² + se_B²)² / (se_A⁴/(n_A − 1) + se_B⁴/(n_B − 1))   (Welch–Satterthwaite),
 * and the two-sided p-value is 2·(1 − F_ν(|t|)) with F_ν Student's t distribution function.
 * Welch does not assume equal variances (B. L. Welch, Biometrika 34, 1947; F. E. Satterthwaite,
 * Biometrics Bulletin 2, 1946; Law & Kelton, Simulation Modeling and Analysis, §10.2.1, the
 * "Welch confidence interval" for comparing two systems). Runs with common random numbers (the same
 * seeds in both files) are positively correlated, which makes this test conservative: a paired test
 * on the replications would be sharper, but a results file keeps only their summary.
 */
import tCdf from "@stdlib/stats-base-dists-t-cdf";
import { studentT } from "../stats/t-interval.ts";

export interface Summary {
  mean: number;
  /** Two-sided confidence half-width at `level`. */
  halfWidth: number;
  n: number;
  level: number;
}

export interface WelchResult {
  /** B − A. */
  difference: number;
  t: number;
  df: number;
  p: number;
  /** Half-width of the confidence interval of B − A at the summaries' level. */
  halfWidth: number;
}

/** The standard error of a summary's mean (0 with no spread). */
export function standardError(s: Summary): number {
  return s.halfWidth === 0 ? 0 : s.halfWidth / studentT(1 - (1 - s.level) / 2, s.n - 1);
}

/**
 * Welch's test of B against A; undefined when either has fewer than two replications (no
 * variance to test against). With no spread on either side, a difference is certain (p = 0) and
 * equality is p = 1.
 */
export function welch(a: Summary, b: Summary): WelchResult | undefined {
  if (a.n < 2 || b.n < 2) return undefined;
  const difference = b.mean - a.mean;
  const va = standardError(a) ** 2, vb = standardError(b) ** 2, v = va + vb;
  if (v === 0) return { difference, t: difference === 0 ? 0 : Math.sign(difference) * Infinity, df: a.n + b.n - 2, p: difference === 0 ? 1 : 0, halfWidth: 0 };
  const df = v ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  const t = difference / Math.sqrt(v);
  const p = Math.min(1, 2 * (1 - tCdf(Math.abs(t), df)));
  return { difference, t, df, p, halfWidth: studentT(1 - (1 - a.level) / 2, df) * Math.sqrt(v) };
}
