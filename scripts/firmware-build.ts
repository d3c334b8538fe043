/**
 * `npm run firmware:build [-- --out DIR]`: compiles the C programs for the modelled R4700
 * (firmware/c) with Debian's cross compiler into ELF images (firmware/build by default).
 * `npm run firmware:check`: builds into a temporary directory and fails if any committed image
 * differs from what its source builds to (CI runs it after installing the compiler).
 *
 * The flags (docs/hardware.md, "Building C for the R4700") are in `CFLAGS` below. The build is
 * deterministic: no debug information or build ID, relative source paths, a fixed order; two
 * builds with the same compiler are byte-identical.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(fileURLToPath(import.meta.url), "../..");
export const SOURCE_DIR = join(ROOT, "firmware/c");
export const BUILD_DIR = join(ROOT, "firmware/build");
export const CC = "mips-linux-gnu-gcc";

export const CFLAGS = [
  "-march=r4600", // binutils 2.40 has no -march=r4700; the R4600 is its parent (same integer pipeline)
  "-mabi=32", // o32: 32-bit registers and pointers, what the firmware of the period used
  "-EB", // big-endian, as the R4700 boards ran
  "-O2",
  "-ffreestanding", "-nostdlib", "-nostartfiles", "-static", "-no-pie",
  "-mno-abicalls", "-fno-pic", // absolute addressing (lui/addiu), no GOT: the code runs where it is linked
  "-G0", // no $gp-relative small data: every global is addressed the same way, no $gp to set up
  "-msoft-float", // no FPU instructions (firmware has no floating point; any would fail to link)
  "-fno-tree-loop-distribute-patterns", // keep memcpy's own loop from being turned into a call to memcpy
  "-fno-asynchronous-unwind-tables", "-g0",
  "-Wall", "-Wextra", "-Werror",
  "-Ilib",
];
export const LDFLAGS = ["-T", "link.ld", "-Wl,--build-id=none", "-Wl,-n"];
const RUNTIME = ["crt0.S", "lib/exception.c", "lib/string.c"];

export function hasCompiler(): boolean {
  return spawnSync(CC, ["--version"], { stdio: "ignore" }).status === 0;
}

export function compilerVersion(): string {
  return execFileSync(CC, ["--version"], { encoding: "utf8" }).split("\n")[0]!;
}

/** The programs: one ELF per firmware/c/programs/*.c. */
export function programs(): string[] {
  return readdirSync(join(SOURCE_DIR, "programs")).filter((f) => f.endsWith(".c")).map((f) => f.slice(0, -2)).sort();
}

/** Builds every program into `out`; returns the image paths. */
export function buildAll(out: string): string[] {
  mkdirSync(out, { recursive: true });
  return programs().map((p) => {
    const elf = join(out, `${p}.elf`);
    execFileSync(CC, [...CFLAGS, ...LDFLAGS, "-o", elf, ...RUNTIME, `programs/${p}.c`], { cwd: SOURCE_DIR, stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, LC_ALL: "C" } });
    return elf;
  });
}

function main(): number {
  const args = process.argv.slice(2);
  const check = args.includes("--check");
  const outAt = args.indexOf("--out");
  if (!hasCompiler()) {
    console.error(`${CC} not found: install it with \`apt-get install gcc-mips-linux-gnu\` (the committed images in firmware/build need no compiler)`);
    return 2;
  }
  if (!check) {
    const out = outAt >= 0 && args[outAt + 1] ? resolve(args[outAt + 1]!) : BUILD_DIR;
    const built = buildAll(out);
    console.log(`built ${built.length} images into ${out} with ${compilerVersion()}`);
    return 0;
  }
  const tmp = mkdtempSync(join(tmpdir(), "flowsim-firmware-"));
  try {
    buildAll(tmp);
    const differ: string[] = [];
    for (const p of programs()) {
      const committed = join(BUILD_DIR, `${p}.elf`);
      if (!existsSync(committed)) differ.push(`${p}.elf (not committed)`);
      else if (!readFileSync(committed).equals(readFileSync(join(tmp, `${p}.elf`)))) differ.push(`${p}.elf`);
    }
    const stale = readdirSync(BUILD_DIR).filter((f) => f.endsWith(".elf") && !programs().includes(f.slice(0, -4)));
    for (const s of stale) differ.push(`${s} (no source)`);
    if (differ.length > 0) {
      console.error(`firmware/build differs from its source (built with ${compilerVersion()}): ${differ.join(", ")}; run npm run firmware:build and commit`);
      return 1;
    }
    console.log(`firmware/build matches its source (${programs().length} images, ${compilerVersion()})`);
    return 0;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main();
