/**
 * The instructions the instruction-level R4700 implements, as dense numbers for the interpreter's
 * switch: the MIPS III integer subset that GCC emits for 32-bit code (-march=r4600 -mabi=32),
 * the MIPS II traps, LL/SC and SYNC, and the CP0 instructions firmware uses (MFC0, MTC0, ERET,
 * CACHE). Decoding is in decode.ts; names are the assembler mnemonics.
 *
 * Two kinds of "not implemented" are kept apart: `Reserved` is an encoding the R4700 itself
 * rejects (Reserved Instruction exception); `Unimplemented` is a real R4700 instruction this
 * model does not carry (64-bit doubleword operations, which 32-bit code never uses with 32-bit
 * registers; the TLB instructions, as firmware runs unmapped): the core stops loudly on it.
 */
export const Op = {
  Undecoded: 0,
  Nop: 1,
  // shifts and three-register ALU
  Sll: 2, Srl: 3, Sra: 4, Sllv: 5, Srlv: 6, Srav: 7,
  Add: 8, Addu: 9, Sub: 10, Subu: 11, And: 12, Or: 13, Xor: 14, Nor: 15, Slt: 16, Sltu: 17,
  // immediate ALU
  Addi: 18, Addiu: 19, Slti: 20, Sltiu: 21, Andi: 22, Ori: 23, Xori: 24, Lui: 25,
  // multiply and divide
  Mult: 26, Multu: 27, Div: 28, Divu: 29, Mfhi: 30, Mflo: 31, Mthi: 32, Mtlo: 33,
  // jumps
  J: 34, Jal: 35, Jr: 36, Jalr: 37,
  // branches
  Beq: 38, Bne: 39, Blez: 40, Bgtz: 41, Bltz: 42, Bgez: 43, Bltzal: 44, Bgezal: 45,
  Beql: 46, Bnel: 47, Blezl: 48, Bgtzl: 49, Bltzl: 50, Bgezl: 51, Bltzall: 52, Bgezall: 53,
  // loads and stores
  Lb: 54, Lbu: 55, Lh: 56, Lhu: 57, Lw: 58, Lwl: 59, Lwr: 60, Ll: 61,
  Sb: 62, Sh: 63, Sw: 64, Swl: 65, Swr: 66, Sc: 67,
  // traps
  Tge: 68, Tgeu: 69, Tlt: 70, Tltu: 71, Teq: 72, Tne: 73,
  Tgei: 74, Tgeiu: 75, Tlti: 76, Tltiu: 77, Teqi: 78, Tnei: 79,
  // system
  Syscall: 80, Break: 81, Sync: 82, Cache: 83, Mfc0: 84, Mtc0: 85, Eret: 86,
  // not executed
  Reserved: 87,
  CopUnusable: 88,
  Unimplemented: 89,
} as const;
export type Op = (typeof Op)[keyof typeof Op];

export const OP_COUNT = 90;

/** Mnemonic of each op (index = op number). */
export const OP_NAMES: readonly string[] = (() => {
  const names: string[] = new Array(OP_COUNT).fill("?");
  for (const [k, v] of Object.entries(Op)) names[v] = k.toLowerCase();
  return names;
})();

/** What an op does to the memory system, for traces and counters. */
export const OpClass = { Other: 0, Load: 1, Store: 2, Branch: 3, MulDiv: 4, Cache: 5 } as const;

export const OP_CLASS: Uint8Array = (() => {
  const c = new Uint8Array(OP_COUNT);
  for (let o: number = Op.Lb; o <= Op.Ll; o++) c[o] = OpClass.Load;
  for (let o: number = Op.Sb; o <= Op.Sc; o++) c[o] = OpClass.Store;
  for (let o: number = Op.J; o <= Op.Bgezall; o++) c[o] = OpClass.Branch;
  for (let o: number = Op.Mult; o <= Op.Mtlo; o++) c[o] = OpClass.MulDiv;
  c[Op.Cache] = OpClass.Cache;
  return c;
})();
