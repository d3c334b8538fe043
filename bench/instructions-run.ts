/**
 * Child process of the instructions bench (run under valgrind): one board run (a preset, or 5D-12:
 * Fig 5D with twelve GT-48002s) in a timing mode at a load; prints frames and events as JSON.
 */
import { loadBoard, withTiming } from "../src/hw/boards/load.ts";
import { runBoard } from "../src/scenarios/board-run.ts";
import { WORKLOADS, type WorkloadName } from "../src/scenarios/workloads.ts";
import { fiveD12 } from "./system.ts";

const [board = "5A", ms = "200", workload = "mixed", timing = "cycle", load = "1"] = process.argv.slice(2);
const b = board.toUpperCase() === "5D-12" ? { ok: true as const, board: fiveD12() } : loadBoard(board);
if (!b.ok) throw new Error(b.error);
const spec = withTiming(b.board, timing as "cycle" | "tlm");
const r = runBoard(spec, { seed: 1, durationPs: Number(ms) * 1e9, load: Number(load), ...WORKLOADS[workload as WorkloadName] }) as unknown as { frames: { injected: number }; events: number };
console.log(JSON.stringify({ frames: r.frames.injected, events: r.events }));
