/** The API reference (TypeDoc) documents every exported name; the example property test on the firmware-only board passes (#19 item 2). */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { root } from "./sim.ts";

const run = promisify(execFile);

describe("the documented API", () => {
  it("typedoc finds no exported name without documentation and no broken link", async () => {
    const r = await run(process.execPath, [join(root, "node_modules/typedoc/bin/typedoc"), "--emit", "none", "--treatWarningsAsErrors"], { cwd: root, encoding: "utf8" }).catch((e: { stdout: string; stderr: string; code: number }) => e);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/warning|error/i);
  }, 60_000);

  it("examples/failover-property.ts: no two primaries, no pre-emption, over 30 random sequences", async () => {
    const r = await run(process.execPath, [join(root, "node_modules/tsx/dist/cli.mjs"), join(root, "examples/failover-property.ts"), "30"], { cwd: root, encoding: "utf8" });
    expect(r.stdout).toMatch(/^no two primaries and no pre-emption: 30 sequences .* passed \(seed 19\), [1-9]\d* handovers seen$/m);
  }, 60_000);
});
