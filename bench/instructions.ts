/**
 * Instructions per frame and per event, counted by valgrind (cachegrind, no cache simulation):
 * a figure this machine's drifting speed does not move, for comparing two versions of the code.
 * The board runs for `from` and for `to` simulated ms, each in a fresh process under
 * `node --single-threaded` (the two at once, one per core; counts do not depend on contention);
 * the difference of the two counts over the difference of their frames and events leaves out
 * start-up, building the board and the JIT's first compilations. About ten minutes at the defaults.
 * Start-up varies by about 1 % of a process's count, which is a few per cent of the difference.
 */
import { spawn, spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface InstructionsResult {
  board: string;
  workload: string;
  /** The timing model: "cycle" (the reference) or "tlm" (transaction level). */
  timing: "cycle" | "tlm";
  load: number;
  fromMs: number;
  toMs: number;
  instructionsPerFrame: number;
  instructionsPerEvent: number;
}

interface Counted {
  frames: number;
  events: number;
  instructions: number;
}

function counted(board: string, ms: number, workload: string, timing: "cycle" | "tlm", load: number): Promise<Counted> {
  const here = dirname(fileURLToPath(import.meta.url));
  const args = ["--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null", process.execPath, "--single-threaded", "--import", "tsx", join(here, "instructions-run.ts"), board, String(ms), workload, timing, String(load)];
  return new Promise((resolve, reject) => {
    const p = spawn("valgrind", args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "", err = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (err += d));
    p.on("close", (code) => {
      const refs = /I\s+refs:\s+([\d,]+)/.exec(err);
      if (code !== 0 || !refs) return reject(new Error(`valgrind run of ${board} for ${ms} ms failed: ${(err.split("\n").find((l) => /Error|error/.test(l)) ?? err.trim().split("\n").at(-1) ?? "").trim()}`));
      const r = JSON.parse(out.trim().split("\n").at(-1)!) as { frames: number; events: number };
      resolve({ ...r, instructions: Number(refs[1]!.replace(/,/g, "")) });
    });
  });
}

/** Whether valgrind can be run (the instruction counts need it). */
export function hasValgrind(): boolean {
  return spawnSync("valgrind", ["--version"]).status === 0;
}

/**
 * Instructions per frame and per event of `board` (a preset or 5D-12) under `workload` at `load`,
 * in timing mode `timing`; printed (a line, or JSON with `json`) unless `quiet`.
 */
export async function instructionsBench(board: string, workload: string, fromMs: number, toMs: number, json: boolean, timing: "cycle" | "tlm" = "cycle", load = 1, quiet = false): Promise<InstructionsResult | undefined> {
  if (!hasValgrind()) {
    if (!quiet) console.log("instructions: skipped, valgrind is not installed (apt-get install -y valgrind)");
    return undefined;
  }
  const [a, b] = await Promise.all([counted(board, fromMs, workload, timing, load), counted(board, toMs, workload, timing, load)]);
  const di = b.instructions - a.instructions;
  const result: InstructionsResult = {
    board, workload, timing, load, fromMs, toMs,
    instructionsPerFrame: Math.round(di / (b.frames - a.frames)),
    instructionsPerEvent: Math.round(di / (b.events - a.events)),
  };
  if (quiet) return result;
  if (json) console.log(JSON.stringify(result));
  else console.log(`${board}${timing === "tlm" ? " (tlm)" : ""} ${workload}${load !== 1 ? ` at load ${load}` : ""}, ${fromMs} to ${toMs} simulated ms: ${result.instructionsPerFrame.toLocaleString("en-US")} instructions per frame, ${result.instructionsPerEvent.toLocaleString("en-US")} per event (valgrind; ${(b.frames - a.frames).toLocaleString("en-US")} frames, ${(b.events - a.events).toLocaleString("en-US")} events in the difference)`);
  return result;
}
