/**
 * The flow table recovers (issue 21): the `run hosts` workload at load 2 on 5E once filled the
 * 65,536-entry table after about 25 simulated seconds, and from then on every new flow fell back
 * to the consistent hash, bypassing the policy, because expired entries were never reclaimed.
 * Scaled down here to a 48-flow table and timeouts in milliseconds (a web flow lives a few ms):
 * the same workload inserts more than twice the table's capacity in 40 ms. With the entries
 * expiring and reclaimed (lazily and by the amortised sweep) no new flow is refused; with
 * timeouts longer than the run (the defaults: 10 s after a FIN, 30 s for UDP) the same table
 * fills, the policy is bypassed, and the record says so.
 */
import { describe, expect, it } from "vitest";
import { FAST, hostsRun, MS } from "./harness.ts";

const TABLE = 48;
const SHORT = { finPs: 1 * MS, tcpPs: 20 * MS, synPs: 5 * MS, udpPs: 1 * MS, espPs: 1 * MS, otherPs: 1 * MS };
type FlowTable = { inserts: number; expired: number; fullRejects: number; fullEpisodes: number; fallbacks: number; occupancy: number; full: boolean };

describe("the flow table recovers under the hosts workload (issue 21)", () => {
  it("5E at load 2: a 48-flow table takes more than two tables' worth of flows with no fallback once entries expire; without expiry it fills and says so", { timeout: 120_000 }, () => {
    const run = (timeouts?: typeof SHORT) =>
      hostsRun("5E", { transport: FAST }, { durationPs: 40 * MS, load: 2, policy: "round-robin", flowTable: { size: TABLE, ...(timeouts ? { timeouts } : {}) } }) as ReturnType<typeof hostsRun> & { flowTable: FlowTable; notes?: string[] };
    const r = run(SHORT);
    expect(r.flowTable.inserts).toBeGreaterThan(2 * TABLE); // without reclaiming, the table would have filled
    expect(r.flowTable.expired).toBeGreaterThan(TABLE);
    expect(r.flowTable.fullRejects).toBe(0);
    expect(r.flowTable.fallbacks).toBe(0);
    expect(r.notes ?? []).toEqual([]);
    // the contrast: entries that outlive the run fill the table, and new flows bypass the policy
    const full = run();
    expect(full.flowTable.full).toBe(true);
    expect(full.flowTable.fallbacks).toBeGreaterThan(0);
    expect(full.notes?.[0]).toMatch(/flow table full/);
  });
});
