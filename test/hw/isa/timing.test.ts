/**
 * Pipeline timing from the rules of docs/hardware.md ("Instruction-level R4700"): one cycle per
 * instruction issued; a load's result may be read `loadLatencyCycles` after it issues; HI/LO
 * `multLatencyCycles`/`divLatencyCycles` after MULT/DIV issue, which also hold the unit for their
 * repeat time; a taken branch adds `takenBranchPenaltyCycles`, a nullified likely slot
 * `nullifiedSlotCycles`; an exception `exceptionCycles`, ERET `eretCycles`; every cache miss
 * stalls for the memory port's fixed latency. Each expectation below is computed from those
 * rules and the code's layout, never from the model's output.
 */
import { describe, expect, it } from "vitest";
import { IsaCore, StopReason } from "../../../src/hw/cpu/isa/core.ts";
import { PhysicalMemory } from "../../../src/hw/cpu/isa/memory.ts";
import { PENDING, type MemoryPort } from "../../../src/hw/cpu/isa/ports.ts";
import { GCC_4600_MULDIV, R4700_TIMING, StallCause, type IsaTimingParams } from "../../../src/hw/cpu/isa/timing.ts";
import { A, Reg } from "./asm.ts";
import { assemble, CODE, exec, execWithHandler, HANDLER, KDATA, rig, runToIdle } from "./harness.ts";

const { a0, a1, a2, a3, t0, t1, t2 } = Reg;
const READ = 20; // the fixed-latency port's read cycles (harness default)
const WRITE = 20;
const lines = (words: number) => Math.ceil(words / 8); // 32-byte lines from a line-aligned start

/** The loop: a load whose result the next instruction uses, a multiply read at once, a counted branch. */
function hazardLoop(k: number): number[] {
  return [
    ...A.li32(t0, KDATA), // 0, 1
    A.addiu(t1, 0, k), // 2
    /* loop (3) */ A.lw(a0, 0, t0),
    A.addu(a1, a1, a0), // load-use
    A.mult(a0, a0),
    A.mflo(a2), // reads LO at once
    A.addiu(t1, t1, -1),
    A.bne(t1, 0, -6), // back to 3
    A.addu(a3, a3, a2), // delay slot
  ];
}

function expectedHazardLoop(k: number, t: IsaTimingParams): number {
  const words = hazardLoop(k).length + 2; // + the idle loop (b ., nop)
  const perIteration = 7 + (t.loadLatencyCycles - 1) + (t.multLatencyCycles - 1);
  expect(perIteration).toBeGreaterThanOrEqual(t.multRepeatCycles); // so the unit is free at each MULT
  return 3 + k * perIteration + (k - 1) * t.takenBranchPenaltyCycles + 1 /* b . */ + lines(words) * READ + 1 * READ /* one data line */;
}

describe("pipeline timing", () => {
  for (const [label, timing] of [["the defaults", {}], ["GCC's 4600.md multiply and a 1-cycle taken-branch penalty", { ...GCC_4600_MULDIV, takenBranchPenaltyCycles: 1 }]] as const) {
    it(`a loop with a load-use hazard and a multiply costs exactly the cycles the rules give (${label})`, () => {
      const t = { ...R4700_TIMING, ...timing };
      for (const k of [1, 10, 100]) {
        const r = exec(hazardLoop(k), { timing });
        expect(r.core.cycle, `k = ${k}`).toBe(expectedHazardLoop(k, t));
        expect(r.core.instructions).toBe(3 + 7 * k + 1);
        expect(r.core.stalls[StallCause.LoadUse]).toBe(k * (t.loadLatencyCycles - 1));
        expect(r.core.stalls[StallCause.MulDiv]).toBe(k * (t.multLatencyCycles - 1));
        expect(r.core.r[a1]).toBe(0); // memory is zero: the arithmetic is not the point here
      }
    });
  }

  it("independent instructions between a load and its use hide the load latency", () => {
    const r = exec([...A.li32(t0, KDATA), A.lw(a0, 0, t0), A.addiu(a1, 0, 1), A.addu(a2, a0, a0)]);
    expect(r.core.stalls[StallCause.LoadUse]).toBe(0);
    expect(r.core.cycle).toBe(5 + 1 + lines(7) * READ + READ);
  });

  it("back-to-back MULTs wait for the unit's repeat time; DIV holds it for its own", () => {
    const t = R4700_TIMING;
    const r = exec([A.mult(a0, a0), A.mult(a0, a0), A.div(a0, a1), A.div(a0, a1), A.mflo(a2)]);
    const expected = 5 + (t.multRepeatCycles - 1) + (t.multRepeatCycles - 1) + (t.divRepeatCycles - 1) + (t.divLatencyCycles - 1) + 1 + lines(7) * READ;
    expect(r.core.cycle).toBe(expected);
  });

  it("the multiplier keeps working through a cache miss: MFLO after a missing load waits only for what is left", () => {
    const t = R4700_TIMING;
    // MULT at cycle c; LW misses (READ > multLatency); MFLO then finds LO ready
    const r = exec([...A.li32(t0, KDATA), A.mult(a0, a0), A.lw(a1, 0, t0), A.mflo(a2)]);
    expect(READ).toBeGreaterThan(t.multLatencyCycles);
    expect(r.core.stalls[StallCause.MulDiv]).toBe(0);
    expect(r.core.cycle).toBe(5 + 1 + lines(7) * READ + READ);
  });

  it("a not-taken branch-likely costs its nullified slot; a taken one its penalty", () => {
    for (const taken of [false, true]) {
      for (const pen of [0, 1]) {
        const timing = { takenBranchPenaltyCycles: pen };
        const r = exec([A.addiu(t0, 0, taken ? 0 : 1), A.beql(t0, 0, 1), A.addiu(a0, 0, 1), A.addiu(a1, 0, 1)], { timing });
        // taken: addiu, beql, its slot, the target (a1's addiu), b . = 5 issued + the penalty
        // not taken: addiu, beql, (the slot nullified), a1's addiu, b . = 4 issued + the nullified slot
        const issued = taken ? 5 : 4;
        const extra = taken ? pen : R4700_TIMING.nullifiedSlotCycles;
        expect(r.core.cycle, `taken ${taken}, penalty ${pen}`).toBe(issued + extra + lines(6) * READ);
      }
    }
  });

  it("an exception costs exceptionCycles on entry and ERET eretCycles", () => {
    const t = R4700_TIMING;
    const r = execWithHandler([A.syscall(), A.nop()]);
    // syscall, the handler (11 of its 12 words run: BD is clear; each MFC0 result is read two
    // instructions later, so no interlock), nop, b .; the handler's two lines at 0x180 are cold too
    expect(t.mfc0LatencyCycles).toBeLessThanOrEqual(2);
    const handlerRun = HANDLER.length - 1;
    expect(r.core.cycle).toBe(1 + handlerRun + 1 + 1 + t.exceptionCycles + t.eretCycles + lines(4) * READ + lines(HANDLER.length) * READ);
  });

  it("a store into a clean line and a dirty victim: the write-back is charged before the refill", () => {
    // two stores to lines that map to the same set of the 2-way cache, then a third: it evicts the first (dirty)
    const r = exec([...A.li32(t0, KDATA), A.sw(a0, 0, t0), A.sw(a0, 0x2000, t0), A.lui(t1, 0), A.addu(t2, t0, 0), ...A.li32(t1, KDATA + 0x4000), A.sw(a0, 0, t1)]);
    expect(r.core.dcache.writebacks).toBe(1);
    expect(r.core.stalls[StallCause.DCache]).toBe(3 * READ + WRITE);
  });
});

describe("a port that answers later gives the same timing as one that answers at once", () => {
  /** Records each request and answers PENDING; the test completes it with the fixed latency. */
  class LatePort implements MemoryPort {
    last = 0;
    transfer(readAddr: number, _rb: number, writeAddr: number): number {
      this.last = (writeAddr >= 0 ? WRITE : 0) + (readAddr >= 0 ? READ : 0);
      return PENDING;
    }
  }

  it("the hazard loop, run both ways, ends at the same cycle with the same stalls", () => {
    const words = assemble(hazardLoop(20));
    const sync = rig(words);
    runToIdle(sync);
    const mem = new PhysicalMemory(1 << 20);
    const port = new LatePort();
    const core = new IsaCore({ memory: mem, memoryPort: port });
    words.forEach((w, k) => mem.write32(CODE + 4 * k, w));
    core.reset((0x80000000 + CODE) | 0);
    let stops = 0;
    for (;;) {
      const s = core.run(1e6);
      if (s === StopReason.Idle) break;
      expect(s).toBe(StopReason.Pending);
      stops++;
      core.completeStall(port.last);
    }
    expect(stops).toBe(sync.port.reads);
    expect(core.cycle).toBe(sync.core.cycle);
    expect(Array.from(core.stalls)).toEqual(Array.from(sync.core.stalls));
  });
});
