import { loadBoard } from "../src/hw/boards/load.ts";
import { runBoard } from "../src/scenarios/board-run.ts";
import { WORKLOADS } from "../src/scenarios/workloads.ts";
const name = process.argv[2] ?? "5A", wl = (process.argv[3] ?? "mixed") as keyof typeof WORKLOADS, ms = Number(process.argv[4] ?? 300), load = Number(process.argv[5] ?? 1);
const b = loadBoard(name); if (!b.ok) throw new Error(b.error);
runBoard(b.board, { seed: 1, durationPs: 10e9, load, ...WORKLOADS[wl] });
const r: any = runBoard(b.board, { seed: 1, durationPs: ms * 1e9, load, ...WORKLOADS[wl] });
console.log(name, wl, Math.round(r.frames.injected / r.wallSeconds), "frames/s", (r.events / r.frames.injected).toFixed(1), "ev/frame", (r.simulatedSeconds / r.wallSeconds).toFixed(2), "R");
