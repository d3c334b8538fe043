/**
 * A worker thread: takes the next point index from the shared counter until none are left, runs
 * it, and posts its record back. The main thread takes points from the same counter, so no thread
 * ever waits for another to hand out work.
 */
import { parentPort, workerData } from "node:worker_threads";
import { runPoint, type Point } from "./points.ts";

const { points, counter, order } = workerData as { points: Point[]; counter: SharedArrayBuffer; order: Int32Array };
const next = new Int32Array(counter);
for (let i = Atomics.add(next, 0, 1); i < points.length; i = Atomics.add(next, 0, 1)) {
  const k = order[i]!;
  try {
    parentPort!.postMessage({ ok: true, k, record: runPoint(points[k]!) });
  } catch (e) {
    parentPort!.postMessage({ ok: false, k, error: (e as Error).message, name: (e as Error).name });
  }
}
parentPort!.postMessage({ finished: true });
