/**
 * Time series of a run (OMNeT++'s output vectors, gem5's periodic statistics dumps): at preset
 * instants one preallocated event of priority `Stats` (docs/architecture.md: it runs after
 * everything else at its tick) reads
 *   - levels: a value now (a queue's depth, flows in a table, a server's health);
 *   - rates: a cumulative figure's increase over the interval, divided by the interval and scaled
 *     (bytes to Mb/s; busy picoseconds to a busy share);
 *   - counts by name: increases of named counters over the interval (drops by cause), a column
 *     appearing when its name first does, earlier samples 0.
 * Columns are typed arrays sized before the run; a sample writes numbers into them. Readers change
 * nothing, and only by-name readers (which build a record) allocate, at samples only: nothing is
 * added per frame or per event of the model. A statistics restart (the end of a warm-up) resets
 * the cumulative figures the rates and counts difference: `restart()`, called right after
 * `Simulator.resetStats`, takes their new values as the base.
 */
import type { SimEvent } from "../event.ts";
import { Priority } from "../priority.ts";
import type { Simulator } from "../simulator.ts";
import type { Tick } from "../time.ts";

/** Most samples a series may hold (memory: a few dozen columns of 8-byte numbers each). */
export const MAX_SERIES_SAMPLES = 1_000_000;

interface Column {
  group: string;
  name: string;
  out: Float64Array;
}
interface Level extends Column {
  read: () => number;
}
interface Rate extends Column {
  read: (now: Tick) => number;
  scale: number;
  base: number;
}
interface Keyed {
  group: string;
  read: () => Record<string, number>;
  base: Map<string, number>;
  cols: Map<string, Float64Array>;
}

/**
 * The sample instants of a run with a warm-up: every `intervalPs` from the start, the warm-up's
 * end, then every `intervalPs` from the window's start, and the run's end (each once, increasing).
 */
export function sampleInstants(intervalPs: Tick, warmupPs: Tick, endPs: Tick): Float64Array {
  if (!Number.isInteger(intervalPs) || intervalPs <= 0) throw new RangeError(`series interval must be a positive number of ps, got ${intervalPs}`);
  const count = Math.ceil(warmupPs / intervalPs) + Math.ceil((endPs - warmupPs) / intervalPs);
  if (count > MAX_SERIES_SAMPLES) throw new RangeError(`series: ${count} samples at that interval, more than ${MAX_SERIES_SAMPLES}`);
  const t: number[] = [];
  for (let k = 1; k * intervalPs < warmupPs; k++) t.push(k * intervalPs);
  if (warmupPs > 0) t.push(warmupPs);
  for (let k = 1; warmupPs + k * intervalPs < endPs; k++) t.push(warmupPs + k * intervalPs);
  if (endPs > warmupPs) t.push(endPs);
  return Float64Array.from(t);
}

export class SeriesRecorder {
  private readonly levels: Level[] = [];
  private readonly rates: Rate[] = [];
  private readonly keyed: Keyed[] = [];
  /** Groups in the order they were first given a column: the order of the record and the CSV. */
  private readonly groups: string[] = [];
  private readonly ev: SimEvent;
  private n = 0;
  /** When the current interval began: the last sample, or the last restart. */
  private from: Tick = 0;
  /** Samples taken: the sampler's events (not the model's: a run's event count leaves them out). */
  get samples(): number {
    return this.n;
  }

  constructor(private readonly sim: Simulator, readonly instants: Float64Array) {
    this.ev = sim.event("series", () => this.sample(), Priority.Stats);
    this.from = sim.now;
  }

  private column(group: string, name: string): Column {
    if (!this.groups.includes(group)) this.groups.push(group);
    return { group, name, out: new Float64Array(this.instants.length) };
  }

  /** A value read at each instant. */
  level(group: string, name: string, read: () => number): void {
    this.levels.push({ ...this.column(group, name), read });
  }

  /** The increase of cumulative `read` over each interval, per picosecond, times `scale`. */
  rate(group: string, name: string, read: (now: Tick) => number, scale = 1): void {
    this.rates.push({ ...this.column(group, name), read, scale, base: read(this.sim.now) });
  }

  /** The increase of each named counter of `read` over each interval. */
  counts(group: string, read: () => Record<string, number>): void {
    if (!this.groups.includes(group)) this.groups.push(group);
    this.keyed.push({ group, read, base: new Map(Object.entries(read())), cols: new Map() });
  }

  /** Schedules the first sample. */
  start(): void {
    if (this.instants.length > 0) this.sim.schedule(this.ev, this.instants[0]!);
  }

  /** After a statistics restart: the restarted figures are the new base of rates and counts. */
  restart(): void {
    const now = this.sim.now;
    this.from = now;
    for (const r of this.rates) r.base = r.read(now);
    for (const k of this.keyed) k.base = new Map(Object.entries(k.read()));
  }

  private sample(): void {
    const now = this.sim.now, i = this.n, dt = now - this.from;
    for (const l of this.levels) l.out[i] = l.read();
    for (const r of this.rates) {
      const v = r.read(now);
      r.out[i] = ((v - r.base) / dt) * r.scale;
      r.base = v;
    }
    for (const k of this.keyed) {
      const cur = k.read();
      for (const [name, v] of Object.entries(cur)) {
        let col = k.cols.get(name);
        if (!col) k.cols.set(name, (col = new Float64Array(this.instants.length)));
        col[i] = v - (k.base.get(name) ?? 0);
        k.base.set(name, v);
      }
    }
    this.from = now;
    this.n++;
    if (this.n < this.instants.length) this.sim.schedule(this.ev, this.instants[this.n]!);
  }

  /**
   * The samples as plain data: `tMs` (each instant, as `time` maps it), then a record per group of
   * a column per name, numbers to 6 significant digits.
   */
  read(time: (ps: Tick) => number): Record<string, number[] | Record<string, number[]>> {
    const n = this.n, round = (x: number) => +x.toPrecision(6);
    const list = (a: Float64Array) => Array.from(a.subarray(0, n), round);
    const out: Record<string, number[] | Record<string, number[]>> = { tMs: Array.from(this.instants.subarray(0, n), (t) => round(time(t))) };
    for (const g of this.groups) out[g] = {};
    const group = (g: string) => out[g] as Record<string, number[]>;
    for (const c of [...this.levels, ...this.rates]) group(c.group)[c.name] = list(c.out);
    for (const k of this.keyed) {
      const g = group(k.group);
      for (const [name, col] of [...k.cols].sort(([a], [b]) => a.localeCompare(b))) g[name] = list(col);
    }
    return out;
  }
}
