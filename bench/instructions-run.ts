/** Child process of the instructions bench (run under valgrind): one board run; prints frames and events as JSON. */
import { loadBoard } from "../src/hw/boards/load.ts";
import { runBoard } from "../src/scenarios/board-run.ts";
import { WORKLOADS, type WorkloadName } from "../src/scenarios/workloads.ts";

const [board = "5A", ms = "200", workload = "mixed"] = process.argv.slice(2);
const b = loadBoard(board);
if (!b.ok) throw new Error(b.error);
const r = runBoard(b.board, { seed: 1, durationPs: Number(ms) * 1e9, load: 1, ...WORKLOADS[workload as WorkloadName] }) as unknown as { frames: { injected: number }; events: number };
console.log(JSON.stringify({ frames: r.frames.injected, events: r.events }));
