/** `npm run isa:paths`: the C per-frame path's cost per path; bad input gets one line and exit code 2. */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseElf } from "../../../src/hw/cpu/isa/elf.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** The image's code, in 32-byte lines. */
const codeLines = Math.ceil(parseElf(readFileSync(new URL("firmware/build/switchpath.elf", `file://${ROOT}`)), "switchpath").segments.filter((g) => g.executable).reduce((n, g) => n + g.memBytes, 0) / 32) + 1;
const paths = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "scripts/isa-paths.ts", ...args], { cwd: ROOT, encoding: "utf8" });

describe("npm run isa:paths", () => {
  it("reports both paths; the code (under 9 KB, in a 16 KB two-way I-cache) misses each line at most once", () => {
    const r = paths("--connections", "200", "--concurrent", "20", "--segments", "3");
    expect(r.status).toBe(0);
    const row = (name: string) => r.stdout.split("\n").find((l) => l.startsWith(`| ${name} |`))?.split("|").map((c) => c.trim());
    for (const name of ["established", "newFlow"]) {
      const c = row(name)!;
      expect(c, name).toBeDefined();
      const [frames, instructions, cycles, cpi, iMisses] = c.slice(2, 7).map(Number);
      expect(frames).toBeGreaterThan(0);
      expect(cycles).toBeGreaterThanOrEqual(instructions!); // single issue: at most one instruction a cycle
      expect(cpi).toBeCloseTo(cycles! / instructions!, 2);
      expect(iMisses! * frames!).toBeLessThanOrEqual(codeLines);
    }
    // 200 connections: 200 SYNs, 600 segments and 200 FINs on the established path, less the warm-up's
    const est = Number(row("established")![2]), nf = Number(row("newFlow")![2]);
    expect(nf).toBe(180);
    expect(est).toBeGreaterThan(0);
  });

  it("--job measures the whole job: more than the decision alone, with one uncached device read a frame (the cause register) at its latency", () => {
    const args = ["--connections", "100", "--concurrent", "10", "--segments", "3"];
    const row = (out: string, name: string) => out.split("\n").find((l) => l.startsWith(`| ${name} |`))!.split("|").map((c) => c.trim());
    const alone = paths(...args), job = paths(...args, "--job", "--device-read-cycles", "50");
    expect(job.status).toBe(0);
    for (const name of ["established", "newFlow", "arp"]) {
      expect(Number(row(job.stdout, name)[3]), name).toBeGreaterThan(Number(row(alone.stdout, name)[3]));
      expect(row(job.stdout, name)[8], name).toContain("uncached 50.0");
    }
  });

  it("refuses a policy the C path does not port with one line and exit code 2", () => {
    const r = paths("--policy", "optimal-workload");
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('isa:paths: --policy: "optimal-workload" is not one the C path ports\n');
  });
});
