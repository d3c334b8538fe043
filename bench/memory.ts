/**
 * Memory: a board run of 1 and of 10 simulated seconds, each in a fresh process
 * (bench/memory-run.ts), with peak resident memory and garbage collections; the target is a peak
 * RSS ratio of at most 1.2 and under 300 MB.
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface MemoryRow {
  board: string;
  simulatedSeconds: number;
  wallSeconds: number;
  frames: number;
  peakRssMB: number;
  gcs: number;
  gcMs: number;
  gcsPerMillionFrames: number;
}

export function memoryBench(board: string): { rows: MemoryRow[]; ratio: number } {
  const here = dirname(fileURLToPath(import.meta.url));
  const rows = [1, 10].map((secs) => {
    const r = spawnSync(process.execPath, ["--import", "tsx", join(here, "memory-run.ts"), board, String(secs)], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(r.stderr.split("\n")[0]);
    return JSON.parse(r.stdout.trim().split("\n").pop()!) as MemoryRow;
  });
  return { rows, ratio: rows[1]!.peakRssMB / rows[0]!.peakRssMB };
}
