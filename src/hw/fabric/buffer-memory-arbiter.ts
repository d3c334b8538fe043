/**
 * The buffer memory arbiter of Fig 5D: the on-board PCI bus replaced by one shared buffer memory
 * that every Ethernet controller writes received frames into and reads frames to transmit out
 * of, under a round-robin arbiter (a shared-memory switch). A frame crossing between controllers
 * costs one write and one read of its bytes in that memory; traffic between the two ports of one
 * controller never comes here (it stays in the controller, as on the other boards).
 *
 * An endpoint may live in the shared memory itself (`addEndpoint(..., { inMemory: true })`: the CPU
 * board of Fig 5D, whose packet buffers are in the shared buffer): a frame sent to it is written
 * once and delivered (it stays where it is); a frame it sends is only read out by its destination.
 * The CPU reaches that memory through `cpuPort()`, a memory port whose line fills and write-backs
 * take their turn in the round robin with the endpoints' writes and reads (docs/boards.md, "5D").
 *
 * Timing, on the arbiter's clock: an access of `bytes` takes
 *   overheadClocks + firstAccessClocks + (ceil(bytes / (widthBits / 8)) - 1) * burstClocks.
 *
 * Transaction level (`timing: "tlm"`, issue 18 part 3; docs/hardware.md "Transaction-level memory
 * and CPU job"): the endpoints' writes and reads are granted as here (each is one grant of a whole
 * frame, so one event per access in either mode), but the CPU port answers a transaction-level
 * CPU's whole job without events (cpu-port.ts): `finishTime` from the arbiter's present
 * occupancy, `occupy` charging the access as work the arbiter does before its next grant (or, idle,
 * from its next edge), in place of a queued request, a grant and a completion event per access.
 * The patent names no part and no width (docs/hardware.md §10.7: a 64-bit EDO buffer at 50 MHz moves
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
import type { VcdSignal, VcdWriter } from "../../sim/trace/vcd.ts";
import type { Fabric, FabricTransfer } from "./fabric.ts";
import type { MemoryPort, MemRequest } from "../gt64010/dram.ts";
import type { Probes } from "../../sim/stats/probes.ts";
import { CpuMemoryPort, TlmCpuPort, type CpuWork } from "./cpu-port.ts";

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
  /** The endpoint's buffers are in the shared memory: frames to it are not read out, frames from it not written in. */
  inMemory: boolean;
  /** VCD signals (tracing only). */
  req: VcdSignal | undefined;
  gnt: VcdSignal | undefined;
  queued: VcdSignal | undefined;
}

/** The arbiter's access kinds in a VCD (an enumeration). */
export const BMA_ACCESS = ["idle", "write", "read"] as const;

/** How the CPU port is timed: requests granted in the round robin (the reference), or a transaction-level CPU's accesses charged without events (cpu-port.ts). */
export type ArbiterTiming = "cycle" | "tlm";

export class BufferMemoryArbiter implements Fabric, CpuWork {
  readonly params: BufferMemoryArbiterParams;
  readonly clock: ClockDomain;
  private readonly eps: Endpoint[] = [];
  private rr = 0; // next queue to consider: 2 * endpoint + (0 write, 1 read)
  private current: FabricTransfer | undefined;
  private currentIsRead = false;
  /** The CPU's access being served, if the current access is the CPU port's. */
  private currentMem: MemRequest | undefined;
  private port: CpuMemoryPort | undefined;
  private readonly done: SimEvent;
  private readonly util: Utilization;
  inFlight = 0;
  private vcd: { w: VcdWriter; owner: VcdSignal; access: VcdSignal } | undefined;
  /** The cycle the grant in service (or the last one) ends on. */
  private grantEnd = 0;
  /**
   * Transaction level only (both stay 0 in cycle timing): clocks of the CPU's accesses charged while
   * a grant was in service, done before the next grant; and the cycle up to which CPU accesses
   * charged while the arbiter was idle hold it (no event marks their end), with their busy time.
   */
  private cpuOwed = 0;
  private cpuUntil = 0;
  private cpuIdleBusyPs = 0;
  /** Transaction level only: the endpoints' grants since the arbiter was made, counted by their clocks (`frameWaitClocks`), and the lengths seen. */
  private grantsOfClocks = new Float64Array(0);
  private readonly grantLengths: number[] = [];
  private readonly madeAt: number;

  constructor(readonly sim: Simulator, readonly name: string, params: Partial<BufferMemoryArbiterParams> = {}, readonly timing: ArbiterTiming = "cycle") {
    if (timing !== "cycle" && timing !== "tlm") throw new RangeError(`${name}: timing must be "cycle" or "tlm", got ${String(timing)}`);
    this.params = { ...DEFAULT_BMA, ...params };
    for (const [k, v] of Object.entries(this.params)) {
      if (!Number.isInteger(v) || v < (k === "overheadClocks" ? 0 : 1)) throw new RangeError(`${name}: ${k} must be a positive integer, got ${v}`);
    }
    if (this.params.widthBits % 8 !== 0) throw new RangeError(`${name}: widthBits must be a multiple of 8`);
    this.clock = new ClockDomain(`${name}.clk`, this.params.clockHz);
    this.util = new Utilization(sim.now);
    this.done = sim.event(`${name}.done`, () => this.finish(), Priority.Deliver);
    this.madeAt = sim.now;
    sim.onResetStats((now) => this.resetStats(now));
  }

  /** Restarts counters and utilisation (a warm-up's end); queued transfers carry on. */
  resetStats(now: number): void {
    this.util.restart(now);
    // CPU work charged in idle time and still going counts from now
    this.cpuIdleBusyPs = Math.max(0, this.clock.edge(this.cpuUntil) - now);
    for (const e of this.eps) {
      e.written = e.read = e.bytes = 0;
      e.writes.resetStats();
      e.reads.resetStats();
    }
    if (this.port) {
      this.port.accesses = 0;
      this.port.queue.resetStats();
    }
  }

  addEndpoint(name: string, deliver: (t: FabricTransfer) => void, onRetry: () => void = () => {}, opts: { inMemory?: boolean } = {}): number {
    const q = this.params.queueDepth;
    // Reads wait for frames already written for this endpoint: up to every writer's queue (32 endpoints, as GalNet).
    this.eps.push({ name, deliver, onRetry, writes: new Ring(q), reads: new Ring(32 * q), written: 0, read: 0, bytes: 0, inMemory: opts.inMemory === true, req: undefined, gnt: undefined, queued: undefined });
    return this.eps.length - 1;
  }

  /** The shared memory as the CPU sees it (Fig 5D: its packet buffers live here). One port, made on first use. */
  cpuPort(): MemoryPort {
    const kick = () => {
      if (!this.current && !this.currentMem) this.grant();
    };
    this.port ??= this.timing === "tlm" ? new TlmCpuPort(`${this.name}.cpu`, this.clock, 16, kick, this) : new CpuMemoryPort(`${this.name}.cpu`, this.clock, 16, kick);
    return this.port;
  }

  /**
   * Transaction level: the cycle the buffer memory would be free for the CPU port, as things stand:
   * the grant in service and the CPU work charged, then one grant of each queue with work ahead of
   * the CPU port in the round robin (their heads: what a request queued now would wait for).
   */
  cpuFreeCycle(): number {
    if (!this.current && !this.currentMem) return this.cpuUntil;
    let c = this.grantEnd + this.cpuOwed;
    // the CPU port is the round robin's last queue: the queues from the pointer to it go first
    for (let q = this.rr, n = 2 * this.eps.length; q < n; q++) {
      const ep = this.eps[q >> 1]!, t = q & 1 ? ep.reads.peek() : ep.writes.peek();
      if (t) c += this.accessClocks(t.bytes);
    }
    return c;
  }

  /**
   * Transaction level: the mean wait, in clocks, for an endpoint's grant in service, of an access
   * arriving `s` clocks after the arbiter was last known to hold no endpoint's grant (a CPU job's
   * replay sees what the arbiter holds when the job starts, not the frames granted after:
   * cpu-port.ts). Grants of G clocks start at the rate they have had since the arbiter was made
   * (n_G per T clocks); one started u clocks before the access (u < min(s, G)) holds it G - u
   * more, so the wait is the sum over the lengths of (n_G / T) (G m - m^2 / 2), m = min(s, G): 0 at
   * s = 0, and from s >= G on renewal theory's residual, the utilisation times E[G^2] / 2E[G].
   */
  frameWaitClocks(s: number): number {
    const T = (this.sim.now - this.madeAt) / this.clock.periodPs;
    if (!(T > 0) || !(s > 0)) return 0;
    let w = 0;
    for (let i = 0; i < this.grantLengths.length; i++) {
      const G = this.grantLengths[i]!, m = s < G ? s : G;
      w += this.grantsOfClocks[G]! * (G * m - (m * m) / 2);
    }
    return w / T;
  }

  /** Transaction level: counts an endpoint's grant of `clocks` (`frameWaitClocks`). */
  private countGrant(clocks: number): void {
    if (clocks >= this.grantsOfClocks.length) {
      const grown = new Float64Array(Math.max(2 * this.grantsOfClocks.length, clocks + 1));
      grown.set(this.grantsOfClocks);
      this.grantsOfClocks = grown;
    }
    if (this.grantsOfClocks[clocks]++ === 0) this.grantLengths.push(clocks);
  }

  /** Transaction level: charges `clocks` of the CPU's access: before the next grant if one is in service, else from the next edge (or the end of the CPU work already charged). */
  chargeCpu(clocks: number): void {
    this.port!.accesses++;
    if (this.current || this.currentMem) {
      this.cpuOwed += clocks;
      return;
    }
    this.chargeIdle(clocks);
  }

  /** CPU work of `clocks` on an idle arbiter: from its next edge, or the end of the CPU work already there. */
  private chargeIdle(clocks: number): void {
    const c0 = Math.max(this.clock.cycleNow(this.sim), this.cpuUntil);
    this.cpuUntil = c0 + clocks;
    this.cpuIdleBusyPs += this.clock.delayToCycle(this.sim, this.cpuUntil) - this.clock.delayToCycle(this.sim, c0);
  }

  /** Accesses the CPU port made (line fills and write-backs). */
  get cpuAccesses(): number {
    return this.port?.accesses ?? 0;
  }

  /** Clocks one access of `bytes` holds the buffer memory. */
  accessClocks(bytes: number): number {
    const p = this.params;
    return p.overheadClocks + p.firstAccessClocks + (Math.ceil(bytes / (p.widthBits / 8)) - 1) * p.burstClocks;
  }

  transfer(t: FabricTransfer): boolean {
    const ep = this.eps[t.src], dst = this.eps[t.dst];
    if (!ep || !dst) throw new RangeError(`${this.name}: no endpoint ${ep ? t.dst : t.src}`);
    if (ep.inMemory) {
      // already in the shared memory: only the destination's read remains
      if (dst.reads.full) return false;
      dst.reads.push(t);
      t.queuedAt = this.sim.now;
      this.inFlight++;
      if (this.vcd) this.traceQueue(dst);
    } else {
      if (!ep.writes.push(t)) return false;
      t.queuedAt = this.sim.now;
      this.inFlight++;
      if (this.vcd) this.traceQueue(ep);
    }
    if (!this.current && !this.currentMem) this.grant();
    return true;
  }

  /**
   * The cycle a grant made now starts its access on (marked busy from there): the next edge; in
   * transaction-level timing after the CPU work charged in idle time, and after the CPU work charged
   * during the last grant (the CPU port's turn in the round robin, taken at once).
   */
  private startCycle(): number {
    let c0 = this.clock.cycleNow(this.sim);
    if (this.cpuUntil > c0) c0 = this.cpuUntil;
    this.util.busyIn(this.sim, this.clock.delayToCycle(this.sim, c0));
    c0 += this.cpuOwed;
    this.cpuOwed = 0;
    return c0;
  }

  private grant(): void {
    const n = 2 * this.eps.length + (this.port ? 1 : 0);
    for (let i = 0; i < n; i++) {
      const q = (this.rr + i) % n;
      if (q === 2 * this.eps.length) {
        // the CPU's port: a line fill or write-back
        const req = this.port!.queue.shift();
        if (!req) continue;
        this.rr = (q + 1) % n;
        this.currentMem = req;
        this.grantEnd = this.startCycle() + this.accessClocks(req.bytes);
        this.done.when = this.sim.now + this.clock.delayToCycle(this.sim, this.grantEnd);
        this.sim.scheduleSet(this.done);
        if (this.port!.queue.size === this.port!.queue.capacity - 1) this.port!.retry();
        return;
      }
      const ep = this.eps[q >> 1]!;
      const ring = q & 1 ? ep.reads : ep.writes;
      const t = ring.shift();
      if (!t) continue;
      this.rr = (q + 1) % n;
      this.current = t;
      this.currentIsRead = (q & 1) === 1;
      // times relative to now cross calls unboxed (ClockDomain, "Relative times")
      const c0 = this.startCycle();
      this.grantEnd = c0 + this.accessClocks(t.bytes);
      if (this.timing === "tlm") this.countGrant(this.grantEnd - c0);
      this.done.when = this.sim.now + this.clock.delayToCycle(this.sim, this.grantEnd);
      this.sim.scheduleSet(this.done);
      if (this.vcd) this.traceGrant(q >> 1, c0);
      if (!this.currentIsRead && ring.size === ring.capacity - 1) ep.onRetry();
      return;
    }
    if (this.cpuOwed > 0) {
      // nothing to grant: the CPU work charged during the last grant holds the memory from now
      const owed = this.cpuOwed;
      this.cpuOwed = 0;
      this.chargeIdle(owed);
    }
  }

  private finish(): void {
    const mem = this.currentMem;
    if (mem) {
      this.currentMem = undefined;
      this.util.idleNow(this.sim);
      this.port!.accesses++;
      this.grant();
      mem.onDone(mem);
      return;
    }
    const t = this.current!;
    this.current = undefined;
    this.util.idleNow(this.sim);
    if (this.vcd) this.traceDone(this.currentIsRead ? t.dst : t.src);
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
    const dst = this.eps[t.dst]!;
    if (dst.inMemory) {
      // its buffers are in this memory: the frame is there now
      this.inFlight--;
      t.doneAt = this.sim.now;
      this.grant();
      dst.deliver(t);
      return;
    }
    // Written into the shared buffer: now it waits for the destination's read. The read queue
    // holds at most what was written for it, bounded by the writers' queues: never refused.
    if (!dst.reads.push(t)) throw new Error(`${this.name}: read queue overflow (model bug)`);
    if (this.vcd) this.traceQueue(this.eps[t.dst]!);
    this.grant();
  }

  /**
   * Traces the arbiter to a VCD. No part or pin names are known (the patent names none), so
   * the signals are the model's own, all derived: in scope `[...scope, name]` the owner (an
   * endpoint's name, or idle) and the access (idle, write, read); in each endpoint's scope (its
   * name split at dots, e.g. card1.gt) bma_req (1 while it has a write or read waiting),
   * bma_gnt (1 while its access holds the buffer memory) and bma_queued (accesses waiting).
   */
  traceTo(w: VcdWriter, scope: readonly string[] = []): void {
    const at = [...scope, ...this.name.split(".")];
    this.vcd = { w, owner: w.signal(at, "owner", { values: ["idle", ...this.eps.map((e) => e.name)] }), access: w.signal(at, "access", { values: BMA_ACCESS }) };
    for (const e of this.eps) {
      const es = [...scope, ...e.name.split(".")];
      e.req = w.signal(es, "bma_req");
      e.gnt = w.signal(es, "bma_gnt");
      e.queued = w.signal(es, "bma_queued", { width: 16 });
    }
  }

  private traceQueue(ep: Endpoint): void {
    const w = this.vcd!.w, now = this.sim.now, n = ep.writes.size + ep.reads.size;
    w.change(ep.req!, now, n > 0 ? 1 : 0);
    w.change(ep.queued!, now, n);
  }

  private traceGrant(i: number, c0: number): void {
    const v = this.vcd!, ep = this.eps[i]!, start = this.clock.edge(c0);
    this.traceQueue(ep);
    v.w.change(ep.gnt!, start, 1);
    v.w.change(v.owner, start, i + 1);
    v.w.change(v.access, start, this.currentIsRead ? 2 : 1);
  }

  private traceDone(i: number): void {
    const v = this.vcd!, now = this.sim.now;
    v.w.change(this.eps[i]!.gnt!, now, 0);
    v.w.change(v.owner, now, 0);
    v.w.change(v.access, now, 0);
  }

  /** Time-series read-outs: the buffer memory's busy time, and each endpoint's write queue (frames to write into the shared buffer) and read queue (frames written for it, to read out). */
  probes(): Probes {
    return {
      busy: [{ name: this.name, busyPs: (now) => this.util.busyPs(now) + this.cpuIdleBusyPs }],
      queues: this.eps.flatMap((e) => [
        { name: `${this.name}.${e.name}.write`, depth: () => e.writes.size },
        { name: `${this.name}.${e.name}.read`, depth: () => e.reads.size },
      ]),
    };
  }

  read(now: number) {
    const endpoints: Record<string, { written: number; read: number; bytes: number; writeQueueHighWater: number }> = {};
    for (const e of this.eps) endpoints[e.name] = { written: e.written, read: e.read, bytes: e.bytes, writeQueueHighWater: e.writes.highWater };
    const u = this.util.read(now);
    const utilization = this.cpuIdleBusyPs > 0 && u.elapsedPs > 0 ? Math.min(1, (u.busyPs + this.cpuIdleBusyPs) / u.elapsedPs) : u.utilization;
    return { utilization, inFlight: this.inFlight, endpoints, cpuAccesses: this.cpuAccesses, cpuQueueHighWater: this.port?.queue.highWater ?? 0 };
  }
}
