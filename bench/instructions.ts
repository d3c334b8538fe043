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

function counted(board: string, ms: number, workload: string): Promise<Counted> {
  const here = dirname(fileURLToPath(import.meta.url));
  const args = ["--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null", process.execPath, "--single-threaded", "--import", "tsx", join(here, "instructions-run.ts"), board, String(ms), workload];
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

export async function instructionsBench(board: string, workload: string, fromMs: number, toMs: number, json: boolean): Promise<InstructionsResult | undefined> {
  if (spawnSync("valgrind", ["--version"]).status !== 0) {
    console.log("instructions: skipped, valgrind is not installed (apt-get install -y valgrind)");
    return undefined;
  }
  const [a, b] = await Promise.all([counted(board, fromMs, workload), counted(board, toMs, workload)]);
  const di = b.instructions - a.instructions;
  const result: InstructionsResult = {
    board, workload, fromMs, toMs,
    instructionsPerFrame: Math.round(di / (b.frames - a.frames)),
    instructionsPerEvent: Math.round(di / (b.events - a.events)),
  };
  if (json) console.log(JSON.stringify(result));
  else console.log(`${board} ${workload}, ${fromMs} to ${toMs} simulated ms: ${result.instructionsPerFrame.toLocaleString("en-US")} instructions per frame, ${result.instructionsPerEvent.toLocaleString("en-US")} per event (valgrind; ${(b.frames - a.frames).toLocaleString("en-US")} frames, ${(b.events - a.events).toLocaleString("en-US")} events in the difference)`);
  return result;
}
