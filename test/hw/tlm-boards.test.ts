/**
 * The transaction-level mode on whole boards (`timing: "tlm"`, docs/performance.md
 * "Transaction-level mode"): every preset, lightly and heavily loaded, accounts for every frame
 * (injected = delivered + dropped + in flight), drops only with named causes, labels its record,
 * is deterministic, and uses the transaction-level parts it says it does (no per-burst PCI events:
 * fewer events than the cycle-level run of the same setting). Below saturation the same traffic is
 * carried: delivered within 1 % (the mode's accuracy, issue 18 part 3, is measured by
 * `npm run bench -- tlm-vs-cycle`, not here).
 */
import { describe, expect, it } from "vitest";
import { loadBoard } from "../../src/hw/boards/load.ts";
import { PRESET_NAMES } from "../../src/hw/boards/presets.ts";
import type { BoardSpec } from "../../src/hw/boards/schema.ts";
import { runBoard } from "../../src/scenarios/board-run.ts";
import { BoardRunSchema } from "../../src/scenarios/results-schema.ts";
import { MS } from "../../src/sim/time.ts";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Rec = any;

function spec(name: string, timing: "cycle" | "tlm"): BoardSpec {
  const b = loadBoard(name);
  if (!b.ok) throw new Error(b.error);
  return { ...b.board, timing };
}

describe("boards at the transaction level", () => {
  for (const name of PRESET_NAMES) {
    it(`${name}: every frame accounted for at load 1 and 3, fewer events than cycle level, the same frames carried at load 1`, () => {
      for (const load of [1, 3]) {
        const o = { seed: 5, durationPs: 4 * MS, warmupPs: 4 * MS, load };
        const tlm: Rec = runBoard(spec(name, "tlm"), o);
        const cycle: Rec = runBoard(spec(name, "cycle"), o);
        expect(tlm.timing).toBe("tlm");
        expect(cycle.timing).toBeUndefined();
        expect(BoardRunSchema.safeParse(tlm).success).toBe(true);
        const d = tlm.data;
        expect(d.injected + d.inFlightAtStart, `load ${load}`).toBe(d.delivered + d.dropped + d.inFlight);
        for (const cause of Object.keys(tlm.frames.dropped)) expect(cause).toMatch(/^[a-zA-Z]+(\.[a-zA-Z]+)*$/);
        expect(tlm.events, `load ${load}`).toBeLessThan(cycle.events);
        if (load === 1) expect(Math.abs(tlm.data.delivered - cycle.data.delivered), "delivered at load 1").toBeLessThanOrEqual(0.01 * cycle.data.delivered);
      }
    });
  }

  it("is deterministic: the same seed gives the same record", () => {
    const o = { seed: 9, durationPs: 3 * MS, warmupPs: 3 * MS, load: 2 };
    const strip = (r: Rec) => JSON.stringify({ ...r, wallSeconds: 0, speed: undefined });
    expect(strip(runBoard(spec("5A", "tlm"), o))).toBe(strip(runBoard(spec("5A", "tlm"), o)));
  });
});
