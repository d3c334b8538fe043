/**
 * Deferred completions and lazy arbitration (src/hw/pci/bus.ts) are simulation techniques: the
 * same runs with every end of data and of turnaround an event must give byte-identical records
 * (event counts included), bus statistics and pcaps, from light load to overload (contention, full
 * master queues, latency-timer cuts). Here a pairwise covering subset of issue 18's acceptance
 * matrix (every preset and Fig 5D with twelve GT-48002s, each workload, and every board and
 * workload at loads 1 and 3 and seeds 1 and 2); `npm run bench -- exactness` runs all 84 settings.
 */
import { afterAll, describe, expect, it } from "vitest";
import { differences, pairwiseMatrix, resetTechnique } from "../../bench/exactness.ts";

describe("deferred PCI completions and lazy arbitration change nothing", () => {
  afterAll(() => resetTechnique());
  for (const s of pairwiseMatrix()) {
    it(`${s.board} at load ${s.load} ${s.workload}, seed ${s.seed}: same record (events included) and same pcaps`, async () => {
      // a macrotask between the long synchronous runs, so the worker answers vitest's RPC in time
      await new Promise((r) => setImmediate(r));
      expect(differences(s)).toEqual([]);
    });
  }
});
