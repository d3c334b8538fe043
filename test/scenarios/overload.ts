/**
 * Overload must not collapse (issue 21): a preset held at 1.5 and 3 times its capacity for 500 ms
 * under the inbound-heavy workload (the switch's own CPU or bus binds on 5A-5E) with the failover
 * scenarios' short probe timers (every 1 ms, 1 ms to answer). The capacity is the analytic bound's
 * (bound.ts, with the CPU costs the model measures in isolation, calibrate.ts), computed here, as
 * the capacity search brackets around it: the search's capacity lies within 90-100 % of it
 * (capacity-*.test.ts), so loads of 1.5 and 3 times the bound are at least that far over the
 * capacity. Required, from the issue: the data delivered (both directions, Mb/s) stays within 5 %
 * of the capacity's (the bound's, at its load), and no server or router changes health. And a
 * router that really fails under overload does not pull the CPU into collapse: its frames,
 * redirected through the CPU path, neither starve the other traffic nor the control plane. One
 * file per half of the presets (vitest runs files side by side).
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

/** The preset's capacity (its bound at the inbound-heavy workload with 1 ms probes) and the run options that go with it. */
function capacityOf(board: string) {
  const spec = boardVariant(board, () => {});
  const rates = workloadRates("inbound-heavy");
  const run = { ...FAST_HEALTH, inboundBpsPerRouter: rates.inboundBpsPerRouter, outboundBpsPerServer: rates.outboundBpsPerServer };
  const bound = analyticBound(spec, rates, calibrate(spec, rates, run, 1));
  return { spec, run, bound, mbps: bound.inboundMbps + bound.outboundMbps };
}

type Rec = {
  delivered: { inboundMbps: number; outboundMbps: number };
  health: { serverDowns: number; serverUps: number; routerDowns: number; routerUps: number; events: { name: string; change: string; cause: string }[]; probes: Record<string, number> };
  frames: { injected: number; delivered: number; inFlight: number; inFlightAtStart: number; dropped: Record<string, number> };
};

/** Each preset's capacity, computed once per file (the calibration takes seconds). */
const capacities = new Map<string, ReturnType<typeof capacityOf>>();
const capacity = (board: string) => capacities.get(board) ?? capacities.set(board, capacityOf(board)).get(board)!;

/**
 * One test per preset and overload factor: a run holds the worker for tens of seconds without a
 * break, and on a loaded machine two in one test outlast vitest's 60 s RPC timeout.
 */
export function overloadHolds(boards: readonly string[]): void {
  for (const board of boards) {
    for (const k of OVERLOADS) {
      it(`${board}: at ${k} times its capacity for 500 ms it delivers within 5 % of the capacity's throughput, and no server or router changes health`, { timeout: 300_000 }, () => {
        const { spec, run, bound, mbps: capacityMbps } = capacity(board);
        const r = runBoard(spec, { ...run, seed: 1, durationPs: HOLD_PS, load: k * bound.load }) as unknown as Rec;
        const mbps = r.delivered.inboundMbps + r.delivered.outboundMbps;
        const what = `${board} at ${k} x its bound (load ${(k * bound.load).toFixed(3)}, ${bound.resource}): ${mbps.toFixed(1)} Mb/s (in ${r.delivered.inboundMbps.toFixed(1)}, out ${r.delivered.outboundMbps.toFixed(1)}) against ${capacityMbps.toFixed(1)}; probes ${JSON.stringify(r.health.probes)}`;
        expect(mbps, what).toBeGreaterThanOrEqual((1 - TOLERANCE) * capacityMbps);
        expect(r.health.events, what).toEqual([]);
        expect(r.health.probes["failed"], what).toBe(0);
        const dropped = Object.values(r.frames.dropped).reduce((a, b) => a + b, 0);
        expect(r.frames.injected + r.frames.inFlightAtStart, what).toBe(r.frames.delivered + dropped + r.frames.inFlight);
      });
    }
  }
}

/**
 * A router fails (silent) at 30 ms of a 100 ms window at 1.5 times the preset's capacity: it is
 * declared down and nothing else is; frames still sent to it go to the CPU path to be redirected
 * until its server is re-pointed; throughput stays within 5 % of the capacity's; and every server
 * keeps receiving inbound frames in every 10 ms of the window (at least half its mean: a starved
 * server receives none; the collapse starved them all).
 */
export function routerFailsUnderOverload(board: string): void {
  it(`${board}: a router failing at 1.5 times its capacity is declared down, alone, and its redirected frames starve nothing`, { timeout: 300_000 }, () => {
    const { spec, run, bound, mbps: capacityMbps } = capacity(board);
    const r = runBoard(spec, {
      ...run, seed: 1, durationPs: 100 * MS, load: 1.5 * bound.load, timelineBucketPs: 10 * MS,
      script: (c) => c.at(30 * MS, () => (c.workload.routerDown[0] = true)),
    }) as unknown as Rec & { timeline: { inboundFramesPerServer: Record<string, number[]> } };
    const mbps = r.delivered.inboundMbps + r.delivered.outboundMbps;
    const what = `${board}: ${mbps.toFixed(1)} Mb/s against ${capacityMbps.toFixed(1)}; health ${JSON.stringify(r.health.events)}; probes ${JSON.stringify(r.health.probes)}; per server ${JSON.stringify(r.timeline.inboundFramesPerServer)}`;
    expect(r.health.events.map((e) => `${e.name} ${e.change} ${e.cause}`), what).toEqual(["r0 down probes"]);
    expect(mbps, what).toBeGreaterThanOrEqual((1 - TOLERANCE) * capacityMbps);
    for (const series of Object.values(r.timeline.inboundFramesPerServer)) {
      const mean = series.reduce((a, b) => a + b, 0) / series.length;
      expect(Math.min(...series), what).toBeGreaterThanOrEqual(0.5 * mean);
    }
  });
}
