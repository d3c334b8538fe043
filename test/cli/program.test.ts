/** The CLI as a program: closed pipes, the package's bin. */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
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

describe("the package's build", () => {
  it("compiles with the package's tsconfig: class fields assigned, not defined (see docs/performance.md, garbage)", () => {
    expect(JSON.parse(readFileSync(join(root, "tsconfig.json"), "utf8")).compilerOptions.useDefineForClassFields).toBe(false);
    const build = JSON.parse(readFileSync(join(root, "tsconfig.build.json"), "utf8"));
    expect(build.extends).toBe("./tsconfig.json");
    expect(build.compilerOptions.useDefineForClassFields).toBeUndefined();
    // from source, worker threads load tsx with the package's tsconfig too
    expect(readFileSync(join(root, "src/parallel/worker-boot.mjs"), "utf8")).toContain("tsconfig:");
  });
});
