/** Child process of the memory bench: one board run; prints peak RSS and garbage-collection counts as JSON. */
import { PerformanceObserver } from "node:perf_hooks";
import { loadBoard } from "../src/hw/boards/load.ts";
import { runBoard } from "../src/scenarios/board-run.ts";

const [board = "5D", seconds = "1"] = process.argv.slice(2);
const b = loadBoard(board);
if (!b.ok) throw new Error(b.error);
let gcs = 0, gcMs = 0;
const obs = new PerformanceObserver((l) => {
  for (const e of l.getEntries()) {
    gcs++;
    gcMs += e.duration;
  }
});
obs.observe({ entryTypes: ["gc"] });
const t0 = performance.now();
const r = runBoard(b.board, { seed: 1, durationPs: Number(seconds) * 1e12, load: 1 }) as unknown as { frames: { injected: number } };
await new Promise((r) => setTimeout(r, 50)); // gc entries are delivered asynchronously
obs.disconnect();
console.log(JSON.stringify({ board, simulatedSeconds: Number(seconds), wallSeconds: +((performance.now() - t0) / 1000).toFixed(2), frames: r.frames.injected, peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024), gcs, gcMs: Math.round(gcMs), gcsPerMillionFrames: +((gcs / r.frames.injected) * 1e6).toFixed(1) }));
