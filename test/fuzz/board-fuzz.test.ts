/**
 * The board fuzz (board-fuzz.ts) in CI: a fixed seed and a few cases per board, also bounded in
 * time (fast-check stops starting new cases after FUZZ_CI_MS). `npm run fuzz` runs many more.
 */
import fc from "fast-check";
import { describe, it } from "vitest";
import { boardProperty, FUZZ_BOARDS } from "./board-fuzz.ts";

/** Cases per board and the time after which no new case starts (a few seconds in all). */
const FUZZ_CI_RUNS = 20;
const FUZZ_CI_MS = 2_500;

describe("fuzzed frames at router and server ports of a running board", () => {
  for (const board of FUZZ_BOARDS) {
    it(`${board}: nothing throws, every frame is accounted for, nothing unparsable is forwarded, no healthy host changes health`, { timeout: 60_000 }, () => {
      fc.assert(boardProperty(board), { seed: 21, numRuns: FUZZ_CI_RUNS, interruptAfterTimeLimit: FUZZ_CI_MS, markInterruptAsFailure: false });
    });
  }
});
