/**
 * The capacity search's confirmation warm-up (docs/methods.md §6): k relaxation times of the
 * busiest resource at the lower end, τ = S / (1 − √ρ)² (the M/M/1 relaxation time, stats-methods
 * §6b), clamped between the search's warm-up and the confirmation window; a port's S is a frame's
 * wire time at the IMIX mean. Expected figures from the formula and the IMIX, not the model.
 */
import { describe, expect, it } from "vitest";
import { boardVariant } from "../../src/hw/boards/variant.ts";
import { capacitySearch, CONFIRM_WARMUP_RELAXATIONS, confirmationWarmup, type CapacityOptions, type RunRequest } from "../../src/scenarios/capacity.ts";
import { replicationSeed } from "../../src/stats/replications.ts";
import type { RunRecord } from "../../src/scenarios/registry.ts";
import { serviceTime } from "../../src/scenarios/saturate.ts";
import { settingLayout } from "../../src/scenarios/setting.ts";
import { MS } from "../../src/sim/time.ts";

const US = 1e6;
const rec = (util: Record<string, number>): RunRecord => ({ resources: Object.fromEntries(Object.entries(util).map(([k, u]) => [k, { utilization: u, queueHighWater: 0, drops: 0 }])) }) as unknown as RunRecord;

describe("confirmation warm-up", () => {
  it("is k·τ of each replication's busiest resource (ρ their mean), τ = S / (1 − √ρ)²", () => {
    // busiest "a" at 0.94, then "b" at 0.96, then "a" at 0.95: ρ = 0.95, "a" busiest most often;
    // S = 10 us: τ = 10 us / (1 − √0.95)² = 15.60 ms
    const w = confirmationWarmup([rec({ a: 0.94, b: 0.5 }), rec({ a: 0.6, b: 0.96 }), rec({ a: 0.95, b: 0.9 })], 1.5, 1.5, 20 * MS, 150 * MS, () => ({ ps: 10 * US, basis: "test" }))!;
    expect(w.resource).toBe("a");
    expect(w.rho).toBeCloseTo(0.95, 12);
    const tau = (10 * US) / (1 - Math.sqrt(0.95)) ** 2;
    expect(w.tauPs / MS).toBeCloseTo(15.6, 2);
    expect(w.warmupPs).toBe(Math.ceil((CONFIRM_WARMUP_RELAXATIONS * tau) / US) * US);
    expect(w.clamped).toBeNull();
  });

  it("is at least the search's warm-up and at most the confirmation window", () => {
    const low = confirmationWarmup([rec({ a: 0.5 })], 1, 1, 20 * MS, 150 * MS, () => ({ ps: 10 * US, basis: "" }))!;
    expect(low.warmupPs).toBe(20 * MS);
    expect(low.clamped).toBe("search");
    const high = confirmationWarmup([rec({ a: 0.995 })], 1, 1, 20 * MS, 150 * MS, () => ({ ps: 30 * US, basis: "" }))!;
    expect(high.warmupPs).toBe(150 * MS);
    expect(high.clamped).toBe("window");
    const over = confirmationWarmup([rec({ a: 1 })], 1, 1, 20 * MS, 60 * MS, () => ({ ps: 30 * US, basis: "" }))!;
    expect(over.tauPs).toBe(Infinity);
    expect(over.warmupPs).toBe(60 * MS);
  });

  it("scales ρ to a lower load in proportion (utilisation is linear in the load)", () => {
    // ρ = 0.99 measured at load 2, for load 1.9: ρ = 0.9405, τ = 10 us / (1 − √0.9405)² = 10.96 ms
    const w = confirmationWarmup([rec({ a: 0.99 })], 2, 1.9, 20 * MS, 150 * MS, () => ({ ps: 10 * US, basis: "" }))!;
    expect(w.rho).toBeCloseTo(0.9405, 12);
    expect(w.tauPs / MS).toBeCloseTo(10.96, 2);
    expect(w.load).toBe(1.9);
    expect(w.measuredAt).toBe(2);
  });

  it("without a service time keeps the search's warm-up (undefined)", () => {
    expect(confirmationWarmup([rec({ a: 0.9 })], 1, 1, 20 * MS, 150 * MS, undefined)).toBeUndefined();
    expect(confirmationWarmup([rec({ a: 0.9 })], 1, 1, 20 * MS, 150 * MS, () => undefined)).toBeUndefined();
  });

  it("takes a port's S as a frame's wire time at the IMIX mean: (361.8 + 20) bytes at 100 Mb/s = 30.55 us", () => {
    const L = settingLayout(boardVariant("5D", () => {}));
    const port = L.portResource(L.serverPorts[0]!, "out");
    const s = serviceTime(L, port, [rec({ [port]: 0.96 })])!;
    // IMIX 7:4:1 at 64, 594, 1518 bytes with FCS: mean 361.83; + preamble, SFD (8) and gap (12)
    const wireBytes = (7 * 64 + 4 * 594 + 1518) / 12 + 20;
    expect(s.ps / US).toBeCloseTo((wireBytes * 8) / 100, 6);
    expect(s.ps / US).toBeCloseTo(30.55, 2);
  });

  it("takes the CPU's S as its measured cycles per intervention at its clock", () => {
    const L = settingLayout(boardVariant("5A", () => {}));
    const r = { ...rec({ "cpuboard.cpu": 0.97 }), cpu: { cyclesPerIntervention: 1139, clockMHz: 133 } } as unknown as RunRecord;
    const s = serviceTime(L, "cpuboard.cpu", [r])!;
    expect(s.ps / US).toBeCloseTo(1139 / 133, 3);
  });
});

describe("the search's confirmation warm-ups", () => {
  // A model with a known answer: load L passes when L <= 1.9 (else 5 % of the frames are lost);
  // its one resource is L / 2.1 busy on replications 0 and 1 and L / 2.0 on the others (other
  // seeds load it more, as they pin more flows to one server port). S = 30 us.
  const S = 30 * US, WINDOW = 50 * MS;
  const seeds = new Map(Array.from({ length: 8 }, (_, j) => [replicationSeed(1, j), j]));
  const model = (q: RunRequest): RunRecord => {
    const j = seeds.get(q.seed)!;
    return { data: { lossRatio: q.load <= 1.9 ? 0 : 0.05, injected: 10_000 }, backlog: { growth: 0 }, resources: { port: { utilization: q.load / (j < 2 ? 2.1 : 2.0), queueHighWater: 0, drops: 0 } } } as unknown as RunRecord;
  };
  const expected = (rho: number) => Math.min(3 * WINDOW, Math.max(20 * MS, Math.ceil((3 * S) / (1 - Math.sqrt(rho)) ** 2 / US) * US));

  it("keeps the search's warm-up in the search, sizes each confirmation load's, and re-runs a load whose own runs ask for longer", () => {
    const o: CapacityOptions = { run: {} as CapacityOptions["run"], seed: 1, replications: 2, maxReplications: 4, confirmReplications: 3, windowPs: WINDOW, confirmFactor: 3, goalWidth: 0.02, boundLoad: 2, portLimitLoad: 3, serviceTime: () => ({ ps: S, basis: "test" }) };
    const asked: RunRequest[] = [];
    const search = capacitySearch(boardVariant("5A", () => {}), o);
    let step = search.next();
    while (!step.done) {
      asked.push(step.value);
      step = search.next(model(step.value));
    }
    const c = step.value;
    expect(c.lo).toBeLessThanOrEqual(1.9);
    expect(c.hi).toBeGreaterThan(1.9);
    expect(c.confirmed).toBe(true);
    for (const q of asked.filter((x) => x.windowPs === WINDOW)) expect(q.warmupPs).toBe(20 * MS);
    const ref = c.probes.filter((p) => p.windowMs === 50 && p.verdict === "pass").at(-1)!.load;
    expect(ref).toBe(c.lo);
    // the lower end: first sized from the search's replications 0 and 1 (ρ = lo / 2.1), then again
    // from its own three (ρ = (2 lo / 2.1 + lo / 2.0) / 3), which ask for longer
    const atLo = asked.filter((x) => x.windowPs === 3 * WINDOW && x.load === c.lo).map((x) => x.warmupPs);
    const first = expected(c.lo / 2.1), again = expected(((2 * c.lo) / 2.1 + c.lo / 2.0) / 3);
    expect(again).toBeGreaterThan(first);
    expect(atLo).toEqual([first, first, first, again, again, again]);
    expect(c.confirmWarmup!.warmupPs).toBe(again);
    expect(c.confirmWarmup!.measuredAt).toBe(c.lo);
    // the upper end fails clearly on one replication at its scaled warm-up (nothing to re-size from)
    const atHi = asked.filter((x) => x.windowPs === 3 * WINDOW && x.load === c.hi).map((x) => x.warmupPs);
    expect(atHi).toEqual([expected((ref / 2.1) * (c.hi / ref))]);
  });
});
