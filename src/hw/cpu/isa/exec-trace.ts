/**
 * A per-instruction trace of the instruction-level R4700, like gem5's Exec debug flag: one text
 * line per instruction with the cycle it started at, its PC, word and disassembly, the cycles it
 * took, why it stalled (StallCause, in cycles) and what the caches did (I: the fetch's line
 * look-up, when it entered a new line; D: the load or store). Interrupts and exceptions taken
 * get a line of their own. Set `core.tracer = new ExecTrace(write)` for the job to see (only
 * then does the core run one instruction per inner call: tracing is for reading, not for speed).
 *
 *   cycle      pc        word      instruction                 cycles  stalls / caches
 *      1204: 0x80000458 8c820000  lw      v0,0(a0)             +21     dCache=20 D:miss
 */
import { PHYS_MASK } from "./address.ts";
import { Status } from "./cp0.ts";
import type { InstructionTracer, IsaCore } from "./core.ts";
import { StopReason } from "./core.ts";
import { disassemble } from "./disasm.ts";
import { OP_CLASS, OpClass } from "./opcodes.ts";
import { decodeInto, Predecoded } from "./decode.ts";
import { STALL_CAUSES } from "./timing.ts";

export class ExecTrace implements InstructionTracer {
  private readonly stalls = new Float64Array(STALL_CAUSES.length);
  private readonly pd = new Predecoded(1);
  private cycle = 0;
  private pc = 0;
  private iMisses = 0;
  private iHits = 0;
  private dHits = 0;
  private dMisses = 0;
  private dWritebacks = 0;
  private uncached = 0;
  private exceptions = 0;
  private interrupts = 0;
  private instructions = 0;
  lines = 0;

  /**
   * @param write receives each line (without a newline)
   * @param caches whether to name the core's cache outcomes: not when its look-ups go to a recorder
   *   (the boards' isa mode, board-path.ts), whose caches are the board's and replayed later
   */
  constructor(private readonly write: (line: string) => void, private readonly caches = true) {}

  before(core: IsaCore): void {
    this.cycle = core.cycle;
    this.pc = core.pc;
    this.stalls.set(core.stalls);
    this.iMisses = core.icache.misses;
    this.iHits = core.icache.hits;
    this.dHits = core.dcache.hits;
    this.dMisses = core.dcache.misses;
    this.dWritebacks = core.dcache.writebacks;
    this.uncached = core.uncachedReads + core.uncachedWrites;
    this.exceptions = core.exceptions;
    this.interrupts = core.interrupts;
    this.instructions = core.instructions;
  }

  after(core: IsaCore, reason: StopReason): void {
    if (core.interrupts > this.interrupts) this.emit(`${pad(this.cycle)}: interrupt taken at 0x${hex(this.pc)}, Cause 0x${hex(core.cp0.regs[13]!)}, EPC 0x${hex(core.cp0.regs[14]!)}`);
    if (core.instructions === this.instructions) {
      if (reason === StopReason.Pending) this.emit(`${pad(this.cycle)}: 0x${hex(core.pc)} fetch waits on memory (iFetch)`);
      else if (reason === StopReason.Unimplemented) this.emit(`${pad(this.cycle)}: 0x${hex(core.unimplementedAt)} ${hex(core.unimplementedWord)}  unimplemented: the core stops`);
      return;
    }
    // the instruction that ran: after an interrupt, the vector's first one
    const pc = core.interrupts > this.interrupts ? this.vectorPc(core) : this.pc;
    const word = this.wordAt(core, pc);
    const parts: string[] = [];
    for (let k = 0; k < STALL_CAUSES.length; k++) {
      const d = core.stalls[k]! - this.stalls[k]!;
      if (d > 0) parts.push(`${STALL_CAUSES[k]}=${d}`);
    }
    if (this.caches) {
      if (core.icache.misses > this.iMisses) parts.push("I:miss");
      else if (core.icache.hits > this.iHits) parts.push("I:hit");
      decodeInto(word, this.pd, 0);
      const cls = OP_CLASS[this.pd.op[0]!];
      if (core.uncachedReads + core.uncachedWrites > this.uncached) parts.push("D:uncached");
      else if (core.dcache.misses > this.dMisses) parts.push(core.dcache.writebacks > this.dWritebacks ? "D:miss+writeback" : "D:miss");
      else if (cls === OpClass.Load || cls === OpClass.Store) parts.push(core.dcache.hits > this.dHits ? "D:hit" : "D:none");
    }
    if (core.exceptions > this.exceptions) parts.push(`exception ${(core.cp0.regs[13]! >>> 2) & 31} -> 0x${hex(core.pc)}`);
    if (reason === StopReason.Pending) parts.push(`waiting (${STALL_CAUSES[core.pendingCause]})`);
    if (reason === StopReason.Idle) parts.push("idle loop");
    const asm = disassemble(word, pc >>> 0), tab = asm.indexOf("\t");
    const text = tab < 0 ? asm : asm.slice(0, tab).padEnd(8) + asm.slice(tab + 1);
    this.emit(`${pad(this.cycle)}: 0x${hex(pc)} ${hex(word)}  ${text.padEnd(32)} +${core.cycle - this.cycle}${parts.length ? "  " + parts.join(" ") : ""}`);
  }

  stallDone(core: IsaCore, cycles: number, cause: number): void {
    this.emit(`${pad(core.cycle - cycles)}: ... ${STALL_CAUSES[cause]} stall answered after ${cycles} cycles`);
  }

  /** The general exception vector (interrupts enter there). */
  private vectorPc(core: IsaCore): number {
    return core.cp0.status & Status.BEV ? 0xbfc00380 : 0x80000180;
  }

  private wordAt(core: IsaCore, va: number): number {
    const pa = va & PHYS_MASK;
    return pa < core.memory.bytes ? core.memory.words[pa >>> 2]! : 0;
  }

  private emit(line: string): void {
    this.lines++;
    this.write(line);
  }
}

const hex = (v: number) => (v >>> 0).toString(16).padStart(8, "0");
const pad = (c: number) => String(c).padStart(10);
