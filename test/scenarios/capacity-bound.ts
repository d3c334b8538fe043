/**
 * The capacity search against the analytic bound (docs/results-format.md "Capacity and the bound"):
 * for a workload, on every preset, the capacity lies between 90 % and 100 % of the bound, the
 * simulated bottleneck is a resource the bound finds binding, and it is at least 90 % busy. One
 * file per workload (vitest runs files side by side).
 */
import { expect, it } from "vitest";
import { boardVariant } from "../../src/hw/boards/variant.ts";
import { saturateAsync, type SaturateOptions } from "../../src/scenarios/saturate.ts";
import type { WorkloadName } from "../../src/scenarios/workloads.ts";
import { MS } from "../../src/sim/time.ts";

/** Shorter windows than saturate's defaults (30 ms confirmed with 60 ms), a 3 % bracket, the same criterion. */
export const TEST_SEARCH: Omit<SaturateOptions, "seed"> = { windowPs: 30 * MS, replications: 2, maxReplications: 4, confirmReplications: 3, confirmFactor: 2, goalWidth: 0.03 };

type Sat = { load: number; boundLoad: number; ofBound: number; boundResource: string; bottleneckMatchesBound: boolean; confirmed: boolean };

export function capacityAgainstBound(workload: WorkloadName): void {
  for (const board of ["5A", "5B", "5C", "5D", "5E", "5F"]) {
    it(`${board}: capacity within 90-100 % of the bound, its binding resource the bottleneck, at least 90 % busy, confirmed`, { timeout: 300_000 }, async () => {
      const r = await saturateAsync(boardVariant(board, () => {}), workload, { ...TEST_SEARCH, seed: 1 });
      const s = r["saturation"] as Sat, bn = r["bottleneck"] as { resource: string; utilization: number; limiting: boolean };
      const what = `${board} ${workload}: capacity ${s.load.toFixed(3)}, bound ${s.boundLoad.toFixed(3)} (${s.boundResource}), bottleneck ${bn.resource} at ${(100 * bn.utilization).toFixed(1)} %`;
      expect(s.ofBound, what).toBeGreaterThanOrEqual(0.9);
      expect(s.ofBound, what).toBeLessThanOrEqual(1);
      expect(s.bottleneckMatchesBound, what).toBe(true);
      expect(bn.utilization, what).toBeGreaterThanOrEqual(0.9);
      expect(bn.limiting, what).toBe(true);
      // both ends kept their verdicts with the longer windows, on the same evidence each
      expect(s.confirmed, what).toBe(true);
    });
  }
}
