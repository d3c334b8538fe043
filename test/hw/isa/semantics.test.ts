/**
 * What each implemented instruction computes (MIPS III, 32-bit, big-endian), from the
 * architecture's definitions: register results, sign and zero extension, delay slots, branch-
 * likely nullification, HI/LO, unaligned loads and stores against a byte-by-byte reference,
 * traps and exceptions (codes, EPC, BD, BadVAddr), CP0, uncached and device accesses.
 */
import { describe, expect, it } from "vitest";
import { StopReason } from "../../../src/hw/cpu/isa/core.ts";
import { Exc, R4700_PRID } from "../../../src/hw/cpu/isa/cp0.ts";
import { A, Reg } from "./asm.ts";
import { DATA, exec, execWithHandler, KCODE, KDATA, rig, runToIdle, assemble, u32, withHandler } from "./harness.ts";

const { v0, v1, a0, a1, a2, a3, t0, t1, t2, s4, s5, s6, s7, ra } = Reg;
const excCode = (cause: number) => (cause >>> 2) & 31;

describe("ALU", () => {
  it("three-register operations", () => {
    const r = exec([
      ...A.li32(t0, 0x80000001), ...A.li32(t1, 0x7ffffff0),
      A.addu(a0, t0, t1), A.subu(a1, t0, t1), A.and(a2, t0, t1), A.or(a3, t0, t1),
      A.xor(v0, t0, t1), A.nor(v1, t0, t1), A.sync(), A.slt(t2, t0, t1), A.sltu(s4, t0, t1),
    ]).core.r;
    expect(u32(r[a0]!)).toBe(0xfffffff1);
    expect(u32(r[a1]!)).toBe(0x00000011);
    expect(u32(r[a2]!)).toBe(0);
    expect(u32(r[a3]!)).toBe(0xfffffff1);
    expect(u32(r[v0]!)).toBe(0xfffffff1);
    expect(u32(r[v1]!)).toBe(0x0000000e);
    expect(r[t2]).toBe(1); // signed: negative < positive
    expect(r[s4]).toBe(0); // unsigned: 0x80000001 > 0x7ffffff0
  });

  it("shifts by constants and by registers (amount mod 32)", () => {
    const r = exec([
      ...A.li32(t0, 0x80000f01), A.addiu(t1, 0, 36),
      A.sll(a0, t0, 4), A.srl(a1, t0, 4), A.sra(a2, t0, 4),
      A.sllv(a3, t0, t1), A.srlv(v0, t0, t1), A.srav(v1, t0, t1),
    ]).core.r;
    expect(u32(r[a0]!)).toBe(0x0000f010);
    expect(u32(r[a1]!)).toBe(0x080000f0);
    expect(u32(r[a2]!)).toBe(0xf80000f0);
    expect(u32(r[a3]!)).toBe(0x0000f010); // 36 & 31 = 4
    expect(u32(r[v0]!)).toBe(0x080000f0);
    expect(u32(r[v1]!)).toBe(0xf80000f0);
  });

  it("immediates: ADDIU/SLTI/SLTIU sign-extend, ANDI/ORI/XORI zero-extend, LUI", () => {
    const r = exec([
      A.addiu(t0, 0, -1), A.addiu(a0, t0, 0x7fff), A.slti(a1, t0, 0), A.sltiu(a2, t0, -1), A.sltiu(a3, 0, -1),
      A.andi(v0, t0, 0x8001), A.ori(v1, 0, 0x8000), A.xori(t1, t0, 0xffff), A.lui(t2, 0x8765),
    ]).core.r;
    expect(r[a0]).toBe(0x7ffe);
    expect(r[a1]).toBe(1);
    expect(r[a2]).toBe(0); // 0xffffffff < 0xffffffff is false
    expect(r[a3]).toBe(1); // 0 < 0xffffffff (the immediate is sign-extended, then compared unsigned)
    expect(r[v0]).toBe(0x8001);
    expect(r[v1]).toBe(0x8000);
    expect(u32(r[t1]!)).toBe(0xffff0000);
    expect(u32(r[t2]!)).toBe(0x87650000);
  });

  it("r0 stays zero whatever is written to it", () => {
    const r = exec([A.addiu(0, 0, 5), A.lui(0, 0x1234), A.addu(a0, 0, 0), ...A.li32(t0, KDATA), A.lw(0, 0, t0), A.addu(a1, 0, 0)]).core.r;
    expect(r[0]).toBe(0);
    expect(r[a0]).toBe(0);
    expect(r[a1]).toBe(0);
  });

  it("ADD, SUB and ADDI trap on signed overflow (Ov) and leave the destination alone; ADDU does not trap", () => {
    const r = execWithHandler([
      ...A.li32(t0, 0x7fffffff), A.addiu(a0, 0, 77), A.addiu(a1, 0, 88), A.addiu(a2, 0, 99),
      A.add(a0, t0, t0), // overflow
      A.addi(a1, t0, 1), // overflow
      A.lui(t1, 0x8000), A.sub(a2, t1, t0), // -2^31 - (2^31-1): overflow
      A.addu(a3, t0, t0), A.add(v0, t0, 0), A.sub(v1, 0, t0),
    ]);
    const x = r.core.r;
    expect(x[s4]).toBe(3);
    expect(excCode(x[s6]!)).toBe(Exc.Ov);
    expect([x[a0], x[a1], x[a2]]).toEqual([77, 88, 99]);
    expect(u32(x[a3]!)).toBe(0xfffffffe);
    expect(x[v0]).toBe(0x7fffffff);
    expect(x[v1]).toBe(-0x7fffffff);
  });
});

describe("multiply and divide", () => {
  it("MULT/MULTU give the 64-bit product in HI:LO; MFHI/MFLO read it", () => {
    const r = exec([
      ...A.li32(t0, 0xfffffffe), ...A.li32(t1, 0x7fffffff),
      A.mult(t0, t1), A.mfhi(a0), A.mflo(a1),
      A.multu(t0, t1), A.mfhi(a2), A.mflo(a3),
    ]).core.r;
    // signed: -2 * (2^31 - 1) = -(2^32 - 2) = 0xffffffff_00000002
    expect([u32(r[a0]!), u32(r[a1]!)]).toEqual([0xffffffff, 0x00000002]);
    // unsigned: (2^32 - 2)(2^31 - 1) = 2^63 - 2^32 - 2^32 + 2 = 0x7ffffffe_00000002
    expect([u32(r[a2]!), u32(r[a3]!)]).toEqual([0x7ffffffe, 0x00000002]);
  });

  it("DIV truncates toward zero with the remainder's sign the dividend's; DIVU unsigned; INT_MIN / -1; MTHI/MTLO", () => {
    const r = exec([
      A.addiu(t0, 0, -7), A.addiu(t1, 0, 2),
      A.div(t0, t1), A.mflo(a0), A.mfhi(a1),
      A.divu(t0, t1), A.mflo(a2), A.mfhi(a3),
      A.lui(t2, 0x8000), A.addiu(t1, 0, -1), A.div(t2, t1), A.mflo(v0), A.mfhi(v1),
      A.addiu(t0, 0, 11), A.mthi(t0), A.addiu(t0, 0, 12), A.mtlo(t0), A.mfhi(s6), A.mflo(s7),
    ]).core.r;
    expect([r[a0], r[a1]]).toEqual([-3, -1]);
    expect([u32(r[a2]!), r[a3]]).toEqual([0x7ffffffc, 1]); // 0xfffffff9 / 2
    expect([u32(r[v0]!), r[v1]]).toEqual([0x80000000, 0]);
    expect([r[s6], r[s7]]).toEqual([11, 12]);
  });

  it("division by zero leaves the model's documented values (unpredictable on MIPS) and does not trap", () => {
    const r = exec([A.addiu(t0, 0, 5), A.div(t0, 0), A.mflo(a0), A.mfhi(a1), A.addiu(t0, 0, -5), A.div(t0, 0), A.mflo(a2), A.divu(t0, 0), A.mflo(a3)]).core.r;
    expect([r[a0], r[a1], r[a2], r[a3]]).toEqual([-1, 5, 1, -1]);
  });
});

describe("jumps and branches", () => {
  it("J, JAL, JR, JALR run their delay slot and link past it", () => {
    // 0: jal 4; 1: addiu a0 (slot); 2: j 6; 3: addiu a1 (slot); 4: addiu a2; 5: jr ra ... layout below
    const base = KCODE;
    const r = exec([
      /* 0 */ A.jal(base + 4 * 6),
      /* 1 */ A.addiu(a0, 0, 1), // delay slot
      /* 2 */ A.j(base + 4 * 9),
      /* 3 */ A.addiu(a1, 0, 2), // delay slot
      /* 4 */ A.addiu(v0, 0, 99), // skipped
      /* 5 */ A.addiu(v0, 0, 98), // skipped
      /* 6 */ A.or(s7, ra, 0), // the callee: save the link
      /* 7 */ A.jr(ra),
      /* 8 */ A.addiu(a2, 0, 3), // delay slot of jr
      /* 9 */ ...A.li32(t0, base + 4 * 14),
      /* 11 */ A.jalr(t1, t0),
      /* 12 */ A.addiu(a3, 0, 4), // delay slot
      /* 13 */ A.addiu(v0, 0, 97), // skipped
      /* 14 */ A.nop(),
    ]).core.r;
    expect(u32(r[s7]!)).toBe(base + 8); // JAL links to the instruction after its delay slot
    expect([r[a0], r[a1], r[a2], r[a3]]).toEqual([1, 2, 3, 4]);
    expect(r[v0]).toBe(0);
    expect(u32(r[t1]!)).toBe(base + 4 * 13);
  });

  const conditional: [string, (rs: number, off: number) => number, number[]][] = [
    ["beq", (rs, off) => A.beq(rs, t2, off), [0]],
    ["bne", (rs, off) => A.bne(rs, t2, off), [-5, 3]],
    ["blez", A.blez, [-5, 0]],
    ["bgtz", A.bgtz, [3]],
    ["bltz", A.bltz, [-5]],
    ["bgez", A.bgez, [0, 3]],
  ];
  for (const [name, enc, takenFor] of conditional) {
    it(`${name} is taken exactly for ${takenFor.join(", ")} (of -5, 0, 3; t2 = 0) and always runs its delay slot`, () => {
      for (const v of [-5, 0, 3]) {
        const r = exec([A.addiu(t0, 0, v), enc(t0, 2), A.addiu(a0, 0, 1), A.addiu(a1, 0, 1), A.nop()]).core.r;
        expect(r[a0], `${name} ${v}: delay slot`).toBe(1);
        expect(r[a1] === 0, `${name} ${v}: taken`).toBe(takenFor.includes(v));
      }
    });
  }

  it("BLTZAL and BGEZAL link whether or not they branch", () => {
    const r = exec([A.addiu(t0, 0, 5), A.bltzal(t0, 2), A.nop(), A.or(a0, ra, 0), A.bgezal(t0, 1), A.nop(), A.or(a1, 0, 0), A.or(a2, ra, 0)]).core.r;
    expect(u32(r[a0]!)).toBe(KCODE + 12);
    expect(r[a1]).toBe(0);
    expect(u32(r[a2]!)).toBe(KCODE + 24);
  });

  const likely: [string, (rs: number, off: number) => number][] = [
    ["beql", (rs, off) => A.beql(rs, 0, off)],
    ["bnel", (rs, off) => A.bnel(rs, 0, off)],
    ["blezl", A.blezl],
    ["bgtzl", A.bgtzl],
    ["bltzl", A.bltzl],
    ["bgezl", A.bgezl],
    ["bltzall", A.bltzall],
    ["bgezall", A.bgezall],
  ];
  for (const [name, enc] of likely) {
    it(`${name}: taken runs the delay slot, not taken nullifies it`, () => {
      for (const v of [-1, 0, 1]) {
        const taken = name === "beql" ? v === 0 : name === "bnel" ? v !== 0 : cmp(name, v);
        const r = exec([A.addiu(t0, 0, v), enc(t0, 2), A.addiu(a0, 0, 1), A.addiu(a1, 0, 1), A.nop()]).core.r;
        expect(r[a0], `${name} ${v}: slot`).toBe(taken ? 1 : 0);
        expect(r[a1], `${name} ${v}: fall-through`).toBe(taken ? 0 : 1);
      }
    });
  }
  function cmp(name: string, v: number): boolean {
    if (name.startsWith("blez")) return v <= 0;
    if (name.startsWith("bgtz")) return v > 0;
    if (name.startsWith("bltz")) return v < 0;
    return v >= 0;
  }
});

describe("loads and stores (big-endian)", () => {
  const bytes = [0x81, 0x72, 0xe3, 0x04, 0xf5, 0x16, 0x27, 0x98];
  function withData(words: number[]) {
    const r = rig(assemble(words));
    bytes.forEach((b, k) => r.mem.write8(DATA + k, b));
    runToIdle(r);
    return r;
  }

  it("LB/LBU sign- and zero-extend each byte; LH/LHU each halfword; LW the word, most significant byte first", () => {
    const out: number[] = [];
    for (let k = 0; k < 4; k++) {
      const r = withData([...A.li32(t0, KDATA), A.lb(a0, k, t0), A.lbu(a1, k, t0), A.lh(a2, k & 2, t0), A.lhu(a3, k & 2, t0), A.lw(v0, 4, t0)]).core.r;
      expect(r[a0]).toBe((bytes[k]! << 24) >> 24);
      expect(r[a1]).toBe(bytes[k]);
      const half = (bytes[k & 2]! << 8) | bytes[(k & 2) + 1]!;
      expect(r[a2]).toBe((half << 16) >> 16);
      expect(r[a3]).toBe(half);
      out.push(u32(r[v0]!));
    }
    expect(out[0]).toBe(0xf5162798);
  });

  it("SB/SH/SW write the bytes big-endian", () => {
    const r = exec([...A.li32(t0, KDATA), ...A.li32(t1, 0x11223344), A.sw(t1, 0, t0), A.sb(t1, 5, t0), A.sh(t1, 10, t0)]);
    expect(Array.from(r.mem.readBytes(DATA, 12))).toEqual([0x11, 0x22, 0x33, 0x44, 0, 0x44, 0, 0, 0, 0, 0x33, 0x44]);
  });

  it("misaligned LH/LW raise AdEL and SH/SW raise AdES, with BadVAddr; the destination is not written", () => {
    const r = execWithHandler([...A.li32(t0, KDATA), A.addiu(a0, 0, 7), A.lw(a0, 2, t0)]);
    expect(excCode(r.core.r[s6]!)).toBe(Exc.AdEL);
    expect(u32(r.core.r[s5]!)).toBe(KDATA + 2);
    expect(u32(r.core.r[s7]!)).toBe(KCODE + 12);
    expect(r.core.r[a0]).toBe(7);
    const w = execWithHandler([...A.li32(t0, KDATA), A.sh(t0, 1, t0)]);
    expect(excCode(w.core.r[s6]!)).toBe(Exc.AdES);
    expect(u32(w.core.r[s5]!)).toBe(KDATA + 1);
  });

  /** LWL/LWR/SWL/SWR by the book: bytes moved one at a time. */
  function refLwl(mem: number[], addr: number, reg: number): number {
    const b = addr & 3, base = addr - b;
    const out = [(reg >>> 24) & 255, (reg >>> 16) & 255, (reg >>> 8) & 255, reg & 255];
    for (let k = b; k < 4; k++) out[k - b] = mem[base + k]!;
    return u32((out[0]! << 24) | (out[1]! << 16) | (out[2]! << 8) | out[3]!);
  }
  function refLwr(mem: number[], addr: number, reg: number): number {
    const b = addr & 3, base = addr - b;
    const out = [(reg >>> 24) & 255, (reg >>> 16) & 255, (reg >>> 8) & 255, reg & 255];
    for (let k = 0; k <= b; k++) out[3 - b + k] = mem[base + k]!;
    return u32((out[0]! << 24) | (out[1]! << 16) | (out[2]! << 8) | out[3]!);
  }
  function refSwl(mem: number[], addr: number, reg: number): number[] {
    const b = addr & 3, base = addr - b, out = mem.slice(), rb = [(reg >>> 24) & 255, (reg >>> 16) & 255, (reg >>> 8) & 255, reg & 255];
    for (let k = b; k < 4; k++) out[base + k] = rb[k - b]!;
    return out;
  }
  function refSwr(mem: number[], addr: number, reg: number): number[] {
    const b = addr & 3, base = addr - b, out = mem.slice(), rb = [(reg >>> 24) & 255, (reg >>> 16) & 255, (reg >>> 8) & 255, reg & 255];
    for (let k = 0; k <= b; k++) out[base + k] = rb[3 - b + k]!;
    return out;
  }

  it("LWL and LWR merge the addressed bytes into the register, at every offset; the pair loads any unaligned word", () => {
    const reg = 0xa1b2c3d4;
    for (let off = 0; off < 8; off++) {
      const r = withData([...A.li32(t0, KDATA), ...A.li32(a0, reg), ...A.li32(a1, reg), A.lwl(a0, off, t0), A.lwr(a1, off, t0)]).core.r;
      expect(u32(r[a0]!), `lwl ${off}`).toBe(refLwl(bytes, off, reg));
      expect(u32(r[a1]!), `lwr ${off}`).toBe(refLwr(bytes, off, reg));
    }
    for (let off = 0; off < 5; off++) {
      const r = withData([...A.li32(t0, KDATA), A.lwl(a0, off, t0), A.lwr(a0, off + 3, t0)]).core.r;
      expect(u32(r[a0]!)).toBe(u32((bytes[off]! << 24) | (bytes[off + 1]! << 16) | (bytes[off + 2]! << 8) | bytes[off + 3]!));
    }
  });

  it("SWL and SWR store the register's bytes at every offset; the pair stores any unaligned word", () => {
    const reg = 0xa1b2c3d4;
    for (let off = 0; off < 8; off++) {
      for (const [name, enc, ref] of [["swl", A.swl, refSwl], ["swr", A.swr, refSwr]] as const) {
        const r = rig(assemble([...A.li32(t0, KDATA), ...A.li32(a0, reg), enc(a0, off, t0)]));
        bytes.forEach((b, k) => r.mem.write8(DATA + k, b));
        runToIdle(r);
        expect(Array.from(r.mem.readBytes(DATA, 8)), `${name} ${off}`).toEqual(ref(bytes, off, reg));
      }
    }
    const r = exec([...A.li32(t0, KDATA), ...A.li32(a0, reg), A.swl(a0, 3, t0), A.swr(a0, 6, t0)]);
    expect(Array.from(r.mem.readBytes(DATA + 3, 4))).toEqual([0xa1, 0xb2, 0xc3, 0xd4]);
  });

  it("LL/SC: SC succeeds after LL and writes; after an ERET it fails and does not write", () => {
    const r = exec([...A.li32(t0, KDATA), A.ll(a0, 0, t0), A.addiu(a1, 0, 42), A.sc(a1, 0, t0), A.lw(a2, 0, t0)]).core.r;
    expect([r[a1], r[a2]]).toEqual([1, 42]);
    const f = execWithHandler([...A.li32(t0, KDATA), A.ll(a0, 0, t0), A.syscall(), A.addiu(a1, 0, 42), A.sc(a1, 0, t0), A.lw(a2, 0, t0)]).core.r;
    expect([f[a1], f[a2]]).toEqual([0, 0]);
  });

  it("a store into code that already ran is seen when that code runs again (predecode invalidated)", () => {
    // the loop body's ADDIU a0,a0,1 is overwritten with ADDIU a0,a0,100 after the first pass
    const body = KCODE + 4 * 4;
    const r = exec([
      /* 0 */ A.addiu(t1, 0, 2), // passes
      /* 1 */ ...A.li32(t0, body),
      /* 3 */ ...[], // (li32 takes two words: 1, 2)
      /* 3 */ A.nop(),
      /* 4 */ A.addiu(a0, a0, 1),
      /* 5 */ ...A.li32(t2, A.addiu(a0, a0, 100)),
      /* 7 */ A.sw(t2, 0, t0),
      /* 8 */ A.addiu(t1, t1, -1),
      /* 9 */ A.bgtz(t1, -6),
      /* 10 */ A.nop(),
    ]).core.r;
    expect(r[a0]).toBe(101);
  });
});

describe("traps and exceptions", () => {
  const traps: [string, number, boolean][] = [
    ["tge", A.tge(t0, t1), true], ["tgeu", A.tgeu(t0, t1), false], ["tlt", A.tlt(t0, t1), false], ["tltu", A.tltu(t0, t1), true],
    ["teq", A.teq(t0, t0), true], ["tne", A.tne(t0, t1), true],
    ["tgei", A.tgei(t0, -1), true], ["tgeiu", A.tgeiu(t0, 1), true], ["tlti", A.tlti(t0, 0), false], ["tltiu", A.tltiu(t0, -1), true],
    ["teqi", A.teqi(t0, 1), true], ["tnei", A.tnei(t0, 1), false],
  ];
  it("each trap raises Tr exactly when its condition holds (t0 = 1, t1 = -1)", () => {
    for (const [name, word, fires] of traps) {
      const r = execWithHandler([A.addiu(t0, 0, 1), A.addiu(t1, 0, -1), word]).core.r;
      expect(r[s4], name).toBe(fires ? 1 : 0);
      if (fires) expect(excCode(r[s6]!), name).toBe(Exc.Tr);
    }
  });

  it("SYSCALL, BREAK, a reserved encoding and a COP1 instruction raise Sys, Bp, RI and CpU (CE = 1) at their own address", () => {
    const cases: [number, number][] = [[A.syscall(), Exc.Sys], [A.break(7), Exc.Bp], [0x7c000000, Exc.RI], [0x44000000, Exc.CpU]];
    for (const [word, code] of cases) {
      const r = execWithHandler([A.nop(), word]).core.r;
      expect(excCode(r[s6]!)).toBe(code);
      expect(u32(r[s7]!)).toBe(KCODE + 4);
      expect(r[s6]! >= 0).toBe(true); // BD clear
      if (code === Exc.CpU) expect((r[s6]! >>> 28) & 3).toBe(1);
    }
  });

  it("an exception in a delay slot sets Cause.BD and points EPC at the branch", () => {
    const r = execWithHandler([A.nop(), A.beq(0, 0, 1), A.break(), A.addiu(a0, 0, 5), A.addiu(a1, 0, 6)]).core.r;
    expect(r[s6]! < 0).toBe(true);
    expect(u32(r[s7]!)).toBe(KCODE + 4);
    // the handler resumes after the branch and its slot, which is where the taken branch went
    expect([r[a0], r[a1]]).toEqual([5, 6]);
  });

  it("a jump to a misaligned address raises AdEL on the fetch with BadVAddr = the target; kuseg raises TLBL", () => {
    // (returning to a misaligned EPC faults again: look at CP0 right after the first entry)
    const m = rig(assemble([...A.li32(t0, KCODE + 4 * 6 + 2), A.jr(t0), A.nop(), A.nop(), A.nop()]));
    while (m.core.exceptions === 0) m.core.run(1);
    expect(excCode(m.core.cp0.regs[13]!)).toBe(Exc.AdEL);
    expect(u32(m.core.cp0.regs[8]!)).toBe(KCODE + 4 * 6 + 2);
    expect(u32(m.core.cp0.regs[14]!)).toBe(KCODE + 4 * 6 + 2);
    expect(u32(m.core.pc)).toBe(0x80000180);
    const t = execWithHandler([...A.li32(t0, 0x00400000), A.lw(a0, 0, t0)]).core.r;
    expect(excCode(t[s6]!)).toBe(Exc.TLBL);
    expect(u32(t[s5]!)).toBe(0x00400000);
  });

  it("ERET returns to EPC and clears EXL", () => {
    const r = execWithHandler([A.syscall(), A.mfc0(a0, 12)]);
    expect(r.core.r[a0]! & 2).toBe(0);
    expect(r.core.r[s4]).toBe(1);
  });

  it("an unimplemented instruction (a 64-bit DADDU) stops the core loudly, naming it", () => {
    const r = rig(assemble([A.nop(), 0x0085102d]));
    expect(r.core.run(1000)).toBe(StopReason.Unimplemented);
    expect(r.core.unimplementedAt).toBe(KCODE + 4);
    expect(r.core.unimplementedWord).toBe(0x0085102d);
  });
});

describe("CP0", () => {
  it("PRId reads 0x2112 (R4700); Config says big-endian, 16 KB caches, 32-byte lines", () => {
    const r = exec([A.mfc0(a0, 15), A.mfc0(a1, 16)]).core.r;
    expect(r[a0]).toBe(R4700_PRID);
    expect((r[a1]! >>> 15) & 1).toBe(1);
    expect((r[a1]! >>> 9) & 7).toBe(2);
    expect((r[a1]! >>> 6) & 7).toBe(2);
  });

  it("Count advances once every countDivider cycles", () => {
    const r = exec([A.mtc0(0, 9), A.nop(), A.nop(), A.nop(), A.nop(), A.nop(), A.nop(), A.nop(), A.nop(), A.mfc0(a0, 9)]);
    // MTC0 (word 0) sets Count = 0; MFC0 (word 9) issues 9 cycles later plus the refill of the second I-cache line (words 8-15)
    expect(r.core.r[a0]).toBe(Math.floor((9 + r.port.params.readCycles) / r.core.timing.countDivider));
  });

  it("the timer interrupt (Count = Compare, IP7) enters the vector with EPC at the interrupted instruction; writing Compare acknowledges it", () => {
    // handler: count interrupts in s4, push Compare forward, return
    const r = rig(assemble([
      A.mtc0(0, 9), A.addiu(t0, 0, 50), A.mtc0(t0, 11), // Count = 0, Compare = 50
      ...A.li32(t1, 0x8001), A.mtc0(t1, 12), // IM7 | IE
      A.addiu(a0, a0, 1), A.slti(t2, s4, 3), A.bne(t2, 0, -3), A.nop(), // spin until 3 interrupts
      A.mtc0(0, 12),
    ]));
    [A.mfc0(22, 13), A.mfc0(26, 11), A.addiu(26, 26, 50), A.mtc0(26, 11), A.addiu(20, 20, 1), A.nop(), A.eret()].forEach((w, k) => r.mem.write32(0x180 + 4 * k, w));
    r.core.cp0.write(12, 0, 0);
    runToIdle(r);
    expect(r.core.r[s4]).toBe(3);
    expect(r.core.interrupts).toBe(3);
    expect(excCode(r.core.r[s6]!)).toBe(Exc.Int);
    expect((r.core.r[s6]! >>> 15) & 1).toBe(1); // IP7 was pending at entry
  });

  it("an external interrupt line is taken only when IE is set and its IM bit unmasked", () => {
    const r = withHandler(rig(assemble([A.nop(), A.nop(), ...A.li32(t1, 0x0401), A.mtc0(t1, 12), A.nop(), A.nop(), A.mtc0(0, 12)])));
    r.core.setInterruptLine(0, true); // Int0 = IP2 = Status bit 10
    r.core.run(2); // IE still clear: nothing
    expect(r.core.interrupts).toBe(0);
    // the handler returns to EPC + 4 (it treats interrupts like traps): drop the line once it has read Cause
    while (r.core.r[s4] === 0) r.core.run(1);
    r.core.setInterruptLine(0, false);
    runToIdle(r);
    expect(r.core.interrupts).toBe(1);
    expect(excCode(r.core.r[s6]!)).toBe(Exc.Int);
    expect((r.core.r[s6]! >>> 10) & 1).toBe(1);
  });
});

describe("uncached (kseg1) and device accesses", () => {
  it("kseg1 reads and writes the same DRAM as kseg0, through the memory port, not the D-cache", () => {
    const r = exec([...A.li32(t0, 0xa0000000 + DATA), ...A.li32(t1, KDATA), A.addiu(a0, 0, 123), A.sw(a0, 0, t0), A.lw(a1, 0, t1), A.lw(a2, 0, t0)]);
    expect([r.core.r[a1], r.core.r[a2]]).toEqual([123, 123]);
    expect(r.core.uncachedWrites).toBe(1);
    expect(r.core.uncachedReads).toBe(1);
    expect(r.core.dcache.misses).toBe(1); // only the kseg0 load
  });

  it("addresses outside DRAM go to the device space (values) and the device port (timing)", () => {
    const regs = new Map<number, number>();
    const r = rig(assemble([...A.li32(t0, 0xb4000000), ...A.li32(a0, 0xdeadbeef), A.sw(a0, 0x10, t0), A.lw(a1, 0x10, t0), A.lbu(a2, 0x11, t0)]));
    r.core.devices = { load: (pa, n) => (n === 4 ? regs.get(pa) ?? 0 : ((regs.get(pa & ~3) ?? 0) >>> ((3 - (pa & 3)) * 8)) & 0xff), store: (pa, _n, v) => void regs.set(pa, v) };
    runToIdle(r);
    expect(regs.get(0x14000010)).toBe(0xdeadbeef | 0);
    expect(u32(r.core.r[a1]!)).toBe(0xdeadbeef);
    expect(r.core.r[a2]).toBe(0xad);
    expect(r.port.deviceReads).toBe(2);
    expect(r.port.deviceWrites).toBe(1);
  });
});
