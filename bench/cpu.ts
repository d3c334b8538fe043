/**
 * `npm run bench -- cpu`: speed of the instruction-level R4700 (src/hw/cpu/isa): simulated
 * instructions per wall second (and per CPU second of this process, which the machine's other
 * load moves less), on compiled programs from firmware/build:
 *   pathbench   the stand-in per-frame path (parse, hash, flow look-up/insert, MAC rewrite,
 *               counters), 500 flows: realistic, with D-cache misses (fixed 20-cycle memory)
 *   calls       recursion, calls through pointers, a jump table: code and stack stay in cache
 *   pathbench in the simulator   the same program driven by the event kernel through the
 *               GT-64010 DRAM controller (sim-adapter.ts): the cost of the events and DRAM model
 * Each figure is the median of `reps` runs after two warm-up runs (JIT).
 */
import { readFileSync } from "node:fs";
import { IsaMachine } from "../src/hw/cpu/isa/machine.ts";
import { loadElf, parseElf } from "../src/hw/cpu/isa/elf.ts";
import { PhysicalMemory } from "../src/hw/cpu/isa/memory.ts";
import { SimIsaCpu } from "../src/hw/cpu/isa/sim-adapter.ts";
import { DramController } from "../src/hw/gt64010/dram.ts";
import { Simulator } from "../src/sim/simulator.ts";

export interface CpuBenchRow {
  case: string;
  instructions: number;
  cycles: number;
  cpi: number;
  wallSeconds: number;
  instructionsPerWallSecond: number;
  instructionsPerCpuSecond: number;
}

const image = (name: string) => readFileSync(new URL(`../firmware/build/${name}.elf`, import.meta.url));
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function timed(run: () => { instructions: number; cycles: number }) {
  const c0 = process.cpuUsage(), t0 = performance.now();
  const r = run();
  const wall = (performance.now() - t0) / 1000, cu = process.cpuUsage(c0);
  return { ...r, wall, cpu: (cu.user + cu.system) / 1e6 };
}

function measure(label: string, reps: number, run: () => { instructions: number; cycles: number }): CpuBenchRow {
  run();
  run(); // warm-up: the interpreter's loop is compiled by now
  const xs = Array.from({ length: reps }, () => timed(run));
  const w = median(xs.map((x) => x.instructions / x.wall)), c = median(xs.map((x) => x.instructions / x.cpu));
  const x = xs[0]!;
  return { case: label, instructions: x.instructions, cycles: x.cycles, cpi: +(x.cycles / x.instructions).toFixed(3), wallSeconds: +median(xs.map((v) => v.wall)).toFixed(3), instructionsPerWallSecond: Math.round(w), instructionsPerCpuSecond: Math.round(c) };
}

function onMachine(name: string, words: [string, number[]][]) {
  const m = new IsaMachine(image(name), {}, name);
  return () => {
    m.reset();
    for (const [s, v] of words) m.writeWords(s, v);
    const r = m.run();
    if (r.reason !== "idle") throw new Error(`${name}: stopped with ${r.reason}`);
    return r;
  };
}

function inSimulator(name: string, words: [string, number[]][]) {
  const bytes = image(name), img = parseElf(bytes);
  const text = img.segments.find((s) => s.executable)!;
  return () => {
    const sim = new Simulator();
    const dram = new DramController(sim, "dram");
    const memory = new PhysicalMemory(8 << 20);
    loadElf(img, bytes, memory);
    for (const [s, v] of words) v.forEach((x, k) => memory.write32((img.symbols.get(s)!.value & 0x1fffffff) + 4 * k, x));
    const cpu = new SimIsaCpu(sim, "cpu", dram, memory, { codeBase: text.paddr, codeBytes: Math.ceil(text.memBytes / 32) * 32 });
    cpu.onStop = () => sim.stop();
    cpu.start(img.entry);
    sim.run();
    return { instructions: cpu.core.instructions, cycles: cpu.core.cycle };
  };
}

export function cpuBench(frames: number, reps: number, json: boolean): CpuBenchRow[] {
  const path: [string, number[]][] = [["params", [frames, 500, 1, 8]]];
  const rows = [
    measure("pathbench (500 flows, fixed 20-cycle memory)", reps, onMachine("pathbench", path)),
    measure("calls (fib 27 + 20,000 iterations; cache-resident)", reps, onMachine("calls", [["params", [27, 20000]]])),
    measure("pathbench in the simulator (GT-64010 DRAM, 133 MHz)", reps, inSimulator("pathbench", path)),
  ];
  for (const r of rows) {
    if (json) console.log(JSON.stringify(r));
    else console.log(`${r.case.padEnd(56)} ${(r.instructions / 1e6).toFixed(2)} M instructions, CPI ${r.cpi.toFixed(2)}, ${(r.instructionsPerWallSecond / 1e6).toFixed(1)} M/wall s (${(r.instructionsPerCpuSecond / 1e6).toFixed(1)} M/CPU s)`);
  }
  return rows;
}
