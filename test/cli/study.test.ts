/** `flowsim study --vary`: the full grid over board and workload fields (#19 item 4). */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { simIn } from "./sim.ts";

describe("flowsim study", () => {
  it("runs the full grid, one record per point carrying its values and its resolved board; a slower CPU is busier by at most the clock ratio", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsim-study-"));
    const args = ["study", "--board", "5A", "--vary", "cpu.clockHz=80e6,133e6", "--vary", "interconnect.widthBits=32,64", "--duration", "2ms", "--warmup", "2ms", "--workers", "1", "--quiet"];
    // the CLI in this process, one thread (the records and the report are what is checked; a worker thread booting the
    // module graph again only adds to the suite's 2 forks; results on 2 workers equal 1: shards.test.ts)
    const all = await simIn(...args, "--json", join(dir, "all.json"), "--report", join(dir, "report"), "--against", "cpu.clockHz");
    const shard = await simIn(...args, "--shard", "2/2", "--json", join(dir, "s2.json"));
    expect(all.code, all.err).toBe(0);
    expect(shard.code, shard.err).toBe(0);
    const runs = JSON.parse(readFileSync(join(dir, "all.json"), "utf8")).runs as Record<string, any>[];
    expect(runs.map((r) => r["study"])).toEqual([
      { "cpu.clockHz": 80e6, "interconnect.widthBits": 32 },
      { "cpu.clockHz": 80e6, "interconnect.widthBits": 64 },
      { "cpu.clockHz": 133e6, "interconnect.widthBits": 32 },
      { "cpu.clockHz": 133e6, "interconnect.widthBits": 64 },
    ]);
    for (const r of runs) {
      expect(r["provenance"].board.cpu.clockHz).toBe(r["study"]["cpu.clockHz"]);
      expect(r["provenance"].board.interconnect.widthBits).toBe(r["study"]["interconnect.widthBits"]);
    }
    // the same work on a slower clock: busier, but by no more than 133/80 (memory stalls cost fewer cycles at a slower clock)
    for (const w of [0, 1]) {
      const ratio = runs[w]!["cpu"].utilization / runs[2 + w]!["cpu"].utilization;
      expect(ratio).toBeGreaterThan(1);
      expect(ratio).toBeLessThan((133 / 80) * 1.05);
    }
    // the report charts the CPU's utilisation against the clock, a line per bus width
    const page = readFileSync(join(dir, "report", "index.html"), "utf8");
    expect(page).toContain("Study: cpu.utilization against cpu.clockHz");
    expect(page).toContain("5A interconnect.widthBits=32");
    expect(page).toContain("5A interconnect.widthBits=64");
    const s2 = JSON.parse(readFileSync(join(dir, "s2.json"), "utf8")).runs as Record<string, any>[];
    expect(s2.map((r) => r["point"])).toEqual([1, 3]);
  }, 60_000);

  it("--cpu-model isa reaches every point (the grid's boards are parsed, not loaded), unless the study varies cpu.execution itself", async () => {
    const one = await simIn("study", "--board", "5A", "--vary", "cpu.clockHz=100000000", "--cpu-model", "isa", "--duration", "1ms", "--workers", "1", "--json", "-", "--quiet");
    expect(one.code, one.err).toBe(0);
    const r = JSON.parse(one.out).runs[0];
    expect(r.cpuModel).toBe("isa");
    expect(r.cpu.isa.framesDecided).toBeGreaterThan(0);
    const both = await simIn("study", "--board", "5A", "--vary", "cpu.execution=trace,isa", "--cpu-model", "isa", "--duration", "1ms", "--workers", "1", "--json", "-", "--quiet");
    expect(both.code, both.err).toBe(0);
    expect(JSON.parse(both.out).runs.map((x: { cpuModel?: string }) => x.cpuModel ?? "trace")).toEqual(["trace", "isa"]);
  });

  it("a value the board schema refuses, an unknown field, no --vary, a search with load varied: one line, exit 2, before anything runs", async () => {
    const cases: [string[], RegExp][] = [
      [["study", "--vary", "cpu.clockHz=80e6,1e12"], /^flowsim: study point 5A cpu.clockHz=1000000000000: cpu.clockHz: expected at most 2e8 \(got 1e12\)$/],
      [["study", "--vary", "cpu.turbo=1"], /cpu: unknown field "turbo"/],
      [["study", "--vary", "cards[9].controllers=2"], /^flowsim: --vary cards\[9\]\.controllers: cards has 4 entries \(indexes from 0\)$/],
      [["study", "--vary", "workload.speed=2"], /--vary workload.speed: expected one of load, workload.inboundBpsPerRouter/],
      [["study", "--vary", "cpu.clockHz"], /--vary: expected FIELD=V1,V2/],
      [["study"], /study: give at least one --vary/],
      [["study", "--vary", "load=1,2", "--measure", "capacity"], /--vary load does not apply to study --measure capacity/],
      [["study", "--vary", "load=0x2"], /--vary load: expected numbers from/],
      [["study", "--vary", "load=1,2", "--against", "cpu.clockHz", "--report", "/tmp/x"], /--against cpu.clockHz: not a --vary field \(load\)/],
      [["study", "--vary", "load=1,2", "--plot", "cpu.utilization"], /--plot and --against apply only with --report/],
    ];
    for (const [args, line] of cases) {
      const r = await simIn(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err.trim(), args.join(" ")).toMatch(line);
    }
  });
});
