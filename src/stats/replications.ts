/**
 * Independent replications (docs/methods.md §1, §2, §4): replication j of a run with master seed s
 * uses seed_j = hash(s, j) (seed_0 = s itself, so a single run is replication 0), and the same
 * seeds at every offered load and on every board (common random numbers). The records of the
 * replications of one point are aggregated field by field: every number becomes the mean over
 * replications with its 95 % Student-t half-width beside it (`<field>Ci95`); ratios and
 * percentiles were computed inside each replication and are averaged, never pooled.
 */
import { hashName } from "../sim/random.ts";
import { precise, tInterval } from "./t-interval.ts";

/** The seed of replication `j` of master seed `master`: `master` itself for j = 0. */
export function replicationSeed(master: number, j: number): number {
  return j === 0 ? master : hashName(`replication.${j}`, master);
}

/** Fields that say what ran, not what was measured: copied, not averaged. */
const IDENTITY = new Set(["seed", "load", "point", "clockMHz", "simulatedSeconds", "warmupSeconds", "intervalMs", "timeoutMs", "flows", "packetsPerFlow", "samples", "atMs", "bucketUs", "warmupSamples", "warmupEndMs"]);

/** Suffix of the half-width field beside each averaged number. */
export const CI_SUFFIX = "Ci95";

type Json = unknown;

function isRecord(x: Json): x is Record<string, Json> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/**
 * Aggregates the records of the replications of one point (same shape, different seeds): numbers
 * become means with `<key>Ci95` half-widths beside them (keys listed in IDENTITY are copied from
 * the first), arrays of numbers or of number pairs (latency CDFs) are averaged element by element,
 * strings that differ become the most frequent value with `<key>Votes` beside it, and lists of
 * events are concatenated with the seed of their replication.
 */
export function aggregate(records: Record<string, Json>[], level = 0.95): Record<string, Json> {
  if (records.length === 0) throw new RangeError("aggregate: no records");
  const seeds = records.map((r) => r["seed"] as number);
  const out = merge(records, "", level, seeds) as Record<string, Json>;
  out["seed"] = seeds[0];
  out["replications"] = { n: records.length, seeds, level, method: "independent replications, Student t over replication means (Law & Kelton ch. 9; docs/methods.md §2)" };
  return out;
}

function merge(values: Json[], key: string, level: number, seeds: number[]): Json {
  const first = values[0];
  if (typeof first === "number") {
    if (IDENTITY.has(key)) return first;
    const xs = values.map((v) => (typeof v === "number" ? v : NaN));
    return tInterval(xs, level).mean;
  }
  if (typeof first === "string" || typeof first === "boolean" || first === null || first === undefined) {
    if (values.every((v) => v === first)) return first;
    return mode(values);
  }
  if (Array.isArray(first)) {
    const arrays = values as Json[][];
    if (first.length > 0 && isRecord(first[0])) {
      // lists of events (health changes): all of them, each with its replication's seed
      return arrays.flatMap((a, j) => a.map((e) => (isRecord(e) ? { ...e, seed: seeds[j] } : e)));
    }
    const n = Math.min(...arrays.map((a) => a.length));
    return Array.from({ length: n }, (_, i) => merge(arrays.map((a) => a[i]), "", level, seeds));
  }
  if (isRecord(first)) {
    const out: Record<string, Json> = {};
    const keys = new Set<string>();
    for (const v of values) if (isRecord(v)) for (const k of Object.keys(v)) keys.add(k);
    for (const k of keys) {
      const vs = values.map((v) => (isRecord(v) ? v[k] : undefined));
      const present = vs.filter((v) => v !== undefined);
      if (present.length === 0) continue;
      if (present.every((v) => typeof v === "number") && !IDENTITY.has(k)) {
        // a counter absent from some replications (a drop cause that did not occur) counts 0 there
        const xs = vs.map((v) => (typeof v === "number" ? v : 0));
        const i = tInterval(xs, level);
        out[k] = i.mean;
        if (values.length > 1) out[k + CI_SUFFIX] = i.halfWidth;
        continue;
      }
      // a list of numbers absent from some replications (a drop cause's series where it never occurred) counts zeros there
      const numbers = present.every((v) => Array.isArray(v) && v.every((x) => typeof x === "number"));
      const filled = numbers && present.length < vs.length ? vs.map((v) => v ?? new Array((present[0] as number[]).length).fill(0)) : present;
      out[k] = merge(filled, k, level, seeds);
      if (typeof present[0] === "string" && !present.every((v) => v === present[0])) out[k + "Votes"] = votes(present as string[]);
    }
    return out;
  }
  return first;
}

function votes(values: string[]): Record<string, number> {
  const v: Record<string, number> = {};
  for (const x of values) v[x] = (v[x] ?? 0) + 1;
  return v;
}

function mode(values: Json[]): Json {
  const v = votes(values.map((x) => String(x)));
  let best = "", n = -1;
  for (const [k, c] of Object.entries(v)) if (c > n) (best = k), (n = c);
  return values.find((x) => String(x) === best);
}

/** Reads a number at a dotted path (`delivered.inboundMbps`), or undefined. */
export function pathValue(r: Json, path: string): number | undefined {
  let x: Json = r;
  for (const k of path.split(".")) {
    if (!isRecord(x)) return undefined;
    x = x[k];
  }
  return typeof x === "number" ? x : undefined;
}

/** The figures sequential stopping (`--precision`) watches on a board run, with an absolute floor each (a figure near 0 cannot meet a relative target). */
export const HEADLINE_FIGURES: { path: string; floor: number }[] = [
  { path: "delivered.inboundMbps", floor: 0.1 },
  { path: "delivered.outboundMbps", floor: 0.1 },
  { path: "cpu.utilization", floor: 0.002 },
  { path: "cpu.cyclesPerIntervention", floor: 5 },
];

/**
 * Whether replication records meet relative precision `gamma` on every headline figure
 * (Law & Kelton's rule with γ' = γ / (1 + γ), each figure's absolute floor).
 */
export function meetsPrecision(records: Json[], gamma: number, figures = HEADLINE_FIGURES): boolean {
  if (records.length < 2) return false;
  return figures.every(({ path, floor }) => {
    const xs = records.map((r) => pathValue(r, path)).filter((x): x is number => x !== undefined);
    return xs.length < records.length || precise(tInterval(xs), gamma, floor);
  });
}
