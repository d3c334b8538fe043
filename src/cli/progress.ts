/**
 * A progress bar on stderr (cli-progress) for runs that take over a second, only when stderr is a
 * terminal and --quiet is not given; otherwise nothing is printed.
 */
import { SingleBar } from "cli-progress";
import { setProgressSink } from "../scenarios/board-run.ts";

export function startProgress(quiet: boolean): () => void {
  if (quiet || !process.stderr.isTTY) return () => {};
  const t0 = performance.now();
  let bar: SingleBar | undefined;
  setProgressSink((label, fraction) => {
    if (!bar) {
      if (performance.now() - t0 < 1000) return;
      bar = new SingleBar({ stream: process.stderr, format: "{label} [{bar}] {percentage}% | {duration}s", hideCursor: true, clearOnComplete: true });
      bar.start(100, 0, { label });
    }
    bar.update(Math.round(fraction * 100), { label });
  });
  return () => {
    bar?.stop();
    setProgressSink(() => {});
  };
}
