/**
 * `npm run isa -- <image.elf> [options]`: runs a program built for the R4700 (firmware/build) on
 * the instruction-level model alone, with a fixed-latency memory, and prints what it cost:
 * cycles, instructions, CPI, stalls by cause, cache statistics. `--trace` prints one line per
 * instruction (PC, disassembly, cycles, stall cause, cache outcome), like gem5's Exec flag.
 *
 *   npm run isa -- firmware/build/pathbench.elf --set params=200,50,1,8 --show results:3
 *   npm run isa -- firmware/build/checksum.elf --set packet_len=0 --trace
 *
 * Bad input gets one line naming the problem and exit code 2.
 */
import { existsSync, readFileSync } from "node:fs";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { ElfError } from "../src/hw/cpu/isa/elf.ts";
import { ExecTrace } from "../src/hw/cpu/isa/exec-trace.ts";
import { IsaMachine } from "../src/hw/cpu/isa/machine.ts";

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive integer, got "${v}"`);
  return n;
}

function nonNegativeInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected a non-negative integer, got "${v}"`);
  return n;
}

/** `name=v1,v2,...` (values decimal or 0x hex) */
function assignment(v: string, prev: [string, number[]][] = []): [string, number[]][] {
  const m = /^([A-Za-z_][\w.]*)=((?:0x[0-9a-fA-F]+|-?\d+)(?:,(?:0x[0-9a-fA-F]+|-?\d+))*)$/.exec(v);
  if (!m) throw new InvalidArgumentError(`expected symbol=value[,value...], got "${v}"`);
  return [...prev, [m[1]!, m[2]!.split(",").map((x) => Number(x) | 0)]];
}

function shown(v: string, prev: [string, number][] = []): [string, number][] {
  const m = /^([A-Za-z_][\w.]*)(?::(\d+))?$/.exec(v);
  if (!m) throw new InvalidArgumentError(`expected symbol[:words], got "${v}"`);
  return [...prev, [m[1]!, Number(m[2] ?? 1)]];
}

interface Options {
  set: [string, number[]][];
  show: [string, number][];
  trace?: boolean;
  maxCycles: number;
  readCycles: number;
  writeCycles: number;
  memoryMb: number;
}

const program = new Command("isa")
  .description("run an R4700 program (ELF) on the instruction-level model")
  .argument("<image>", "an ELF image, e.g. firmware/build/pathbench.elf")
  .option("--set <symbol=values>", "write 32-bit words at a symbol before the run (repeatable)", assignment, [])
  .option("--show <symbol[:words]>", "print words at a symbol after the run (repeatable)", shown, [])
  .option("--trace", "print one line per instruction (PC, disassembly, cycles, stalls, cache outcome)")
  .option("--max-cycles <n>", "stop after this many cycles", positiveInt, 1e9)
  .option("--read-cycles <n>", "memory read (line fill) latency in CPU cycles", nonNegativeInt, 20)
  .option("--write-cycles <n>", "memory write (write-back) latency in CPU cycles", nonNegativeInt, 20)
  .option("--memory-mb <n>", "DRAM size in MiB", positiveInt, 8)
  .showHelpAfterError(false)
  .exitOverride()
  .configureOutput({ outputError: () => {} })
  .action((image: string, o: Options) => {
    if (!existsSync(image)) throw new InvalidArgumentError(`${image}: no such file`);
    const m = new IsaMachine(readFileSync(image), { memoryBytes: o.memoryMb << 20, latency: { readCycles: o.readCycles, writeCycles: o.writeCycles } }, image);
    for (const [sym, values] of o.set) m.writeWords(sym, values);
    if (o.trace) m.core.tracer = new ExecTrace((l) => process.stdout.write(l + "\n"));
    const r = m.run(o.maxCycles);
    const c = m.core, ic = c.icache.read(), dc = c.dcache.read();
    const lines = [
      `stopped: ${r.reason}${r.reason === "unimplemented" ? ` at 0x${c.unimplementedAt.toString(16)} (word 0x${c.unimplementedWord.toString(16)})` : ""}`,
      `cycles ${r.cycles}, instructions ${r.instructions}, CPI ${(r.cycles / Math.max(1, r.instructions)).toFixed(3)}`,
      `stalls: ${Object.entries(c.stallsByCause()).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(", ") || "none"}`,
      `I-cache: ${ic.misses} misses of ${ic.hits + ic.misses} line look-ups; D-cache: ${dc.misses} misses of ${dc.hits + dc.misses} accesses, ${dc.writebacks} write-backs; uncached: ${c.uncachedReads} reads, ${c.uncachedWrites} writes; exceptions ${c.exceptions}, interrupts ${c.interrupts}`,
    ];
    if (m.image.symbols.has("__exit_value")) lines.push(`main returned ${m.readWords("__exit_value", 1)[0]! | 0}`);
    for (const [sym, n] of o.show) lines.push(`${sym}: ${m.readWords(sym, n).map((w) => `0x${w.toString(16)}`).join(" ")}`);
    process.stdout.write(lines.join("\n") + "\n");
  });

// a trace piped into `head` ends quietly
process.stdout.on("error", (e: NodeJS.ErrnoException) => process.exit(e.code === "EPIPE" ? 0 : 1));

try {
  program.parse(process.argv);
} catch (e) {
  if (e instanceof CommanderError && (e.code === "commander.helpDisplayed" || e.code === "commander.version")) process.exit(0);
  const msg = e instanceof Error ? e.message.replace(/^error: /, "") : String(e);
  if (e instanceof CommanderError || e instanceof ElfError || e instanceof InvalidArgumentError || e instanceof RangeError) {
    process.stderr.write(`isa: ${msg.split("\n")[0]}\n`);
    process.exit(2);
  }
  throw e;
}
