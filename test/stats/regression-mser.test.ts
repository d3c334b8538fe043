import { describe, expect, it } from "vitest";
import { olsSlope } from "../../src/stats/regression.ts";
import { mser } from "../../src/stats/mser.ts";

describe("least-squares trend (the growing-queue test, docs/methods.md §5)", () => {
  it("recovers an exact line with zero standard error", () => {
    const x = [0, 1, 2, 3, 4], y = x.map((v) => 3 * v + 2);
    const f = olsSlope(x, y);
    expect(f.slope).toBeCloseTo(3, 12);
    expect(f.intercept).toBeCloseTo(2, 12);
    expect(f.slopeSe).toBeCloseTo(0, 12);
  });

  it("gives the textbook standard error: sqrt(SSE / (n - 2) / Sxx)", () => {
    const x = [1, 2, 3, 4], y = [1, 3, 2, 5]; // slope 1.1, residuals -0.1 0.8 -1.3 0.6
    const f = olsSlope(x, y);
    expect(f.slope).toBeCloseTo(1.1, 12);
    const sse = 0.01 + 0.64 + 1.69 + 0.36;
    expect(f.slopeSe).toBeCloseTo(Math.sqrt(sse / 2 / 5), 12);
  });
});

describe("MSER-5 truncation (White 1997; docs/methods.md §3)", () => {
  it("finds where a transient ends: 100 observations at 10 then 400 at 0 (with a little noise)", () => {
    const s = Array.from({ length: 500 }, (_, i) => (i < 100 ? 10 : 0) + ((i * 7919) % 13) / 100);
    const r = mser(s);
    expect(r.truncation).toBe(100);
    expect(r.tooShort).toBe(false);
  });

  it("deletes nothing from a stationary series", () => {
    const s = Array.from({ length: 500 }, (_, i) => ((i * 7919) % 13) / 10);
    expect(mser(s).truncation).toBeLessThanOrEqual(25);
  });

  it("says when the run is too short (the transient takes most of it)", () => {
    const s = Array.from({ length: 200 }, (_, i) => 200 - i + ((i * 7919) % 13) / 100);
    expect(mser(s).tooShort).toBe(true);
  });
});
