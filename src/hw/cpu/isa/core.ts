/**
 * The instruction-level IDT R4700: an interpreter of the MIPS III integer instructions that
 * 32-bit code uses (opcodes.ts), big-endian, in kernel mode, with the single-issue pipeline's
 * timing (timing.ts: interlocked load-use, branch delay slots, branch-likely nullification,
 * HI/LO multiply and divide latencies and the unit's repeat rate, exception entry and ERET),
 * CP0 (cp0.ts), and the 16 KB 2-way I- and D-caches of cache.ts (the data sheet's "I-cache" and
 * "D-cache" rows) at the real addresses the code touches. docs/hardware.md, "Instruction-level
 * R4700", lists every parameter with its source.
 *
 * Time: `cycle` counts CPU cycles. An instruction issues at the first cycle its operands are
 * ready (the interlock: `ready[r]` is the cycle register r's pending result may be read) and
 * the unit it needs is free; it then takes one cycle, plus whatever its memory access stalls.
 * A cache miss (or an uncached access) freezes the pipeline until the memory port answers:
 * a fixed-latency port answers at once and the core runs on; the simulator's port answers
 * later (ports.ts), and the core stops at the end of the instruction until `completeStall`.
 *
 * Memory: data lives in `PhysicalMemory`; the caches hold tags only and decide timing. kseg0
 * is cached, kseg1 uncached (address.ts); an uncached address inside DRAM goes to the memory
 * port, one outside it to the device port (the GT-64010's PCI side).
 *
 * Speed: instructions are predecoded into typed arrays (decode.ts) for a window of physical
 * memory and decoded again only after a store to their word; `run` keeps the hot state in
 * locals and stops only at a stall, the idle loop, the cycle budget or an event (the timer,
 * an interrupt the firmware unmasked). The I-cache is looked up once per line entered, not per
 * instruction (consecutive fetches from one line cannot change the LRU order); the D-cache
 * lookups skip the cache when an access hits the line the previous access hit. Nothing is
 * allocated per instruction.
 *
 * The idle loop: `b .` (BEQ $0,$0,-1) with a NOP in its delay slot stops `run` with `Idle`;
 * the caller advances time (`idleUntil`) to the next interrupt.
 */
import { Cache, CacheOutcome, R4700_DCACHE, type CacheParams } from "../cache.ts";
import { PHYS_MASK } from "./address.ts";
import { mulhs, mulhu } from "./arith.ts";
import * as cacheOps from "./cache-ops.ts";
import { CacheOp } from "./cache-ops.ts";
import { Cp0, Cp0Reg, Exc } from "./cp0.ts";
import { decodeInto, Predecoded, REG_HI, REG_LO, REG_SINK, REG_SLOTS } from "./decode.ts";
import type { PhysicalMemory } from "./memory.ts";
import { Op } from "./opcodes.ts";
import { EmptyDeviceSpace, PENDING, type DevicePort, type DeviceSpace, type MemoryPort } from "./ports.ts";
import { R4700_TIMING, StallCause, STALL_CAUSES, validateTiming, type IsaTimingParams } from "./timing.ts";

export const StopReason = {
  /** The cycle budget of this call is spent. */
  Budget: 0,
  /** A port will answer later: call `completeStall(cycles)`, then `run` again. */
  Pending: 1,
  /** The CPU reached its idle loop (`b .`): nothing to do until an interrupt. */
  Idle: 2,
  /** An instruction this model does not implement (see opcodes.ts): `unimplementedAt` names it. */
  Unimplemented: 3,
} as const;
export type StopReason = (typeof StopReason)[keyof typeof StopReason];

/**
 * Takes the core's cache look-ups instead of its caches (the board's isa mode, board-path.ts):
 * each I-cache line entered and each D-cache access that leaves the line the last one hit, at
 * its physical address, with `core.cycle` current. The core then runs as if every look-up hit;
 * the board's own caches and memories, replaying the record, decide the misses and their time.
 */
export interface CacheRecorder {
  fetch(pa: number): void;
  data(pa: number, write: boolean): void;
  /** An uncached access (a device register, or DRAM through kseg1) of `bytes` at `pa`: the board's to time (the core takes it as answered at once). */
  uncached?(pa: number, write: boolean, bytes: number): void;
  /** A CACHE Hit_Writeback(_Invalidate)_D at `pa`: the board's D-cache writes the line back if it is dirty. */
  writeback?(pa: number): void;
}

/** What the per-instruction trace (exec-trace.ts) needs from the core's run loop. */
export interface InstructionTracer {
  before(core: IsaCore): void;
  after(core: IsaCore, reason: StopReason): void;
  stallDone(core: IsaCore, cycles: number, cause: number): void;
}

export interface IsaCoreOptions {
  memory: PhysicalMemory;
  memoryPort: MemoryPort;
  /** Uncached accesses outside DRAM. Default: answered at once (0 cycles). */
  devicePort?: DevicePort;
  /** What device registers hold. Default: reads 0, writes dropped. */
  devices?: DeviceSpace;
  timing?: Partial<IsaTimingParams>;
  /** Default 16 KB, 2-way, 32 B lines (§1 "I-cache"). */
  icache?: Partial<CacheParams>;
  /** Default 16 KB, 2-way, 32 B lines, write-back (§1 "D-cache"). */
  dcache?: Partial<CacheParams>;
  /** Physical base of the predecoded window. Default 0. */
  codeBase?: number;
  /** Bytes of the predecoded window (code outside it is decoded at every execution). Default 1 MiB or the memory, if smaller. */
  codeBytes?: number;
}

const INSTANT_DEVICES: DevicePort = { read: () => 0, write: () => 0 };
/** Byte alignment each load/store op needs (mask of the low address bits that must be 0). */
const ALIGN = new Uint8Array(Op.Unimplemented + 1);
ALIGN[Op.Lh] = ALIGN[Op.Lhu] = ALIGN[Op.Sh] = 1;
ALIGN[Op.Lw] = ALIGN[Op.Ll] = ALIGN[Op.Sw] = ALIGN[Op.Sc] = 3;
const SIZE = new Uint8Array(Op.Unimplemented + 1).fill(4);
SIZE[Op.Lb] = SIZE[Op.Lbu] = SIZE[Op.Sb] = 1;
SIZE[Op.Lh] = SIZE[Op.Lhu] = SIZE[Op.Sh] = 2;

// Module-level copies of imported constants: the run loop reads these, not the imports (an
// imported binding can compile to a getter call per use). The op numbers in runFast's switch are
// literals with their names in comments, so V8 builds a jump table; a test checks every one
// against opcodes.ts (test/hw/isa/core-literals.test.ts).
const HI = REG_HI, LO = REG_LO, SINK = REG_SINK, PHYS = PHYS_MASK, WAIT = PENDING;

function log2(x: number): number {
  return 31 - Math.clz32(x);
}

export class IsaCore {
  /** GPRs 0-31, then HI (32), LO (33) and the sink for writes to r0 (34). */
  readonly r = new Int32Array(REG_SLOTS);
  /** Cycle from which each register's pending result may be read (interlocks). */
  readonly ready = new Float64Array(REG_SLOTS);
  pc = 0;
  npc = 4;
  /** CPU cycles since reset. */
  cycle = 0;
  /** Instructions issued (including those that raised an exception; not nullified slots). */
  instructions = 0;
  exceptions = 0;
  interrupts = 0;
  /** Branches and jumps taken (each costs `takenBranchPenaltyCycles`). */
  takenBranches = 0;
  /** Cycles lost, by StallCause. */
  readonly stalls = new Float64Array(STALL_CAUSES.length);
  uncachedReads = 0;
  uncachedWrites = 0;
  readonly icache: Cache;
  readonly dcache: Cache;
  readonly cp0: Cp0;
  readonly timing: IsaTimingParams;
  readonly memory: PhysicalMemory;
  memoryPort: MemoryPort;
  devicePort: DevicePort;
  devices: DeviceSpace;
  /** Why the last `run` stopped. */
  stop: StopReason = StopReason.Budget;
  /** PC and word of the unimplemented instruction that stopped the core. */
  unimplementedAt = -1;
  unimplementedWord = 0;

  private readonly pd: Predecoded;
  private readonly codeBase: number;
  private readonly codeWords: number;
  private readonly scratch: number; // slot for code outside the window
  private readonly dShift: number;
  /** The I-cache line (virtual, aligned) fetch is in, and the predecode slot of its first word; 1 = none. */
  private fetchLine = 1;
  private fetchBase = 0;
  /** The D-cache line (physical line number) the last access hit, and whether it is known dirty. */
  private dLine = -1;
  private dDirty = false;
  private dFastHits = 0;
  private hazardUntil = 0;
  private mdFree = 0;
  /** Instruction number (value of `instructions`) that sits in a branch delay slot. */
  private bdAt = -1;
  private llBit = false;
  /** Forces `run` to look at interrupts and the timer before the next instruction. */
  private attention = true;
  /** A port answered PENDING: the cause and the register whose result waits with it. */
  private waiting = false;
  private waitCause = 0;
  private waitReg = REG_SINK;
  private idleStop = false;
  /** Scratch results of the slow memory paths (no allocation). */
  private slowWord = 0;
  private slowExc = -1;
  private slowBad = 0;

  constructor(opts: IsaCoreOptions) {
    this.timing = { ...R4700_TIMING, ...opts.timing };
    validateTiming(this.timing);
    this.memory = opts.memory;
    this.memoryPort = opts.memoryPort;
    this.devicePort = opts.devicePort ?? INSTANT_DEVICES;
    this.devices = opts.devices ?? new EmptyDeviceSpace();
    this.icache = new Cache({ ...R4700_DCACHE, ...opts.icache });
    this.dcache = new Cache({ ...R4700_DCACHE, ...opts.dcache });
    this.dShift = log2(this.dcache.params.lineBytes);
    this.cp0 = new Cp0(this.timing.countDivider);
    const base = opts.codeBase ?? 0;
    const bytes = opts.codeBytes ?? Math.min(1 << 20, opts.memory.bytes - base);
    if (!Number.isInteger(base) || base < 0 || base % this.icache.params.lineBytes !== 0) throw new RangeError(`R4700: codeBase 0x${base.toString(16)} must be a line-aligned physical address`);
    if (!Number.isInteger(bytes) || bytes <= 0 || bytes % this.icache.params.lineBytes !== 0) throw new RangeError(`R4700: codeBytes ${bytes} must be a positive multiple of the I-cache line`);
    this.codeBase = base;
    this.codeWords = bytes >>> 2;
    this.scratch = this.codeWords;
    this.pd = new Predecoded(this.codeWords + 1);
    this.reset(0x80000000 | 0);
  }

  /** Cold reset with execution starting at `entry` (a virtual address). */
  reset(entry: number): void {
    this.r.fill(0);
    this.ready.fill(0);
    this.cycle = 0;
    this.instructions = 0;
    this.exceptions = 0;
    this.interrupts = 0;
    this.takenBranches = 0;
    this.stalls.fill(0);
    this.cp0.reset(0);
    this.setPc(entry);
    this.hazardUntil = 0;
    this.mdFree = 0;
    this.bdAt = -1;
    this.llBit = false;
    this.waiting = false;
    this.idleStop = false;
    this.attention = true;
    this.dLine = -1;
    this.pd.op.fill(Op.Undecoded);
  }

  /** Sets the PC (and the next PC after it), outside a delay slot. */
  setPc(va: number): void {
    this.pc = va | 0;
    this.npc = (va + 4) | 0;
    this.fetchLine = 1;
    this.bdAt = -1;
  }

  /** Whether the core is waiting for a port (`run` returned Pending). */
  get stalled(): boolean {
    return this.waiting;
  }

  /** Drives hardware interrupt line Int`n` (0-4). */
  setInterruptLine(n: number, asserted: boolean): void {
    this.cp0.setLine(n, asserted);
    this.attention = true;
  }

  /** The cycle the CPU next has something to do while idle: the timer if it can interrupt, else Infinity. */
  wakeCycle(): number {
    if (this.cp0.interruptPending()) return this.cycle;
    return this.cp0.timerCanWake() ? Math.max(this.cycle, this.cp0.timerAt) : Infinity;
  }

  /** Lets the idle CPU's clock run to `cycle` (counted as idle). */
  idleUntil(cycle: number): void {
    if (cycle > this.cycle) {
      this.stalls[StallCause.Idle]! += cycle - this.cycle;
      this.cycle = cycle;
    }
    this.attention = true;
  }

  /** A port answered: the stall it caused took `cycles`. */
  completeStall(cycles: number): void {
    if (!this.waiting) throw new Error("R4700: completeStall without a pending stall");
    this.waiting = false;
    this.addStall(cycles, this.waitCause, this.waitReg);
    this.tracer?.stallDone(this, cycles, this.waitCause);
  }

  /** The stall cause a PENDING stop waits on. */
  get pendingCause(): number {
    return this.waitCause;
  }

  private addStall(cycles: number, cause: number, reg: number): void {
    this.cycle += cycles;
    this.stalls[cause]! += cycles;
    // the frozen pipeline delays the result of the instruction that stalled
    if (this.ready[reg]! > this.cycle - cycles) {
      this.ready[reg]! += cycles;
      if (this.ready[reg]! > this.hazardUntil) this.hazardUntil = this.ready[reg]!;
    }
  }

  /** Drops D-cache lines a DMA engine overwrote in memory (no write-back). */
  invalidateData(pa: number, bytes: number): void {
    this.dcache.invalidate(pa, bytes);
    this.dLine = -1;
  }

  /** The stall counters by name. */
  stallsByCause(): Record<(typeof STALL_CAUSES)[number], number> {
    const out = {} as Record<(typeof STALL_CAUSES)[number], number>;
    STALL_CAUSES.forEach((n, i) => (out[n] = this.stalls[i]!));
    return out;
  }

  /** When set, every instruction is reported to it (exec-trace.ts): one instruction per inner run. */
  tracer: InstructionTracer | undefined = undefined;
  /** When set, cache look-ups go to it instead of the caches (CacheRecorder). */
  recorder: CacheRecorder | undefined = undefined;

  /**
   * Runs until `budget` more cycles are spent (at least one instruction issues unless the core
   * is waiting), a port answers PENDING, the idle loop, or an unimplemented instruction.
   */
  run(budget: number): StopReason {
    const t = this.tracer;
    if (t === undefined) return this.runFast(budget);
    const end = this.cycle + budget;
    let r: StopReason;
    do {
      t.before(this);
      r = this.runFast(1);
      t.after(this, r);
    } while (r === StopReason.Budget && this.cycle < end);
    return r;
  }

  private runFast(budget: number): StopReason {
    if (this.waiting) throw new Error("R4700: run() while a stall is pending (call completeStall first)");
    const r = this.r, ready = this.ready, stalls = this.stalls;
    const pd = this.pd, ops = pd.op, fd = pd.d, fs = pd.s, ft = pd.t, fimm = pd.imm;
    const words = this.memory.words, ramBytes = this.memory.bytes;
    const codeBase = this.codeBase, codeWords = this.codeWords;
    const dShift = this.dShift, iMask = -this.icache.params.lineBytes, fMask = iMask | 3;
    const tm = this.timing;
    const loadLat = tm.loadLatencyCycles, takenPen = tm.takenBranchPenaltyCycles, nullCyc = tm.nullifiedSlotCycles;
    const excCyc = tm.exceptionCycles;
    const cp0 = this.cp0;
    let pc = this.pc, npc = this.npc, cyc = this.cycle, n = this.instructions;
    let line = this.fetchLine, base = this.fetchBase;
    let haz = this.hazardUntil, bdAt = this.bdAt;
    let taken = 0; // taken branches and jumps in this call (their penalty is added to the stalls at the end)
    let cseg = cp0.kseg0Cached ? 4 : -1;
    const end = cyc + budget;
    let stopAt = this.attention ? cyc : Math.min(end, cp0.timerAt);
    this.stop = 0 /* StopReason.Budget */;
    this.dFastHits = 0;

    for (;;) {
      if (cyc >= stopAt) {
        // -- between instructions: stops, the timer, interrupts
        if (this.waiting || this.idleStop || this.stop === 3 /* StopReason.Unimplemented */) break;
        this.attention = false;
        if (cyc >= cp0.timerAt) cp0.timerFired();
        cseg = cp0.kseg0Cached ? 4 : -1;
        if (cp0.interruptPending()) {
          const bd = bdAt === n;
          pc = cp0.enter(0 /* Exc.Int */, bd ? (pc - 4) | 0 : pc, bd, 0);
          npc = (pc + 4) | 0;
          bdAt = -1;
          cyc += excCyc;
          stalls[7 /* StallCause.Exception */]! += excCyc;
          this.interrupts++;
        }
        if (cyc >= end) break;
        stopAt = Math.min(end, cp0.timerAt);
        continue;
      }

      // -- fetch
      let i: number;
      if ((pc & fMask) === line) { // a misaligned pc never matches (line is aligned): fetch faults it
        i = base + ((pc & ~iMask) >>> 2);
      } else {
        this.pc = pc;
        this.cycle = cyc; // for a recorder
        i = this.fetch(pc);
        line = this.fetchLine;
        base = this.fetchBase;
        if (i < 0) {
          if (i === WAIT) {
            this.waitCause = 2 /* StallCause.IFetch */;
            this.waitReg = SINK;
            break;
          }
          // fetch exception (address error or bus error)
          const bd = bdAt === n;
          pc = cp0.enter(this.slowExc, bd ? (pc - 4) | 0 : pc, bd, this.slowBad);
          npc = (pc + 4) | 0;
          bdAt = -1;
          cyc += excCyc;
          stalls[7 /* StallCause.Exception */]! += excCyc;
          this.exceptions++;
          continue;
        }
        cyc += this.fetchStall;
      }
      if (ops[i] === 0 /* Op.Undecoded */) decodeInto(words[(codeBase >>> 2) + i]!, pd, i);

      // -- interlock: wait for the operands
      if (cyc < haz) {
        const a = ready[fs[i]!]!, b = ready[ft[i]!]!;
        const m = a > b ? a : b;
        if (m > cyc) {
          stalls[fs[i]! >= HI ? 1 /* StallCause.MulDiv */ : 0 /* StallCause.LoadUse */]! += m - cyc; // HI/LO are only ever s
          cyc = m;
        }
      }

      const cur = pc;
      pc = npc;
      npc = (npc + 4) | 0;
      const op = ops[i]!;
      switch (op) {
        case 1 /* Op.Nop */:
        case 82 /* Op.Sync */:
          break;
        case 2 /* Op.Sll */: r[fd[i]!] = r[ft[i]!]! << fimm[i]!; break;
        case 3 /* Op.Srl */: r[fd[i]!] = r[ft[i]!]! >>> fimm[i]!; break;
        case 4 /* Op.Sra */: r[fd[i]!] = r[ft[i]!]! >> fimm[i]!; break;
        case 5 /* Op.Sllv */: r[fd[i]!] = r[ft[i]!]! << (r[fs[i]!]! & 31); break;
        case 6 /* Op.Srlv */: r[fd[i]!] = r[ft[i]!]! >>> (r[fs[i]!]! & 31); break;
        case 7 /* Op.Srav */: r[fd[i]!] = r[ft[i]!]! >> (r[fs[i]!]! & 31); break;
        case 9 /* Op.Addu */: r[fd[i]!] = r[fs[i]!]! + r[ft[i]!]!; break;
        case 11 /* Op.Subu */: r[fd[i]!] = r[fs[i]!]! - r[ft[i]!]!; break;
        case 12 /* Op.And */: r[fd[i]!] = r[fs[i]!]! & r[ft[i]!]!; break;
        case 13 /* Op.Or */: r[fd[i]!] = r[fs[i]!]! | r[ft[i]!]!; break;
        case 14 /* Op.Xor */: r[fd[i]!] = r[fs[i]!]! ^ r[ft[i]!]!; break;
        case 15 /* Op.Nor */: r[fd[i]!] = ~(r[fs[i]!]! | r[ft[i]!]!); break;
        case 16 /* Op.Slt */: r[fd[i]!] = r[fs[i]!]! < r[ft[i]!]! ? 1 : 0; break;
        case 17 /* Op.Sltu */: r[fd[i]!] = r[fs[i]!]! >>> 0 < r[ft[i]!]! >>> 0 ? 1 : 0; break;
        case 19 /* Op.Addiu */: r[fd[i]!] = r[fs[i]!]! + fimm[i]!; break;
        case 20 /* Op.Slti */: r[fd[i]!] = r[fs[i]!]! < fimm[i]! ? 1 : 0; break;
        case 21 /* Op.Sltiu */: r[fd[i]!] = r[fs[i]!]! >>> 0 < fimm[i]! >>> 0 ? 1 : 0; break;
        case 22 /* Op.Andi */: r[fd[i]!] = r[fs[i]!]! & fimm[i]!; break;
        case 23 /* Op.Ori */: r[fd[i]!] = r[fs[i]!]! | fimm[i]!; break;
        case 24 /* Op.Xori */: r[fd[i]!] = r[fs[i]!]! ^ fimm[i]!; break;
        case 25 /* Op.Lui */: r[fd[i]!] = fimm[i]!; break;
        case 8 /* Op.Add */:
        case 10 /* Op.Sub */:
        case 18 /* Op.Addi */: {
          const a = r[fs[i]!]!, b = op === 18 /* Op.Addi */ ? fimm[i]! : r[ft[i]!]!;
          const v = op === 10 /* Op.Sub */ ? a - b : a + b;
          if (v > 0x7fffffff || v < -0x80000000) {
            pc = this.raise(12 /* Exc.Ov */, cur, bdAt === n, 0); npc = (pc + 4) | 0; cyc += excCyc;
            break;
          }
          r[fd[i]!] = v;
          break;
        }

        // -- multiply and divide (HI/LO written at issue; reads interlock on ready[HI/LO])
        case 26 /* Op.Mult */:
        case 27 /* Op.Multu */:
        case 28 /* Op.Div */:
        case 29 /* Op.Divu */: {
          if (this.mdFree > cyc) {
            stalls[1 /* StallCause.MulDiv */]! += this.mdFree - cyc;
            cyc = this.mdFree;
          }
          const a = r[fs[i]!]!, b = r[ft[i]!]!;
          let lat: number;
          if (op === 26 /* Op.Mult */) {
            r[LO] = Math.imul(a, b);
            r[HI] = mulhs(a, b);
            lat = tm.multLatencyCycles;
            this.mdFree = cyc + tm.multRepeatCycles;
          } else if (op === 27 /* Op.Multu */) {
            r[LO] = Math.imul(a, b);
            r[HI] = mulhu(a, b);
            lat = tm.multLatencyCycles;
            this.mdFree = cyc + tm.multRepeatCycles;
          } else {
            this.divide(a, b, op === 28 /* Op.Div */);
            lat = tm.divLatencyCycles;
            this.mdFree = cyc + tm.divRepeatCycles;
          }
          const done = cyc + lat;
          ready[HI] = done;
          ready[LO] = done;
          if (done > haz) haz = done;
          break;
        }
        case 30 /* Op.Mfhi */: r[fd[i]!] = r[HI]!; break;
        case 31 /* Op.Mflo */: r[fd[i]!] = r[LO]!; break;
        case 32 /* Op.Mthi */: r[HI] = r[fs[i]!]!; ready[HI] = 0; break;
        case 33 /* Op.Mtlo */: r[LO] = r[fs[i]!]!; ready[LO] = 0; break;

        // -- jumps and branches (the delay slot at `pc` runs next; the target is in npc)
        case 34 /* Op.J */:
          npc = ((cur & 0xf0000000) | fimm[i]!) | 0;
          bdAt = n + 1;
          cyc += takenPen; taken++;
          break;
        case 35 /* Op.Jal */:
          r[31] = (cur + 8) | 0;
          npc = ((cur & 0xf0000000) | fimm[i]!) | 0;
          bdAt = n + 1;
          cyc += takenPen; taken++;
          break;
        case 36 /* Op.Jr */:
          npc = r[fs[i]!]!;
          bdAt = n + 1;
          cyc += takenPen; taken++;
          break;
        case 37 /* Op.Jalr */: {
          const target = r[fs[i]!]!;
          r[fd[i]!] = (cur + 8) | 0;
          npc = target;
          bdAt = n + 1;
          cyc += takenPen; taken++;
          break;
        }
        case 38 /* Op.Beq */:
          bdAt = n + 1;
          if (r[fs[i]!] === r[ft[i]!]) {
            if (fimm[i] === -4 && fs[i] === 0 && ft[i] === 0 && this.isIdleLoop(cur)) {
              pc = cur;
              npc = (cur + 4) | 0;
              bdAt = -1;
              this.idleStop = true;
              stopAt = -1;
              break;
            }
            npc = (cur + 4 + fimm[i]!) | 0;
            cyc += takenPen; taken++;
          }
          break;
        case 39 /* Op.Bne */:
          bdAt = n + 1;
          if (r[fs[i]!] !== r[ft[i]!]) { npc = (cur + 4 + fimm[i]!) | 0; cyc += takenPen; taken++; }
          break;
        case 40 /* Op.Blez */:
          bdAt = n + 1;
          if (r[fs[i]!]! <= 0) { npc = (cur + 4 + fimm[i]!) | 0; cyc += takenPen; taken++; }
          break;
        case 41 /* Op.Bgtz */:
          bdAt = n + 1;
          if (r[fs[i]!]! > 0) { npc = (cur + 4 + fimm[i]!) | 0; cyc += takenPen; taken++; }
          break;
        case 42 /* Op.Bltz */:
          bdAt = n + 1;
          if (r[fs[i]!]! < 0) { npc = (cur + 4 + fimm[i]!) | 0; cyc += takenPen; taken++; }
          break;
        case 43 /* Op.Bgez */:
          bdAt = n + 1;
          if (r[fs[i]!]! >= 0) { npc = (cur + 4 + fimm[i]!) | 0; cyc += takenPen; taken++; }
          break;
        case 44 /* Op.Bltzal */: {
          const v = r[fs[i]!]!;
          r[31] = (cur + 8) | 0;
          bdAt = n + 1;
          if (v < 0) { npc = (cur + 4 + fimm[i]!) | 0; cyc += takenPen; taken++; }
          break;
        }
        case 45 /* Op.Bgezal */: {
          const v = r[fs[i]!]!;
          r[31] = (cur + 8) | 0;
          bdAt = n + 1;
          if (v >= 0) { npc = (cur + 4 + fimm[i]!) | 0; cyc += takenPen; taken++; }
          break;
        }
        case 46 /* Op.Beql */:
        case 47 /* Op.Bnel */:
        case 48 /* Op.Blezl */:
        case 49 /* Op.Bgtzl */:
        case 50 /* Op.Bltzl */:
        case 51 /* Op.Bgezl */:
        case 52 /* Op.Bltzall */:
        case 53 /* Op.Bgezall */: {
          const a = r[fs[i]!]!;
          let take: boolean;
          switch (op) {
            case 46 /* Op.Beql */: take = a === r[ft[i]!]; break;
            case 47 /* Op.Bnel */: take = a !== r[ft[i]!]; break;
            case 48 /* Op.Blezl */: take = a <= 0; break;
            case 49 /* Op.Bgtzl */: take = a > 0; break;
            case 50 /* Op.Bltzl */: case 52 /* Op.Bltzall */: take = a < 0; break;
            default: take = a >= 0;
          }
          if (op === 52 /* Op.Bltzall */ || op === 53 /* Op.Bgezall */) r[31] = (cur + 8) | 0;
          if (take) {
            npc = (cur + 4 + fimm[i]!) | 0;
            bdAt = n + 1;
            cyc += takenPen; taken++;
          } else {
            // not taken: the delay slot is nullified
            pc = npc;
            npc = (npc + 4) | 0;
            cyc += nullCyc;
            stalls[6 /* StallCause.Branch */]! += nullCyc;
          }
          break;
        }

        // -- loads
        case 54 /* Op.Lb */:
        case 55 /* Op.Lbu */:
        case 56 /* Op.Lh */:
        case 57 /* Op.Lhu */:
        case 58 /* Op.Lw */:
        case 59 /* Op.Lwl */:
        case 60 /* Op.Lwr */:
        case 61 /* Op.Ll */: {
          const va = (r[fs[i]!]! + fimm[i]!) | 0;
          const d = fd[i]!;
          let w: number;
          if ((va & ALIGN[op]!) !== 0) {
            pc = this.raise(4 /* Exc.AdEL */, cur, bdAt === n, va); npc = (pc + 4) | 0; cyc += excCyc;
            break;
          }
          const pa = va & PHYS;
          if (va >>> 29 === cseg && pa < ramBytes) {
            if (pa >>> dShift !== this.dLine) {
              this.cycle = cyc; // for a recorder
              const st = this.dAccess(pa, false);
              if (st === WAIT) stopAt = this.pend(3 /* StallCause.DCache */, d);
              else cyc += st;
            } else this.dFastHits++;
            w = words[pa >>> 2]!;
          } else {
            const st = this.loadSlow(va, pa, SIZE[op]!);
            if (st === -2) {
              pc = this.raise(this.slowExc, cur, bdAt === n, this.slowBad); npc = (pc + 4) | 0; cyc += excCyc;
              break;
            }
            if (st === WAIT) stopAt = this.pend(5 /* StallCause.Uncached */, d);
              else cyc += st;
            w = this.slowWord;
          }
          const b8 = (va & 3) << 3;
          switch (op) {
            case 54 /* Op.Lb */: r[d] = (w << b8) >> 24; break;
            case 55 /* Op.Lbu */: r[d] = (w << b8) >>> 24; break;
            case 56 /* Op.Lh */: r[d] = (w << b8) >> 16; break;
            case 57 /* Op.Lhu */: r[d] = (w << b8) >>> 16; break;
            case 59 /* Op.Lwl */: r[d] = b8 === 0 ? w : (w << b8) | (r[d]! & ((1 << b8) - 1)); break;
            case 60 /* Op.Lwr */: r[d] = b8 === 24 ? w : (w >>> (24 - b8)) | (r[d]! & ~(-1 >>> (24 - b8))); break;
            case 61 /* Op.Ll */: r[d] = w; this.llBit = true; cp0.regs[17 /* Cp0Reg.LLAddr */] = pa >>> 4; break;
            default: r[d] = w;
          }
          const at = cyc + loadLat;
          ready[d] = at;
          if (at > haz) haz = at;
          break;
        }

        // -- stores
        case 62 /* Op.Sb */:
        case 63 /* Op.Sh */:
        case 64 /* Op.Sw */:
        case 65 /* Op.Swl */:
        case 66 /* Op.Swr */:
        case 67 /* Op.Sc */: {
          const va = (r[fs[i]!]! + fimm[i]!) | 0;
          const v = r[ft[i]!]!;
          if ((va & ALIGN[op]!) !== 0) {
            pc = this.raise(5 /* Exc.AdES */, cur, bdAt === n, va); npc = (pc + 4) | 0; cyc += excCyc;
            break;
          }
          if (op === 67 /* Op.Sc */) {
            r[fd[i]!] = this.llBit ? 1 : 0;
            if (!this.llBit) break;
          }
          const pa = va & PHYS;
          if (va >>> 29 === cseg && pa < ramBytes) {
            if (pa >>> dShift !== this.dLine || !this.dDirty) {
              this.cycle = cyc; // for a recorder
              const st = this.dAccess(pa, true);
              if (st === WAIT) stopAt = this.pend(3 /* StallCause.DCache */, SINK);
              else cyc += st;
            } else this.dFastHits++;
          } else {
            const st = this.storeSlow(va, pa, SIZE[op]!, op, v);
            if (st === -2) {
              pc = this.raise(this.slowExc, cur, bdAt === n, this.slowBad); npc = (pc + 4) | 0; cyc += excCyc;
              break;
            }
            if (st === WAIT) stopAt = this.pend(5 /* StallCause.Uncached */, SINK);
              else cyc += st;
            if (pa >= ramBytes) break; // a device register: nothing in DRAM changes
          }
          const k = pa >>> 2;
          const b8 = (va & 3) << 3;
          switch (op) {
            case 62 /* Op.Sb */: { const sh = 24 - b8; words[k] = (words[k]! & ~(0xff << sh)) | ((v & 0xff) << sh); break; }
            case 63 /* Op.Sh */: { const sh = 16 - b8; words[k] = (words[k]! & ~(0xffff << sh)) | ((v & 0xffff) << sh); break; }
            case 65 /* Op.Swl */: words[k] = b8 === 0 ? v : (words[k]! & ~(-1 >>> b8)) | (v >>> b8); break;
            case 66 /* Op.Swr */: words[k] = b8 === 24 ? v : (words[k]! & (-1 >>> (b8 + 8))) | (v << (24 - b8)); break;
            default: words[k] = v;
          }
          // a store into predecoded code: decode that word again when it runs
          const slot = k - (codeBase >>> 2);
          if (slot >= 0 && slot < codeWords) ops[slot] = 0 /* Op.Undecoded */;
          break;
        }

        // -- traps (register forms compare rs with rt, immediate forms with the immediate)
        case 68 /* Op.Tge */:
        case 69 /* Op.Tgeu */:
        case 70 /* Op.Tlt */:
        case 71 /* Op.Tltu */:
        case 72 /* Op.Teq */:
        case 73 /* Op.Tne */:
        case 74 /* Op.Tgei */:
        case 75 /* Op.Tgeiu */:
        case 76 /* Op.Tlti */:
        case 77 /* Op.Tltiu */:
        case 78 /* Op.Teqi */:
        case 79 /* Op.Tnei */: {
          const a = r[fs[i]!]!, b = op >= 74 /* Op.Tgei */ ? fimm[i]! : r[ft[i]!]!;
          let hit: boolean;
          switch (op) {
            case 68 /* Op.Tge */: case 74 /* Op.Tgei */: hit = a >= b; break;
            case 69 /* Op.Tgeu */: case 75 /* Op.Tgeiu */: hit = a >>> 0 >= b >>> 0; break;
            case 70 /* Op.Tlt */: case 76 /* Op.Tlti */: hit = a < b; break;
            case 71 /* Op.Tltu */: case 77 /* Op.Tltiu */: hit = a >>> 0 < b >>> 0; break;
            case 72 /* Op.Teq */: case 78 /* Op.Teqi */: hit = a === b; break;
            default: hit = a !== b;
          }
          if (hit) { pc = this.raise(13 /* Exc.Tr */, cur, bdAt === n, 0); npc = (pc + 4) | 0; cyc += excCyc; }
          break;
        }

        // -- system
        case 80 /* Op.Syscall */:
        case 81 /* Op.Break */:
        case 87 /* Op.Reserved */:
        case 88 /* Op.CopUnusable */: {
          const code = op === 80 /* Op.Syscall */ ? 8 /* Exc.Sys */ : op === 81 /* Op.Break */ ? 9 /* Exc.Bp */ : op === 87 /* Op.Reserved */ ? 10 /* Exc.RI */ : 11 /* Exc.CpU */;
          pc = this.raise(code, cur, bdAt === n, 0, fimm[i]!); npc = (pc + 4) | 0; cyc += excCyc;
          break;
        }
        case 84 /* Op.Mfc0 */: {
          const d = fd[i]!;
          r[d] = cp0.read(fimm[i]!, cyc);
          const at = cyc + tm.mfc0LatencyCycles;
          ready[d] = at;
          if (at > haz) haz = at;
          break;
        }
        case 85 /* Op.Mtc0 */:
          if (cp0.write(fimm[i]!, r[fs[i]!]!, cyc)) stopAt = cyc + 1;
          break;
        case 86 /* Op.Eret */:
          pc = cp0.eret();
          npc = (pc + 4) | 0;
          this.llBit = false;
          cyc += tm.eretCycles;
          stalls[7 /* StallCause.Exception */]! += tm.eretCycles;
          stopAt = cyc + 1; // interrupts may be enabled again
          break;
        case 83 /* Op.Cache */: {
          const st = this.cacheOp(fd[i]!, (r[fs[i]!]! + fimm[i]!) | 0);
          line = 1; // the I-cache may have changed
          if (st === WAIT) stopAt = this.pend(4 /* StallCause.CacheOp */, SINK);
              else cyc += st;
          break;
        }
        case 89 /* Op.Unimplemented */:
          this.stop = 3 /* StopReason.Unimplemented */;
          this.unimplementedAt = cur >>> 0;
          this.unimplementedWord = this.wordAt(cur);
          pc = cur;
          npc = (cur + 4) | 0;
          stopAt = -1;
          cyc--; // not issued
          n--;
          break;
        default:
          throw new Error(`R4700: no handler for op ${op} at 0x${(cur >>> 0).toString(16)}`);
      }
      cyc++;
      n++;
    }

    this.pc = pc;
    this.npc = npc;
    this.cycle = cyc;
    this.instructions = n;
    this.fetchLine = line;
    this.fetchBase = base;
    this.hazardUntil = haz;
    this.bdAt = bdAt;
    this.dcache.hits += this.dFastHits;
    this.takenBranches += taken;
    stalls[6 /* StallCause.Branch */]! += taken * takenPen;
    if (this.waiting) this.stop = 1 /* StopReason.Pending */;
    else if (this.idleStop) {
      this.idleStop = false;
      this.attention = true;
      this.stop = 2 /* StopReason.Idle */;
    } else if (this.stop !== 3 /* StopReason.Unimplemented */) this.stop = 0 /* StopReason.Budget */;
    return this.stop;
  }

  /** Cycles the last `fetch` stalled (when it answered at once). */
  private fetchStall = 0;
  /** Physical address of an uncached instruction fetch that answered PENDING (its retry must not fetch again). */
  private uncachedFetched = -1;

  /**
   * Fetch from a new I-cache line: segment, alignment, cache look-up (and refill), predecode
   * slot. Returns the slot, PENDING (refill under way; the line is installed, so the retry
   * after `completeStall` hits), or -2 with `slowExc`/`slowBad` set.
   */
  private fetch(va: number): number {
    this.fetchStall = 0;
    const seg = va >>> 29;
    if ((va & 3) !== 0 || (seg !== 4 && seg !== 5)) {
      this.slowExc = (va & 3) !== 0 ? Exc.AdEL : Exc.TLBL;
      this.slowBad = va;
      this.fetchLine = 1;
      return -2;
    }
    const pa = va & PHYS_MASK;
    if (pa >= this.memory.bytes) {
      this.slowExc = Exc.IBE;
      this.slowBad = va;
      this.fetchLine = 1;
      return -2;
    }
    const lb = this.icache.params.lineBytes;
    const slot = (pa >>> 2) - (this.codeBase >>> 2);
    const cached = seg === 4 && this.cp0.kseg0Cached;
    if (!cached) {
      // uncached fetch: one word over the memory bus for every instruction
      this.fetchLine = 1;
      this.decodeScratch(pa);
      if (this.uncachedFetched === pa) {
        this.uncachedFetched = -1; // the word a pending fetch brought
        return this.scratch;
      }
      const st = this.memoryPort.transfer(pa, 4, -1, 0);
      if (st === PENDING) {
        this.waiting = true;
        this.uncachedFetched = pa;
        return PENDING;
      }
      this.stalls[StallCause.IFetch]! += st;
      this.fetchStall = st;
      return this.scratch;
    }
    const inWindow = slot >= 0 && slot < this.codeWords;
    this.fetchLine = inWindow ? va & -lb : 1;
    this.fetchBase = inWindow ? slot - ((pa & (lb - 1)) >>> 2) : 0;
    const idx = inWindow ? slot : this.scratch;
    if (!inWindow) this.decodeScratch(pa);
    if (this.recorder !== undefined) {
      this.recorder.fetch(pa);
      return idx;
    }
    if (this.icache.access(pa, false) !== CacheOutcome.Hit) {
      const st = this.memoryPort.transfer(pa - (pa & (lb - 1)), lb, -1, 0);
      if (st === PENDING) {
        this.waiting = true;
        return PENDING;
      }
      this.stalls[StallCause.IFetch]! += st;
      this.fetchStall = st;
    }
    return idx;
  }

  private decodeScratch(pa: number): void {
    decodeInto(this.memory.words[pa >>> 2]!, this.pd, this.scratch);
  }

  /** D-cache access that missed the last-line shortcut: the look-up and any refill. Returns stall cycles or PENDING. */
  private dAccess(pa: number, write: boolean): number {
    if (this.recorder !== undefined) {
      this.recorder.data(pa, write);
      this.dLine = pa >>> this.dShift;
      this.dDirty = write;
      return 0;
    }
    const c = this.dcache;
    const o = c.access(pa, write);
    this.dLine = pa >>> this.dShift;
    this.dDirty = write;
    if (o === CacheOutcome.Hit) return 0;
    const lb = c.params.lineBytes;
    const lineAddr = pa - (pa & (lb - 1));
    const st = o === CacheOutcome.MissDirty ? this.memoryPort.transfer(lineAddr, lb, c.victimAddr, lb) : this.memoryPort.transfer(lineAddr, lb, -1, 0);
    if (st !== PENDING) this.stalls[StallCause.DCache]! += st;
    return st;
  }

  /**
   * A load that is not a cached DRAM access: uncached DRAM (kseg1, or kseg0 with K0 uncached),
   * a device register, or a fault. Puts the word (big-endian lanes, as DRAM would present it)
   * in `slowWord`; returns stall cycles, PENDING, or -2 with `slowExc` set.
   */
  private loadSlow(va: number, pa: number, bytes: number): number {
    const seg = va >>> 29;
    if (seg !== 4 && seg !== 5) return this.fault(Exc.TLBL, va);
    this.uncachedReads++;
    if (seg === 4 && pa >= this.memory.bytes) return this.fault(Exc.DBE, va);
    const rec = this.recorder;
    if (rec !== undefined && rec.uncached !== undefined) rec.uncached(pa, false, bytes);
    if (pa < this.memory.bytes) {
      this.slowWord = this.memory.words[pa >>> 2]!;
      if (rec !== undefined) return 0;
      const st = this.memoryPort.transfer(pa, bytes, -1, 0);
      if (st !== PENDING) this.stalls[StallCause.Uncached]! += st;
      return st;
    }
    const lane = (4 - bytes - (pa & 3)) << 3;
    const v = this.devices.load(pa, bytes);
    this.slowWord = bytes === 4 ? v | 0 : (v & (bytes === 1 ? 0xff : 0xffff)) << lane;
    if (rec !== undefined) return 0;
    const st = this.devicePort.read(pa, bytes);
    if (st !== PENDING) this.stalls[StallCause.Uncached]! += st;
    return st;
  }

  /** A store that is not a cached DRAM access (see loadSlow). The caller writes DRAM; devices are written here. */
  private storeSlow(va: number, pa: number, bytes: number, op: number, v: number): number {
    const seg = va >>> 29;
    if (seg !== 4 && seg !== 5) return this.fault(Exc.TLBS, va);
    this.uncachedWrites++;
    if (seg === 4 && pa >= this.memory.bytes) return this.fault(Exc.DBE, va);
    const rec = this.recorder;
    if (rec !== undefined && rec.uncached !== undefined) rec.uncached(pa, true, bytes);
    let st: number;
    if (pa >= this.memory.bytes) this.devices.store(pa, bytes, op === Op.Swl || op === Op.Swr ? v : bytes === 4 ? v : v & (bytes === 1 ? 0xff : 0xffff));
    if (rec !== undefined) return 0;
    if (pa < this.memory.bytes) st = this.memoryPort.transfer(-1, 0, pa, bytes);
    else st = this.devicePort.write(pa, bytes);
    if (st !== PENDING) this.stalls[StallCause.Uncached]! += st;
    return st;
  }

  private fault(code: number, va: number): number {
    this.slowExc = code;
    this.slowBad = va;
    return -2;
  }

  /** A port answered PENDING: the core stops after this instruction. Returns the run loop's new stop cycle (-1: now). */
  private pend(cause: number, reg: number): number {
    this.waiting = true;
    this.waitCause = cause;
    this.waitReg = reg;
    return -1;
  }

  /** Exception entry for the instruction at `cur`; returns the vector. */
  private raise(code: number, cur: number, bd: boolean, badVAddr: number, coprocessor = 0): number {
    this.exceptions++;
    this.stalls[StallCause.Exception]! += this.timing.exceptionCycles;
    return this.cp0.enter(code, bd ? (cur - 4) | 0 : cur, bd, badVAddr, coprocessor);
  }

  /** DIV/DIVU into HI/LO. Division by zero is unpredictable on MIPS; this model leaves LO = -1 (signed: +1 for a negative dividend) and HI = the dividend. */
  private divide(a: number, b: number, signed: boolean): void {
    const r = this.r;
    if (b === 0) {
      r[REG_LO] = signed && a < 0 ? 1 : -1;
      r[REG_HI] = a;
    } else if (signed) {
      if (a === -0x80000000 && b === -1) {
        r[REG_LO] = a;
        r[REG_HI] = 0;
      } else {
        r[REG_LO] = (a / b) | 0;
        r[REG_HI] = a % b;
      }
    } else {
      const ua = a >>> 0, ub = b >>> 0;
      r[REG_LO] = Math.floor(ua / ub) | 0;
      r[REG_HI] = ua % ub | 0;
    }
  }

  /** `b .` with a NOP in its delay slot. */
  private isIdleLoop(cur: number): boolean {
    const pa = (cur + 4) & PHYS_MASK;
    return pa < this.memory.bytes && this.memory.words[pa >>> 2] === 0;
  }

  private wordAt(va: number): number {
    const pa = va & PHYS_MASK;
    return pa < this.memory.bytes ? this.memory.words[pa >>> 2]! >>> 0 : 0;
  }

  /** The CACHE instruction (cache-ops.ts). Returns stall cycles (a dirty line's write-back) or PENDING. */
  private cacheOp(code: number, va: number): number {
    const pa = va & PHYS_MASK;
    this.dLine = -1;
    const rec = this.recorder;
    if (rec !== undefined && (code === CacheOp.HitWritebackD || code === CacheOp.HitWritebackInvalidateD)) {
      // the board's D-cache holds the line (a recorder's core runs as if every look-up hit)
      rec.writeback?.(pa);
      return 0;
    }
    let victim = -1;
    switch (code) {
      case CacheOp.IndexInvalidateI: cacheOps.indexWritebackInvalidate(this.icache, va); break;
      case CacheOp.IndexWritebackInvalidateD: victim = cacheOps.indexWritebackInvalidate(this.dcache, va); break;
      case CacheOp.IndexLoadTagI: this.cp0.regs[Cp0Reg.TagLo] = cacheOps.indexLoadTag(this.icache, va); break;
      case CacheOp.IndexLoadTagD: this.cp0.regs[Cp0Reg.TagLo] = cacheOps.indexLoadTag(this.dcache, va); break;
      case CacheOp.IndexStoreTagI: cacheOps.indexStoreTag(this.icache, va, this.cp0.regs[Cp0Reg.TagLo]!); break;
      case CacheOp.IndexStoreTagD: cacheOps.indexStoreTag(this.dcache, va, this.cp0.regs[Cp0Reg.TagLo]!); break;
      case CacheOp.HitInvalidateI: cacheOps.hitInvalidate(this.icache, pa); break;
      case CacheOp.HitInvalidateD: cacheOps.hitInvalidate(this.dcache, pa); break;
      case CacheOp.HitWritebackInvalidateD: victim = cacheOps.hitWritebackInvalidate(this.dcache, pa); break;
      case CacheOp.HitWritebackD: victim = cacheOps.hitWriteback(this.dcache, pa); break;
      case CacheOp.FillI: {
        if (this.icache.access(pa, false) === CacheOutcome.Hit) return 0;
        const lb = this.icache.params.lineBytes;
        const st = this.memoryPort.transfer(pa - (pa & (lb - 1)), lb, -1, 0);
        if (st !== PENDING) this.stalls[StallCause.CacheOp]! += st;
        return st;
      }
      case CacheOp.CreateDirtyExclusiveD: {
        // the line becomes valid and dirty without a refill (its data stays in DRAM here)
        const o = this.dcache.access(pa, true);
        if (o === CacheOutcome.MissDirty) victim = this.dcache.victimAddr;
        break;
      }
      default:
        return 0; // secondary-cache operations: the R4700 has none
    }
    if (victim < 0) return 0;
    const lb = this.dcache.params.lineBytes;
    const st = this.memoryPort.transfer(-1, 0, victim, lb);
    if (st !== PENDING) this.stalls[StallCause.CacheOp]! += st;
    return st;
  }
}
