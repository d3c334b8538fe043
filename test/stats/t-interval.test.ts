import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { precise, relativeHalfWidth, studentT, tInterval } from "../../src/stats/t-interval.ts";
import { RandomStream } from "../../src/sim/random.ts";

describe("Student-t intervals over replications (Law & Kelton ch. 9; docs/methods.md §2)", () => {
  it("uses the t quantile, not the normal one: t(0.975, 9) = 2.262, t(0.975, 4) = 2.776 (Law & Kelton table)", () => {
    expect(studentT(0.975, 9)).toBeCloseTo(2.262, 3);
    expect(studentT(0.975, 4)).toBeCloseTo(2.776, 3);
    expect(studentT(0.975, 1)).toBeCloseTo(12.706, 3);
  });

  it("gives mean ± t·S/√n for a known sample", () => {
    const i = tInterval([1, 2, 3, 4, 5]);
    expect(i.mean).toBe(3);
    expect(i.sd).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(i.halfWidth).toBeCloseTo((2.776445 * Math.sqrt(2.5)) / Math.sqrt(5), 5);
    expect(relativeHalfWidth(i)).toBeCloseTo(i.halfWidth / 3, 12);
  });

  it("has no interval for one value, and a zero one for equal values", () => {
    expect(tInterval([7]).halfWidth).toBe(0);
    expect(tInterval([7, 7, 7]).halfWidth).toBe(0);
  });

  it("covers the true mean of normal samples about 95 % of the time (n = 5, 4000 intervals)", () => {
    const r = new RandomStream("coverage", 12345);
    const normal = () => Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble()); // Box-Muller
    let covered = 0;
    const trials = 4000;
    for (let t = 0; t < trials; t++) {
      const xs = Array.from({ length: 5 }, () => 10 + 3 * normal());
      const i = tInterval(xs);
      if (Math.abs(i.mean - 10) <= i.halfWidth) covered++;
    }
    // binomial sd at p = 0.95, n = 4000: 0.0034; the normal quantile would give about 0.88
    expect(covered / trials).toBeGreaterThan(0.935);
    expect(covered / trials).toBeLessThan(0.965);
  });

  it("is invariant in shape: shifting and scaling the values shifts and scales the interval", () => {
    fc.assert(fc.property(fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 2, maxLength: 20 }), fc.double({ min: 0.1, max: 10, noNaN: true }), (xs, a) => {
      const i = tInterval(xs), j = tInterval(xs.map((x) => a * x + 5));
      expect(j.mean).toBeCloseTo(a * i.mean + 5, 6);
      expect(j.halfWidth).toBeCloseTo(a * i.halfWidth, 6);
    }));
  });

  it("stops sequentially by Law & Kelton's rule: h <= γ/(1+γ)·|mean|, or under an absolute floor", () => {
    expect(precise({ mean: 100, halfWidth: 1.9, n: 10, sd: 1, level: 0.95 }, 0.02)).toBe(true); // 0.0196 x 100
    expect(precise({ mean: 100, halfWidth: 2.0, n: 10, sd: 1, level: 0.95 }, 0.02)).toBe(false);
    expect(precise({ mean: 0, halfWidth: 0.001, n: 10, sd: 1, level: 0.95 }, 0.02, 0.002)).toBe(true);
    expect(precise({ mean: 100, halfWidth: 0, n: 1, sd: 0, level: 0.95 }, 0.02)).toBe(false);
  });
});
