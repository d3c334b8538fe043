/**
 * The built-in scenarios, by name. A scenario takes the common run options and returns a
 * result record (plain data, JSON-ready). Later scenarios (board comparison, failover, router
 * pooling) register here.
 */
import type { Tick } from "../sim/time.ts";
import type { TraceSettings } from "./traces.ts";

/** The options every scenario's `run` receives (the `run` command's flags). */
export interface RunOptions {
  seed: number;
  /** Simulated duration in ps. */
  durationPs: Tick;
  /** Scales the workload's nominal offered rate (1.0 = nominal). */
  load: number;
  /** Directory for captures, if any (src/scenarios/traces.ts). */
  pcapDir?: string;
  /** VCD file for the fabric's signals, if any (with several boards, the board's name is inserted before .vcd). */
  vcdPath?: string;
  /** A per-instruction trace of one CPU frame job in isa mode (`--exec-trace`; with several boards, the board's name is inserted before .txt). */
  execTracePath?: string;
  /** How traces are written: format, ports, windows, signals, start time. */
  trace?: TraceSettings;
  /** Board runs' time series: a sample every this many ps (`--series`; src/scenarios/board-series.ts). */
  seriesIntervalPs?: Tick;
  /** Board presets or files to run on (scenarios that use boards). */
  boards?: string[];
  /** The boards' timing model (`--timing`): "cycle" (default, the reference) or "tlm" (transaction level; records carry `timing: "tlm"`). Board scenarios build every board with it. */
  timing?: "cycle" | "tlm";
  /** Named workload (src/scenarios/workloads.ts) for board scenarios. */
  workload?: string;
  /** The hosts scenario: a hosts configuration file, a pcap to replay, a per-flow CSV to write. */
  hostsFile?: string;
  replay?: string;
  flowsCsv?: string;
}

/** A scenario: what `flowsim run NAME` runs, and what a scenario file default-exports. */
export interface ScenarioInfo {
  name: string;
  description: string;
  /** Default simulated duration in ps when --duration is not given. */
  defaultDurationPs: Tick;
  /** Runs the scenario and returns its run records. */
  run(opts: RunOptions): Promise<RunRecord[]> | RunRecord[];
}

/** One run's results, as written to JSON (see docs/results-format.md once the boards exist). */
export type RunRecord = Record<string, unknown> & { scenario: string; seed: number; simulatedSeconds: number; wallSeconds: number };

const registry = new Map<string, ScenarioInfo>();

/** Adds a scenario to those `getScenario` and `listScenarios` know (names are unique). */
export function registerScenario(s: ScenarioInfo): void {
  if (registry.has(s.name)) throw new Error(`scenario ${s.name} registered twice`);
  registry.set(s.name, s);
}

/** A registered scenario by name. */
export function getScenario(name: string): ScenarioInfo | undefined {
  return registry.get(name);
}

/** Every registered scenario, in registration order. */
export function listScenarios(): ScenarioInfo[] {
  return [...registry.values()];
}

/** Trace options for one board of a multi-board run: pcap files are per board already; the VCD gets the board's name; time series as asked. */
export function traceOptions(o: RunOptions, board: string, boards: number): { pcapDir?: string; vcdPath?: string; execTracePath?: string; trace?: TraceSettings; seriesIntervalPs?: Tick } {
  const out: { pcapDir?: string; vcdPath?: string; execTracePath?: string; trace?: TraceSettings; seriesIntervalPs?: Tick } = {};
  if (o.seriesIntervalPs) out.seriesIntervalPs = o.seriesIntervalPs;
  if (o.pcapDir) out.pcapDir = o.pcapDir;
  if (o.trace) out.trace = o.trace;
  if (o.vcdPath) out.vcdPath = boards > 1 ? o.vcdPath.replace(/(\.vcd)?$/, `.${board}.vcd`) : o.vcdPath;
  if (o.execTracePath) out.execTracePath = boards > 1 ? o.execTracePath.replace(/(\.txt)?$/, `.${board}.txt`) : o.execTracePath;
  return out;
}
