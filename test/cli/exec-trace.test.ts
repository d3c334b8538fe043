/**
 * `--exec-trace FILE [--exec-trace-job N]` (docs/cli.md, docs/hardware.md "Seeing it"): one CPU
 * frame job of a board in isa mode, its C path instruction by instruction, then the CPU's replay
 * of the whole job through the board's caches and memories. The file must add up: one line per
 * instruction the C path reports, and the job's instruction count is the op table's items, the
 * C path's instructions and the TypeScript's explicit accesses together.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { simIn } from "./sim.ts";

const dir = mkdtempSync(join(tmpdir(), "flowsim-exec-"));

async function traced(file: string, ...more: string[]): Promise<string> {
  const r = await simIn("run", "compare-boards", "--board", "5A", "--cpu-model", "isa", "--duration", "1ms", "--quiet", "--exec-trace", join(dir, file), ...more);
  expect(r.code, r.err).toBe(0);
  return readFileSync(join(dir, file), "utf8");
}

describe("--exec-trace", () => {
  it("writes one job: the C path per instruction, then the replay with cache outcomes and stalls, adding up", async () => {
    const text = await traced("a.txt", "--exec-trace-job", "2");
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^# flowsim .* --exec-trace: board 5A, .*frame job 2 of the window/);
    expect(lines[1]).toMatch(/^frame job 2 of the window: a \d+-byte frame from port \d+ at \d+ ps/);
    const instr = lines.filter((l) => /^ +\d+: 0x[0-9a-f]{8} [0-9a-f]{8}  \S/.test(l));
    const total = /^ {2}C: (\d+) instructions in all/m.exec(text);
    expect(total, "the C path's total").not.toBeNull();
    expect(instr.length).toBe(Number(total![1]));
    expect(instr.some((l) => /\b(lw|sw|addiu|jr)\b/.test(l))).toBe(true);
    // the replay: every C access with the board's cache outcome; stalls with their memory
    expect(text).toMatch(/^ {2}C: \+\d+ pipeline cycles, (load|store) 0x[0-9a-f]+: D-cache (hit|miss)$/m);
    expect(text).toMatch(/^ {2}C: \+\d+ pipeline cycles, I-line 0x[0-9a-f]+: I-cache (hit|miss)$/m);
    expect(text).toMatch(/^ {6}stalled \d+ ps .* for the (line fill|write-back) at 0x[0-9a-f]+ in cpuboard\.dram$/m);
    expect(text).toMatch(/for the uncached read's round trip over PCI$/m);
    // the job's instructions: op-table items, the C path's, and one per TypeScript access, write-back and uncached access
    const ops = [...text.matchAll(/^ {2}op \w+: (\d+) instructions/gm)].reduce((s, m) => s + Number(m[1]), 0);
    const singles = lines.filter((l) => /^ {2}(load|store) 0x|^ {2}CACHE Hit_Writeback|^ {2}uncached /.test(l)).length;
    const end = /^job end at \d+ ps: (\d+) cycles busy, \d+ cycles from start to end \(stalls included\), (\d+) instructions/m.exec(text);
    expect(end, "the job's end").not.toBeNull();
    expect(Number(end![2])).toBe(ops + Number(total![1]) + singles);
    expect(lines.at(-1)!.startsWith(end![0]), "the job's end is the last line").toBe(true);
  });

  it("is the same file for the same run, and says so when the run ends first", async () => {
    expect(await traced("b.txt", "--exec-trace-job", "2")).toBe(await traced("c.txt", "--exec-trace-job", "2"));
    const late = await traced("d.txt", "--exec-trace-job", "100000");
    expect(late).toMatch(/the run ended before frame job 100000 of the window: \d+ frame jobs were decided in it/);
  });

  it("refuses the trace model and bad flags in one line with exit code 2", async () => {
    for (const [args, msg] of [
      [["--exec-trace", join(dir, "e.txt")], /instruction-level CPU: board 5A runs the trace model \(use --cpu-model isa\)/],
      [["--exec-trace-job", "2"], /--exec-trace-job applies only with --exec-trace/],
      [["--cpu-model", "isa", "--exec-trace", join(dir, "f.txt"), "--exec-trace-job", "0"], /--exec-trace-job: expected a whole number/],
      [["--cpu-model", "isa", "--exec-trace", "/proc/nope/x.txt"], /--exec-trace/],
    ] as const) {
      const r = await simIn("run", "compare-boards", "--board", "5A", "--duration", "1ms", "--quiet", ...args);
      expect(r.code, r.err).toBe(2);
      expect(r.err.trim().split("\n")).toHaveLength(1);
      expect(r.err).toMatch(msg);
    }
  });
});
