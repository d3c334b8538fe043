/**
 * `--cpu-model trace|isa` (docs/cli.md): the boards' CPU model from the command line, labelled in
 * tables and JSON, and refused in one line (exit 2) where the C path cannot do the run.
 */
import { describe, expect, it } from "vitest";
import { simAsync, simIn } from "./sim.ts";

describe("--cpu-model", () => {
  it("runs the boards on the instruction-level model, labelled in the table and the JSON", async () => {
    const r = await simIn("run", "compare-boards", "--board", "5D", "--cpu-model", "isa", "--duration", "1ms", "--json", "-", "--quiet");
    expect(r.code, r.err).toBe(0);
    const run = JSON.parse(r.out).runs[0];
    expect(run.cpuModel).toBe("isa");
    expect(run.cpu.isa.mismatches).toBe(0);
    const t = await simAsync("run", "compare-boards", "--board", "5D", "--cpu-model", "isa", "--duration", "1ms"); // the table: a child process (console output)
    expect(t.out).toMatch(/^5D \(isa\)/m);
    // without the flag: the board file's model (the presets: trace), unlabelled
    const d = await simIn("run", "compare-boards", "--board", "5D", "--duration", "1ms", "--json", "-", "--quiet");
    expect(JSON.parse(d.out).runs[0].cpuModel).toBeUndefined();
  });

  it("refuses a bad value and a run the C path does not port, in one line with exit code 2", async () => {
    const bad = await simIn("run", "compare-boards", "--cpu-model", "gem5");
    expect(bad.code).toBe(2);
    expect(bad.err.trim().split("\n")).toHaveLength(1);
    expect(bad.err).toMatch(/expected trace or isa/);
    const nat = await simIn("run", "vs-nat", "--board", "5A", "--cpu-model", "isa", "--duration", "1ms", "--quiet");
    expect(nat.code).toBe(2);
    expect(nat.err.trim().split("\n")).toHaveLength(1);
    expect(nat.err).toMatch(/NAT/);
    // the controllers study's variants too: 12 controllers put 12 routers on the board, more than switchpath.c's 8
    const big = await simIn("controllers", "--counts", "12", "--boards", "5B", "--cpu-model", "isa", "--quiet");
    expect(big.code).toBe(2);
    expect(big.err).toMatch(/8 routers, not 12/);
  });
});
