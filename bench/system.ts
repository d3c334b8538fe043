/**
 * Whole-system speed: each board of compare-boards under a workload, with OMNeT++'s P, E and R
 * figures: events per wall second (P), events per simulated second (E), simulated seconds per
 * wall second (R), plus simulated frames per wall second; the median of three runs per board.
 */
import { loadBoard } from "../src/hw/boards/load.ts";
import type { BoardSpec } from "../src/hw/boards/schema.ts";
import { boardVariant } from "../src/hw/boards/variant.ts";
import { PRESET_NAMES } from "../src/hw/boards/presets.ts";
import { runBoard } from "../src/scenarios/board-run.ts";
import { runSpeed } from "../src/scenarios/speed.ts";
import { WORKLOADS, type WorkloadName } from "../src/scenarios/workloads.ts";

type Opts = Omit<Parameters<typeof runBoard>[1], "durationPs">;

export interface SystemRow {
  board: string;
  workload: string;
  load: number;
  simulatedSeconds: number;
  wallSeconds: number;
  deliveredMbps: number;
  framesPerWallSecond: number;
  eventsPerWallSecond: number;
  eventsPerSimulatedSecond: number;
  simulatedSecondsPerWallSecond: number;
}

/** The median of three runs of one board (this machine's speed varies by tens of per cent from run to run). */
export function measure(name: string, board: BoardSpec, opts: Opts, durationPs: number, workload: string, json: boolean, print = true): SystemRow {
  runBoard(board, { ...opts, durationPs: durationPs / 10 }); // warm-up
  type R = { frames: { injected: number }; delivered: { inboundMbps: number; outboundMbps: number }; events: number; wallSeconds: number; simulatedSeconds: number };
  const runs = [0, 1, 2].map(() => runBoard(board, { ...opts, durationPs }) as unknown as R).sort((x, y) => x.wallSeconds - y.wallSeconds);
  const r = runs[1]!;
  const s = runSpeed(r);
  const out: SystemRow = {
    board: name, workload, load: opts.load, simulatedSeconds: r.simulatedSeconds, wallSeconds: +r.wallSeconds.toFixed(3),
    deliveredMbps: Math.round(r.delivered.inboundMbps + r.delivered.outboundMbps),
    framesPerWallSecond: Math.round(s.framesPerWallSecond),
    eventsPerWallSecond: Math.round(s.eventsPerWallSecond),
    eventsPerSimulatedSecond: Math.round(s.eventsPerSimulatedSecond),
    simulatedSecondsPerWallSecond: +s.simulatedSecondsPerWallSecond.toFixed(3),
  };
  if (!print) return out;
  if (json) console.log(JSON.stringify(out));
  else console.log(`${name.padEnd(10)} ${String(out.deliveredMbps).padStart(5)} Mb/s  ${out.framesPerWallSecond.toLocaleString("en-US").padStart(10)} frames/s  P ${(out.eventsPerWallSecond / 1e6).toFixed(2)} M ev/s  E ${(out.eventsPerSimulatedSecond / 1e6).toFixed(1)} M ev/sim-s  R ${out.simulatedSecondsPerWallSecond} sim-s/s`);
  return out;
}

/** Fig 5D with twelve GT-48002s (24 ports), and the 1.1 Gb/s setting it is measured in. */
export function fiveD12(): BoardSpec {
  return boardVariant("5D", (b) => {
    b.cards[0]!.controllers = 12;
  });
}
export const FIVE_D_12_SETTING = { seed: 1, load: 1, inboundBpsPerRouter: 5e6, outboundBpsPerServer: 90e6, healthIntervalPs: 10e9, healthTimeoutPs: 5e9 };

export function systemBench(durationPs: number, load: number, workload: WorkloadName, json: boolean): void {
  const w = WORKLOADS[workload];
  for (const name of PRESET_NAMES) {
    const b = loadBoard(name);
    if (!b.ok) throw new Error(b.error);
    measure(name, b.board, { seed: 1, load, ...w }, durationPs, workload, json);
  }
  // Fig 5D at 1 Gb/s: twelve GT-48002s (24 ports; the 5D preset's 8 ports carry at most 800 Mb/s out)
  // under the 1.1 Gb/s outbound-heavy setting of test/scenarios/boards.test.ts. Health probes every
  // 10 ms with a 5 ms timeout: at 90 % port load the board runs' 0.5 ms timeout sees queueing delays
  // of that order and servers flap (each flap rebuilds a 65,537-entry Maglev table: 3x slower).
  measure("5D-12@1G", fiveD12(), FIVE_D_12_SETTING, durationPs, "outbound-heavy 1.1 Gb/s", json);
}
