/** The golden results: what they are made of, shared by the test and `npm run golden:accept`. */
import { compareBoards } from "../../src/scenarios/compare-boards.ts";
import { MS } from "../../src/sim/time.ts";

export const GOLDEN_FILE = new URL("./compare-boards.json", import.meta.url);

/** compare-boards on the six presets, 5 ms, seed 1, wall time removed. */
export function goldenCompareBoards(): string {
  const runs = compareBoards({ seed: 1, durationPs: 5 * MS, load: 1 }).map((r) => ({ ...r, wallSeconds: undefined }));
  return JSON.stringify({ schema: 1, runs }, null, 2) + "\n";
}
