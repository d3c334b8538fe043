/**
 * `flowsim` / `npm run sim -- <command>`: the command line.
 *   list                      scenarios and boards with one-line descriptions
 *   run <scenario>            run a built-in scenario
 *   compare [--boards ...]    the compare-boards scenario: one table, a row per board
 * Bad input (flags, names, files) gets one line naming the problem and exit code 2.
 */
import { accessSync, closeSync, constants, existsSync, openSync, realpathSync, statSync, unlinkSync } from "node:fs";
import { writeFileAtomic } from "../sim/output-file.ts";
import { readRegularFile } from "../sim/input-file.ts";
import { availableParallelism } from "node:os";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import chalk from "chalk";
import { ZodError } from "zod";
import { issueLine } from "../hw/boards/issue-line.ts";
import { Command, CommanderError } from "commander";
import { PRESETS } from "../hw/boards/presets.ts";
import { loadBoard, setCpuExecution, setTiming, withCpuExecution, withTiming } from "../hw/boards/load.ts";
import { BoardLoadError } from "../scenarios/compare-boards.ts";
import { getScenario, listScenarios, type RunOptions, type RunRecord, type ScenarioInfo } from "../scenarios/index.ts";
import { formatTick, SimTimeError } from "../sim/time.ts";
import { UsageError } from "./errors.ts";
import { refuseFlags, refuseRunFlags } from "./applies.ts";
import { boardsCommand } from "./boards.ts";
import { checkMergeable, withProvenance } from "./provenance.ts";
import { parseVary, studyGrid, type Vary } from "./study.ts";
import { parseCpuModel, parseTiming, parseDurationFlag, parseLoad, parsePositiveInt, parseSeed, parseShare, parseWarmupFlag } from "./options.ts";
import { printBoardTable, printCompareTable, printControllersTable, printHostsTable, printRun, printSaturationTable, printSweepTable } from "./print.ts";
import { HostsInputError } from "../hosts/config.ts";
import { ensureWritableDir, TraceOutputError } from "../sim/trace/sink.ts";
import { toCsv } from "./csv.ts";
import { startProgress } from "./progress.ts";
import { runPoints } from "../parallel/pool.ts";
import { shardOf, type PlainRunOptions, type Point } from "../parallel/points.ts";
import { PRESET_NAMES } from "../hw/boards/presets.ts";
import type { BoardSpec } from "../hw/boards/schema.ts";
import { parseLoads } from "../scenarios/sweep.ts";
import { QUICK_SEARCH, SATURATE_DEFAULTS, type SaturateOptions } from "../scenarios/saturate.ts";
import { combineSearches, MAX_SEARCHES, searchSeeds } from "../scenarios/capacity-searches.ts";
import { runReplicated } from "../parallel/replicate.ts";
import { DEFAULT_CONTROLLER_COUNTS, withControllers } from "../scenarios/controllers-study.ts";
import { WORKLOADS, type WorkloadName } from "../scenarios/workloads.ts";
import { MS } from "../sim/time.ts";
import { traceFlags, traceNotes, traceTargets, type TraceFlags } from "./trace-flags.ts";
import { emitSeries, seriesFlags, seriesOptions, type SeriesFlags } from "./series-flags.ts";
import { DEFAULT_WARMUP_PS } from "../scenarios/board-run.ts";
import { analysisCommands } from "../analysis/commands.ts";
import { packageVersion } from "../report/provenance.ts";

/** The command line being run (after `flowsim`), for the records' provenance. */
let commandLine: string[] = [];

/** A preset's or board file's resolved spec by board name, for provenance. */
function specOf(name: unknown, known: Map<string, BoardSpec>): BoardSpec | undefined {
  if (typeof name !== "string") return undefined;
  const k = known.get(name);
  if (k) return k;
  const b = PRESETS[name.toUpperCase()] ? loadBoard(name) : undefined;
  return b?.ok ? b.board : undefined;
}

interface RunFlags extends TraceFlags, SeriesFlags {
  seed: number;
  cpuModel?: "trace" | "isa";
  timing?: "cycle" | "tlm";
  duration?: number;
  load: number;
  json?: string;
  csv?: string;
  report?: string;
  workers?: string;
  shard?: string;
  loads?: string;
  hosts?: string;
  replay?: string;
  flows?: string;
  quiet?: boolean;
  boards?: string;
  board?: string;
  workload?: string;
  warmup?: number;
  replications?: number;
  maxReplications?: number;
  precision?: number;
  healthInterval?: number;
  healthTimeout?: number;
  capacity?: string;
  /** study --report: the result plotted, and the parameter it is plotted against. */
  plot?: string;
  against?: string;
}

function commonOptions(c: Command): Command {
  return c
    .option("--seed <n>", "run seed; same seed and config give identical results", parseSeed, 1)
    .option("--duration <t>", "simulated time with a unit, e.g. 20ms, 1s (default: the scenario's)", parseDurationFlag)
    .option("--load <x>", "scale the workload's nominal offered rate (1.0 = nominal)", parseLoad, 1)
    .option("--json <file>", "write the JSON results to a file, or - for stdout")
    .option("--csv <file>", "write the results as CSV (a row per run, a column per field) to a file, or - for stdout")
    .option("--report <dir>", "write an HTML page with SVG charts (and results.json) into this directory")
    .option("--quiet", "print nothing but errors (and --json -)");
}

/** `--cpu-model isa|trace`: the boards' CPU model (docs/hardware.md "The board running the C path"), over each board file's `cpu.execution`. */
function cpuModelOption(c: Command): Command {
  return c
    .option("--cpu-model <m>", "the CPU model of every board: trace (replays the op table; default) or isa (runs the whole C frame job on the instruction-level R4700)", parseCpuModel)
    .option("--timing <t>", "the timing model of every board: cycle (every bus tenure and stall; default, the reference) or tlm (transaction level; results labelled \"(tlm)\")", parseTiming);
}

/** Flags of the commands that measure boards: warm-up, replications and confidence, health timers. */
function measureOptions(c: Command): Command {
  return cpuModelOption(c)
    .option("--warmup <t>", "simulated warm-up before each measurement window, after which every statistic restarts (default 20ms)", parseWarmupFlag)
    .option("--replications <n>", "independent replications (seeds) per point; figures get 95 % Student-t intervals", parsePositiveInt)
    .option("--precision <p>", "add replications until every headline figure's 95 % half-width is within this share of its mean, e.g. 0.02", parseShare)
    .option("--max-replications <n>", "at most this many replications per point with --precision (default 30)", parsePositiveInt)
    .option("--health-interval <t>", "health probe interval for servers and routers (default 2s; the failover scenarios use 1ms)", parseDurationFlag)
    .option("--health-timeout <t>", "health probe timeout (default 1s)", parseDurationFlag);
}

/** Board-run options from the measuring flags and a workload. */
function runOptionsOf(o: RunFlags, w: WorkloadName, scenario: string): PlainRunOptions {
  return {
    inboundBpsPerRouter: WORKLOADS[w].inboundBpsPerRouter, outboundBpsPerServer: WORKLOADS[w].outboundBpsPerServer, scenario,
    ...(o.warmup !== undefined ? { warmupPs: o.warmup } : {}),
    ...(o.healthInterval !== undefined ? { healthIntervalPs: o.healthInterval } : {}),
    ...(o.healthTimeout !== undefined ? { healthTimeoutPs: o.healthTimeout } : {}),
    ...seriesOptions(o, (o.warmup ?? DEFAULT_WARMUP_PS) + (o.duration ?? 20 * MS)),
  };
}

/** Capacity-search settings: `full` (saturate's defaults) or `quick` (the main table's), with the measuring flags. */
function searchOptions(o: RunFlags, mode: "full" | "quick", run: PlainRunOptions): SaturateOptions {
  const base = mode === "full" ? SATURATE_DEFAULTS : QUICK_SEARCH;
  return {
    ...base, seed: o.seed, run,
    ...(mode === "full" && o.duration !== undefined ? { windowPs: o.duration } : {}),
    ...(mode === "full" && o.replications !== undefined ? { replications: Math.max(2, o.replications) } : {}),
    ...(mode === "full" && o.maxReplications !== undefined ? { maxReplications: o.maxReplications } : {}),
    ...(mode === "full" && o.precision !== undefined ? { goalWidth: o.precision } : {}),
  };
}

/** `--searches`: a whole number of independent capacity searches per board, 1 to MAX_SEARCHES. */
function parseSearches(v: string | undefined): number {
  if (v === undefined) return 1;
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isInteger(n) || n < 1 || n > MAX_SEARCHES) throw new UsageError(`--searches: expected a whole number from 1 to ${MAX_SEARCHES}, got "${v}"`);
  return n;
}

function parseBoards(v: string | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  const names = v.split(",").map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError(`--boards: expected a comma-separated list of presets (${Object.keys(PRESETS).join(", ")}) or board files`);
  for (const n of names) {
    const b = loadBoard(n);
    if (!b.ok) throw new UsageError(b.error);
  }
  return names;
}

/** A scenario by name, or a user's scenario file (a module whose default export is a ScenarioInfo). */
async function findScenario(name: string): Promise<ScenarioInfo> {
  const builtin = getScenario(name);
  if (builtin) return builtin;
  if (!/[./\\]/.test(name)) throw new UsageError(`unknown scenario "${name}" (try: flowsim list, or give a scenario file's path)`);
  const path = resolve(name);
  if (!existsSync(path)) throw new UsageError(`scenario file ${name} not found`);
  if (!statSync(path).isFile()) throw new UsageError(`scenario file ${name} is not a regular file`);
  if (/\.[mc]?ts$/.test(path) && !import.meta.url.endsWith(".ts")) await registerTypeScript(name);
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (e) {
    throw new UsageError(`scenario file ${name} failed to load: ${loadErrorLine(e)}`);
  }
  const s = mod.default as Partial<ScenarioInfo> | undefined;
  if (!s || typeof s.run !== "function" || typeof s.name !== "string" || typeof s.defaultDurationPs !== "number") {
    throw new UsageError(`scenario file ${name} must default-export { name, description, defaultDurationPs, run(options) }`);
  }
  if (!Number.isSafeInteger(s.defaultDurationPs) || s.defaultDurationPs <= 0) throw new UsageError(`scenario file ${name}: defaultDurationPs must be a positive whole number of ps, got ${s.defaultDurationPs}`);
  return s as ScenarioInfo;
}

/** The compiled CLI (the installed package) loads a TypeScript scenario file through tsx, when it is installed. */
async function registerTypeScript(name: string): Promise<void> {
  try {
    const api = "tsx/esm/api"; // not a static import: tsx is optional at run time
    const { register } = (await import(api)) as { register: () => void };
    register();
  } catch {
    throw new UsageError(`scenario file ${name} is TypeScript: install tsx beside flowsim (npm install tsx) or write the scenario as .js`);
  }
}

/** One line saying why a module failed to load: esbuild's "file:line:col: ERROR: what" rather than its "Transform failed with 1 error:". */
export function loadErrorLine(e: unknown): string {
  const lines = String((e as Error)?.message ?? e).split("\n").map((l) => l.trim()).filter(Boolean);
  const located = lines.find((l) => /:\d+:\d+: ERROR: /.test(l));
  return located ?? lines[0] ?? "unknown error";
}

/**
 * A results file (`--json`, `--csv`, `--flows`) that cannot be written is refused before anything runs:
 * a directory, a missing or unwritable folder (files are written to a temporary name there, then
 * renamed). An existing device or FIFO (/dev/null, /dev/stdout) is written directly: it must be writable.
 */
function checkOutputFile(flag: string, file: string | undefined): void {
  if (file === undefined || file === "-") return;
  const abs = resolve(file), dir = dirname(abs);
  if (existsSync(abs)) {
    const st = statSync(abs);
    if (st.isDirectory()) throw new UsageError(`cannot write ${flag} file ${file}: is a directory`);
    if (!st.isFile()) {
      try {
        accessSync(abs, constants.W_OK);
        return;
      } catch {
        throw new UsageError(`cannot write ${flag} file ${file}: not writable`);
      }
    }
  }
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`cannot write ${flag} file ${file}: no such directory ${dir}`);
  // a probe file, written and removed: permissions alone do not tell (root, /proc, read-only mounts)
  const probe = join(dir, `.flowsim-probe-${process.pid}`);
  try {
    closeSync(openSync(probe, "wx"));
    unlinkSync(probe);
  } catch (e) {
    throw new UsageError(`cannot write ${flag} file ${file}: cannot create files in ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Every output path, checked before a run starts (a long run must not end by losing its results to a bad path). */
function checkOutputs(o: RunFlags): void {
  checkOutputFile("--json", o.json);
  checkOutputFile("--csv", o.csv);
  checkOutputFile("--flows", o.flows);
  if (o.json === "-" && o.csv === "-") throw new UsageError("--json - and --csv - cannot both write to stdout");
  if (o.report !== undefined) {
    try {
      ensureWritableDir("--report", o.report);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
}

async function runScenario(name: string, o: RunFlags, cmd?: Command): Promise<void> {
  checkOutputs(o);
  const scenario = await findScenario(name);
  if (cmd) refuseRunFlags(cmd, getScenario(name) ? name : "");
  const boards = parseBoards(o.boards ?? o.board);
  const opts: RunOptions = {
    seed: o.seed, durationPs: o.duration ?? scenario.defaultDurationPs, load: o.load,
    ...traceTargets(o), ...seriesOptions(o, DEFAULT_WARMUP_PS + (o.duration ?? scenario.defaultDurationPs)), ...(boards ? { boards } : {}), ...(o.workload !== undefined ? { workload: o.workload } : {}),
    ...(o.hosts !== undefined ? { hostsFile: o.hosts } : {}), ...(o.replay !== undefined ? { replay: o.replay } : {}), ...(o.flows !== undefined ? { flowsCsv: o.flows } : {}),
    ...(o.timing !== undefined ? { timing: o.timing } : {}),
  };
  let records: RunRecord[];
  const stop = startProgress(!!o.quiet);
  try {
    records = await scenario.run(opts);
  } catch (e) {
    if (e instanceof BoardLoadError || e instanceof HostsInputError || e instanceof TraceOutputError) throw new UsageError(e.message);
    if (!getScenario(name) && e instanceof Error && !(e instanceof UsageError) && configError(e) === undefined) throw new ScenarioFailure(name, e);
    throw e;
  } finally {
    stop();
  }
  const known = new Map((boards ?? []).map((n) => loadBoard(n)).flatMap((b) => (b.ok ? [[b.board.name, b.board] as const] : [])));
  const settings = { durationPs: opts.durationPs, load: opts.load, ...(o.hosts !== undefined ? { hostsFile: o.hosts } : {}), ...(o.replay !== undefined ? { replay: o.replay } : {}) };
  if (!Array.isArray(records) || records.some((r) => typeof r !== "object" || r === null)) {
    throw new UsageError(`scenario file ${name}: run() must return an array of run records (objects), got ${Array.isArray(records) ? "an array holding something else" : typeof records}`);
  }
  records = withProvenance(records, commandLine, undefined, (r) => ({ board: specOf(r["board"], known), workload: { name: o.workload ?? (typeof r["workload"] === "string" ? r["workload"] : `${scenario.name}'s`), settings } }));
  await emit(records, o);
  if (!o.quiet) for (const l of traceNotes(records)) process.stderr.write(`${l}\n`);
}

function writeOut(file: string, text: string, flag: string): void {
  if (file === "-") return void process.stdout.write(text);
  try {
    writeFileAtomic(file, text);
  } catch (e) {
    throw new UsageError(`cannot write ${flag} file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

async function emit(records: RunRecord[], o: RunFlags): Promise<void> {
  if (o.json) writeOut(o.json, JSON.stringify({ schema: 1, runs: records }, null, 2) + "\n", "--json");
  if (o.csv) writeOut(o.csv, toCsv(records), "--csv");
  emitSeries(records, o);
  if (o.report) {
    try {
      const { writeReport } = await import("../report/html-report.ts"); // vega and vega-lite load only when asked for (about 0.2 s)
      const r = await writeReport(o.report, records, `flowsim ${commandLine.join(" ")}`, { ...(o.plot !== undefined ? { y: o.plot } : {}), ...(o.against !== undefined ? { x: o.against } : {}) });
      if (!o.quiet) for (const n of r.notes) process.stderr.write(`${n}\n`);
      if (!o.quiet) process.stderr.write(`report: ${r.path} (${r.charts} charts)\n`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code) throw new UsageError(`cannot write --report into ${o.report}: ${(e as NodeJS.ErrnoException).code}`);
      throw e;
    }
  }
  if (o.quiet || o.json === "-" || o.csv === "-") return;
  if (records.length > 0 && "hosts" in records[0]!) printHostsTable(records);
  else if (records.length > 0 && "dropRate" in records[0]!) printSweepTable(records);
  else if (records.length > 0 && "controllers" in records[0]! && "saturation" in records[0]!) printControllersTable(records);
  else if (records.length > 0 && "saturation" in records[0]!) printSaturationTable(records);
  else if (records.length > 0 && "capacity" in records[0]!) printCompareTable(records);
  else if (records.length > 0 && "board" in records[0]!) printBoardTable(records);
  else for (const r of records) printRun(r);
}

function parseShard(v: string | undefined): { i: number; n: number } | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(v.trim());
  if (!m || Number(m[2]) < 1 || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) throw new UsageError(`--shard: expected i/N with 1 <= i <= N, e.g. 2/4, got "${v}"`);
  return { i: Number(m[1]), n: Number(m[2]) };
}

/** Worker threads: `--workers`, else one per core (at most 8); results are identical whatever the count. */
function parseWorkers(v: string | undefined): number {
  if (v === undefined) return Math.max(1, Math.min(8, availableParallelism()));
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`--workers: expected an integer from 1 to 64, got "${v}"`);
  return n;
}

/** Runs independent points (on workers, or this shard's share of them; board runs replicated as the flags say) and emits the records. */
async function runPointsCommand(points: Point[], o: RunFlags, replicate = false, combine?: (records: RunRecord[]) => RunRecord[]): Promise<void> {
  checkOutputs(o);
  const mine = shardOf(points, parseShard(o.shard));
  const workers = parseWorkers(o.workers);
  const stop = startProgress(!!o.quiet);
  let records: RunRecord[];
  try {
    records = replicate
      ? await runReplicated(mine as Extract<Point, { kind: "board" }>[], { replications: o.replications ?? 1, ...(o.precision !== undefined ? { precision: o.precision } : {}), maxReplications: o.maxReplications ?? 30, workers })
      : await runPoints(mine, workers);
  } finally {
    stop();
  }
  records = withProvenance(records, commandLine, o.shard, (_, k) => pointProvenance(mine[k]!));
  if (combine) records = combine(records);
  await emit(records, o);
}

/** A point's resolved board and workload: the workload's name and rates and every setting the point ran with. */
function pointProvenance(p: Point): { board: BoardSpec; workload: Record<string, unknown> } {
  if (p.kind === "board") {
    const name = p.extra?.["workload"];
    return { board: p.spec, workload: { ...(typeof name === "string" ? { name } : {}), settings: { ...p.options, seed: p.seed, durationPs: p.durationPs, load: p.load } } };
  }
  return { board: p.spec, workload: { name: p.workload, ...WORKLOADS[p.workload], settings: p.options } };
}

function boardsOrPresets(o: RunFlags): { name: string; spec: BoardSpec }[] {
  return (parseBoards(o.boards ?? o.board) ?? PRESET_NAMES).map((n) => {
    const b = loadBoard(n);
    if (!b.ok) throw new UsageError(b.error);
    return { name: n, spec: b.board };
  });
}

function workloadFlag(o: RunFlags, dflt: WorkloadName): WorkloadName {
  const w = (o.workload ?? dflt) as WorkloadName;
  if (!(w in WORKLOADS)) throw new UsageError(`unknown workload "${o.workload}": expected one of ${Object.keys(WORKLOADS).join(", ")}`);
  return w;
}

export function buildProgram(): Command {
  const program = new Command("flowsim")
    .description("cycle-level simulator of the WO 99/33227 network flow switch")
    .version(packageVersion(), "-V, --version", "print flowsim's version")
    .option("--no-color", "no colours (also when the environment sets NO_COLOR)")
    .showSuggestionAfterError(true)
    .exitOverride()
    // --cpu-model and --timing: every board loaded from here on (presets and files, by name or in the points handed to workers) takes them
    .hook("preAction", (_p, cmd) => {
      const o = cmd.opts() as { cpuModel?: "trace" | "isa"; timing?: "cycle" | "tlm" };
      setCpuExecution(o.cpuModel);
      setTiming(o.timing);
    })
    .configureOutput({ writeErr: (s) => process.stderr.write(`flowsim: ${(s.split("\n").find((l) => l.trim() !== "") ?? "").replace(/^error: /, "")}\n`) });

  program
    .command("list")
    .description("list the built-in scenarios and board presets")
    .action(() => {
      console.log("scenarios:");
      for (const s of listScenarios()) console.log(`  ${s.name.padEnd(20)} ${s.description} (default ${formatTick(s.defaultDurationPs)})`);
      console.log("boards:");
      for (const [name, b] of Object.entries(PRESETS)) console.log(`  ${name.padEnd(20)} ${b.description}`);
    });

  seriesFlags(traceFlags(cpuModelOption(commonOptions(program.command("run").description("run a scenario").argument("<scenario>", "a built-in scenario name (see list) or the path of a scenario file"))))
    .option("--board <b>", "a board preset or board file (same as --boards with one)")
    .option("--boards <list>", "comma-separated board presets or board files, for scenarios that run boards")
    .option("--workload <w>", "named workload for board scenarios: mixed, inbound-heavy, outbound-heavy")
    .option("--hosts <file>", "hosts scenario: a hosts configuration (JSON, see docs/hosts.md)")
    .option("--replay <pcap>", "hosts scenario: replay this capture on the clients' side instead of generated flows")
    .option("--flows <csv>", "hosts scenario: write one line per flow (with several boards, the board's name is inserted before .csv)"))
    .action((name: string, o: RunFlags, cmd: Command) => runScenario(name, o, cmd));

  seriesFlags(traceFlags(measureOptions(commonOptions(program.command("compare").description("the main job: each board's capacity (what limits it, beside its analytic bound) and what it pays at a common reference load (--load)")))))
    .option("--boards <list>", "comma-separated board presets or board files (default: 5A,5B,5C,5D,5E,5F)")
    .option("--workload <w>", "mixed (default), inbound-heavy or outbound-heavy")
    .option("--capacity <mode>", "the capacity search: quick (default: a 4 % bracket), full (saturate's), or none", "quick")
    .option("--workers <n>", "worker threads (default: one per core; results identical to serial)")
    .option("--shard <i/N>", "run only shard i of N of the boards (for job arrays); combine with merge")
    .action((o: RunFlags) => {
      if (o.pcap !== undefined || o.vcd !== undefined) return runScenario("compare-boards", o); // traces: in this thread
      const w = workloadFlag(o, "mixed");
      const mode = o.capacity ?? "quick";
      if (mode !== "quick" && mode !== "full" && mode !== "none") throw new UsageError(`--capacity: expected quick, full or none, got "${mode}"`);
      const run = runOptionsOf(o, w, "compare-boards");
      const points: Point[] = boardsOrPresets(o).map((b, index) => ({
        kind: "compare", index, spec: b.spec, workload: w,
        options: { seed: o.seed, load: o.load, durationPs: o.duration ?? 20 * MS, replications: o.replications ?? 3, run, capacity: mode === "none" ? null : searchOptions(o, mode, run) },
      }));
      return runPointsCommand(points, o);
    });

  measureOptions(commonOptions(program.command("saturate").description("each board's capacity (highest load carried in steady state: loss <= 0.1 %, no growing queue, no health change), beside its analytic bound")))
    .option("--board <b>", "a board preset or board file (default: all six presets)")
    .option("--boards <list>", "comma-separated board presets or board files")
    .option("--workload <w>", "inbound-heavy (default), mixed or outbound-heavy")
    .option("--workers <n>", "worker threads (default: one per core; results identical to serial)")
    .option("--shard <i/N>", "run only shard i of N of the boards; combine with merge")
    .option("--searches <n>", "independent searches per board (master seeds seed, seed+1, ...): the capacity's mean over them with its 95 % interval (default 1)")
    .action((o: RunFlags & { searches?: string }, cmd: Command) => {
      refuseFlags(cmd, ["load"], "saturate (it searches the load)");
      const w = workloadFlag(o, "inbound-heavy");
      const run = runOptionsOf(o, w, "saturate");
      const n = parseSearches(o.searches);
      // a board's searches share its index, so a shard runs all of them (they are combined into one record)
      const points: Point[] = boardsOrPresets(o).flatMap((b, index) => searchSeeds(o.seed, n).map((seed) => ({ kind: "saturate" as const, index, spec: b.spec, workload: w, options: { ...searchOptions(o, "full", run), seed } })));
      return runPointsCommand(points, o, false, (records) => combineSearches(records, n));
    });

  measureOptions(commonOptions(program.command("controllers").description("the patent's scale: each topology's capacity against its number of GT-48002 controllers (two ports each)")))
    .option("--boards <list>", "topologies: comma-separated presets (default: 5A,5B,5C,5D,5E,5F)")
    .option("--counts <list>", "controller counts, e.g. 1,2,4,8,12 (the default)")
    .option("--workload <w>", "mixed (default), inbound-heavy or outbound-heavy: rates per router and server port")
    .option("--capacity <mode>", "the capacity search: quick (default) or full", "quick")
    .option("--workers <n>", "worker threads (default: one per core; results identical to serial)")
    .option("--shard <i/N>", "run only shard i of N of the points; combine with merge")
    .action((o: RunFlags & { counts?: string }, cmd: Command) => {
      refuseFlags(cmd, ["load"], "controllers (it searches the load)");
      const w = workloadFlag(o, "mixed");
      const counts = o.counts === undefined ? DEFAULT_CONTROLLER_COUNTS : o.counts.split(",").map((x) => Number(x.trim()));
      if (counts.some((n) => !Number.isInteger(n) || n < 1 || n > 32)) throw new UsageError(`--counts: expected a comma-separated list of integers from 1 to 32, got "${o.counts}"`);
      const mode = o.capacity ?? "quick";
      if (mode !== "quick" && mode !== "full") throw new UsageError(`--capacity: expected quick or full, got "${mode}"`);
      const presets = parseBoards(o.boards) ?? PRESET_NAMES;
      for (const p of presets) if (!(p.toUpperCase() in PRESETS)) throw new UsageError(`controllers: ${p} is not a preset (the study varies the presets' controller counts)`);
      const run = runOptionsOf(o, w, "controllers");
      const points: Point[] = [];
      for (const p of presets) {
        for (const n of counts) {
          if (PRESETS[p.toUpperCase()]!.translator?.kind === "asic" && n < 2) continue; // 5F needs a circuit card and an Ethernet card
          points.push({ kind: "saturate", index: points.length, spec: withTiming(withCpuExecution(withControllers(p, n))), workload: w, options: searchOptions(o, mode, run), extra: { topology: p.toUpperCase(), controllers: n } });
        }
      }
      return runPointsCommand(points, o);
    });

  seriesFlags(measureOptions(commonOptions(program.command("sweep").description("throughput, loss, backlog and latency against offered load, for one board or several"))))
    .option("--board <b>", "a board preset or board file")
    .option("--boards <list>", "comma-separated board presets or board files (a line per board in the report)")
    .requiredOption("--loads <a:b:step>", "load factors from a to b by step, e.g. 0.5:3:0.5")
    .option("--workload <w>", "mixed (default), inbound-heavy or outbound-heavy")
    .option("--workers <n>", "worker threads (default: one per core; results identical to serial)")
    .option("--shard <i/N>", "run only shard i of N of the loads; combine with merge")
    .action((o: RunFlags, cmd: Command) => {
      refuseFlags(cmd, ["load"], "sweep (--loads gives its loads)");
      const loads = parseLoads(o.loads!);
      if (typeof loads === "string") throw new UsageError(`--loads: ${loads}`);
      if (o.board === undefined && o.boards === undefined) throw new UsageError("sweep: give --board or --boards");
      const w = workloadFlag(o, "mixed");
      const points = boardsOrPresets(o).flatMap((b, bi) => loads.map((load, li) => ({
        kind: "board" as const, index: bi * loads.length + li, spec: b.spec, seed: o.seed, durationPs: o.duration ?? 20 * MS, load, options: runOptionsOf(o, w, "sweep"), extra: { workload: w },
      })));
      return runPointsCommand(points, o, true);
    });

  measureOptions(commonOptions(program.command("study").description("a parameter study: the full grid of --vary values over any board or workload field, a run (or a capacity search) per point")))
    .option("--vary <field=v1,v2,...>", "a board field (cpu.clockHz, interconnect.widthBits, cards[0].controllers, ...) or load, workload.inboundBpsPerRouter, workload.outboundBpsPerServer, workload.flows, workload.packetsPerFlow, and its values; repeat for a grid", (v: string, prev: Vary[] | undefined) => parseVary(v, prev))
    .option("--board <b>", "a board preset or board file (default 5A)")
    .option("--boards <list>", "comma-separated board presets or board files: the grid on each")
    .option("--workload <w>", "mixed (default), inbound-heavy or outbound-heavy: the rates the workload.* fields start from")
    .option("--measure <what>", "run: one board run per point at --load (default); capacity: a capacity search per point (quick bracket)", "run")
    .option("--workers <n>", "worker threads (default: one per core; results identical to serial)")
    .option("--shard <i/N>", "run only shard i of N of the points; combine with merge")
    .option("--plot <field>", "with --report: the result to chart, a dotted field (default cpu.utilization; with --measure capacity saturation.deliveredMbps)")
    .option("--against <field>", "with --report: the varied parameter on the x axis (default the first numeric one); a line per combination of the others")
    .action((o: RunFlags & { vary?: Vary[]; measure?: string }, cmd: Command) => {
      if (!o.vary || o.vary.length === 0) throw new UsageError("study: give at least one --vary FIELD=V1,V2,...");
      if (o.against !== undefined && !o.vary.some((v) => v.path === o.against)) throw new UsageError(`--against ${o.against}: not a --vary field (${o.vary.map((v) => v.path).join(", ")})`);
      if ((o.plot !== undefined || o.against !== undefined) && o.report === undefined) throw new UsageError("--plot and --against apply only with --report");
      if (o.measure !== "run" && o.measure !== "capacity") throw new UsageError(`--measure: expected run or capacity, got "${o.measure}"`);
      if (o.measure === "capacity") refuseFlags(cmd, ["load"], "study --measure capacity (it searches the load)");
      const searched = o.vary.find((v) => ["load", "workload.inboundBpsPerRouter", "workload.outboundBpsPerServer"].includes(v.path));
      if (o.measure === "capacity" && searched) throw new UsageError(`--vary ${searched.path} does not apply to study --measure capacity (the search scales the workload's rates: choose them with --workload)`);
      const w = workloadFlag(o, "mixed");
      const boards = parseBoards(o.boards ?? o.board) ?? ["5A"];
      // --cpu-model and --timing over every point (the grid's boards are parsed, not loaded), unless the study varies that field itself (--vary timing=cycle,tlm)
      const varies = (path: string) => o.vary!.some((v) => v.path === path);
      const grid = studyGrid(boards, o.vary, o.load).map((g) => {
        let spec = g.spec;
        if (!varies("cpu.execution")) spec = withCpuExecution(spec);
        if (!varies("timing")) spec = withTiming(spec);
        return { ...g, spec };
      });
      const points: Point[] = grid.map((g, index) => {
        const run = { ...runOptionsOf(o, w, "study"), ...g.workload };
        const extra = { workload: w, study: g.values };
        return o.measure === "capacity"
          ? { kind: "saturate" as const, index, spec: g.spec, workload: w, options: { ...searchOptions(o, "quick", run), run }, extra }
          : { kind: "board" as const, index, spec: g.spec, seed: o.seed, durationPs: o.duration ?? 20 * MS, load: g.load, options: run, extra };
      });
      return runPointsCommand(points, o, o.measure === "run");
    });

  program
    .command("merge")
    .description("combine the JSON results of shards (in point order) into one document")
    .argument("<files...>", "JSON files written by --shard runs")
    .option("--json <file>", "write the merged JSON to a file, or - for stdout (default -)")
    .option("--csv <file>", "also write CSV")
    .action(async (files: string[], o: RunFlags) => {
      const docs: { file: string; runs: RunRecord[] }[] = [];
      for (const f of files) {
        let doc: { schema?: unknown; runs?: unknown };
        try {
          doc = JSON.parse(readRegularFile(f, "utf8"));
        } catch (e) {
          throw new UsageError(`merge: cannot read ${f}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message.split("\n")[0]}`);
        }
        if (doc.schema !== 1 || !Array.isArray(doc.runs)) throw new UsageError(`merge: ${f} is not a flowsim results document (schema 1)`);
        docs.push({ file: f, runs: doc.runs as RunRecord[] });
      }
      checkMergeable(docs);
      const runs = docs.flatMap((d) => d.runs);
      runs.sort((a, b) => ((a["point"] as number) ?? 0) - ((b["point"] as number) ?? 0));
      await emit(runs, { ...o, json: o.json ?? "-" });
    });

  boardsCommand(program);
  analysisCommands(program);
  return program;
}

/** A user's scenario file threw: reported as one line with the file and line where it threw, exit 1. */
class ScenarioFailure extends Error {
  constructor(file: string, cause: Error) {
    super(`scenario file ${file} failed: ${cause.message.split("\n")[0]}${whereIn(cause, resolve(file))}`, { cause });
  }
}

/** " (at file:line:col)": the first stack frame outside flowsim itself (the user's scenario or a module it imports). */
function whereIn(e: Error, file: string): string {
  const frames = (e.stack ?? "").split("\n").slice(1).map((l) => /\(?((?:file:\/\/)?\/[^()]*?):(\d+):(\d+)\)?$/.exec(l.trim())).filter((m): m is RegExpExecArray => m !== null);
  const own = (f: string) => /\/(src|dist)\/(sim|hw|firmware|net|scenarios|parallel|hosts|traffic|stats|report|analysis|cli)\//.test(f) || f.includes("/node_modules/") || f.startsWith("node:");
  const m = frames.find((x) => x[1]!.replace(/^file:\/\//, "") === file) ?? frames.find((x) => !own(x[1]!));
  return m ? ` (at ${m[1]!.replace(/^file:\/\//, "")}:${m[2]}:${m[3]})` : "";
}

/** One line for an error a configuration caused (a model's zod validation, a time past the simulator's range), or undefined. */
function configError(e: unknown): string | undefined {
  if (e instanceof ZodError) return `the configuration was refused: ${issueLine(e.issues, "run")}`;
  if (e instanceof SimTimeError) return `the configuration asks for a time the simulator cannot hold: ${e.message.split("\n")[0]}`;
  // the isa CPU model asked for what the C path does not port (src/scenarios/board-run.ts), in this thread or a worker
  if (e instanceof Error && e.name === "CpuModelError") return e.message.split("\n")[0];
  return undefined;
}

/**
 * Runs the command line `argv` (as `process.argv`: node, script, then the arguments) and returns its
 * exit code: 0, 2 for bad input (one line on stderr naming it), 1 for an internal error.
 */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  commandLine = argv.slice(2);
  // chalk 5 reads FORCE_COLOR and the terminal, not NO_COLOR (no-color.org: set and not empty)
  if ((process.env["NO_COLOR"] ?? "") !== "" || argv.slice(2).includes("--no-color")) chalk.level = 0;
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof UsageError) {
      process.stderr.write(`flowsim: ${e.message}\n`);
      return 2;
    }
    // a configuration the schemas let through but a model refuses (the builder's own validation, a time beyond 2^53 ps): the input's fault, one line
    const configProblem = configError(e);
    if (configProblem !== undefined && !process.env["FLOWSIM_DEBUG"]) {
      process.stderr.write(`flowsim: ${configProblem}\n`);
      return 2;
    }
    if (e instanceof ScenarioFailure && !process.env["FLOWSIM_DEBUG"]) {
      process.stderr.write(`flowsim: ${e.message}\n`);
      return 1;
    }
    if (process.env["FLOWSIM_DEBUG"]) throw (e instanceof ScenarioFailure ? e.cause ?? e : e);
    process.stderr.write(`flowsim: internal error: ${(e as Error).message} (set FLOWSIM_DEBUG=1 for a stack trace)\n`);
    return 1;
  } finally {
    // --cpu-model and --timing are this command line's, not the process's (the CLI tests run many in one process)
    setCpuExecution(undefined);
    setTiming(undefined);
  }
}

/** The program: runs `process.argv` and exits with its code; a closed pipe (`flowsim list | head -1`) ends it quietly with 0, as Unix tools do. */
export async function main(): Promise<void> {
  for (const s of [process.stdout, process.stderr]) s.on("error", (e: NodeJS.ErrnoException) => (e.code === "EPIPE" ? process.exit(0) : undefined));
  const code = await runCli(process.argv);
  if (code !== 0) process.exit(code);
}

// run when this file is the program (tsx src/cli/main.ts), not when a test or the bin imports it
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) await main();
