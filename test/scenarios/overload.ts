/**
 * Overload must not collapse (issue 21): a preset held at 1.5 and 3 times its capacity for 500 ms
 * under the inbound-heavy workload (the switch's own CPU or bus binds on 5A-5E) with the failover
 * scenarios' short probe timers (every 1 ms, 1 ms to answer). The capacity is the analytic bound's
 * (bound.ts, with the CPU costs the model measures in isolation, calibrate.ts), computed here, as
 * the capacity search brackets around it: the search's capacity lies within 90-100 % of it
 * (capacity-*.test.ts), so loads of 1.5 and 3 times the bound are at least that far over the
 * capacity. Required, from the issue: the data delivered (both directions, Mb/s) stays within 5 %
 * of the capacity's (the bound's, at its load), and no server or router changes health. One file
 * per half of the presets (vitest runs files side by side).
 */
import { expect, it } from "vitest";
import { boardVariant } from "../../src/hw/boards/variant.ts";
import { runBoard } from "../../src/scenarios/board-run.ts";
import { analyticBound } from "../../src/scenarios/bound.ts";
import { calibrate } from "../../src/scenarios/calibrate.ts";
import { workloadRates } from "../../src/scenarios/saturate.ts";
import { MS } from "../../src/sim/time.ts";

/** The failover scenarios' probe timers (claims.ts FAST_HEALTH). */
const FAST_HEALTH = { healthIntervalPs: MS, healthTimeoutPs: MS };
export const OVERLOADS = [1.5, 3] as const;
const HOLD_PS = 500 * MS;
/** How far below the capacity's throughput overload may deliver (the issue: "within 5 % of capacity"). */
const TOLERANCE = 0.05;

type Rec = {
  delivered: { inboundMbps: number; outboundMbps: number };
  health: { serverDowns: number; serverUps: number; routerDowns: number; routerUps: number; events: unknown[]; probes: Record<string, number> };
  frames: { injected: number; delivered: number; inFlight: number; inFlightAtStart: number; dropped: Record<string, number> };
};

export function overloadHolds(boards: readonly string[]): void {
  for (const board of boards) {
    it(`${board}: at 1.5 and 3 times its capacity for 500 ms it delivers within 5 % of the capacity's throughput, and no server or router changes health`, { timeout: 300_000 }, () => {
      const spec = boardVariant(board, () => {});
      const rates = workloadRates("inbound-heavy");
      const run = { ...FAST_HEALTH, inboundBpsPerRouter: rates.inboundBpsPerRouter, outboundBpsPerServer: rates.outboundBpsPerServer };
      const bound = analyticBound(spec, rates, calibrate(spec, rates, run, 1));
      const capacityMbps = bound.inboundMbps + bound.outboundMbps;
      for (const k of OVERLOADS) {
        const r = runBoard(spec, { ...run, seed: 1, durationPs: HOLD_PS, load: k * bound.load }) as unknown as Rec;
        const mbps = r.delivered.inboundMbps + r.delivered.outboundMbps;
        const what = `${board} at ${k} x its bound (load ${(k * bound.load).toFixed(3)}, ${bound.resource}): ${mbps.toFixed(1)} Mb/s (in ${r.delivered.inboundMbps.toFixed(1)}, out ${r.delivered.outboundMbps.toFixed(1)}) against ${capacityMbps.toFixed(1)}; probes ${JSON.stringify(r.health.probes)}`;
        expect(mbps, what).toBeGreaterThanOrEqual((1 - TOLERANCE) * capacityMbps);
        expect(r.health.events, what).toEqual([]);
        expect(r.health.probes["failed"], what).toBe(0);
        const dropped = Object.values(r.frames.dropped).reduce((a, b) => a + b, 0);
        expect(r.frames.injected + r.frames.inFlightAtStart, what).toBe(r.frames.delivered + dropped + r.frames.inFlight);
      }
    });
  }
}
