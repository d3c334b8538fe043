import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    pool: "forks",
    // Test files share their fork's module cache (no fresh module graph per file): on 2 cores the
    // suite took 326 s isolated and 216 s shared (2026-12-03, same 665 tests, all passing both
    // ways). Tests must not rely on module state another file could leave behind; results do not
    // (same config and seed, same bytes, whatever ran before in the process: the golden and the
    // determinism tests check it).
    isolate: false,
    // vitest's default is one fork fewer than the cores: on a 2-core machine, one. Use them all.
    maxWorkers: availableParallelism(),
    reporters: ["default", "./test/support/summary-reporter.ts"],
  },
});
