/** The per-instruction trace: one line per instruction with PC, disassembly, cycles, stalls and cache outcome. */
import { describe, expect, it } from "vitest";
import { ExecTrace } from "../../../src/hw/cpu/isa/exec-trace.ts";
import { A, Reg } from "./asm.ts";
import { assemble, KDATA, rig, runToIdle } from "./harness.ts";

describe("exec trace", () => {
  it("shows the I-miss, the D-miss, the load-use stall and the idle loop, one line per instruction", () => {
    const r = rig(assemble([...A.li32(Reg.t0, KDATA), A.lw(Reg.a0, 0, Reg.t0), A.addu(Reg.a1, Reg.a0, Reg.a0)]));
    const lines: string[] = [];
    r.core.tracer = new ExecTrace((l) => lines.push(l));
    runToIdle(r);
    expect(lines).toHaveLength(r.core.instructions);
    expect(lines[0]).toMatch(/^\s+0: 0x80001000 3c088001 {2}lui\s+t0,0x8001\s+\+21 {2}iFetch=20 I:miss$/);
    expect(lines[2]).toMatch(/lw\s+a0,0\(t0\)\s+\+21 {2}dCache=20 D:miss$/);
    expect(lines[3]).toMatch(/addu\s+a1,a0,a0\s+\+2 {2}loadUse=1$/);
    expect(lines[4]).toMatch(/b\s+80001010.*idle loop$/);
  });

  it("does not change what the program computes or what it costs", () => {
    const words = assemble([...A.li32(Reg.t0, KDATA), A.addiu(Reg.t1, 0, 50), A.lw(Reg.a0, 0, Reg.t0), A.mult(Reg.a0, Reg.t1), A.mflo(Reg.a1), A.addiu(Reg.t1, Reg.t1, -1), A.bnel(Reg.t1, 0, -5), A.addu(Reg.a2, Reg.a2, Reg.a1)]);
    const plain = rig(words);
    runToIdle(plain);
    const traced = rig(words);
    traced.core.tracer = new ExecTrace(() => {});
    runToIdle(traced);
    expect(traced.core.cycle).toBe(plain.core.cycle);
    expect(Array.from(traced.core.r)).toEqual(Array.from(plain.core.r));
    expect(Array.from(traced.core.stalls)).toEqual(Array.from(plain.core.stalls));
  });
});
