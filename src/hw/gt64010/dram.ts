/**
 * The GT-64010's DRAM controller and the EDO DRAM behind it: one memory port shared, first come
 * first served, by the CPU (cache-line fills and write-backs over SysAD) and by PCI (frames the
 * GT-48002s write into main memory, DMA). Contention shows as queueing delay and utilisation.
 *
 * Timing, on the TClk clock: an access of `bytes` takes
 *   requestOverheadClocks + firstAccessClocks + (ceil(bytes / widthBytes) - 1) * burstClocks
 * TClk cycles: 2 + 5-2-2-2 = 13 TClk = 260 ns for a 32-byte line at 50 MHz. Sources
 * (docs/hardware.md, Sources): TClk <= 50 MHz (§2 "TClk", estimate); EDO 5-2-2-2 system burst timing (§6 "EDO
 * system burst timing", secondary); 64-bit memory path and ~2 TClk request overhead (§10.5, estimate;
 * the GT-64010's DRAM timing is §12's biggest unknown). Read and write cost the same (assumption).
 *
 * Ports: `submit(req)` (false when the request queue is full; `onRetry` fires when space frees);
 * `req.onDone(req)` when the access completes. Counters: per-requester accesses and bytes, queue
 * high water, utilisation, queueing delay histogram.
 */
import { ClockDomain } from "../../sim/clock.ts";
import type { SimEvent } from "../../sim/event.ts";
import { Priority } from "../../sim/priority.ts";
import { Ring } from "../../sim/ring.ts";
import type { Simulator } from "../../sim/simulator.ts";
import { LatencyHistogram } from "../../sim/stats/latency-histogram.ts";
import { Utilization } from "../../sim/stats/time-weighted.ts";

export interface DramParams {
  /** Memory (TClk) clock in Hz. Default 50 MHz (§2, estimate). */
  tclkHz: number;
  /** Bytes per data beat. Default 8: a 64-bit memory path (§10.5, estimate). */
  widthBytes: number;
  /** TClk cycles from the start of an access to its first beat. Default 5 (§6, EDO 5-2-2-2). */
  firstAccessClocks: number;
  /** TClk cycles per further beat of a burst. Default 2 (§6, EDO 5-2-2-2). */
  burstClocks: number;
  /** TClk cycles of controller overhead per access (decode, arbitration). Default 2 (§10.5, estimate). */
  requestOverheadClocks: number;
  /** Requests that may wait. Default 16 (assumption: a small request FIFO per the write-posting depth of §2). */
  queueDepth: number;
}

export const DEFAULT_DRAM: DramParams = {
  tclkHz: 50_000_000,
  widthBytes: 8,
  firstAccessClocks: 5,
  burstClocks: 2,
  requestOverheadClocks: 2,
  queueDepth: 16,
};

/** A memory access. Owners preallocate and reuse these; the controller fills the timestamps. */
export class MemRequest {
  write = false;
  addr = 0;
  /** Owner-defined (a frame handle, a stage). */
  tag = 0;
  stage = 0;
  bytes = 32;
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
}

export class DramController implements MemoryPort {
  readonly params: DramParams;
  readonly clock: ClockDomain;
  private readonly queue: Ring<MemRequest>;
  private current: MemRequest | undefined;
  private readonly done: SimEvent;
  private readonly util: Utilization;
  private readonly wait = new LatencyHistogram();
  private readonly names: string[] = [];
  private accesses: number[] = [];
  private bytes: number[] = [];
  private writes: number[] = [];
  private retry: (() => void)[] = [];

  constructor(private readonly sim: Simulator, readonly name: string, params: Partial<DramParams> = {}) {
    this.params = { ...DEFAULT_DRAM, ...params };
    for (const [k, v] of Object.entries(this.params)) {
      if (!Number.isInteger(v) || v < (k === "requestOverheadClocks" ? 0 : 1)) throw new RangeError(`${name}: ${k} must be a positive integer, got ${v}`);
    }
    this.clock = new ClockDomain(`${name}.tclk`, this.params.tclkHz);
    this.queue = new Ring(this.params.queueDepth);
    this.util = new Utilization(sim.now);
    this.done = sim.event(`${name}.done`, () => this.finish(), Priority.Deliver);
    sim.onResetStats((now) => this.resetStats(now));
  }

  /** Restarts counters, the wait histogram and utilisation (a warm-up's end); queued accesses carry on. */
  resetStats(now: number): void {
    this.util.restart(now);
    this.wait.reset();
    this.queue.resetStats();
    this.accesses.fill(0);
    this.bytes.fill(0);
    this.writes.fill(0);
  }

  /** Registers a requester ("cpu", "pci", "dma0"); returns its index for MemRequest. */
  addRequester(name: string, onRetry: () => void = () => {}): number {
    this.names.push(name);
    this.accesses.push(0);
    this.bytes.push(0);
    this.writes.push(0);
    this.retry.push(onRetry);
    return this.names.length - 1;
  }

  /** TClk cycles one access of `bytes` holds the memory. */
  accessClocks(bytes: number): number {
    const p = this.params;
    return p.requestOverheadClocks + p.firstAccessClocks + (Math.ceil(bytes / p.widthBytes) - 1) * p.burstClocks;
  }

  /** Queues an access; false when the queue is full (the requester's onRetry fires later). */
  submit(req: MemRequest): boolean {
    if (!this.queue.push(req)) return false;
    req.queuedAt = this.sim.now;
    if (!this.current) this.start();
    return true;
  }

  private start(): void {
    const req = this.queue.shift();
    if (!req) return;
    this.current = req;
    // times relative to now cross calls unboxed (ClockDomain, "Relative times")
    const c0 = this.clock.cycleNow(this.sim);
    const toStart = this.clock.delayToCycle(this.sim, c0);
    const toDone = this.clock.delayToCycle(this.sim, c0 + this.accessClocks(req.bytes));
    const now = this.sim.now;
    req.startedAt = now + toStart;
    req.doneAt = now + toDone;
    this.util.busyIn(this.sim, toStart);
    this.wait.record(now - req.queuedAt + toStart);
    this.done.when = req.doneAt;
    this.sim.scheduleSet(this.done);
    if (this.queue.size === this.queue.capacity - 1) this.notifyRetry();
  }

  private finish(): void {
    const req = this.current!;
    this.current = undefined;
    this.util.idleNow(this.sim);
    this.accesses[req.requester]!++;
    this.bytes[req.requester]! += req.bytes;
    if (req.write) this.writes[req.requester]!++;
    if (this.queue.size > 0) this.start();
    req.onDone(req);
  }

  private notifyRetry(): void {
    for (const r of this.retry) r();
  }

  /** Busy time (ps) since the statistics last restarted (time series). */
  busyPs(now: number): number {
    return this.util.busyPs(now);
  }

  get busy(): boolean {
    return this.current !== undefined;
  }

  read(now: number) {
    const per: Record<string, { accesses: number; reads: number; writes: number; bytes: number }> = {};
    this.names.forEach((n, i) => (per[n] = { accesses: this.accesses[i]!, reads: this.accesses[i]! - this.writes[i]!, writes: this.writes[i]!, bytes: this.bytes[i]! }));
    return {
      utilization: this.util.read(now).utilization,
      queueHighWater: this.queue.highWater,
      waitUs: this.wait.read(),
      requesters: per,
    };
  }
}
