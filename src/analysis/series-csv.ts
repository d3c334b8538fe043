/**
 * A run's time series as CSV (`--series-csv DIR`; docs/results-format.md "Series"): a row per
 * sample, with its time (ms from the measurement window's start), its phase (warmup or window),
 * then a column per series, named `<group>.<name>` as in the JSON (`delivered.inboundMbps`,
 * `queues.card510.gt.p0.out`, `dropped.switch.controller.bufferFull`). Written with d3-dsv.
 */
import { mkdirSync } from "node:fs";
import { writeFileAtomic } from "../sim/output-file.ts";
import { join } from "node:path";
import { csvFormatRows } from "d3-dsv";
import type { RunRecord } from "../scenarios/registry.ts";

/** The series section of a run record, as board-series.ts writes it (or its replications' means). */
export interface SeriesSection {
  intervalMs: number;
  samples: number;
  warmupSamples: number;
  tMs: number[];
  [group: string]: unknown;
}

export function seriesOf(r: RunRecord): SeriesSection | undefined {
  const s = r["series"] as SeriesSection | undefined;
  return s && Array.isArray(s.tMs) ? s : undefined;
}

/** The columns of a series: `[group.name, values]`, groups in the order they were recorded. */
export function seriesColumns(s: SeriesSection): [string, number[]][] {
  const cols: [string, number[]][] = [];
  for (const [group, v] of Object.entries(s)) {
    if (typeof v !== "object" || v === null || Array.isArray(v) || group === "units") continue;
    for (const [name, xs] of Object.entries(v as Record<string, unknown>)) if (Array.isArray(xs)) cols.push([`${group}.${name}`, xs as number[]]);
  }
  return cols;
}

export function seriesCsv(s: SeriesSection): string {
  const cols = seriesColumns(s);
  const rows = s.tMs.map((t, i) => [String(t), i < s.warmupSamples ? "warmup" : "window", ...cols.map(([, xs]) => (xs[i] === undefined ? "" : String(xs[i])))]);
  return csvFormatRows([["tMs", "phase", ...cols.map(([name]) => name)], ...rows]) + "\n";
}

/** A file name for run `i` of a set: its position, scenario, board, load and seed. */
export function seriesFileName(r: RunRecord, i: number): string {
  const part = (x: unknown) => String(x).replace(/[^\w.-]+/g, "_");
  return `${i + 1}-${part(r.scenario)}${r["board"] !== undefined ? `-${part(r["board"])}` : ""}${r["load"] !== undefined ? `-load${part(r["load"])}` : ""}-seed${r.seed}.csv`;
}

/** Writes a CSV per run that has a series into `dir`; returns the paths written. */
export function writeSeriesCsvs(dir: string, runs: RunRecord[]): string[] {
  mkdirSync(dir, { recursive: true });
  const paths: string[] = [];
  runs.forEach((r, i) => {
    const s = seriesOf(r);
    if (!s) return;
    const path = join(dir, seriesFileName(r, i));
    writeFileAtomic(path, seriesCsv(s));
    paths.push(path);
  });
  return paths;
}
