/** `npm run isa:boards` (scripts/isa-boards.ts): bad input gets one line and exit code 2. */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const run = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "scripts/isa-boards.ts", ...args], { cwd: fileURLToPath(new URL("../../../", import.meta.url)), encoding: "utf8" });

describe("npm run isa:boards", () => {
  it("refuses an unknown board, a bad count and an unknown option with one line and exit code 2", () => {
    for (const [args, line] of [
      [["--boards", "XYZ"], /^isa:boards: --boards: unknown board "XYZ"/],
      [["--seeds", "0"], /^isa:boards: --seeds: "0" is not a whole number of at least 1$/],
      [["--bogus"], /^isa:boards: unknown option '--bogus'$/],
    ] as const) {
      const r = run(...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.stderr.trim(), args.join(" ")).toMatch(line);
      expect(r.stdout).toBe("");
    }
  });
});
