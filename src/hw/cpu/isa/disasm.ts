/**
 * A disassembler for the instructions the R4700 model executes, in the style of GNU objdump
 * (`mips-linux-gnu-objdump -d`): ABI register names, objdump's aliases (nop, ssnop, ehb, move,
 * li, b, bal, beqz, bnez, beqzl, bnezl, negu, not), decimal offsets and add immediates,
 * hexadecimal logical immediates, shift amounts and codes, branch and jump targets as bare
 * hexadecimal addresses.
 * It reads the instruction fields itself, independently of decode.ts. The test suite checks it
 * against objdump on every word of the committed images, where objdump is installed.
 */
export const REG_NAMES = ["zero", "at", "v0", "v1", "a0", "a1", "a2", "a3", "t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "t8", "t9", "k0", "k1", "gp", "sp", "s8", "ra"];

const CP0_NAMES: Record<number, string> = {
  0: "c0_index", 1: "c0_random", 2: "c0_entrylo0", 3: "c0_entrylo1", 4: "c0_context", 5: "c0_pagemask", 6: "c0_wired",
  8: "c0_badvaddr", 9: "c0_count", 10: "c0_entryhi", 11: "c0_compare", 12: "c0_sr", 13: "c0_cause", 14: "c0_epc", 15: "c0_prid",
  16: "c0_config", 17: "c0_lladdr", 18: "c0_watchlo", 19: "c0_watchhi", 20: "c0_xcontext", 26: "c0_ecc", 27: "c0_cacheerr",
  28: "c0_taglo", 29: "c0_taghi", 30: "c0_errorepc",
};

const SPECIAL: Record<number, string> = {
  0x00: "sll", 0x02: "srl", 0x03: "sra", 0x04: "sllv", 0x06: "srlv", 0x07: "srav", 0x08: "jr", 0x09: "jalr",
  0x0c: "syscall", 0x0d: "break", 0x0f: "sync", 0x10: "mfhi", 0x11: "mthi", 0x12: "mflo", 0x13: "mtlo",
  0x18: "mult", 0x19: "multu", 0x1a: "div", 0x1b: "divu", 0x20: "add", 0x21: "addu", 0x22: "sub", 0x23: "subu",
  0x24: "and", 0x25: "or", 0x26: "xor", 0x27: "nor", 0x2a: "slt", 0x2b: "sltu",
  0x30: "tge", 0x31: "tgeu", 0x32: "tlt", 0x33: "tltu", 0x34: "teq", 0x36: "tne",
};
const REGIMM: Record<number, string> = {
  0: "bltz", 1: "bgez", 2: "bltzl", 3: "bgezl", 8: "tgei", 9: "tgeiu", 10: "tlti", 11: "tltiu", 12: "teqi", 14: "tnei",
  16: "bltzal", 17: "bgezal", 18: "bltzall", 19: "bgezall",
};
const MEMORY: Record<number, string> = {
  32: "lb", 33: "lh", 34: "lwl", 35: "lw", 36: "lbu", 37: "lhu", 38: "lwr", 40: "sb", 41: "sh", 42: "swl", 43: "sw", 46: "swr", 48: "ll", 56: "sc",
};
const BRANCH: Record<number, string> = { 4: "beq", 5: "bne", 6: "blez", 7: "bgtz", 20: "beql", 21: "bnel", 22: "blezl", 23: "bgtzl" };
const IMMEDIATE: Record<number, string> = { 8: "addi", 9: "addiu", 10: "slti", 11: "sltiu", 12: "andi", 13: "ori", 14: "xori" };

const hex = (v: number) => `0x${(v >>> 0).toString(16)}`;
/** Branch and jump targets, as objdump prints them for an ELF: bare hexadecimal. */
const addr = (v: number) => (v >>> 0).toString(16);
const R = (k: number) => REG_NAMES[k]!;

/** The assembler text of `word` at virtual address `pc`: mnemonic, a tab, operands. */
export function disassemble(word: number, pc: number): string {
  word >>>= 0;
  if (word === 0) return "nop";
  const opcode = word >>> 26, rs = (word >>> 21) & 31, rt = (word >>> 16) & 31, rd = (word >>> 11) & 31, sa = (word >>> 6) & 31, funct = word & 63;
  const simm = (word << 16) >> 16, uimm = word & 0xffff;
  const target = addr(pc + 4 + simm * 4);
  const ins = (m: string, operands?: string) => (operands === undefined ? m : `${m}\t${operands}`);
  const word_ = ins(".word", hex(word));

  if (opcode === 0) {
    const m = SPECIAL[funct];
    if (!m) return word_;
    switch (m) {
      case "sll":
        if (rd === 0 && rt === 0 && sa === 1) return "ssnop";
        if (rd === 0 && rt === 0 && sa === 3) return "ehb";
        return ins(m, `${R(rd)},${R(rt)},${hex(sa)}`);
      case "srl": case "sra": return ins(m, `${R(rd)},${R(rt)},${hex(sa)}`);
      case "sllv": case "srlv": case "srav": return ins(m, `${R(rd)},${R(rt)},${R(rs)}`);
      case "jr": return ins(m, R(rs));
      case "jalr": return rd === 31 ? ins(m, R(rs)) : ins(m, `${R(rd)},${R(rs)}`);
      case "syscall": {
        const code = (word >>> 6) & 0xfffff;
        return code === 0 ? m : ins(m, hex(code));
      }
      case "break": {
        const hi = (word >>> 16) & 0x3ff, lo = (word >>> 6) & 0x3ff;
        return hi === 0 && lo === 0 ? m : lo === 0 ? ins(m, hex(hi)) : ins(m, `${hex(hi)},${hex(lo)}`);
      }
      case "sync": return m;
      case "mfhi": case "mflo": return ins(m, R(rd));
      case "mthi": case "mtlo": return ins(m, R(rs));
      case "mult": case "multu": return ins(m, `${R(rs)},${R(rt)}`);
      case "div": case "divu": return ins(m, `zero,${R(rs)},${R(rt)}`);
      case "tge": case "tgeu": case "tlt": case "tltu": case "teq": case "tne": {
        const code = (word >>> 6) & 0x3ff;
        return code === 0 ? ins(m, `${R(rs)},${R(rt)}`) : ins(m, `${R(rs)},${R(rt)},${hex(code)}`);
      }
      case "addu": case "or": if (rt === 0) return ins("move", `${R(rd)},${R(rs)}`); break;
      case "subu": if (rs === 0) return ins("negu", `${R(rd)},${R(rt)}`); break;
      case "sub": if (rs === 0) return ins("neg", `${R(rd)},${R(rt)}`); break;
      case "nor": if (rt === 0) return ins("not", `${R(rd)},${R(rs)}`); break;
      default: break;
    }
    return ins(m, `${R(rd)},${R(rs)},${R(rt)}`);
  }
  if (opcode === 1) {
    const m = REGIMM[rt];
    if (!m) return word_;
    if (m.startsWith("t")) return ins(m, `${R(rs)},${simm}`);
    if (m === "bgezal" && rs === 0) return ins("bal", target);
    return ins(m, `${R(rs)},${target}`);
  }
  if (opcode === 2 || opcode === 3) return ins(opcode === 2 ? "j" : "jal", addr(((pc + 4) & 0xf0000000) | ((word & 0x3ffffff) << 2)));
  const br = BRANCH[opcode];
  if (br) {
    if (opcode === 4 && rs === 0 && rt === 0) return ins("b", target);
    if ((opcode === 4 || opcode === 5 || opcode === 20 || opcode === 21) && rt !== 0) return ins(br, `${R(rs)},${R(rt)},${target}`);
    if (opcode === 4 || opcode === 5) return ins(opcode === 4 ? "beqz" : "bnez", `${R(rs)},${target}`);
    if (opcode === 20 || opcode === 21) return ins(opcode === 20 ? "beqzl" : "bnezl", `${R(rs)},${target}`);
    return ins(br, `${R(rs)},${target}`);
  }
  const im = IMMEDIATE[opcode];
  if (im) {
    if (opcode === 9 && rs === 0) return ins("li", `${R(rt)},${simm}`);
    if (opcode === 13 && rs === 0) return ins("li", `${R(rt)},${hex(uimm)}`);
    return ins(im, `${R(rt)},${R(rs)},${opcode >= 12 ? hex(uimm) : simm}`);
  }
  if (opcode === 15) return ins("lui", `${R(rt)},${hex(uimm)}`);
  if (opcode === 16) {
    if (rs === 0 || rs === 4) return ins(rs === 0 ? "mfc0" : "mtc0", `${R(rt)},${CP0_NAMES[rd] ?? `$${rd}`}`);
    if (rs >= 16 && funct === 0x18) return "eret";
    return word_;
  }
  const mem = MEMORY[opcode];
  if (mem) return ins(mem, `${R(rt)},${simm}(${R(rs)})`);
  if (opcode === 47) return ins("cache", `${hex(rt)},${simm}(${R(rs)})`);
  return word_;
}
