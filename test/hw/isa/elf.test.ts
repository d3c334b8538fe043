/** The ELF loader: what it reads from a committed image, and one line for each kind of bad input. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ElfError, loadElf, parseElf, symbolAddress } from "../../../src/hw/cpu/isa/elf.ts";
import { PhysicalMemory } from "../../../src/hw/cpu/isa/memory.ts";

const bytes = readFileSync(new URL("../../../firmware/build/flowtable.elf", import.meta.url));

describe("ELF loader", () => {
  it("reads the entry, a kseg0 segment with text, data and bss, sections and symbols, and the compiler", () => {
    const img = parseElf(bytes, "flowtable.elf");
    expect(img.entry).toBe(0x80000400);
    expect(img.segments.length).toBeGreaterThanOrEqual(1);
    expect(img.segments[0]!.executable).toBe(true);
    const names = img.sections.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining([".vectors", ".text", ".bss", ".host_input"]));
    expect(img.sections.find((s) => s.name === ".bss")!.nobits).toBe(true);
    expect(img.symbols.get("main")!.type).toBe(2); // function
    expect(img.symbols.get("pool")!.size).toBe(8192 * 28);
    expect(img.comment).toMatch(/GCC/);
  });

  it("loads file bytes and zeroes bss", () => {
    const img = parseElf(bytes);
    const mem = new PhysicalMemory(1 << 20);
    mem.words.fill(-1);
    loadElf(img, bytes, mem);
    const seg = img.segments[0]!;
    expect(mem.read32(seg.paddr)).toBe(new DataView(bytes.buffer, bytes.byteOffset).getInt32(seg.offset, false));
    const pool = symbolAddress(img, "pool") & 0x1fffffff;
    expect(mem.read32(pool)).toBe(0);
  });

  it("refuses bad input with one line naming the problem", () => {
    const bad = (mutate: (b: Uint8Array) => Uint8Array) => {
      try {
        parseElf(mutate(Uint8Array.from(bytes)), "x.elf");
      } catch (e) {
        expect(e).toBeInstanceOf(ElfError);
        expect((e as Error).message).not.toContain("\n");
        return (e as Error).message;
      }
      throw new Error("accepted");
    };
    expect(bad((b) => b.subarray(0, 20))).toMatch(/too short/);
    expect(bad((b) => ((b[0] = 0), b))).toMatch(/not an ELF/);
    expect(bad((b) => ((b[4] = 2), b))).toMatch(/32-bit/);
    expect(bad((b) => ((b[5] = 1), b))).toMatch(/big-endian/);
    expect(bad((b) => ((b[17] = 1), b))).toMatch(/ET_EXEC/);
    expect(bad((b) => ((b[19] = 3), b))).toMatch(/EM_MIPS/);
    expect(bad((b) => b.subarray(0, 200))).toMatch(/past the end/);
    expect(() => symbolAddress(parseElf(bytes), "nope")).toThrow(/nope/);
    const small = new PhysicalMemory(1024);
    expect(() => loadElf(parseElf(bytes), bytes, small)).toThrow(/does not fit/);
  });
});
