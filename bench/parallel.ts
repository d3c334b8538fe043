/**
 * Parallel sweeps: the same `sweep` run by the CLI in fresh processes with 1 and with N worker
 * threads, alternately (this machine's speed drifts), `reps` times each; reports the median wall
 * times, the speed-up, and whether the records are identical apart from wall time.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface ParallelOptions {
  board: string;
  loads: string;
  duration: string;
  workers: number;
  reps: number;
  json: boolean;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[(s.length - 1) >> 1]!;
}

/** The sweep's records without their wall-clock fields and the command line in their provenance (--workers and --json differ). */
function results(file: string): string {
  const d = JSON.parse(readFileSync(file, "utf8")) as { runs: Record<string, unknown>[] };
  return JSON.stringify(d.runs.map(({ wallSeconds: _w, provenance: p, ...rest }) => ({ ...rest, provenance: { ...(p as object), command: [] } })));
}

export interface ParallelResult {
  board: string;
  loads: string;
  duration: string;
  workers: number;
  reps: number;
  serialSeconds: number;
  parallelSeconds: number;
  speedup: number;
  identical: boolean;
}

export function parallelBench(o: ParallelOptions, print = true): ParallelResult {
  const cli = join(dirname(fileURLToPath(import.meta.url)), "../src/cli/main.ts");
  const dir = mkdtempSync(join(tmpdir(), "flowsim-par-"));
  const wall: Record<number, number[]> = { 1: [], [o.workers]: [] };
  const out: Record<number, string> = {};
  for (let r = 0; r < o.reps; r++) {
    for (const w of [1, o.workers]) {
      const file = join(dir, `w${w}.json`);
      const t0 = performance.now();
      const p = spawnSync(process.execPath, ["--import", "tsx", cli, "sweep", "--board", o.board, "--loads", o.loads, "--duration", o.duration, "--workers", String(w), "--quiet", "--json", file], { encoding: "utf8" });
      if (p.status !== 0) throw new Error(`sweep --workers ${w} failed: ${p.stderr.split("\n")[0]}`);
      wall[w]!.push((performance.now() - t0) / 1000);
      out[w] = results(file);
    }
  }
  const serial = median(wall[1]!), par = median(wall[o.workers]!);
  const row: ParallelResult = { board: o.board, loads: o.loads, duration: o.duration, workers: o.workers, reps: o.reps, serialSeconds: +serial.toFixed(2), parallelSeconds: +par.toFixed(2), speedup: +(serial / par).toFixed(3), identical: out[1] === out[o.workers] };
  if (!print) return row;
  if (o.json) console.log(JSON.stringify(row));
  else console.log(`sweep ${o.board} loads ${o.loads} for ${o.duration}: 1 worker ${row.serialSeconds} s, ${o.workers} workers ${row.parallelSeconds} s, speed-up ${row.speedup.toFixed(2)}x, results ${row.identical ? "identical" : "DIFFERENT"} (medians of ${o.reps}, whole process wall time; target >= 1.7x on 2 cores)`);
  if (!row.identical) process.exitCode = 1;
  return row;
}
