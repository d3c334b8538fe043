/**
 * `flowsim` / `npm run sim -- <command>`: the command line.
 *   list                      scenarios and boards with one-line descriptions
 *   run <scenario>            run a built-in scenario
 *   compare [--boards ...]    the compare-boards scenario: one table, a row per board
 * Bad input (flags, names, files) gets one line naming the problem and exit code 2.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Command, CommanderError } from "commander";
import { PRESETS } from "../hw/boards/presets.ts";
import { loadBoard } from "../hw/boards/load.ts";
import { BoardLoadError } from "../scenarios/compare-boards.ts";
import { getScenario, listScenarios, type RunOptions, type RunRecord, type ScenarioInfo } from "../scenarios/index.ts";
import { formatTick } from "../sim/time.ts";
import { UsageError } from "./errors.ts";
import { parseDurationFlag, parseLoad, parseSeed } from "./options.ts";
import { printBoardTable, printHostsTable, printRun, printSaturationTable, printSweepTable } from "./print.ts";
import { HostsInputError } from "../hosts/config.ts";
import { TraceOutputError } from "../sim/trace/sink.ts";
import { toCsv } from "./csv.ts";
import { startProgress } from "./progress.ts";
import { runPoints } from "../parallel/pool.ts";
import { shardOf, type Point } from "../parallel/points.ts";
import { PRESET_NAMES } from "../hw/boards/presets.ts";
import type { BoardSpec } from "../hw/boards/schema.ts";
import { parseLoads } from "../scenarios/sweep.ts";
import { WORKLOADS, type WorkloadName } from "../scenarios/workloads.ts";
import { MS } from "../sim/time.ts";
import { traceFlags, traceNotes, traceTargets, type TraceFlags } from "./trace-flags.ts";

interface RunFlags extends TraceFlags {
  seed: number;
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
}

function fail(message: string): never {
  process.stderr.write(`flowsim: ${message}\n`);
  process.exit(2);
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
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (e) {
    throw new UsageError(`scenario file ${name} failed to load: ${(e as Error).message.split("\n")[0]}`);
  }
  const s = mod.default as Partial<ScenarioInfo> | undefined;
  if (!s || typeof s.run !== "function" || typeof s.name !== "string" || typeof s.defaultDurationPs !== "number") {
    throw new UsageError(`scenario file ${name} must default-export { name, description, defaultDurationPs, run(options) }`);
  }
  return s as ScenarioInfo;
}

async function runScenario(name: string, o: RunFlags): Promise<void> {
  const scenario = await findScenario(name);
  const boards = parseBoards(o.boards ?? o.board);
  const opts: RunOptions = {
    seed: o.seed, durationPs: o.duration ?? scenario.defaultDurationPs, load: o.load,
    ...traceTargets(o), ...(boards ? { boards } : {}), ...(o.workload !== undefined ? { workload: o.workload } : {}),
    ...(o.hosts !== undefined ? { hostsFile: o.hosts } : {}), ...(o.replay !== undefined ? { replay: o.replay } : {}), ...(o.flows !== undefined ? { flowsCsv: o.flows } : {}),
  };
  let records: RunRecord[];
  const stop = startProgress(!!o.quiet);
  try {
    records = await scenario.run(opts);
  } catch (e) {
    if (e instanceof BoardLoadError || e instanceof HostsInputError || e instanceof TraceOutputError) throw new UsageError(e.message);
    throw e;
  } finally {
    stop();
  }
  await emit(records, o);
  if (!o.quiet) for (const l of traceNotes(records)) process.stderr.write(`${l}\n`);
}

function writeOut(file: string, text: string, flag: string): void {
  if (file === "-") return void process.stdout.write(text);
  try {
    writeFileSync(file, text);
  } catch (e) {
    throw new UsageError(`cannot write ${flag} file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

async function emit(records: RunRecord[], o: RunFlags): Promise<void> {
  if (o.json) writeOut(o.json, JSON.stringify({ schema: 1, runs: records }, null, 2) + "\n", "--json");
  if (o.csv) writeOut(o.csv, toCsv(records), "--csv");
  if (o.report) {
    try {
      const { writeReport } = await import("../report/html-report.ts"); // vega and vega-lite load only when asked for (about 0.2 s)
      const r = await writeReport(o.report, records, `flowsim ${process.argv.slice(2).join(" ")}`);
      if (!o.quiet) process.stderr.write(`report: ${r.path} (${r.charts} charts)\n`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code) throw new UsageError(`cannot write --report into ${o.report}: ${(e as NodeJS.ErrnoException).code}`);
      throw e;
    }
  }
  if (o.quiet || o.json === "-" || o.csv === "-") return;
  if (records.length > 0 && "hosts" in records[0]!) printHostsTable(records);
  else if (records.length > 0 && "dropRate" in records[0]!) printSweepTable(records);
  else if (records.length > 0 && "saturation" in records[0]!) printSaturationTable(records);
  else if (records.length > 0 && "board" in records[0]!) printBoardTable(records);
  else for (const r of records) printRun(r);
}

function parseShard(v: string | undefined): { i: number; n: number } | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(v.trim());
  if (!m || Number(m[2]) < 1 || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) throw new UsageError(`--shard: expected i/N with 1 <= i <= N, e.g. 2/4, got "${v}"`);
  return { i: Number(m[1]), n: Number(m[2]) };
}

function parseWorkers(v: string | undefined): number {
  if (v === undefined) return 1;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`--workers: expected an integer from 1 to 64, got "${v}"`);
  return n;
}

/** Runs independent points (on workers, or this shard's share of them) and emits the records. */
async function runPointsCommand(points: Point[], o: RunFlags): Promise<void> {
  const mine = shardOf(points, parseShard(o.shard));
  const workers = parseWorkers(o.workers);
  const stop = startProgress(!!o.quiet);
  let records: RunRecord[];
  try {
    records = await runPoints(mine, workers);
  } finally {
    stop();
  }
  await emit(records, o);
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
    .showSuggestionAfterError(true)
    .exitOverride()
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

  traceFlags(commonOptions(program.command("run").description("run a scenario").argument("<scenario>", "a built-in scenario name (see list) or the path of a scenario file")))
    .option("--board <b>", "a board preset or board file (same as --boards with one)")
    .option("--boards <list>", "comma-separated board presets or board files, for scenarios that run boards")
    .option("--workload <w>", "named workload for board scenarios: mixed, inbound-heavy, outbound-heavy")
    .option("--hosts <file>", "hosts scenario: a hosts configuration (JSON, see docs/hosts.md)")
    .option("--replay <pcap>", "hosts scenario: replay this capture on the clients' side instead of generated flows")
    .option("--flows <csv>", "hosts scenario: write one line per flow (with several boards, the board's name is inserted before .csv)")
    .action((name: string, o: RunFlags) => runScenario(name, o));

  traceFlags(commonOptions(program.command("compare").description("compare boards on the same workload: a table, a row per board")))
    .option("--boards <list>", "comma-separated board presets or board files (default: 5A,5B,5C,5D,5E,5F)")
    .option("--workload <w>", "mixed (default), inbound-heavy or outbound-heavy")
    .option("--workers <n>", "run the boards on n worker threads (results identical to serial)")
    .option("--shard <i/N>", "run only shard i of N of the boards (for job arrays); combine with merge")
    .action((o: RunFlags) => {
      if (o.pcap !== undefined || o.vcd !== undefined) return runScenario("compare-boards", o); // traces: in this thread
      const w = workloadFlag(o, "mixed");
      const points: Point[] = boardsOrPresets(o).map((b, index) => ({
        kind: "board", index, spec: b.spec, seed: o.seed, durationPs: o.duration ?? 20 * MS, load: o.load,
        inboundBpsPerRouter: WORKLOADS[w].inboundBpsPerRouter, outboundBpsPerServer: WORKLOADS[w].outboundBpsPerServer, scenario: "compare-boards", extra: { workload: w },
      }));
      return runPointsCommand(points, o);
    });

  commonOptions(program.command("saturate").description("find each board's highest load with under 0.1 % drops, beside its analytic bound"))
    .option("--board <b>", "a board preset or board file (default: all six presets)")
    .option("--boards <list>", "comma-separated board presets or board files")
    .option("--workload <w>", "inbound-heavy (default), mixed or outbound-heavy")
    .option("--workers <n>", "run the boards' searches on n worker threads (results identical to serial)")
    .option("--shard <i/N>", "run only shard i of N of the boards; combine with merge")
    .action((o: RunFlags) => {
      const w = workloadFlag(o, "inbound-heavy");
      const points: Point[] = boardsOrPresets(o).map((b, index) => ({ kind: "saturate", index, spec: b.spec, seed: o.seed, durationPs: o.duration ?? 10 * MS, workload: w }));
      return runPointsCommand(points, o);
    });

  commonOptions(program.command("sweep").description("throughput, drops and latency against offered load for one board"))
    .requiredOption("--board <b>", "a board preset or board file")
    .requiredOption("--loads <a:b:step>", "load factors from a to b by step, e.g. 0.5:3:0.5")
    .option("--workload <w>", "mixed (default), inbound-heavy or outbound-heavy")
    .option("--workers <n>", "run the loads on n worker threads (results identical to serial)")
    .option("--shard <i/N>", "run only shard i of N of the loads; combine with merge")
    .action((o: RunFlags) => {
      const loads = parseLoads(o.loads!);
      if (typeof loads === "string") throw new UsageError(`--loads: ${loads}`);
      const b = loadBoard(o.board!);
      if (!b.ok) throw new UsageError(b.error);
      const w = workloadFlag(o, "mixed");
      const points: Point[] = loads.map((load, index) => ({
        kind: "board", index, spec: b.board, seed: o.seed, durationPs: o.duration ?? 10 * MS, load,
        inboundBpsPerRouter: WORKLOADS[w].inboundBpsPerRouter, outboundBpsPerServer: WORKLOADS[w].outboundBpsPerServer, scenario: "sweep", extra: { workload: w },
      }));
      return runPointsCommand(points, o);
    });

  program
    .command("merge")
    .description("combine the JSON results of shards (in point order) into one document")
    .argument("<files...>", "JSON files written by --shard runs")
    .option("--json <file>", "write the merged JSON to a file, or - for stdout (default -)")
    .option("--csv <file>", "also write CSV")
    .action(async (files: string[], o: RunFlags) => {
      const runs: RunRecord[] = [];
      for (const f of files) {
        let doc: { schema?: unknown; runs?: unknown };
        try {
          doc = JSON.parse(readFileSync(f, "utf8"));
        } catch (e) {
          throw new UsageError(`merge: cannot read ${f}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message.split("\n")[0]}`);
        }
        if (doc.schema !== 1 || !Array.isArray(doc.runs)) throw new UsageError(`merge: ${f} is not a flowsim results document (schema 1)`);
        runs.push(...(doc.runs as RunRecord[]));
      }
      runs.sort((a, b) => ((a["point"] as number) ?? 0) - ((b["point"] as number) ?? 0));
      await emit(runs, { ...o, json: o.json ?? "-" });
    });

  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
    if (e instanceof UsageError) fail(e.message);
    if (process.env["FLOWSIM_DEBUG"]) throw e;
    process.stderr.write(`flowsim: internal error: ${(e as Error).message} (set FLOWSIM_DEBUG=1 for a stack trace)\n`);
    process.exit(1);
  }
}

await main(process.argv);
