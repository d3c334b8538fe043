/**
 * Tables of the analysis commands, written three ways: aligned text for the terminal (numbers to
 * the right, "mean ± h" where a half-width exists), CSV (d3-dsv; a half-width gets its own
 * `<column>Ci95` column) and JSON (an object per row).
 */
import { csvFormatRows } from "d3-dsv";

export interface Cell {
  value: unknown;
  ci95?: number;
}

export interface Table {
  columns: string[];
  rows: Cell[][];
}

/** A number for reading: integers whole, others to 6 significant digits. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Number.isInteger(x) ? String(x) : String(+x.toPrecision(6));
}

function text(c: Cell): string {
  if (c.value === undefined || c.value === null) return "-";
  if (typeof c.value !== "number") return String(c.value);
  return c.ci95 === undefined ? formatNumber(c.value) : `${formatNumber(c.value)} ± ${formatNumber(c.ci95)}`;
}

/** Column-aligned lines, two spaces apart: a header, then a line per row. */
export function formatText(t: Table): string[] {
  const cells = t.rows.map((r) => r.map(text));
  const numeric = t.columns.map((_, i) => t.rows.some((r) => typeof r[i]?.value === "number") && t.rows.every((r) => r[i]?.value === undefined || typeof r[i]?.value === "number"));
  const width = t.columns.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (vals: string[]) => vals.map((v, i) => (numeric[i] ? v.padStart(width[i]!) : v.padEnd(width[i]!))).join("  ").trimEnd();
  return [line(t.columns), ...cells.map(line)];
}

/** Which columns have a half-width in some row (they get a `Ci95` column in CSV and JSON). */
function withCi(t: Table): boolean[] {
  return t.columns.map((_, i) => t.rows.some((r) => r[i]?.ci95 !== undefined));
}

export function formatCsv(t: Table): string {
  const ci = withCi(t);
  const head = t.columns.flatMap((c, i) => (ci[i] ? [c, `${c}Ci95`] : [c]));
  const str = (v: unknown) => (v === undefined || v === null ? "" : String(v));
  const rows = t.rows.map((r) => r.flatMap((c, i) => (ci[i] ? [str(c.value), str(c.ci95)] : [str(c.value)])));
  return csvFormatRows([head, ...rows]) + "\n";
}

export function formatJson(t: Table): string {
  const ci = withCi(t);
  const rows = t.rows.map((r) => Object.fromEntries(t.columns.flatMap((c, i) => (ci[i] ? [[c, r[i]!.value], [`${c}Ci95`, r[i]!.ci95]] : [[c, r[i]!.value]]))));
  return JSON.stringify(rows, null, 2) + "\n";
}
