/**
 * The instruction-level R4700's pipeline timing: every number the interpreter charges, as named
 * parameters in CPU cycles with a default and its source (docs/hardware.md, "Instruction-level
 * R4700", carries the table with the rows cited). The pipeline is scalar and in order (one
 * instruction issued per cycle at best); these parameters add the cycles it loses.
 */
export interface IsaTimingParams {
  /**
   * Cycles from a load's issue until an instruction that reads its result may issue: 2, so a
   * dependent next instruction stalls 1 cycle. Source: GCC's 4600.md `r4600_load` latency 2;
   * loads are interlocked on MIPS III (no architectural load delay slot).
   */
  loadLatencyCycles: number;
  /**
   * Cycles lost by a taken branch or jump beyond its delay slot. Default 0: the R4600 family's
   * branch latency is 1 cycle, the delay slot itself ("1 cycle on R4600 vs 3 on R4000/R4400;
   * 1 delay slot"), and Linux's hazards.h says the R4000/R4400 lose two killed instructions on a
   * taken branch while "other processors only have a single cycle hazard" (the delay slot).
   */
  takenBranchPenaltyCycles: number;
  /** Cycles a nullified branch-likely delay slot occupies. Default 1 (assumption: it is fetched before the branch resolves, then killed). */
  nullifiedSlotCycles: number;
  /** MULT/MULTU: cycles until HI/LO may be read. Default 8 (the row "Integer mul (R4600 core): 8-cycle latency, 6-cycle repeat"; GCC's 4600.md says 10: docs/hardware.md on the conflict). */
  multLatencyCycles: number;
  /** MULT/MULTU: cycles until the multiply/divide unit accepts the next MULT or DIV. Default 6 (same row; GCC: 10). */
  multRepeatCycles: number;
  /** DIV/DIVU: cycles until HI/LO may be read. Default 32 (the row "Integer div (R4600 core): 32 cycles (32-bit)"; GCC's 4600.md says 42). */
  divLatencyCycles: number;
  /** DIV/DIVU: cycles until the unit accepts the next MULT or DIV. Default 32 (the divider is not pipelined: repeat = latency, as in GCC's model). */
  divRepeatCycles: number;
  /** MFC0: cycles until its result may be read, like a load. Default 2 (assumption; GCC's generic.md gives mfc/mtc latency 2). */
  mfc0LatencyCycles: number;
  /** Cycles an exception or interrupt costs beyond the faulting instruction: the instructions behind it are killed. Default 2 (assumption: I and R stages of a 5-stage pipeline). */
  exceptionCycles: number;
  /** Cycles ERET costs beyond its own issue (it has no delay slot; the next fetch is killed). Default 1 (assumption). */
  eretCycles: number;
  /** CPU cycles per Count increment. Default 2 (MIPS R4000 architecture: Count runs at half the pipeline clock; assumed for the R4700). */
  countDivider: number;
}

export const R4700_TIMING: IsaTimingParams = {
  loadLatencyCycles: 2,
  takenBranchPenaltyCycles: 0,
  nullifiedSlotCycles: 1,
  multLatencyCycles: 8,
  multRepeatCycles: 6,
  divLatencyCycles: 32,
  divRepeatCycles: 32,
  mfc0LatencyCycles: 2,
  exceptionCycles: 2,
  eretCycles: 1,
  countDivider: 2,
};

/** GCC's R4600 scheduling model (4600.md) for the multiply and divide unit, the other side of the documented conflict. */
export const GCC_4600_MULDIV: Partial<IsaTimingParams> = {
  multLatencyCycles: 10,
  multRepeatCycles: 10,
  divLatencyCycles: 42,
  divRepeatCycles: 42,
};

/** Why the pipeline lost cycles: the index into the core's `stalls` counters. */
export const StallCause = {
  /** Waiting for a load's result (interlock). */
  LoadUse: 0,
  /** Waiting for HI/LO or for the multiply/divide unit. */
  MulDiv: 1,
  /** Instruction cache refill. */
  IFetch: 2,
  /** Data cache refill (and the write-back of a dirty victim before it). */
  DCache: 3,
  /** CACHE Hit_Writeback / Index_Writeback of a dirty line. */
  CacheOp: 4,
  /** Uncached access to DRAM (kseg1) or a device (over PCI). */
  Uncached: 5,
  /** Taken-branch penalty and nullified branch-likely slots. */
  Branch: 6,
  /** Exception and interrupt entry, ERET. */
  Exception: 7,
  /** The CPU waited in its idle loop (`b .`) for an interrupt. */
  Idle: 8,
} as const;

export const STALL_CAUSES = ["loadUse", "mulDiv", "iFetch", "dCache", "cacheOp", "uncached", "branch", "exception", "idle"] as const;

export function validateTiming(t: IsaTimingParams): void {
  for (const [k, v] of Object.entries(t)) {
    const min = k === "countDivider" || k.endsWith("LatencyCycles") || k.endsWith("RepeatCycles") ? 1 : 0;
    if (!Number.isInteger(v) || v < min) throw new RangeError(`R4700 timing: ${k} must be an integer >= ${min}, got ${v}`);
  }
}
