/**
 * The hardware translators' flow tables (5E, 5F), end to end: the CPU sees a flow's first frame
 * (a miss) and installs its entry; the flow's later frames are the hardware's. Expected figures
 * come from the workload's construction (a new flow with probability 1 / packetsPerFlow) and from
 * the independent reference model of a cache under uniform access (the hit ratio is the share of
 * the open flows the table holds).
 */
import { describe, expect, it } from "vitest";
import { runBoard } from "../../src/scenarios/board-run.ts";
import { boardVariant } from "../../src/hw/boards/variant.ts";
import { MS } from "../../src/sim/time.ts";

type Rec = Record<string, any>;
const run = (b: string, recipe: (d: any) => void = () => {}, extra: Rec = {}): Rec =>
  runBoard(boardVariant(b, recipe), {
    seed: 4, load: 1, durationPs: 20 * MS,
    finish: (c) => (c.report["messagesSent"] = (c.board as any).cpus.reduce((a: number, b: any) => a + b.messagesSent, 0)),
    ...extra,
  }) as Rec;

describe("translator flow tables", () => {
  for (const b of ["5E", "5F"]) {
    it(`${b}: with room for every open flow, the CPU sees only new flows (one frame in packetsPerFlow)`, () => {
      const r = run(b);
      const t = r["translatorTables"];
      expect(t.evictions).toBe(0);
      expect(r["cpu"].interventionsPerInboundFrame).toBeGreaterThan(0.5 * r["flows"].newFlowShare);
      expect(Math.abs(r["cpu"].interventionsPerInboundFrame - 1 / r["flows"].packetsPerFlow)).toBeLessThan(0.03);
      expect(t.installs).toBeGreaterThan(0);
      if (b === "5F") expect(r["messagesSent"]).toBe(t.installs); // each entry goes to its card over the crossbar
    });
  }

  it("5E: a table smaller than the open flows hits in proportion to the flows it holds, and the CPU pays for the misses", () => {
    const small = run("5E", (d) => {
      d.translator.dpsramBytes = 4096;
    }); // 256 entries for 1,000 open flows
    const big = run("5E");
    const t = small["translatorTables"];
    expect(t.entries).toBe(256);
    expect(Math.abs(t.hitRate - t.valid / small["flows"].open)).toBeLessThan(0.07);
    expect(small["cpu"].interventionsPerInboundFrame).toBeCloseTo(1 - t.hitRate, 1);
    expect(small["cpu"].utilization).toBeGreaterThan(3 * big["cpu"].utilization);
  });

  it("5E: the CPLD's engine is busy for its fixed clocks plus one dual-port SRAM entry read per way compared", () => {
    const r = run("5E");
    const lookups = r["translatorTables"].lookups, windowPs = r["simulatedSeconds"] * 1e12;
    const fixed = 4 * 20_000, entry = 4 * 20_000; // 4 clocks at 50 MHz; a 16-byte entry over a 4-byte port, 20 ns each
    const busy = r["resources"]["cpld"].utilization * windowPs;
    expect(busy).toBeGreaterThanOrEqual(lookups * (fixed + entry) * 0.98);
    expect(busy).toBeLessThanOrEqual(lookups * (fixed + 4 * entry) * 1.02);
  });

  it("a failed server's entries leave the table when health monitoring declares it down", () => {
    const r = run("5E", () => {}, {
      healthIntervalPs: MS, healthTimeoutPs: MS,
      script: (c: any) => c.at(2 * MS, () => (c.workload.serverDown[1] = true)),
    });
    expect(r["translatorTables"].invalidations).toBeGreaterThan(100); // about a quarter of 1,000 flows
    expect(r["health"].serverDowns).toBe(1);
  });
});

describe("5F's two management cards", () => {
  it("both work: each takes the misses of its own circuit card and half the control-plane jobs", () => {
    const r = run("5F");
    const per = r["cpu"].perCpu as { name: string; utilization: number; jobs: number }[];
    expect(per.map((x) => x.name)).toEqual(["mgmt0", "mgmt1"]);
    for (const x of per) expect(x.jobs, x.name).toBeGreaterThan(0);
    // the routers are on the circuit cards, one card per management card: the misses split about evenly
    const [a, b] = per.map((x) => x.jobs);
    expect(Math.abs(a! - b!) / (a! + b!)).toBeLessThan(0.25);
    expect(r["resources"]["mgmt1.cpu"].utilization).toBeGreaterThan(0);
  });
});
