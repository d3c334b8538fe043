/** `npm run isa`: runs an image and reports its cost; bad input gets one line and exit code 2. */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const isa = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "scripts/isa-run.ts", ...args], { cwd: ROOT, encoding: "utf8" });

describe("npm run isa", () => {
  it("runs a program with inputs set by symbol, and prints its cost and results", () => {
    const r = isa("firmware/build/muldiv.elf", "--set", "params=20,3", "--show", "results:2");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^stopped: idle\ncycles \d+, instructions \d+, CPI \d\.\d{3}\n/);
    expect(r.stdout).toMatch(/\nresults: 0x[0-9a-f]+ 0x[0-9a-f]+\n$/);
  });

  it("refuses a file that is not an ELF image with one line and exit code 2", () => {
    const r = isa("package.json");
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("isa: package.json: not an ELF file (bad magic)\n");
  });
});
