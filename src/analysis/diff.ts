/**
 * `flowsim diff A B`: two result files compared field by field. Runs are paired by what ran
 * (scenario, board, workload, load and the study's own keys), leaving out a key that is one value
 * throughout A and another throughout B (what the comparison varies: load 1 against load 1.3,
 * or one workload against another); each field of a pair is compared,
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
  /** Keys that are one value in A and another in B, left out of the pairing. */
  varied: { key: string; a: string; b: string }[];
  onlyA: LoadedRun[];
  onlyB: LoadedRun[];
  alpha: number;
}

export function runKey(r: RunRecord, keys: readonly string[] = RUN_KEYS): string {
  return keys.filter((k) => r[k] !== undefined).map((k) => `${k}=${String(r[k])}`).join(" ");
}

/** The keys that take one value in every run of A and another in every run of B. */
export function variedKeys(a: LoadedRun[], b: LoadedRun[]): { key: string; a: string; b: string }[] {
  const only = (runs: LoadedRun[], k: string) => {
    const vs = new Set(runs.map((r) => String(r.run[k])));
    return vs.size === 1 ? [...vs][0]! : undefined;
  };
  return RUN_KEYS.flatMap((key) => {
    const va = only(a, key), vb = only(b, key);
    return va !== undefined && vb !== undefined && va !== vb ? [{ key, a: va, b: vb }] : [];
  });
}

/** Pairs runs of A and B with the same key (less the varied keys), in A's order; a single run on each side pairs whatever its key. */
export function pairRuns(a: LoadedRun[], b: LoadedRun[], keys: readonly string[] = RUN_KEYS): { pairs: [LoadedRun, LoadedRun][]; onlyA: LoadedRun[]; onlyB: LoadedRun[] } {
  if (a.length === 1 && b.length === 1) return { pairs: [[a[0]!, b[0]!]], onlyA: [], onlyB: [] };
  const runKey = (r: RunRecord) => keys.filter((k) => r[k] !== undefined).map((k) => `${k}=${String(r[k])}`).join(" ");
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
  const varied = variedKeys(a, b);
  const keys = RUN_KEYS.filter((k) => !varied.some((v) => v.key === k));
  const { pairs, onlyA, onlyB } = pairRuns(a, b, keys);
  return {
    alpha, onlyA, onlyB, varied,
    pairs: pairs.map(([x, y]) => {
      const fa = fields(x.run), fb = fields(y.run);
      const names = [...fa.keys(), ...[...fb.keys()].filter((k) => !fa.has(k))].filter(chosen);
      return { key: runKey(x.run, keys), a: x, b: y, fields: names.map((f) => compareField(f, x.run, y.run, fa.get(f), fb.get(f), alpha)) };
    }),
  };
}
