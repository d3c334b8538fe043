/**
 * `npm run op-costs`: regenerates src/hw/cpu/op-costs.ts, the trace-replay R4700's op table, from
 * the instruction-level R4700 running the C per-frame job (firmware/build/switchpath.elf).
 * `npm run op-costs -- --check`: fails (exit 1) if the committed op-costs.ts differs from what the
 * committed image gives, naming the rows.
 *
 * How (docs/hardware.md "The op table, measured"): the whole per-frame job (interrupt, descriptor,
 * decision, counters, write-back, hand-back, buffer, exit; switch-host.ts `job`) runs on the
 * stream scripts/isa-paths.ts measures (tcp-stream.ts: TCP connections of SYN, segments and FIN,
 * the router's ARP request every 50th frame), and the TypeScript firmware (flow-switch.ts, the
 * reference) decides the same frames, recording its cost trace as the board's FrameJob and the
 * R4700's job entry and exit record it (cpu-board.ts, r4700.ts). Every executed instruction counts
 * to the op of the innermost op function on the call stack (op-profile.ts: a flat profile, callees
 * that are ops of their own excluded; helpers GCC kept out of line count to their caller). An
 * op's count is then
 *
 *     instructions the C executed in the op, per call of its primary function
 *   - explicit loads, stores, write-backs and uncached accesses the TypeScript records after the op,
 *     per call of the op in the TypeScript's trace
 *
 * because the trace model charges each of those explicit accesses one instruction of its own
 * besides the op's count (r4700.ts `step`); so the op's count plus the accesses the trace records
 * with it is the C's instructions, per call. The loads and stores the C executes in the op are a
 * field of the row (`accesses`): most of them the trace model does not replay (it replays the
 * accesses the TypeScript records: the flow table's entries, the frame's header lines).
 *
 * The control plane's ops (health probes, their deadlines, the optimal-workload round, the NAT's
 * rewrite, the CAM: scripts/op-costs-control.ts `CONTROL_OPS`) run on no frame of the stream: their C
 * (firmware/build/control.elf) is measured apart, each op's function called many times with
 * varied inputs (op-costs-control.ts `measureControl`). The TypeScript records no explicit access
 * with them, so an op's count is the C's instructions per call.
 *
 * Ops with no C yet (`ASSUMED` below) keep their hand-written counts, marked as assumptions.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, CommanderError } from "commander";
import { DEFAULT_FLOW_TABLE_SIZE } from "../src/firmware/config.ts";
import { CPU_BUFFER_BASE, CPU_BUFFER_BYTES, recordDriverEntry, recordDriverExit } from "../src/hw/cpu-board.ts";
import { CostTrace, TraceKind } from "../src/hw/cpu/cost-trace.ts";
import { OP_NAMES } from "../src/hw/cpu/op-costs.ts";
import { OpProfile, type OpFunctions } from "../src/hw/cpu/isa/op-profile.ts";
import { SwitchImage, type SwitchCall } from "../src/hw/cpu/isa/switch-host.ts";
import { harness } from "../src/testing/firmware-board.ts";
import { CONTROL_OPS, measureControl } from "./op-costs-control.ts";
import { ROUTER_IP, ROUTER_MAC, tcpStream, VIP, VMAC, type StreamOptions } from "./tcp-stream.ts";

const ROOT = resolve(fileURLToPath(import.meta.url), "../..");
export const OP_COSTS_FILE = resolve(ROOT, "src/hw/cpu/op-costs.ts");
export const IMAGE_FILE = resolve(ROOT, "firmware/build/switchpath.elf");

/** The ops the C measures: the functions that are each (the first: whose entries are its calls) and the files they are in. */
export const MEASURED: readonly (OpFunctions & { files: string })[] = [
  { op: "interruptEntry", functions: ["isa_exception", "frame_job"], primary: false, files: "firmware/c/crt0.S (vector, register save), firmware/c/switch/irq.c, firmware/c/switch/job.c" },
  { op: "interruptExit", functions: [], files: "firmware/c/crt0.S (`__exception_return`: restore, eret)" },
  { op: "descriptorRead", functions: ["desc_read"], files: "firmware/c/switch/descriptor.c" },
  { op: "headerParse", functions: ["parse_frame", "switch_decide"], files: "firmware/c/switch/parse.c, firmware/c/switch/route.c (`switch_decide`: the dispatch)" },
  { op: "flowHash", functions: ["key_hash", "key_from_frame"], files: "firmware/c/switch/flowkey.c" },
  { op: "flowLookup", functions: ["ft_find", "route"], files: "firmware/c/switch/flowtable.c, firmware/c/switch/route.c (`route`: the flow's bookkeeping)" },
  { op: "flowInsert", functions: ["ft_insert"], files: "firmware/c/switch/flowtable.c" },
  { op: "schedule", functions: ["choose", "ft_sweep"], files: "firmware/c/switch/schedule.c, firmware/c/switch/flowtable.c (`ft_sweep`, recorded with the decision as flow-switch.ts records it)" },
  { op: "macRewrite", functions: ["mac_rewrite"], files: "firmware/c/switch/rewrite.c" },
  { op: "handBack", functions: ["hand_back"], files: "firmware/c/switch/handback.c" },
  { op: "arpReply", functions: ["arp_reply"], files: "firmware/c/switch/arp.c" },
  { op: "bufferManage", functions: ["buffer_return"], files: "firmware/c/switch/buffers.c" },
  { op: "countersUpdate", functions: ["count_frame"], files: "firmware/c/switch/counters.c" },
  { op: "arpProcess", functions: ["handle_arp"], files: "firmware/c/switch/arp.c" },
  { op: "cacheFlush", functions: ["flush_lines"], files: "firmware/c/switch/cacheflush.c" },
];

/** The ops with no C yet: hand-written counts (the op table's before issue 17), assumptions. None left: the control plane's are CONTROL_OPS. */
export const ASSUMED: Record<string, { instructions: number; why: string }> = {};

/** The stream measured: as isa:paths measures (round robin, 8 servers, one router, config.ts's default tables), shorter. */
export const STREAM: StreamOptions = { connections: 1000, concurrent: 250, segments: 8, seed: 1 };
const SERVERS = 8;

export interface OpRow {
  op: string;
  source: "measured" | "assumption";
  instructions: number;
  why: string;
  /** measured: loads and stores the C executes per call */
  accesses?: number;
  /** measured: the figures behind the count */
  cCalls?: number;
  cPerCall?: number;
  tsCalls?: number;
  tsAccessesPerCall?: number;
}

export interface Measurement {
  rows: OpRow[];
  frames: number;
  /** instructions per job, C (all ops) */
  jobInstructions: number;
  /** instructions per job the trace model would charge with the derived counts (op counts + explicit accesses) */
  traceInstructions: number;
  unattributed: number;
}

/** Runs the stream through the C job and the TypeScript firmware and derives the op table. */
export function measure(stream: StreamOptions = STREAM, elf: Uint8Array = readFileSync(IMAGE_FILE)): Measurement {
  const h = harness({
    clusters: [{ name: "web", vip: VIP, vmac: VMAC, policy: "round-robin", health: { intervalPs: 1e15, timeoutPs: 1e14 }, servers: Array.from({ length: SERVERS }, (_, i) => ({ name: `s${i}`, mac: 0x020000000200 + i, port: 4 + i, weight: 1 + (i % 3) })) }],
    routerPools: [{ name: "pool", health: { intervalPs: 1e15, timeoutPs: 1e14 }, routers: [{ name: "r0", ip: ROUTER_IP, mac: ROUTER_MAC, port: 0 }] }],
    flowTableSize: DEFAULT_FLOW_TABLE_SIZE,
  });
  let now = 1e6;
  h.fw.now = () => now;
  const img = new SwitchImage(elf);
  img.configure(h.fw.config, h.fw.clusters, h.fw.routers.map((r) => ({ ...r, assigned: 0 })));
  img.startInterrupts();
  const table = MEASURED.map((m) => ({ op: m.op, functions: m.functions, primary: m.primary }));
  const profile = new OpProfile(img.machine.image, table, "interruptEntry", "interruptExit", "__exception_return");
  // the TypeScript side: calls and explicit accesses per op, each access counted to the op recorded before it
  const tsCalls = new Float64Array(OP_NAMES.length), tsAccesses = new Float64Array(OP_NAMES.length);
  const trace = new CostTrace();
  const call = {} as SwitchCall;
  const warmup = Math.floor(stream.connections / 10);
  let frames = 0, n = 0, jobInstructions = 0;
  for (const { bytes, started } of tcpStream(stream)) {
    now += 1e6;
    const warm = started > warmup;
    img.machine.core.tracer = warm ? profile : undefined;
    img.job(bytes, 0, now, call);
    // cpu-board.ts FrameJob.execute inside r4700.ts's interruptEntry / interruptExit
    const buf = CPU_BUFFER_BASE + (n++ % 256) * CPU_BUFFER_BYTES;
    const ph = h.pool.allocFrom(bytes);
    trace.reset();
    trace.op("interruptEntry");
    recordDriverEntry(trace, buf);
    trace.load(buf + 8, 54);
    const v = h.fw.handleFrame(ph, 0, trace);
    h.pool.free(ph);
    recordDriverExit(trace, buf, v);
    trace.op("interruptExit");
    if (v !== call.verdict) throw new Error(`frame ${n}: the C job's verdict ${call.verdict} is not the TypeScript's ${v}`);
    if (!warm) continue;
    frames++;
    jobInstructions += call.instructions;
    let op = -1;
    for (let i = 0; i < trace.length; i++) {
      const k = trace.kind[i]!;
      if (k === TraceKind.Op) tsCalls[(op = trace.value[i]!)]!++;
      else if (k !== TraceKind.DeviceWait && op >= 0) tsAccesses[op]!++;
    }
  }
  img.machine.core.tracer = undefined;
  const control = new Map(measureControl().rows.map((r) => [r.op, r]));
  let traced = 0;
  const rows: OpRow[] = OP_NAMES.map((op) => {
    const a = ASSUMED[op];
    if (a) return { op, source: "assumption", instructions: a.instructions, why: `assumption (no C yet): ${a.why}` };
    const c = control.get(op);
    if (c) {
      const why = `measured: ${c.calls} calls, from ${c.functions.map((f) => `\`${f}\``).join(", ")} in ${c.files}, run apart (firmware/build/control.elf, scripts/op-costs-control.ts); ${c.instructionsPerCall.toFixed(1)} instructions a call (${c.cyclesPerCall.toFixed(1)} pipeline cycles on the stand-alone machine), the TypeScript records no explicit access with it`;
      return { op, source: "measured", instructions: Math.round(c.instructionsPerCall), why, accesses: Math.round(100 * c.accessesPerCall) / 100, cCalls: c.calls, cPerCall: c.instructionsPerCall, tsCalls: 0, tsAccessesPerCall: 0 };
    }
    const k = MEASURED.findIndex((m) => m.op === op);
    if (k < 0) throw new Error(`op ${op} is neither measured nor assumed: add it to scripts/op-costs.ts (or op-costs-control.ts)`);
    const m = MEASURED[k]!, t = profile.totals[k]!, id = OP_NAMES.indexOf(op);
    if (t.calls === 0) throw new Error(`op ${op}: the stream never called ${m.functions[0] ?? "it"}`);
    const cPerCall = t.instructions / t.calls;
    const tsPer = tsCalls[id]! > 0 ? tsAccesses[id]! / tsCalls[id]! : 0;
    const instructions = Math.max(0, Math.round(cPerCall - tsPer));
    traced += instructions * tsCalls[id]! + tsAccesses[id]!;
    const from = m.op === "interruptEntry" ? "the vector, `__exception_common`, " + m.functions.map((f) => `\`${f}\``).join(", ") : m.functions.length ? m.functions.map((f) => `\`${f}\``).join(", ") : "`__exception_return`";
    const why = `measured: ${t.calls} calls, from ${from} in ${m.files}; ${cPerCall.toFixed(1)} instructions a call, less ${tsPer.toFixed(2)} explicit accesses the TypeScript records with it (${tsCalls[id]} calls)`;
    return { op, source: "measured", instructions, why, accesses: Math.round((100 * t.accesses) / t.calls) / 100, cCalls: t.calls, cPerCall, tsCalls: tsCalls[id]!, tsAccessesPerCall: tsPer };
  });
  return { rows, frames, jobInstructions: jobInstructions / Math.max(1, frames), traceInstructions: traced / Math.max(1, frames), unattributed: profile.unattributed };
}

const q = (s: string) => JSON.stringify(s);

/** The source text of op-costs.ts for these rows. */
export function render(rows: readonly OpRow[], stream: StreamOptions = STREAM): string {
  const body = rows.map((r) => {
    const acc = r.accesses !== undefined ? `, accesses: ${r.accesses}` : "";
    return `  ${r.op}: { instructions: ${r.instructions}, source: ${q(r.source)}${acc}, why: ${q(r.why)} },`;
  });
  return `/**
 * What each firmware operation costs the R4700, as data: the instructions it executes beyond the
 * loads and stores the firmware records explicitly (each of those counts one instruction and goes
 * through the data-cache model).
 *
 * GENERATED by \`npm run op-costs\` (scripts/op-costs.ts) from firmware/build/switchpath.elf: the
 * C per-frame job on the instruction-level R4700 (src/hw/cpu/isa), ${stream.connections} TCP connections of SYN,
 * ${stream.segments} segments and FIN, up to ${stream.concurrent} open, the router's ARP request every 50th frame, counted after
 * the first ${Math.floor(stream.connections / 10)} connections. \`source: "measured"\` rows: the C's instructions per call of the op, less
 * the explicit accesses the TypeScript records with it; \`accesses\`: the loads and stores the C
 * executes per call. \`source: "assumption"\` rows: ops with no C yet, hand-written (scripts/op-costs.ts
 * \`ASSUMED\`). Do not edit: change the C or the script and regenerate; \`npm run op-costs -- --check\`
 * fails when this file and the image disagree. docs/hardware.md, "The op table, measured".
 */
export interface OpCost {
  instructions: number;
  why: string;
  source: "measured" | "assumption";
  /** Measured rows: the loads and stores the C executes per call of the op. */
  accesses?: number;
}

export const OP_COSTS = {
${body.join("\n")}
} as const satisfies Record<string, OpCost>;

export type OpName = keyof typeof OP_COSTS;

/** Dense op ids for the allocation-free cost trace. */
export const OP_NAMES = Object.keys(OP_COSTS) as OpName[];
export const OP_ID: Record<OpName, number> = Object.fromEntries(OP_NAMES.map((n, i) => [n, i])) as Record<OpName, number>;
export const OP_INSTRUCTIONS = Int32Array.from(OP_NAMES.map((n) => OP_COSTS[n].instructions));
`;
}

function table(m: Measurement, old: Record<string, { instructions: number }>): string {
  const lines = [
    `per-frame job: ${m.frames} frames measured, ${m.jobInstructions.toFixed(1)} instructions a job (C; ${m.unattributed} outside every op: the idle loop's branch, one a job); the trace model with the derived counts: ${m.traceInstructions.toFixed(1)}`,
    "| op | source | before | derived | C calls | C instructions a call | TS calls | TS explicit accesses a call | C loads and stores a call |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const r of m.rows) {
    const before = old[r.op]?.instructions ?? "-";
    if (r.source === "assumption") lines.push(`| ${r.op} | assumption | ${before} | ${r.instructions} | | | | | |`);
    else lines.push(`| ${r.op} | measured | ${before} | ${r.instructions} | ${r.cCalls} | ${r.cPerCall!.toFixed(1)} | ${r.tsCalls} | ${r.tsAccessesPerCall!.toFixed(2)} | ${r.accesses} |`);
  }
  lines.push(`measured apart (the control plane's C, scripts/op-costs-control.ts; no TS calls in the stream): ${CONTROL_OPS.map((c) => c.op).join(", ")}`);
  lines.push(`assumptions (no C yet): ${m.rows.filter((r) => r.source === "assumption").map((r) => r.op).join(", ") || "none"}`);
  return lines.join("\n");
}

async function main(): Promise<number> {
  const program = new Command("op-costs")
    .description("regenerate src/hw/cpu/op-costs.ts from the instruction-level R4700's measurements of firmware/build/switchpath.elf")
    .option("--check", "fail if the committed op-costs.ts differs from what the committed image gives")
    .option("--print", "print the measured table (old against derived counts) and write nothing")
    .exitOverride()
    .configureOutput({ outputError: () => {} });
  try {
    program.parse(process.argv);
  } catch (e) {
    if (e instanceof CommanderError && (e.code === "commander.helpDisplayed" || e.code === "commander.version")) return 0;
    process.stderr.write(`op-costs: ${(e instanceof Error ? e.message : String(e)).replace(/^error: /, "").split("\n")[0]}\n`);
    return 2;
  }
  const o = program.opts<{ check?: boolean; print?: boolean }>();
  const { OP_COSTS: old } = (await import("../src/hw/cpu/op-costs.ts")) as { OP_COSTS: Record<string, { instructions: number }> };
  const m = measure();
  const text = render(m.rows);
  if (o.print || o.check) process.stdout.write(table(m, old) + "\n");
  if (o.check) {
    const committed = readFileSync(OP_COSTS_FILE, "utf8");
    if (committed === text) {
      process.stdout.write("src/hw/cpu/op-costs.ts matches the image\n");
      return 0;
    }
    const want = new Map(m.rows.map((r) => [r.op, r.instructions]));
    const differ = Object.entries(old).filter(([k, v]) => want.get(k) !== v.instructions).map(([k, v]) => `${k} ${v.instructions} -> ${want.get(k)}`);
    process.stderr.write(`src/hw/cpu/op-costs.ts differs from what firmware/build/switchpath.elf gives${differ.length ? `: ${differ.join(", ")}` : " (text only)"}; run npm run op-costs and commit\n`);
    return 1;
  }
  if (o.print) return 0;
  writeFileSync(OP_COSTS_FILE, text);
  process.stdout.write(table(m, old) + `\nwrote ${OP_COSTS_FILE}\n`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = await main();
