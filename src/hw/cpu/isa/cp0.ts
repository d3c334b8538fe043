/**
 * The R4700's system control coprocessor (CP0) as far as firmware uses it: Status, Cause, EPC,
 * BadVAddr, Count/Compare (the timer interrupt), PRId, Config, ErrorEPC, TagLo/TagHi, LLAddr,
 * and exception entry and return. The register layout and exception rules are the MIPS R4000
 * architecture's, which the R4600/R4700 implement; PRId = 0x2112 (the R4700 as Dynamips
 * emulates it for the Cisco 3620/3640: implementation 0x21, revision 0x12; docs/hardware.md,
 * "Instruction-level R4700"). No TLB: Index, Random, EntryLo, EntryHi, Context, PageMask and Wired are plain storage.
 *
 * Count runs from the core's cycle counter (one increment per `countDivider` cycles), kept
 * lazily: Count = countBase + floor((cycle - countCycle) / divider). `timerAt` is the cycle at
 * which Count next equals Compare; the core checks it only when its cycle passes it.
 */
export const Cp0Reg = {
  Index: 0, Random: 1, EntryLo0: 2, EntryLo1: 3, Context: 4, PageMask: 5, Wired: 6,
  BadVAddr: 8, Count: 9, EntryHi: 10, Compare: 11, Status: 12, Cause: 13, EPC: 14, PRId: 15,
  Config: 16, LLAddr: 17, WatchLo: 18, WatchHi: 19, XContext: 20, ECC: 26, CacheErr: 27,
  TagLo: 28, TagHi: 29, ErrorEPC: 30,
} as const;

export const Status = {
  IE: 1 << 0, EXL: 1 << 1, ERL: 1 << 2, KSU: 3 << 3, IM: 0xff << 8, BEV: 1 << 22, TS: 1 << 21, CU0: 1 << 28,
} as const;

export const Cause = { BD: 1 << 31, CE_SHIFT: 28, IP: 0xff << 8, IP_TIMER: 1 << 15, EXC_SHIFT: 2 } as const;

/** Exception codes (Cause.ExcCode). */
export const Exc = {
  Int: 0, Mod: 1, TLBL: 2, TLBS: 3, AdEL: 4, AdES: 5, IBE: 6, DBE: 7, Sys: 8, Bp: 9, RI: 10, CpU: 11, Ov: 12, Tr: 13,
} as const;

export const R4700_PRID = 0x2112;
/**
 * Config at reset: big-endian (BE, bit 15), 16 KB I- and D-caches (IC = DC = 2: 2^(12+n) bytes),
 * 32-byte lines (IB = DB = 1), kseg0 cacheable non-coherent write-back (K0 = 3). R4000 layout.
 */
export const R4700_CONFIG = (1 << 15) | (2 << 9) | (2 << 6) | (1 << 5) | (1 << 4) | 3;
const CONFIG_K0_UNCACHED = 2;

const TWO32 = 4294967296;

export class Cp0 {
  readonly regs = new Int32Array(32);
  private countBase = 0;
  private countCycle = 0;
  /** The cycle at which Count next equals Compare. */
  timerAt = Infinity;
  /** Hardware interrupt lines Int0-Int4 (Cause.IP2-IP6), as asserted by the board. */
  private lines = 0;
  timerInterrupts = 0;

  constructor(private readonly divider: number) {
    this.reset(0);
  }

  /** Cold reset: kernel mode, BEV = 1 (boot vectors), interrupts off, Count = 0. */
  reset(cycle: number): void {
    this.regs.fill(0);
    this.regs[Cp0Reg.Status] = Status.BEV;
    this.regs[Cp0Reg.PRId] = R4700_PRID;
    this.regs[Cp0Reg.Config] = R4700_CONFIG;
    this.regs[Cp0Reg.Compare] = 0;
    this.countBase = 0;
    this.countCycle = cycle;
    this.lines = 0;
    this.armTimer(cycle);
  }

  get status(): number {
    return this.regs[Cp0Reg.Status]!;
  }

  get kseg0Cached(): boolean {
    return (this.regs[Cp0Reg.Config]! & 7) !== CONFIG_K0_UNCACHED;
  }

  count(cycle: number): number {
    return (this.countBase + Math.floor((cycle - this.countCycle) / this.divider)) >>> 0;
  }

  read(reg: number, cycle: number): number {
    if (reg === Cp0Reg.Count) return this.count(cycle) | 0;
    if (reg === Cp0Reg.Cause) return (this.regs[Cp0Reg.Cause]! & ~(0x1f << 10)) | (this.lines << 10);
    return this.regs[reg]!;
  }

  /** MTC0. Returns true when the write may change whether an interrupt is pending. */
  write(reg: number, v: number, cycle: number): boolean {
    switch (reg) {
      case Cp0Reg.Count:
        this.countBase = v >>> 0;
        this.countCycle = cycle;
        this.armTimer(cycle);
        return true;
      case Cp0Reg.Compare:
        this.regs[Cp0Reg.Compare] = v;
        this.regs[Cp0Reg.Cause]! &= ~Cause.IP_TIMER; // writing Compare acknowledges the timer
        this.armTimer(cycle);
        return true;
      case Cp0Reg.Status:
        this.regs[Cp0Reg.Status] = (v & ~Status.TS) | (this.regs[Cp0Reg.Status]! & Status.TS);
        return true;
      case Cp0Reg.Cause: // only the two software interrupt bits are writable
        this.regs[Cp0Reg.Cause] = (this.regs[Cp0Reg.Cause]! & ~0x300) | (v & 0x300);
        return true;
      case Cp0Reg.Config:
        this.regs[Cp0Reg.Config] = (this.regs[Cp0Reg.Config]! & ~7) | (v & 7);
        return true;
      case Cp0Reg.PRId:
      case Cp0Reg.BadVAddr:
      case Cp0Reg.Random:
        return false; // read-only
      default:
        this.regs[reg] = v;
        return false;
    }
  }

  /** Sets `timerAt` to the first cycle after `cycle` at which Count equals Compare. */
  private armTimer(cycle: number): void {
    const now = this.count(cycle);
    let ticks = (this.regs[Cp0Reg.Compare]! - now) >>> 0;
    if (ticks === 0) ticks = TWO32;
    // Count takes the value now + ticks at the start of that increment's cycle
    const at = this.countCycle + (Math.floor((cycle - this.countCycle) / this.divider) + ticks) * this.divider;
    this.timerAt = at;
  }

  /** Called when the core's cycle reaches `timerAt`: latches the timer interrupt (IP7) and re-arms. */
  timerFired(): void {
    this.regs[Cp0Reg.Cause]! |= Cause.IP_TIMER;
    this.timerInterrupts++;
    this.timerAt += TWO32 * this.divider;
  }

  /** Drives hardware interrupt line `n` (0-4: Cause.IP2-IP6). */
  setLine(n: number, asserted: boolean): void {
    if (!Number.isInteger(n) || n < 0 || n > 4) throw new RangeError(`interrupt line ${n}: the R4700 has Int0-Int4 (the timer takes IP7)`);
    if (asserted) this.lines |= 1 << n;
    else this.lines &= ~(1 << n);
  }

  /** Whether an interrupt would be taken now (enabled, unmasked, pending). */
  interruptPending(): boolean {
    const st = this.regs[Cp0Reg.Status]!;
    if ((st & (Status.IE | Status.EXL | Status.ERL)) !== Status.IE) return false;
    return (this.read(Cp0Reg.Cause, 0) & st & Status.IM) !== 0;
  }

  /** Whether the timer can interrupt the CPU (so an idle CPU wakes at `timerAt`). */
  timerCanWake(): boolean {
    const st = this.regs[Cp0Reg.Status]!;
    return (st & (Status.IE | Status.EXL | Status.ERL)) === Status.IE && (st & Cause.IP_TIMER) !== 0;
  }

  /**
   * Exception entry: records the cause and, unless already at exception level, EPC and BD;
   * sets EXL; returns the vector (docs: MIPS R4000 exception vectors; kseg0 or, with BEV, the
   * boot ROM in kseg1). `epc` is the faulting instruction, or the branch when `bd`.
   */
  enter(code: number, epc: number, bd: boolean, badVAddr: number, coprocessor = 0): number {
    const st = this.regs[Cp0Reg.Status]!;
    let cause = this.regs[Cp0Reg.Cause]! & ~(0x1f << 2) & ~(3 << Cause.CE_SHIFT);
    cause |= code << Cause.EXC_SHIFT;
    if (code === Exc.CpU) cause |= coprocessor << Cause.CE_SHIFT;
    const refill = (code === Exc.TLBL || code === Exc.TLBS) && (st & Status.EXL) === 0;
    if ((st & Status.EXL) === 0) {
      this.regs[Cp0Reg.EPC] = epc;
      cause = bd ? cause | Cause.BD : cause & ~Cause.BD;
    }
    this.regs[Cp0Reg.Cause] = cause;
    if (code === Exc.AdEL || code === Exc.AdES || code === Exc.TLBL || code === Exc.TLBS) this.regs[Cp0Reg.BadVAddr] = badVAddr;
    this.regs[Cp0Reg.Status] = st | Status.EXL;
    const base = st & Status.BEV ? 0xbfc00200 : 0x80000000;
    return (base + (refill ? 0 : 0x180)) | 0;
  }

  /** ERET: leaves error or exception level; returns the address to resume at. */
  eret(): number {
    const st = this.regs[Cp0Reg.Status]!;
    if (st & Status.ERL) {
      this.regs[Cp0Reg.Status] = st & ~Status.ERL;
      return this.regs[Cp0Reg.ErrorEPC]!;
    }
    this.regs[Cp0Reg.Status] = st & ~Status.EXL;
    return this.regs[Cp0Reg.EPC]!;
  }
}
