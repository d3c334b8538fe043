/**
 * Where every cycle goes, on every compiled program: each cycle either issues an instruction or
 * is a stall with a cause (cycles = instructions + the sum of the stalls), and the memory stalls
 * are exactly what the misses cost at the port's latency (I-fetch: misses x read; D-cache:
 * misses x read + dirty victims x write), with and without a taken-branch penalty.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { IsaMachine } from "../../../src/hw/cpu/isa/machine.ts";
import { StallCause } from "../../../src/hw/cpu/isa/timing.ts";

const BUILD = new URL("../../../firmware/build/", import.meta.url);
const INPUTS: Record<string, [string, number[]][]> = {
  calls: [["params", [12, 200]]],
  control: [], // start-up only; its ops are called through control-host.ts (control-*.test.ts, scripts/op-costs-control.ts)
  checksum: [["packet_len", [200]], ["change_offset", [10]], ["change_value", [0xbeef]]],
  flowtable: [["params", [600, 900, 5, 511]]],
  headers: [["frame_len", [60]]],
  muldiv: [["params", [200, 9]]],
  pathbench: [["params", [1500, 200, 3, 6]]],
  timer: [["params", [300, 4]]],
  traps: [],
  switchpath: [], // start-up and one empty frame; its frame paths are measured through switch-host.ts (switch-differential.test.ts, npm run isa:paths)
};

describe("cycle accounting", () => {
  const images = readdirSync(BUILD).filter((f) => f.endsWith(".elf")).map((f) => f.slice(0, -4));
  it("covers every committed image", () => expect(images.sort()).toEqual(Object.keys(INPUTS).sort()));

  for (const name of images) {
    for (const pen of [0, 1]) {
      it(`${name}, taken-branch penalty ${pen}: cycles = instructions + stalls; memory stalls = misses x latency`, () => {
        const read = 17, write = 11;
        const m = new IsaMachine(readFileSync(new URL(`${name}.elf`, BUILD)), { timing: { takenBranchPenaltyCycles: pen }, latency: { readCycles: read, writeCycles: write } }, name);
        for (const [sym, v] of INPUTS[name] ?? []) m.writeWords(sym, v);
        expect(m.run(2e8).reason).toBe("idle");
        const c = m.core, s = c.stalls;
        expect(c.cycle).toBe(c.instructions + s.reduce((a, b) => a + b, 0));
        expect(s[StallCause.IFetch]).toBe(c.icache.misses * read);
        expect(s[StallCause.DCache]).toBe(c.dcache.misses * read + c.dcache.writebacks * write);
        expect(s[StallCause.Branch]! - c.takenBranches * pen).toBeGreaterThanOrEqual(0); // the rest: nullified likely slots
        expect((s[StallCause.Branch]! - c.takenBranches * pen) % c.timing.nullifiedSlotCycles).toBe(0);
      });
    }
  }
});
