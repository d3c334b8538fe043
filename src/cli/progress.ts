/**
 * Progress on stderr, never on stdout, silent with --quiet. For commands that run points (compare,
 * saturate, sweep, controllers): the points finished of those planned, the overall share done and
 * an ETA. On a terminal, one bar (cli-progress) updated in place, shown once a run has taken a
 * second; piped or redirected, one line per finished point. For `run` (a scenario's board runs, one
 * after the other): the current run's share on a terminal, a line per run when piped.
 */
import { SingleBar } from "cli-progress";
import { setProgressSink } from "../scenarios/board-run.ts";
import { pointProgress } from "../parallel/pool.ts";

/** Seconds as "12 s", "3 min 5 s". */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return "?";
  const r = Math.round(s);
  return r < 60 ? `${r} s` : `${Math.floor(r / 60)} min ${r % 60} s`;
}

/** One progress line: points done of planned, the share and the ETA from the elapsed time. */
export function progressLine(done: number, planned: number, share: number, elapsedS: number): string {
  const eta = share > 0 ? (elapsedS * (1 - share)) / share : Infinity;
  return `${done}/${planned} points, ${Math.floor(share * 100)} %, ${formatSeconds(elapsedS)} elapsed, ETA ${formatSeconds(eta)}`;
}

export function startProgress(quiet: boolean, stream: NodeJS.WriteStream = process.stderr): () => void {
  if (quiet) return () => {};
  const tty = !!stream.isTTY;
  const t0 = performance.now();
  const elapsed = () => (performance.now() - t0) / 1000;
  pointProgress.planned = 0;
  pointProgress.done = 0;
  let bar: SingleBar | undefined;
  let label = "", fraction = 0, lastLabel = "";
  const share = () => (pointProgress.planned > 0 ? Math.min(1, (pointProgress.done + (pointProgress.done < pointProgress.planned ? fraction : 0)) / pointProgress.planned) : fraction);
  const draw = () => {
    if (!bar) {
      if (elapsed() < 1) return;
      bar = new SingleBar({ stream, format: "{label} [{bar}] {status}", hideCursor: true, clearOnComplete: true });
      bar.start(1000, 0, { label, status: "" });
    }
    const s = share();
    const status = pointProgress.planned > 0 ? progressLine(pointProgress.done, pointProgress.planned, s, elapsed()) : `${Math.floor(s * 100)} %`;
    bar.update(Math.round(s * 1000), { label, status });
  };
  setProgressSink((l, f) => {
    label = l;
    fraction = f;
    if (tty) return draw();
    if (pointProgress.planned === 0 && l !== lastLabel) stream.write(`progress: ${l} (${formatSeconds(elapsed())} elapsed)\n`); // a scenario's runs: a line as each starts
    lastLabel = l;
  });
  pointProgress.notify = () => {
    fraction = 0;
    if (tty) return draw();
    stream.write(`progress: ${progressLine(pointProgress.done, pointProgress.planned, pointProgress.done / pointProgress.planned, elapsed())}\n`);
  };
  return () => {
    bar?.stop();
    setProgressSink(() => {});
    pointProgress.notify = () => {};
  };
}
