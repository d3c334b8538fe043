/**
 * The GT-64010's DRAM controller and the EDO DRAM behind it (docs/hardware.md, "GT-64010"): one
 * memory port shared by the CPU (cache-line fills and write-backs over SysAD), by PCI (frames the
 * GT-48002s write into main memory, and frames read out of it) and by DMA. The same class models
 * the other memory ports (a GT-48002's buffer memory, Fig 5C's FSRAM) with their own parameters.
 *
 * Timing, on the TClk clock: a grant of `bytes` takes
 *   requestOverheadClocks + first + (ceil(bytes / widthBytes) - 1) * burstClocks
 * TClk cycles, where `first` is the lead-off to the first beat. With `pagePolicy: "closed"` every
 * access opens its row: first = firstAccessClocks (2 + 5-2-2-2 = 13 TClk = 260 ns for a 32-byte
 * line at 50 MHz). With `"open"` (page mode) the row stays open after an access: the next access
 * to the same row of that bank is a page hit (first = pageHitClocks), one to another row must
 * precharge first (first = firstAccessClocks + prechargeClocks), one after a refresh finds the bank
 * precharged (firstAccessClocks). The GT-64010's defaults (GT64010_DRAM) are derived from the EDO
 * rows of docs/hardware.md §6 and the bank-parameter register of §A3: 11 TClk for a line on a page
 * hit, 13 from a precharged bank, 15 on a row conflict.
 *
 * Refresh (`refreshIntervalClocks` > 0): every interval the memory is refreshed for
 * `refreshClocks` (CAS-before-RAS, all banks, rows closed). A refresh due while an access is in
 * progress waits for it and goes before any queued access; one due while the memory is idle starts
 * at once. Refreshes are accounted when the next access starts (no event per refresh: a simulator
 * left to run until idle still ends), and their busy time is added to the utilisation read.
 *
 * Arbitration: `"fcfs"`, one queue in arrival order, each request served whole (the model before
 * issue 16 item 9); or `"round-robin"`: a queue per requester, the grant rotating over the
 * requesters with work, each grant at most `maxBurstBytes` (a longer request is served burst by
 * burst, other requesters' bursts between). So under round robin a CPU line fill waits for at most
 * one burst of each other requester, however long their requests.
 *
 * Ports: `submit(req)` (false when the queue is full; the requester's `onRetry` fires when space
 * frees); `req.onDone(req)` when the access completes. Counters: per-requester accesses and bytes,
 * queue high water, utilisation (refresh included), queueing delay histogram, page hits, misses and
 * conflicts, refreshes.
 */
import { ClockDomain } from "../../sim/clock.ts";
import type { SimEvent } from "../../sim/event.ts";
import { Priority } from "../../sim/priority.ts";
import { Ring } from "../../sim/ring.ts";
import type { Simulator } from "../../sim/simulator.ts";
import { LatencyHistogram } from "../../sim/stats/latency-histogram.ts";
import { Utilization } from "../../sim/stats/time-weighted.ts";

export type DramArbitration = "fcfs" | "round-robin";
export type DramPagePolicy = "closed" | "open";

export interface DramParams {
  /** Memory (TClk) clock in Hz. Default 50 MHz (§2, estimate). */
  tclkHz: number;
  /** Bytes per data beat. Default 8: a 64-bit memory path (§10.5, estimate; §A3 "bank width 32 or 64 bit"). */
  widthBytes: number;
  /** TClk cycles from the start of an access to its first beat, the row precharged. Default 5 (§6, EDO 5-2-2-2). */
  firstAccessClocks: number;
  /** TClk cycles per further beat of a burst. Default 2 (§6, EDO 5-2-2-2). */
  burstClocks: number;
  /** TClk cycles of controller overhead per access (decode, arbitration). Default 2 (§10.5, estimate). */
  requestOverheadClocks: number;
  /** Requests that may wait (per requester under round robin). Default 16 (assumption: a small request FIFO per the write-posting depth of §2). */
  queueDepth: number;
  /** Who is served next. Default "fcfs"; the GT-64010's main DRAM: "round-robin" (assumption, docs/hardware.md). */
  arbitration: DramArbitration;
  /** The longest grant under round robin, bytes. Default 32: a cache line, the GT-64010's SysAD and device-bus burst of 8 words (§2). */
  maxBurstBytes: number;
  /** Whether rows stay open between accesses (page mode). Default "closed"; the GT-64010's main DRAM: "open". */
  pagePolicy: DramPagePolicy;
  /** Bytes of a row (a page) across the bank's width. Default 8,192 (assumption: 1,024 columns x 8 bytes). */
  pageBytes: number;
  /** Banks, each with a row of its own open; rows are interleaved over them. Default 1 (assumption: the 8 MB as one bank). */
  banks: number;
  /** Lead-off TClk cycles of a page hit (the row open: column address, then CAS to data). Default 3 (§6 tCAA, docs/hardware.md). */
  pageHitClocks: number;
  /** TClk cycles to precharge an open row before opening another (tRP). Default 2 (§6 tRC - tRAC, docs/hardware.md). */
  prechargeClocks: number;
  /** TClk cycles between refreshes; 0: no refresh modelled. Default 0; the GT-64010's main DRAM: 780 (§A3 RefIntCnt, 15.6 us at 50 MHz). */
  refreshIntervalClocks: number;
  /** TClk cycles one refresh holds the memory. Default 5 (§6 tRC: 100 ns at 50 MHz). */
  refreshClocks: number;
}

export const DEFAULT_DRAM: DramParams = {
  tclkHz: 50_000_000,
  widthBytes: 8,
  firstAccessClocks: 5,
  burstClocks: 2,
  requestOverheadClocks: 2,
  queueDepth: 16,
  arbitration: "fcfs",
  maxBurstBytes: 32,
  pagePolicy: "closed",
  pageBytes: 8192,
  banks: 1,
  pageHitClocks: 3,
  prechargeClocks: 2,
  refreshIntervalClocks: 0,
  refreshClocks: 5,
};

/**
 * The GT-64010's main DRAM as the CPU boards use it (docs/hardware.md "GT-64010"): EDO -60 at
 * 50 MHz TClk in page mode, refreshed every 15.6 us, requesters served round robin a burst at a time.
 */
export const GT64010_DRAM: DramParams = {
  ...DEFAULT_DRAM,
  arbitration: "round-robin",
  pagePolicy: "open",
  refreshIntervalClocks: 780,
};

/** The share of a memory's time its refresh takes (refreshClocks / refreshIntervalClocks; 0 without refresh). */
export function refreshShare(p: DramParams): number {
  return p.refreshIntervalClocks > 0 ? p.refreshClocks / p.refreshIntervalClocks : 0;
}

/** Time (ps) the refreshes due from cycle `fromCycle` (the statistics' restart) to `now` hold a memory of `p` on `clock`. */
export function refreshDuePs(p: DramParams, clock: ClockDomain, fromCycle: number, now: number): number {
  const I = p.refreshIntervalClocks;
  if (I === 0) return 0;
  const n = Math.floor(clock.cycleAtOrAfter(now) / I) - Math.floor(fromCycle / I);
  return n * p.refreshClocks * clock.periodPs;
}

/** Per requester: accesses, reads, writes and bytes, as a memory's reading gives them. */
export function requesterReadings(names: readonly string[], accesses: readonly number[], writes: readonly number[], bytes: readonly number[]): Record<string, { accesses: number; reads: number; writes: number; bytes: number }> {
  const per: Record<string, { accesses: number; reads: number; writes: number; bytes: number }> = {};
  names.forEach((n, i) => (per[n] = { accesses: accesses[i]!, reads: accesses[i]! - writes[i]!, writes: writes[i]!, bytes: bytes[i]! }));
  return per;
}

/** A memory access. Owners preallocate and reuse these; the controller fills the timestamps. */
export class MemRequest {
  write = false;
  addr = 0;
  /** Owner-defined (a frame handle, a stage). */
  tag = 0;
  stage = 0;
  bytes = 32;
  /** Back-to-back accesses of `bytes` the request stands for: 1, but for the transaction-level forwarding engine's table reads (forwarding-engine.ts), two as one request. */
  accesses = 1;
  queuedAt = 0;
  startedAt = 0;
  doneAt = 0;
  constructor(
    /** Index of the requester (from `addRequester`). */
    readonly requester: number,
    readonly onDone: (r: MemRequest) => void,
  ) {}
}

/**
 * What a memory looks like to a requester (the R4700's line fills, the GT-64010's PCI target): a
 * clock, requesters by index, and a bounded queue of requests (`submit` false when full; the
 * requester's retry fires when there is room). The DRAM controller and the buffer memory arbiter's
 * CPU port implement it.
 */
export interface MemoryPort {
  readonly name: string;
  readonly clock: ClockDomain;
  addRequester(name: string, onRetry?: () => void): number;
  submit(req: MemRequest): boolean;
  /**
   * Transaction-level memories only (tlm-memory.ts): when an access of `bytes` at `addr` by
   * `requester`, issued `at` ps from now (>= 0), would complete, ps from now, from the memory's
   * present occupancy (the requester's own accesses left out: it waits for each). Page state is
   * read, not changed. Relative times cross calls unboxed (ClockDomain, "Relative times").
   * `afterOwn`: issued when the requester's own access before it completes (a line fill after the
   * victim's write-back), so round robin serves every other requester with work first.
   */
  finishTime?(requester: number, addr: number, write: boolean, bytes: number, at: number, afterOwn?: boolean): number;
  /** Transaction-level memories only: charges that access as occupancy nobody waits for (its wait was taken from `finishTime`), opening its row. */
  occupy?(requester: number, addr: number, write: boolean, bytes: number): void;
}

/** What a CPU board needs of its main memory (the GT-64010's DRAM): the cycle-level DramController or the transaction-level TlmMemory. */
export interface MainMemory extends MemoryPort {
  readonly params: DramParams;
  readonly busy: boolean;
  busyPs(now: number): number;
  read(now: number): DramReading;
  accessClocks(bytes: number): number;
  pageHitAccessClocks(bytes: number): number;
}

/** A memory's read-out (DramController.read, TlmMemory.read). */
export interface DramReading {
  /** Busy share of the time, refresh included. */
  utilization: number;
  /** The share of the time spent refreshing (part of `utilization`). */
  refreshUtilization: number;
  queueHighWater: number;
  waitUs: ReturnType<LatencyHistogram["read"]>;
  pages: { hits: number; misses: number; conflicts: number };
  requesters: Record<string, { accesses: number; reads: number; writes: number; bytes: number }>;
}

/** Checks a memory's parameters (one line naming the first bad one). */
export function checkDramParams(name: string, p: DramParams): void {
  for (const [k, v] of Object.entries(p)) {
    if (k === "arbitration" || k === "pagePolicy") continue;
    const min = k === "requestOverheadClocks" || k === "refreshIntervalClocks" || k === "prechargeClocks" ? 0 : 1;
    if (!Number.isInteger(v) || (v as number) < min) throw new RangeError(`${name}: ${k} must be ${min === 0 ? "a non-negative" : "a positive"} integer, got ${v}`);
  }
  if (p.arbitration !== "fcfs" && p.arbitration !== "round-robin") throw new RangeError(`${name}: arbitration must be "fcfs" or "round-robin", got ${String(p.arbitration)}`);
  if (p.pagePolicy !== "closed" && p.pagePolicy !== "open") throw new RangeError(`${name}: pagePolicy must be "closed" or "open", got ${String(p.pagePolicy)}`);
  if (p.refreshIntervalClocks > 0 && p.refreshClocks >= p.refreshIntervalClocks) throw new RangeError(`${name}: refreshClocks (${p.refreshClocks}) must be shorter than refreshIntervalClocks (${p.refreshIntervalClocks})`);
}

export class DramController implements MainMemory {
  readonly params: DramParams;
  readonly clock: ClockDomain;
  /** FCFS: every request in arrival order. */
  private readonly fifo: Ring<MemRequest>;
  /** Round robin: a queue per requester (its head in service, burst by burst), and whose turn is next. */
  private readonly perRequester: Ring<MemRequest>[] = [];
  private readonly headLeft: number[] = [];
  private rrNext = 0;
  private queued = 0;
  private queuedHighWater = 0;
  private readonly roundRobin: boolean;
  private current: MemRequest | undefined;
  /** The grant in service: its bytes, and whether it completes its request. */
  private grantBytes = 0;
  private grantLast = true;
  /** FCFS: the queue was full before this grant left it; its requesters retry once the grant is under way. */
  private retryAfterStart = false;
  private readonly done: SimEvent;
  private readonly util: Utilization;
  private readonly wait = new LatencyHistogram();
  private readonly names: string[] = [];
  private accesses: number[] = [];
  private bytes: number[] = [];
  private writes: number[] = [];
  private retry: (() => void)[] = [];
  /** Page mode: each bank's open row (-1: precharged). */
  private readonly openRow: number[];
  private readonly pageMode: boolean;
  /** Refresh: the next one due (TClk cycle), and the cycle the memory is free of accesses and refreshes already placed. */
  private nextRefresh = 0;
  private freeAt = 0;
  private statsFromCycle = 0;
  pageHits = 0;
  pageMisses = 0;
  pageConflicts = 0;

  constructor(private readonly sim: Simulator, readonly name: string, params: Partial<DramParams> = {}) {
    this.params = { ...DEFAULT_DRAM, ...params };
    const p = this.params;
    checkDramParams(name, p);
    this.roundRobin = p.arbitration === "round-robin";
    this.pageMode = p.pagePolicy === "open";
    this.openRow = new Array<number>(p.banks).fill(-1);
    this.nextRefresh = p.refreshIntervalClocks;
    this.clock = new ClockDomain(`${name}.tclk`, p.tclkHz);
    this.fifo = new Ring(this.roundRobin ? 1 : p.queueDepth);
    this.util = new Utilization(sim.now);
    this.done = sim.event(`${name}.done`, () => this.finish(), Priority.Deliver);
    sim.onResetStats((now) => this.resetStats(now));
  }

  /** Restarts counters, the wait histogram and utilisation (a warm-up's end); queued accesses carry on. */
  resetStats(now: number): void {
    this.util.restart(now);
    this.wait.reset();
    this.fifo.resetStats();
    this.queuedHighWater = this.queued;
    this.accesses.fill(0);
    this.bytes.fill(0);
    this.writes.fill(0);
    this.pageHits = this.pageMisses = this.pageConflicts = 0;
    this.statsFromCycle = this.clock.cycleAtOrAfter(now);
  }

  /** Registers a requester ("cpu", "pci", "dma0"); returns its index for MemRequest. */
  addRequester(name: string, onRetry: () => void = () => {}): number {
    this.names.push(name);
    this.accesses.push(0);
    this.bytes.push(0);
    this.writes.push(0);
    this.retry.push(onRetry);
    this.perRequester.push(new Ring(this.params.queueDepth));
    this.headLeft.push(0);
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

  /** Queues an access; false when the queue is full (the requester's onRetry fires later). */
  submit(req: MemRequest): boolean {
    if (this.roundRobin) {
      if (!this.perRequester[req.requester]!.push(req)) return false;
    } else if (!this.fifo.push(req)) return false;
    req.queuedAt = this.sim.now;
    if (++this.queued > this.queuedHighWater) this.queuedHighWater = this.queued;
    if (!this.current) this.start();
    return true;
  }

  /** The next grant: FCFS, the oldest request whole; round robin, the next requester with work, a burst of its head. */
  private pick(): MemRequest | undefined {
    if (!this.roundRobin) {
      const req = this.fifo.shift();
      if (!req) return undefined;
      this.queued--;
      this.retryAfterStart = this.fifo.size === this.fifo.capacity - 1;
      this.grantBytes = req.bytes;
      this.grantLast = true;
      return req;
    }
    const n = this.perRequester.length;
    for (let k = 0; k < n; k++) {
      let r = this.rrNext + k;
      if (r >= n) r -= n;
      const q = this.perRequester[r]!;
      if (q.size === 0) continue;
      const req = q.peek()!;
      let left = this.headLeft[r]!;
      if (left === 0) left = req.bytes;
      this.grantBytes = Math.min(left, this.params.maxBurstBytes);
      this.headLeft[r] = left - this.grantBytes;
      this.grantLast = this.headLeft[r] === 0;
      this.rrNext = r + 1 === n ? 0 : r + 1;
      return req;
    }
    return undefined;
  }

  /** Places the refreshes due by cycle `c` (each after the access or refresh before it), closing the rows; the cycle the memory is free. */
  private refreshUpTo(c: number): number {
    const p = this.params, I = p.refreshIntervalClocks;
    if (I === 0) return c;
    if (this.nextRefresh <= c) {
      while (this.nextRefresh <= c) {
        // refreshes due while the memory was idle start when due: only the last of them can still hold it at c
        if (this.freeAt <= this.nextRefresh) this.nextRefresh += Math.floor((c - this.nextRefresh) / I) * I;
        this.freeAt = Math.max(this.nextRefresh, this.freeAt) + p.refreshClocks;
        this.nextRefresh += I;
      }
      this.openRow.fill(-1);
    }
    return Math.max(c, this.freeAt);
  }

  private start(): void {
    const req = this.pick();
    if (!req) return;
    this.current = req;
    const p = this.params;
    const now = this.sim.now;
    // times relative to now cross calls unboxed (ClockDomain, "Relative times")
    const c0 = this.refreshUpTo(this.clock.cycleNow(this.sim));
    const bytes = this.grantBytes;
    const addr = req.addr + (req.bytes - bytes - (this.roundRobin ? this.headLeft[req.requester]! : 0));
    let first = p.firstAccessClocks;
    if (this.pageMode) {
      const row = Math.floor(addr / p.pageBytes), bank = row % p.banks, open = this.openRow[bank]!;
      if (open === row) (first = p.pageHitClocks), this.pageHits++;
      else if (open < 0) this.pageMisses++;
      else (first += p.prechargeClocks), this.pageConflicts++;
      this.openRow[bank] = row;
    }
    const clocks = req.accesses * (p.requestOverheadClocks + first + (Math.ceil(bytes / p.widthBytes) - 1) * p.burstClocks);
    this.freeAt = c0 + clocks;
    const toStart = this.clock.delayToCycle(this.sim, c0);
    const toDone = this.clock.delayToCycle(this.sim, c0 + clocks);
    if (req.bytes === bytes + (this.roundRobin ? this.headLeft[req.requester]! : 0)) {
      // the request's first grant
      req.startedAt = now + toStart;
      this.wait.record(now - req.queuedAt + toStart);
    }
    req.doneAt = now + toDone;
    this.util.busyIn(this.sim, toStart);
    this.done.when = req.doneAt;
    this.sim.scheduleSet(this.done);
    if (this.retryAfterStart) {
      this.retryAfterStart = false;
      this.notifyRetry();
    }
  }

  private finish(): void {
    const req = this.current!;
    this.current = undefined;
    this.util.idleNow(this.sim);
    const last = this.grantLast;
    let freed = false;
    if (last) {
      const n = req.accesses;
      this.accesses[req.requester]! += n;
      this.bytes[req.requester]! += n * req.bytes;
      if (req.write) this.writes[req.requester]! += n;
      if (this.roundRobin) {
        const q = this.perRequester[req.requester]!;
        q.shift();
        this.queued--;
        freed = q.size === q.capacity - 1;
      }
    }
    if (this.queued > 0) this.start();
    if (freed) this.retry[req.requester]!();
    if (last) req.onDone(req);
  }

  private notifyRetry(): void {
    for (const r of this.retry) r();
  }

  /** Refreshes due from the statistics' restart to `now`, and their busy time (ps). */
  private refreshPs(now: number): number {
    return refreshDuePs(this.params, this.clock, this.statsFromCycle, now);
  }

  /** Busy time (ps) since the statistics last restarted (time series), refresh included. */
  busyPs(now: number): number {
    return this.util.busyPs(now) + this.refreshPs(now);
  }

  get busy(): boolean {
    return this.current !== undefined;
  }

  read(now: number): DramReading {
    const per = requesterReadings(this.names, this.accesses, this.writes, this.bytes);
    const u = this.util.read(now);
    const refresh = u.elapsedPs > 0 ? this.refreshPs(now) / u.elapsedPs : 0;
    return {
      utilization: u.utilization + refresh,
      /** The share of the time spent refreshing (part of `utilization`). */
      refreshUtilization: refresh,
      queueHighWater: this.roundRobin ? this.queuedHighWater : this.fifo.highWater,
      waitUs: this.wait.read(),
      pages: { hits: this.pageHits, misses: this.pageMisses, conflicts: this.pageConflicts },
      requesters: per,
    };
  }
}
