/**
 * Per-frame allocation in steady state: V8's sampling heap profiler, with objects that the young
 * and old collectors freed counted too (so garbage shows, not only what survives), over one board
 * run after a warm-up run; reports bytes allocated per injected frame and the allocating functions.
 * The figure includes the run's own setup (pools, tables, the report), amortised over its frames.
 */
import { Session } from "node:inspector/promises";
import { loadBoard } from "../src/hw/boards/load.ts";
import { runBoard } from "../src/scenarios/board-run.ts";
import { WORKLOADS, type WorkloadName } from "../src/scenarios/workloads.ts";

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

export interface GarbageResult {
  board: string;
  workload: string;
  frames: number;
  bytesPerFrame: number;
  sites: { site: string; bytesPerFrame: number }[];
}

export async function garbageBench(board: string, durationPs: number, workload: WorkloadName, top: number, json: boolean, print = true): Promise<GarbageResult> {
  const b = loadBoard(board);
  if (!b.ok) throw new Error(b.error);
  const opts = { seed: 1, durationPs, load: 1, ...WORKLOADS[workload] };
  runBoard(b.board, { ...opts, durationPs: durationPs / 10 }); // warm-up: JIT and pools
  const s = new Session();
  s.connect();
  // includeObjectsCollectedBy*: count garbage too (V8 11); 512-byte mean sampling interval
  await s.post("HeapProfiler.startSampling", { samplingInterval: 512, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
  const r = runBoard(b.board, opts) as unknown as { frames: { injected: number } };
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
  const frames = r.frames.injected;
  const sites = [...bySite].sort((x, y) => y[1] - x[1]).slice(0, top).map(([site, bytes]) => ({ site, bytesPerFrame: Math.round(bytes / frames) }));
  const result = { board, workload, frames, bytesPerFrame: Math.round(total / frames), sites };
  if (!print) return result;
  if (json) console.log(JSON.stringify(result));
  else {
    console.log(`${board} ${workload}: ${frames} frames, about ${Math.round(total / frames)} bytes allocated per frame (sampled; target: none in steady state)`);
    for (const x of sites) console.log(`${String(x.bytesPerFrame).padStart(7)} B/frame  ${x.site}`);
  }
  return result;
}
