/** The CLI's flow-table lines (issue 21): the counts per run, and a line when the table was full. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { printFlowTables } from "../../src/cli/print.ts";
import type { RunRecord } from "../../src/scenarios/registry.ts";

const rec = (board: string, f: Record<string, number>): RunRecord => ({ scenario: "x", seed: 1, simulatedSeconds: 0.02, wallSeconds: 1, board, flowTable: { capacity: 256, highWater: 256, occupancy: 1, inserts: 300, expired: 44, fullRejects: 0, fullEpisodes: 0, fallbacks: 0, ...f } }) as unknown as RunRecord;

describe("printFlowTables", () => {
  afterEach(() => vi.restoreAllMocks());
  const lines = (runs: RunRecord[]) => {
    const out: string[] = [];
    vi.spyOn(console, "log").mockImplementation((s: string) => void out.push(s.replace(/\x1b\[[0-9;]*m/g, "")));
    printFlowTables(runs, (r) => String(r["board"]));
    return out;
  };

  it("prints occupancy, high water, inserts, expiries, full rejects and fallbacks per run, and names the runs whose table was full", () => {
    const out = lines([rec("5A", {}), rec("5E", { fullRejects: 4321, fullEpisodes: 1, fallbacks: 4321 })]);
    expect(out[0]).toMatch(/occupancy.*high water.*inserts.*expired.*full rejects.*hash fallbacks/);
    expect(out[1]).toMatch(/^5A\s+100\.0 %\s+256 of 256\s+300\s+44\s+0\s+0$/);
    expect(out[2]).toMatch(/^5E .* 4,321\s+4,321$/);
    expect(out[3]).toMatch(/flow table was full in: 5E \(4,321 new flows refused\)/);
    expect(out).toHaveLength(4);
  });

  it("says nothing for runs without a flow table (the NAT baseline)", () => {
    expect(lines([{ scenario: "vs-nat", seed: 1, simulatedSeconds: 0.02, wallSeconds: 1 } as RunRecord])).toEqual([]);
  });
});
