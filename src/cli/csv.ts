/** Flattens run records into CSV: one row per run, one column per leaf field (dotted names); time series have CSVs of their own (--series-csv), provenance gives its scalars. Quoting by d3-dsv (RFC 4180). */
import { csvFormatRows } from "d3-dsv";
import type { RunRecord } from "../scenarios/registry.ts";

function flatten(o: unknown, prefix: string, out: Map<string, string>): void {
  if (o === null || o === undefined) return;
  if (Array.isArray(o)) return void o.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
  if (typeof o === "object") {
    for (const [k, v] of Object.entries(o as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
    return;
  }
  out.set(prefix, String(o));
}


export function toCsv(runs: RunRecord[]): string {
  const rows = runs.map((r) => {
    const m = new Map<string, string>();
    const { series: _series, provenance, ...rest } = r;
    flatten(rest, "", m);
    // provenance: its scalars (the resolved board and workload are in the JSON)
    const p = provenance as Record<string, unknown> | undefined;
    if (p) for (const [k, v] of Object.entries(p)) if (typeof v !== "object" || Array.isArray(v)) m.set(`provenance.${k}`, Array.isArray(v) ? v.join(" ") : String(v));
    return m;
  });
  const cols: string[] = [];
  for (const r of rows) for (const k of r.keys()) if (!cols.includes(k)) cols.push(k);
  return csvFormatRows([cols, ...rows.map((r) => cols.map((c) => r.get(c) ?? ""))]) + "\n";
}
