/**
 * Capacity: the highest offered load a board carries in steady state (docs/results-format.md
 * "Capacity"). A load PASSES when, over the measurement window after warm-up, on replications
 * with common random numbers (the same seeds at every load):
 *   - the loss ratio of data frames (drops in the window / data frames injected in it) is at most
 *     LOSS_GOAL = 0.1 %, by the upper bound of its 95 % Student-t interval;
 *   - the backlog of data frames inside does not grow (the least-squares trend over the window is
 *     not significantly positive, or stays under GROWTH_FRAMES frames);
 *   - no server or router changed health (a false failure is a failure of the control plane).
 * It FAILS when the loss's lower bound exceeds the goal, the backlog grows significantly, or
 * health changed; otherwise it is undecided and gets more replications, up to a cap, then counts
 * as a failure (the conservative choice, as MLRsearch does). The search (docs/methods.md §6):
 *   1. bracket around the analytic bound, never above what the ports can physically carry;
 *   2. bisect until the bracket's width is within `goalWidth` of its lower end;
 *   3. confirm both ends with windows `confirmFactor` times longer, each after a warm-up of
 *      CONFIRM_WARMUP_RELAXATIONS relaxation times of the busiest resource at its load
 *      (`confirmationWarmup`: from the search's lower end, scaled, then from the load's own runs
 *      if those ask for longer); move the bracket if either end changes its verdict.
 * The capacity is reported as that bracket: its lower end passed and its upper end failed by the
 * rules above for this search's seeds (the loss at 95 %; the growth's pass is on its point estimate
 * and an undecided end counts as failed), so another master seed gives another bracket:
 * capacity-searches.ts reports the mean over independent searches with its interval. The
 * delivered throughput, utilisations and bottleneck are those of the confirmed lower end, each
 * with its interval over replications.
 */
import type { BoardSpec } from "../hw/boards/schema.ts";
import { aggregate, replicationSeed } from "../stats/replications.ts";
import { tInterval } from "../stats/t-interval.ts";
import { DEFAULT_WARMUP_PS, runBoard, type BoardRunOptions } from "./board-run.ts";
import type { RunRecord } from "./registry.ts";

/** At most this share of the window's data frames may be lost (docs/methods.md §6: an absolute goal on the loss ratio). */
export const LOSS_GOAL = 0.001;
/**
 * A backlog that grows over the window by more than GROWTH_SHARE of the data frames the window
 * carried (and at least GROWTH_FRAMES, one per port of the standard setting), significantly so,
 * means the board delivers less than 99.9 % of what is offered (frames piling up are not
 * delivered): a failure even before anything drops. The same 0.1 % as the loss goal.
 */
export const GROWTH_FRAMES = 8;
export const GROWTH_SHARE = LOSS_GOAL;
/**
 * The confirmation runs' warm-up, in relaxation times τ of the busiest resource near the knee
 * (docs/methods.md §6; stats-methods §8: warm-up a stated multiple of the measured relaxation
 * time). A queue started empty approaches its steady mean about as e^(−t/τ), so after 3τ about
 * e^−3 = 5 % of the gap is left to rise in the window: a steady backlog of up to 160 frames (an
 * M/M/1 port at ρ = 0.994, beyond any load that passes) then leaves less than GROWTH_FRAMES of
 * rise for the growth test to mistake for a growing queue; 2τ would leave 13.5 % (60 frames, ρ ≈
 * 0.98, where the port-limited boards' knees lie).
 */
export const CONFIRM_WARMUP_RELAXATIONS = 3;

export interface CapacityOptions {
  /** Board run options common to every probe (workload rates, policy, health timers, ...). */
  run: Omit<BoardRunOptions, "seed" | "load" | "durationPs">;
  /** Master seed; replication j uses replicationSeed(seed, j) at every load. */
  seed: number;
  /** Replications per load to start with, and at most (undecided loads get more). */
  replications: number;
  maxReplications: number;
  /** Replications of the confirmation runs, whose figures are the capacity's (at least 3: the t interval of 2 is 12.7 standard errors wide). */
  confirmReplications: number;
  /** Measurement window of search probes, ps. */
  windowPs: number;
  /** Confirmation windows are this many times longer. */
  confirmFactor: number;
  /** Stop bisecting when (hi - lo) / lo is at most this. */
  goalWidth: number;
  /** The analytic bound's load (the search brackets around it). */
  boundLoad: number;
  /** The load at which the ports carry their line rate: never exceeded. */
  portLimitLoad: number;
  /**
   * The per-item service time of a resource at the load of `records` (saturate.ts: a port's
   * frame wire time, the CPU's time per intervention, ...), for the confirmation's warm-up.
   * Absent, or undefined for the resource: the confirmation keeps the search's warm-up.
   */
  serviceTime?: (resource: string, records: RunRecord[]) => { ps: number; basis: string } | undefined;
}

/** The confirmation runs' warm-up and what it came from (docs/methods.md §6). */
export interface ConfirmWarmup {
  /** The warm-up used, ps: clamp(k·τ, the search's warm-up, the confirmation window). */
  warmupPs: number;
  /** k: CONFIRM_WARMUP_RELAXATIONS. */
  relaxations: number;
  /** The load the warm-up is for, and the load whose runs gave ρ and S (the search's lower end, or the load itself). */
  load: number;
  measuredAt: number;
  /** The busiest resource in those runs, its mean utilisation ρ (scaled to `load`), its service time S (ps) and how S was found. */
  resource: string;
  rho: number;
  servicePs: number;
  serviceBasis: string;
  /** τ = S / (1 − √ρ)², ps (Infinity at ρ ≥ 1). */
  tauPs: number;
  /** Whether k·τ was cut to the search's warm-up ("search") or the confirmation window ("window"). */
  clamped: "search" | "window" | null;
}

export type Verdict = "pass" | "fail";

/** One load tried: its verdict, why, and the figures that decided it. */
export interface Probe {
  load: number;
  verdict: Verdict;
  reason: string;
  replications: number;
  windowMs: number;
  /** The runs' warm-up before the window. */
  warmupMs: number;
  lossRatio: number;
  lossRatioCi95: number;
  growthFrames: number;
  growthFramesCi95: number;
  healthChanges: number;
  /** Undecided after the last replication: counted as a failure. */
  undecided: boolean;
}

export interface CapacityResult {
  /** The bracket: `lo` passed, `hi` failed (or is the ports' limit). */
  lo: number;
  hi: number;
  probes: Probe[];
  /** The aggregated record of the confirmed lower end (the capacity's figures). */
  atCapacity: RunRecord;
  confirmed: boolean;
  /** The lowest load at which a health change (a false failure) made a probe fail, if any. */
  controlPlaneFailureLoad: number | null;
  /** Board runs made (a run needed again, same load, window, warm-up and seed, is reused, not counted twice). */
  runs: number;
  /** Simulated time of the runs made, warm-ups and windows, ps: the search's cost independent of the machine. */
  simulatedPs: number;
  /** The search's own warm-up, ps. */
  searchWarmupPs: number;
  /** The confirmation's warm-up at the final lower end (null: not sized, the search's warm-up was used). */
  confirmWarmup: ConfirmWarmup | null;
}

interface Trial {
  verdict: Verdict;
  probe: Probe;
  records: RunRecord[];
}

function healthChanges(r: RunRecord): number {
  const h = r["health"] as Record<string, number> | undefined;
  const w = (r["warmup"] as { health?: Record<string, number> } | undefined)?.health;
  const sum = (x: Record<string, number> | undefined) => (x ? (x["serverDowns"] ?? 0) + (x["serverUps"] ?? 0) + (x["routerDowns"] ?? 0) + (x["routerUps"] ?? 0) : 0);
  return sum(h) + sum(w);
}

/** A run that loses ten times the goal, or whose backlog grows by ten times the threshold, fails whatever other replications say. */
export function failsClearly(r: RunRecord): boolean {
  const d = r["data"] as { lossRatio: number; injected: number }, g = (r["backlog"] as { growth: number }).growth;
  return d.lossRatio > 10 * LOSS_GOAL || g > 10 * Math.max(GROWTH_FRAMES, GROWTH_SHARE * d.injected) || healthChanges(r) > 0;
}

/** Classifies one load from its replications (see the header). */
export function classify(records: RunRecord[], load: number, windowPs: number, final: boolean, warmupPs = DEFAULT_WARMUP_PS): { verdict: Verdict | "undecided"; probe: Probe } {
  const loss = tInterval(records.map((r) => (r["data"] as { lossRatio: number }).lossRatio));
  const growth = tInterval(records.map((r) => (r["backlog"] as { growth: number }).growth));
  const health = records.reduce((s, r) => s + healthChanges(r), 0);
  const n = records.length;
  const lossHi = loss.mean + loss.halfWidth, lossLo = loss.mean - loss.halfWidth;
  // growth: significant (lower bound above 0, or a single run's trend) and large enough to matter
  const injected = records.reduce((a, r) => a + (r["data"] as { injected: number }).injected, 0) / n;
  const threshold = Math.max(GROWTH_FRAMES, GROWTH_SHARE * injected);
  // growth: large enough to matter and significant (its interval above 0); large but not yet significant is undecided
  const growing = growth.mean >= threshold && n >= 2 && growth.mean - growth.halfWidth > 0;
  const maybeGrowing = growth.mean >= threshold && !growing;
  let verdict: Verdict | "undecided";
  let reason: string;
  if (health > 0) (verdict = "fail"), (reason = `control plane: ${health} health change${health > 1 ? "s" : ""}`);
  else if (lossLo > LOSS_GOAL) (verdict = "fail"), (reason = `loss ${(loss.mean * 100).toFixed(3)} % > ${LOSS_GOAL * 100} %`);
  else if (growing) (verdict = "fail"), (reason = `backlog grows ${growth.mean.toFixed(0)} frames over the window`);
  else if (lossHi <= LOSS_GOAL && !maybeGrowing) (verdict = "pass"), (reason = `loss ${(loss.mean * 100).toFixed(3)} %, backlog trend ${growth.mean.toFixed(1)} frames`);
  else if (maybeGrowing) (verdict = "undecided"), (reason = `backlog grows ${growth.mean.toFixed(0)} ± ${growth.halfWidth.toFixed(0)} frames over the window`);
  else (verdict = "undecided"), (reason = `loss ${(loss.mean * 100).toFixed(3)} % ± ${(loss.halfWidth * 100).toFixed(3)} straddles ${LOSS_GOAL * 100} %`);
  const undecided = verdict === "undecided";
  if (undecided && final) verdict = "fail";
  return {
    verdict,
    probe: {
      load, verdict: verdict === "undecided" ? "fail" : verdict, reason, replications: n, windowMs: windowPs / 1e9, warmupMs: warmupPs / 1e9,
      lossRatio: loss.mean, lossRatioCi95: loss.halfWidth, growthFrames: growth.mean, growthFramesCi95: growth.halfWidth, healthChanges: health, undecided: undecided && final,
    },
  };
}

/** A run the search asks for: the board at `load` with replication seed `seed`, warm-up `warmupPs` and window `windowPs`. */
export interface RunRequest {
  load: number;
  seed: number;
  windowPs: number;
  warmupPs: number;
}

/**
 * The confirmation's warm-up for `load` from runs at `measuredAt` (docs/methods.md §6): the
 * busiest resource of each replication, their mean utilisation ρ scaled to `load`
 * (utilisation is linear in the load, bound.ts: U = λ·A + C, with C, the control plane's share,
 * about 0, so the scaled ρ is off by at most C·|1 − load / measuredAt|) and its per-item service time
 * S, the relaxation time of a single-server queue there, τ = S / (1 − √ρ)² (M/M/1: stats-methods
 * §6b), and k·τ clamped between the search's warm-up and the confirmation window (a warm-up longer
 * than the window it precedes would not be bought by a longer window either: then the window is
 * the horizon the capacity is stated for, §5).
 */
export function confirmationWarmup(records: RunRecord[], measuredAt: number, load: number, searchWarmupPs: number, windowPs: number, serviceTime: CapacityOptions["serviceTime"]): ConfirmWarmup | undefined {
  if (!serviceTime || records.length === 0) return undefined;
  // each replication's busiest resource (with other seeds the flows favour another server port, so
  // the mean per resource would understate it): ρ is the mean of their utilisations, S that of the
  // resource busiest in most replications (the first such)
  let measured = 0;
  const count = new Map<string, number>();
  for (const r of records) {
    let name = "", u = -1;
    for (const [k, v] of Object.entries(r["resources"] as Record<string, { utilization: number }>)) if (v.utilization > u) (name = k), (u = v.utilization);
    measured += u / records.length;
    count.set(name, (count.get(name) ?? 0) + 1);
  }
  let resource = "", most = 0;
  for (const [k, n] of count) if (n > most) (resource = k), (most = n);
  const rho = (measured * load) / measuredAt;
  const s = serviceTime(resource, records);
  if (!s) return undefined;
  const tauPs = rho >= 1 ? Infinity : s.ps / (1 - Math.sqrt(rho)) ** 2;
  const want = CONFIRM_WARMUP_RELAXATIONS * tauPs;
  // whole microseconds
  const warmupPs = Math.min(windowPs, Math.max(searchWarmupPs, Math.ceil(want / 1e6) * 1e6));
  const clamped = want > windowPs ? "window" : want < searchWarmupPs ? "search" : null;
  return { warmupPs, relaxations: CONFIRM_WARMUP_RELAXATIONS, load, measuredAt, resource, rho, servicePs: s.ps, serviceBasis: s.basis, tauPs, clamped };
}

/**
 * The search (see the header) as a generator: it yields the runs it needs, one at a time, and is
 * given their records back, so a driver decides how to run them (`findCapacity` in place,
 * `findCapacityAsync` yielding to the event loop between runs).
 */
export function* capacitySearch(spec: BoardSpec, o: CapacityOptions): Generator<RunRequest, CapacityResult, RunRecord> {
  const probes: Probe[] = [];
  let runs = 0, simulatedPs = 0, controlPlaneFailureLoad: number | null = null;
  const round = (x: number) => Math.round(x * 1e6) / 1e6;
  // Runs made, by load, window and replication: a trial that needs a run the search has already made
  // (the confirmation returning to a load it tried, with the same seeds) takes its record instead of
  // making it again. Runs are deterministic (same board, options and seed, same record), so the
  // verdicts and figures are those of running it again.
  const made = new Map<string, RunRecord>();
  const searchWarmupPs = o.run.warmupPs ?? DEFAULT_WARMUP_PS;

  function* run(load: number, windowPs: number, warmupPs: number, j: number): Generator<RunRequest, RunRecord, RunRecord> {
    const key = `${load} ${windowPs} ${warmupPs} ${j}`;
    let r = made.get(key);
    if (!r) {
      r = yield { load, seed: replicationSeed(o.seed, j), windowPs, warmupPs };
      made.set(key, r);
      runs++;
      simulatedPs += warmupPs + windowPs;
    }
    return r;
  }

  function* trial(load: number, windowPs: number, first = o.replications, warmupPs = searchWarmupPs): Generator<RunRequest, Trial, RunRecord> {
    const records: RunRecord[] = [];
    for (let j = 0; ; j++) {
      records.push(yield* run(load, windowPs, warmupPs, j));
      // one replication that fails by a wide margin decides (more would not change the verdict)
      if (records.length < first && !failsClearly(records[0]!)) continue;
      const final = records.length >= Math.max(first, o.maxReplications);
      const c = classify(records, load, windowPs, final, warmupPs);
      if (c.verdict === "undecided") continue;
      probes.push(c.probe);
      if (c.probe.healthChanges > 0 && c.verdict === "fail") controlPlaneFailureLoad = Math.min(controlPlaneFailureLoad ?? Infinity, load);
      return { verdict: c.verdict, probe: c.probe, records };
    }
  }

  // loads from the bound and the ports' limit round down: never a load above either
  const floor6 = (x: number) => Math.floor(x * 1e6) / 1e6;
  const top = floor6(o.portLimitLoad);
  const start = floor6(Math.min(o.boundLoad, top));
  // 1. bracket: the bound should fail (or be the ports' limit) and 90 % of it pass
  let hi = start, lo = round(start * 0.9);
  let hiTrial: Trial | undefined = yield* trial(hi, o.windowPs);
  // the runs at the lower end (they size the confirmation's warm-up)
  let loTrial: Trial | undefined;
  if (hiTrial.verdict === "pass") {
    // the bound is too low (a model the bound does not know): grow towards the ports' limit
    lo = hi;
    loTrial = hiTrial;
    hiTrial = undefined;
    while (lo < top) {
      hi = round(Math.min(top, lo * 1.1));
      const t = yield* trial(hi, o.windowPs);
      if (t.verdict === "fail") {
        hiTrial = t;
        break;
      }
      lo = hi;
      loTrial = t;
    }
    if (!hiTrial) hi = top; // passes at the ports' limit: the ports are the limit
  } else {
    for (;;) {
      const t = yield* trial(lo, o.windowPs);
      if (t.verdict === "pass") {
        loTrial = t;
        break;
      }
      hi = lo;
      hiTrial = t;
      lo = round(lo * 0.8);
      if (lo < 1e-3) throw new Error(`${spec.name}: no load passes (down to ${lo})`);
    }
  }
  // 2. bisect
  while ((hi - lo) / lo > o.goalWidth) {
    const mid = round((lo + hi) / 2);
    if (mid <= lo || mid >= hi) break;
    const t = yield* trial(mid, o.windowPs);
    if (t.verdict === "pass") (lo = mid), (loTrial = t);
    else (hi = mid), (hiTrial = t);
  }
  // 3. confirm both ends with longer windows, each after a warm-up sized to the relaxation time at
  // its own load: first from the search's runs at its lower end, ρ scaled to the load; then, if the
  // confirmation's own runs at the load measure a ρ that asks for a longer warm-up (the reference
  // had a replication whose busiest resource was saturated, where utilisation stops growing with
  // the load, or other seeds load another port more), once more with that. A load keeps its
  // warm-up whichever end it is (a load tried again reuses its runs; a bracket does not move on a
  // changed warm-up). Move the bracket while an end changes its verdict.
  const long = o.windowPs * o.confirmFactor;
  let confirmed = false;
  let atLo: Trial | undefined;
  const ref = loTrial, refLoad = lo;
  const own = new Map<number, ConfirmWarmup>();
  const sized = (load: number) => own.get(load) ?? (ref ? confirmationWarmup(ref.records, refLoad, load, searchWarmupPs, long, o.serviceTime) ?? null : null);
  const warmupAt = (load: number) => sized(load)?.warmupPs ?? searchWarmupPs;
  function* confirm(load: number): Generator<RunRequest, Trial, RunRecord> {
    const w = warmupAt(load);
    const t = yield* trial(load, long, o.confirmReplications, w);
    if (own.has(load)) return t;
    const m = confirmationWarmup(t.records, load, load, searchWarmupPs, long, o.serviceTime);
    if (!m || m.warmupPs <= w) return t;
    own.set(load, m);
    return yield* trial(load, long, o.confirmReplications, m.warmupPs);
  }
  for (let step = 0; step < 4; step++) {
    atLo = yield* confirm(lo);
    if (atLo.verdict === "fail") {
      hi = lo;
      lo = round(lo / (1 + o.goalWidth));
      continue;
    }
    if (hi < top || hiTrial) {
      // the upper end with the evidence the lower end gets: a load that passes on 2 seeds may fail on
      // 4, and a bracket confirmed on unequal evidence moves up and back until its steps run out
      const atHi = yield* confirm(hi);
      if (atHi.verdict === "pass") {
        lo = hi;
        hi = round(Math.min(top, hi * (1 + o.goalWidth)));
        if (lo >= top) {
          atLo = atHi;
          confirmed = true;
          break;
        }
        continue;
      }
    }
    confirmed = true;
    break;
  }
  const final = atLo ?? (yield* confirm(lo));
  const rec = aggregate(final.records as Record<string, unknown>[]) as RunRecord;
  return { lo, hi, probes, atCapacity: rec, confirmed, controlPlaneFailureLoad, runs, simulatedPs, searchWarmupPs, confirmWarmup: sized(lo) };
}

/** Runs the search in place. Callers parallelise over boards. */
export function findCapacity(spec: BoardSpec, o: CapacityOptions): CapacityResult {
  const search = capacitySearch(spec, o);
  let step = search.next();
  while (!step.done) step = search.next(runBoard(spec, { ...o.run, seed: step.value.seed, load: step.value.load, durationPs: step.value.windowPs, warmupPs: step.value.warmupPs }));
  return step.value;
}

/** Runs the search yielding to the event loop between runs (a test runner or a UI stays responsive). */
export async function findCapacityAsync(spec: BoardSpec, o: CapacityOptions): Promise<CapacityResult> {
  const search = capacitySearch(spec, o);
  let step = search.next();
  while (!step.done) {
    await new Promise((r) => setImmediate(r));
    step = search.next(runBoard(spec, { ...o.run, seed: step.value.seed, load: step.value.load, durationPs: step.value.windowPs, warmupPs: step.value.warmupPs }));
  }
  return step.value;
}
