/**
 * core.ts's run loop writes op numbers, stall causes, exception codes and CP0 register numbers as
 * literals (so V8 compiles its switch to a jump table), each followed by its name in a comment:
 * `58 /* Op.Lw *\/`. This checks every one against the tables it stands for, and that the switch
 * has a case for every op.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Cp0Reg, Exc } from "../../../src/hw/cpu/isa/cp0.ts";
import { StopReason } from "../../../src/hw/cpu/isa/core.ts";
import { Op } from "../../../src/hw/cpu/isa/opcodes.ts";
import { StallCause } from "../../../src/hw/cpu/isa/timing.ts";

const source = readFileSync(new URL("../../../src/hw/cpu/isa/core.ts", import.meta.url), "utf8");
const tables: Record<string, Record<string, number>> = { Op, StallCause, Exc, Cp0Reg, StopReason };

describe("core.ts literals", () => {
  it("every `N /* Table.Name */` has N equal to Table.Name", () => {
    const found = [...source.matchAll(/(\d+) \/\* (\w+)\.(\w+) \*\//g)];
    expect(found.length).toBeGreaterThan(100);
    for (const [, n, table, name] of found) {
      expect(tables[table!], table).toBeDefined();
      expect(tables[table!]![name!], `${table}.${name}`).toBe(Number(n));
    }
  });

  it("the run loop has a case for every executable op", () => {
    const cases = new Set([...source.matchAll(/case (\d+) \/\* Op\.(\w+) \*\//g)].map((m) => m[2]));
    for (const name of Object.keys(Op)) if (name !== "Undecoded") expect(cases.has(name), name).toBe(true);
  });
});
