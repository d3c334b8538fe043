/**
 * The time-series flags of `run`, `compare` and `sweep` (docs/cli.md "Time series"): their
 * declaration, their check before a run starts, and the CSV per run after it.
 *   --series T        sample every T (simulated) over the warm-up and the window, into the JSON's `series`
 *   --series-csv DIR  also write each run's series as DIR/<n>-<scenario>-<board>-load<L>-seed<S>.csv
 */
import type { Command } from "commander";
import { writeSeriesCsvs } from "../analysis/series-csv.ts";
import type { RunRecord } from "../scenarios/registry.ts";
import { MAX_SERIES_SAMPLES } from "../sim/stats/series.ts";
import { formatTick, US } from "../sim/time.ts";
import { ensureWritableDir, TraceOutputError } from "../sim/trace/sink.ts";
import { UsageError } from "./errors.ts";
import { parseDurationFlag } from "./options.ts";

export interface SeriesFlags {
  series?: number;
  seriesCsv?: string;
  quiet?: boolean;
}

/** The shortest sampling interval: 1 us (a few hundred frame times of the fastest port). */
export const MIN_SERIES_INTERVAL_PS = 1 * US;

export function seriesFlags(c: Command): Command {
  return c
    .option("--series <t>", "time series: sample throughput, drops, queues, utilisation, backlog, flows and health every T of simulated time, warm-up included, into the JSON (e.g. 1ms)", parseDurationFlag)
    .option("--series-csv <dir>", "with --series: also write each run's series as a CSV file in this directory");
}

/**
 * The run option of the series flags, checked: the interval at least MIN_SERIES_INTERVAL_PS and
 * at most MAX_SERIES_SAMPLES samples over `spanPs` (warm-up and window), the CSV directory writable.
 */
export function seriesOptions(o: SeriesFlags, spanPs: number): { seriesIntervalPs?: number } {
  if (o.seriesCsv !== undefined && o.series === undefined) throw new UsageError("--series-csv applies only with --series");
  if (o.series === undefined) return {};
  if (o.series < MIN_SERIES_INTERVAL_PS) throw new UsageError(`--series: the interval must be at least ${formatTick(MIN_SERIES_INTERVAL_PS)}, got ${formatTick(o.series)}`);
  const n = Math.ceil(spanPs / o.series);
  if (n > MAX_SERIES_SAMPLES) throw new UsageError(`--series: ${formatTick(o.series)} gives ${n} samples over ${formatTick(spanPs)}, more than ${MAX_SERIES_SAMPLES}: take a longer interval`);
  if (o.seriesCsv !== undefined) {
    try {
      ensureWritableDir("--series-csv", o.seriesCsv);
    } catch (e) {
      throw e instanceof TraceOutputError ? new UsageError(e.message) : e;
    }
  }
  return { seriesIntervalPs: o.series };
}

/** After a run: the CSV files, and a line when asked-for series are missing (runs that are not board runs have none). */
export function emitSeries(records: RunRecord[], o: SeriesFlags): void {
  if (o.series === undefined) return;
  const missing = records.filter((r) => r["series"] === undefined).length;
  if (missing > 0 && !o.quiet) process.stderr.write(`--series: ${missing} of ${records.length} runs have no time series (board runs have them; hosts and demo-link runs do not)\n`);
  if (o.seriesCsv === undefined) return;
  const paths = writeSeriesCsvs(o.seriesCsv, records);
  if (!o.quiet) process.stderr.write(`series: ${paths.length} CSV file${paths.length === 1 ? "" : "s"} in ${o.seriesCsv}\n`);
}
