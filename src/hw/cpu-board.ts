/**
 * The CPU board of Figs 5A-5E: an R4700, the GT-64010 (DRAM controller and PCI bridge) and its
 * DRAM, attached to the board's fabric as one endpoint. It carries out Fig 4B's CPU path:
 *   stage 430: an intervened frame crosses the fabric into a CPU buffer in main memory (the
 *              GT-64010's PCI target drains it into DRAM) and raises an interrupt;
 *   stages 435-440: the firmware runs on the CPU (as a CpuJob: its logic once, its cost replayed),
 *              chooses the egress port and rewrites the destination MAC;
 *   stage 445: the frame crosses the fabric again, from main memory to the egress controller; when
 *              the fabric cannot take it yet (the GT-64010's PCI master queue is full) it waits in
 *              memory, holding its CPU buffer, and leaves in order when the fabric has room.
 * Control traffic (docs/hardware.md "Control traffic") has a path of its own: frames of the
 * controllers' control class (the switch's own MAC, multicast) land in a small ring of CPU buffers
 * of their own, so data frames can never leave them without one; their jobs and the timers' are
 * urgent (the CPU runs them before data frames' jobs); and frames the CPU sends for the control
 * plane (probes, ARP answers, gratuitous ARP) leave memory before forwarded data frames waiting
 * for the fabric.
 * The firmware is anything implementing `FrameHandler`; the board does not know what it decides.
 * In isa mode (`cPath`, src/hw/cpu/isa/board-path.ts) each frame job runs the whole C frame job
 * on the instruction-level core, recorded into the job's trace (the driver's part is not recorded
 * from the TypeScript then), and its verdict is checked.
 */
import type { FramePool } from "../net/frame-pool.ts";
import type { Simulator } from "../sim/simulator.ts";
import type { CostTrace } from "./cpu/cost-trace.ts";
import { MAX_PATHS, R4700, type CpuJob, type CpuTiming, type R4700Params } from "./cpu/r4700.ts";
import type { Fabric, FabricTransfer } from "./fabric/fabric.ts";
import { TRANSFERS } from "./fabric/fabric.ts";
import { Gt64010Bridge, type Gt64010BridgeParams } from "./gt64010/bridge.ts";
import { DramController, GT64010_DRAM, type DramParams, type MainMemory, type MemoryPort } from "./gt64010/dram.ts";
import { TlmMemory } from "./gt64010/tlm-memory.ts";
import { PciFabric } from "./fabric/pci-fabric.ts";
import { TlmPciFabric } from "./fabric/tlm-pci-fabric.ts";
import { BufferMemoryArbiter } from "./fabric/buffer-memory-arbiter.ts";
import { PciBus } from "./pci/bus.ts";
import { TlmPciBus } from "./pci/tlm-bus.ts";
import { zeroCounts } from "../sim/stats/reset.ts";
import { IntRing } from "../sim/ring.ts";

/** The instruction-level model's side of a frame job (src/hw/cpu/isa/board-path.ts): runs the C job, recording into the trace, then compares its verdict. */
export interface CPathDecision {
  /** The whole C frame job (interrupt entry to ERET) on frame `h` in the CPU buffer at `bufAddr`, recorded into `trace`. Before the TypeScript decides (it rewrites the frame). */
  job(h: number, ingress: number, nowPs: number, bufAddr: number, trace: CostTrace): void;
  check(h: number, verdict: number): void;
}

/**
 * The driver's part of a frame job before the decision (the CPU board's `FrameJob`, and
 * scripts/op-costs.ts, which must count the same explicit accesses): read the controller's cause
 * register over PCI, then the CPU buffer's header word. The frame's headers are the decision's.
 */
export function recordDriverEntry(trace: CostTrace, buf: number): void {
  trace.uncachedRead(4);
  trace.op("descriptorRead");
  trace.load(buf, 8);
}

/**
 * The driver's part after the decision (`verdict`): counters; for a frame sent on, the bytes the
 * decision rewrote in place (`rewritten` from the frame's start: the decision's stores, recorded
 * here because the firmware's trace has no buffer address) written back, and the hand-back; the
 * buffer returned.
 */
export function recordDriverExit(trace: CostTrace, buf: number, verdict: number, rewritten = 6): void {
  trace.op("countersUpdate");
  if (verdict >= 0) {
    // the rewritten header goes to memory, then the frame is handed to its egress controller
    const n = Math.max(1, rewritten);
    if (rewritten > 0) trace.store(buf + 8, n);
    trace.op("cacheFlush");
    trace.writeback(buf + 8, n);
    trace.op("handBack");
    trace.uncachedWrite(4);
  }
  trace.op("bufferManage");
  trace.uncachedWrite(4);
}

/** Verdicts a firmware returns for a frame: a global egress port (>= 0) or one of these. */
export const Verdict = { Drop: -1, Consumed: -2 } as const;

export interface FrameHandler {
  /** Decides what happens to frame `h` (it may rewrite bytes in place), recording its cost in `trace`. */
  handleFrame(h: number, ingressPort: number, trace: CostTrace): number;
  /** The cause of the last Drop verdict, named in the results (`switch.firmware.<cause>`); without it, `switch.cpu.firmware`. */
  readonly lastDropCause?: string;
  /** Bytes from the frame's start the last decision rewrote in place (default: the destination MAC's 6): the driver's stores and write-backs of them. */
  readonly lastRewrittenBytes?: number;
  /** The path the last frame took (an index into `pathNames`), for the CPU's per-path accounts. */
  readonly lastPath?: number;
  readonly pathNames?: readonly string[];
}

/** The outbox's marker of a message (then its port and bytes) rather than a frame. */
const MESSAGE = -2;

/** Control-plane jobs (timer interrupts) that may wait beside the frame jobs of every CPU buffer. */
export const CONTROL_JOB_SLOTS = 16;

/** The CPU's path number for control-plane jobs (timers: probes, load-balancing rounds). */
export const CONTROL_PATH = MAX_PATHS - 1;

export interface CpuBoardParams {
  cpu: Partial<R4700Params>;
  dram: Partial<DramParams>;
  /** "cycle" (default: DramController, the CPU's stalls event by event) or "tlm" (TlmMemory, the CPU's jobs replayed atomically; docs/hardware.md "Transaction-level memory and CPU job"). */
  timing: CpuTiming;
  bridge: Partial<Gt64010BridgeParams>;
  /** CPU buffers for frames in main memory. Default 256 (assumption: the GT-48002's CPU-buffer ring). */
  cpuBuffers: number;
  /**
   * CPU buffers for control-class frames only (a second ring). Default 16 (assumption: a few probe
   * rounds' answers and ARP requests; the CPU takes them first, so they never stay long).
   */
  controlBuffers: number;
  /**
   * Control-plane policing (as Cisco's CoPP or IOS XR's LPTS policers): control-class frames each
   * port may have taken per second, and in a burst. Past its budget a port's control frame is
   * dropped (`controlPoliced`, the switch's loss on that port), so a port flooding the switch's
   * own MAC or broadcasts cannot take the CPU from data and from the other ports' control frames.
   * Defaults 10,000/s and 16 (assumption: the fastest default probe interval, 100 us, answered
   * from one port, ten times the 1 ms probes of the failover scenarios; a burst the size of the
   * control ring).
   */
  controlRate: number;
  controlBurst: number;
}

/** Where the packet buffers sit in DRAM, in both CPU models: above switchpath.elf's tables (which end below 5.5 MiB, src/hw/cpu/isa/board-path.ts) and below its stack (at the top of 8 MiB). */
export const CPU_BUFFER_BASE = 0x0060_0000;
/** The same (isa mode's name for it). */
export const ISA_PACKET_BASE = CPU_BUFFER_BASE;
/** Where Fig 5D's shared buffer memory sits in the CPU's address space (its packet buffers there). */
export const SHARED_BUFFER_BASE = 0x2000_0000;
export const CPU_BUFFER_BYTES = 2048;

class FrameJob implements CpuJob {
  h = -1;
  /** A control-class frame's job (in a control buffer): urgent. */
  urgent = false;
  /** Its place in the board's job table (the send queue refers to jobs by number). */
  index = 0;
  ingress = 0;
  path = 0;
  verdict: number = Verdict.Drop;
  /** The firmware's cause for a Drop verdict ("" when it names none). */
  dropCause = "";
  constructor(private readonly board: CpuBoard) {}
  /** Isa mode: the C job's record holds the interrupt's entry and exit. */
  get ownsInterrupt(): boolean {
    return this.board.cPath !== undefined;
  }
  execute(trace: CostTrace): void {
    const buf = this.board.bufferAddress(this.h);
    const c = this.board.cPath;
    if (c) {
      // isa mode: the whole frame job runs as C on the instruction-level core (interrupt entry,
      // descriptor, decision, counters, write-back, hand-back, buffer, ERET), its record in the
      // trace; the TypeScript decides the frame too (the reference; its effects happen), its own
      // cost of what the C replaces left out
      c.job(this.h, this.ingress, this.board.now(), buf, trace);
      trace.cPath = true;
    } else {
      recordDriverEntry(trace, buf);
      trace.load(buf + 8, 54);
    }
    this.board.inJob = true;
    this.verdict = this.board.firmware.handleFrame(this.h, this.ingress, trace);
    if (c) {
      trace.cPath = false;
      c.check(this.h, this.verdict);
    }
    this.path = this.board.firmware.lastPath ?? 0;
    this.dropCause = this.verdict === Verdict.Drop ? (this.board.firmware.lastDropCause ?? "") : "";
    this.board.inJob = false;
    if (!c) recordDriverExit(trace, buf, this.verdict, this.board.firmware.lastRewrittenBytes ?? 6);
  }
  complete(): void {
    this.board.jobDone(this);
  }
}

/** Control-plane work (health probes, load-balancing rounds) run as CPU jobs. */
class ControlJob implements CpuJob {
  readonly path = CONTROL_PATH;
  readonly urgent = true;
  task: (trace: CostTrace) => void = () => {};
  constructor(private readonly board: CpuBoard) {}
  execute(trace: CostTrace): void {
    this.board.inJob = true;
    this.task(trace);
    this.board.inJob = false;
  }
  complete(): void {
    this.board.controlDone(this);
  }
}

export class CpuBoard {
  readonly dram: MainMemory;
  /** The timing model it was built with. */
  readonly timing: CpuTiming;
  readonly cpu: R4700;
  readonly bridge: Gt64010Bridge | undefined;
  endpoint = -1;
  firmware: FrameHandler = { handleFrame: () => Verdict.Drop };
  /** Isa mode (`cpu.execution: "isa"`): the C path that decides each frame beside the firmware. */
  cPath: CPathDecision | undefined;
  /** Hands a frame the CPU sends to global port `port` to its controller. Set by the board. */
  toController: (h: number, port: number) => void = () => {};
  /** Fabric endpoint of the controller owning global `port`. Set by the board. */
  endpointOfPort: (port: number) => number = () => 0;
  private fabric!: Fabric;
  private readonly freeJobs: FrameJob[] = [];
  private readonly freeControlJobs: FrameJob[] = [];
  private readonly jobTable: FrameJob[] = [];
  /**
   * Frames waiting in memory for the fabric (stage 445 held back), in order: the control plane's
   * (frames the CPU built, answers to control frames), which leave first, and forwarded data.
   */
  private readonly waitUrgent: SendQueue;
  private readonly waitData: SendQueue;
  /** Frames the CPU built that wait for the fabric (their buffers are not CPU buffers). */
  private waitingOwn = 0;
  private readonly transfers = TRANSFERS;
  private readonly bufferSlot: Int32Array; // pool slot -> CPU buffer index
  private readonly jobOfSlot: (FrameJob | undefined)[]; // pool slot -> its CPU job
  private readonly cpuBuffers: number;
  private readonly controlBuffers: number;
  private nextBuffer = 0;
  private nextControlBuffer = 0;
  readonly counts = { framesIn: 0, forwarded: 0, dropped: 0, consumed: 0, refused: 0, originated: 0, policed: 0 };
  /** Control-plane policing: each port's tokens and when they were last topped up; control frames it dropped per port (running, never reset). */
  private readonly policer = new Map<number, { tokens: number; at: number; dropped: number }>();
  private readonly controlPsPerToken: number;
  private readonly controlBurst: number;
  /** Frames the firmware dropped, by the cause it named, counted as they are freed (Drop verdicts without a cause: `unnamedDrops`). */
  readonly droppedBy = new Map<string, number>();
  unnamedDrops = 0;
  /** True while a job's firmware logic runs: frames it originates wait for the job's end. */
  inJob = false;
  private readonly outbox: number[] = []; // [h, port, h, port, ...]
  private readonly freeControl: ControlJob[] = [];
  controlJobs = 0;
  inFlight = 0;

  constructor(private readonly sim: Simulator, readonly name: string, private readonly pool: FramePool, params: Partial<CpuBoardParams> = {}) {
    const timing = params.timing ?? params.cpu?.timing ?? "cycle";
    this.timing = timing;
    const dram = { ...GT64010_DRAM, ...params.dram };
    this.dram = timing === "tlm" ? new TlmMemory(sim, `${name}.dram`, dram) : new DramController(sim, `${name}.dram`, dram);
    const buffers = params.cpuBuffers ?? 256, control = params.controlBuffers ?? 16;
    // The CPU's pending work is its CPU-buffer ring (a frame job per buffer), and, urgent, its
    // control ring and a few timer interrupts: its queues hold them all.
    this.cpu = new R4700(sim, `${name}.cpu`, this.dram, { jobQueue: buffers, urgentQueue: control + CONTROL_JOB_SLOTS, ...params.cpu, timing });
    for (let i = 0; i < buffers + control; i++) {
      const j = new FrameJob(this);
      j.index = i;
      j.urgent = i >= buffers;
      this.jobTable.push(j);
      (j.urgent ? this.freeControlJobs : this.freeJobs).push(j);
    }
    // frames waiting for the fabric: every CPU buffer's, and as many the CPU built itself
    this.waitData = new SendQueue(2 * buffers);
    this.waitUrgent = new SendQueue(2 * (control + CONTROL_JOB_SLOTS) + 2 * buffers);
    this.bufferSlot = new Int32Array(pool.slots);
    this.jobOfSlot = new Array(pool.slots).fill(undefined);
    this.cpuBuffers = buffers;
    this.controlBuffers = control;
    this.controlPsPerToken = 1e12 / (params.controlRate ?? 10_000);
    this.controlBurst = params.controlBurst ?? 16;
    this.bridgeParams = params.bridge ?? {};
    sim.onResetStats(() => this.resetStats());
  }

  now(): number {
    return this.sim.now;
  }

  /** Restarts the counts (a warm-up's end); the CPU and memories restart their own. */
  resetStats(): void {
    zeroCounts(this.counts);
    this.droppedBy.clear();
    this.unnamedDrops = 0;
    this.controlJobs = 0;
    this.messagesSent = this.messagesRefused = 0;
  }

  private readonly bridgeParams: Partial<Gt64010BridgeParams>;
  private bridgeRef: Gt64010Bridge | undefined;

  /**
   * Attaches the board to its fabric. On PCI the CPU's uncached register accesses go to
   * `registersOf` (a controller's endpoint) through the GT-64010; they get a master queue of their
   * own beside the one that moves frames (one REQ# on real hardware: a small liberty, documented).
   */
  wire(fabric: Fabric, registersOf?: number): void {
    this.fabric = fabric;
    if (fabric instanceof BufferMemoryArbiter) return this.wireSharedBuffer(fabric);
    this.endpoint = fabric.addEndpoint(this.name, (t) => this.arrived(t), () => this.drainWaiting());
    if (fabric instanceof PciFabric || fabric instanceof TlmPciFabric) {
      const b = new Gt64010Bridge(this.sim, `${this.name}.gt64010`, fabric.bus.addMaster(`${this.name}.cpu`, { queueDepth: 8 }), this.packetMemory ?? this.dram, this.bridgeParams);
      b.deviceTarget = fabric.targetOf(registersOf ?? 0);
      b.onAbsorbed = (h) => this.interrupt(h);
      // each burst at its place in the frame's CPU buffer (the DRAM's pages see where it goes)
      fabric.sinkDataAt(this.endpoint, (bytes, h, offset) => b.absorbBurst(bytes, this.frameAddress(h, offset)));
      fabric.sourceDataAt(this.endpoint, (bytes, ready, h, offset) => b.readBurst(bytes, ready, this.frameAddress(h, offset)));
      if (fabric instanceof TlmPciFabric) fabric.sourceTimedAt(this.endpoint, (bytes, burst, h, offset) => b.readBurstsFinish(bytes, burst, this.frameAddress(h, offset)));
      this.cpu.uncached = b;
      this.bridgeRef = b;
    }
  }

  /**
   * Fig 5D (assumption, docs/boards.md "5D"): the board keeps 5C's CPU board, GT-64010 included; the
   * CPU's packet buffers are in the shared buffer memory, so a frame for the CPU is written there
   * once by its controller and stays (the CPU's header loads and the rewritten line's write-back
   * reach it through the arbiter's CPU port), and leaves by its egress controller's read. The
   * GT-64010's PCI interface still reaches the controllers' registers (the GT-48002's host
   * interface is PCI) on a bus of its own that carries nothing else.
   */
  private wireSharedBuffer(bma: BufferMemoryArbiter): void {
    this.endpoint = bma.addEndpoint(this.name, (t) => this.arrived(t), () => this.drainWaiting(), { inMemory: true });
    const port = bma.cpuPort();
    this.cpu.mapMemory(port, SHARED_BUFFER_BASE, this.cpuBuffers * CPU_BUFFER_BYTES);
    this.packetMemory = port;
    this.packetBase = SHARED_BUFFER_BASE;
    const local = this.timing === "tlm" ? new TlmPciBus(this.sim, `${this.name}.pci.local`, {}) : new PciBus(this.sim, `${this.name}.pci.local`, {});
    const b = new Gt64010Bridge(this.sim, `${this.name}.gt64010`, local.addMaster(`${this.name}.cpu`, { queueDepth: 8 }), this.dram, this.bridgeParams);
    b.deviceTarget = local.addTarget("gt48002.registers");
    this.cpu.uncached = b;
    this.localBus = local;
  }

  get gt64010(): Gt64010Bridge | undefined {
    return this.bridgeRef;
  }

  /**
   * A controller hands an intervened frame to the CPU path (Fig 4B stage 430). A refusal is the
   * controller's drop (`cpuRefused`: it frees the frame), not counted here as well.
   */
  fromController(h: number, ingressPort: number, controllerEndpoint: number, control = false): boolean {
    if ((control ? this.freeControlJobs : this.freeJobs).length === 0) return false; // no free CPU buffer: the controller holds the frame
    if (control && !this.admitControl(ingressPort)) {
      // over its port's budget: dropped before it crosses (the controller lets it go)
      this.counts.policed++;
      this.pool.free(h);
      return true;
    }
    this.pool.port[this.pool.slotOf(h)] = ingressPort;
    if (!this.transfers.send(this.fabric, controllerEndpoint, this.endpoint, h, this.pool.length(h))) return false;
    this.takeJob(h, ingressPort, control);
    return true;
  }

  /** Control-plane policing: takes a token of `port`'s bucket, if it has one. */
  private admitControl(port: number): boolean {
    const now = this.sim.now;
    let b = this.policer.get(port);
    if (!b) this.policer.set(port, (b = { tokens: this.controlBurst, at: now, dropped: 0 }));
    b.tokens = Math.min(this.controlBurst, b.tokens + (now - b.at) / this.controlPsPerToken);
    b.at = now;
    if (b.tokens < 1) {
      b.dropped++;
      return false;
    }
    b.tokens -= 1;
    return true;
  }

  /** Control-class frames taken into the control ring and not yet processed (on their way in, or waiting for the CPU). */
  get controlFramesWaiting(): number {
    return this.controlUnprocessed;
  }
  private controlUnprocessed = 0;

  /** Control frames of `port` the policer dropped, since the start (running count). */
  policedOn(port: number): number {
    return this.policer.get(port)?.dropped ?? 0;
  }

  /**
   * Binds a free job (a CPU buffer, of the control ring for control-class frames) to frame `h`: its
   * buffer is chosen now, before the frame crosses (the CPU's START_OF_PACKET names it, §3).
   */
  private takeJob(h: number, ingressPort: number, control = false): void {
    const job = (control ? this.freeControlJobs : this.freeJobs).pop()!;
    // the control ring's buffers follow the data ring's
    this.bufferSlot[this.pool.slotOf(h)] = control ? this.cpuBuffers + (this.nextControlBuffer++ % this.controlBuffers) : this.nextBuffer++ % this.cpuBuffers;
    if (control) this.controlUnprocessed++;
    job.h = h;
    job.ingress = ingressPort;
    this.jobOfSlot[this.pool.slotOf(h)] = job;
    this.inFlight++;
  }


  /** Byte address of the CPU buffer holding frame `h` (for the cost model's loads and stores). */
  bufferAddress(h: number): number {
    return this.packetBase + this.bufferSlot[this.pool.slotOf(h)]! * CPU_BUFFER_BYTES;
  }

  /** Byte address of byte `offset` of frame `h` in its CPU buffer (its data from the buffer's third word, as the job reads it). */
  private frameAddress(h: number, offset: number): number {
    return h < 0 ? this.packetBase : this.bufferAddress(h) + 8 + offset;
  }

  /** Where the CPU's packet buffers are: their base address and the memory holding them (main DRAM by default). */
  private packetBase = CPU_BUFFER_BASE;
  private packetMemory: MemoryPort | undefined;
  /** Fig 5D: the GT-64010's PCI bus, carrying only the CPU's register accesses to the controllers (frames go through the arbiter). */
  localBus: PciBus | TlmPciBus | undefined;

  /** Puts the packet buffers in another memory (Fig 5C's FSRAM) at `base`: frames arriving over PCI are written there. Before `wire`. */
  placePacketBuffers(mem: MemoryPort, base: number): void {
    this.packetMemory = mem;
    this.packetBase = base;
  }

  /** A frame already on the CPU board (from Fig 5E's CPLD) enters the CPU path without crossing the fabric. */
  acceptLocal(h: number, ingressPort: number): boolean {
    if (this.freeJobs.length === 0) {
      this.counts.refused++;
      return false;
    }
    this.takeJob(h, ingressPort); // a data buffer: the CPLD passes on data frames only
    this.counts.framesIn++;
    this.interrupt(h);
    return true;
  }

  private arrived(t: FabricTransfer): void {
    const h = t.frame;
    this.transfers.put(t);
    if (h < 0) return;
    this.counts.framesIn++;
    // the frame is in its CPU buffer in DRAM once the GT-64010's PCI target has drained its bursts
    if (this.bridgeRef) this.bridgeRef.frameInMemory(h);
    else this.interrupt(h);
  }

  /** The frame is in memory: invalidate its lines and raise the interrupt (post the CPU job). */
  private interrupt(h: number): void {
    const buf = this.bufferSlot[this.pool.slotOf(h)]!;
    this.cpu.dcache.invalidate(this.packetBase + buf * CPU_BUFFER_BYTES, CPU_BUFFER_BYTES);
    const slot = this.pool.slotOf(h);
    const job = this.jobOfSlot[slot]!;
    this.jobOfSlot[slot] = undefined;
    if (!this.cpu.post(job)) {
      this.counts.refused++;
      if (job.urgent) this.controlUnprocessed--;
      this.release(job);
      this.pool.free(h);
    }
  }

  /** Runs `task` as a CPU job (timer interrupt): its cost is charged, frames it sends leave at its end. */
  runControl(task: (trace: CostTrace) => void): boolean {
    const j = this.freeControl.pop() ?? new ControlJob(this);
    j.task = task;
    if (!this.cpu.post(j)) {
      this.freeControl.push(j);
      return false;
    }
    return true;
  }

  controlDone(j: ControlJob): void {
    this.controlJobs++;
    this.freeControl.push(j);
    this.flushOutbox();
  }

  private flushOutbox(): void {
    while (this.outbox.length > 0) {
      const hh = this.outbox.shift()!, port = this.outbox.shift()!;
      if (hh === MESSAGE) this.sendMessageNow(port, this.outbox.shift()!);
      else this.sendNow(hh, port, undefined, true);
    }
  }

  /**
   * Sends a message of `bytes` (no frame: a table update) over the fabric to the controller of
   * global `port`; from inside a job it leaves when the job ends. A message the fabric refuses is
   * counted (`messagesRefused`), not retried.
   */
  sendMessage(port: number, bytes: number): void {
    if (this.inJob) this.outbox.push(MESSAGE, port, bytes);
    else this.sendMessageNow(port, bytes);
  }

  private sendMessageNow(port: number, bytes: number): void {
    if (this.transfers.send(this.fabric, this.endpoint, this.endpointOfPort(port), -1, bytes)) this.messagesSent++;
    else this.messagesRefused++;
  }

  messagesSent = 0;
  messagesRefused = 0;

  /**
   * Sends a frame the CPU built (ARP reply, gratuitous ARP, probe) out of global `port`: over the
   * fabric to the port's controller. From inside a job it leaves when the job's last cycle is spent.
   */
  send(h: number, port: number): void {
    this.counts.originated++;
    this.bufferSlot[this.pool.slotOf(h)] = this.cpuBuffers + this.controlBuffers; // the CPU's own frames: a buffer past the rings
    if (this.inJob) this.outbox.push(h, port);
    else this.sendNow(h, port, undefined, true);
  }

  /**
   * Sends `h` out of `port` over the fabric, or queues it in memory until the fabric has room:
   * after any of its kind already waiting, and a data frame after every urgent one too.
   */
  private sendNow(h: number, port: number, job: FrameJob | undefined, urgent: boolean): void {
    this.pool.egressPort[this.pool.slotOf(h)] = port;
    const q = urgent ? this.waitUrgent : this.waitData;
    if (q.size === 0 && (urgent || this.waitUrgent.size === 0) && this.transfers.send(this.fabric, this.endpoint, this.endpointOfPort(port), h, this.pool.length(h))) {
      if (job) this.release(job);
      return;
    }
    if (!q.push(h, port, job ? job.index : -1)) {
      // nowhere to hold it (cannot happen with a job: the queues hold every CPU buffer's frame and as many of the CPU's own)
      this.counts.refused++;
      if (job) this.release(job);
      this.pool.free(h);
      return;
    }
    if (!job) (this.waitingOwn++, this.inFlight++);
  }

  /** The fabric has room again: frames waiting in memory leave, the control plane's first, each kind in order. */
  private drainWaiting(): void {
    if (this.drain(this.waitUrgent)) this.drain(this.waitData);
  }

  /** Sends what `q` holds while the fabric takes it; true when `q` is empty. */
  private drain(q: SendQueue): boolean {
    while (q.size > 0) {
      const h = q.frame.peek(), port = q.port.peek();
      if (!this.transfers.send(this.fabric, this.endpoint, this.endpointOfPort(port), h, this.pool.length(h))) return false;
      q.frame.shift();
      q.port.shift();
      const j = q.job.shift();
      if (j >= 0) this.release(this.jobTable[j]!);
      else (this.waitingOwn--, this.inFlight--);
    }
    return true;
  }

  jobDone(job: FrameJob): void {
    const h = job.h, v = job.verdict;
    if (job.urgent) this.controlUnprocessed--;
    this.flushOutbox();
    if (v >= 0) {
      this.counts.forwarded++;
      this.sendNow(h, v, job, job.urgent); // its CPU buffer is free once the frame has left memory
      return;
    }
    this.release(job);
    if (v === Verdict.Consumed) this.counts.consumed++;
    else {
      this.counts.dropped++;
      const cause = job.dropCause;
      if (cause) this.droppedBy.set(cause, (this.droppedBy.get(cause) ?? 0) + 1);
      else this.unnamedDrops++;
    }
    this.pool.free(h);
  }

  private release(job: FrameJob): void {
    job.h = -1;
    (job.urgent ? this.freeControlJobs : this.freeJobs).push(job);
    this.inFlight--;
    this.onBufferFree();
  }

  /** Called when a CPU buffer frees: controllers holding frames for the CPU path retry. Set by the board. */
  onBufferFree: () => void = () => {};

  /** The CPU's path names: the firmware's, then "control" at CONTROL_PATH. */
  pathNames(): string[] {
    const names = Array.from({ length: MAX_PATHS }, (_, i) => this.firmware.pathNames?.[i] ?? (i === 0 ? "frame" : `path${i}`));
    names[CONTROL_PATH] = "control";
    return names;
  }

  read(now: number) {
    return { counts: { ...this.counts }, cpu: { ...this.cpu.read(now), paths: this.cpu.readPaths(this.pathNames(), this.cPath !== undefined) }, dram: this.dram.read(now), bridge: this.bridgeRef?.stats() };
  }
}

/** Frames waiting in the CPU's memory for the fabric: handle, egress port, and the job (CPU buffer) holding it or -1. */
class SendQueue {
  readonly frame: IntRing;
  readonly port: IntRing;
  readonly job: IntRing;
  constructor(capacity: number) {
    this.frame = new IntRing(capacity);
    this.port = new IntRing(capacity);
    this.job = new IntRing(capacity);
  }
  get size(): number {
    return this.frame.size;
  }
  push(h: number, port: number, job: number): boolean {
    if (this.frame.full) return false;
    this.frame.push(h);
    this.port.push(port);
    this.job.push(job);
    return true;
  }
}
