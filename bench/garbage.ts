/**
 * Per-frame allocation in steady state: V8's sampling heap profiler, with objects that the young
 * and old collectors freed counted too (so garbage shows, not only what survives). After a warm-up
 * run (JIT, pools), the board runs for D and for 2D simulated; the difference of the two is what
 * the extra frames cost, free of the run's own setup (pools, tables) and end-of-run reads
 * (histogram percentiles, the report), which are the same in both. Reports that marginal figure in
 * bytes per frame, by allocating function, and the whole longer run's bytes per frame beside it.
 *
 * It runs in a child process (bench/garbage-run.ts) under `node --single-threaded`: with V8's
 * compiler on a background thread, what gets inlined (and so which times are boxed) depends on
 * timing, and the figure differs by hundreds of bytes per frame from one process to the next;
 * compiling synchronously makes it repeat to within about 1 %.
 */
import { Session } from "node:inspector/promises";
import { runChild } from "./child.ts";
import { loadBoard } from "../src/hw/boards/load.ts";
import { runBoard } from "../src/scenarios/board-run.ts";
import type { BoardSpec } from "../src/hw/boards/schema.ts";
import { WORKLOADS, type WorkloadName } from "../src/scenarios/workloads.ts";

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

export interface GarbageResult {
  board: string;
  workload: string;
  /** Frames injected by the D run and the 2D run. */
  frames: [number, number];
  /** (bytes of the 2D run - bytes of the D run) / (its frames - the D run's): steady state. */
  bytesPerFrame: number;
  /** The 2D run's bytes over its frames, setup and end-of-run reads included. */
  wholeRunBytesPerFrame: number;
  sites: { site: string; bytesPerFrame: number }[];
}

async function sampledRun(board: BoardSpec, opts: Parameters<typeof runBoard>[1]): Promise<{ frames: number; bySite: Map<string, number>; total: number }> {
  const s = new Session();
  s.connect();
  // includeObjectsCollectedBy*: count garbage too (V8 11); 512-byte mean sampling interval
  await s.post("HeapProfiler.startSampling", { samplingInterval: 512, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
  const r = runBoard(board, opts) as unknown as { frames: { injected: number } };
  const { profile } = (await s.post("HeapProfiler.stopSampling")) as unknown as { profile: { head: ProfileNode } };
  s.disconnect();
  const bySite = new Map<string, number>();
  let total = 0;
  const walk = (n: ProfileNode): void => {
    const f = n.callFrame;
    const site = `${f.functionName || "(anonymous)"} ${f.url.split("/").slice(-2).join("/")}`;
    bySite.set(site, (bySite.get(site) ?? 0) + n.selfSize);
    total += n.selfSize;
    for (const c of n.children) walk(c);
  };
  walk(profile.head);
  return { frames: r.frames.injected, bySite, total };
}

/** The measurement itself, in this process (bench/garbage-run.ts calls it). */
export async function measureGarbage(board: string, durationPs: number, workload: WorkloadName, top: number): Promise<GarbageResult> {
  const b = loadBoard(board);
  if (!b.ok) throw new Error(b.error);
  const opts = { seed: 1, durationPs, load: 1, ...WORKLOADS[workload] };
  runBoard(b.board, opts); // warm-up: JIT and pools
  const short = await sampledRun(b.board, opts);
  const long = await sampledRun(b.board, { ...opts, durationPs: 2 * durationPs });
  const extra = long.frames - short.frames;
  const perFrame = (bytes: number) => Math.round(bytes / extra);
  const sites = [...long.bySite].map(([site, bytes]) => ({ site, bytesPerFrame: perFrame(bytes - (short.bySite.get(site) ?? 0)) }))
    .sort((x, y) => y.bytesPerFrame - x.bytesPerFrame).slice(0, top);
  return {
    board, workload, frames: [short.frames, long.frames], bytesPerFrame: perFrame(long.total - short.total),
    wholeRunBytesPerFrame: Math.round(long.total / long.frames), sites,
  };
}

export function garbageBench(board: string, durationPs: number, workload: WorkloadName, top: number, json: boolean, print = true): GarbageResult {
  const result = runChild<GarbageResult>("garbage-run.ts", [board, String(durationPs), workload, String(top)], ["--single-threaded"]);
  if (!print) return result;
  if (json) console.log(JSON.stringify(result));
  else {
    console.log(`${board} ${workload}: ${result.frames[0]} and ${result.frames[1]} frames; steady state about ${result.bytesPerFrame} bytes allocated per frame (sampled; target: none), ${result.wholeRunBytesPerFrame} over the whole longer run`);
    for (const x of result.sites) console.log(`${String(x.bytesPerFrame).padStart(7)} B/frame  ${x.site}`);
  }
  return result;
}
