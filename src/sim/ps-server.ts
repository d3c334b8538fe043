/**
 * A processor-sharing server on a clock: the transaction-level mode's shared bus and memory
 * (`--timing tlm`, docs/performance.md "Transaction-level mode"; issue 18 part 3).
 *
 * Round-robin arbitration a burst at a time, seen over many bursts, shares a resource equally
 * between the requesters that want it; a requester's own queue, served in turn, shares its slice
 * between its jobs. So here: jobs, each a demand in the server's clocks, share the server's
 * `capacity` (clocks of work per clock) equally between the classes that have jobs (a bus's
 * masters, a memory's requesters), and a class's slice equally between its jobs: discriminatory
 * processor sharing with equal weights (Kleinrock, Queueing Systems vol. 2, §4.7; Fayolle, Mitrani
 * & Iasnogorodski, J. ACM 27(4), 1980). What it leaves out, by design: the granularity of a burst
 * (a job of one burst still waits a whole burst of each other requester under round robin; here it
 * shares from its first clock), and the order inside a tenure.
 *
 * One event: the next completion. Each class keeps a virtual time: the work each of its jobs has
 * received since the class last had none (every job of a class receives the same, its class's slice
 * over its job count). A job's `finishTag` is its class's virtual time at its arrival plus its work,
 * so its work left is `finishTag` minus the class's virtual time, and a class's jobs finish in the
 * order of their tags (kept sorted per class). An arrival or a completion advances each class's
 * virtual time to now and moves that event: O(classes) an event, not O(jobs) (the algorithm first
 * built advanced every job; test/sim/ps-server-reference.ts keeps it, and
 * test/sim/ps-server-virtual-time.test.ts requires identical completion times). A completion lands
 * on the server clock's first edge at or after the exact time (transactions end on edges).
 * Arithmetic is in doubles on clocks, in a fixed order, so runs are deterministic.
 *
 * `finishTime` answers "when would a job of this demand, arriving at `at`, finish if nothing else
 * arrived?" from the jobs now present, without adding it (the server's own steps, in the same
 * arithmetic, so the answer is exact); `roundRobinFinish` answers it for a
 * request of one grant under round robin (half a round of the others' grants, then its own): the
 * transaction-level CPU takes its memory and bus waits from these (the fast models' own
 * occupancy), and adds its demand with `background`.
 */
import { ClockDomain } from "./clock.ts";
import type { SimEvent } from "./event.ts";
import { Priority } from "./priority.ts";
import type { Simulator } from "./simulator.ts";
import { Utilization } from "./stats/time-weighted.ts";

/** A job of the server. Owners preallocate and reuse these. */
export class PsJob {
  /** Clocks of service (set by the owner before `submit`). */
  demand = 0;
  /** Class index (from `addClass`). */
  cls = 0;
  /** Owner-defined. */
  tag = 0;
  /** Clocks of one of its grants under round-robin arbitration (a tenure, a burst); 0: the whole demand is one (`roundRobinFinish`). */
  grant = 0;
  /** Set by the server: its class's virtual time when it is done (its work left is this minus the class's virtual time). */
  finishTag = 0;
  /** Set by the server: its arrival index (the callbacks of jobs done at once run in arrival order). */
  seq = 0;
  submittedAt = 0;
  doneAt = 0;
  constructor(public onDone: (j: PsJob) => void = () => {}) {}
}

/**
 * Picoseconds of slack: a job within this of its end (at its present share) is done, and a finish
 * within this after an edge lands on it. Edges are whole ps (ClockDomain floors n x period), so a
 * whole number of clocks from an edge is within 1 ps of an edge. Plus 2^-20 ps (about a millionth)
 * for the doubles' rounding: a finish exactly 1 ps after an edge (an arrival 1 ps after one, whole
 * clocks of work) computes as 1 ps give or take 1e-12 ps, and would land on either side of the edge
 * by rounding alone (on how the work was summed: step by step, or as a virtual time). Rounding here
 * is under 1e-8 ps: work left is a few thousand clocks at most, as virtual times restart at each
 * completion of their class.
 */
export const SLACK_PS = 1 + 2 ** -20;


export class PsServer {
  readonly clock: ClockDomain;
  /** The clock's period, ps (ClockDomain computes it on each read). */
  private readonly period: number;
  /** Inside `fire`'s callbacks: submissions leave the completion event to be moved once, after them. */
  private firing = false;
  /** Jobs in service. */
  private n = 0;
  /** Per class: its jobs in service, sorted by `finishTag`, largest first (the next to finish last); the first `classJobs[c]` slots (never shortened: no reallocation). */
  private readonly lists: PsJob[][] = [];
  /** Per class: its virtual time (clocks of work each of its jobs has received since the class last had none). */
  private vt = new Float64Array(0);
  private classJobs = new Int32Array(0);
  private activeClasses = 0;
  /** The classes with jobs, in ascending order (the first `activeClasses` slots): the loops of an event visit only these. */
  private act = new Int32Array(0);
  private nextSeq = 0;
  private readonly names: string[] = [];
  /** Per class: jobs completed and their clocks of demand. */
  completedJobs: number[] = [];
  completedClocks: number[] = [];
  /** Per class: the most jobs it had in service at once. */
  highWater: number[] = [];
  private last = 0;
  private readonly ev: SimEvent;
  private readonly util: Utilization;
  private readonly bgFree: PsJob[] = [];
  private readonly bgDone = (j: PsJob) => {
    this.bgOf[j.cls] = undefined;
    this.bgFree.push(j);
  };
  private readonly done: PsJob[] = [];
  // scratch for finishTime (per class; grown with the classes)
  private scratchV = new Float64Array(0);
  private scratchCount = new Int32Array(0);
  private scratchOff = new Int32Array(0);

  /**
   * @param capacity clocks of work per clock (1: the bus and memories here; tlm-memory.ts charges refresh as work instead)
   * @param idleStartClocks clocks a job arriving at an idle server waits first (a bus's arbitration of an idle bus)
   */
  constructor(private readonly sim: Simulator, readonly name: string, clockHz: number, readonly capacity = 1, readonly idleStartClocks = 0, priority: number = Priority.Deliver) {
    if (!(capacity > 0 && capacity <= 1)) throw new RangeError(`${name}: capacity must be in (0, 1], got ${capacity}`);
    this.clock = new ClockDomain(`${name}.clk`, clockHz);
    this.period = this.clock.periodPs;
    this.ev = sim.event(`${name}.done`, () => this.fire(), priority);
    const all = serversOf.get(sim);
    if (all) all.push(this);
    else serversOf.set(sim, [this]);
    this.util = new Utilization(sim.now);
    this.last = sim.now;
    sim.onResetStats((now) => this.resetStats(now));
  }

  resetStats(now: number): void {
    this.util.restart(now);
    this.completedJobs.fill(0);
    this.completedClocks.fill(0);
    for (let c = 0; c < this.highWater.length; c++) this.highWater[c] = this.classJobs[c]!;
  }

  addClass(name: string): number {
    this.names.push(name);
    const C = this.names.length;
    this.grantSum = grown(this.grantSum, new Float64Array(C));
    this.vt = grown(this.vt, new Float64Array(C));
    this.lists.push([]);
    this.completedJobs.push(0);
    this.completedClocks.push(0);
    this.highWater.push(0);
    this.classJobs = grown(this.classJobs, new Int32Array(C));
    this.act = grown(this.act, new Int32Array(C));
    this.scratchCount = new Int32Array(C);
    this.scratchV = new Float64Array(C);
    this.scratchOff = new Int32Array(C);
    return C - 1;
  }

  /** Jobs in service. */
  get size(): number {
    return this.n;
  }

  /** Whether class `cls` has work in service. */
  hasWork(cls: number): boolean {
    return this.classJobs[cls]! > 0;
  }

  /** Starts a job of `job.demand` clocks in class `job.cls`; `job.onDone(job)` when it is served. */
  submit(job: PsJob): void {
    this.advance();
    const idle = this.n === 0;
    const c = job.cls, k = this.classJobs[c]!;
    // an empty class's virtual time is 0 (reset when it empties), so a lone job's tag is its work
    const tag = this.vt[c]! + job.demand + (idle ? this.idleStartClocks : 0);
    job.finishTag = tag;
    job.seq = this.nextSeq++;
    job.submittedAt = this.sim.now;
    const list = this.lists[c]!;
    let i = k;
    while (i > 0 && list[i - 1]!.finishTag < tag) {
      list[i] = list[i - 1]!;
      i--;
    }
    list[i] = job;
    this.n++;
    this.grantSum[c]! += job.grant > 0 ? job.grant : job.demand;
    if ((this.classJobs[c] = k + 1) === 1) {
      const act = this.act;
      let a = this.activeClasses++;
      while (a > 0 && act[a - 1]! > c) {
        act[a] = act[a - 1]!;
        a--;
      }
      act[a] = c;
    }
    if (k + 1 > this.highWater[c]!) this.highWater[c] = k + 1;
    if (idle) this.util.busyIn(this.sim, 0);
    this.moved();
  }

  /**
   * Occupancy with no one waiting for it (a CPU's accesses whose waits were taken from
   * `roundRobinFinish`/`finishTime`). A class's background work is one job: more of it while some
   * is in service adds to that job's work. To the other classes this is exact (a class takes its
   * slice while it has any work, however its work is split into jobs), and it spares an event per
   * access; a job of its own class that others wait for shares the class's slice with that one job,
   * not with one per access.
   */
  background(demand: number, cls: number, grant = 0): void {
    if (!(demand > 0)) return;
    const open = this.bgOf[cls];
    if (open !== undefined) {
      // the shares are unchanged, so adding work now or at the next advance is the same; its tag
      // moves later (its place in its class's order with it), and only if this job is the next to
      // finish does the completion event move
      const tag = (open.finishTag += demand);
      open.demand += demand;
      const list = this.lists[cls]!;
      let i = this.classJobs[cls]! - 1;
      while (list[i] !== open) i--;
      while (i > 0 && list[i - 1]!.finishTag < tag) {
        list[i] = list[i - 1]!;
        i--;
      }
      list[i] = open;
      if (open === this.soonestJob) this.moved();
      return;
    }
    const j = this.bgFree.pop() ?? new PsJob(this.bgDone);
    j.demand = demand;
    j.cls = cls;
    j.grant = grant > 0 ? grant : demand; // fixed as more work is added to it
    this.bgOf[cls] = j;
    this.submit(j);
  }
  /** The job the completion event is set for (the first to finish, as of the last reschedule). */
  private soonestJob: PsJob | undefined = undefined;
  /** Per class: its background job in service, if any. */
  private readonly bgOf: (PsJob | undefined)[] = [];

  /**
   * When a job of `demand` clocks in class `cls`, arriving `at` ps from now (>= 0), would finish if
   * no other job arrived: the other classes' jobs drain as they would (jobs of `cls` itself are left
   * out: a requester that waits for each access has one at a time), and it gets its class's slice
   * from `at`. The first edge at or after that time, in ps from now. The server's own steps, event
   * by event (advance, reschedule, fire), in the same arithmetic: each class's virtual time copied
   * and advanced, its jobs leaving from the end of its list. O(classes) a step.
   */
  finishTime(demand: number, cls: number, at: number): number {
    this.advance();
    const period = this.period, cap = this.capacity, psPerWork = period / cap;
    const C = this.names.length, count = this.scratchCount, v = this.scratchV, off = this.scratchOff;
    if (this.scratchTags.length < this.n) this.scratchTags = new Float64Array(2 * this.n);
    const tags = this.scratchTags;
    // the other classes' tags, class by class in each list's order (the server's restarts of a
    // class's virtual time at its completions are replayed on these copies)
    let classes = 0, others = 0;
    for (let c = 0; c < C; c++) {
      const k = c === cls ? 0 : this.classJobs[c]!;
      count[c] = k;
      v[c] = this.vt[c]!;
      off[c] = others;
      const list = this.lists[c]!;
      for (let i = 0; i < k; i++) tags[others + i] = list[i]!.finishTag;
      if (k > 0) (classes++, (others += k));
    }
    // times in ps from now; the new job's tag and its class's virtual time, as the server would keep them
    let t = 0, mineTag = 0, mineV = 0, arrived = false;
    for (;;) {
      const share = arrived ? classes + 1 : classes;
      let soonest = arrived ? (mineTag - mineV) * share : Infinity;
      for (let c = 0; c < C; c++) {
        const k = count[c]!;
        if (k === 0) continue;
        const x = (tags[off[c]! + k - 1]! - v[c]!) * share * k;
        if (x < soonest) soonest = x;
      }
      let next = Infinity;
      if (soonest < Infinity) {
        const ps = soonest * psPerWork;
        next = ps <= SLACK_PS ? t : this.edgeAfter(t, soonest / cap);
        if (next <= t && ps > SLACK_PS) next = this.clock.delayToEdgeAtOrAfter(this.sim, t + 1);
      }
      if (!arrived && at < next) {
        // it arrives first (a completion at the same instant goes first, as its event's priority does)
        const work = ((at - t) / period) * cap;
        for (let c = 0; c < C; c++) if (count[c]! > 0) v[c]! += work / (share * count[c]!);
        t = at;
        arrived = true;
        mineTag = demand + (others === 0 ? this.idleStartClocks : 0);
        continue;
      }
      const work = ((next - t) / period) * cap;
      for (let c = 0; c < C; c++) if (count[c]! > 0) v[c]! += work / (share * count[c]!);
      if (arrived) mineV += work / (share * 1);
      t = next;
      if (arrived && (mineTag - mineV) * share * 1 * psPerWork <= SLACK_PS) return t;
      // the others done at this step leave, each judged at the shares before any leaves; a class
      // left with jobs restarts its virtual time
      for (let c = 0; c < C; c++) {
        const k = count[c]!;
        if (k === 0) continue;
        const o = off[c]!, vc = v[c]!;
        let m = k;
        while (m > 0 && (tags[o + m - 1]! - vc) * share * k * psPerWork <= SLACK_PS) m--;
        if (m === k) continue;
        count[c] = m;
        others -= k - m;
        if (m === 0) {
          classes--;
          v[c] = 0;
        } else if (vc !== 0) {
          for (let i = m - 1; i >= 0; i--) tags[o + i]! -= vc;
          v[c] = 0;
        }
      }
    }
  }
  private scratchTags = new Float64Array(16);

  /** The first edge at or after `clocks` clock periods from `t` (ps from now), within SLACK_PS, as ps from now: a whole number of clocks from an edge lands on an edge. */
  private edgeAfter(t: number, clocks: number): number {
    return this.clock.delayToEdgeAtOrAfter(this.sim, Math.ceil(t + clocks * this.period - SLACK_PS));
  }

  /**
   * When a request of ONE grant (`demand` clocks: a CPU's line fill, a register read) by class
   * `cls`, arriving `at` ps from now (>= 0), would finish under round-robin arbitration of grants, from the
   * present occupancy taken as what it will meet (stationary over the few microseconds ahead): it
   * waits half a round of the other classes' grants, then its own demand. Round robin serves each
   * requester with work one grant per round, so a request arriving at a random point of a round
   * waits on average for the grant in service to end (half of one) and for half of the others'
   * (Kleinrock & Levy's polling systems; Takagi, Analysis of Polling Systems, 1986, the
   * exhaustive-1 limit): with k other classes of mean grant g, k g / 2. A request queued behind
   * its own requester's previous one (`afterOwn`: `at` is when that one ends) waits a whole round,
   * k g: the arbiter moves past a requester after each grant. Processor sharing, the
   * fluid limit, would charge it k x its own demand instead (`finishTime`), twice round robin's
   * wait when grants are alike: right for long transfers, wrong for one grant. A class's grant is
   * the mean of its jobs' (`PsJob.grant`, or their demand). The first edge at or after the end, ps
   * from now (times cross calls as small relative integers: ClockDomain, "Relative times").
   */
  roundRobinFinish(demand: number, cls: number, at: number, afterOwn = false): number {
    const cj = this.classJobs, sum = this.grantSum, act = this.act, nAct = this.activeClasses;
    let round = 0;
    for (let a = 0; a < nAct; a++) {
      const c = act[a]!;
      if (c !== cls) round += sum[c]! / cj[c]!;
    }
    // arriving at a random point of a round: half of it; queued behind its own requester's previous
    // grant (`afterOwn`, from `at`): round robin serves every other requester with work once before
    // coming back, a whole round
    const wait = afterOwn ? round : round / 2;
    const start = this.n === 0 ? this.idleStartClocks : 0;
    return this.edgeAfter(at, (start + wait + demand) / this.capacity);
  }
  /** Per class: the grants of its jobs in service, summed (their mean is the class's grant). */
  private grantSum = new Float64Array(0);

  /** Spends the work done since the last change: each class's jobs receive its slice over their count. */
  private advance(): void {
    const now = this.sim.now, dt = now - this.last;
    this.last = now;
    if (dt <= 0 || this.n === 0) return;
    const work = (dt / this.period) * this.capacity, share = this.activeClasses, cj = this.classJobs, vt = this.vt, act = this.act;
    for (let a = 0; a < share; a++) {
      const c = act[a]!;
      vt[c]! += work / (share * cj[c]!);
    }
  }

  /**
   * The soonest finish may have moved: the completion event is moved now, or, inside `fire`'s
   * callbacks or a hold, once at their end (no event runs between, so only the last move counts).
   */
  private moved(): void {
    if (this.firing || this.holds > 0) this.dirty = true;
    else this.reschedule();
  }
  private holds = 0;
  private dirty = false;

  /**
   * Holds the completion event where it is while a caller makes several changes at one instant
   * with no event between (the transaction-level CPU's replay of a job: its accesses' occupancy);
   * `release` moves it once. `holdServers`/`releaseServers` below do it for every server of a simulator.
   */
  hold(): void {
    this.holds++;
  }
  release(): void {
    if (--this.holds === 0 && this.dirty && !this.firing) this.reschedule();
  }

  /** Moves the completion event to the soonest finish (or takes it off when nothing is in service). */
  private reschedule(): void {
    this.dirty = false;
    if (this.n === 0) {
      this.soonestJob = undefined;
      this.sim.cancel(this.ev);
      return;
    }
    let soonest = Infinity;
    const share = this.activeClasses, cj = this.classJobs, vt = this.vt, act = this.act;
    for (let a = 0; a < share; a++) {
      const c = act[a]!, k = cj[c]!;
      const j = this.lists[c]![k - 1]!;
      const x = (j.finishTag - vt[c]!) * share * k;
      if (x < soonest) (soonest = x), (this.soonestJob = j);
    }
    const ps = (soonest / this.capacity) * this.period;
    let delay = ps <= SLACK_PS ? 0 : this.edgeAfter(this.last - this.sim.now, soonest / this.capacity);
    if (delay <= 0 && ps > SLACK_PS) delay = this.clock.delayToEdgeAtOrAfter(this.sim, 1); // not done yet: the next edge
    if (delay < 0) delay = 0;
    // already set for then: left as it is (its place among events of the same time is its rank, not when it was set)
    const ev = this.ev;
    if (ev.pending && ev.when === this.sim.now + delay) return;
    this.sim.scheduleIn(ev, delay);
  }

  private fire(): void {
    this.advance();
    const done = this.done, cj = this.classJobs, vt = this.vt;
    const share = this.activeClasses, psPerWork = this.period / this.capacity;
    // which jobs are done, judged at the shares they had (then the counts change): in each class a
    // run from the end of its list
    let nDone = 0;
    const act = this.act;
    for (let a = 0; a < share; a++) {
      const c = act[a]!, k = cj[c]!;
      const list = this.lists[c]!, v = vt[c]!;
      for (let m = k; m > 0 && (list[m - 1]!.finishTag - v) * share * k * psPerWork <= SLACK_PS; m--) {
        // in arrival order (an insertion: rarely more than one at once)
        const j = list[m - 1]!;
        let i = nDone++;
        while (i > 0 && done[i - 1]!.seq > j.seq) {
          done[i] = done[i - 1]!;
          i--;
        }
        done[i] = j;
      }
    }
    this.n -= nDone;
    for (let i = 0; i < nDone; i++) {
      const j = done[i]!, c = j.cls;
      if (--cj[c]! === 0) {
        const n = --this.activeClasses;
        let a = 0;
        while (act[a] !== c) a++;
        for (; a < n; a++) act[a] = act[a + 1]!;
        this.grantSum[c] = 0;
        vt[c] = 0;
      } else this.grantSum[c]! -= j.grant > 0 ? j.grant : j.demand;
      this.completedJobs[c]!++;
      this.completedClocks[c]! += j.demand;
      j.doneAt = this.sim.now;
    }
    // a class that completed jobs and has more restarts its virtual time (its jobs' tags become their
    // work left), so tags stay the size of jobs however long the class stays busy
    for (let i = 0; i < nDone; i++) {
      const c = done[i]!.cls, v = vt[c]!;
      if (v === 0) continue;
      const list = this.lists[c]!;
      for (let m = cj[c]! - 1; m >= 0; m--) list[m]!.finishTag -= v;
      vt[c] = 0;
    }
    if (this.n === 0) this.util.idleNow(this.sim);
    // callbacks last, in arrival order: they may submit more (and fire cannot run inside them); the
    // completion event is moved once, after them (no event runs between, so only the last move counts)
    this.firing = true;
    try {
      for (let i = 0; i < nDone; i++) done[i]!.onDone(done[i]!);
    } finally {
      this.firing = false;
    }
    if (this.holds > 0) this.dirty = true;
    else this.reschedule();
  }

  /** Busy time (ps) since the statistics last restarted. */
  busyPs(now: number): number {
    return this.util.busyPs(now);
  }

  read(now: number) {
    const u = this.util.read(now);
    const classes: Record<string, { jobs: number; clocks: number; share: number; highWater: number }> = {};
    const total = this.completedClocks.reduce((a, b) => a + b, 0);
    this.names.forEach((n, c) => (classes[n] = { jobs: this.completedJobs[c]!, clocks: this.completedClocks[c]!, share: total ? this.completedClocks[c]! / total : 0, highWater: this.highWater[c]! }));
    return { utilization: u.utilization, elapsedPs: u.elapsedPs, inService: this.n, classes };
  }
}

/** Each simulator's servers (for `holdServers`). */
const serversOf = new WeakMap<Simulator, PsServer[]>();
const NONE: PsServer[] = [];

/** Holds every processor-sharing server of `sim` (PsServer.hold); returns them for `releaseServers`. */
export function holdServers(sim: Simulator): PsServer[] {
  const all = serversOf.get(sim) ?? NONE;
  for (let i = 0; i < all.length; i++) all[i]!.hold();
  return all;
}

/** Releases what `holdServers` held. */
export function releaseServers(all: PsServer[]): void {
  for (let i = 0; i < all.length; i++) all[i]!.release();
}

/** `to` (a class more than `from`) with `from`'s values copied in: a class added (construction only). */
function grown<T extends Float64Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
