/**
 * The package as a user gets it: `npm pack`, installed into an empty directory with its runtime
 * dependencies only (no tsx, no TypeScript), then `npx flowsim list`, a user script importing from
 * "flowsim", and that script type-checked against the shipped declarations.
 */
import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { root } from "./sim.ts";

/** The newest modification time under `dir` (ms). */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) t = Math.max(t, statSync(join(e.parentPath, e.name)).mtimeMs);
  return t;
}

/** npm, without blocking the test worker (a blocked worker misses vitest's RPC deadline). */
const npm = async (args: string[], cwd: string) => (await promisify(execFile)("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], { cwd, encoding: "utf8" })).stdout;

describe("the package", () => {
  const dir = mkdtempSync(join(tmpdir(), "flowsim-pkg-"));
  let tarball = "";
  beforeAll(async () => {
    // dist/ built from the current sources (npm pack's prepack builds it; skipped here when it is fresh: tsc takes ~35-40 s on the 2 loaded cores; pack 3 s, install 15 s)
    let dist = 0;
    try {
      dist = newest(join(root, "dist"));
    } catch {}
    if (dist < Math.max(newest(join(root, "src")), statSync(join(root, "package.json")).mtimeMs)) await npm(["run", "build"], root);
    tarball = join(dir, JSON.parse(await npm(["pack", "--ignore-scripts", "--json", "--pack-destination", dir], root))[0].filename);
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "user", private: true, type: "module" }));
    await npm(["install", "--omit=dev", "--prefer-offline", tarball], dir);
  }, 180_000);

  it("ships compiled JavaScript and declarations, no sources or tests", async () => {
    const files: string[] = JSON.parse(await npm(["pack", "--ignore-scripts", "--dry-run", "--json"], root))[0].files.map((f: { path: string }) => f.path);
    expect(files).toContain("dist/index.js");
    expect(files).toContain("dist/index.d.ts");
    expect(files).toContain("dist/cli/main.js");
    expect(files).toContain("bin/flowsim.js");
    expect(files.filter((f) => /^(src|test|bench)\//.test(f) || f.endsWith(".map"))).toEqual([]);
    const installed = readdirSync(join(dir, "node_modules"));
    expect(installed).not.toContain("tsx");
    expect(installed).not.toContain("typescript");
  });

  it("npx flowsim list and --version run the compiled CLI", () => {
    const r = spawnSync("npx", ["--no-install", "flowsim", "list"], { cwd: dir, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("compare-boards");
    const v = spawnSync("npx", ["--no-install", "flowsim", "--version"], { cwd: dir, encoding: "utf8" });
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("a user script imports from \"flowsim\" and \"flowsim/testing\", runs a board and the firmware-only board, and type-checks", () => {
    const script = join(dir, "study.ts");
    writeFileSync(script, [
      'import { boardVariant, loadBoard, runBoard, MS, type RunRecord } from "flowsim";',
      'const fast = boardVariant("5A", (b) => { b.cpu.clockHz = 200_000_000; });',
      'const base = loadBoard("5A");',
      'if (!base.ok) throw new Error(base.error);',
      'const runs: RunRecord[] = [base.board, fast].map((spec) => runBoard(spec, { seed: 1, durationPs: 1 * MS, warmupPs: 1 * MS, load: 0.5 }));',
      'console.log(JSON.stringify(runs.map((r) => r.simulatedSeconds)));',
      'import { config, harness, tcp, Verdict } from "flowsim/testing";',
      'const h = harness(config(2));',
      'const [verdict]: [number, Uint8Array] = h.run(tcp(0x0a000001, 6000));',
      'if (verdict === Verdict.Drop) throw new Error("dropped");',
      "",
    ].join("\n"));
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ["study.ts"] }));
    const tsc = spawnSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", dir], { cwd: dir, encoding: "utf8" });
    expect(tsc.status, tsc.stdout).toBe(0);
    // run as JavaScript: the same script with its type annotations removed
    writeFileSync(join(dir, "study.mjs"), `import { boardVariant, loadBoard, runBoard, MS } from "flowsim";
const fast = boardVariant("5A", (b) => { b.cpu.clockHz = 200_000_000; });
const base = loadBoard("5A");
if (!base.ok) throw new Error(base.error);
console.log(JSON.stringify([base.board, fast].map((spec) => runBoard(spec, { seed: 1, durationPs: 1 * MS, warmupPs: 1 * MS, load: 0.5 }).simulatedSeconds)));
import { config, harness, tcp, Verdict } from "flowsim/testing";
const h = harness(config(2));
if (h.run(tcp(0x0a000001, 6000))[0] === Verdict.Drop) throw new Error("dropped");
`);
    const r = spawnSync(process.execPath, ["study.mjs"], { cwd: dir, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([0.001, 0.001]);
  });
});
