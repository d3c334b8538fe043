/** The capacity over independent searches (src/scenarios/capacity-searches.ts): Student t over the searches' lower ends, by hand. */
import { describe, expect, it } from "vitest";
import { acrossSearches, combineSearches, searchSeeds } from "../../src/scenarios/capacity-searches.ts";
import type { RunRecord } from "../../src/scenarios/registry.ts";

const rec = (board: string, seed: number, lo: number, hi: number, confirmed = true) =>
  ({ board, seed, scenario: "saturate", saturation: { load: lo, loadInterval: [lo, hi], confirmed } }) as unknown as RunRecord;

describe("capacity over searches", () => {
  it("master seeds seed, seed + 1, ...", () => {
    expect(searchSeeds(7, 3)).toEqual([7, 8, 9]);
  });

  it("mean of the lower ends with the 95 % Student-t half-width over them (t(3) = 3.182)", () => {
    // 5C inbound-heavy's four searches: 1.697, 1.753, 1.642, 1.776; mean 1.717, squared deviations
    // 0.0004 + 0.001296 + 0.005625 + 0.003481 = 0.010802, s = sqrt(0.010802 / 3) = 0.060006,
    // h = 3.18245 x 0.060006 / 2 = 0.095483
    const r = acrossSearches([rec("5C", 1, 1.697, 1.731), rec("5C", 2, 1.753, 1.788), rec("5C", 3, 1.642, 1.675, false), rec("5C", 4, 1.776, 1.798)]);
    const x = (r["saturation"] as { searches: Record<string, unknown>; loadInterval: number[] });
    expect(x.loadInterval).toEqual([1.697, 1.731]); // the first search's record, as one search reports it
    expect(x.searches["n"]).toBe(4);
    expect(x.searches["seeds"]).toEqual([1, 2, 3, 4]);
    expect(x.searches["confirmed"]).toEqual([true, true, false, true]);
    expect(x.searches["mean"]).toBeCloseTo(1.717, 9);
    expect(x.searches["sd"]).toBeCloseTo(0.060006, 5);
    expect(x.searches["halfWidth"]).toBeCloseTo(0.095483, 4);
    expect(x.searches["relativeHalfWidth"]).toBeCloseTo(0.095483 / 1.717, 4);
  });

  it("one search: its own lower end, no interval; records combine board by board", () => {
    const one = acrossSearches([rec("5A", 1, 1.7, 1.73)]);
    expect((one["saturation"] as { searches: { mean: number; halfWidth: number } }).searches.mean).toBe(1.7);
    expect(Number.isNaN((one["saturation"] as { searches: { halfWidth: number } }).searches.halfWidth)).toBe(true);
    const all = combineSearches([rec("5A", 1, 1.7, 1.73), rec("5A", 2, 1.72, 1.75), rec("5F", 1, 2.0, 2.04), rec("5F", 2, 2.1, 2.14)], 2);
    expect(all.map((r) => r["board"])).toEqual(["5A", "5F"]);
    expect((all[1]!["saturation"] as { searches: { mean: number } }).searches.mean).toBeCloseTo(2.05, 12);
    expect(combineSearches([rec("5A", 1, 1.7, 1.73)], 1)).toHaveLength(1);
  });
});
