/**
 * The transaction-level mode against the cycle-level one, the reference (a differential test of two
 * implementations; issue 18 part 3's table, judged in full by `npm run bench -- tlm-vs-cycle`): on
 * every preset under inbound-heavy traffic at load 1.4 (about 0.8 x the PCI boards' capacity, where
 * the CPU shares a busy bus and DRAM), over two seeds, tlm's cycles per intervention are within the
 * issue's 3 % of the cycle model's and its delivered Mb/s per direction within 1 %; and on Fig 5D
 * with twelve GT-48002s (5D-12, its CPU path's capacity about 0.8) at load 0.65, where the CPU's
 * line fills meet the buffer memory arbiter's frames. Catches a change to either model that moves
 * them apart.
 */
import { describe, expect, it } from "vitest";
import { loadBoard } from "../../src/hw/boards/load.ts";
import { boardVariant } from "../../src/hw/boards/variant.ts";
import { PRESET_NAMES } from "../../src/hw/boards/presets.ts";
import { runBoard } from "../../src/scenarios/board-run.ts";
import { WORKLOADS } from "../../src/scenarios/workloads.ts";
import { MS } from "../../src/sim/time.ts";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Rec = any;

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Fig 5D with twelve GT-48002s (24 ports), as the benches build it. */
const FIVE_D_12 = () =>
  boardVariant("5D", (b) => {
    b.cards[0]!.controllers = 12;
  });

describe("tlm agrees with the cycle-level model below capacity", () => {
  for (const name of [...PRESET_NAMES, "5D-12"]) {
    const load = name === "5D-12" ? 0.65 : 1.4;
    it(`${name}: cycles per intervention within 3 %, delivered Mb/s within 1 %, at load ${load} inbound-heavy`, () => {
      let board;
      if (name === "5D-12") board = FIVE_D_12();
      else {
        const b = loadBoard(name);
        if (!b.ok) throw new Error(b.error);
        board = b.board;
      }
      const by = { cycle: [] as Rec[], tlm: [] as Rec[] };
      for (const seed of [1, 2]) {
        for (const timing of ["cycle", "tlm"] as const) {
          by[timing].push(runBoard({ ...board, timing }, { seed, load, durationPs: 20 * MS, ...WORKLOADS["inbound-heavy"] }));
        }
      }
      const cpi = (rs: Rec[]) => mean(rs.map((r) => r.cpu.cyclesPerIntervention));
      const c = cpi(by.cycle), t = cpi(by.tlm);
      expect(Math.abs(t - c) / c, `cycles per intervention: tlm ${t.toFixed(0)}, cycle ${c.toFixed(0)}`).toBeLessThanOrEqual(0.03);
      for (const dir of ["inboundMbps", "outboundMbps"]) {
        const dc = mean(by.cycle.map((r) => r.delivered[dir])), dt = mean(by.tlm.map((r) => r.delivered[dir]));
        expect(Math.abs(dt - dc) / dc, `${dir}: tlm ${dt.toFixed(1)}, cycle ${dc.toFixed(1)}`).toBeLessThanOrEqual(0.01);
      }
    });
  }
});
