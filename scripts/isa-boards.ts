/**
 * `npm run isa:boards [-- --duration 20 --boards 5A,5D --reps 1 --seeds 1]`: each preset board run with
 * both CPU models (docs/hardware.md "The board running the C path"), same seed and load, and per
 * firmware path the isa model's whole frame job (cycles, instructions, CPI, I- and D-cache misses
 * and write-backs per job, on the board's caches, DRAM and buses) and the C decision's part
 * (instructions and pipeline cycles, interlocks included), beside the trace model's cycles per
 * job; then each board's cycles per intervention and wall time under both models.
 *
 * The run: the standard setting (board-run.ts) at load 1, 20 ms after the 20 ms warm-up, with
 * the servers probed by TCP and the routers by ARP every 1 ms (so the probe-answer and ARP paths
 * are taken: the answers to the switch's probes); C/TS verdict mismatches are printed (0 expected).
 * With `--seeds n` (n >= 2) each board then runs on n independent seeds under both models, and
 * each path's cycles per job and each board's cycles per intervention get 95 % t-intervals.
 */
import { Command } from "commander";
import { loadBoard } from "../src/hw/boards/load.ts";
import { PRESET_NAMES } from "../src/hw/boards/presets.ts";
import { CpuModelError, runBoard } from "../src/scenarios/board-run.ts";
import { MS } from "../src/sim/time.ts";
import { replicationSeed } from "../src/stats/replications.ts";
import { tInterval } from "../src/stats/t-interval.ts";

/** Bad input: one line naming what is wrong, exit code 2. */
function refuse(what: string): never {
  process.stderr.write(`isa:boards: ${what}\n`);
  process.exit(2);
}

const program = new Command("isa-boards")
  .option("--boards <list>", "presets", PRESET_NAMES.join(","))
  .option("--duration <ms>", "window, ms", "20")
  .option("--reps <n>", "runs of each (wall time: the best)", "1")
  .option("--seeds <n>", "then each board again on n independent seeds: per path, cycles per job of both models with 95 % t-intervals", "1")
  .exitOverride()
  .configureOutput({ outputError: () => {} });
try {
  program.parse();
} catch (e) {
  if ((e as { code?: string }).code === "commander.helpDisplayed") process.exit(0);
  refuse((e as Error).message.replace(/^error: /, "").split("\n")[0]!);
}
const o = program.opts<{ boards: string; duration: string; reps: string; seeds: string }>();
if (!(Number(o.duration) > 0)) refuse(`--duration: "${o.duration}" is not a positive number of ms`);
for (const k of ["reps", "seeds"] as const) if (!(Number.isInteger(Number(o[k])) && Number(o[k]) >= 1)) refuse(`--${k}: "${o[k]}" is not a whole number of at least 1`);
for (const name of o.boards.split(",")) {
  const b = loadBoard(name);
  if (!b.ok) refuse(`--boards: ${b.error}`);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Rec = any;
const f = (x: number | undefined, d = 0) => (x === undefined ? "-" : x.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d }));
const summary: string[] = [];
for (const name of o.boards.split(",")) {
  const b = loadBoard(name);
  if (!b.ok) throw new Error(b.error);
  const run = (execution: "trace" | "isa", seed = 1): [Rec, number] => {
    let best = Infinity, rec: Rec;
    for (let k = 0; k < Number(o.reps); k++) {
      const t0 = performance.now();
      try {
        rec = runBoard({ ...b.board, cpu: { ...b.board.cpu, execution } }, { seed, load: 1, durationPs: Number(o.duration) * MS, healthKind: "tcp", healthIntervalPs: 1 * MS, healthTimeoutPs: 1 * MS });
      } catch (e) {
        if (e instanceof CpuModelError) refuse(e.message);
        throw e;
      }
      best = Math.min(best, (performance.now() - t0) / 1000);
    }
    return [rec, best];
  };
  const [tr, tWall] = run("trace");
  const [isa, iWall] = run("isa");
  console.log(`\n${name} (${isa.cpu.clockMHz} MHz), isa model; C/TS mismatches ${isa.cpu.isa.mismatches}, frames decided by the C path ${isa.cpu.isa.framesDecided}, handed back ${isa.cpu.isa.handedBack}`);
  console.log("path          jobs  cycles/job  instr/job   CPI  I-miss/job  D-miss/job  wb/job | C: instr  pipeline cyc | trace: cycles/job");
  for (const [p, v] of Object.entries<Rec>(isa.cpu.paths)) {
    const c = isa.cpu.isa.cPath[p], t = tr.cpu.paths[p];
    console.log(`${p.padEnd(12)} ${f(v.jobs).padStart(5)} ${f(v.cyclesPerJob).padStart(11)} ${f(v.instructionsPerJob).padStart(10)} ${f(v.cyclesPerJob / v.instructionsPerJob, 2).padStart(5)} ${f(v.iMissesPerJob, 2).padStart(11)} ${f(v.dMissesPerJob, 2).padStart(11)} ${f(v.writebacksPerJob, 2).padStart(7)} | ${f(c?.instructions).padStart(8)} ${f(c?.pipelineCycles).padStart(13)} | ${f(t?.cyclesPerJob).padStart(17)}`);
    // the trace model's own figures for the path, to see where the two differ
    if (t) console.log(`${"  (trace)".padEnd(12)} ${f(t.jobs).padStart(5)} ${f(t.cyclesPerJob).padStart(11)} ${f(t.instructionsPerJob).padStart(10)} ${f(t.cyclesPerJob / t.instructionsPerJob, 2).padStart(5)}   (the trace model records misses per path only in isa mode)`);
  }
  if (Number(o.seeds) > 1) intervals(name, run, Number(o.seeds));
  summary.push(`${name.padEnd(4)} ${f(tr.cpu.cyclesPerIntervention).padStart(10)} ${f(isa.cpu.cyclesPerIntervention).padStart(10)} ${f(tWall, 2).padStart(10)} ${f(iWall, 2).padStart(10)} ${f(iWall / tWall, 2).padStart(8)}`);
}
console.log("\nboard  cycles per intervention   wall s (seed 1, load 1, " + o.duration + " ms + 20 ms warm-up)");
console.log("          trace        isa      trace        isa   isa/trace");
for (const l of summary) console.log(l);

/**
 * Each board on `n` independent seeds (replicationSeed(1, j)), both models: per path the mean
 * cycles per job over the seeds' runs with its 95 % Student-t interval, and cycles per intervention.
 */
function intervals(name: string, run: (execution: "trace" | "isa", seed: number) => [Rec, number], n: number): void {
  const per = { isa: new Map<string, number[]>(), trace: new Map<string, number[]>() };
  const cpi = { isa: [] as number[], trace: [] as number[] };
  for (let j = 0; j < n; j++) {
    for (const m of ["isa", "trace"] as const) {
      const [rec] = run(m, replicationSeed(1, j));
      cpi[m].push(rec.cpu.cyclesPerIntervention);
      for (const [p, v] of Object.entries<Rec>(rec.cpu.paths)) {
        if (!per[m].has(p)) per[m].set(p, []);
        per[m].get(p)!.push(v.cyclesPerJob);
      }
    }
  }
  const ci = (xs: number[] | undefined) => {
    if (!xs || xs.length < 2) return "-";
    const t = tInterval(xs);
    return `${f(t.mean)} ± ${f(t.halfWidth)}`;
  };
  console.log(`${name}: ${n} seeds, per path cycles per job, 95 % t-intervals over the seeds' means`);
  console.log("path                isa                trace");
  for (const p of per.isa.keys()) console.log(`${p.padEnd(12)} ${ci(per.isa.get(p)).padStart(14)} ${ci(per.trace.get(p)).padStart(18)}`);
  console.log(`${"per interv.".padEnd(12)} ${ci(cpi.isa).padStart(14)} ${ci(cpi.trace).padStart(18)}`);
}
