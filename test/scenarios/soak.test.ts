import { describe, expect, it } from "vitest";
import { loadBoard } from "../../src/hw/boards/load.ts";
import { runBoard } from "../../src/scenarios/board-run.ts";
import { WORKLOADS } from "../../src/scenarios/workloads.ts";
import { MS } from "../../src/sim/time.ts";

type Rec = { frames: { injected: number; delivered: number; inFlight: number; inFlightAtStart: number; dropped: Record<string, number> }; data: { injected: number; delivered: number; inFlight: number } };

/**
 * Long runs: what only shows after a simulated second or more. Frame handles once passed 2^31
 * after 2,048 reuses of a slot (well within a second on a busy board), were stored truncated by
 * the rings that carry them, and stranded their frames in flight for good; 20 ms runs never saw it.
 * Here traffic stops 20 ms before the end, so every data frame must have drained.
 */
describe("long runs (1.5 simulated s): every data frame drains, the counts add up", () => {
  for (const name of ["5A", "5D"]) {
    it(name, () => {
      const b = loadBoard(name);
      if (!b.ok) throw new Error(b.error);
      const duration = 1500 * MS;
      const r = runBoard(b.board, {
        seed: 4, durationPs: duration, load: 1, ...WORKLOADS.mixed,
        script: (ctx) => void (ctx.workload.p.stopPs = ctx.windowStartPs + duration - 20 * MS),
      }) as unknown as Rec;
      expect(r.data.injected).toBeGreaterThan(150_000);
      expect(r.data.inFlight).toBe(0);
      const dropped = Object.values(r.frames.dropped).reduce((s, n) => s + n, 0);
      expect(r.frames.injected + r.frames.inFlightAtStart).toBe(r.frames.delivered + dropped + r.frames.inFlight);
    });
  }
});
