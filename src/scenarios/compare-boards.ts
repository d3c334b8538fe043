/**
 * compare-boards: the same mixed workload (Fig 2 setting: four routers, four servers, IMIX,
 * TCP/UDP/ESP, 15 Mb/s inbound per router and 60 Mb/s outbound per server at load 1.0) on each
 * board, by default the six presets of Figs 5A-5F. The main job of `npm start`.
 */
import { loadBoard } from "../hw/boards/load.ts";
import { PRESET_NAMES } from "../hw/boards/presets.ts";
import { MS } from "../sim/time.ts";
import { runBoard } from "./board-run.ts";
import { WORKLOADS, type WorkloadName } from "./workloads.ts";
import { traceOptions, type RunOptions, type RunRecord, type ScenarioInfo } from "./registry.ts";
import { SATURATE_DEFAULTS, saturate } from "./saturate.ts";

export class BoardLoadError extends Error {}

/** The named workload's rates; an unknown name is a usage error. */
export function workloadOf(name: string | undefined): { inboundBpsPerRouter: number; outboundBpsPerServer: number } {
  const w = WORKLOADS[(name ?? "mixed") as WorkloadName];
  if (!w) throw new BoardLoadError(`unknown workload "${name}": expected one of ${Object.keys(WORKLOADS).join(", ")}`);
  return { inboundBpsPerRouter: w.inboundBpsPerRouter, outboundBpsPerServer: w.outboundBpsPerServer };
}

export function compareBoards(o: RunOptions): RunRecord[] {
  const names = o.boards ?? PRESET_NAMES;
  return names.map((name) => {
    const b = loadBoard(name, o.timing);
    if (!b.ok) throw new BoardLoadError(b.error);
    const w = workloadOf(o.workload);
    return { ...runBoard(b.board, { seed: o.seed, durationPs: o.durationPs, load: o.load, scenario: "compare-boards", ...w, ...traceOptions(o, b.board.name, names.length) }), workload: o.workload ?? "mixed" };
  });
}

export const compareBoardsScenario: ScenarioInfo = {
  name: "compare-boards",
  description: "the same mixed workload (4 routers, 4 servers, IMIX; 60 Mb/s in, 240 Mb/s out at load 1) on the boards of Figs 5A-5F",
  defaultDurationPs: 20 * MS,
  run: compareBoards,
};

export const saturateScenario: ScenarioInfo = {
  name: "saturate",
  description: "per board, the highest load with under 0.1 % drops (doubling, then bisection), beside the analytic bound",
  defaultDurationPs: SATURATE_DEFAULTS.windowPs,
  run: (o) =>
    (o.boards ?? PRESET_NAMES).map((name) => {
      const b = loadBoard(name, o.timing);
      if (!b.ok) throw new BoardLoadError(b.error);
      workloadOf(o.workload);
      return saturate(b.board, (o.workload ?? "inbound-heavy") as WorkloadName, { ...SATURATE_DEFAULTS, seed: o.seed, windowPs: o.durationPs });
    }),
};
