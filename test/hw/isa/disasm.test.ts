/**
 * The disassembler against GNU objdump on every instruction word of the committed images (skipped
 * where mips-linux-gnu-objdump is not installed), and against objdump's text for a few encodings
 * written down here, which runs everywhere.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { disassemble } from "../../../src/hw/cpu/isa/disasm.ts";

const BUILD = fileURLToPath(new URL("../../../firmware/build/", import.meta.url));
const hasObjdump = spawnSync("mips-linux-gnu-objdump", ["--version"], { stdio: "ignore" }).status === 0;

describe("disassembler", () => {
  it("prints objdump's text for these encodings", () => {
    const cases: [number, number, string][] = [
      [0x00000000, 0, "nop"],
      [0x00052840, 0, "sll\ta1,a1,0x1"],
      [0x00001025, 0, "move\tv0,zero"],
      [0x94830000, 0, "lhu\tv1,0(a0)"],
      [0x14a4fffd, 0x18, "bne\ta1,a0,10"],
      [0x10600008, 0x24, "beqz\tv1,48"],
      [0x3402ffff, 0, "li\tv0,0xffff"],
      [0x2402ffff, 0, "li\tv0,-1"],
      [0x0085001a, 0, "div\tzero,a0,a1"],
      [0x00a001f4, 0, "teq\ta1,zero,0x7"],
      [0x54400006, 0xac, "bnezl\tv0,c8"],
      [0x88820000, 0, "lwl\tv0,0(a0)"],
      [0x40054800, 0, "mfc0\ta1,c0_count"],
      [0x40806000, 0, "mtc0\tzero,c0_sr"],
      [0x42000018, 0, "eret"],
      [0x0c000308, 0x80000430, "jal\t80000c20"],
      [0x0040f809, 0, "jalr\tv0"],
      [0xbc950000, 0, "cache\t0x15,0(a0)"],
      [0x0003000d, 0, "break\t0x3"],
      [0x7c000000, 0, ".word\t0x7c000000"],
    ];
    for (const [word, pc, text] of cases) expect(disassemble(word, pc), `0x${word.toString(16)}`).toBe(text);
  });

  it.skipIf(!hasObjdump)("agrees with mips-linux-gnu-objdump -d on every word of firmware/build/*.elf", () => {
    let words = 0;
    for (const f of readdirSync(BUILD).filter((x) => x.endsWith(".elf"))) {
      const out = execFileSync("mips-linux-gnu-objdump", ["-d", BUILD + f], { encoding: "utf8" });
      for (const line of out.split("\n")) {
        const m = /^\s*([0-9a-f]+):\t([0-9a-f]{8}) \t(.*)$/.exec(line);
        if (!m) continue;
        const text = m[3]!.replace(/ <[^>]*>$/, "").trim();
        expect(disassemble(parseInt(m[2]!, 16), parseInt(m[1]!, 16)), `${f} ${m[1]}: ${m[2]}`).toBe(text);
        words++;
      }
    }
    expect(words).toBeGreaterThan(1000);
  });
});
