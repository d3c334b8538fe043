/** Child process of the garbage bench (run under `node --single-threaded`): one measurement, printed as a JSON line. */
import { measureGarbage } from "./garbage.ts";
import type { WorkloadName } from "../src/scenarios/workloads.ts";

const [board = "5A", durationPs = "1000e9", workload = "mixed", top = "15"] = process.argv.slice(2);
console.log(JSON.stringify(await measureGarbage(board, Number(durationPs), workload as WorkloadName, Number(top))));
