/**
 * Decoding MIPS III instruction words (big-endian words as 32-bit integers) into the
 * interpreter's predecoded form: an op number and its operands in parallel typed arrays, one
 * slot per instruction word. The interpreter decodes a word the first time it runs it and keeps
 * the slot until a store overwrites the word (see core.ts), so steady-state execution never
 * decodes.
 *
 * Operand conventions (what the interpreter reads):
 *   d   destination register (writes to r0 go to SINK, so r0 stays 0 with no check per
 *       instruction); for CACHE, the 5-bit cache operation; for MFC0/MTC0, unused
 *   s   first source register (rs; HI or LO for MFHI/MFLO)
 *   t   second source register (rt), 0 when the instruction reads no second register
 *   imm sign- or zero-extended immediate; branch offset in bytes; jump target's low 28 bits;
 *       shift amount; CP0 register number; trap or break code; coprocessor number
 * s and t are exactly the registers the instruction reads, so the pipeline's interlock check
 * (core.ts) can look both up with no per-op logic; reading r0 never stalls.
 */
import { Op } from "./opcodes.ts";

/** Register file slots beyond the 32 GPRs: HI, LO and the sink for writes to r0. */
export const REG_HI = 32;
export const REG_LO = 33;
export const REG_SINK = 34;
export const REG_SLOTS = 40;

export class Predecoded {
  readonly op: Uint8Array;
  readonly d: Uint8Array;
  readonly s: Uint8Array;
  readonly t: Uint8Array;
  readonly imm: Int32Array;
  constructor(readonly slots: number) {
    this.op = new Uint8Array(slots);
    this.d = new Uint8Array(slots);
    this.s = new Uint8Array(slots);
    this.t = new Uint8Array(slots);
    this.imm = new Int32Array(slots);
  }
}

const SPECIAL: Uint8Array = (() => {
  const t = new Uint8Array(64).fill(Op.Reserved);
  const set = (f: number, o: number) => (t[f] = o);
  set(0x00, Op.Sll); set(0x02, Op.Srl); set(0x03, Op.Sra);
  set(0x04, Op.Sllv); set(0x06, Op.Srlv); set(0x07, Op.Srav);
  set(0x08, Op.Jr); set(0x09, Op.Jalr);
  set(0x0c, Op.Syscall); set(0x0d, Op.Break); set(0x0f, Op.Sync);
  set(0x10, Op.Mfhi); set(0x11, Op.Mthi); set(0x12, Op.Mflo); set(0x13, Op.Mtlo);
  set(0x18, Op.Mult); set(0x19, Op.Multu); set(0x1a, Op.Div); set(0x1b, Op.Divu);
  set(0x20, Op.Add); set(0x21, Op.Addu); set(0x22, Op.Sub); set(0x23, Op.Subu);
  set(0x24, Op.And); set(0x25, Op.Or); set(0x26, Op.Xor); set(0x27, Op.Nor);
  set(0x2a, Op.Slt); set(0x2b, Op.Sltu);
  set(0x30, Op.Tge); set(0x31, Op.Tgeu); set(0x32, Op.Tlt); set(0x33, Op.Tltu); set(0x34, Op.Teq); set(0x36, Op.Tne);
  // MIPS III doubleword operations: real R4700 instructions, outside this model's 32-bit registers
  for (const f of [0x14, 0x16, 0x17, 0x1c, 0x1d, 0x1e, 0x1f, 0x2c, 0x2d, 0x2e, 0x2f, 0x38, 0x3a, 0x3b, 0x3c, 0x3e, 0x3f]) set(f, Op.Unimplemented);
  return t;
})();

const REGIMM: Uint8Array = (() => {
  const t = new Uint8Array(32).fill(Op.Reserved);
  t[0] = Op.Bltz; t[1] = Op.Bgez; t[2] = Op.Bltzl; t[3] = Op.Bgezl;
  t[8] = Op.Tgei; t[9] = Op.Tgeiu; t[10] = Op.Tlti; t[11] = Op.Tltiu; t[12] = Op.Teqi; t[14] = Op.Tnei;
  t[16] = Op.Bltzal; t[17] = Op.Bgezal; t[18] = Op.Bltzall; t[19] = Op.Bgezall;
  return t;
})();

const MAIN: Uint8Array = (() => {
  const t = new Uint8Array(64).fill(Op.Reserved);
  t[2] = Op.J; t[3] = Op.Jal; t[4] = Op.Beq; t[5] = Op.Bne; t[6] = Op.Blez; t[7] = Op.Bgtz;
  t[8] = Op.Addi; t[9] = Op.Addiu; t[10] = Op.Slti; t[11] = Op.Sltiu;
  t[12] = Op.Andi; t[13] = Op.Ori; t[14] = Op.Xori; t[15] = Op.Lui;
  t[17] = Op.CopUnusable; t[18] = Op.CopUnusable;
  t[20] = Op.Beql; t[21] = Op.Bnel; t[22] = Op.Blezl; t[23] = Op.Bgtzl;
  t[32] = Op.Lb; t[33] = Op.Lh; t[34] = Op.Lwl; t[35] = Op.Lw; t[36] = Op.Lbu; t[37] = Op.Lhu; t[38] = Op.Lwr;
  t[40] = Op.Sb; t[41] = Op.Sh; t[42] = Op.Swl; t[43] = Op.Sw; t[46] = Op.Swr; t[47] = Op.Cache;
  t[48] = Op.Ll; t[56] = Op.Sc;
  for (const o of [49, 50, 53, 54, 57, 58, 61, 62]) t[o] = Op.CopUnusable; // LWC1/2, LDC1/2, SWC1/2, SDC1/2
  for (const o of [24, 25, 26, 27, 39, 44, 45, 52, 55, 60, 63]) t[o] = Op.Unimplemented; // DADDI(U), LDL/R, LWU, SDL/R, LLD, LD, SCD, SD
  return t;
})();

/** Ops that only compute a register value: with destination r0 they do nothing and become NOP. */
const PURE = new Set<number>([Op.Sll, Op.Srl, Op.Sra, Op.Sllv, Op.Srlv, Op.Srav, Op.Addu, Op.Subu, Op.And, Op.Or, Op.Xor, Op.Nor, Op.Slt, Op.Sltu, Op.Addiu, Op.Slti, Op.Sltiu, Op.Andi, Op.Ori, Op.Xori, Op.Lui, Op.Mfhi, Op.Mflo]);

/** Decodes `word` into slot `i` of `pd`. */
export function decodeInto(word: number, pd: Predecoded, i: number): void {
  const opcode = word >>> 26, rs = (word >>> 21) & 31, rt = (word >>> 16) & 31, rd = (word >>> 11) & 31;
  const sa = (word >>> 6) & 31, simm = (word << 16) >> 16, uimm = word & 0xffff;
  let op: number, d = 0, s = 0, t = 0, imm = 0;
  if (opcode === 0) {
    op = SPECIAL[word & 63]!;
    switch (op) {
      case Op.Sll: case Op.Srl: case Op.Sra: d = rd; t = rt; imm = sa; break;
      case Op.Jr: s = rs; break;
      case Op.Jalr: d = rd; s = rs; break;
      case Op.Syscall: case Op.Break: imm = (word >>> 6) & 0xfffff; break;
      case Op.Mfhi: d = rd; s = REG_HI; break;
      case Op.Mflo: d = rd; s = REG_LO; break;
      case Op.Mthi: case Op.Mtlo: s = rs; break;
      case Op.Mult: case Op.Multu: case Op.Div: case Op.Divu: s = rs; t = rt; break;
      case Op.Tge: case Op.Tgeu: case Op.Tlt: case Op.Tltu: case Op.Teq: case Op.Tne: s = rs; t = rt; imm = (word >>> 6) & 0x3ff; break;
      case Op.Sync: case Op.Reserved: case Op.Unimplemented: break;
      default: d = rd; s = rs; t = rt; // three-register ALU and variable shifts
    }
  } else if (opcode === 1) {
    op = REGIMM[rt]!;
    s = rs;
    imm = op >= Op.Tgei && op <= Op.Tnei ? simm : simm << 2;
    if (op === Op.Bltzal || op === Op.Bgezal || op === Op.Bltzall || op === Op.Bgezall) d = 31;
  } else if (opcode === 16) {
    // COP0
    op = Op.Reserved;
    if (rs === 0) { op = Op.Mfc0; d = rt; imm = rd; }
    else if (rs === 4) { op = Op.Mtc0; s = rt; imm = rd; }
    else if (rs === 1 || rs === 5) op = Op.Unimplemented; // DMFC0, DMTC0
    else if (rs >= 16) {
      const f = word & 63;
      if (f === 0x18) op = Op.Eret;
      else if (f === 0x01 || f === 0x02 || f === 0x06 || f === 0x08) op = Op.Unimplemented; // TLBR, TLBWI, TLBWR, TLBP
    }
  } else {
    op = MAIN[opcode]!;
    switch (op) {
      case Op.J: case Op.Jal: imm = (word & 0x3ffffff) << 2; if (op === Op.Jal) d = 31; break;
      case Op.Beq: case Op.Bne: case Op.Beql: case Op.Bnel: s = rs; t = rt; imm = simm << 2; break;
      case Op.Blez: case Op.Bgtz: case Op.Blezl: case Op.Bgtzl: s = rs; imm = simm << 2; break;
      case Op.Andi: case Op.Ori: case Op.Xori: d = rt; s = rs; imm = uimm; break;
      case Op.Lui: d = rt; imm = uimm << 16; break;
      case Op.Addi: case Op.Addiu: case Op.Slti: case Op.Sltiu: d = rt; s = rs; imm = simm; break;
      case Op.Lb: case Op.Lbu: case Op.Lh: case Op.Lhu: case Op.Lw: case Op.Ll: d = rt; s = rs; imm = simm; break;
      case Op.Lwl: case Op.Lwr: d = rt; s = rs; t = rt; imm = simm; break; // merges into rt
      case Op.Sb: case Op.Sh: case Op.Sw: case Op.Swl: case Op.Swr: s = rs; t = rt; imm = simm; break;
      case Op.Sc: d = rt; s = rs; t = rt; imm = simm; break;
      case Op.Cache: d = rt; s = rs; imm = simm; break; // d = the cache operation
      case Op.CopUnusable: imm = opcode & 3; break;
      default: break;
    }
  }
  if (op !== Op.Cache && d === 0) {
    if (PURE.has(op)) op = Op.Nop;
    d = REG_SINK; // writes to r0 (and ops that write nothing) target the sink
  }
  pd.op[i] = op;
  pd.d[i] = d;
  pd.s[i] = s;
  pd.t[i] = t;
  pd.imm[i] = imm;
}

