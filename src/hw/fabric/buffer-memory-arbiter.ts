/**
 * The buffer memory arbiter of Fig 5D: the on-board PCI bus replaced by one shared buffer memory
 * that every Ethernet controller writes received frames into and reads frames to transmit out
 * of, under a round-robin arbiter (a shared-memory switch). A frame crossing between controllers
 * costs one write and one read of its bytes in that memory; traffic between the two ports of one
 * controller never comes here (it stays in the controller, as on the other boards).
 *
 * Timing, on the arbiter's clock: an access of `bytes` takes
 *   overheadClocks + firstAccessClocks + (ceil(bytes / (widthBits / 8)) - 1) * burstClocks.
 * The patent names no part and no width (hw-params.md §10.7: a 64-bit EDO buffer at 50 MHz moves
 * only ~1.16 Gb/s shared between reads and writes, short of the ">1 Gb/s" the patent claims), so
 * the defaults are assumptions documented in docs/boards.md: a 128-bit synchronous buffer at
 * 66 MHz, 3 clocks to the first beat, 1 per further beat, 1 clock of arbitration per access.
 */
import { ClockDomain } from "../../sim/clock.ts";
import type { SimEvent } from "../../sim/event.ts";
import { Priority } from "../../sim/priority.ts";
import { Ring } from "../../sim/ring.ts";
import type { Simulator } from "../../sim/simulator.ts";
import { Utilization } from "../../sim/stats/time-weighted.ts";
import type { Fabric, FabricTransfer } from "./fabric.ts";

export interface BufferMemoryArbiterParams {
  /** Arbiter and buffer clock in Hz. Default 66 MHz (assumption, docs/boards.md). */
  clockHz: number;
  /** Buffer data width in bits. Default 128 (assumption). */
  widthBits: number;
  /** Clocks to the first beat of an access. Default 3 (assumption: synchronous buffer, CAS 3). */
  firstAccessClocks: number;
  /** Clocks per further beat. Default 1. */
  burstClocks: number;
  /** Arbitration clocks per access. Default 1 (assumption). */
  overheadClocks: number;
  /** Transfers each endpoint may have waiting. Default 64 (assumption). */
  queueDepth: number;
}

export const DEFAULT_BMA: BufferMemoryArbiterParams = {
  clockHz: 66_000_000,
  widthBits: 128,
  firstAccessClocks: 3,
  burstClocks: 1,
  overheadClocks: 1,
  queueDepth: 64,
};

interface Endpoint {
  name: string;
  deliver: (t: FabricTransfer) => void;
  onRetry: () => void;
  writes: Ring<FabricTransfer>;
  reads: Ring<FabricTransfer>;
  written: number;
  read: number;
  bytes: number;
}

export class BufferMemoryArbiter implements Fabric {
  readonly params: BufferMemoryArbiterParams;
  readonly clock: ClockDomain;
  private readonly eps: Endpoint[] = [];
  private rr = 0; // next queue to consider: 2 * endpoint + (0 write, 1 read)
  private current: FabricTransfer | undefined;
  private currentIsRead = false;
  private readonly done: SimEvent;
  private readonly util: Utilization;
  inFlight = 0;

  constructor(private readonly sim: Simulator, readonly name: string, params: Partial<BufferMemoryArbiterParams> = {}) {
    this.params = { ...DEFAULT_BMA, ...params };
    for (const [k, v] of Object.entries(this.params)) {
      if (!Number.isInteger(v) || v < (k === "overheadClocks" ? 0 : 1)) throw new RangeError(`${name}: ${k} must be a positive integer, got ${v}`);
    }
    if (this.params.widthBits % 8 !== 0) throw new RangeError(`${name}: widthBits must be a multiple of 8`);
    this.clock = new ClockDomain(`${name}.clk`, this.params.clockHz);
    this.util = new Utilization(sim.now);
    this.done = sim.event(`${name}.done`, () => this.finish(), Priority.Deliver);
    sim.onResetStats((now) => this.resetStats(now));
  }

  /** Restarts counters and utilisation (a warm-up's end); queued transfers carry on. */
  resetStats(now: number): void {
    this.util.restart(now);
    for (const e of this.eps) {
      e.written = e.read = e.bytes = 0;
      e.writes.resetStats();
      e.reads.resetStats();
    }
  }

  addEndpoint(name: string, deliver: (t: FabricTransfer) => void, onRetry: () => void = () => {}): number {
    const q = this.params.queueDepth;
    // Reads wait for frames already written for this endpoint: up to every writer's queue (32 endpoints, as GalNet).
    this.eps.push({ name, deliver, onRetry, writes: new Ring(q), reads: new Ring(32 * q), written: 0, read: 0, bytes: 0 });
    return this.eps.length - 1;
  }

  /** Clocks one access of `bytes` holds the buffer memory. */
  accessClocks(bytes: number): number {
    const p = this.params;
    return p.overheadClocks + p.firstAccessClocks + (Math.ceil(bytes / (p.widthBits / 8)) - 1) * p.burstClocks;
  }

  transfer(t: FabricTransfer): boolean {
    const ep = this.eps[t.src];
    if (!ep || !this.eps[t.dst]) throw new RangeError(`${this.name}: no endpoint ${ep ? t.dst : t.src}`);
    if (!ep.writes.push(t)) return false;
    t.queuedAt = this.sim.now;
    this.inFlight++;
    if (!this.current) this.grant();
    return true;
  }

  private grant(): void {
    const n = 2 * this.eps.length;
    for (let i = 0; i < n; i++) {
      const q = (this.rr + i) % n;
      const ep = this.eps[q >> 1]!;
      const ring = q & 1 ? ep.reads : ep.writes;
      const t = ring.shift();
      if (!t) continue;
      this.rr = (q + 1) % n;
      this.current = t;
      this.currentIsRead = (q & 1) === 1;
      // times relative to now cross calls unboxed (ClockDomain, "Relative times")
      const c0 = this.clock.cycleNow(this.sim);
      this.util.busyIn(this.sim, this.clock.delayToCycle(this.sim, c0));
      this.done.when = this.sim.now + this.clock.delayToCycle(this.sim, c0 + this.accessClocks(t.bytes));
      this.sim.scheduleSet(this.done);
      if (!this.currentIsRead && ring.size === ring.capacity - 1) ep.onRetry();
      return;
    }
  }

  private finish(): void {
    const t = this.current!;
    this.current = undefined;
    this.util.idleNow(this.sim);
    if (this.currentIsRead) {
      const ep = this.eps[t.dst]!;
      ep.read++;
      ep.bytes += t.bytes;
      this.inFlight--;
      t.doneAt = this.sim.now;
      this.grant();
      ep.deliver(t);
      return;
    }
    this.eps[t.src]!.written++;
    // Written into the shared buffer: now it waits for the destination's read. The read queue
    // holds at most what was written for it, bounded by the writers' queues: never refused.
    if (!this.eps[t.dst]!.reads.push(t)) throw new Error(`${this.name}: read queue overflow (model bug)`);
    this.grant();
  }

  read(now: number) {
    const endpoints: Record<string, { written: number; read: number; bytes: number; writeQueueHighWater: number }> = {};
    for (const e of this.eps) endpoints[e.name] = { written: e.written, read: e.read, bytes: e.bytes, writeQueueHighWater: e.writes.highWater };
    return { utilization: this.util.read(now).utilization, inFlight: this.inFlight, endpoints };
  }
}
