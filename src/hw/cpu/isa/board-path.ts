/**
 * The board's instruction-level CPU model (`cpu.execution: "isa"`, docs/hardware.md "The board
 * running the C path"): for each frame job, `switchpath.elf`'s whole frame job (firmware/c: the
 * interrupt's entry, the descriptor, the decision, counters, write-back, hand-back, buffer return,
 * ERET) runs on the instruction-level R4700 core (core.ts) with its pipeline timing (load-use,
 * multiply and divide, branch-likely interlocks), and what it touches is recorded into the job's
 * CostTrace: each I-cache line it enters and each D-cache line it reaches, at the board's physical
 * addresses, each device register access and CACHE write-back, with the pipeline cycles between
 * them (CostTrace's Isa items). The
 * trace-replay R4700 (r4700.ts) then sends those through the board's own I- and D-cache and its
 * DRAM (or FSRAM, or 5D's shared buffer) in simulated time, exactly as it does the op table's
 * items: misses, write-backs and memory contention follow from the addresses the code touches.
 *
 * The TypeScript firmware still decides the frame too (the reference model, whose effects the
 * board carries out); its ops the C replaces are left out of the job's trace (PORTED_OPS), and the
 * driver's part and the interrupt's entry and exit are not recorded at all (the C's record has them). The
 * two verdicts are compared frame by frame (port or drop cause, path, the frame's first bytes):
 * a difference is counted in `mismatches`, which the presets' tests require to be zero.
 *
 * One memory: the image's tables live in the CPU board's DRAM at the addresses its linker map
 * gives (code from 0x400, the flow table from 0x13600, ... `io` below 6 MiB); the frame the C reads
 * at `frame_buf + 2` is the frame's CPU buffer (the board's packet buffers move to ISA_PACKET_BASE,
 * above the image's data, in DRAM). The C's flow table has table-cost.ts's layout (an entry of 24
 * bytes a slot, then 8-byte expiry words); on boards with Fig 5C's FSRAM its entries and expiry
 * words lie where the TypeScript's do, from FSRAM_TABLE_BASE (after the packet buffers; the part
 * past the FSRAM's end where the TypeScript's lies too, in DRAM). The
 * TypeScript control plane's decisions (servers' state, weights, draining, roles, added and removed
 * servers, the Maglev table, routers' state and the gateways it re-pointed, the routers' traffic
 * vectors) are written into the image's memory before each frame that follows them (ControlMirror),
 * as switch-host.ts and the differential test do.
 */
import type { Cluster } from "../../../firmware/cluster.ts";
import { DROP_CAUSES } from "../../../firmware/drop-causes.ts";
import type { FlowSwitch } from "../../../firmware/flow-switch.ts";
import { FW_PATHS } from "../../../firmware/paths.ts";
import { EXPIRY_BYTES, FLOW_ENTRY_BYTES } from "../../../firmware/table-cost.ts";
import type { FramePool } from "../../../net/frame-pool.ts";
import { TraceKind, type CostTrace } from "../cost-trace.ts";
import { ISA_PACKET_BASE, type CPathDecision } from "../../cpu-board.ts";
import type { CacheRecorder } from "./core.ts";
import { ExecTrace } from "./exec-trace.ts";
import { RING_BUFFER_BYTES, RING_FRAME_OFFSET, SwitchImage, VERDICT_NOT_PORTED, type HostGateway, type HostRouter, type SwitchCall } from "./switch-host.ts";

/** Bytes of the frame compared between the C path and the TypeScript (its headers; ARP answers are 42 bytes). */
const COMPARE_BYTES = 64;
const CONSUMED = -2;

/** What the C path does per path: calls, instructions and pipeline cycles (interlocks included, no cache misses: those are the board's). */
export interface IsaPathStats {
  calls: number;
  instructions: number;
  pipelineCycles: number;
}

/** The board's image of `switchpath.elf`, shared by its CPU boards (5F has two), and the record of each frame's run. */
export class IsaFramePath implements CacheRecorder, CPathDecision {
  readonly image: SwitchImage;
  private readonly call = {} as SwitchCall;
  private trace: CostTrace | undefined;
  private lastCycle = 0;
  private bufBase = 0;
  /** The image runs frame jobs from its idle loop once the first one comes (the functional warming calls `main` directly). */
  private interrupting = false;
  private readonly ringPa: number;
  private readonly ringEnd: number;
  private readonly framePa: number;
  private readonly frameEnd: number;
  private readonly flowsPa: number;
  private readonly flowsEnd: number;
  /** Frames whose C and TypeScript decisions differed, by what differed; the first one described. */
  readonly mismatches = { verdict: 0, dropCause: 0, path: 0, frame: 0, handedBack: 0 };
  firstMismatch = "";
  /** Frames the C path handed back (probe answers, ARP replies to the switch's probes): the TypeScript control plane's. */
  handedBack = 0;
  framesDecided = 0;
  readonly paths: IsaPathStats[] = FW_PATHS.map(() => ({ calls: 0, instructions: 0, pipelineCycles: 0 }));
  private readonly mirror: ControlMirror;
  private execTrace: { job: number; fromPs: number; seen: number; write: (line: string) => void; done: boolean } | undefined;

  /**
   * @param tableBase where the flow table's entries and expiry words lie on this board (FSRAM_TABLE_BASE on boards with an FSRAM, as TableCost's), or -1: at its image address
   */
  constructor(elf: Uint8Array, private readonly fw: FlowSwitch, private readonly pool: FramePool, private readonly txBytesOf: (port: number) => number, private readonly tableBase = -1) {
    this.image = new SwitchImage(elf);
    const m = this.image.machine;
    this.framePa = m.address("frame_buf");
    const ring = this.image.ringRange;
    this.ringPa = ring.pa;
    this.ringEnd = ring.pa + ring.bytes;
    this.frameEnd = this.framePa + (m.image.symbols.get("frame_buf")?.size ?? 0); // `io` follows it
    this.flowsPa = m.address("flows");
    this.flowsEnd = this.flowsPa + (this.tableBase >= 0 ? fw.flows.slots * (FLOW_ENTRY_BYTES + EXPIRY_BYTES) : 0);
    const dataEnd = m.address("io") + 64;
    if (dataEnd > ISA_PACKET_BASE) throw new RangeError(`switchpath.elf's data (to 0x${dataEnd.toString(16)}) overlaps the packet buffers at 0x${ISA_PACKET_BASE.toString(16)}`);
    for (const c of fw.clusters) if (c.mode === "balance" && c.policy === "optimal-workload") throw new RangeError(`cpu.execution "isa": cluster ${c.name}'s policy optimal-workload is not ported to C (firmware/c; use round-robin, weighted-round-robin, least-connections, weighted-least-connections or consistent-hash, or cpu.execution "trace")`);
    this.image.configure(fw.config, fw.clusters, routersOf(fw));
    this.mirror = new ControlMirror(fw, this.image);
  }

  /** Functional warming (board-run.ts): the image decides the frame as well, unrecorded, so its tables hold what the TypeScript's do. */
  warm(h: number, ingress: number, nowPs: number): void {
    this.mirror.sync();
    this.image.frame(this.pool.bytes(h), ingress, nowPs, this.call, this.pool.length(h));
  }

  /**
   * Runs the whole C frame job on frame `h` (in the CPU buffer at `bufAddr`): the frame is put in
   * the image's next CPU buffer, the ring raises Int0, and the core runs from the interrupt's
   * vector to its ERET (irq.c, job.c: descriptor, decision, counters, write-back, hand-back,
   * buffer return), recording into `trace` each cache look-up at the board's addresses, each
   * device register access (replayed over the board's PCI) and each CACHE write-back. Call before
   * the TypeScript decides (it rewrites the frame in place); then `check`.
   */
  job(h: number, ingress: number, nowPs: number, bufAddr: number, trace: CostTrace): void {
    this.mirror.sync();
    const bytes = this.pool.bytes(h), len = this.pool.length(h);
    if (isArp(bytes, len)) this.mirror.trafficVectors(this.txBytesOf);
    if (!this.interrupting) {
      this.image.startInterrupts();
      this.interrupting = true;
    }
    const core = this.image.machine.core;
    this.trace = trace;
    this.bufBase = bufAddr;
    this.lastCycle = core.cycle;
    core.recorder = this;
    const traced = this.traceThis(nowPs, ingress, len, trace);
    try {
      this.image.job(bytes, ingress, nowPs, this.call, len);
    } finally {
      core.recorder = undefined;
      this.trace = undefined;
      if (traced) core.tracer = undefined;
    }
    trace.isa(TraceKind.IsaCycles, this.call.instructions, core.cycle - this.lastCycle);
    this.framesDecided++;
  }

  /**
   * Traces one frame job (`--exec-trace`): the `job`-th one decided at or after `fromPs` (1 = the
   * first). Its C path's instructions, one line each (exec-trace.ts: cycle, PC, word, disassembly,
   * pipeline cycles and stalls; the caches are the board's, so the line names no cache outcome),
   * then the CPU's replay of the whole job through the board's caches and memories
   * (r4700.ts: each item, its cache outcome and each stall), to `write`.
   */
  traceJob(job: number, fromPs: number, write: (line: string) => void): void {
    this.execTrace = { job, fromPs, seen: 0, write, done: false };
  }

  /** Whether this decision is the traced job's; if so, the core's tracer and the job's log are set. */
  private traceThis(nowPs: number, ingress: number, len: number, trace: CostTrace): boolean {
    const x = this.execTrace;
    if (!x || x.done || nowPs < x.fromPs || ++x.seen !== x.job) return false;
    x.done = true;
    const w = x.write;
    w(`frame job ${x.job} of the window: a ${len}-byte frame from port ${ingress} at ${nowPs} ps; the C frame job (switchpath.elf, from the interrupt to its ERET), per instruction (caches: the board's, in the replay below):`);
    this.image.machine.core.tracer = new ExecTrace((line) => w(`  ${line}`), false);
    trace.log = w;
    return true;
  }

  /** Whether the traced job was reached. */
  get execTraced(): boolean {
    return this.execTrace?.done ?? false;
  }

  /** Compares the C path's decision with the TypeScript's (`verdict`, the frame `h` as it rewrote it), and counts the C path's figures under the job's path. */
  check(h: number, verdict: number): void {
    const c = this.call, fw = this.fw;
    // the C path's figures under the job's path (the TypeScript's: the C leaves probe answers' path unnamed)
    const p = this.paths[fw.lastPath];
    if (p) {
      p.calls++;
      p.instructions += c.instructions;
      p.pipelineCycles += c.cycles;
    }
    if (c.verdict === VERDICT_NOT_PORTED) {
      this.handedBack++;
      if (verdict !== CONSUMED) this.differ("handedBack", `handed back, the TypeScript's verdict ${verdict}`);
      return;
    }
    if (c.verdict !== verdict) return this.differ("verdict", `verdict ${c.verdict} against the TypeScript's ${verdict} (${fw.lastDropCause}, path ${FW_PATHS[fw.lastPath]})`);
    if (verdict === -1 && DROP_CAUSES[c.cause] !== fw.lastDropCause) return this.differ("dropCause", `drop cause ${DROP_CAUSES[c.cause]} against ${fw.lastDropCause}`);
    if (c.path !== fw.lastPath) return this.differ("path", `path ${FW_PATHS[c.path]} against ${FW_PATHS[fw.lastPath]}`);
    if (verdict >= 0) {
      const bytes = this.pool.bytes(h), n = Math.min(COMPARE_BYTES, this.pool.length(h)), mem = this.image.machine.memory, at = this.image.jobFrameAddress;
      for (let k = 0; k < n; k++) if (mem.read8(at + k) !== bytes[k]) return this.differ("frame", `frame byte ${k} differs`);
    }
  }

  private differ(what: keyof IsaFramePath["mismatches"], how: string): void {
    this.mismatches[what]++;
    if (!this.firstMismatch) this.firstMismatch = `at ${this.fw.now()} ps: ${how}`;
  }

  // ---------- CacheRecorder: the core's look-ups, at the board's addresses ----------

  fetch(pa: number): void {
    const core = this.image.machine.core;
    this.trace!.isa(TraceKind.IsaFetch, pa, core.cycle - this.lastCycle);
    this.lastCycle = core.cycle;
  }

  data(pa: number, write: boolean): void {
    const core = this.image.machine.core;
    this.trace!.isa(write ? TraceKind.IsaStore : TraceKind.IsaLoad, this.boardAddress(pa), core.cycle - this.lastCycle);
    this.lastCycle = core.cycle;
  }

  uncached(_pa: number, write: boolean, bytes: number): void {
    const core = this.image.machine.core;
    this.trace!.isa(write ? TraceKind.IsaUncachedWrite : TraceKind.IsaUncachedRead, bytes, core.cycle - this.lastCycle);
    this.lastCycle = core.cycle;
  }

  writeback(pa: number): void {
    const core = this.image.machine.core;
    this.trace!.isa(TraceKind.IsaWriteback, this.boardAddress(pa), core.cycle - this.lastCycle);
    this.lastCycle = core.cycle;
  }

  /**
   * The board's physical address of the image's `pa`: a CPU buffer of the image's ring is the
   * frame's CPU buffer on the board (its descriptor words at the buffer's start, the frame from
   * its ninth byte, as cpu-board.ts lays a buffer out; the image's frame starts at its eleventh),
   * the flow table is where the board keeps it.
   */
  private boardAddress(pa: number): number {
    if (pa >= this.ringPa && pa < this.ringEnd) {
      const o = (pa - this.ringPa) % RING_BUFFER_BYTES;
      return this.bufBase + (o < RING_FRAME_OFFSET ? Math.min(o, 8) : 8 + o - RING_FRAME_OFFSET);
    }
    if (pa >= this.framePa && pa < this.frameEnd) return this.bufBase + 6 + (pa - this.framePa); // frame_buf + 2 is the frame, at the buffer's third word
    if (pa >= this.flowsPa && pa < this.flowsEnd) return this.tableBase + (pa - this.flowsPa);
    return pa;
  }

  read() {
    const paths: Record<string, { calls: number; instructions: number; pipelineCycles: number }> = {};
    this.paths.forEach((p, i) => {
      if (p.calls > 0) paths[FW_PATHS[i]!] = { calls: p.calls, instructions: p.instructions / p.calls, pipelineCycles: p.pipelineCycles / p.calls };
    });
    const mismatches = Object.values(this.mismatches).reduce((a, b) => a + b, 0);
    return { framesDecided: this.framesDecided, handedBack: this.handedBack, mismatches, mismatchesBy: { ...this.mismatches }, ...(this.firstMismatch ? { firstMismatch: this.firstMismatch } : {}), cPath: paths };
  }

  resetStats(): void {
    this.framesDecided = this.handedBack = 0;
    for (const p of this.paths) p.calls = p.instructions = p.pipelineCycles = 0;
    // mismatches are never reset: the warm-up's count too
  }
}

export function isArp(b: Uint8Array, len: number): boolean {
  if (len < 14) return false;
  const t = (b[12]! << 8) | b[13]!;
  return t === 0x0806 || (t === 0x8100 && len >= 18 && ((b[16]! << 8) | b[17]!) === 0x0806);
}

/** The firmware's routers as the image takes them. */
export function routersOf(fw: FlowSwitch): HostRouter[] {
  return fw.routers.map((r) => ({ ip: r.ip, mac: r.mac, port: r.port, up: r.up, pool: r.pool, assigned: r.assigned }));
}

/** flow-switch.ts's gateway maps (the control plane's state the C path shares). */
function gatewaysOf(fw: FlowSwitch): HostGateway[] {
  const priv = fw as unknown as { gatewayOf: Map<number, unknown>; serverIpOf: Map<number, number> };
  const macs = new Set([...priv.gatewayOf.keys(), ...priv.serverIpOf.keys()]);
  return [...macs].map((mac) => ({ mac, router: fw.routers.findIndex((r) => r === priv.gatewayOf.get(mac)), serverIp: priv.serverIpOf.get(mac) ?? 0 }));
}

/** Server fields the C path reads from the control plane, per server. */
const SERVER_FIELDS = 7;

/**
 * Keeps the image's control-plane state equal to the TypeScript's: before each frame, compares
 * what the control plane decides (per server: state, removed, draining, generation, weight, role,
 * port; per cluster the number of servers and its Maglev table's identity; per router: up) with
 * what was last written, and writes what changed. Nothing is allocated when nothing changed.
 */
export class ControlMirror {
  private readonly seen: Float64Array[];
  private readonly counts: Int32Array;
  private readonly maglevs: (Int16Array | undefined)[];
  private readonly routersUp: Uint8Array;

  constructor(private readonly fw: FlowSwitch, private readonly image: SwitchImage) {
    this.seen = fw.clusters.map(() => new Float64Array(16 * SERVER_FIELDS));
    this.counts = new Int32Array(fw.clusters.length);
    this.maglevs = fw.clusters.map(() => undefined);
    this.routersUp = new Uint8Array(fw.routers.length);
    fw.clusters.forEach((cl, c) => this.remember(cl, c));
    fw.routers.forEach((r, i) => (this.routersUp[i] = r.up ? 1 : 0));
  }

  private remember(cl: Cluster, c: number): void {
    const a = this.seen[c]!;
    cl.servers.forEach((s, i) => fields(s, a, i * SERVER_FIELDS));
    this.counts[c] = cl.servers.length;
    this.maglevs[c] = cl.maglev;
  }

  sync(): void {
    const fw = this.fw;
    for (let c = 0; c < fw.clusters.length; c++) {
      const cl = fw.clusters[c]!, a = this.seen[c]!;
      let changed = cl.servers.length !== this.counts[c] || cl.maglev !== this.maglevs[c];
      for (let i = 0; !changed && i < cl.servers.length; i++) changed = differs(cl.servers[i]!, a, i * SERVER_FIELDS);
      if (!changed) continue;
      // servers whose generation moved failed (or were removed) since: their flow counts restart (switch-host.ts `control`)
      const failed: number[] = [];
      cl.servers.forEach((s, i) => {
        if (i < this.counts[c]! && s.gen !== a[i * SERVER_FIELDS + 3]) failed.push(i);
      });
      this.image.control(cl, c, failed);
      this.remember(cl, c);
    }
    let routed = false;
    for (let i = 0; i < fw.routers.length; i++) {
      const up = fw.routers[i]!.up ? 1 : 0;
      if (up !== this.routersUp[i]) {
        this.routersUp[i] = up;
        routed = true;
      }
    }
    if (routed) this.image.routing(routersOf(fw), gatewaysOf(fw));
  }

  trafficVectors(txBytesOf: (port: number) => number): void {
    this.fw.routers.forEach((r, i) => this.image.trafficVector(i, txBytesOf(r.port)));
  }
}

function fields(s: Cluster["servers"][number], a: Float64Array, at: number): void {
  a[at] = s.state === "up" ? 1 : 0;
  a[at + 1] = s.removed ? 1 : 0;
  a[at + 2] = s.draining ? 1 : 0;
  a[at + 3] = s.gen;
  a[at + 4] = s.weight;
  a[at + 5] = s.role === "primary" ? 1 : 0;
  a[at + 6] = s.port;
}

function differs(s: Cluster["servers"][number], a: Float64Array, at: number): boolean {
  return a[at] !== (s.state === "up" ? 1 : 0) || a[at + 1] !== (s.removed ? 1 : 0) || a[at + 2] !== (s.draining ? 1 : 0) || a[at + 3] !== s.gen || a[at + 4] !== s.weight || a[at + 5] !== (s.role === "primary" ? 1 : 0) || a[at + 6] !== s.port;
}
