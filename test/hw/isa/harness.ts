/**
 * Runs hand-assembled code on the instruction-level R4700: the words go to physical CODE
 * (kseg0 0x80001000), the core starts there with cold caches and a fixed-latency memory, and
 * runs until the code's final idle loop. Data lives at DATA (kseg0 0x80010000).
 */
import { IsaCore, StopReason } from "../../../src/hw/cpu/isa/core.ts";
import { FixedLatencyMemory, type FixedLatencyParams } from "../../../src/hw/cpu/isa/fixed-latency.ts";
import { PhysicalMemory } from "../../../src/hw/cpu/isa/memory.ts";
import type { IsaTimingParams } from "../../../src/hw/cpu/isa/timing.ts";
import type { CacheParams } from "../../../src/hw/cpu/cache.ts";
import { A } from "./asm.ts";

export const CODE = 0x1000;
export const DATA = 0x10000;
export const KCODE = 0x80000000 + CODE;
export const KDATA = 0x80000000 + DATA;

export interface Rig {
  core: IsaCore;
  mem: PhysicalMemory;
  port: FixedLatencyMemory;
}

export interface RigOptions {
  timing: Partial<IsaTimingParams>;
  latency: Partial<FixedLatencyParams>;
  memoryBytes: number;
  icache: Partial<CacheParams>;
  dcache: Partial<CacheParams>;
}

/** Flattens a program (words and word arrays) and appends the idle loop. */
export function assemble(...parts: (number | number[])[]): number[] {
  return [...parts.flat(), ...A.idle()];
}

export function rig(words: number[], opts: Partial<RigOptions> = {}, at = CODE): Rig {
  const mem = new PhysicalMemory(opts.memoryBytes ?? 1 << 20);
  const port = new FixedLatencyMemory(opts.latency);
  const core = new IsaCore({ memory: mem, memoryPort: port, devicePort: port, timing: opts.timing, icache: opts.icache, dcache: opts.dcache });
  words.forEach((w, k) => mem.write32(at + 4 * k, w));
  core.reset((0x80000000 + at) | 0);
  core.cp0.write(12, 0, 0); // BEV off: exceptions go to 0x80000180
  return { core, mem, port };
}

/** Runs until idle (or the limit); fails the test on anything else. */
export function runToIdle(r: Rig, maxCycles = 10_000_000): void {
  const end = r.core.cycle + maxCycles;
  while (r.core.cycle < end) {
    const s = r.core.run(end - r.core.cycle);
    if (s === StopReason.Idle) return;
    if (s !== StopReason.Budget) throw new Error(`core stopped with ${s} at 0x${(r.core.pc >>> 0).toString(16)}`);
  }
  throw new Error(`no idle loop within ${maxCycles} cycles (pc 0x${(r.core.pc >>> 0).toString(16)})`);
}

/** Assembles, runs to idle, returns the rig. */
export function exec(words: number[], opts: Partial<RigOptions> = {}): Rig {
  const r = rig(assemble(words), opts);
  runToIdle(r);
  return r;
}

export const u32 = (v: number) => v >>> 0;

/**
 * A general exception handler at 0x80000180 for the tests: s6 = Cause, s7 = EPC, s5 = BadVAddr,
 * s4 counts exceptions; it resumes after the faulting instruction (after the branch and its
 * delay slot when Cause.BD is set).
 */
export const HANDLER = [
  A.mfc0(26, 13), // k0 = Cause
  A.mfc0(27, 14), // k1 = EPC
  A.or(22, 26, 0), // s6 = Cause
  A.or(23, 27, 0), // s7 = EPC
  A.mfc0(21, 8), // s5 = BadVAddr
  A.addiu(20, 20, 1), // s4++
  A.bgez(26, 2), // BD clear: skip the second +4
  A.addiu(27, 27, 4),
  A.addiu(27, 27, 4),
  A.mtc0(27, 14),
  A.nop(),
  A.eret(),
];

export function withHandler(r: Rig): Rig {
  HANDLER.forEach((w, k) => r.mem.write32(0x180 + 4 * k, w));
  return r;
}

/** Runs code with the test handler installed. */
export function execWithHandler(words: number[], opts: Partial<RigOptions> = {}): Rig {
  const r = withHandler(rig(assemble(words), opts));
  runToIdle(r);
  return r;
}
