/**
 * Capacity over independent searches (docs/methods.md §6, "Over searches"; stats-methods §8.7e):
 * one search's bracket is what that search's seeds decided, each end by a test whose pass is read
 * on the backlog trend's point estimate (a confirmation with five replications of one window), so
 * a search with other seeds lands elsewhere (5C inbound-heavy, master seeds 1-4: lower ends 1.642
 * to 1.776, against a 2 % bracket each). With common random numbers each search is a
 * deterministic function of its seeds, as RFC 2544 assumes its device is; the spread of the
 * searches' capacities is the answer's own error. So `saturate --searches N` runs N searches with
 * master seeds seed, seed + 1, ..., seed + N - 1 (each reproducible alone with `--seed`) and
 * reports the mean of their lower ends with its 95 % Student-t interval over the searches.
 */
import { tInterval } from "../stats/t-interval.ts";
import type { RunRecord } from "./registry.ts";

/** The most searches one command runs per board. */
export const MAX_SEARCHES = 100;

/** The master seeds of `n` searches from `seed`: seed, seed + 1, ... */
export function searchSeeds(seed: number, n: number): number[] {
  return Array.from({ length: n }, (_, j) => seed + j);
}

/** What `saturation.searches` holds: every search's bracket and the capacity's interval over them. */
export interface AcrossSearches {
  n: number;
  seeds: number[];
  /** Each search's bracket (its lower end passed, its upper end failed), in seed order. */
  brackets: [number, number][];
  confirmed: boolean[];
  /** Mean of the lower ends, its 95 % Student-t half-width over the searches (NaN with one) and that as a share of the mean. */
  mean: number;
  halfWidth: number;
  relativeHalfWidth: number;
  sd: number;
  level: number;
  method: string;
}

interface Saturation {
  load: number;
  loadInterval: [number, number];
  confirmed: boolean;
}

/**
 * One board's searches as one record: the first search's (its figures, probes and bracket, as a
 * single search reports them) with `saturation.searches` beside them. Records must be of one
 * board, in seed order.
 */
export function acrossSearches(records: readonly RunRecord[], level = 0.95): RunRecord {
  if (records.length === 0) throw new RangeError("acrossSearches: no records");
  const sats = records.map((r) => r["saturation"] as Saturation);
  const lows = sats.map((s) => s.loadInterval[0]);
  const t = tInterval(lows, level);
  const searches: AcrossSearches = {
    n: records.length,
    seeds: records.map((r) => r.seed),
    brackets: sats.map((s) => [s.loadInterval[0], s.loadInterval[1]]),
    confirmed: sats.map((s) => s.confirmed),
    mean: t.mean,
    halfWidth: records.length > 1 ? t.halfWidth : NaN,
    relativeHalfWidth: records.length > 1 ? t.halfWidth / t.mean : NaN,
    sd: t.sd,
    level,
    method: "independent searches (master seeds seed..seed+n-1), Student t over their lower ends (stats-methods §8.7e; docs/methods.md §6)",
  };
  const first = records[0]!;
  return { ...first, saturation: { ...(first["saturation"] as object), searches } };
}

/** Groups the records of `groups` boards x `n` searches (board-major, as the CLI plans them) into one record per board. */
export function combineSearches(records: readonly RunRecord[], n: number): RunRecord[] {
  if (n <= 1) return [...records];
  const out: RunRecord[] = [];
  for (let i = 0; i < records.length; i += n) out.push(acrossSearches(records.slice(i, i + n)));
  return out;
}
