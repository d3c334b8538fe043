/**
 * The transaction-level memory (`timing: "tlm"`, issue 18 part 3; docs/hardware.md "Transaction-level
 * memory and CPU job"): the GT-64010's DRAM (or any DramController's memory) as a processor-sharing
 * server (src/sim/ps-server.ts), one event per completion.
 *
 * Same parameters and the same time per access as DramController (dram.ts's header: on the TClk
 * clock, requestOverheadClocks + first + (ceil(bytes / widthBytes) - 1) * burstClocks, `first` from
 * the page policy: firstAccessClocks from a precharged bank, pageHitClocks on an open-page hit,
 * firstAccessClocks + prechargeClocks on a row conflict), with the rows open per bank tracked in
 * the order accesses are submitted. What differs, by design:
 *   - A request is one job, however long (no burst splitting): the requesters (PsServer classes)
 *     share the memory equally while they all have work, the limit of round-robin arbitration a
 *     burst at a time over many bursts. Under round-robin arbitration a request costs
 *     what DramController's grants of maxBurstBytes cost (each its own access: overhead,
 *     lead-off, beats), its grants after the first finding the row the one before left open when the memory
 *     has nothing else in service, and a row opened elsewhere (a precharge first) when it has:
 *     round robin interleaves their grants, and the others' open rows of their own; under
 *     FCFS it is one access. Either way the memory is shared (an FCFS memory too).
 *   - Refresh is lazy, as in DramController: the refreshes due since the last access are placed
 *     when the next one is submitted. One due while the memory holds jobs is charged as occupancy
 *     (a job of refreshClocks in a class of its own); one due while it is idle happened in the idle
 *     time (only what is left of it, if it is still going, is charged). Rows close at a refresh. (A
 *     capacity of 1 - refresh share would round every isolated access up by a TClk: 11.07 clocks
 *     end on the 12th edge.) The refreshes' time counts in the utilisation either way.
 *   - Per requester at most `queueDepth` requests are in service (`submit` false beyond; its onRetry
 *     when one completes). A PS server has no queue: `startedAt` is when the request would have
 *     started to finish when it did, unloaded (`doneAt` - its unloaded time), and `waitUs` records
 *     startedAt - queuedAt, so a request that met no one waited 0 (DramController's definition).
 *
 * For the transaction-level CPU (r4700.ts), which replays a job atomically at its start:
 * `finishTime` (when an access issued `at` ps from now would complete, ps from now, from the present
 * occupancy, the requester's own accesses left out: under round robin, a one-grant access waits half a
 * round of the other requesters' grants, PsServer.roundRobinFinish; otherwise the processor share,
 * PsServer.finishTime) and `occupy` (charges the access as occupancy nobody waits for, opening its row).
 * Occupancy charged while the memory holds nothing else is kept here, not as a server job (`lone`):
 * alone, a processor-sharing job is served at the full rate, so its end is known (its clocks after
 * the start) and no completion event is needed; the moment anything else would share the memory (a
 * request, another requester's access, a refresh due, a multi-grant access's rows) what is left of
 * it becomes the server's job, the state it would have had. On a memory only the CPU uses (Fig 5D's
 * DRAM and FSRAM: its packet buffers are in the shared buffer) that is every access.
 */
import { LoneOccupancy } from "../../sim/lone-occupancy.ts";
import type { ClockDomain } from "../../sim/clock.ts";
import { PsJob, PsServer } from "../../sim/ps-server.ts";
import type { Simulator } from "../../sim/simulator.ts";
import { LatencyHistogram } from "../../sim/stats/latency-histogram.ts";
import { checkDramParams, DEFAULT_DRAM, refreshDuePs, requesterReadings, type DramParams, type DramReading, type MainMemory, type MemRequest } from "./dram.ts";

/** A row other than any request's: a grant after another requester's finds its bank open elsewhere. */
const ROW_ELSEWHERE = Number.MAX_SAFE_INTEGER;

/** A request's job: the request, and its unloaded start and end (ps), for `startedAt` and the wait. */
class TlmJob extends PsJob {
  req: MemRequest | undefined = undefined;
  startEdge = 0;
  unloadedDone = 0;
}

export class TlmMemory implements MainMemory {
  readonly params: DramParams;
  readonly clock: ClockDomain;
  private readonly server: PsServer;
  private readonly refreshClass: number;
  private readonly free: TlmJob[] = [];
  private readonly onJobDone = (j: PsJob) => this.jobDone(j as TlmJob);
  private readonly names: string[] = [];
  private readonly classOf: number[] = [];
  private inService: number[] = [];
  private accesses: number[] = [];
  private bytes: number[] = [];
  private writes: number[] = [];
  private retry: (() => void)[] = [];
  private queued = 0;
  private queuedHighWater = 0;
  private readonly wait = new LatencyHistogram();
  private readonly openRow: number[];
  /** Per requester: the bank and row its last access opened (-1: none since the last refresh), for `rowFound`. */
  private readonly lastBank: number[] = [];
  private readonly lastRow: number[] = [];
  private readonly pageMode: boolean;
  /** Set by `clocks`: the grants the access takes. */
  private grants = 1;
  /** Round-robin arbitration: a request is served a burst (maxBurstBytes) at a time. */
  private readonly roundRobin: boolean;
  /** Refresh: the next one due (TClk cycle); refresh time (ps) that fell in idle time, since the statistics restarted. */
  private nextRefresh = 0;
  /** The edge before `nextRefresh`'s (ps): until the time passes it, no refresh is due (`refreshUpToNow`). */
  private refreshGate = 0;
  private idleRefreshPs = 0;
  private statsFromCycle = 0;
  /** Set by `clocks`: whether the access hit, missed or conflicted (0, 1, 2). */
  private pageOutcome = 0;
  pageHits = 0;
  pageMisses = 0;
  pageConflicts = 0;
  /** Occupancy charged on an otherwise empty memory, not yet a server job (its owner a requester). */
  private readonly lone: LoneOccupancy;

  constructor(private readonly sim: Simulator, readonly name: string, params: Partial<DramParams> = {}) {
    this.params = { ...DEFAULT_DRAM, ...params };
    const p = this.params;
    checkDramParams(name, p);
    this.pageMode = p.pagePolicy === "open";
    this.roundRobin = p.arbitration === "round-robin";
    this.openRow = new Array<number>(p.banks).fill(-1);
    this.nextRefresh = p.refreshIntervalClocks;
    this.server = new PsServer(sim, name, p.tclkHz);
    this.lone = new LoneOccupancy(sim);
    this.clock = this.server.clock;
    this.refreshGate = p.refreshIntervalClocks > 0 ? this.clock.edge(this.nextRefresh - 1) : Infinity;
    this.refreshClass = this.server.addClass("refresh");
    sim.onResetStats((now) => this.resetStats(now));
  }

  resetStats(now: number): void {
    this.lone.restart(now);
    this.wait.reset();
    this.queuedHighWater = this.queued;
    this.accesses.fill(0);
    this.bytes.fill(0);
    this.writes.fill(0);
    this.pageHits = this.pageMisses = this.pageConflicts = 0;
    this.idleRefreshPs = 0;
    this.statsFromCycle = this.clock.cycleAtOrAfter(now);
  }

  addRequester(name: string, onRetry: () => void = () => {}): number {
    this.names.push(name);
    this.classOf.push(this.server.addClass(name));
    this.inService.push(0);
    this.accesses.push(0);
    this.bytes.push(0);
    this.writes.push(0);
    this.retry.push(onRetry);
    this.lastBank.push(-1);
    this.lastRow.push(-1);
    return this.names.length - 1;
  }

  /** TClk cycles one access of `bytes` holds the memory, the row precharged (closed-page timing). */
  accessClocks(bytes: number): number {
    const p = this.params;
    return p.requestOverheadClocks + p.firstAccessClocks + (Math.ceil(bytes / p.widthBytes) - 1) * p.burstClocks;
  }

  /** TClk cycles of a page hit of `bytes` (open-page timing). */
  pageHitAccessClocks(bytes: number): number {
    const p = this.params;
    return p.requestOverheadClocks + p.pageHitClocks + (Math.ceil(bytes / p.widthBytes) - 1) * p.burstClocks;
  }

  /**
   * The row a first grant of `requester` (-1: none named) finds open in `bank`. Under round robin,
   * while another requester has work in service the grant before this one is that requester's
   * (DramController rotates the grant over the requesters with work), so the bank is as that
   * requester's last access left it; otherwise as the memory holds it (the last access submitted
   * or charged). Without this, a CPU's accesses charged one after another in its job's replay would
   * find its own row still open between the grants that, event by event, interleave with them.
   */
  private rowFound(bank: number, requester: number): number {
    if (this.roundRobin && requester >= 0) {
      for (let o = 0; o < this.names.length; o++) {
        if (o !== requester && this.lastBank[o] === bank && this.server.hasWork(this.classOf[o]!)) return this.lastRow[o]!;
      }
    }
    return this.openRow[bank]!;
  }

  /**
   * TClk cycles of an access at `addr` by `requester` (-1: none named) from the rows open now
   * (`rowFound`); with `open`, leaves its rows open (and sets pageOutcome, of its first grant).
   * Under round-robin arbitration a request is served in grants of at most maxBurstBytes, each an
   * access of its own (overhead, lead-off, beats), as DramController serves it; its grants after
   * the first find the row the one before left open.
   */
  private clocks(addr: number, bytes: number, open: boolean, requester: number): number {
    const p = this.params;
    const grant = this.roundRobin ? p.maxBurstBytes : bytes;
    // every grant its overhead and beats: all but the last are `grant` bytes
    const n = Math.ceil(bytes / grant), lastBytes = bytes - (n - 1) * grant, w = p.widthBytes;
    let total = n * p.requestOverheadClocks + ((n - 1) * (Math.ceil(grant / w) - 1) + Math.ceil(lastBytes / w) - 1) * p.burstClocks;
    this.grants = n;
    if (!this.pageMode) return total + n * p.firstAccessClocks;
    if (n === 1) {
      // one grant (a line fill, a short write): its bank as the memory holds it
      const row = Math.floor(addr / p.pageBytes), bank = row % p.banks, was = this.rowFound(bank, requester);
      this.pageOutcome = was === row ? 0 : was < 0 ? 1 : 2;
      if (open) this.opened(requester, bank, row);
      return total + (was === row ? p.pageHitClocks : was >= 0 ? p.firstAccessClocks + p.prechargeClocks : p.firstAccessClocks);
    }
    // each grant's lead-off, by the rows the grants start in: the first grant in a row finds its bank
    // as the grant before left it (the same bank) or as the memory holds it; the others in the row
    // find the row the one before opened, or, with other work in service, a row opened elsewhere
    // (round robin interleaves their grants, which open rows of their own)
    const shared = this.server.size > 0 || this.loneActive(), P = p.pageBytes;
    const rest = shared ? p.firstAccessClocks + p.prechargeClocks : p.pageHitClocks;
    let lastBank = -1, lastRow = -1;
    for (let g = 0; g < n; ) {
      const at = addr + g * grant, row = Math.floor(at / P), bank = row % p.banks;
      const inRow = Math.min(n - g, Math.ceil(((row + 1) * P - at) / grant));
      const was = bank === lastBank ? (shared ? ROW_ELSEWHERE : lastRow) : g === 0 ? this.rowFound(bank, requester) : this.openRow[bank]!;
      total += was === row ? p.pageHitClocks : was >= 0 ? p.firstAccessClocks + p.prechargeClocks : p.firstAccessClocks;
      total += (inRow - 1) * rest;
      if (g === 0) this.pageOutcome = was === row ? 0 : was < 0 ? 1 : 2;
      lastBank = bank;
      lastRow = row;
      if (open) this.opened(requester, bank, row);
      g += inRow;
    }
    return total;
  }

  /** Leaves `row` open in `bank`, opened by `requester` (-1: none named). */
  private opened(requester: number, bank: number, row: number): void {
    this.openRow[bank] = row;
    if (requester >= 0) {
      this.lastBank[requester] = bank;
      this.lastRow[requester] = row;
    }
  }

  /** The per-grant walk `clocks` replaces (kept for the test that they agree; test/hw/tlm-memory.test.ts). */
  clocksByGrant(addr: number, bytes: number, requester = -1): number {
    const p = this.params;
    const grant = this.roundRobin ? p.maxBurstBytes : bytes;
    const shared = this.server.size > 0 || this.loneActive();
    let total = 0, lastBank = -1, lastRow = -1, at = addr;
    for (let left = bytes; left > 0; left -= grant, at += grant) {
      const n = Math.min(grant, left);
      let first = p.firstAccessClocks;
      if (this.pageMode) {
        const row = Math.floor(at / p.pageBytes), bank = row % p.banks, was = bank === lastBank ? (shared ? ROW_ELSEWHERE : lastRow) : at === addr ? this.rowFound(bank, requester) : this.openRow[bank]!;
        if (was === row) first = p.pageHitClocks;
        else if (was >= 0) first += p.prechargeClocks;
        lastBank = bank;
        lastRow = row;
      }
      total += p.requestOverheadClocks + first + (Math.ceil(n / p.widthBytes) - 1) * p.burstClocks;
    }
    return total;
  }

  /** `clocks` without opening rows (for the test that it agrees with `clocksByGrant`). */
  clocksNow(addr: number, bytes: number, requester = -1): number {
    return this.clocks(addr, bytes, false, requester);
  }

  private countPage(): void {
    if (!this.pageMode) return;
    if (this.pageOutcome === 0) this.pageHits++;
    else if (this.pageOutcome === 1) this.pageMisses++;
    else this.pageConflicts++;
  }

  /**
   * Places the refreshes due by now: charged as occupancy if the memory holds jobs, else spent in
   * the idle time (what is left of the last one still charged). Closes the rows if any was due.
   */
  private refreshUpToNow(): void {
    const p = this.params, I = p.refreshIntervalClocks;
    // due when nextRefresh <= the cycle at or after now, that is when the edge before it is before now
    if (I === 0 || this.sim.now <= this.refreshGate) return;
    const c = this.clock.cycleNow(this.sim);
    if (this.nextRefresh > c) return;
    this.shareLone();
    const R = p.refreshClocks, period = this.clock.periodPs;
    while (this.nextRefresh <= c) {
      if (this.server.size > 0) {
        this.server.background(R, this.refreshClass);
      } else {
        // idle: every refresh but the last due ended before now
        const n = Math.floor((c - this.nextRefresh) / I);
        if (n > 0) {
          this.countIdleRefreshes(this.nextRefresh, n);
          this.nextRefresh += n * I;
        }
        const left = this.nextRefresh + R - c;
        if (left > 0) {
          this.server.background(left, this.refreshClass);
          if (this.nextRefresh >= this.statsFromCycle) this.idleRefreshPs += (R - left) * period;
        } else this.countIdleRefreshes(this.nextRefresh, 1);
      }
      this.nextRefresh += I;
    }
    this.refreshGate = this.clock.edge(this.nextRefresh - 1);
    for (let b = 0; b < this.openRow.length; b++) this.openRow[b] = -1;
    this.lastBank.fill(-1);
  }

  /** Counts `n` refreshes from cycle `from`, every interval, spent in idle time (those since the statistics restarted). */
  private countIdleRefreshes(from: number, n: number): void {
    const I = this.params.refreshIntervalClocks;
    const skip = from >= this.statsFromCycle ? 0 : Math.min(n, Math.ceil((this.statsFromCycle - from) / I));
    this.idleRefreshPs += (n - skip) * this.params.refreshClocks * this.clock.periodPs;
  }

  submit(req: MemRequest): boolean {
    const r = req.requester;
    if (this.inService[r]! >= this.params.queueDepth) return false;
    this.shareLone();
    this.refreshUpToNow();
    const now = this.sim.now;
    const clocks = this.clocks(req.addr, req.bytes, true, r);
    this.countPage();
    const j = this.free.pop() ?? new TlmJob(this.onJobDone);
    j.req = req;
    j.demand = clocks;
    j.grant = clocks / this.grants;
    j.cls = this.classOf[r]!;
    const c0 = this.clock.cycleNow(this.sim);
    j.startEdge = now + this.clock.foundDelay(this.sim); // the edge of c0 (the search leaves it)
    j.unloadedDone = now + this.clock.delayToCycle(this.sim, c0 + clocks);
    req.queuedAt = now;
    this.inService[r]!++;
    if (++this.queued > this.queuedHighWater) this.queuedHighWater = this.queued;
    this.server.submit(j);
    return true;
  }

  private jobDone(j: TlmJob): void {
    const req = j.req!;
    j.req = undefined;
    const r = req.requester;
    req.doneAt = this.sim.now;
    req.startedAt = j.startEdge + Math.max(0, req.doneAt - j.unloadedDone);
    this.wait.record(req.startedAt - req.queuedAt);
    this.free.push(j);
    this.accesses[r]!++;
    this.bytes[r]! += req.bytes;
    if (req.write) this.writes[r]!++;
    this.queued--;
    const freed = this.inService[r]-- === this.params.queueDepth;
    if (freed) this.retry[r]!();
    req.onDone(req);
  }

  /**
   * Under round robin (a one-grant access: the CPU's line fill) half a round of the other
   * requesters' grants then its own time (PsServer.roundRobinFinish), a whole round when issued as
   * the requester's own access before it completes (`afterOwn`: the fill after its victim's
   * write-back, which DramController's rotation serves after every other requester with work);
   * under FCFS the processor sharing the memory models (PsServer.finishTime).
   */
  finishTime(requester: number, addr: number, _write: boolean, bytes: number, at: number, afterOwn = false): number {
    // the requester's own occupancy is left out of its estimate (it waits for each access), another's is not
    if (this.lone.owner !== requester) this.shareLone();
    this.refreshUpToNow();
    const clocks = this.clocks(addr, bytes, false, requester), cls = this.classOf[requester]!;
    return this.roundRobin && this.grants === 1 ? this.server.roundRobinFinish(clocks, cls, at, afterOwn) : this.server.finishTime(clocks, cls, at);
  }

  occupy(requester: number, addr: number, write: boolean, bytes: number): void {
    if (this.lone.owner !== requester) this.shareLone();
    this.refreshUpToNow();
    const clocks = this.clocks(addr, bytes, true, requester);
    this.countPage();
    this.accesses[requester]!++;
    this.bytes[requester]! += bytes;
    if (write) this.writes[requester]!++;
    if (this.server.size > 0) {
      // shared: the server's sharing decides its end
      this.shareLone();
      this.server.background(clocks, this.classOf[requester]!, clocks / this.grants);
      return;
    }
    // alone: served at the full rate from now, or after this requester's occupancy still going
    this.lone.add(requester, clocks * this.clock.periodPs, clocks / this.grants);
  }

  /** Whether occupancy charged alone is still going. */
  private loneActive(): boolean {
    return this.lone.active();
  }

  /** Makes what is left of the occupancy charged alone a server job (something else is about to share the memory). */
  private shareLone(): void {
    if (!this.lone.active()) return;
    const owner = this.lone.owner, grant = this.lone.grant, left = this.lone.take(); // the server counts it from now
    this.server.background(left / this.clock.periodPs, this.classOf[owner]!, grant);
  }

  /** Refreshes due from the statistics' restart to `now`, and their time (ps). */
  private refreshPs(now: number): number {
    return refreshDuePs(this.params, this.clock, this.statsFromCycle, now);
  }

  /** Refresh time (ps) due since the last access but not yet placed (read-outs only: they change nothing). */
  private unplacedRefreshPs(now: number): number {
    const I = this.params.refreshIntervalClocks;
    if (I === 0) return 0;
    const c = this.clock.cycleAtOrAfter(now);
    const from = Math.max(this.nextRefresh, this.statsFromCycle);
    if (from > c) return 0;
    return (Math.floor((c - from) / I) + 1) * this.params.refreshClocks * this.clock.periodPs;
  }

  /** Busy time (ps) since the statistics last restarted, refresh included. */
  busyPs(now: number): number {
    // occupancy charged alone counts from its start; what is still ahead of now does not yet
    return this.server.busyPs(now) + this.lone.busyPs - this.lone.ahead(now) + this.idleRefreshPs + this.unplacedRefreshPs(now);
  }

  get busy(): boolean {
    return this.server.size > 0 || this.loneActive();
  }

  read(now: number): DramReading {
    const per = requesterReadings(this.names, this.accesses, this.writes, this.bytes);
    const elapsed = this.server.read(now).elapsedPs;
    return {
      utilization: elapsed > 0 ? Math.min(1, this.busyPs(now) / elapsed) : 0,
      refreshUtilization: elapsed > 0 ? this.refreshPs(now) / elapsed : 0,
      queueHighWater: this.queuedHighWater,
      waitUs: this.wait.read(),
      pages: { hits: this.pageHits, misses: this.pageMisses, conflicts: this.pageConflicts },
      requesters: per,
    };
  }
}
