/**
 * src/hw/cpu/op-costs.ts against what `npm run op-costs` (scripts/op-costs.ts) derives from the
 * committed image: the structure (the same ops in the same order, every row with its source), the
 * measurement's soundness, and the whole file, which must be exactly what the committed image
 * gives (a change to the C, the firmware's cost trace or the script regenerates it:
 * `npm run op-costs`, then the golden, docs/hardware.md "The op table, measured").
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { OP_COSTS, OP_NAMES } from "../../src/hw/cpu/op-costs.ts";
import { ASSUMED, MEASURED, measure, render, OP_COSTS_FILE } from "../../scripts/op-costs.ts";
import { CONTROL_OPS } from "../../scripts/op-costs-control.ts";

/** Set to true once op-costs.ts has been regenerated (npm run op-costs) and the golden re-recorded. */
const REGENERATED = true; // since 2026-12-03

describe("op-costs.ts and the instruction-level measurements", () => {
  const m = measure();

  it("has the generated table's structure: the same ops in the same order, each measured or an assumption", () => {
    expect(m.rows.map((r) => r.op)).toEqual(OP_NAMES);
    for (const r of m.rows) {
      const c = OP_COSTS[r.op as keyof typeof OP_COSTS];
      expect(["measured", "assumption"], r.op).toContain(c.source);
      if (r.source === "assumption") expect(c.instructions, r.op).toBe(ASSUMED[r.op]!.instructions);
    }
    expect(new Set([...MEASURED.map((x) => x.op), ...CONTROL_OPS.map((x) => x.op), ...Object.keys(ASSUMED)])).toEqual(new Set(OP_NAMES));
  });

  it("derives every measured op from calls the reference run (or the stream) made, in both firmwares (the control plane's ops: from their C run apart)", () => {
    const apart = new Set(CONTROL_OPS.map((x) => x.op));
    for (const r of m.rows.filter((x) => x.source === "measured")) {
      expect(r.cCalls, r.op).toBeGreaterThan(0);
      if (apart.has(r.op)) expect(r.tsCalls, r.op).toBe(0);
      else expect(r.tsCalls, r.op).toBeGreaterThan(0);
      expect(r.instructions, r.op).toBeGreaterThan(0);
    }
  });

  it("gives the trace model the C's instructions per job, within the rounding of each op's count", () => {
    // each op's count is rounded to an integer: at most half an instruction a call, about 12 calls a job
    expect(Math.abs(m.traceInstructions - (m.jobInstructions - m.unattributed / m.frames))).toBeLessThan(6);
    expect(m.frames).toBeGreaterThan(2000); // the reference run's 100 ms: about 2,800 frame jobs
  });

  it("refuses an unknown option with one line and exit code 2", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/op-costs.ts", "--bogus"], { cwd: fileURLToPath(new URL("../../", import.meta.url)), encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("op-costs: unknown option '--bogus'\n");
  });

  it.skipIf(!REGENERATED)("is what the committed image gives", () => {
    expect(readFileSync(OP_COSTS_FILE, "utf8")).toBe(render(m));
  });
});
