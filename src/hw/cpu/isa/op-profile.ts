/**
 * A flat profile of the instruction-level R4700 by firmware operation (like gprof's flat profile,
 * with each op's callees that are ops of their own excluded): scripts/op-costs.ts uses it to derive
 * the op table of the trace-replay model (op-costs.ts) from the C firmware's measured instructions.
 *
 * Each op is one or more functions of the image (by ELF symbol). An instruction belongs to the op of
 * the innermost op function on the call stack, so a helper that is no op (a static function GCC kept
 * out of line) counts to its caller's op. The stack is followed from the PCs alone: entering an op
 * function's first instruction pushes it with the return address in $ra (a sibling call's `j`
 * leaves its caller's $ra, so both leave together), and reaching the top's return address pops it.
 * An interrupt pushes `entry` with EPC as its return address; the instructions from `exit` (a
 * label in crt0.S's exception handler) to the end of that handler are the exit op. A call of an op
 * is an entry into its primary function (or the vector, or the exit label).
 *
 * With `footprint`, it is also the core's CacheRecorder (the core then runs as if every look-up hit,
 * so an op's cycles are its pipeline's alone): each I-cache line an op's instructions enter and each
 * D-cache line they reach, outside the ranges `exclude` names, is counted per op in how many of its
 * calls touched it (and wrote it): what the op's code and data are, for the trace model.
 *
 * Runs as the core's InstructionTracer (one instruction per inner run): for measuring, not speed.
 */
import { PHYS_MASK } from "./address.ts";
import { Status } from "./cp0.ts";
import type { CacheRecorder, InstructionTracer, IsaCore } from "./core.ts";
import { decodeInto, Predecoded } from "./decode.ts";
import type { ElfImage } from "./elf.ts";
import { OP_CLASS, OpClass } from "./opcodes.ts";

/** The line size the footprints count in (the R4700's I- and D-cache lines, docs/hardware.md §1). */
const LINE_BYTES = 32;

export interface OpFunctions {
  op: string;
  /** Functions (ELF symbols) whose instructions are this op's; the first is the one whose entries count as calls. */
  functions: readonly string[];
  /** false: no function's entries count as calls (the interrupt entry's calls are the interrupts taken). Default true. */
  primary?: boolean;
}

export interface OpTotals {
  calls: number;
  instructions: number;
  /** Loads and stores executed (cached and uncached). */
  accesses: number;
  cycles: number;
}

/** A line an op touched: in how many of its calls, and in how many of those it was written. */
export interface LineUse {
  calls: number;
  writes: number;
  /** The call that last touched it (counted once a call). */
  lastCall: number;
  lastWrite: number;
}

export class OpProfile implements InstructionTracer, CacheRecorder {
  readonly ops: readonly string[];
  readonly totals: OpTotals[];
  /** Instructions outside every op (the idle loop, start-up). */
  unattributed = 0;
  private readonly entryOp = new Map<number, number>();
  private readonly primary = new Set<number>();
  private readonly stackOp: Int32Array;
  private readonly stackRa: Int32Array;
  private readonly stackFn: Int32Array;
  private depth = 0;
  private readonly pd = new Predecoded(1);
  private pc = 0;
  private ra = 0;
  private n0 = 0;
  private cycle0 = 0;
  private ints = 0;
  /** Per op: the I-cache lines its instructions entered, and the D-cache lines they reached (with `footprint`). */
  readonly iLines: Map<number, LineUse>[];
  readonly dLines: Map<number, LineUse>[];
  private readonly excluded: { from: number; to: number }[] = [];
  private readonly pendAddr = new Int32Array(64);
  private readonly pendKind = new Uint8Array(64);
  private pendN = 0;

  /**
   * @param entry the op an interrupt enters (its calls: interrupts taken)
   * @param exit the op of [exitLabel, the next symbol after it)
   */
  constructor(image: ElfImage, table: readonly OpFunctions[], readonly entry: string, readonly exit: string, exitLabel: string) {
    this.ops = table.map((t) => t.op);
    this.totals = table.map(() => ({ calls: 0, instructions: 0, accesses: 0, cycles: 0 }));
    this.iLines = table.map(() => new Map());
    this.dLines = table.map(() => new Map());
    const sym = (n: string) => {
      const s = image.symbols.get(n);
      if (!s) throw new RangeError(`op profile: no symbol ${n} in ${image.symbols.size} symbols`);
      return s.value | 0;
    };
    table.forEach((t, i) =>
      t.functions.forEach((f, k) => {
        this.entryOp.set(sym(f), i);
        if (k === 0 && t.primary !== false) this.primary.add(sym(f));
      }),
    );
    this.entryIndex = this.opIndex(entry);
    this.exitIndex = this.opIndex(exit);
    this.exitStart = sym(exitLabel);
    this.exitStop = Math.min(...[...image.symbols.values()].map((v) => v.value).filter((v) => v > (this.exitStart >>> 0))) | 0;
    this.stackOp = new Int32Array(256);
    this.stackRa = new Int32Array(256);
    this.stackFn = new Int32Array(256);
  }

  private readonly entryIndex: number;
  private readonly exitIndex: number;
  private readonly exitStart: number;
  private readonly exitStop: number;

  /** Leaves the D-cache lines of [from, to) (physical) out of the ops' footprints: data whose accesses the TypeScript records itself. */
  exclude(from: number, to: number): void {
    this.excluded.push({ from, to });
  }

  // CacheRecorder: the look-ups of the instruction running, attributed in `after`
  fetch(pa: number): void {
    this.pend(pa, 0);
  }

  data(pa: number, write: boolean): void {
    this.pend(pa, write ? 2 : 1);
  }

  private pend(pa: number, kind: number): void {
    if (this.pendN === this.pendAddr.length) throw new RangeError("op profile: more than 64 cache look-ups in one instruction");
    this.pendAddr[this.pendN] = pa;
    this.pendKind[this.pendN++] = kind;
  }

  private attribute(op: number): void {
    const call = this.totals[op]!.calls;
    for (let i = 0; i < this.pendN; i++) {
      const pa = this.pendAddr[i]! >>> 0, kind = this.pendKind[i]!, line = pa - (pa % LINE_BYTES);
      if (kind !== 0 && this.excluded.some((r) => pa >= r.from && pa < r.to)) continue;
      const m = (kind === 0 ? this.iLines : this.dLines)[op]!;
      let u = m.get(line);
      if (!u) m.set(line, (u = { calls: 0, writes: 0, lastCall: -1, lastWrite: -1 }));
      if (u.lastCall !== call) {
        u.lastCall = call;
        u.calls++;
      }
      if (kind === 2 && u.lastWrite !== call) {
        u.lastWrite = call;
        u.writes++;
      }
    }
    this.pendN = 0;
  }

  private opIndex(op: string): number {
    const i = this.ops.indexOf(op);
    if (i < 0) throw new RangeError(`op profile: ${op} is not in the table`);
    return i;
  }

  before(core: IsaCore): void {
    this.pc = core.pc | 0;
    this.ra = core.r[31]! | 0;
    this.n0 = core.instructions;
    this.cycle0 = core.cycle;
    this.ints = core.interrupts;
  }

  after(core: IsaCore): void {
    // an interrupt taken (its vector's first instruction may run in this step or the next)
    const interrupted = core.interrupts > this.ints;
    if (interrupted) this.push(this.entryIndex, core.cp0.regs[14]! | 0, 0, true);
    if (core.instructions === this.n0) return;
    const pc = interrupted ? (core.cp0.status & Status.BEV ? 0xbfc00380 : 0x80000180) | 0 : this.pc;
    if (!interrupted) {
      while (this.depth > 0 && this.stackRa[this.depth - 1] === pc) this.depth--;
      const op = this.entryOp.get(pc);
      const top = this.depth - 1;
      // a branch back to a function's first instruction (a loop) is not a call
      if (op !== undefined && !(top >= 0 && this.stackFn[top] === pc && this.stackRa[top] === this.ra)) this.push(op, this.ra, pc, this.primary.has(pc));
    }
    let op: number;
    if (pc >= this.exitStart && pc < this.exitStop) {
      op = this.exitIndex;
      if (pc === this.exitStart) this.totals[op]!.calls++;
    } else op = this.depth > 0 ? this.stackOp[this.depth - 1]! : -1;
    if (op < 0) {
      this.unattributed += core.instructions - this.n0;
      this.pendN = 0;
      return;
    }
    if (this.pendN > 0) this.attribute(op);
    const t = this.totals[op]!;
    t.instructions += core.instructions - this.n0;
    t.cycles += core.cycle - this.cycle0;
    const pa = pc & PHYS_MASK;
    decodeInto(pa < core.memory.bytes ? core.memory.words[pa >>> 2]! : 0, this.pd, 0);
    const cls = OP_CLASS[this.pd.op[0]!];
    if (cls === OpClass.Load || cls === OpClass.Store) t.accesses++;
  }

  stallDone(): void {}

  private push(op: number, ra: number, fn: number, call: boolean): void {
    if (this.depth === this.stackOp.length) throw new RangeError("op profile: call stack deeper than 256");
    this.stackOp[this.depth] = op;
    this.stackRa[this.depth] = ra;
    this.stackFn[this.depth++] = fn;
    if (call) this.totals[op]!.calls++;
  }

  /** Clears the totals (the call stack stays: call between jobs). */
  reset(): void {
    for (const t of this.totals) t.calls = t.instructions = t.accesses = t.cycles = 0;
    this.unattributed = 0;
    for (const m of [...this.iLines, ...this.dLines]) m.clear();
  }
}
