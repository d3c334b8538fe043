/**
 * `flowsim diff A B`: two result files compared field by field. Runs are paired by what ran
 * (scenario, board, workload, load and the study's own keys), each field of a pair is compared,
 * and a difference of two means with 95 % half-widths from replications is tested with Welch's t
 * test (welch.ts): significant when p < alpha (default 0.05). A field without replications on
 * both sides (single runs) has no test: its difference is shown, not judged. Text fields compare
 * as equal or not.
 */
import type { RunRecord } from "../scenarios/registry.ts";
import { fields, glob, halfWidthAt, replicationsOf, type LoadedRun, type Leaf } from "./records.ts";
import { welch } from "./welch.ts";

/** What identifies a run across files: a pair of runs agrees on each of these that either has. */
export const RUN_KEYS = ["scenario", "board", "workload", "load", "firmware", "topology", "controllers"] as const;

/** Fields never compared: they say how a run was made or how fast the host was, not what it measured. */
export const NOT_COMPARED = ["seed", "point", "wallSeconds", "replications.*", "*.seed"];

export type Verdict = "same" | "significant" | "not significant" | "no test" | "differs" | "only in A" | "only in B";

export interface FieldDiff {
  field: string;
  a: Leaf | undefined;
  b: Leaf | undefined;
  aCi95?: number;
  bCi95?: number;
  /** B − A and (B − A) / |A|, for numbers. */
  difference?: number;
  relative?: number;
  p?: number;
  verdict: Verdict;
}

export interface RunPair {
  key: string;
  a: LoadedRun;
  b: LoadedRun;
  fields: FieldDiff[];
}

export interface DiffResult {
  pairs: RunPair[];
  onlyA: LoadedRun[];
  onlyB: LoadedRun[];
  alpha: number;
}

export function runKey(r: RunRecord): string {
  return RUN_KEYS.filter((k) => r[k] !== undefined).map((k) => `${k}=${String(r[k])}`).join(" ");
}

/** Pairs runs of A and B with the same key, in A's order; a single run on each side pairs whatever its key. */
export function pairRuns(a: LoadedRun[], b: LoadedRun[]): { pairs: [LoadedRun, LoadedRun][]; onlyA: LoadedRun[]; onlyB: LoadedRun[] } {
  if (a.length === 1 && b.length === 1) return { pairs: [[a[0]!, b[0]!]], onlyA: [], onlyB: [] };
  const free = [...b];
  const pairs: [LoadedRun, LoadedRun][] = [];
  const onlyA: LoadedRun[] = [];
  for (const x of a) {
    const i = free.findIndex((y) => runKey(y.run) === runKey(x.run));
    if (i < 0) onlyA.push(x);
    else pairs.push([x, free.splice(i, 1)[0]!]);
  }
  return { pairs, onlyA, onlyB: free };
}

/** Compares one field of a pair of runs. */
export function compareField(field: string, ra: RunRecord, rb: RunRecord, va: Leaf | undefined, vb: Leaf | undefined, alpha: number): FieldDiff {
  if (va === undefined) return { field, a: va, b: vb, verdict: "only in B" };
  if (vb === undefined) return { field, a: va, b: vb, verdict: "only in A" };
  if (typeof va !== "number" || typeof vb !== "number") return { field, a: va, b: vb, verdict: va === vb ? "same" : "differs" };
  const ha = halfWidthAt(ra, field), hb = halfWidthAt(rb, field);
  const d: FieldDiff = { field, a: va, b: vb, ...(ha !== undefined ? { aCi95: ha } : {}), ...(hb !== undefined ? { bCi95: hb } : {}), difference: vb - va, ...(va !== 0 ? { relative: (vb - va) / Math.abs(va) } : {}), verdict: "same" };
  if (va === vb) return d;
  const na = replicationsOf(ra), nb = replicationsOf(rb);
  const w = ha !== undefined && hb !== undefined ? welch({ mean: va, halfWidth: ha, n: na.n, level: na.level }, { mean: vb, halfWidth: hb, n: nb.n, level: nb.level }) : undefined;
  if (!w) return { ...d, verdict: "no test" };
  return { ...d, p: w.p, verdict: w.p < alpha ? "significant" : "not significant" };
}

export interface DiffOptions {
  /** Globs of the fields to compare (default: every field either run has). */
  fields?: string[];
  alpha?: number;
}

export function diffResults(a: LoadedRun[], b: LoadedRun[], o: DiffOptions = {}): DiffResult {
  const alpha = o.alpha ?? 0.05;
  const skip = NOT_COMPARED.map(glob), want = o.fields?.length ? o.fields.map(glob) : undefined;
  const chosen = (f: string) => (want ? want.some((re) => re.test(f)) : !skip.some((re) => re.test(f)));
  const { pairs, onlyA, onlyB } = pairRuns(a, b);
  return {
    alpha, onlyA, onlyB,
    pairs: pairs.map(([x, y]) => {
      const fa = fields(x.run), fb = fields(y.run);
      const names = [...fa.keys(), ...[...fb.keys()].filter((k) => !fa.has(k))].filter(chosen);
      return { key: runKey(x.run), a: x, b: y, fields: names.map((f) => compareField(f, x.run, y.run, fa.get(f), fb.get(f), alpha)) };
    }),
  };
}
