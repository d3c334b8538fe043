/**
 * Reads the ELF images the firmware build writes (firmware/build/*.elf): 32-bit, big-endian,
 * MIPS, statically linked executables (ET_EXEC) whose loadable segments sit in kseg0. Gives
 * the entry point, the segments (text, data; bss as the part of a segment beyond its file
 * bytes), the sections and the symbol table, and loads the segments into `PhysicalMemory`.
 * Anything else is refused with one line naming what is wrong.
 */
import { PHYS_MASK } from "./address.ts";
import type { PhysicalMemory } from "./memory.ts";

export interface ElfSegment {
  vaddr: number;
  /** Physical address (kseg0/kseg1 virtual address with the segment bits dropped). */
  paddr: number;
  fileBytes: number;
  memBytes: number;
  offset: number;
  executable: boolean;
  writable: boolean;
}

export interface ElfSection {
  name: string;
  addr: number;
  size: number;
  /** SHT_NOBITS (.bss) occupies memory but no file bytes. */
  nobits: boolean;
  executable: boolean;
}

export interface ElfSymbol {
  name: string;
  value: number;
  size: number;
  /** 0 no type, 1 object, 2 function, 3 section, 4 file */
  type: number;
  global: boolean;
}

export interface ElfImage {
  entry: number;
  segments: ElfSegment[];
  sections: ElfSection[];
  symbols: Map<string, ElfSymbol>;
  /** The .comment section (which compiler built it), if any. */
  comment: string;
}

export class ElfError extends Error {}

const EM_MIPS = 8;
const ET_EXEC = 2;
const PT_LOAD = 1;
const SHT_SYMTAB = 2;
const SHT_NOBITS = 8;

export function parseElf(bytes: Uint8Array, name = "image"): ElfImage {
  const fail = (what: string): never => {
    throw new ElfError(`${name}: ${what}`);
  };
  if (bytes.length < 52) fail(`${bytes.length} bytes is too short for an ELF header`);
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) fail("not an ELF file (bad magic)");
  if (bytes[4] !== 1) fail("not a 32-bit ELF (EI_CLASS must be ELFCLASS32)");
  if (bytes[5] !== 2) fail("not big-endian (EI_DATA must be ELFDATA2MSB; build with -EB)");
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (o: number) => dv.getUint16(o, false);
  const u32 = (o: number) => dv.getUint32(o, false);
  const inFile = (o: number, n: number, what: string) => {
    if (o < 0 || n < 0 || o + n > bytes.length) fail(`${what} at offset ${o} (+${n}) runs past the end of the file (${bytes.length} bytes)`);
  };
  if (u16(16) !== ET_EXEC) fail(`e_type ${u16(16)} is not ET_EXEC (link the program; relocatable objects cannot run)`);
  if (u16(18) !== EM_MIPS) fail(`e_machine ${u16(18)} is not EM_MIPS (8)`);
  const entry = u32(24), phoff = u32(28), shoff = u32(32);
  const phentsize = u16(42), phnum = u16(44), shentsize = u16(46), shnum = u16(48), shstrndx = u16(50);

  const segments: ElfSegment[] = [];
  inFile(phoff, phnum * phentsize, "program headers");
  for (let k = 0; k < phnum; k++) {
    const o = phoff + k * phentsize;
    if (u32(o) !== PT_LOAD) continue;
    const offset = u32(o + 4), vaddr = u32(o + 8), fileBytes = u32(o + 16), memBytes = u32(o + 20), flags = u32(o + 24);
    inFile(offset, fileBytes, `segment ${k}`);
    if (vaddr >>> 29 !== 4 && vaddr >>> 29 !== 5) fail(`segment ${k} at 0x${vaddr.toString(16)} is not in kseg0 or kseg1 (the model runs unmapped)`);
    segments.push({ vaddr, paddr: vaddr & PHYS_MASK, fileBytes, memBytes, offset, executable: (flags & 1) !== 0, writable: (flags & 2) !== 0 });
  }
  if (segments.length === 0) fail("no loadable segment");

  const sections: ElfSection[] = [];
  const symbols = new Map<string, ElfSymbol>();
  let comment = "";
  if (shoff !== 0 && shnum > 0) {
    inFile(shoff, shnum * shentsize, "section headers");
    const sh = (k: number) => {
      const o = shoff + k * shentsize;
      return { name: u32(o), type: u32(o + 4), flags: u32(o + 8), addr: u32(o + 12), offset: u32(o + 16), size: u32(o + 20), link: u32(o + 24), entsize: u32(o + 36) };
    };
    const strtab = (k: number) => {
      const s = sh(k);
      inFile(s.offset, s.size, `string table ${k}`);
      return (off: number) => {
        let e = s.offset + off;
        while (e < s.offset + s.size && bytes[e] !== 0) e++;
        return new TextDecoder().decode(bytes.subarray(s.offset + off, e));
      };
    };
    const names = shstrndx < shnum ? strtab(shstrndx) : () => "";
    for (let k = 1; k < shnum; k++) {
      const s = sh(k);
      const nm = names(s.name);
      sections.push({ name: nm, addr: s.addr, size: s.size, nobits: s.type === SHT_NOBITS, executable: (s.flags & 4) !== 0 });
      if (nm === ".comment" && s.type !== SHT_NOBITS) {
        inFile(s.offset, s.size, ".comment");
        comment = new TextDecoder().decode(bytes.subarray(s.offset, s.offset + s.size)).replace(/\0+/g, " ").trim();
      }
      if (s.type === SHT_SYMTAB) {
        inFile(s.offset, s.size, "symbol table");
        const str = strtab(s.link);
        const ent = s.entsize || 16;
        for (let o = s.offset + ent; o + ent <= s.offset + s.size; o += ent) {
          const symName = str(u32(o));
          if (!symName) continue;
          const info = bytes[o + 12]!;
          const sym: ElfSymbol = { name: symName, value: u32(o + 4), size: u32(o + 8), type: info & 15, global: info >> 4 === 1 };
          // a global definition wins over a local one of the same name
          if (!symbols.has(symName) || sym.global) symbols.set(symName, sym);
        }
      }
    }
  }
  return { entry, segments, sections, symbols, comment };
}

/** Copies the image's segments into `mem` (zeroing each segment's bss part). */
export function loadElf(image: ElfImage, bytes: Uint8Array, mem: PhysicalMemory): void {
  for (const s of image.segments) {
    if (!mem.contains(s.paddr, s.memBytes)) throw new ElfError(`segment at 0x${s.vaddr.toString(16)} (+${s.memBytes} bytes) does not fit in ${mem.bytes} bytes of memory`);
    mem.writeBytes(s.paddr, bytes.subarray(s.offset, s.offset + s.fileBytes));
    mem.fill(s.paddr + s.fileBytes, s.memBytes - s.fileBytes, 0);
  }
}

/** The address of symbol `name`, or a one-line error naming the image. */
export function symbolAddress(image: ElfImage, name: string): number {
  const s = image.symbols.get(name);
  if (!s) throw new ElfError(`symbol ${name} is not in the image`);
  return s.value;
}
