/**
 * `--timing cycle|tlm` (docs/cli.md) and a board file's `timing` (docs/boards.md): the boards'
 * timing model from the command line, a scenario's options or the board file, labelled "(tlm)" in
 * tables, JSON, CSV and the HTML report; cycle-mode records carry no `timing` field (the golden
 * test holds them byte-identical). These tests check the plumbing and the labels, not figures
 * (test/hw/tlm-boards.test.ts runs the models; `npm run bench -- tlm-vs-cycle` judges them).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { csvParse } from "d3-dsv";
import { afterEach, describe, expect, it } from "vitest";
import { loadBoard, setTiming, withTiming } from "../../src/hw/boards/load.ts";
import { PRESETS } from "../../src/hw/boards/presets.ts";
import { boardLabel } from "../../src/report/labels.ts";
import { getScenario } from "../../src/scenarios/index.ts";
import { BoardRunSchema } from "../../src/scenarios/results-schema.ts";
import { simAsync, simIn } from "./sim.ts";

const dir = mkdtempSync(join(tmpdir(), "flowsim-timing-"));

describe("--timing", () => {
  afterEach(() => setTiming(undefined));

  it("run: tlm records say timing: \"tlm\" in the JSON, the CSV and `results`, the table and the report name the board \"5D (tlm)\"", async () => {
    const r = await simIn("run", "compare-boards", "--board", "5D", "--timing", "tlm", "--duration", "1ms", "--json", "-", "--quiet");
    expect(r.code, r.err).toBe(0);
    const run = JSON.parse(r.out).runs[0];
    expect(run.timing).toBe("tlm");
    expect(BoardRunSchema.safeParse(run).success).toBe(true);
    expect(run.provenance.board.timing).toBe("tlm");
    // flowsim results: a timing column by default, when a run has it
    const file = join(dir, "tlm.json");
    writeFileSync(file, r.out);
    const table = await simIn("results", file, "--json", "-");
    expect(table.code, table.err).toBe(0);
    expect(JSON.parse(table.out)[0].timing).toBe("tlm");
    const c = await simIn("run", "compare-boards", "--board", "5D", "--timing", "tlm", "--duration", "1ms", "--csv", "-", "--quiet");
    expect(c.code, c.err).toBe(0);
    expect(csvParse(c.out)[0]!["timing"]).toBe("tlm");
    const report = join(dir, "report");
    const h = await simIn("run", "compare-boards", "--board", "5D", "--timing", "tlm", "--duration", "1ms", "--report", report, "--quiet");
    expect(h.code, h.err).toBe(0);
    expect(readFileSync(join(report, "index.html"), "utf8")).toContain("5D (tlm)");
    const t = await simAsync("run", "compare-boards", "--board", "5D", "--timing", "tlm", "--duration", "1ms"); // the table: a child process (console output)
    expect(t.code, t.err).toBe(0);
    expect(t.out).toMatch(/^5D \(tlm\)/m);
  });

  it("compare: the table, JSON and CSV label tlm results; with --cpu-model isa the label names both models", async () => {
    const j = await simIn("compare", "--boards", "5D", "--timing", "tlm", "--capacity", "none", "--duration", "1ms", "--replications", "1", "--workers", "1", "--json", "-", "--quiet");
    expect(j.code, j.err).toBe(0);
    expect(JSON.parse(j.out).runs[0].timing).toBe("tlm");
    const c = await simIn("compare", "--boards", "5D", "--timing", "tlm", "--capacity", "none", "--duration", "1ms", "--replications", "1", "--workers", "1", "--csv", "-", "--quiet");
    expect(csvParse(c.out)[0]!["timing"]).toBe("tlm");
    const t = await simAsync("compare", "--boards", "5D", "--timing", "tlm", "--cpu-model", "isa", "--capacity", "none", "--duration", "1ms", "--replications", "1", "--workers", "1");
    expect(t.code, t.err).toBe(0);
    expect(t.out).toMatch(/^5D \(isa, tlm\)/m);
  });

  it("cycle (the default, or given): no timing field, no label", async () => {
    for (const flags of [[], ["--timing", "cycle"]]) {
      const r = await simIn("run", "compare-boards", "--board", "5D", ...flags, "--duration", "1ms", "--json", "-", "--quiet");
      expect(r.code, r.err).toBe(0);
      const run = JSON.parse(r.out).runs[0];
      expect(run.timing).toBeUndefined();
      expect("timing" in run.provenance.board).toBe(false);
    }
    expect(boardLabel({ board: "5A" })).toBe("5A");
    expect(boardLabel({ board: "5A", timing: "tlm" })).toBe("5A (tlm)");
    expect(boardLabel({ board: "5A", cpuModel: "isa" })).toBe("5A (isa)");
    expect(boardLabel({ board: "5A", cpuModel: "isa", timing: "tlm" })).toBe("5A (isa, tlm)");
  });

  it("refuses a bad value in one line with exit code 2, and where no board runs", async () => {
    for (const cmd of [["run", "compare-boards"], ["compare"], ["saturate"], ["sweep", "--board", "5A", "--loads", "1:1:1"], ["controllers"], ["study", "--vary", "load=1"]]) {
      const bad = await simIn(...cmd, "--timing", "fast");
      expect(bad.code, cmd.join(" ")).toBe(2);
      expect(bad.err.trim().split("\n")).toHaveLength(1);
      expect(bad.err).toMatch(/expected cycle or tlm, got "fast"/);
    }
    const link = await simIn("run", "demo-link", "--timing", "tlm", "--quiet");
    expect(link.code).toBe(2);
    expect(link.err).toMatch(/--timing does not apply to demo-link/);
    // the transaction-level bus has no phases to draw
    const vcd = await simIn("run", "compare-boards", "--board", "5A", "--timing", "tlm", "--duration", "1ms", "--vcd", join(dir, "bus.vcd"), "--quiet");
    expect(vcd.code).toBe(2);
    expect(vcd.err.trim().split("\n")).toHaveLength(1);
    expect(vcd.err).toMatch(/--vcd .*--timing tlm/);
  });

  it("a board file with \"timing\": \"tlm\" loads (a preset's copy with it is still the preset); --timing is over the file's", () => {
    const own = join(dir, "own.json");
    writeFileSync(own, JSON.stringify({ ...PRESETS["5E"]!, name: "my-5E", timing: "tlm" }));
    const a = loadBoard(own);
    expect(a.ok && a.board.timing).toBe("tlm");
    const copy = join(dir, "5a.json");
    writeFileSync(copy, JSON.stringify({ ...PRESETS["5A"]!, timing: "tlm" }));
    const b = loadBoard(copy);
    expect(b.ok, b.ok ? "" : b.error).toBe(true);
    expect(b.ok && b.board.timing).toBe("tlm");
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ ...PRESETS["5A"]!, name: "x", timing: "fast" }));
    const c = loadBoard(bad);
    expect(c.ok).toBe(false);
    expect(!c.ok && c.error).toMatch(/timing/);
    setTiming("cycle");
    const d = loadBoard(own);
    expect(d.ok && "timing" in d.board).toBe(false);
    expect(withTiming(PRESETS["5A"] as never, "tlm")).toMatchObject({ timing: "tlm" });
  });

  it("a scenario's `timing` option builds its boards in that mode", async () => {
    const recs = await getScenario("compare-boards")!.run({ seed: 1, durationPs: 1_000_000_000, load: 1, boards: ["5D"], timing: "tlm" });
    expect(recs[0]!["timing"]).toBe("tlm");
  });
});
