/**
 * Child process of the garbage bench (run under `node --single-threaded`). `gc`: the four marked
 * runs, for the parent to read with V8's GC trace; `sites`: the sampled figure and allocation
 * sites, as a JSON line.
 */
import { markedRuns, sampledSites } from "./garbage.ts";
import type { WorkloadName } from "../src/scenarios/workloads.ts";

const [mode = "gc", board = "5A", durationPs = "1000e9", workload = "mixed", top = "15"] = process.argv.slice(2);
if (mode === "gc") markedRuns(board, Number(durationPs), workload as WorkloadName);
else console.log(JSON.stringify(await sampledSites(board, Number(durationPs), workload as WorkloadName, Number(top))));
