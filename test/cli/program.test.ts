/** The CLI as a program: closed pipes, the package's bin. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "./sim.ts";

describe("flowsim CLI: the program", () => {
  it("a closed pipe ends the program quietly with status 0", () => {
    const r = spawnSync("bash", ["-c", "npx tsx src/cli/main.ts list | head -1; echo \"status ${PIPESTATUS[0]}\""], { encoding: "utf8" });
    expect(r.stdout).toMatch(/status 0/);
    expect(r.stderr).not.toMatch(/EPIPE/);
  });
});

describe("the package's bin", () => {
  it("runs from any directory with the package's tsconfig (class fields assigned: see docs/performance.md, garbage)", () => {
    const cwd = mkdtempSync(join(tmpdir(), "flowsim-cwd-"));
    const r = spawnSync(process.execPath, [join(root, "bin/flowsim.js"), "list"], { encoding: "utf8", cwd });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("compare-boards");
    expect(JSON.parse(readFileSync(join(root, "tsconfig.json"), "utf8")).compilerOptions.useDefineForClassFields).toBe(false);
    expect(readFileSync(join(root, "bin/flowsim.js"), "utf8")).toContain('"--tsconfig"');
    expect(readFileSync(join(root, "src/parallel/worker-boot.mjs"), "utf8")).toContain("tsconfig:");
  }, 30_000);
});
