/**
 * The C build for the R4700 (scripts/firmware-build.ts): a fresh build is byte-identical to the
 * committed images, which were built by another process at another time, so the build is
 * deterministic and the images match their source. Skipped where the cross compiler is not
 * installed (the committed images are what the other tests run); CI installs it and also runs
 * `npm run firmware:check`.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILD_DIR, buildAll, hasCompiler, programs } from "../../../scripts/firmware-build.ts";

describe.skipIf(!hasCompiler())("firmware build (mips-linux-gnu-gcc)", () => {
  it("rebuilds every committed image byte for byte", () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsim-fw-"));
    try {
      buildAll(dir);
      for (const p of programs()) expect(readFileSync(join(dir, `${p}.elf`)).equals(readFileSync(join(BUILD_DIR, `${p}.elf`))), `${p}.elf differs from its source`).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
