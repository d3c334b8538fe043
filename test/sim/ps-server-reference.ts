/**
 * The reference algorithm for src/sim/ps-server.ts: the processor-sharing server as first built
 * (issue 18 part 3), which advances every job's work left on each event (O(jobs) an event). The
 * server now keeps a virtual time per class instead (O(classes) an event); this copy is the oracle
 * of test/sim/ps-server-virtual-time.test.ts, which requires the two to give identical completion
 * times and identical `finishTime`/`roundRobinFinish` answers on random job sets. Test-only: not built
 * into the simulator.
 */
import { ClockDomain } from "../../src/sim/clock.ts";
import type { SimEvent } from "../../src/sim/event.ts";
import { PsJob } from "../../src/sim/ps-server.ts";
import { Priority } from "../../src/sim/priority.ts";
import type { Simulator } from "../../src/sim/simulator.ts";
import { Utilization } from "../../src/sim/stats/time-weighted.ts";

/** A job of the reference server: its work left, advanced on every event. */
export class RefPsJob extends PsJob {
  /** Work left, in clocks (the server's). */
  remaining = 0;
}

const SLACK_PS = 1 + 2 ** -20; // as src/sim/ps-server.ts (its header says why)

export class ReferencePsServer {
  readonly clock: ClockDomain;
  /** Jobs in service, in arrival order: the first `n` slots (the array is never shortened: no reallocation). */
  private readonly jobs: RefPsJob[] = [];
  private n = 0;
  private classJobs = new Int32Array(0);
  private activeClasses = 0;
  private readonly names: string[] = [];
  /** Per class: jobs completed and their clocks of demand. */
  completedJobs: number[] = [];
  completedClocks: number[] = [];
  /** Per class: the most jobs it had in service at once. */
  highWater: number[] = [];
  private last = 0;
  private readonly ev: SimEvent;
  private readonly util: Utilization;
  private readonly bgFree: RefPsJob[] = [];
  private readonly bgDone = (j: PsJob) => {
    this.bgOf[j.cls] = undefined;
    this.bgFree.push(j as RefPsJob);
  };
  private readonly done: RefPsJob[] = [];
  // scratch for finishTime (grown, never shrunk)
  private scratchWork = new Float64Array(16);
  private scratchCls = new Int32Array(16);
  private scratchCount = new Int32Array(0);

  /**
   * @param capacity clocks of work per clock (1: the bus and memories here; tlm-memory.ts charges refresh as work instead)
   * @param idleStartClocks clocks a job arriving at an idle server waits first (a bus's arbitration of an idle bus)
   */
  constructor(private readonly sim: Simulator, readonly name: string, clockHz: number, readonly capacity = 1, readonly idleStartClocks = 0, priority: number = Priority.Deliver) {
    if (!(capacity > 0 && capacity <= 1)) throw new RangeError(`${name}: capacity must be in (0, 1], got ${capacity}`);
    this.clock = new ClockDomain(`${name}.clk`, clockHz);
    this.ev = sim.event(`${name}.done`, () => this.fire(), priority);
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
    const sums = new Float64Array(this.names.length);
    sums.set(this.grantSum);
    this.grantSum = sums;
    this.completedJobs.push(0);
    this.completedClocks.push(0);
    this.highWater.push(0);
    const n = new Int32Array(this.names.length);
    n.set(this.classJobs);
    this.classJobs = n;
    this.scratchCount = new Int32Array(this.names.length);
    return this.names.length - 1;
  }

  /** Jobs in service. */
  get size(): number {
    return this.n;
  }

  /** Starts a job of `job.demand` clocks in class `job.cls`; `job.onDone(job)` when it is served. */
  submit(job: RefPsJob): void {
    this.advance();
    const idle = this.n === 0;
    job.remaining = job.demand + (idle ? this.idleStartClocks : 0);
    job.submittedAt = this.sim.now;
    this.jobs[this.n++] = job;
    const c = job.cls;
    this.grantSum[c]! += job.grant > 0 ? job.grant : job.demand;
    if (this.classJobs[c]!++ === 0) this.activeClasses++;
    if (this.classJobs[c]! > this.highWater[c]!) this.highWater[c] = this.classJobs[c]!;
    if (idle) this.util.busyIn(this.sim, 0);
    this.reschedule();
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
      // the shares are unchanged, so adding work now or at the next advance is the same; only if
      // this job is the next to finish does the completion event move
      open.remaining += demand;
      open.demand += demand;
      if (open === this.soonestJob) this.reschedule();
      return;
    }
    const j = this.bgFree.pop() ?? new RefPsJob(this.bgDone);
    j.demand = demand;
    j.cls = cls;
    j.grant = grant > 0 ? grant : demand; // fixed as more work is added to it
    this.bgOf[cls] = j;
    this.submit(j);
  }
  /** The job the completion event is set for (the first to finish, as of the last reschedule). */
  private soonestJob: RefPsJob | undefined = undefined;
  /** Per class: its background job in service, if any. */
  private readonly bgOf: (RefPsJob | undefined)[] = [];

  /**
   * When a job of `demand` clocks in class `cls`, arriving `at` ps from now (>= 0), would finish if
   * no other job arrived: the other classes' jobs drain as they would (jobs of `cls` itself are left
   * out: a requester that waits for each access has one at a time), and it gets its class's slice
   * from `at`. The first edge at or after that time, in ps from now.
   */
  finishTime(demand: number, cls: number, at: number): number {
    this.advance();
    const period = this.clock.periodPs, cap = this.capacity, psPerWork = period / cap;
    let n = 0;
    if (this.scratchWork.length < this.n) {
      this.scratchWork = new Float64Array(2 * this.n);
      this.scratchCls = new Int32Array(2 * this.n);
    }
    const w = this.scratchWork, k = this.scratchCls, count = this.scratchCount;
    count.fill(0);
    let classes = 0;
    for (let i = 0; i < this.n; i++) {
      const j = this.jobs[i]!;
      if (j.cls === cls) continue;
      w[n] = j.remaining;
      k[n++] = j.cls;
      if (count[j.cls]!++ === 0) classes++;
    }
    // the server's own steps, event by event (advance, reschedule, fire), with the new job arriving
    // at `at`; times in ps from now
    let t = 0, mine = 0, arrived = false;
    for (;;) {
      const share = arrived ? classes + 1 : classes;
      let soonest = arrived ? mine * share : Infinity;
      for (let i = 0; i < n; i++) {
        const x = w[i]! * share * count[k[i]!]!;
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
        for (let i = 0; i < n; i++) w[i]! -= work / (share * count[k[i]!]!);
        t = at;
        arrived = true;
        mine = demand + (n === 0 ? this.idleStartClocks : 0);
        continue;
      }
      const work = ((next - t) / period) * cap;
      for (let i = 0; i < n; i++) w[i]! -= work / (share * count[k[i]!]!);
      if (arrived) mine -= work / share;
      t = next;
      if (arrived && mine * share * psPerWork <= SLACK_PS) return t;
      // the others done at this step leave, each judged at the shares before any leaves
      const flag = this.scratchDone.length >= n ? this.scratchDone : (this.scratchDone = new Uint8Array(2 * n));
      for (let i = 0; i < n; i++) flag[i] = w[i]! * share * count[k[i]!]! * psPerWork <= SLACK_PS ? 1 : 0;
      let kept = 0;
      for (let i = 0; i < n; i++) {
        if (flag[i] === 1) {
          if (--count[k[i]!]! === 0) classes--;
          continue;
        }
        w[kept] = w[i]!;
        k[kept++] = k[i]!;
      }
      n = kept;
    }
  }
  private scratchDone = new Uint8Array(16);

  /** The first edge at or after `clocks` clock periods from `t` (ps from now), within SLACK_PS, as ps from now: a whole number of clocks from an edge lands on an edge. */
  private edgeAfter(t: number, clocks: number): number {
    return this.clock.delayToEdgeAtOrAfter(this.sim, Math.ceil(t + clocks * this.clock.periodPs - SLACK_PS));
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
    const cj = this.classJobs, sum = this.grantSum;
    let round = 0;
    for (let c = 0; c < cj.length; c++) if (c !== cls && cj[c]! > 0) round += sum[c]! / cj[c]!;
    // arriving at a random point of a round: half of it; queued behind its own requester's previous
    // grant (`afterOwn`, from `at`): round robin serves every other requester with work once before
    // coming back, a whole round
    const wait = afterOwn ? round : round / 2;
    const start = this.n === 0 ? this.idleStartClocks : 0;
    return this.edgeAfter(at, (start + wait + demand) / this.capacity);
  }
  /** Per class: the grants of its jobs in service, summed (their mean is the class's grant). */
  private grantSum = new Float64Array(0);

  /** Spends the work done since the last change on the jobs in service. */
  private advance(): void {
    const now = this.sim.now, dt = now - this.last;
    this.last = now;
    if (dt <= 0 || this.n === 0) return;
    const work = (dt / this.clock.periodPs) * this.capacity, share = this.activeClasses, cj = this.classJobs;
    for (let i = 0; i < this.n; i++) {
      const j = this.jobs[i]!;
      j.remaining -= work / (share * cj[j.cls]!);
    }
  }

  /** Moves the completion event to the soonest finish (or takes it off when nothing is in service). */
  private reschedule(): void {
    if (this.n === 0) {
      this.soonestJob = undefined;
      this.sim.cancel(this.ev);
      return;
    }
    let soonest = Infinity;
    const share = this.activeClasses, cj = this.classJobs;
    for (let i = 0; i < this.n; i++) {
      const j = this.jobs[i]!;
      const x = j.remaining * share * cj[j.cls]!;
      if (x < soonest) (soonest = x), (this.soonestJob = j);
    }
    const ps = (soonest / this.capacity) * this.clock.periodPs;
    let delay = ps <= SLACK_PS ? 0 : this.edgeAfter(this.last - this.sim.now, soonest / this.capacity);
    if (delay <= 0 && ps > SLACK_PS) delay = this.clock.delayToEdgeAtOrAfter(this.sim, 1); // not done yet: the next edge
    this.sim.scheduleIn(this.ev, Math.max(0, delay));
  }

  private fire(): void {
    this.advance();
    const done = this.done;
    const share = this.activeClasses, cj = this.classJobs, psPerWork = this.clock.periodPs / this.capacity;
    // which jobs are done, judged at the shares they had (then the counts change)
    let kept = 0, nDone = 0;
    for (let i = 0; i < this.n; i++) {
      const j = this.jobs[i]!;
      if (j.remaining * share * cj[j.cls]! * psPerWork <= SLACK_PS) done[nDone++] = j;
      else this.jobs[kept++] = j;
    }
    this.n = kept;
    for (let i = 0; i < nDone; i++) {
      const j = done[i]!, c = j.cls;
      if (--cj[c]! === 0) {
        this.activeClasses--;
        this.grantSum[c] = 0;
      } else this.grantSum[c]! -= j.grant > 0 ? j.grant : j.demand;
      this.completedJobs[c]!++;
      this.completedClocks[c]! += j.demand;
      j.doneAt = this.sim.now;
    }
    if (kept === 0) this.util.idleNow(this.sim);
    this.reschedule();
    // callbacks last, in arrival order: they may submit more (and fire cannot run inside them)
    for (let i = 0; i < nDone; i++) done[i]!.onDone(done[i]!);
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
