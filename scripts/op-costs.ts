/**
 * `npm run op-costs`: regenerates src/hw/cpu/op-costs.ts, the trace-replay R4700's op table, from
 * the instruction-level R4700 running the C per-frame job (firmware/build/switchpath.elf).
 * `npm run op-costs -- --check`: fails (exit 1) if the committed op-costs.ts differs from what the
 * committed image gives, naming the rows.
 *
 * How (docs/hardware.md "The op table, measured"): on a reference run (`REFERENCE`: the standard
 * setting on 5A, every path the boards' CPUs take in its share) each CPU frame job also runs the
 * whole C frame job (interrupt, descriptor, decision, counters, write-back, hand-back, buffer, exit;
 * switch-host.ts `job`) on a stand-alone instruction-level core, its control plane mirrored from
 * the TypeScript's and its flow table warmed alike, and the TypeScript firmware (flow-switch.ts, the
 * reference) records its cost trace as the board's FrameJob and the R4700's job entry and exit
 * record it (cpu-board.ts, r4700.ts). Ops the run does not call are measured on isa:paths' TCP
 * stream instead (tcp-stream.ts). Every executed instruction, its pipeline cycles (device accesses
 * answered at once, every cache look-up recorded rather than simulated) and its cache look-ups
 * count to the op of the innermost op function on the call stack (op-profile.ts: a flat profile,
 * callees that are ops of their own excluded; helpers GCC kept out of line count to their caller).
 * An op's row is then
 *
 *     instructions = the C's instructions per call − the explicit loads, stores, write-backs and
 *                    uncached accesses the TypeScript records after the op, per call
 *     cycles       = the C's pipeline cycles per call − those accesses at the flat CPI
 *
 * because the trace model charges each explicit access one instruction at the flat CPI besides the
 * op's own (r4700.ts `step`): the op plus what the trace records with it costs what the C does.
 * With them: the op's code lines and its own data lines (those at least FOOTPRINT_SHARE of its
 * calls reach, outside the flow table and the CPU buffers, which the TypeScript records itself),
 * and the same instructions and cycles per firmware path (`byPath`, where a path calls the op at
 * least MIN_PATH_CALLS times), since one count an op cannot be right for both an ARP frame's parse
 * and a TCP segment's. The loads and stores the C executes per call are a field too (`accesses`).
 * The image's table addresses (`IMAGE_MAP`) and the end of its code (`OP_CODE_END`) are written
 * with the table: both CPU models use that memory map.
 *
 * The control plane's ops (health probes, their deadlines, the optimal-workload round, the NAT's
 * rewrite, the CAM: scripts/op-costs-control.ts `CONTROL_OPS`) run on no frame: their C
 * (firmware/build/control.elf) is measured apart, each op's function called many times with
 * varied inputs (op-costs-control.ts `measureControl`). The TypeScript records no explicit access
 * with them, so an op's count is the C's instructions per call, charged at the flat CPI.
 *
 * `ASSUMED` (ops with no C, hand-written counts) is empty.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, CommanderError } from "commander";
import { DEFAULT_FLOW_TABLE_SIZE } from "../src/firmware/config.ts";
import { CPU_BUFFER_BASE, CPU_BUFFER_BYTES, recordDriverEntry, recordDriverExit, Verdict } from "../src/hw/cpu-board.ts";
import { CostTrace, TraceKind } from "../src/hw/cpu/cost-trace.ts";
import { OP_NAMES } from "../src/hw/cpu/op-costs.ts";
import { FW_PATHS } from "../src/firmware/paths.ts";
import { OpProfile, type LineUse, type OpFunctions } from "../src/hw/cpu/isa/op-profile.ts";
import { PHYS_MASK } from "../src/hw/cpu/isa/address.ts";
import { DEFAULT_R4700 } from "../src/hw/cpu/r4700.ts";
import { SwitchImage, VERDICT_NOT_PORTED, type SwitchCall } from "../src/hw/cpu/isa/switch-host.ts";
import { ControlMirror, isArp, routersOf } from "../src/hw/cpu/isa/board-path.ts";
import { loadBoard } from "../src/hw/boards/load.ts";
import { runBoard } from "../src/scenarios/board-run.ts";
import { MS } from "../src/sim/time.ts";
import type { FramePool } from "../src/net/frame-pool.ts";
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
  /** measured: pipeline cycles per call (interlocks included, every look-up a hit), less the trace model's charge for the explicit accesses recorded with the op */
  cycles?: number;
  cCyclesPerCall?: number;
  /** measured: the I-cache lines at least half of the op's calls enter, as runs [first line's physical address, lines] */
  code?: [number, number][];
  /** measured: the D-cache lines at least half of the op's calls reach that the TypeScript does not record itself (stack, configuration, structs, counters), [physical address, 1 if at least half of those calls write it] */
  data?: [number, number][];
  /** measured on the reference run: per path (FW_PATHS) the op is called in at least MIN_PATH_CALLS times, [instructions, cycles] a call, as the op's own */
  byPath?: Record<string, [number, number]>;
}

/** A path's own count for an op needs at least this many calls of it on that path (fewer: the op's count over every path). */
export const MIN_PATH_CALLS = 20;

export interface Measurement {
  rows: OpRow[];
  frames: number;
  /** instructions per job, C (all ops) */
  jobInstructions: number;
  /** instructions per job the trace model would charge with the derived counts (op counts + explicit accesses) */
  traceInstructions: number;
  unattributed: number;
  /** Where the image's code ends (line-aligned): the ops with no C are laid out from here. */
  codeEnd: number;
  /** The image's tables the TypeScript firmware's cost trace addresses too (one memory map, both models). */
  imageMap: { flows: number; maglev: number; maglevClusterBytes: number; stackTop: number };
}

/** The share of an op's calls a line must be touched in to be part of the op's footprint. */
export const FOOTPRINT_SHARE = 0.5;

/** Lines touched in at least FOOTPRINT_SHARE of `calls`, in address order. */
function footprint(lines: Map<number, LineUse>, calls: number): [number, LineUse][] {
  return [...lines].filter(([, u]) => u.calls >= FOOTPRINT_SHARE * calls).sort((a, b) => a[0] - b[0]);
}

/** Consecutive lines as runs [first, count]. */
function runs(lines: readonly number[], lineBytes = 32): [number, number][] {
  const out: [number, number][] = [];
  for (const a of lines) {
    const last = out[out.length - 1];
    if (last && last[0] + last[1] * lineBytes === a) last[1]++;
    else out.push([a, 1]);
  }
  return out;
}

/**
 * The reference run the op table is measured on: the standard setting (board-run.ts) on 5A, whose
 * CPU decides every inbound frame, at load 1 with the servers probed by TCP and the routers by ARP
 * every 1 ms, so that every path the boards' CPUs take is taken in its share (established and new
 * flows of the workload's protocol mix, the routers' answers to ARP probes, probe answers), as
 * `npm run isa:boards` runs the boards. 100 ms after the 20 ms warm-up.
 */
export const REFERENCE = { board: "5A", seed: 1, load: 1, healthKind: "tcp" as const, healthIntervalPs: 1 * MS, healthTimeoutPs: 1 * MS, warmupPs: 20 * MS, durationPs: 100 * MS };

/** switch.h MAX_CLUSTERS: the image's Maglev tables, one after another. */
const MAGLEV_CLUSTERS = 4;

/** A job's verdicts agree: the same, or the C hands back a frame the TypeScript control plane consumes (board-path.ts `check`). */
const agree = (c: number, ts: number) => c === ts || (c === VERDICT_NOT_PORTED && ts === Verdict.Consumed);

/** One measurement: the C job profiled on the instruction-level core, the TypeScript's calls and explicit accesses per op. */
class Tally {
  readonly img: SwitchImage;
  readonly profile: OpProfile;
  readonly tsCalls = new Float64Array(OP_NAMES.length);
  readonly tsAccesses = new Float64Array(OP_NAMES.length);
  frames = 0;
  jobInstructions = 0;
  /** Per path (FW_PATHS) and op: the C's calls, instructions and cycles (PATH_FIELDS each), the TypeScript's calls and explicit accesses. */
  readonly byPathC = new Float64Array(FW_PATHS.length * MEASURED.length * 3);
  readonly byPathTs = new Float64Array(FW_PATHS.length * OP_NAMES.length * 2);
  private readonly snap = new Float64Array(MEASURED.length * 3);
  private readonly trace = new CostTrace(8192);
  private readonly call = {} as SwitchCall;
  private n = 0;

  constructor(elf: Uint8Array) {
    // device accesses free and every cache look-up recorded, not simulated: an op's cycles are its pipeline's
    this.img = new SwitchImage(elf, { latency: { deviceReadCycles: 0, deviceWriteCycles: 0 } });
    const table = MEASURED.map((m) => ({ op: m.op, functions: m.functions, primary: m.primary }));
    this.profile = new OpProfile(this.img.machine.image, table, "interruptEntry", "interruptExit", "__exception_return");
    // the data the TypeScript records itself: the flow table's entries and expiry words, the CPU buffers (descriptor, frame)
    for (const n of ["flows", "cpu_ring", "frame_buf"]) {
      const sym = this.img.machine.image.symbols.get(n);
      if (!sym) throw new Error(`switchpath.elf has no symbol ${n}`);
      this.profile.exclude(sym.value & PHYS_MASK, (sym.value & PHYS_MASK) + sym.size);
    }
  }

  /**
   * One frame job: the C job on `bytes` (profiled if `counted`), then the TypeScript's part, as
   * cpu-board.ts FrameJob.execute records it inside r4700.ts's interruptEntry and interruptExit,
   * with `decide` recording the firmware's own items; the explicit accesses count to the op before them.
   */
  job(bytes: Uint8Array, ingress: number, nowPs: number, counted: boolean, decide: (trace: CostTrace) => number, pathOf: () => number, rewritten: () => number): number {
    const core = this.img.machine.core, tot = this.profile.totals, snap = this.snap;
    tot.forEach((t, k) => ((snap[3 * k] = t.calls), (snap[3 * k + 1] = t.instructions), (snap[3 * k + 2] = t.cycles)));
    core.tracer = counted ? this.profile : undefined;
    core.recorder = counted ? this.profile : undefined;
    this.img.job(bytes, ingress, nowPs, this.call);
    core.tracer = core.recorder = undefined;
    const buf = CPU_BUFFER_BASE + (this.n++ % 256) * CPU_BUFFER_BYTES, trace = this.trace;
    trace.reset();
    trace.op("interruptEntry");
    recordDriverEntry(trace, buf);
    trace.load(buf + 8, 54);
    const v = decide(trace);
    recordDriverExit(trace, buf, v, rewritten());
    trace.op("interruptExit");
    if (!agree(this.call.verdict, v)) throw new Error(`frame job ${this.n} at ${nowPs} ps: the C job's verdict ${this.call.verdict} is not the TypeScript's ${v}`);
    if (!counted) return v;
    this.frames++;
    this.jobInstructions += this.call.instructions;
    const path = pathOf(), pc = path * MEASURED.length * 3, pt = path * OP_NAMES.length * 2;
    tot.forEach((t, k) => {
      this.byPathC[pc + 3 * k] += t.calls - snap[3 * k]!;
      this.byPathC[pc + 3 * k + 1] += t.instructions - snap[3 * k + 1]!;
      this.byPathC[pc + 3 * k + 2] += t.cycles - snap[3 * k + 2]!;
    });
    let op = -1;
    for (let i = 0; i < trace.length; i++) {
      const k = trace.kind[i]!;
      if (k === TraceKind.Op) {
        this.tsCalls[(op = trace.value[i]!)]!++;
        this.byPathTs[pt + 2 * op]!++;
      } else if (k !== TraceKind.DeviceWait && op >= 0) {
        this.tsAccesses[op]!++;
        this.byPathTs[pt + 2 * op + 1]!++;
      }
    }
    return v;
  }
}

/** The reference run (REFERENCE), each CPU frame job decided by the C job beside the TypeScript (the board's own run, in trace mode). */
function referenceRun(elf: Uint8Array): Tally {
  const t = new Tally(elf);
  const b = loadBoard(REFERENCE.board);
  if (!b.ok) throw new Error(b.error);
  let mirror: ControlMirror | undefined, pool: FramePool | undefined, counted = false;
  const call = {} as SwitchCall;
  runBoard(b.board, {
    ...REFERENCE,
    onSetting: ({ fw, board }) => {
      pool = board.pool;
      t.img.configure(fw.config, fw.clusters, routersOf(fw));
      mirror = new ControlMirror(fw, t.img);
      const cpu = board.cpus[0]!;
      cpu.firmware = {
        handleFrame: (h, ingress, trace) => {
          mirror!.sync();
          const bytes = board.pool.bytes(h), len = board.pool.length(h);
          if (isArp(bytes, len)) mirror!.trafficVectors((port) => board.portCounters(port).txBytes);
          return t.job(bytes.subarray(0, len), ingress, board.sim.now, counted, (own) => {
            const from = trace.length;
            const v = fw.handleFrame(h, ingress, trace);
            own.append(trace, from);
            return v;
          }, () => fw.lastPath, () => fw.lastRewrittenBytes);
        },
        get lastDropCause() {
          return fw.lastDropCause;
        },
        get lastPath() {
          return fw.lastPath;
        },
        get lastRewrittenBytes() {
          return fw.lastRewrittenBytes;
        },
        pathNames: fw.pathNames,
      };
    },
    onPrewarm: (h, ingress, nowPs) => {
      // the functional warming: the image learns the open flows as the TypeScript does
      mirror!.sync();
      t.img.frame(pool!.bytes(h), ingress, nowPs, call, pool!.length(h));
    },
    script: (ctx) => {
      t.img.startInterrupts();
      ctx.at(0, () => (counted = true));
    },
  });
  return t;
}

/** The TCP stream (STREAM) through the C job and a harness's TypeScript firmware: for the ops the reference run does not call. */
function streamRun(elf: Uint8Array, stream: StreamOptions): Tally {
  const h = harness({
    clusters: [{ name: "web", vip: VIP, vmac: VMAC, policy: "round-robin", health: { intervalPs: 1e15, timeoutPs: 1e14 }, servers: Array.from({ length: SERVERS }, (_, i) => ({ name: `s${i}`, mac: 0x020000000200 + i, port: 4 + i, weight: 1 + (i % 3) })) }],
    routerPools: [{ name: "pool", health: { intervalPs: 1e15, timeoutPs: 1e14 }, routers: [{ name: "r0", ip: ROUTER_IP, mac: ROUTER_MAC, port: 0 }] }],
    flowTableSize: DEFAULT_FLOW_TABLE_SIZE,
  });
  let now = 1e6;
  h.fw.now = () => now;
  const t = new Tally(elf);
  t.img.configure(h.fw.config, h.fw.clusters, h.fw.routers.map((r) => ({ ...r, assigned: 0 })));
  t.img.startInterrupts();
  const warmup = Math.floor(stream.connections / 10);
  for (const { bytes, started } of tcpStream(stream)) {
    now += 1e6;
    t.job(bytes, 0, now, started > warmup, (trace) => {
      const ph = h.pool.allocFrom(bytes);
      const v = h.fw.handleFrame(ph, 0, trace);
      h.pool.free(ph);
      return v;
    }, () => h.fw.lastPath, () => h.fw.lastRewrittenBytes);
  }
  return t;
}

/** Measures the C on the reference run (and the stream, for the ops the run does not call) and derives the op table. */
export function measure(stream: StreamOptions = STREAM, elf: Uint8Array = readFileSync(IMAGE_FILE)): Measurement {
  const ref = referenceRun(elf);
  let other: Tally | undefined;
  const cpi = DEFAULT_R4700.baseCpi + DEFAULT_R4700.stallCpi;
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
    const id = OP_NAMES.indexOf(op);
    let t = ref, where = `the reference run (${REFERENCE.board}, ${REFERENCE.durationPs / MS} ms)`;
    if (ref.profile.totals[k]!.calls === 0 || ref.tsCalls[id] === 0) {
      t = other ??= streamRun(elf, stream);
      where = `the TCP stream (${stream.connections} connections; the reference run does not call it)`;
    }
    const m = MEASURED[k]!, tot = t.profile.totals[k]!;
    if (tot.calls === 0) throw new Error(`op ${op}: neither the reference run nor the stream called ${m.functions[0] ?? "it"}`);
    const cPerCall = tot.instructions / tot.calls;
    const tsPer = t.tsCalls[id]! > 0 ? t.tsAccesses[id]! / t.tsCalls[id]! : 0;
    const instructions = Math.max(0, Math.round(cPerCall - tsPer));
    if (t === ref) traced += instructions * ref.tsCalls[id]! + ref.tsAccesses[id]!;
    const cCyclesPerCall = tot.cycles / tot.calls;
    const cycles = Math.max(0, Math.round(cCyclesPerCall - tsPer * cpi));
    const code = runs(footprint(t.profile.iLines[k]!, tot.calls).map(([x]) => x));
    const data = footprint(t.profile.dLines[k]!, tot.calls).map(([x, u]): [number, number] => [x, u.writes >= FOOTPRINT_SHARE * u.calls ? 1 : 0]);
    const from = m.op === "interruptEntry" ? "the vector, `__exception_common`, " + m.functions.map((f) => `\`${f}\``).join(", ") : m.functions.length ? m.functions.map((f) => `\`${f}\``).join(", ") : "`__exception_return`";
    // per path: where the C's cost of the op differs by the path the job takes (an ARP frame's parse is not a TCP segment's)
    let byPath: Record<string, [number, number]> | undefined;
    if (t === ref) {
      byPath = {};
      FW_PATHS.forEach((name, p) => {
        const o = p * MEASURED.length * 3 + 3 * k, c = ref.byPathC[o]!, ts = ref.byPathTs[p * OP_NAMES.length * 2 + 2 * id]!;
        if (c < MIN_PATH_CALLS || ts === 0) return;
        const acc = ref.byPathTs[p * OP_NAMES.length * 2 + 2 * id + 1]! / ts;
        byPath![name] = [Math.max(0, Math.round(ref.byPathC[o + 1]! / c - acc)), Math.max(0, Math.round(ref.byPathC[o + 2]! / c - acc * cpi))];
      });
    }
    const why = `measured on ${where}: ${tot.calls} calls, from ${from} in ${m.files}; ${cPerCall.toFixed(1)} instructions and ${cCyclesPerCall.toFixed(1)} pipeline cycles a call, less ${tsPer.toFixed(2)} explicit accesses the TypeScript records with it (${t.tsCalls[id]} calls)`;
    return { op, source: "measured", instructions, why, accesses: Math.round((100 * tot.accesses) / tot.calls) / 100, cCalls: tot.calls, cPerCall, tsCalls: t.tsCalls[id]!, tsAccessesPerCall: tsPer, cycles, cCyclesPerCall, code, data, ...(byPath && Object.keys(byPath).length ? { byPath } : {}) };
  });
  const text = ref.img.machine.image.sections.filter((x) => x.executable).map((x) => (x.addr & PHYS_MASK) + x.size);
  const codeEnd = Math.ceil(Math.max(...text) / 32) * 32;
  const frames = ref.frames;
  const sym = (n: string) => {
    const x = ref.img.machine.image.symbols.get(n);
    if (!x) throw new Error(`switchpath.elf has no symbol ${n}`);
    return x;
  };
  const mg = sym("maglev");
  const imageMap = { flows: sym("flows").value & PHYS_MASK, maglev: mg.value & PHYS_MASK, maglevClusterBytes: (mg.size - (mg.size % MAGLEV_CLUSTERS)) / MAGLEV_CLUSTERS, stackTop: sym("__stack_top").value & PHYS_MASK };
  return { imageMap, rows, frames, jobInstructions: ref.jobInstructions / Math.max(1, frames), traceInstructions: traced / Math.max(1, frames), unattributed: ref.profile.unattributed, codeEnd };
}

const q = (s: string) => JSON.stringify(s);
const hex = (n: number) => `0x${n.toString(16)}`;

/** The source text of op-costs.ts for this measurement. */
export function render(m: Pick<Measurement, "rows" | "codeEnd" | "imageMap">, stream: StreamOptions = STREAM): string {
  const body = m.rows.map((r) => {
    const acc = r.accesses !== undefined ? `, accesses: ${r.accesses}` : "";
    const cyc = r.cycles !== undefined ? `, cycles: ${r.cycles}` : "";
    const code = r.code ? `, code: [${r.code.map(([a, n]) => `[${hex(a)}, ${n}]`).join(", ")}]` : "";
    const data = r.data ? `, data: [${r.data.map(([a, w]) => `[${hex(a)}, ${w}]`).join(", ")}]` : "";
    const by = r.byPath ? `, byPath: { ${Object.entries(r.byPath).map(([p, [i, c]]) => `${p}: [${i}, ${c}]`).join(", ")} }` : "";
    return `  ${r.op}: { instructions: ${r.instructions}${cyc}, source: ${q(r.source)}${acc}, why: ${q(r.why)}${code}${data}${by} },`;
  });
  return `/**
 * What each firmware operation costs the R4700, as data: the instructions it executes beyond the
 * loads and stores the firmware records explicitly (each of those counts one instruction and goes
 * through the data-cache model), and for the ops the C carries out, their pipeline cycles, their
 * code's I-cache lines and the data lines they reach besides those the firmware records.
 *
 * GENERATED by \`npm run op-costs\` (scripts/op-costs.ts) from firmware/build/switchpath.elf: the
 * C per-frame job on the instruction-level R4700 (src/hw/cpu/isa), ${stream.connections} TCP connections of SYN,
 * ${stream.segments} segments and FIN, up to ${stream.concurrent} open, the router's ARP request every 50th frame, counted after
 * the first ${Math.floor(stream.connections / 10)} connections. \`source: "measured"\` rows: the C's instructions per call of the op, less
 * the explicit accesses the TypeScript records with it; \`cycles\`: the C's pipeline cycles per call
 * (interlocks included, every cache look-up a hit), less the trace model's charge for those explicit
 * accesses; \`code\`: the I-cache lines at least half of its calls enter, as runs [address, lines];
 * \`data\`: the D-cache lines at least half of its calls reach outside the flow table and the CPU
 * buffers (which the firmware records itself), [address, 1 if written]; \`byPath\`: [instructions,
 * cycles] a call on jobs of one path (firmware/paths.ts), measured alike on the jobs of that path
 * (an ARP frame's parse costs what it does, not the average over the mix); \`accesses\`: the loads and
 * stores the C executes per call. \`source: "assumption"\` rows: ops with no C yet, hand-written
 * (scripts/op-costs.ts \`ASSUMED\`), charged at the R4700's flat CPI with code laid out from
 * OP_CODE_END. Do not edit: change the C or the script and regenerate; \`npm run op-costs -- --check\`
 * fails when this file and the image disagree. docs/hardware.md, "The op table, measured".
 */
export interface OpCost {
  instructions: number;
  why: string;
  source: "measured" | "assumption";
  /** Measured rows: the loads and stores the C executes per call of the op. */
  accesses?: number;
  /** Measured rows: pipeline cycles a call, charged instead of instructions x the flat CPI. */
  cycles?: number;
  /** Measured rows: the op's code, as runs [physical address of an I-cache line, lines]. */
  code?: readonly (readonly [number, number])[];
  /** Measured rows: data lines the op reaches besides the firmware's explicit accesses, [physical address, 1 if written]. */
  data?: readonly (readonly [number, number])[];
  /** Measured rows: [instructions, cycles] a call on a job of that path (FW_PATHS), where the reference run calls the op there often enough; other paths take the op's own. */
  byPath?: Readonly<Record<string, readonly [number, number]>>;
}

/** Where switchpath.elf's code ends (line-aligned): the ops with no C are laid out from here. */
export const OP_CODE_END = ${hex(m.codeEnd)};

/**
 * switchpath.elf's tables in the CPU board's DRAM, as its linker map places them (physical): the
 * flow table, the clusters' Maglev tables (${m.imageMap.maglevClusterBytes} bytes each), the stack's top. The TypeScript
 * firmware's cost trace addresses the same memory (firmware/table-cost.ts), so both CPU models see
 * one memory map.
 */
export const IMAGE_MAP = { flows: ${hex(m.imageMap.flows)}, maglev: ${hex(m.imageMap.maglev)}, maglevClusterBytes: ${m.imageMap.maglevClusterBytes}, stackTop: ${hex(m.imageMap.stackTop)} } as const;

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
    "| op | source | before | derived | C calls | C instructions a call | TS calls | TS explicit accesses a call | C loads and stores a call | C pipeline cycles a call | derived cycles | code lines | data lines (written) |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const r of m.rows) {
    const before = old[r.op]?.instructions ?? "-";
    if (r.source === "assumption") lines.push(`| ${r.op} | assumption | ${before} | ${r.instructions} | | | | | | | | | |`);
    else lines.push(`| ${r.op} | measured | ${before} | ${r.instructions} | ${r.cCalls} | ${r.cPerCall!.toFixed(1)} | ${r.tsCalls} | ${r.tsAccessesPerCall!.toFixed(2)} | ${r.accesses} | ${r.cCyclesPerCall?.toFixed(1) ?? "-"} | ${r.cycles ?? "flat CPI"} | ${r.code?.reduce((a, [, n]) => a + n, 0) ?? "laid out"} | ${r.data ? `${r.data.length} (${r.data.filter(([, w]) => w).length})` : "-"} |`);
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
  const text = render(m);
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
