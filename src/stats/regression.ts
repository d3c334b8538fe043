/**
 * Ordinary least squares of y on x: the slope, its standard error and the intercept
 * (docs/methods.md §5: the regression-slope test for a growing queue). Plain loops over typed arrays.
 */
export interface SlopeFit {
  slope: number;
  intercept: number;
  /** Standard error of the slope (n - 2 degrees of freedom); NaN with fewer than 3 points. */
  slopeSe: number;
  n: number;
}

export function olsSlope(x: ArrayLike<number>, y: ArrayLike<number>): SlopeFit {
  const n = Math.min(x.length, y.length);
  if (n < 2) return { slope: 0, intercept: n ? y[0]! : 0, slopeSe: NaN, n };
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) (mx += x[i]!), (my += y[i]!);
  mx /= n;
  my /= n;
  let sxx = 0, sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    sxx += dx * dx;
    sxy += dx * (y[i]! - my);
  }
  if (sxx === 0) return { slope: 0, intercept: my, slopeSe: NaN, n };
  const slope = sxy / sxx, intercept = my - slope * mx;
  let sse = 0;
  for (let i = 0; i < n; i++) {
    const e = y[i]! - intercept - slope * x[i]!;
    sse += e * e;
  }
  const slopeSe = n > 2 ? Math.sqrt(sse / (n - 2) / sxx) : NaN;
  return { slope, intercept, slopeSe, n };
}
