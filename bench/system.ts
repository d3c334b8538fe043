/**
 * Whole-system speed: each board of compare-boards under a workload, with OMNeT++'s P, E and R
 * figures: events per wall second (P), events per simulated second (E), simulated seconds per
 * wall second (R), plus simulated frames per wall second; the median of three runs per board.
 */
import { loadBoard } from "../src/hw/boards/load.ts";
import { PRESET_NAMES } from "../src/hw/boards/presets.ts";
import { runBoard } from "../src/scenarios/board-run.ts";
import { WORKLOADS, type WorkloadName } from "../src/scenarios/workloads.ts";

export function systemBench(durationPs: number, load: number, workload: WorkloadName, json: boolean): void {
  const w = WORKLOADS[workload];
  for (const name of PRESET_NAMES) {
    const b = loadBoard(name);
    if (!b.ok) throw new Error(b.error);
    runBoard(b.board, { seed: 1, durationPs: durationPs / 10, load, ...w }); // warm-up
    // the median of three runs (this machine's speed varies by tens of per cent from run to run)
    type R = { frames: { injected: number }; events: number; wallSeconds: number; simulatedSeconds: number };
    const runs = [0, 1, 2].map(() => runBoard(b.board, { seed: 1, durationPs, load, ...w }) as unknown as R).sort((x, y) => x.wallSeconds - y.wallSeconds);
    const r = runs[1]!;
    const out = {
      board: name, workload, load, simulatedSeconds: r.simulatedSeconds, wallSeconds: +r.wallSeconds.toFixed(3),
      framesPerWallSecond: Math.round(r.frames.injected / r.wallSeconds),
      eventsPerWallSecond: Math.round(r.events / r.wallSeconds),
      eventsPerSimulatedSecond: Math.round(r.events / r.simulatedSeconds),
      simulatedSecondsPerWallSecond: +(r.simulatedSeconds / r.wallSeconds).toFixed(3),
    };
    if (json) console.log(JSON.stringify(out));
    else console.log(`${name}  ${out.framesPerWallSecond.toLocaleString("en-US").padStart(10)} frames/s  P ${(out.eventsPerWallSecond / 1e6).toFixed(2)} M ev/s  E ${(out.eventsPerSimulatedSecond / 1e6).toFixed(1)} M ev/sim-s  R ${out.simulatedSecondsPerWallSecond} sim-s/s`);
  }
}
