/**
 * Result files as data for analysis across runs (`flowsim results`, `flowsim diff`): reading
 * schema-1 documents (docs/results-format.md), a record's fields by dotted path, and the choice
 * of fields by glob. A field is a leaf of a record that is a number, string or boolean
 * (`delivered.inboundMbps`, `bottleneck.resource`); lists (series, CDFs, events) are not fields.
 * A number's 95 % half-width from replications is its twin `<field>Ci95`, and a string that
 * differed between replications has `<field>Votes`: twins travel with their field, they are not
 * fields of their own.
 */
import { readRegularFile } from "../sim/input-file.ts";
import type { RunRecord } from "../scenarios/registry.ts";
import { CI_SUFFIX } from "../stats/replications.ts";

/** A result file that cannot be read, or is not a flowsim results document: one line, naming the file. */
export class ResultsInputError extends Error {}

export interface LoadedRun {
  file: string;
  /** Position of the run in its file (0-based). */
  index: number;
  run: RunRecord;
}

export function loadResults(files: string[]): LoadedRun[] {
  const out: LoadedRun[] = [];
  for (const file of files) {
    let doc: { schema?: unknown; runs?: unknown };
    try {
      doc = JSON.parse(readRegularFile(file, "utf8"));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new ResultsInputError(`cannot read ${file}: ${code ?? `not JSON (${(e as Error).message.split("\n")[0]})`}`);
    }
    if (doc?.schema !== 1 || !Array.isArray(doc.runs)) throw new ResultsInputError(`${file} is not a flowsim results document (expected {"schema": 1, "runs": [...]}, as --json writes)`);
    doc.runs.forEach((run, index) => {
      if (typeof run !== "object" || run === null || typeof (run as RunRecord).scenario !== "string") throw new ResultsInputError(`${file}: run ${index + 1} has no scenario: not a run record`);
      out.push({ file, index, run: run as RunRecord });
    });
  }
  return out;
}

export type Leaf = number | string | boolean;

const isTwin = (key: string) => key.endsWith(CI_SUFFIX) || key.endsWith("Votes");

/** Every field of a record (not twins), by dotted path, in record order. */
export function fields(r: unknown, prefix = "", out = new Map<string, Leaf>()): Map<string, Leaf> {
  if (typeof r !== "object" || r === null || Array.isArray(r)) return out;
  for (const [k, v] of Object.entries(r as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") {
      if (!isTwin(k)) out.set(path, v);
    } else if (typeof v === "object" && v !== null && !Array.isArray(v)) fields(v, path, out);
  }
  return out;
}

/** The value at a dotted path, or undefined (paths may cross keys that hold dots themselves: `resources.card510.gt.p0.in.utilization`). */
export function valueAt(r: unknown, path: string): unknown {
  if (path === "") return r;
  if (typeof r !== "object" || r === null) return undefined;
  const o = r as Record<string, unknown>;
  if (path in o) return o[path];
  // the longest key that is a prefix of the path ending at a dot
  let best: string | undefined;
  for (const k of Object.keys(o)) if (path.startsWith(`${k}.`) && (best === undefined || k.length > best.length)) best = k;
  return best === undefined ? undefined : valueAt(o[best], path.slice(best.length + 1));
}

/** A field's 95 % half-width (its `Ci95` twin), if the record has one. */
export function halfWidthAt(r: unknown, path: string): number | undefined {
  const h = valueAt(r, path + CI_SUFFIX);
  return typeof h === "number" ? h : undefined;
}

/** Replications behind a record (`replications.n`; 1 for a single run). */
export function replicationsOf(r: RunRecord): { n: number; level: number } {
  const rep = r["replications"] as { n?: number; level?: number } | undefined;
  return { n: rep?.n ?? 1, level: rep?.level ?? 0.95 };
}

/** A glob over dotted paths: `*` any run of characters (dots included), `?` one character. */
export function glob(pattern: string): RegExp {
  const body = pattern.split("").map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&"))).join("");
  return new RegExp(`^${body}$`);
}

/**
 * The fields of `runs` that the patterns choose, in the order of the patterns, each field once:
 * a pattern with no wildcard is taken as named (even where no run has it); a glob adds the fields
 * it matches, in the order the runs have them.
 */
export function chooseFields(patterns: string[], runs: RunRecord[]): string[] {
  const all: string[] = [];
  const seen = new Set<string>();
  for (const r of runs) for (const k of fields(r).keys()) if (!seen.has(k)) (seen.add(k), all.push(k));
  const chosen: string[] = [];
  const add = (f: string) => chosen.includes(f) || chosen.push(f);
  for (const p of patterns) {
    if (!/[*?]/.test(p)) add(p);
    else {
      const re = glob(p);
      for (const f of all) if (re.test(f)) add(f);
    }
  }
  return chosen;
}

/** Splits a comma-separated list flag into its non-empty items. */
export function listFlag(v: string | undefined): string[] {
  return (v ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}
