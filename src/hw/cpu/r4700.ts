/**
 * IDT R4700 CPU running the switch firmware (docs/hardware.md §1). Scalar, in order, one instruction
 * per cycle at best: a job's cost is its instructions x (baseCpi + stallCpi) plus the stalls its
 * memory accesses cause. Instruction fetches go through a 16 KB 2-way I-cache and loads and stores
 * through a 16 KB 2-way write-back D-cache (§1 rows "I-cache", "D-cache"); a miss fills one
 * 32-byte line through the GT-64010's DRAM controller, a dirty victim is written back first.
 * Uncached reads of PCI devices stall for a PCI read round trip; uncached writes are posted.
 *
 * Jobs: firmware work (an interrupt for a frame, a timer) is posted as a `CpuJob`. When the CPU
 * takes a job it charges interrupt entry, runs the job's logic once (`execute`), which records its
 * operations and accesses in a CostTrace, then replays the trace in simulated time, and calls
 * `complete()` when the last cycle is spent: effects (hand the frame back, transmit) happen then.
 * In isa mode (docs/hardware.md "The board running the C path") a frame job's trace also holds
 * what the C path did on the instruction-level core: its pipeline cycles and instructions, and
 * each I-cache line and D-cache line it reached, replayed here through the same caches and memories.
 * Jobs run one at a time, urgent ones (`CpuJob.urgent`: the control plane) before the others,
 * each kind in arrival order, none pre-empted: the interrupt handler serves the control ring and
 * timers first whenever it picks its next job. An idle CPU schedules nothing.
 *
 * Counters: jobs, cycles busy and stalled, utilisation, cycles per job (histogram), cache stats.
 */
import { ClockDomain } from "../../sim/clock.ts";
import type { SimEvent } from "../../sim/event.ts";
import { Priority } from "../../sim/priority.ts";
import { holdServers, releaseServers } from "../../sim/ps-server.ts";
import { Ring } from "../../sim/ring.ts";
import type { Simulator } from "../../sim/simulator.ts";
import { Utilization } from "../../sim/stats/time-weighted.ts";
import { MemRequest, type MemoryPort } from "../gt64010/dram.ts";
import { Cache, CacheOutcome, R4700_DCACHE, type CacheParams } from "./cache.ts";
import { CostTrace, TraceKind } from "./cost-trace.ts";
import { OP_CODE_END, OP_COSTS, OP_INSTRUCTIONS, OP_NAMES, type OpCost } from "./op-costs.ts";

/** Paths the CPU keeps accounts for (jobs, cycles, instructions per path). */
export const MAX_PATHS = 16;

export interface CpuJob {
  /** The path the job took (0..MAX_PATHS-1), read when it ends: the CPU's per-path accounts. */
  readonly path?: number;
  /** Control-plane work (timers, the control ring's frames): runs before every job that is not. */
  readonly urgent?: boolean;
  /** The job's trace holds its own interrupt entry and exit (isa mode: the C job, from the vector to ERET), so the op table's are not charged. */
  readonly ownsInterrupt?: boolean;
  /** Runs the firmware's logic for this job, recording what it does into `trace`. */
  execute(trace: CostTrace): void;
  /** Called when the job's last cycle is spent. */
  complete(): void;
}

/** How the CPU reads a device over PCI: the board wires this to the GT-64010's PCI master. */
export interface UncachedPort {
  /** Starts a read of `bytes`; calls `done` when the data is back at the CPU. */
  read(bytes: number, done: () => void): void;
  /** Posts a write of `bytes`: true if posted (`done` is not called), false if the post buffer is full (`done` is called once it is taken). */
  write(bytes: number, done: () => void): boolean;
  /** Transaction-level timing: when a read of `bytes` issued `at` ps from now (>= 0) would have its data back at the CPU, ps from now, from the bus's present occupancy (charged as it would be). Relative times cross calls unboxed (ClockDomain, "Relative times"). */
  readFinish?(bytes: number, at: number): number;
  /** Transaction-level timing: charges a write of `bytes` posted `at` ps from now; the CPU does not wait. */
  postWrite?(bytes: number, at: number): void;
}

/** How a job's memory and bus waits are timed: event by event (the reference), or replayed atomically at the job's start from the memories' and bus's occupancy (docs/hardware.md "Transaction-level memory and CPU job"). */
export type CpuTiming = "cycle" | "tlm";

export interface R4700Params {
  /** Core clock in Hz. Default 133 MHz (§1: parts offered at 80-200 MHz; 100-150 typical in 1997). */
  clockHz: number;
  /** Cycles per instruction with no stalls. Default 1.0 (§1 "scalar, 5-stage pipeline"; §10.6 base CPI). */
  baseCpi: number;
  /** Extra cycles per instruction for load-use and branch stalls. Default 0.25 (assumption, §1 load-use 1 cycle, §10.6). */
  stallCpi: number;
  /** Data cache geometry. Default 16 KB, 2-way, 32 B lines (§1). */
  dcache: CacheParams;
  /** Instruction cache geometry. Default 16 KB, 2-way, 32 B lines (§1). */
  icache: CacheParams;
  /** Jobs that may wait (pending interrupts). Default 64 (assumption: the controller's CPU-buffer ring). */
  jobQueue: number;
  /** Urgent jobs that may wait (the control ring and timers). Default 32 (assumption, as `jobQueue`). */
  urgentQueue: number;
  /** Where the code of the ops with no C (op-costs.ts `source: "assumption"`) is laid out, for I-cache placement. Default: after switchpath.elf's code (OP_CODE_END); the measured ops' code is at the image's addresses. */
  codeBase: number;
  /** "cycle" (default): a job's misses and uncached accesses stall with events; "tlm": the job is replayed at its start, its waits taken from the memories' `finishTime` and the port's `readFinish`, one event at its end. */
  timing: CpuTiming;
}

export const DEFAULT_R4700: R4700Params = {
  clockHz: 133_000_000,
  baseCpi: 1.0,
  stallCpi: 0.25,
  dcache: R4700_DCACHE,
  icache: { sizeBytes: 16_384, ways: 2, lineBytes: 32 },
  jobQueue: 64,
  urgentQueue: 32,
  codeBase: OP_CODE_END,
  timing: "cycle",
};

const INSTR_BYTES = 4;
/** The lines an op's replay looks up (opLineKind): its code, then its data. */
const L_CODE = 0, L_LOAD = 1, L_STORE = 2;
/** The measured ops' footprints are in 32-byte lines (op-costs.ts). */
const OP_LINE_BYTES = 32;
// module-local copies of the item kinds and outcomes step() compares with (an imported binding can compile to a getter call per use)
const K_OP = TraceKind.Op, K_LOAD = TraceKind.Load, K_STORE = TraceKind.Store, K_UREAD = TraceKind.UncachedRead, K_UWRITE = TraceKind.UncachedWrite, K_WB = TraceKind.Writeback, K_WAIT = TraceKind.DeviceWait;
const K_IFETCH = TraceKind.IsaFetch, K_ILOAD = TraceKind.IsaLoad, K_ISTORE = TraceKind.IsaStore, K_ICYCLES = TraceKind.IsaCycles;
const K_IUREAD = TraceKind.IsaUncachedRead, K_IUWRITE = TraceKind.IsaUncachedWrite, K_IWB = TraceKind.IsaWriteback;
const HIT = CacheOutcome.Hit, MISS_DIRTY = CacheOutcome.MissDirty;

export class R4700 {
  readonly params: R4700Params;
  readonly clock: ClockDomain;
  readonly dcache: Cache;
  readonly icache: Cache;
  /** Wired by the board for uncached device access; absent means such accesses are free. */
  uncached: UncachedPort | undefined;

  private readonly jobs: Ring<CpuJob>;
  private readonly urgentJobs: Ring<CpuJob>;
  private job: CpuJob | undefined;
  private readonly trace: CostTrace;
  // each op's cost: instructions (OP_INSTRUCTIONS), cycles, and the lines it looks up, opLineStart[op] to opLineStart[op + 1]
  // per path (the job's, MAX_PATHS) and op: instructions and cycles, the op's own unless op-costs.ts measured the path apart (setPathNames)
  private readonly opInstr: Int32Array;
  private readonly opCycles: Float64Array;
  private readonly opCyclesDefault: Float64Array;
  private jobPath = 0;
  private readonly opLineStart: Int32Array;
  private readonly opLineAddr: Float64Array;
  private readonly opLineKind: Uint8Array;
  private idx = 0;
  private opLine = 0; // next line of the op being looked up
  private pending = 0; // cycles (fractional) accumulated since the last flush
  private jobCycles = 0;
  private readonly memReq: MemRequest;
  /** Address ranges mapped to memories other than main DRAM (Fig 5C's FSRAM, 5D's shared buffer), tried in order. */
  private readonly regions: { mem: MemoryPort; base: number; end: number; req: MemRequest }[] = [];
  private active!: MemRequest; // the request in flight (DRAM or fast SRAM)
  private activeMem!: MemoryPort;
  private writebackPending = -1; // line address still to fill after a write-back
  private readonly resume: SimEvent;
  private readonly finish: SimEvent;
  private readonly issue: SimEvent;
  private readonly util: Utilization;
  private readonly onMemDone: () => void;
  private readonly onUncachedDone: () => void;
  private readonly issueUncached: SimEvent;
  private uncachedRead = false;
  private uncachedBytes = 0;
  private jobStart = 0;
  /** The traced job's line sink (`CostTrace.log`), while it runs. */
  private log: ((line: string) => void) | undefined = undefined;
  private jobTimePs = 0;
  /** Transaction-level timing: whether, and the CPU edge the atomic replay has reached (its cycle number: ps from now by ClockDomain.delayToCycle). */
  private readonly tlm: boolean;
  private vtCycle = 0;

  jobsDone = 0;
  /** Per path (CpuJob.path): jobs ended, their time (ps) and instructions. */
  readonly pathJobs = new Float64Array(MAX_PATHS);
  readonly pathPs = new Float64Array(MAX_PATHS);
  readonly pathInstructions = new Float64Array(MAX_PATHS);
  /** Per path: I- and D-cache misses of its jobs (read only in isa mode's records). */
  readonly pathIMisses = new Float64Array(MAX_PATHS);
  readonly pathDMisses = new Float64Array(MAX_PATHS);
  readonly pathWritebacks = new Float64Array(MAX_PATHS);
  private jobInstr0 = 0;
  private jobWb0 = 0;
  private jobIMiss0 = 0;
  private jobDMiss0 = 0;
  busyCycles = 0;
  stallPs = 0;
  private stallFrom = 0;
  private stalling = false;
  instructions = 0;
  jobsRefused = 0;

  constructor(private readonly sim: Simulator, readonly name: string, private readonly dram: MemoryPort, params: Partial<R4700Params> = {}) {
    this.params = { ...DEFAULT_R4700, ...params };
    const p = this.params;
    if (p.timing !== "cycle" && p.timing !== "tlm") throw new RangeError(`${name}: timing must be "cycle" or "tlm", got ${String(p.timing)}`);
    this.tlm = p.timing === "tlm";
    if (!Number.isInteger(p.clockHz) || p.clockHz < 1e6) throw new RangeError(`${name}: clockHz must be an integer >= 1 MHz`);
    if (!(p.baseCpi > 0) || !(p.stallCpi >= 0)) throw new RangeError(`${name}: baseCpi must be > 0 and stallCpi >= 0`);
    this.clock = new ClockDomain(`${name}.clk`, p.clockHz);
    this.dcache = new Cache(p.dcache);
    this.icache = new Cache(p.icache);
    this.trace = new CostTrace(8192, p.dcache.lineBytes);
    this.jobs = new Ring(p.jobQueue);
    this.urgentJobs = new Ring(p.urgentQueue);
    // The ops' costs: a measured op's cycles, code lines and data lines as op-costs.ts gives them
    // (the C's, at the image's addresses); an op with no C charges its instructions at the flat
    // CPI and its code is laid out one after another from codeBase, each aligned to an I-cache line.
    const cpi = p.baseCpi + p.stallCpi;
    this.opCyclesDefault = new Float64Array(OP_NAMES.length);
    this.opInstr = new Int32Array(MAX_PATHS * OP_NAMES.length);
    this.opCycles = new Float64Array(MAX_PATHS * OP_NAMES.length);
    this.opLineStart = new Int32Array(OP_NAMES.length + 1);
    const addrs: number[] = [], kinds: number[] = [];
    let a = p.codeBase;
    OP_NAMES.forEach((name, i) => {
      const c: OpCost = OP_COSTS[name];
      this.opLineStart[i] = addrs.length;
      this.opCyclesDefault[i] = c.cycles ?? OP_INSTRUCTIONS[i]! * cpi;
      if (c.code) {
        for (const [first, n] of c.code) for (let l = 0; l < n; l++) (addrs.push(first + l * OP_LINE_BYTES), kinds.push(L_CODE));
      } else {
        const lb = p.icache.lineBytes, lines = Math.ceil((OP_INSTRUCTIONS[i]! * INSTR_BYTES) / lb);
        for (let l = 0; l < lines; l++) (addrs.push(a + l * lb), kinds.push(L_CODE));
        a += lines * lb;
      }
      for (const [at, written] of c.data ?? []) (addrs.push(at), kinds.push(written ? L_STORE : L_LOAD));
    });
    this.opLineStart[OP_NAMES.length] = addrs.length;
    this.opLineAddr = Float64Array.from(addrs);
    this.opLineKind = Uint8Array.from(kinds);
    this.setPathNames([]);
    this.util = new Utilization(sim.now);
    const requester = dram.addRequester(`${name}`);
    this.onMemDone = () => this.memDone();
    this.memReq = new MemRequest(requester, this.onMemDone);
    this.resume = sim.event(`${name}.resume`, () => {
      if (!this.tlm) return this.step();
      this.vtCycle = this.clock.cycleNow(this.sim);
      this.replay();
    }, Priority.Cpu);
    this.finish = sim.event(`${name}.finish`, () => this.endJob(), Priority.Cpu);
    this.issue = sim.event(`${name}.issue`, () => this.issueMem(), Priority.Cpu);
    this.issueUncached = sim.event(`${name}.uncached`, () => this.startUncached(), Priority.Cpu);
    this.onUncachedDone = () => {
      if (this.log) this.log(`      stalled ${this.sim.now - this.stallFrom} ps (to the CPU's next edge) for the uncached ${this.uncachedRead ? "read's round trip over PCI" : "write (the post buffer was full)"}`);
      this.resumeAfterStall(false);
    };
    sim.onResetStats((now) => this.resetStats(now));
  }

  /**
   * Restarts counters, utilisation and the caches' counts (a warm-up's end). A job in progress
   * counts in the new period from now: its cycles and time so far are dropped with the rest.
   */
  resetStats(now: number): void {
    this.util.restart(now);
    this.jobsDone = this.busyCycles = this.instructions = this.jobsRefused = this.jobTimePs = 0;
    this.stallPs = 0;
    if (this.stalling) this.stallFrom = now;
    if (this.job) this.jobStart = now;
    this.jobInstr0 = 0;
    this.pathJobs.fill(0);
    this.pathPs.fill(0);
    this.pathInstructions.fill(0);
    this.pathIMisses.fill(0);
    this.pathDMisses.fill(0);
    this.pathWritebacks.fill(0);
    this.jobIMiss0 = this.jobDMiss0 = this.jobWb0 = 0;
    this.dcache.resetStats();
    this.icache.resetStats();
    this.jobs.resetStats();
    this.urgentJobs.resetStats();
  }

  get busy(): boolean {
    return this.job !== undefined;
  }

  /**
   * Names the firmware's paths (CpuJob.path is an index into them): a job on a path that op-costs.ts
   * measured apart for an op (`byPath`) is charged that path's instructions and cycles for it; every
   * other job the op's own.
   */
  setPathNames(names: readonly string[]): void {
    const n = OP_NAMES.length;
    for (let p = 0; p < MAX_PATHS; p++) {
      this.opInstr.set(OP_INSTRUCTIONS, p * n);
      this.opCycles.set(this.opCyclesDefault, p * n);
    }
    OP_NAMES.forEach((name, i) => {
      const by = (OP_COSTS[name] as OpCost).byPath;
      if (!by) return;
      for (const [path, [instr, cycles]] of Object.entries(by)) {
        const p = names.indexOf(path);
        if (p < 0 || p >= MAX_PATHS) continue;
        this.opInstr[p * n + i] = instr;
        this.opCycles[p * n + i] = cycles;
      }
    });
  }

  /** Maps [base, base + bytes) to another memory (Fig 5C's 4 MB FSRAM, 5D's shared buffer): misses there go to it. */
  mapMemory(mem: MemoryPort, base: number, bytes: number): void {
    const req = new MemRequest(mem.addRequester(this.name), this.onMemDone);
    this.regions.push({ mem, base, end: base + bytes, req });
  }

  /** Points `active`/`activeMem` at the memory holding `addr`, with the access's fields. */
  private target(addr: number, write: boolean, bytes: number): void {
    this.active = this.memReq;
    this.activeMem = this.dram;
    for (let i = 0; i < this.regions.length; i++) {
      const f = this.regions[i]!;
      if (addr >= f.base && addr < f.end) {
        this.active = f.req;
        this.activeMem = f.mem;
        break;
      }
    }
    this.active.addr = addr;
    this.active.write = write;
    this.active.bytes = bytes;
  }

  /** Busy time (ps) since the statistics last restarted (time series: docs/results-format.md "Series"). */
  busyPs(now: number): number {
    return this.util.busyPs(now);
  }

  get queuedJobs(): number {
    return this.jobs.size + this.urgentJobs.size;
  }

  /** Posts a job (an interrupt). False when its pending-job queue is full. */
  post(job: CpuJob): boolean {
    if (!(job.urgent ? this.urgentJobs : this.jobs).push(job)) {
      this.jobsRefused++;
      return false;
    }
    if (!this.job) this.startJob();
    return true;
  }

  private startJob(): void {
    const job = this.urgentJobs.shift() ?? this.jobs.shift();
    if (!job) return;
    this.job = job;
    this.jobStart = this.sim.now;
    this.jobInstr0 = this.instructions;
    this.jobIMiss0 = this.icache.misses;
    this.jobDMiss0 = this.dcache.misses;
    this.jobWb0 = this.dcache.writebacks;
    this.util.busyIn(this.sim, 0);
    this.trace.reset();
    if (job.ownsInterrupt !== true) this.trace.op("interruptEntry");
    job.execute(this.trace);
    if (job.ownsInterrupt !== true) this.trace.op("interruptExit");
    this.jobPath = Math.min(MAX_PATHS - 1, job.path ?? 0);
    this.log = this.trace.log;
    if (this.log) this.log(`replay of the job's ${this.trace.length} items through the board's caches and memories, from ${this.sim.now} ps (${this.clock.cycleNow(this.sim)} CPU cycles):`);
    this.idx = 0;
    this.opLine = 0;
    this.pending = 0;
    this.jobCycles = 0;
    if (!this.tlm) return this.sim.scheduleIn(this.resume, this.clock.delayToEdge(this.sim, 0));
    // transaction level: the whole replay now, from the CPU's next edge, and one event at its end
    this.vtCycle = this.clock.cycleNow(this.sim);
    this.replay();
  }

  /** Transaction level: `step` with the processor-sharing servers' completion events held, each moved once after the replay's occupancy (PsServer.hold: no event runs during the replay). */
  private replay(): void {
    const held = holdServers(this.sim);
    try {
      this.step();
    } finally {
      releaseServers(held);
    }
  }

  /** Replays the trace from `idx` until a stall or the end. */
  private step(): void {
    const t = this.trace, cpi = this.params.baseCpi + this.params.stallCpi, log = this.log;
    while (this.idx < t.length) {
      const k = t.kind[this.idx]!, v = t.value[this.idx]!;
      this.idx++;
      if (log !== undefined) this.logItem(log, k, v, t.aux[this.idx - 1]!);
      if (k === K_OP) {
        if (this.opLine === 0) {
          const o = this.jobPath * OP_NAMES.length + v;
          this.instructions += this.opInstr[o]!;
          this.pending += this.opCycles[o]!;
        }
        // the op's code through the I-cache, then its own data through the D-cache, line by line
        const first = this.opLineStart[v]!, end = this.opLineStart[v + 1]!;
        while (first + this.opLine < end) {
          const j = first + this.opLine++, addr = this.opLineAddr[j]!, kind = this.opLineKind[j]!;
          if (kind === L_CODE) {
            if (this.icache.access(addr, false) !== HIT && this.stallFor(addr, -1, this.params.icache.lineBytes)) {
              this.idx--; // come back to this op for its remaining lines
              return;
            }
          } else {
            const o = this.dcache.access(addr, kind === L_STORE);
            if (o !== HIT && this.stallFor(addr, o === MISS_DIRTY ? this.dcache.victimAddr : -1, this.params.dcache.lineBytes)) {
              this.idx--;
              return;
            }
          }
        }
        this.opLine = 0;
      } else if (k === K_LOAD || k === K_STORE) {
        this.instructions++;
        this.pending += cpi;
        const o = this.dcache.access(v, k === K_STORE);
        if (o !== HIT && this.stallFor(v, o === MISS_DIRTY ? this.dcache.victimAddr : -1, this.params.dcache.lineBytes)) return;
      } else if (k === K_IFETCH) {
        // the C path's code (isa mode): its pipeline cycles, then the I-cache line it entered
        this.pending += t.aux[this.idx - 1]!;
        if (this.icache.access(v, false) !== HIT && this.stallFor(v, -1, this.params.icache.lineBytes)) return;
      } else if (k === K_ILOAD || k === K_ISTORE) {
        this.pending += t.aux[this.idx - 1]!;
        const o = this.dcache.access(v, k === K_ISTORE);
        if (o !== HIT && this.stallFor(v, o === MISS_DIRTY ? this.dcache.victimAddr : -1, this.params.dcache.lineBytes)) return;
      } else if (k === K_IUREAD || k === K_IUWRITE) {
        this.pending += t.aux[this.idx - 1]!;
        if (this.uncached && this.stallUncached(k === K_IUREAD, v)) return;
      } else if (k === K_IWB) {
        this.pending += t.aux[this.idx - 1]!;
        if (this.dcache.writeback(v) && this.stallFor(-1, v, this.params.dcache.lineBytes)) return;
      } else if (k === K_ICYCLES) {
        this.instructions += v;
        this.pending += t.aux[this.idx - 1]!;
      } else if (k === K_WAIT) {
        this.pending += (v * this.params.clockHz) / 1e12;
      } else if (k === K_WB) {
        this.instructions++;
        this.pending += cpi;
        if (this.dcache.writeback(v) && this.stallFor(-1, v, this.params.dcache.lineBytes)) return;
      } else if (k === K_UREAD || k === K_UWRITE) {
        this.instructions++;
        this.pending += cpi;
        if (this.uncached && this.stallUncached(k === K_UREAD, v)) return;
      }
    }
    const cycles = Math.ceil(this.pending);
    this.jobCycles += cycles;
    this.busyCycles += cycles;
    this.pending = 0;
    if (this.tlm) this.sim.scheduleIn(this.finish, this.edgeAfterVt(cycles));
    else this.sim.scheduleIn(this.finish, this.clock.delayToEdge(this.sim, cycles));
  }

  /** Transaction level: the CPU edge `cycles` cycles after the replay's time, ps from now (times cross calls as small relative integers: ClockDomain, "Relative times"). */
  private edgeAfterVt(cycles: number): number {
    return this.clock.delayToCycle(this.sim, this.vtCycle + cycles);
  }

  /**
   * Spends the pending cycles, then goes to memory for `addr` (after writing `victim` back, if any;
   * addr < 0: only the write-back). True if the CPU stalls with events (cycle timing, or a memory
   * with no transaction-level methods): the replay resumes on `resume`. False if the accesses were
   * timed at once from the memories' occupancy (tlm): the replay goes on from their end.
   */
  private stallFor(addr: number, victim: number, lb: number): boolean {
    const cycles = Math.ceil(this.pending);
    this.jobCycles += cycles;
    this.busyCycles += cycles;
    this.pending = 0;
    if (victim >= 0) {
      this.target(victim, true, lb);
      this.writebackPending = addr < 0 ? -1 : Math.floor(addr / lb) * lb; // addr < 0: write-back only, no fill
    } else {
      this.target(Math.floor(addr / lb) * lb, false, lb);
      this.writebackPending = -1;
    }
    if (!this.tlm) {
      this.sim.scheduleIn(this.issue, this.clock.delayToEdge(this.sim, cycles));
      return true;
    }
    const at = this.edgeAfterVt(cycles);
    if (!this.timedAccess(at)) {
      this.sim.scheduleIn(this.issue, at); // no transaction-level methods: stall as in cycle timing
      return true;
    }
    let t = this.accessEnd;
    if (this.writebackPending >= 0) {
      // the fill after the write-back, issued when it completes
      this.target(this.writebackPending, false, lb);
      this.writebackPending = -1;
      if (!this.timedAccess(t, true)) {
        this.stallFrom = this.sim.now + at;
        this.stalling = true;
        this.sim.scheduleIn(this.issue, t);
        return true;
      }
      t = this.accessEnd;
    }
    this.vtCycle = this.clock.cycleAtOrAfterIn(this.sim, t);
    const resume = this.clock.foundDelay(this.sim);
    this.stallPs += resume - at;
    if (this.log) this.log(`      stalled ${resume - at} ps (${((resume - at) * this.params.clockHz / 1e12).toFixed(1)} CPU cycles) for the ${this.active.write ? "write-back" : "line fill"} at 0x${this.active.addr.toString(16)} in ${this.activeMem.name}`);
    return false;
  }

  /** Transaction level: when the access in `active` issued `at` ps from now completes (`accessEnd`, ps from now), charged to its memory; false if the memory has no transaction-level methods. `afterOwn`: issued as the CPU's access before it (the victim's write-back) completes. */
  private timedAccess(at: number, afterOwn = false): boolean {
    const m = this.activeMem, a = this.active;
    if (m.finishTime === undefined || m.occupy === undefined) return false;
    this.accessEnd = m.finishTime(a.requester, a.addr, a.write, a.bytes, at, afterOwn);
    m.occupy(a.requester, a.addr, a.write, a.bytes);
    return true;
  }
  private accessEnd = 0;

  private issueMem(): void {
    if (!this.stalling) {
      this.stallFrom = this.sim.now;
      this.stalling = true;
    }
    if (!this.activeMem.submit(this.active)) {
      // memory queue full: try again on the next memory clock edge (the SysAD handshake waits)
      this.sim.scheduleIn(this.issue, this.activeMem.clock.delayToEdgeAtOrAfter(this.sim, 1));
    }
  }

  private memDone(): void {
    if (this.writebackPending >= 0) {
      const lb = this.active.bytes;
      this.target(this.writebackPending, false, lb);
      this.writebackPending = -1;
      this.issueMem();
      return;
    }
    this.stalling = false;
    this.resumeAfterStall();
  }

  private resumeAfterStall(memory = true): void {
    const toEdge = this.clock.delayToEdge(this.sim, 0); // relative: crosses calls unboxed (ClockDomain, "Relative times")
    this.stallPs += this.sim.now + toEdge - this.stallFrom;
    if (this.log && memory) this.log(`      stalled ${this.sim.now + toEdge - this.stallFrom} ps (${((this.sim.now + toEdge - this.stallFrom) * this.params.clockHz / 1e12).toFixed(1)} CPU cycles) for the ${this.active.write ? "write-back" : "line fill"} at 0x${this.active.addr.toString(16)} in ${this.activeMem.name}`);
    this.sim.scheduleIn(this.resume, toEdge);
  }

  /** Spends the pending cycles, then an uncached read or write of `bytes`. True if the CPU stalls with events (as `stallFor`); false if timed at once (tlm, the port's `readFinish`/`postWrite`). */
  private stallUncached(read: boolean, bytes: number): boolean {
    const cycles = Math.ceil(this.pending);
    this.jobCycles += cycles;
    this.busyCycles += cycles;
    this.pending = 0;
    this.uncachedRead = read;
    this.uncachedBytes = bytes;
    if (!this.tlm) {
      this.sim.scheduleIn(this.issueUncached, this.clock.delayToEdge(this.sim, cycles));
      return true;
    }
    const at = this.edgeAfterVt(cycles), u = this.uncached!;
    if (read && u.readFinish !== undefined) {
      const back = u.readFinish(bytes, at);
      this.vtCycle = this.clock.cycleAtOrAfterIn(this.sim, back);
      const resume = this.clock.foundDelay(this.sim);
      this.stallPs += resume - at;
      if (this.log) this.log(`      stalled ${back - at} ps (to the CPU's next edge) for the uncached read's round trip over PCI`);
      return false;
    }
    if (!read && u.postWrite !== undefined) {
      u.postWrite(bytes, at);
      this.vtCycle += cycles;
      return false;
    }
    this.sim.scheduleIn(this.issueUncached, at); // no transaction-level methods: stall as in cycle timing
    return true;
  }

  private startUncached(): void {
    this.stallFrom = this.sim.now;
    if (this.uncachedRead) this.uncached!.read(this.uncachedBytes, this.onUncachedDone);
    else if (this.uncached!.write(this.uncachedBytes, this.onUncachedDone)) this.sim.schedule(this.resume, this.sim.now);
  }

  private endJob(): void {
    const job = this.job!;
    this.job = undefined;
    this.jobsDone++;
    const took = this.sim.now - this.jobStart, path = job.path ?? 0;
    this.jobTimePs += took;
    this.pathJobs[path]!++;
    this.pathPs[path]! += took;
    this.pathInstructions[path]! += this.instructions - this.jobInstr0;
    this.pathIMisses[path]! += this.icache.misses - this.jobIMiss0;
    this.pathDMisses[path]! += this.dcache.misses - this.jobDMiss0;
    this.pathWritebacks[path]! += this.dcache.writebacks - this.jobWb0;
    if (this.log) {
      this.log(`job end at ${this.sim.now} ps: ${this.jobCycles} cycles busy, ${(took * this.params.clockHz / 1e12).toFixed(0)} cycles from start to end (stalls included), ${this.instructions - this.jobInstr0} instructions, ${this.icache.misses - this.jobIMiss0} I-cache and ${this.dcache.misses - this.jobDMiss0} D-cache misses, ${this.dcache.writebacks - this.jobWb0} write-backs`);
      this.log = undefined;
    }
    this.util.idleNow(this.sim);
    job.complete();
    if (!this.job && this.queuedJobs > 0) this.startJob();
  }

  /** One line of a traced job's replay: what the item is, and what the caches say now (a look-up that misses stalls next). */
  private logItem(log: (line: string) => void, k: number, v: number, aux: number): void {
    const hex = (a: number) => `0x${a.toString(16)}`;
    const at = (c: Cache, a: number) => (c.probe(a) ? "hit" : "miss");
    const cpi = this.params.baseCpi + this.params.stallCpi;
    if (k === K_OP) {
      if (this.opLine === 0) {
        const c: OpCost = OP_COSTS[OP_NAMES[v]!], lines = this.opLineStart[v + 1]! - this.opLineStart[v]!, data = c.data?.length ?? 0;
        const o = this.jobPath * OP_NAMES.length + v;
        log(`  op ${OP_NAMES[v]}: ${this.opInstr[o]} instructions, ${c.cycles !== undefined ? `${this.opCycles[o]} pipeline cycles (op table, measured from the C${this.opInstr[o] !== OP_INSTRUCTIONS[v] || this.opCycles[o] !== c.cycles ? ", on this path" : ""})` : `x CPI ${cpi} (op table)`}, code at ${hex(this.opAddr(v))} (${lines - data} I-lines), ${data} lines of its own data`);
      }
    } else if (k === K_LOAD || k === K_STORE) log(`  ${k === K_LOAD ? "load" : "store"} ${hex(v)} (TypeScript firmware): D-cache ${at(this.dcache, v)}`);
    else if (k === K_IFETCH) log(`  C: +${aux} pipeline cycles, I-line ${hex(v)}: I-cache ${at(this.icache, v)}`);
    else if (k === K_ILOAD || k === K_ISTORE) log(`  C: +${aux} pipeline cycles, ${k === K_ILOAD ? "load" : "store"} ${hex(v)}: D-cache ${at(this.dcache, v)}`);
    else if (k === K_IUREAD || k === K_IUWRITE) log(`  C: +${aux} pipeline cycles, uncached ${k === K_IUREAD ? "read of a device register (the CPU waits for the round trip)" : "write to a device register (posted)"}, ${v} bytes`);
    else if (k === K_IWB) log(`  C: +${aux} pipeline cycles, CACHE Hit_Writeback ${hex(v)}: D-cache ${this.dcache.probe(v) ? "holds it" : "does not hold it"}`);
    else if (k === K_ICYCLES) log(`  C: ${v} instructions in all, +${aux} pipeline cycles to its return`);
    else if (k === K_WAIT) log(`  device wait ${v} ps`);
    else if (k === K_WB) log(`  CACHE Hit_Writeback ${hex(v)}`);
    else if (k === K_UREAD || k === K_UWRITE) log(`  uncached ${k === K_UREAD ? "read over PCI (the CPU waits)" : "write (posted)"}, ${v} bytes`);
  }

  /** The first code line of op `v` (for the job log). */
  private opAddr(v: number): number {
    return this.opLineAddr[this.opLineStart[v]!] ?? 0;
  }

  /** Per-path accounts under the given names (paths with no job left out); with `misses`, each path's I- and D-cache misses per job too. */
  readPaths(names: readonly string[], misses = false): Record<string, { jobs: number; cyclesPerJob: number; instructionsPerJob: number; iMissesPerJob?: number; dMissesPerJob?: number; writebacksPerJob?: number }> {
    const out: Record<string, { jobs: number; cyclesPerJob: number; instructionsPerJob: number; iMissesPerJob?: number; dMissesPerJob?: number; writebacksPerJob?: number }> = {};
    names.forEach((name, i) => {
      const n = this.pathJobs[i]!;
      if (n > 0) out[name] = { jobs: n, cyclesPerJob: (this.pathPs[i]! * this.params.clockHz) / 1e12 / n, instructionsPerJob: this.pathInstructions[i]! / n, ...(misses ? { iMissesPerJob: this.pathIMisses[i]! / n, dMissesPerJob: this.pathDMisses[i]! / n, writebacksPerJob: this.pathWritebacks[i]! / n } : {}) };
    });
    return out;
  }

  read(now: number) {
    return {
      clockMHz: this.params.clockHz / 1e6,
      utilization: this.util.read(now).utilization,
      jobs: this.jobsDone,
      jobsRefused: this.jobsRefused,
      jobQueueHighWater: this.jobs.highWater,
      urgentQueueHighWater: this.urgentJobs.highWater,
      instructions: this.instructions,
      busyCycles: this.busyCycles,
      stallCycles: Math.round((this.stallPs * this.params.clockHz) / 1e12),
      cyclesPerJob: this.jobsDone ? (this.jobTimePs * this.params.clockHz) / 1e12 / this.jobsDone : 0,
      dcache: this.dcache.read(),
      icache: this.icache.read(),
    };
  }
}
