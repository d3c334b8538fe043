/**
 * Runs independent points on `workers` threads: this thread and workers - 1 worker threads (each
 * a Node isolate; from source, with tsx's loader), all taking the next point from one shared atomic counter,
 * longest expected first (LPT scheduling: a long point started last would leave the other threads
 * idle). Returns the records in point order, so the output is identical to a serial run (apart from
 * wall time).
 */
import { Worker } from "node:worker_threads";
import { costOrder, runPoint, type Point } from "./points.ts";
import type { RunRecord } from "../scenarios/registry.ts";

/** Points planned and finished across runPoints calls (the CLI's progress); `notify` is called as each finishes. */
export const pointProgress: { planned: number; done: number; notify: () => void } = { planned: 0, done: 0, notify: () => {} };
function finished(): void {
  pointProgress.done++;
  pointProgress.notify();
}

export async function runPoints(points: Point[], workers: number): Promise<RunRecord[]> {
  const results: (RunRecord | undefined)[] = new Array(points.length);
  pointProgress.planned += points.length;
  if (workers <= 1 || points.length <= 1) {
    return points.map((p) => {
      const r = runPoint(p);
      finished();
      return r;
    });
  }
  const counter = new SharedArrayBuffer(4);
  const next = new Int32Array(counter);
  const order = costOrder(points);
  // compiled (dist/, the installed package): the worker's JavaScript; from source: a boot file that registers tsx in the thread, then loads worker.ts
  const url = import.meta.url.endsWith(".ts") ? new URL("./worker-boot.mjs", import.meta.url) : new URL("./worker.js", import.meta.url);
  let failure: Error | undefined;
  const threads = Array.from({ length: Math.min(workers, points.length) - 1 }, () => {
    const w = new Worker(url, { workerData: { points, counter, order } });
    return new Promise<void>((resolve, reject) => {
      w.on("message", (m: { finished?: boolean; ok?: boolean; k?: number; record?: RunRecord; error?: string; name?: string }) => {
        if (m.finished) return resolve();
        if (!m.ok) failure = Object.assign(new Error(m.error), { name: m.name ?? "Error" }); // the name tells the CLI an input's fault (CpuModelError) from a bug
        else results[m.k!] = m.record;
        finished();
      });
      w.on("error", reject);
    }).finally(() => void w.terminate());
  });
  // this thread works too, yielding between points so worker messages are taken in
  for (let i = Atomics.add(next, 0, 1); i < points.length; i = Atomics.add(next, 0, 1)) {
    const k = order[i]!;
    results[k] = runPoint(points[k]!);
    finished();
    await new Promise((r) => setImmediate(r));
  }
  await Promise.all(threads);
  if (failure) throw failure;
  return results.map((r, k) => {
    if (!r) throw new Error(`point ${k} produced no result`);
    return r;
  });
}
