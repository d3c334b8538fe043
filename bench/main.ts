/**
 * `npm run bench -- <name> [--json]`: the benchmarks. Speed targets live here, never in timed tests.
 *   targets        (the default) every target of the performance issue in one table
 *   kernel         hold model at P = 100, 10,000 and 1,000,000 (JSON lines with --json)
 *   kernel-vs-ns3  the same beside ns-3's scheduler (the project's bench/ns3/hold.cc), with ratios
 *   event-queue    micro-benchmarks of queue operations (@thi.ng/bench)
 *   system         each board's frames/s and OMNeT++'s P, E, R figures
 *   memory         peak RSS and GC counts of a 1 s and a 10 s run
 *   garbage        bytes allocated per frame (GC trace) and where (sampling heap profiler)
 *   parallel       a sweep with 1 and N worker threads: speed-up, identical results
 *   instructions   instructions per frame and per event under valgrind (immune to the machine's drift)
 *   cpu            simulated instructions per second of the instruction-level R4700 (src/hw/cpu/isa)
 *   pool           the project's worker pool against tinypool on the same points, alternately
 *   answer         time to an answer: saturate's capacity of every preset (and the controllers study) on the workers
 *   tlm-vs-cycle   the transaction-level timing mode against the cycle-level one: capacity, figures at 0.5-1.1 x capacity, speed, verdicts
 *   exactness      the simulation techniques (deferred completions, lazy arbitration) against every event, byte for byte, on the whole matrix
 */
import { Command, InvalidArgumentError } from "commander";
import { answerBench } from "./answer.ts";
import { exactnessBench } from "./exactness.ts";
import { poolBench } from "./pool.ts";
import { cpuBench } from "./cpu.ts";
import { garbageBench } from "./garbage.ts";
import { holdModel } from "./hold-model.ts";
import { instructionsBench } from "./instructions.ts";
import { memoryBench } from "./memory.ts";
import { targetsBench } from "./targets.ts";
import { kernelVsNs3 } from "./kernel-vs-ns3.ts";
import { parallelBench, type ParallelOptions } from "./parallel.ts";
import { queueMicro } from "./queue-micro.ts";
import { systemBench } from "./system.ts";
import { benchBoard, defaultWorkers, TLM_BOARDS, TLM_DEFAULTS, TLM_QUICK, tlmVsCycleBench } from "./tlm-vs-cycle.ts";
import { loadBoard } from "../src/hw/boards/load.ts";
import { WORKLOADS, type WorkloadName } from "../src/scenarios/workloads.ts";
import type { QueueKind } from "../src/sim/simulator.ts";

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive integer, got "${v}"`);
  return n;
}

function positiveNumber(v: string): number {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a positive number, got "${v}"`);
  return n;
}

function timingMode(v: string): "cycle" | "tlm" {
  if (v !== "cycle" && v !== "tlm") throw new InvalidArgumentError(`expected cycle or tlm, got "${v}"`);
  return v;
}

/** A board preset or board file (bad input: one line, exit code 2, before anything runs). */
function oneBoard(v: string): string {
  const b = loadBoard(v);
  if (!b.ok) throw new InvalidArgumentError(b.error);
  return v;
}

/** A board preset, a board file, or 5D-12. */
function oneBenchBoard(v: string): string {
  const b = benchBoard(v);
  if (!b.ok) throw new InvalidArgumentError(b.error);
  return v;
}

function boardList(v: string): string[] {
  const names = v.split(",").map((x) => x.trim()).filter(Boolean);
  if (names.length === 0) throw new InvalidArgumentError(`expected a comma-separated list of boards, got "${v}"`);
  for (const n of names) {
    const b = benchBoard(n);
    if (!b.ok) throw new InvalidArgumentError(b.error);
  }
  return names;
}

function loadList(v: string): number[] {
  const xs = v.split(",").map((x) => x.trim());
  const ns = xs.map(Number);
  if (xs.some((x) => x === "") || ns.some((n) => !Number.isFinite(n) || n <= 0 || n > 10)) throw new InvalidArgumentError(`expected comma-separated load factors above 0 and at most 10 (x the cycle-level capacity), e.g. 0.5,0.95,1.1, got "${v}"`);
  return ns;
}

function workloadName(v: string): WorkloadName {
  if (!(v in WORKLOADS)) throw new InvalidArgumentError(`expected one of ${Object.keys(WORKLOADS).join(", ")}, got "${v}"`);
  return v as WorkloadName;
}

function queueKind(v: string): QueueKind {
  if (v !== "calendar" && v !== "heap") throw new InvalidArgumentError(`expected calendar or heap, got "${v}"`);
  return v;
}

const PENDING = [100, 10_000, 1_000_000];

const program = new Command("bench").description("flowsim benchmarks").showHelpAfterError(false);
program.configureOutput({ outputError: (s, write) => write(s.split("\n")[0] + "\n") });
program.exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));

program
  .command("kernel")
  .description("hold model (P pending; each event schedules one at now + Exp(1 us)), events per second")
  .option("--json", "one JSON line per P")
  .option("--events <n>", "events per P, including the P initial ones", positiveInt, 5_000_000)
  .option("--queue <q>", "pending-event set: calendar (default) or heap", queueKind, "calendar")
  .option("--closures", "a closure per event instead of one shared handler (component-style events)")
  .action((o: { json?: boolean; events: number; queue: QueueKind; closures?: boolean }) => {
    const c = !!o.closures;
    holdModel(1000, 500_000, 1, o.queue, c); // JIT warm-up, not reported
    for (const p of PENDING) {
      holdModel(p, Math.max(2 * p, 1_000_000), 1, o.queue, c); // JIT warm-up at this P, not reported
      const r = holdModel(p, Math.max(o.events, 2 * p), 1, o.queue, c);
      if (o.json) console.log(JSON.stringify({ queue: o.queue, closures: c, pending: r.pending, events: r.events, seconds: +r.seconds.toFixed(3), eventsPerSecond: r.eventsPerSecond }));
      else console.log(`${r.engine.padEnd(24)} P=${String(p).padStart(9)}  ${r.events} events in ${r.seconds.toFixed(3)} s  ${(r.eventsPerSecond / 1e6).toFixed(2)} M events/s`);
    }
  });

program
  .command("kernel-vs-ns3")
  .description("hold model beside ns-3's default (map) scheduler, built from bench/ns3/hold.cc")
  .option("--json", "JSON lines")
  .option("--events <n>", "events per P", positiveInt, 5_000_000)
  .option("--scheduler <s>", "ns-3 scheduler: map|heap|list|calendar|priorityqueue", "map")
  .option("--queue <q>", "flowsim's pending-event set: calendar (default) or heap", queueKind, "calendar")
  .option("--reps <n>", "alternating runs of each engine per P (medians reported)", positiveInt, 3)
  .action((o: { json?: boolean; events: number; scheduler: string; queue: QueueKind; reps: number }) => void kernelVsNs3(PENDING, o.events, o.scheduler, !!o.json, o.queue, o.reps));

program
  .command("event-queue")
  .description("micro-benchmarks of event-queue operations")
  .option("--json", "JSON array of results")
  .action((o: { json?: boolean }) => {
    const r = queueMicro(!o.json);
    if (o.json) console.log(JSON.stringify(r));
  });

program
  .command("system")
  .description("whole-system speed on each board: frames and events per wall second, events per simulated second, simulated seconds per wall second")
  .option("--json", "JSON lines")
  .option("--duration-ms <n>", "simulated milliseconds per board", positiveInt, 100)
  .option("--load <x>", "load factor", (v) => Number(v), 1)
  .option("--workload <w>", "mixed, inbound-heavy or outbound-heavy", "mixed")
  .action((o: { json?: boolean; durationMs: number; load: number; workload: string }) => {
    if (!(o.workload in WORKLOADS)) throw new InvalidArgumentError(`unknown workload ${o.workload}`);
    systemBench(o.durationMs * 1e9, o.load, o.workload as WorkloadName, !!o.json);
  });

program
  .command("memory")
  .description("peak resident memory and GC activity of a 1 s and a 10 s simulated board run, each in a fresh process")
  .option("--board <b>", "board preset or board file", oneBoard, "5D")
  .option("--json", "JSON lines")
  .action((o: { board: string; json?: boolean }) => {
    const m = memoryBench(o.board);
    for (const r of m.rows) console.log(o.json ? JSON.stringify(r) : r);
    console.log(o.json ? JSON.stringify({ rssRatio10sOver1s: +m.ratio.toFixed(3) }) : `peak RSS 10 s / 1 s: ${m.ratio.toFixed(3)} (target <= 1.2, and < 300 MB)`);
  });

program
  .command("garbage")
  .description("bytes allocated per frame in steady state (V8's GC trace, garbage included: a 2D run less a D run, less the same without traffic) and, sampled, the functions that allocate them")
  .option("--board <b>", "board preset or board file", oneBoard, "5A")
  .option("--duration-ms <n>", "simulated milliseconds D of the shorter run (the longer runs 2D)", positiveInt, 1000)
  .option("--workload <w>", "mixed, inbound-heavy or outbound-heavy", "mixed")
  .option("--top <n>", "allocation sites listed", positiveInt, 15)
  .option("--json", "JSON line")
  .action(async (o: { board: string; durationMs: number; workload: string; top: number; json?: boolean }) => {
    if (!(o.workload in WORKLOADS)) throw new InvalidArgumentError(`unknown workload ${o.workload}`);
    garbageBench(o.board, o.durationMs * 1e9, o.workload as WorkloadName, o.top, !!o.json);
  });

program
  .command("parallel")
  .description("a sweep with 1 and with N worker threads, each in a fresh process, alternately: speed-up and identical results")
  .option("--board <b>", "board preset or board file", oneBoard, "5A")
  .option("--loads <a:b:step>", "load factors", "0.5:4:0.5")
  .option("--duration <t>", "simulated time per point", "3s")
  .option("--workers <n>", "workers of the parallel run", positiveInt, 2)
  .option("--reps <n>", "alternating runs of each (medians reported)", positiveInt, 1)
  .option("--json", "JSON line")
  .action((o: ParallelOptions) => void parallelBench(o));

program
  .command("instructions")
  .description("instructions per frame and per event, counted by valgrind between two run lengths (about 10 minutes)")
  .option("--board <b>", "board preset or board file, or 5D-12 (Fig 5D with twelve GT-48002s)", oneBenchBoard, "5A")
  .option("--workload <w>", "mixed, inbound-heavy or outbound-heavy", "mixed")
  .option("--from <ms>", "the shorter run, simulated ms", positiveInt, 200)
  .option("--to <ms>", "the longer run, simulated ms", positiveInt, 600)
  .option("--timing <t>", "timing model: cycle (default) or tlm", timingMode, "cycle")
  .option("--load <x>", "load factor", positiveNumber, 1)
  .option("--json", "JSON line")
  .action(async (o: { board: string; workload: string; from: number; to: number; timing: "cycle" | "tlm"; load: number; json?: boolean }) => {
    if (!(o.workload in WORKLOADS)) throw new InvalidArgumentError(`unknown workload ${o.workload}`);
    if (o.to <= o.from) throw new InvalidArgumentError(`--to (${o.to}) must be longer than --from (${o.from})`);
    await instructionsBench(o.board, o.workload, o.from, o.to, !!o.json, o.timing, o.load);
  });

program
  .command("cpu")
  .description("simulated instructions per wall second of the instruction-level R4700 on compiled programs (firmware/build), alone and in the simulator")
  .option("--frames <n>", "frames of the pathbench program per run", positiveInt, 100_000)
  .option("--reps <n>", "measured runs per case (median reported)", positiveInt, 5)
  .option("--json", "JSON lines")
  .action((o: { frames: number; reps: number; json?: boolean }) => {
    cpuBench(o.frames, o.reps, !!o.json);
  });

program
  .command("pool")
  .description("the project's worker pool against tinypool on the same sweep points, alternately: median wall times, identical records")
  .option("--board <b>", "board preset or board file", oneBoard, "5A")
  .option("--points <n>", "sweep points (loads 0.5, 1, 1.5, ...)", positiveInt, 8)
  .option("--duration <ms>", "simulated ms per point", positiveInt, 200)
  .option("--workers <n>", "threads", positiveInt, 2)
  .option("--reps <n>", "alternating runs of each (medians reported)", positiveInt, 3)
  .option("--json", "JSON line")
  .action(async (o: { board: string; points: number; duration: number; workers: number; reps: number; json?: boolean }) => {
    await poolBench(o.board, Array.from({ length: o.points }, (_, i) => 0.5 * (i + 1)), o.duration, o.workers, o.reps, !!o.json);
  });

program
  .command("answer")
  .description("time to an answer: wall time for saturate to find every preset's capacity (target 60 s) and, with --study, the controllers study (target 120 s)")
  .option("--study", "also the capacity-against-controllers study")
  .option("--searches <n>", "independent searches per preset (master seeds 1..n): each capacity's mean over them with its 95 % interval (default 1)", positiveInt)
  .option("--workers <n>", "worker threads (default: one per core)", positiveInt)
  .option("--json", "JSON lines")
  .action(async (o: { study?: boolean; workers?: number; json?: boolean; searches?: number }) => {
    await answerBench(!!o.json, !!o.study, o.workers, o.searches ?? 1);
  });

program
  .command("exactness")
  .description("issue 18 part 1's acceptance: deferred completions and lazy arbitration against every event as an event, byte-identical records and pcaps on every preset and 5D-12, three workloads, loads 1 and 3, seeds 1 and 2")
  .option("--boards <list>", "presets, 5D-12 or board files (default: 5A,5B,5C,5D,5E,5F,5D-12)", boardList)
  .option("--json", "JSON lines")
  .action((o: { boards?: string[]; json?: boolean }) => {
    if (!exactnessBench({ ...(o.boards ? { boards: o.boards } : {}), json: !!o.json })) process.exitCode = 1;
  });

program
  .command("tlm-vs-cycle")
  .description("the transaction-level timing mode against the cycle-level one (issue 18 part 3): per board, capacity in each mode, figures at 0.5-1.1 x the cycle-level capacity over seeds with verdicts, and the speed-up (instructions per frame under valgrind)")
  .option("--boards <list>", "presets, 5D-12 (Fig 5D with twelve GT-48002s) or board files (default: 5A,5B,5C,5D,5E,5F,5D-12)", boardList)
  .option("--workload <w>", "inbound-heavy (default), mixed or outbound-heavy", workloadName)
  .option("--seeds <n>", "seeds per load and mode (default 5)", positiveInt)
  .option("--searches <n>", "independent capacity searches per board and mode, compared as means (default 3; 1 with --quick)", positiveInt)
  .option("--loads <list>", "load factors x the cycle-level capacity (default 0.5,0.8,0.95,1,1.1)", loadList)
  .option("--seed <n>", "master seed (default 1)", positiveInt)
  .option("--duration <ms>", "simulated ms of each load point's window (default 50, after the standard 20 ms warm-up)", positiveNumber)
  .option("--quick", "a smoke run: 2 seeds, loads 0.5,0.95,1.1, 5 ms windows after 5 ms of warm-up, a 4 % capacity bracket, no valgrind")
  .option("--instructions", "count instructions per frame under valgrind (default, but not with --quick)")
  .option("--no-instructions", "skip the instruction counts (valgrind; the longest part)")
  .option("--from <ms>", "valgrind's shorter run, simulated ms (default 100)", positiveInt)
  .option("--to <ms>", "valgrind's longer run, simulated ms (default 300)", positiveInt)
  .option("--workers <n>", "worker threads (default: one per core)", positiveInt)
  .option("--json", "one JSON document with every figure and verdict")
  .action(async (o: { boards?: string[]; workload?: WorkloadName; seeds?: number; searches?: number; loads?: number[]; seed?: number; duration?: number; quick?: boolean; instructions?: boolean; from?: number; to?: number; workers?: number; json?: boolean }) => {
    const base = o.quick ? TLM_QUICK : TLM_DEFAULTS;
    const from = o.from ?? base.fromMs, to = o.to ?? base.toMs;
    if (to <= from) {
      process.stderr.write(`error: option '--to' (${to}) must be longer than '--from' (${from})\n`);
      process.exit(2);
    }
    await tlmVsCycleBench({
      ...base, boards: o.boards ?? TLM_BOARDS, json: !!o.json, workers: o.workers ?? defaultWorkers(),
      ...(o.workload !== undefined ? { workload: o.workload } : {}), ...(o.seeds !== undefined ? { seeds: o.seeds } : {}), ...(o.searches !== undefined ? { searches: o.searches } : {}), ...(o.loads !== undefined ? { loads: o.loads } : {}),
      ...(o.seed !== undefined ? { seed: o.seed } : {}), ...(o.duration !== undefined ? { windowPs: Math.round(o.duration * 1e9) } : {}),
      ...(o.instructions !== undefined ? { instructions: o.instructions } : {}), fromMs: from, toMs: to,
    });
  });

program
  .command("targets", { isDefault: true })
  .description("every target of the performance issue, measured as its own benchmark does, in one table (about 6 minutes; the default)")
  .option("--json", "JSON lines")
  .action(async (o: { json?: boolean }) => {
    await targetsBench(!!o.json);
  });

await program.parseAsync(process.argv);
