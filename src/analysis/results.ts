/**
 * `flowsim results FILE...`: the runs of one or more result files as a table of chosen fields
 * (OMNeT++'s scavetool export, gem5's stats tooling), filtered by scenario, board and any
 * parameter. A numeric field with a 95 % half-width from replications reads "mean ± h" in the
 * terminal and gets a `<field>Ci95` column beside it in CSV and JSON.
 */
import type { RunRecord } from "../scenarios/registry.ts";
import { chooseFields, glob, halfWidthAt, ResultsInputError, valueAt, type LoadedRun } from "./records.ts";

/** Fields shown when none are chosen: what ran, then the headline figures (those some run has). */
export const DEFAULT_RESULT_FIELDS = [
  "scenario", "board", "timing", "workload", "load", "seed", "replications.n",
  "delivered.inboundMbps", "delivered.outboundMbps", "data.lossRatio", "cpu.utilization", "cpu.cyclesPerIntervention",
  "latencyUs.inbound.p99", "latencyUs.outbound.p99", "bottleneck.resource", "saturation.load", "capacity.load",
];

/** A filter on a field: `load>=1`, `workload=mixed`, `board!=5F`. */
export interface Where {
  field: string;
  op: "=" | "!=" | "<" | "<=" | ">" | ">=";
  value: string;
}

export function parseWhere(expr: string): Where {
  const m = /^\s*([^=!<>\s]+)\s*(!=|<=|>=|=|<|>)\s*(.*?)\s*$/.exec(expr);
  if (!m || m[3] === "") throw new ResultsInputError(`--where: expected FIELD OP VALUE with OP one of = != < <= > >=, e.g. load>=1 or workload=mixed, got "${expr}"`);
  return { field: m[1]!, op: m[2] as Where["op"], value: m[3]! };
}

/** Does a run pass the filter? Numbers compare as numbers; anything else as text (`=` and `!=` take globs). A run without the field fails. */
export function passes(r: RunRecord, w: Where): boolean {
  const v = valueAt(r, w.field);
  if (v === undefined || v === null || typeof v === "object") return false;
  const num = Number(w.value);
  if (typeof v === "number" && w.value.trim() !== "" && Number.isFinite(num)) {
    switch (w.op) {
      case "=": return v === num;
      case "!=": return v !== num;
      case "<": return v < num;
      case "<=": return v <= num;
      case ">": return v > num;
      case ">=": return v >= num;
    }
  }
  const s = String(v);
  switch (w.op) {
    case "=": return glob(w.value).test(s);
    case "!=": return !glob(w.value).test(s);
    case "<": return s < w.value;
    case "<=": return s <= w.value;
    case ">": return s > w.value;
    case ">=": return s >= w.value;
  }
}

export interface ResultsQuery {
  fields?: string[];
  scenarios?: string[];
  boards?: string[];
  where?: Where[];
  /** A first column naming each run's file (default: when the runs come from several files). */
  fileColumn?: boolean;
}

export interface ResultsTable {
  /** Column names: the chosen fields, with `file` first when the runs come from several files. */
  columns: string[];
  /** Per row, per column: the value (undefined where the run lacks it) and its half-width, if any. */
  rows: { value: unknown; ci95?: number }[][];
}

/** The runs that pass every filter. Scenario and board filters take lists (any of them) and globs. */
export function selectRuns(runs: LoadedRun[], q: ResultsQuery): LoadedRun[] {
  const any = (patterns: string[] | undefined, v: unknown) => !patterns?.length || patterns.some((p) => glob(p).test(String(v)));
  return runs.filter(({ run }) => any(q.scenarios, run.scenario) && any(q.boards, run["board"]) && (q.where ?? []).every((w) => passes(run, w)));
}

export function resultsTable(runs: LoadedRun[], q: ResultsQuery): ResultsTable {
  const records = runs.map((r) => r.run);
  const chosen = q.fields?.length ? chooseFields(q.fields, records) : DEFAULT_RESULT_FIELDS.filter((f) => records.some((r) => valueAt(r, f) !== undefined));
  const files = q.fileColumn ?? new Set(runs.map((r) => r.file)).size > 1;
  const columns = [...(files ? ["file"] : []), ...chosen];
  const rows = runs.map(({ file, run }) => [
    ...(files ? [{ value: file }] : []),
    ...chosen.map((f) => {
      const value = valueAt(run, f), h = halfWidthAt(run, f);
      return h === undefined ? { value } : { value, ci95: h };
    }),
  ]);
  return { columns, rows };
}
