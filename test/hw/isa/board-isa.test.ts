/**
 * The boards' instruction-level CPU model (`cpu.execution: "isa"`, src/hw/cpu/isa/board-path.ts,
 * docs/hardware.md "The board running the C path"): every preset runs with the C path deciding
 * each frame job on the instruction-level core, its fetches, loads and stores replayed through
 * the board's caches and memories. Required: every frame accounted for, the C path's verdict equal
 * to the TypeScript firmware's on every frame (zero mismatches), the same frames carried as the
 * trace model (the decisions do not depend on the CPU model; only time does), determinism, runs
 * isa cannot do refused in one line, and a larger flow table raising the cycles per intervention
 * by what its extra misses and the GT-64010 DRAM's timing imply.
 */
import { describe, expect, it } from "vitest";
import { GT64010_DRAM } from "../../../src/hw/gt64010/dram.ts";
import { loadBoard } from "../../../src/hw/boards/load.ts";
import { PRESET_NAMES } from "../../../src/hw/boards/presets.ts";
import type { BoardSpec } from "../../../src/hw/boards/schema.ts";
import { CpuModelError, runBoard } from "../../../src/scenarios/board-run.ts";
import { BoardRunSchema } from "../../../src/scenarios/results-schema.ts";
import { MS } from "../../../src/sim/time.ts";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Rec = any;

function spec(name: string, execution: "isa" | "trace"): BoardSpec {
  const b = loadBoard(name);
  if (!b.ok) throw new Error(b.error);
  return { ...b.board, cpu: { ...b.board.cpu, execution } };
}

const short = { seed: 3, durationPs: 3 * MS, warmupPs: 5 * MS, load: 1 };

describe("boards with the instruction-level CPU model", () => {
  for (const name of PRESET_NAMES) {
    it(`${name}: every frame accounted for, the C path's verdicts equal to the TypeScript's, the same frames carried as the trace model`, () => {
      const isa: Rec = runBoard(spec(name, "isa"), short);
      const trace: Rec = runBoard(spec(name, "trace"), short);
      expect(isa.cpuModel).toBe("isa");
      expect(BoardRunSchema.safeParse(isa).success).toBe(true);
      expect(trace.cpuModel).toBeUndefined();
      // the C path decided the CPU's frames, and agreed on each
      expect(isa.cpu.isa.framesDecided).toBeGreaterThan(0);
      expect(isa.cpu.isa.mismatches, JSON.stringify(isa.cpu.isa)).toBe(0);
      for (const r of [isa, trace]) {
        const d = r.data;
        expect(d.injected + d.inFlightAtStart).toBe(d.delivered + d.dropped + d.inFlight);
        expect(r.frames.dropped).toEqual({});
      }
      // the same traffic, carried the same way
      // (servers answer what they receive, so the window holds a few more or fewer frames as timing moves)
      expect(Math.abs(isa.data.injected - trace.data.injected)).toBeLessThanOrEqual(0.02 * trace.data.injected);
      expect(isa.data.dropped).toBe(trace.data.dropped);
      expect(Object.keys(isa.cpu.paths).sort()).toEqual(Object.keys(trace.cpu.paths).sort());
      for (const p of Object.keys(trace.cpu.paths)) if (p !== "control") expect(isa.cpu.paths[p].jobs, p).toBeGreaterThanOrEqual(trace.cpu.paths[p].jobs - 3);
      // per path the C path's own figures and the job's misses are in the record
      for (const [p, v] of Object.entries<Rec>(isa.cpu.isa.cPath)) {
        expect(v.instructions, p).toBeGreaterThan(100);
        expect(v.pipelineCycles, p).toBeGreaterThanOrEqual(v.instructions);
        expect(isa.cpu.paths[p].dMissesPerJob, p).toBeGreaterThan(0);
      }
    });
  }

  it("is deterministic: the same seed gives the same record", () => {
    const strip = (r: Rec) => JSON.stringify({ ...r, wallSeconds: undefined });
    expect(strip(runBoard(spec("5A", "isa"), short))).toBe(strip(runBoard(spec("5A", "isa"), short)));
  });

  it("refuses what the C path does not port, in one line naming it", () => {
    expect(() => runBoard(spec("5A", "isa"), { ...short, policy: "optimal-workload" })).toThrow(CpuModelError);
    try {
      runBoard(spec("5A", "isa"), { ...short, policy: "optimal-workload" });
    } catch (e) {
      expect((e as Error).message).toMatch(/optimal-workload/);
      expect((e as Error).message).not.toMatch(/\n/);
    }
    expect(() => runBoard(spec("5A", "isa"), { ...short, firmware: "nat" })).toThrow(/NAT/);
  });

  it("a larger flow table raises the cycles per intervention by its extra line fills and write-backs at the DRAM's timing", () => {
    // 5A, established frames, 20 flows (which would fit the D-cache) against 2,000 (which do not):
    // the op-table part of the job is the same; the C path's instructions and pipeline cycles
    // nearly so; the difference is the extra misses, each a 32-byte line through the GT-64010 DRAM
    const run = (flows: number): Rec => runBoard(spec("5A", "isa"), { seed: 1, durationPs: 20 * MS, load: 0.5, flows, packetsPerFlow: 1e6 });
    const small = run(20), large = run(2000);
    const a = small.cpu.paths.established, b = large.cpu.paths.established;
    const dAccesses = b.dMissesPerJob + b.iMissesPerJob + b.writebacksPerJob - (a.dMissesPerJob + a.iMissesPerJob + a.writebacksPerJob);
    expect(dAccesses).toBeGreaterThan(2); // the larger table does miss more
    const dPipeline = large.cpu.isa.cPath.established.pipelineCycles - small.cpu.isa.cPath.established.pipelineCycles;
    const perAccess = (b.cyclesPerJob - a.cyclesPerJob - dPipeline) / dAccesses;
    // one line transfer (DramController.accessClocks and pageHitAccessClocks: request overhead,
    // lead-off, three more 8-byte beats): a page hit at best, a row conflict (precharge first) at
    // worst, plus the waits to the memory clock's edge and back to the CPU's, plus, with the
    // memory busy a share u of the time with others' bursts (the DMA), u of a whole burst
    const p = GT64010_DRAM, beats = 32 / p.widthBytes - 1;
    const hit = p.requestOverheadClocks + p.pageHitClocks + beats * p.burstClocks;
    const conflict = p.requestOverheadClocks + p.prechargeClocks + p.firstAccessClocks + beats * p.burstClocks;
    const cpuPerTclk = 133e6 / p.tclkHz, u = large.resources["cpuboard.dram"].utilization;
    const lo = hit * cpuPerTclk, hi = (conflict + 1 + u * conflict) * cpuPerTclk + 1;
    expect(perAccess, `${perAccess.toFixed(1)} cycles per extra line transfer, expected ${lo.toFixed(1)}-${hi.toFixed(1)}`).toBeGreaterThanOrEqual(lo);
    expect(perAccess).toBeLessThanOrEqual(hi);
    expect(small.cpu.isa.mismatches + large.cpu.isa.mismatches).toBe(0);
  });
});
