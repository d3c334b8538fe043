import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    pool: "forks",
    // vitest's default is one fork fewer than the cores: on a 2-core machine, one. Use them all.
    maxWorkers: availableParallelism(),
    reporters: ["default", "./test/support/summary-reporter.ts"],
  },
});
