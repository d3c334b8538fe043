/** Terminal summaries of run records: aligned, with a unit on every figure. */
import chalk from "chalk";
import type { RunRecord } from "../scenarios/registry.ts";

const fmt = (x: number, digits = 2) => (Number.isInteger(x) ? x.toLocaleString("en-US") : x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }));

function rows(obj: unknown, prefix = ""): [string, string][] {
  if (obj === null || typeof obj !== "object") return [[prefix, typeof obj === "number" ? fmt(obj) : String(obj)]];
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) out.push(...rows(v, prefix ? `${prefix}.${k}` : k));
  return out;
}

/** Prints a record as `key  value` lines; keys carry their unit (…Mbps, …Us, …Fps). */
export function printRun(r: RunRecord): void {
  console.log(chalk.bold(`${r.scenario}`) + chalk.dim(`  seed ${r.seed}, ${fmt(r.simulatedSeconds * 1000, 3)} ms simulated in ${fmt(r.wallSeconds, 3)} s`));
  const { scenario: _s, seed: _d, simulatedSeconds: _t, wallSeconds: _w, ...rest } = r;
  const lines = rows(rest);
  const width = Math.max(...lines.map(([k]) => k.length));
  for (const [k, v] of lines) console.log(`  ${k.padEnd(width)}  ${chalk.cyan(v.padStart(14))}`);
}
