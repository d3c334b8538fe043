/**
 * `npm run fuzz [-- --runs N] [--seed S] [--boards 5A,5E]`: the board fuzz of
 * test/fuzz/board-fuzz.ts at length (default 200 cases per board, a random seed), printing the
 * seed so a failure can be replayed with `--seed`. Exit code 1 on a counterexample.
 */
import fc from "fast-check";
import { parseArgs } from "node:util";
import { boardProperty, FUZZ_BOARDS } from "../test/fuzz/board-fuzz.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "200" }, seed: { type: "string" }, boards: { type: "string", default: FUZZ_BOARDS.join(",") } } });
const runs = Number(values.runs), seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31;
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`--runs ${values.runs}: must be a positive integer`);
  process.exit(2);
}
if (!Number.isInteger(seed)) {
  console.error(`--seed ${values.seed}: must be an integer`);
  process.exit(2);
}
const boards = values.boards.split(",");
for (const b of boards) {
  if (!(FUZZ_BOARDS as readonly string[]).includes(b)) {
    console.error(`--boards: ${b} is not fuzzed (choose from ${FUZZ_BOARDS.join(", ")})`);
    process.exit(2);
  }
}
let failed = false;
for (const b of boards) {
  const t0 = performance.now();
  const r = fc.check(boardProperty(b), { seed, numRuns: runs });
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  if (r.failed) {
    failed = true;
    console.log(`${b}: counterexample after ${r.numRuns} cases (${secs} s), seed ${seed}, path ${r.counterexamplePath}:\n${String(r.errorInstance)}`);
  } else console.log(`${b}: ${r.numRuns} cases passed in ${secs} s (seed ${seed})`);
}
process.exit(failed ? 1 : 0);
