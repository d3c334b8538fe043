/**
 * Differential property test: random straight-line sequences of ALU, shift, multiply/divide and
 * HI/LO instructions run on the interpreter and on a reference evaluator written here from the
 * MIPS definitions with BigInt arithmetic (no shared code). The registers, HI and LO must agree,
 * and so must the cycle count, which the reference derives from the pipeline rules (one cycle
 * per instruction, a refill per new I-cache line, HI/LO and unit interlocks).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { R4700_TIMING } from "../../../src/hw/cpu/isa/timing.ts";
import { A } from "./asm.ts";
import { assemble, rig, runToIdle } from "./harness.ts";

const M = 0xffffffffn;
const s32 = (x: bigint) => BigInt.asIntN(32, x);
const u = (x: bigint) => BigInt.asUintN(32, x);

type Ins = { op: string; d: number; s: number; t: number; imm: number };
const RTYPE = ["addu", "subu", "and", "or", "xor", "nor", "slt", "sltu", "sllv", "srlv", "srav"];
const SHIFT = ["sll", "srl", "sra"];
const ITYPE = ["addiu", "slti", "sltiu", "andi", "ori", "xori", "lui"];
const MULDIV = ["mult", "multu", "div", "divu"];
const MOVE = ["mfhi", "mflo", "mthi", "mtlo"];

const reg = fc.integer({ min: 0, max: 15 });
const insArb: fc.Arbitrary<Ins> = fc.oneof(
  fc.record({ op: fc.constantFrom(...RTYPE), d: reg, s: reg, t: reg, imm: fc.constant(0) }),
  fc.record({ op: fc.constantFrom(...SHIFT), d: reg, s: fc.constant(0), t: reg, imm: fc.integer({ min: 0, max: 31 }) }),
  fc.record({ op: fc.constantFrom(...ITYPE), d: reg, s: reg, t: fc.constant(0), imm: fc.integer({ min: 0, max: 0xffff }) }),
  fc.record({ op: fc.constantFrom(...MULDIV), d: fc.constant(0), s: reg, t: reg, imm: fc.constant(0) }),
  fc.record({ op: fc.constantFrom(...MOVE), d: reg, s: reg, t: fc.constant(0), imm: fc.constant(0) }),
);

function encode(i: Ins): number {
  const simm = (i.imm << 16) >> 16;
  switch (i.op) {
    case "sll": case "srl": case "sra": return A[i.op](i.d, i.t, i.imm);
    case "sllv": case "srlv": case "srav": return A[i.op](i.d, i.t, i.s);
    case "addiu": case "slti": case "sltiu": return A[i.op](i.d, i.s, simm);
    case "andi": case "ori": case "xori": return A[i.op](i.d, i.s, i.imm);
    case "lui": return A.lui(i.d, i.imm);
    case "mult": case "multu": case "div": case "divu": return A[i.op](i.s, i.t);
    case "mfhi": case "mflo": return A[i.op](i.d);
    case "mthi": case "mtlo": return A[i.op](i.s);
    default: return (A as unknown as Record<string, (d: number, s: number, t: number) => number>)[i.op]!(i.d, i.s, i.t);
  }
}

/** The MIPS definitions, on unsigned 32-bit BigInts. */
function evaluate(prog: Ins[], init: bigint[]) {
  const r = init.slice();
  let hi = 0n, lo = 0n;
  const set = (d: number, v: bigint) => {
    if (d !== 0) r[d] = u(v);
  };
  for (const i of prog) {
    const a = r[i.s]!, b = r[i.t]!, sx = BigInt((i.imm << 16) >> 16), zx = BigInt(i.imm);
    switch (i.op) {
      case "addu": set(i.d, a + b); break;
      case "subu": set(i.d, a - b); break;
      case "and": set(i.d, a & b); break;
      case "or": set(i.d, a | b); break;
      case "xor": set(i.d, a ^ b); break;
      case "nor": set(i.d, ~(a | b)); break;
      case "slt": set(i.d, s32(a) < s32(b) ? 1n : 0n); break;
      case "sltu": set(i.d, a < b ? 1n : 0n); break;
      case "sllv": set(i.d, b << (a & 31n)); break;
      case "srlv": set(i.d, b >> (a & 31n)); break;
      case "srav": set(i.d, s32(b) >> (a & 31n)); break;
      case "sll": set(i.d, b << zx); break;
      case "srl": set(i.d, b >> zx); break;
      case "sra": set(i.d, s32(b) >> zx); break;
      case "addiu": set(i.d, a + sx); break;
      case "slti": set(i.d, s32(a) < sx ? 1n : 0n); break;
      case "sltiu": set(i.d, a < u(sx) ? 1n : 0n); break;
      case "andi": set(i.d, a & zx); break;
      case "ori": set(i.d, a | zx); break;
      case "xori": set(i.d, a ^ zx); break;
      case "lui": set(i.d, zx << 16n); break;
      case "mult": { const p = s32(a) * s32(b); lo = u(p); hi = u(p >> 32n); break; }
      case "multu": { const p = a * b; lo = u(p); hi = u(p >> 32n); break; }
      case "div":
        if (b === 0n) { lo = s32(a) < 0n ? 1n : M; hi = a; } // the model's documented choice (unpredictable on MIPS)
        else { lo = u(s32(a) / s32(b)); hi = u(s32(a) % s32(b)); }
        break;
      case "divu":
        if (b === 0n) { lo = M; hi = a; }
        else { lo = a / b; hi = a % b; }
        break;
      case "mfhi": set(i.d, hi); break;
      case "mflo": set(i.d, lo); break;
      case "mthi": hi = a; break;
      case "mtlo": lo = a; break;
    }
  }
  return { r, hi, lo };
}

/** Cycles by the pipeline rules for straight-line code from a line-aligned start, then `b .`. */
function cycles(prog: Ins[], read: number): number {
  const t = R4700_TIMING;
  let cyc = 0, hiReady = 0, loReady = 0, unitFree = 0;
  for (let k = 0; k <= prog.length; k++) {
    if (k % 8 === 0) cyc += read; // entering a new I-cache line: a cold miss
    const i = prog[k];
    if (i) {
      if (i.op === "mfhi" && hiReady > cyc) cyc = hiReady;
      if (i.op === "mflo" && loReady > cyc) cyc = loReady;
      if (MULDIV.includes(i.op)) {
        if (unitFree > cyc) cyc = unitFree;
        const mul = i.op.startsWith("mult");
        hiReady = loReady = cyc + (mul ? t.multLatencyCycles : t.divLatencyCycles);
        unitFree = cyc + (mul ? t.multRepeatCycles : t.divRepeatCycles);
      }
      if (i.op === "mthi") hiReady = 0;
      if (i.op === "mtlo") loReady = 0;
    }
    cyc += 1; // the instruction (the last one is the idle loop's `b .`)
  }
  return cyc;
}

describe("interpreter against a reference evaluator", () => {
  it("random straight-line ALU, shift, multiply/divide and HI/LO code: same registers, HI, LO and cycles", () => {
    fc.assert(
      fc.property(fc.array(insArb, { minLength: 1, maxLength: 40 }), fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 16, maxLength: 16 }), (prog, init) => {
        const start = init.map((v, k) => (k === 0 ? 0n : BigInt(v)));
        const m = rig(assemble(prog.map(encode)), { memoryBytes: 1 << 16 });
        start.forEach((v, k) => (m.core.r[k] = Number(v) | 0));
        runToIdle(m);
        const want = evaluate(prog, start);
        for (let k = 0; k < 16; k++) expect(BigInt(m.core.r[k]! >>> 0), `r${k}`).toBe(want.r[k]);
        expect(BigInt(m.core.r[32]! >>> 0), "HI").toBe(want.hi);
        expect(BigInt(m.core.r[33]! >>> 0), "LO").toBe(want.lo);
        expect(m.core.cycle, "cycles").toBe(cycles(prog, m.port.params.readCycles));
      }),
      { numRuns: 300, seed: 4700 },
    );
  });
});
