/**
 * Per-frame allocation in steady state, measured two ways in child processes of their own (run
 * under `node --single-threaded`: with V8's compiler on a background thread, what gets inlined,
 * and so which doubles are boxed, depends on timing).
 *
 * How much (the figure the target is judged by): V8's GC trace (`--trace-gc-nvp`), uninstrumented.
 * Bytes allocated during a run are the heap's size at its end less at its start, plus what each
 * collection inside it freed (each one's size before less the size after the previous one): an
 * exact count of heap allocation, garbage included, with nothing attached to the process.
 *
 * Where (a guide): V8's sampling heap profiler through the inspector, counting objects the young
 * and old collectors freed too, by allocating function. An attached profiler shifts V8's
 * inlining decisions, so its total differs from the uninstrumented one (either way, by tens to a
 * hundred bytes per frame); its sites show what allocates, not how much the uninstrumented run does.
 *
 * Both take the same four runs after a warm-up (JIT, pools): the board for D and for 2D simulated
 * under the workload, then for D and 2D with no traffic (load 0; the switch still probes its
 * servers and routers every millisecond). The traffic runs' difference is what the extra frames
 * cost, free of the run's own setup (pools, tables) and end-of-run reads (histogram percentiles,
 * the report), which are the same in both; less the idle runs' difference, which is what grows
 * with simulated time rather than with frames (the control plane's probes, state machines and
 * timers), it is the allocation per frame carried.
 */
import { Session } from "node:inspector/promises";
import v8 from "node:v8";
import { childOutput, runChild } from "./child.ts";
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
  /** Steady state per frame: ((2D run - D run) - (idle 2D run - idle D run)) bytes / (2D run's frames - D run's), from the GC trace. */
  bytesPerFrame: number;
  /** The same without subtracting the idle runs: per-frame and per-time allocation together. */
  withControlPlaneBytesPerFrame: number;
  /** The idle control plane's allocation per simulated second (the idle runs' difference over D). */
  idleBytesPerSimulatedSecond: number;
  /** The 2D run's bytes over its frames, setup and end-of-run reads included. */
  wholeRunBytesPerFrame: number;
  /** The sampling profiler's figure for `bytesPerFrame` (instrumented: see the header), and its largest sites. */
  sampledBytesPerFrame: number;
  sites: { site: string; bytesPerFrame: number }[];
}

/** The four runs of the header, in order: traffic D, traffic 2D, idle D, idle 2D. */
function fourRuns(board: string, durationPs: number, workload: WorkloadName): { spec: BoardSpec; runs: Parameters<typeof runBoard>[1][] } {
  const b = loadBoard(board);
  if (!b.ok) throw new Error(b.error);
  const opts = { seed: 1, durationPs, load: 1, ...WORKLOADS[workload] };
  runBoard(b.board, opts); // warm-up: JIT and pools
  return { spec: b.board, runs: [opts, { ...opts, durationPs: 2 * durationPs }, { ...opts, load: 0 }, { ...opts, load: 0, durationPs: 2 * durationPs }] };
}

/** Child, GC-trace mode: prints `MARK start <used heap>` and `MARK end <used heap> <frames>` around each run. */
export function markedRuns(board: string, durationPs: number, workload: WorkloadName): void {
  const { spec, runs } = fourRuns(board, durationPs, workload);
  for (const opts of runs) {
    console.log(`MARK start ${v8.getHeapStatistics().used_heap_size}`);
    const r = runBoard(spec, opts) as unknown as { frames: { injected: number } };
    console.log(`MARK end ${v8.getHeapStatistics().used_heap_size} ${r.frames.injected}`);
  }
}

/** Bytes allocated in each marked run, and its frames, from the child's output with V8's GC trace interleaved. */
export function allocatedPerRun(output: string): { bytes: number[]; frames: number[] } {
  const bytes: number[] = [], frames: number[] = [];
  let inRun = false, acc = 0, last = 0;
  for (const line of output.split("\n")) {
    let m: RegExpExecArray | null;
    if ((m = /^MARK start (\d+)/.exec(line))) {
      inRun = true;
      acc = 0;
      last = Number(m[1]);
    } else if ((m = /^MARK end (\d+) (\d+)/.exec(line))) {
      bytes.push(acc + Number(m[1]) - last);
      frames.push(Number(m[2]));
      inRun = false;
    } else if (inRun) {
      const before = / total_size_before=(\d+)/.exec(line), after = / total_size_after=(\d+)/.exec(line);
      if (before && after) {
        acc += Number(before[1]) - last;
        last = Number(after[1]);
      }
    }
  }
  if (bytes.length !== 4) throw new Error(`garbage bench: expected 4 marked runs in the GC trace, found ${bytes.length}`);
  return { bytes, frames };
}

/** ((2D - D) - (idle 2D - idle D)) / extra frames, and the parts (see GarbageResult). */
function perFrame(b: number[], frames: number[], durationPs: number) {
  const extra = frames[1]! - frames[0]!;
  return {
    bytesPerFrame: Math.round((b[1]! - b[0]! - (b[3]! - b[2]!)) / extra),
    withControlPlaneBytesPerFrame: Math.round((b[1]! - b[0]!) / extra),
    idleBytesPerSimulatedSecond: Math.round((b[3]! - b[2]!) / (durationPs / 1e12)),
    wholeRunBytesPerFrame: Math.round(b[1]! / frames[1]!),
  };
}

async function sampledRun(spec: BoardSpec, opts: Parameters<typeof runBoard>[1]): Promise<{ frames: number; bySite: Map<string, number>; total: number }> {
  const s = new Session();
  s.connect();
  // includeObjectsCollectedBy*: count garbage too (V8 11); 512-byte mean sampling interval
  await s.post("HeapProfiler.startSampling", { samplingInterval: 512, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
  const r = runBoard(spec, opts) as unknown as { frames: { injected: number } };
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

/** Child, sampling mode: the sampled figure and sites, as a JSON line. */
export async function sampledSites(board: string, durationPs: number, workload: WorkloadName, top: number): Promise<{ sampledBytesPerFrame: number; sites: GarbageResult["sites"] }> {
  const { spec, runs } = fourRuns(board, durationPs, workload);
  const r: Awaited<ReturnType<typeof sampledRun>>[] = [];
  for (const opts of runs) r.push(await sampledRun(spec, opts));
  const frames = r.map((x) => x.frames);
  const site = (name: string) => perFrame(r.map((x) => x.bySite.get(name) ?? 0), frames, durationPs).bytesPerFrame;
  const names = new Set(r.flatMap((x) => [...x.bySite.keys()]));
  return {
    sampledBytesPerFrame: perFrame(r.map((x) => x.total), frames, durationPs).bytesPerFrame,
    sites: [...names].map((s) => ({ site: s, bytesPerFrame: site(s) })).sort((x, y) => y.bytesPerFrame - x.bytesPerFrame).slice(0, top),
  };
}

export function garbageBench(board: string, durationPs: number, workload: WorkloadName, top: number, json: boolean, print = true): GarbageResult {
  const args = [board, String(durationPs), workload];
  // a young generation large enough that the runs rarely collect (fewer, larger steps in the count)
  const trace = childOutput("garbage-run.ts", ["gc", ...args], ["--single-threaded", "--trace-gc-nvp", "--max-semi-space-size=64", "--min-semi-space-size=64"]);
  const { bytes, frames } = allocatedPerRun(trace);
  const sampled = runChild<{ sampledBytesPerFrame: number; sites: GarbageResult["sites"] }>("garbage-run.ts", ["sites", ...args, String(top)], ["--single-threaded"]);
  const result: GarbageResult = { board, workload, frames: [frames[0]!, frames[1]!], ...perFrame(bytes, frames, durationPs), ...sampled };
  if (!print) return result;
  if (json) console.log(JSON.stringify(result));
  else {
    console.log(`${board} ${workload}: ${result.frames[0]} and ${result.frames[1]} frames; steady state ${result.bytesPerFrame} bytes allocated per frame (V8's GC trace; target: none)`);
    console.log(`  with the idle control plane's ${result.idleBytesPerSimulatedSecond.toLocaleString("en-US")} B per simulated second (probes, timers) left in: ${result.withControlPlaneBytesPerFrame} B/frame; the whole longer run, setup included: ${result.wholeRunBytesPerFrame} B/frame`);
    console.log(`  sampled with the inspector attached (which shifts V8's inlining): ${result.sampledBytesPerFrame} B/frame; where:`);
    for (const x of result.sites) console.log(`${String(x.bytesPerFrame).padStart(7)} B/frame  ${x.site}`);
  }
  return result;
}
