/**
 * The optimal-workload round in C (firmware/c/switch/balance.c `balance_round`: balanceRound)
 * against cluster.ts `balanceRound` (the reference), on random counters: each server's workload
 * exactly (milli-load, or IPVS connections in 1/256 flows), one flow's share to within the
 * 48.16 fixed point's rounding (the C has no floating point: DIVU and a shift-and-subtract fraction), and the
 * server the next flows go to (cluster.ts `choose`) the TypeScript's optimum.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { balanceRound, choose, eligible, type Cluster, type Server } from "../../../src/firmware/cluster.ts";
import { ControlImage, OW_MAX_SERVERS, type HostOwServer } from "../../../src/hw/cpu/isa/control-host.ts";

const elf = readFileSync(new URL("../../../firmware/build/control.elf", import.meta.url));

const serverArb = fc.record({
  loadMilli: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2_000_000 })),
  active: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 60_000 })),
  inactive: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 60_000 })),
  weight: fc.integer({ min: 0, max: 8 }),
  up: fc.constantFrom(true, true, true, true, false),
  removed: fc.constantFrom(false, false, false, true),
  draining: fc.constantFrom(false, false, false, true),
  reported: fc.constantFrom(true, true, true, false),
});

function tsCluster(ss: readonly HostOwServer[]): Cluster {
  const servers = ss.map((s, i) => ({ name: `s${i}`, weight: s.weight, state: s.up ? "up" : "down", removed: s.removed, draining: s.draining, load: s.loadMilli / 1000, loadReported: s.reported, active: s.active, inactive: s.inactive }) as unknown as Server);
  const n = ss.length;
  return { policy: "optimal-workload", servers, owBase: new Float64Array(n), owGiven: new Float64Array(n), owUnit: 0 } as unknown as Cluster;
}

describe("balance_round in C against cluster.ts balanceRound", () => {
  it("measures the same workloads and share, and picks the same optimum", () => {
    const img = new ControlImage(elf);
    fc.assert(
      fc.property(fc.array(serverArb, { minLength: 1, maxLength: OW_MAX_SERVERS }), fc.integer({ min: 0, max: 3 }), (ss, c) => {
        img.writeOwCluster(c, ss);
        img.call("balance_round", [c]);
        const out = img.readOwCluster(c), cl = tsCluster(ss);
        balanceRound(cl);
        // workload units: milli-load, or 1/256 flows
        const unit = out.byLoad ? 1000 : 256;
        expect(out.base.map((b) => b / unit)).toEqual(Array.from(cl.owBase));
        expect(out.given).toEqual(ss.map(() => 0));
        const share = out.unitQ16 / 65536 / unit;
        expect(Math.abs(share - cl.owUnit)).toBeLessThanOrEqual(1 / 65536 / unit + 1e-12 * cl.owUnit);
        // the next flows: the C's figures give the server the TypeScript's optimum is, up to the share's rounding
        const given = ss.map(() => 0);
        for (let f = 0; f < 5; f++) {
          const best = choose(cl, 0);
          let cBest = -1, cScore = Infinity;
          ss.forEach((s, i) => {
            if (!eligible(cl.servers[i]!)) return;
            const score = (out.base[i]! / unit + (given[i]! + 1) * share) / s.weight;
            if (score < cScore) (cBest = i), (cScore = score);
          });
          expect(cBest >= 0).toBe(best >= 0);
          if (best < 0) break;
          const tsScore = (i: number) => (cl.owBase[i]! + cl.owGiven[i]! * cl.owUnit) / cl.servers[i]!.weight; // owGiven already counts the flow choose gave
          const cScoreTs = (cl.owBase[cBest]! + (given[cBest]! + 1) * cl.owUnit) / cl.servers[cBest]!.weight;
          expect(Math.abs(cScoreTs - tsScore(best))).toBeLessThanOrEqual((16 * (f + 1)) / 65536 / unit + 1e-9 * tsScore(best));
          given[best]!++; // both go on from the TypeScript's choice
        }
      }),
      { numRuns: 500, seed: 17 },
    );
  });

  it("counts flows when a server has not reported, or every load is zero", () => {
    const img = new ControlImage(elf);
    const s = (o: Partial<HostOwServer>): HostOwServer => ({ loadMilli: 500, active: 3, inactive: 2, weight: 1, up: true, removed: false, draining: false, reported: true, ...o });
    img.writeOwCluster(0, [s({}), s({ reported: false, active: 1, inactive: 0 })]);
    img.call("balance_round", [0]);
    expect(img.readOwCluster(0)).toEqual({ byLoad: false, unitQ16: 256 * 65536, base: [3 * 256 + 2, 256], given: [0, 0] });
    // loads 0.5 and 1.5 over 3 established + 2 SYN-only and 4 established flows: 2000 milli over (7 * 256 + 2) / 256 flows
    img.writeOwCluster(1, [s({}), s({ loadMilli: 1500, active: 4, inactive: 0 })]);
    img.call("balance_round", [1]);
    expect(img.readOwCluster(1).unitQ16).toBe(Math.floor((2000 * 2 ** 24) / (7 * 256 + 2)));
    expect(img.readOwCluster(1).byLoad).toBe(true);
  });
});
