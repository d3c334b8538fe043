/**
 * `npm run bench -- cpu`: speed of the instruction-level R4700 (src/hw/cpu/isa): simulated
 * instructions per wall second (and per CPU second of this process, which the machine's other
 * load moves less), on compiled programs from firmware/build:
 *   pathbench   the stand-in per-frame path (parse, hash, flow look-up/insert, MAC rewrite,
 *               counters), 500 flows: realistic, with D-cache misses (fixed 20-cycle memory)
 *   calls       recursion, calls through pointers, a jump table: code and stack stay in cache
 *   pathbench in the simulator   the same program driven by the event kernel through the
 *               GT-64010 DRAM controller (sim-adapter.ts): the cost of the events and DRAM model
 *   switchpath  the switch's per-frame decision in C (firmware/c/programs/switchpath.c), one
 *               call of main() per frame through switch-host.ts as `npm run isa:paths` runs it
 *               (fixed 26-cycle memory, round robin over 8 servers, 65,536-flow table):
 *     established  `frames` TCP segments in a seeded random order over 1,000 open flows
 *     new flow     SYNs of distinct connections, at most 40,000 a run (the table holds 65,536)
 *               Each run starts from a freshly configured image (not timed; its start-up clears
 *               the 5 MB flow table); the host's per-frame work (writing the frame and its
 *               inputs, reading the verdict) is in the time, as it is in any use of the image.
 * Each figure is the median of `reps` runs after two warm-up runs (JIT). Then the whole-board
 * slowdown of the isa CPU model against the trace model on 5A and 5D.
 */
import { readFileSync } from "node:fs";
import { loadBoard } from "../src/hw/boards/load.ts";
import { runBoard } from "../src/scenarios/board-run.ts";
import { MS } from "../src/sim/time.ts";
import { IsaMachine } from "../src/hw/cpu/isa/machine.ts";
import { loadElf, parseElf } from "../src/hw/cpu/isa/elf.ts";
import { PhysicalMemory } from "../src/hw/cpu/isa/memory.ts";
import { SimIsaCpu } from "../src/hw/cpu/isa/sim-adapter.ts";
import { DramController } from "../src/hw/gt64010/dram.ts";
import { Simulator } from "../src/sim/simulator.ts";
import { SwitchConfigSchema } from "../src/firmware/config.ts";
import { FlowSwitch } from "../src/firmware/flow-switch.ts";
import { SwitchImage, type SwitchCall } from "../src/hw/cpu/isa/switch-host.ts";
import { encodeFrame, EtherType } from "../src/net/codec/ethernet.ts";
import { IpProto, TcpFlag } from "../src/net/codec/l4.ts";
import type { Ipv4 } from "../src/net/ipv4-addr.ts";
import type { Mac } from "../src/net/mac.ts";

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

type Run = (() => { instructions: number; cycles: number }) & { setup?: () => void };

function timed(run: Run) {
  run.setup?.();
  const c0 = process.cpuUsage(), t0 = performance.now();
  const r = run();
  const wall = (performance.now() - t0) / 1000, cu = process.cpuUsage(c0);
  return { ...r, wall, cpu: (cu.user + cu.system) / 1e6 };
}

function measure(label: string, reps: number, run: Run): CpuBenchRow {
  timed(run);
  timed(run); // warm-up: the interpreter's loop is compiled by now
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

const VIP = 0xc000020a, VMAC = 0x02005e000001, ROUTER_MAC = 0x020000000100, ROUTER_IP = 0xc0000201;

function tcpFrame(client: number, sport: number, flags: number): Uint8Array {
  return encodeFrame({
    dst: VMAC as Mac, src: ROUTER_MAC as Mac, etherType: EtherType.IPv4,
    payload: { kind: "ipv4", ipv4: { dscp: 0, ecn: 0, id: 1, dontFragment: true, moreFragments: false, fragmentOffset: 0, ttl: 60, protocol: IpProto.TCP, src: client as Ipv4, dst: VIP as Ipv4, options: new Uint8Array(0), payload: { kind: "tcp", tcp: { srcPort: sport, dstPort: 80, seq: 1, ack: 1, flags, window: 8192, urgent: 0, options: new Uint8Array(0), payload: new Uint8Array(flags & TcpFlag.SYN ? 0 : 512) } } } },
  });
}

/** The switchpath image on `frames` frames: "established" over 1,000 open flows (opened in the untimed setup), or "newFlow" SYNs. */
function switchpath(mix: "established" | "newFlow", frames: number): Run {
  const cfg = SwitchConfigSchema.parse({
    clusters: [{ name: "web", vip: VIP, vmac: VMAC, policy: "round-robin", servers: Array.from({ length: 8 }, (_, i) => ({ name: `s${i}`, mac: 0x020000000200 + i, port: 4 + i, weight: 1 })) }],
    routerPools: [{ name: "pool", routers: [{ name: "r0", ip: ROUTER_IP, mac: ROUTER_MAC, port: 0 }] }],
    flowTableSize: 65536,
  });
  const fw = new FlowSwitch(cfg);
  const img = new SwitchImage(image("switchpath"), { latency: { readCycles: 26, writeCycles: 26 } });
  const routers = fw.routers.map((r) => ({ ...r, assigned: 0 }));
  const client = (k: number) => 0xc6336400 + (k % 50000), sport = (k: number) => 1024 + Math.floor(k / 50000);
  const open = 1000;
  const syns = Array.from({ length: mix === "newFlow" ? frames : open }, (_, k) => tcpFrame(client(k), sport(k), TcpFlag.SYN));
  const segments = mix === "established" ? Array.from({ length: open }, (_, k) => tcpFrame(client(k), sport(k), TcpFlag.ACK | TcpFlag.PSH)) : [];
  let s = 1;
  const order = Int32Array.from({ length: mix === "established" ? frames : 0 }, () => Math.floor((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 * open));
  const call = {} as SwitchCall, core = img.machine.core;
  let now = 0;
  const run: Run = () => {
    const i0 = core.instructions, c0 = core.cycle;
    if (mix === "newFlow") for (let k = 0; k < frames; k++) img.frame(syns[k]!, 0, (now += 1e6), call);
    else for (let k = 0; k < frames; k++) img.frame(segments[order[k]!]!, 0, (now += 1e6), call);
    if (call.verdict < 0) throw new Error(`switchpath ${mix}: the last frame got verdict ${call.verdict}`);
    return { instructions: core.instructions - i0, cycles: core.cycle - c0 };
  };
  run.setup = () => {
    img.configure(fw.config, fw.clusters, routers);
    now = 1e6;
    if (mix === "established") for (let k = 0; k < open; k++) img.frame(syns[k]!, 0, (now += 1e6), call);
  };
  return run;
}

export function cpuBench(frames: number, reps: number, json: boolean): CpuBenchRow[] {
  const path: [string, number[]][] = [["params", [frames, 500, 1, 8]]];
  const rows = [
    measure("pathbench (500 flows, fixed 20-cycle memory)", reps, onMachine("pathbench", path)),
    measure("calls (fib 27 + 20,000 iterations; cache-resident)", reps, onMachine("calls", [["params", [27, 20000]]])),
    measure("pathbench in the simulator (GT-64010 DRAM, 133 MHz)", reps, inSimulator("pathbench", path)),
    measure("switchpath established (1,000 open flows, 26-cycle memory)", reps, switchpath("established", frames)),
    measure("switchpath new flow (SYNs, 26-cycle memory)", reps, switchpath("newFlow", Math.min(frames, 40_000))),
  ];
  for (const r of rows) {
    if (json) console.log(JSON.stringify(r));
    else console.log(`${r.case.padEnd(62)} ${(r.instructions / 1e6).toFixed(2)} M instructions, CPI ${r.cpi.toFixed(2)}, ${(r.instructionsPerWallSecond / 1e6).toFixed(1)} M/wall s (${(r.instructionsPerCpuSecond / 1e6).toFixed(1)} M/CPU s)`);
  }
  for (const name of ["5A", "5D"]) {
    const r = boardSlowdown(name, reps);
    if (json) console.log(JSON.stringify(r));
    else console.log(`${r.case.padEnd(62)} trace ${r.traceWallSeconds.toFixed(2)} s, isa ${r.isaWallSeconds.toFixed(2)} s: x${r.slowdown.toFixed(2)}`);
  }
  return rows;
}

/**
 * The whole-board slowdown of the instruction-level CPU model (docs/hardware.md "The board running
 * the C path"): board `name` at load 1, 50 ms after the 20 ms warm-up, seed 1, with each model,
 * alternating, one warm-up run of each then the median of `reps` wall times.
 */
function boardSlowdown(name: string, reps: number): { case: string; traceWallSeconds: number; isaWallSeconds: number; slowdown: number } {
  const b = loadBoard(name);
  if (!b.ok) throw new Error(b.error);
  const time = (execution: "trace" | "isa") => {
    const t0 = performance.now();
    runBoard({ ...b.board, cpu: { ...b.board.cpu, execution } }, { seed: 1, load: 1, durationPs: 50 * MS });
    return (performance.now() - t0) / 1000;
  };
  time("trace");
  time("isa");
  const tr: number[] = [], isa: number[] = [];
  for (let k = 0; k < reps; k++) {
    tr.push(time("trace"));
    isa.push(time("isa"));
  }
  const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  return { case: `board ${name}, 50 ms at load 1: trace vs isa CPU model`, traceWallSeconds: med(tr), isaWallSeconds: med(isa), slowdown: med(isa) / med(tr) };
}
