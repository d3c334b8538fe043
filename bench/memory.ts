/**
 * Memory: a board run of 1 and of 10 simulated seconds, each in a fresh process
 * (bench/memory-run.ts), with peak resident memory and garbage collections; the target is a peak
 * RSS ratio of at most 1.2 and under 300 MB.
 */
import { runChild } from "./child.ts";

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
  const rows = [1, 10].map((secs) => runChild<MemoryRow>("memory-run.ts", [board, String(secs)]));
  return { rows, ratio: rows[1]!.peakRssMB / rows[0]!.peakRssMB };
}
