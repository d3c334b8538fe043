/**
 * A board run's time series (`--series INTERVAL`; docs/results-format.md "Series"): over the
 * warm-up and the window, every `INTERVAL` and at the warm-up's end, what the hosts delivered and
 * offered each way, the frames dropped by place and cause, each resource's busy share, each
 * queue's depth, the data frames inside, and (flow-switch firmware) the flow table's entries and
 * each server's and router's health. The sampler only reads: a run with a series gives the same
 * record as without, the series aside (test/scenarios/series.test.ts).
 */
import type { Board } from "../hw/boards/board.ts";
import type { FlowSwitch } from "../firmware/flow-switch.ts";
import { sampleInstants, SeriesRecorder } from "../sim/stats/series.ts";
import type { Simulator } from "../sim/simulator.ts";
import type { Workload } from "../traffic/workload.ts";

/** Bytes per picosecond to Mb/s. */
const MBPS_PER_BYTE_PER_PS = 8e6;

export interface BoardSeriesSources {
  sim: Simulator;
  board: Board;
  workload: Workload;
  /** The flow-switch firmware (absent for the NAT baseline: no flow table or health series). */
  fw: FlowSwitch | undefined;
  /** Frames dropped so far, by place and cause, as the record counts them. */
  dropped: () => Record<string, number>;
  /** Data frames inside the switch and the hosts' queues now. */
  dataInFlight: () => number;
}

/** What each group of a series holds, for readers of the JSON and the CSV. */
export const SERIES_UNITS = {
  tMs: "ms from the measurement window's start, at the end of each interval (the warm-up's samples are at or before 0)",
  delivered: "Mb/s over the interval (frame bits, FCS included, that reached their host)",
  offered: "Mb/s over the interval (frame bits the hosts generated)",
  dropped: "frames dropped in the interval, by place and cause",
  utilization: "busy share of the interval, 0-1",
  queues: "items waiting at the instant: frames (ports, buffers, CPU buffers, CPLD), transactions (PCI masters), transfers (arbiter, crossbar), jobs (CPU)",
  backlog: "data frames inside the switch and the hosts' queues at the instant",
  flows: "flow-table entries at the instant",
  health: "1 up, 0 down, at the instant, as the switch's health monitoring has it",
} as const;

/** Sets up and starts the sampler of a board run whose warm-up ends at `warmupPs` and which ends at `endPs`. */
export function boardSeries(src: BoardSeriesSources, intervalPs: number, warmupPs: number, endPs: number): SeriesRecorder {
  const { sim, board, workload: wl, fw } = src;
  const s = new SeriesRecorder(sim, sampleInstants(intervalPs, warmupPs, endPs));
  s.rate("delivered", "inboundMbps", () => wl.deliveredBytes[0]!, MBPS_PER_BYTE_PER_PS);
  s.rate("delivered", "outboundMbps", () => wl.deliveredBytes[1]!, MBPS_PER_BYTE_PER_PS);
  s.rate("offered", "inboundMbps", () => wl.offeredBytes[0]!, MBPS_PER_BYTE_PER_PS);
  s.rate("offered", "outboundMbps", () => wl.offeredBytes[1]!, MBPS_PER_BYTE_PER_PS);
  s.counts("dropped", src.dropped);
  const probes = board.probes();
  for (const b of probes.busy) s.rate("utilization", b.name, (now) => b.busyPs(now));
  for (const q of probes.queues) s.level("queues", q.name, () => q.depth());
  s.level("backlog", "dataFrames", src.dataInFlight);
  if (fw) {
    s.level("flows", "live", () => fw.flows.size);
    for (const c of fw.clusters) for (const srv of c.servers) s.level("health", srv.name, () => (srv.state === "up" ? 1 : 0));
    for (const r of fw.routers) s.level("health", r.name, () => (r.up ? 1 : 0));
  }
  s.start();
  return s;
}

/** The series section of a run record: times from the window's start, the warm-up's samples counted. */
export function seriesRecord(s: SeriesRecorder, intervalPs: number, warmupPs: number): Record<string, unknown> {
  let warm = 0;
  while (warm < s.samples && s.instants[warm]! <= warmupPs) warm++;
  return {
    intervalMs: intervalPs / 1e9, samples: s.samples, warmupSamples: warm, warmupEndMs: 0, units: SERIES_UNITS,
    ...s.read((t) => (t - warmupPs) / 1e9),
  };
}
