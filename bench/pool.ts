/**
 * The project's worker pool (src/parallel/pool.ts: the calling thread works as one of the N, points
 * handed out longest first through one atomic counter) against tinypool (a well-kept pool: N worker
 * threads, the calling thread only dispatching, tasks submitted longest first), on the same sweep
 * points in one process, alternately (this machine's speed drifts), `reps` times each. Reports the
 * median wall times and whether the records are identical (apart from wall time): the measurement
 * issue 19 item 7 asks for before keeping a hand-written pool.
 */
import { fileURLToPath } from "node:url";
import Tinypool from "tinypool";
import { loadBoard } from "../src/hw/boards/load.ts";
import { costOrder, type Point } from "../src/parallel/points.ts";
import { runPoints } from "../src/parallel/pool.ts";
import type { RunRecord } from "../src/scenarios/registry.ts";
import { MS } from "../src/sim/time.ts";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[(s.length - 1) >> 1]!;
}

const strip = (rs: RunRecord[]) => JSON.stringify(rs.map(({ wallSeconds: _w, ...rest }) => rest));

async function viaTinypool(points: Point[], workers: number): Promise<RunRecord[]> {
  const pool = new Tinypool({ filename: fileURLToPath(new URL("./tinypool-worker.mjs", import.meta.url)), minThreads: workers, maxThreads: workers, isolateWorkers: false });
  try {
    const results: RunRecord[] = new Array(points.length);
    await Promise.all(Array.from(costOrder(points), async (k) => {
      results[k] = (await pool.run(points[k])) as RunRecord;
    }));
    return results;
  } finally {
    await pool.destroy();
  }
}

export async function poolBench(board: string, loads: number[], durationMs: number, workers: number, reps: number, json: boolean): Promise<void> {
  const b = loadBoard(board);
  if (!b.ok) throw new Error(b.error);
  const points: Point[] = loads.map((load, index) => ({ kind: "board", index, spec: b.board, seed: 1, durationPs: durationMs * MS, load, options: { scenario: "sweep" } }));
  const wall = { own: [] as number[], tinypool: [] as number[] };
  const out: { own?: string; tinypool?: string } = {};
  for (let r = 0; r < reps; r++) {
    for (const which of ["own", "tinypool"] as const) {
      const t0 = performance.now();
      const recs = which === "own" ? await runPoints(points, workers) : await viaTinypool(points, workers);
      wall[which].push((performance.now() - t0) / 1000);
      out[which] = strip(recs);
    }
  }
  const row = { board, points: points.length, durationMs, workers, reps, ownSeconds: +median(wall.own).toFixed(2), tinypoolSeconds: +median(wall.tinypool).toFixed(2), identical: out.own === out.tinypool, ownRuns: wall.own.map((x) => +x.toFixed(2)), tinypoolRuns: wall.tinypool.map((x) => +x.toFixed(2)) };
  if (json) console.log(JSON.stringify(row));
  else console.log(`${board}, ${points.length} points of ${durationMs} ms on ${workers} workers: own pool ${row.ownSeconds} s, tinypool ${row.tinypoolSeconds} s (medians of ${reps} alternating runs: ${row.ownRuns.join(", ")} / ${row.tinypoolRuns.join(", ")}); records ${row.identical ? "identical" : "DIFFERENT"}`);
}
