/**
 * The CPU board of Figs 5A-5E: an R4700, the GT-64010 (DRAM controller and PCI bridge) and its
 * DRAM, attached to the board's fabric as one endpoint. It carries out Fig 4B's CPU path:
 *   stage 430: an intervened frame crosses the fabric into a CPU buffer in main memory (the
 *              GT-64010's PCI target drains it into DRAM) and raises an interrupt;
 *   stages 435-440: the firmware runs on the CPU (as a CpuJob: its logic once, its cost replayed),
 *              chooses the egress port and rewrites the destination MAC;
 *   stage 445: the frame crosses the fabric again, from main memory to the egress controller.
 * The firmware is anything implementing `FrameHandler`; the board does not know what it decides.
 */
import type { FramePool } from "../net/frame-pool.ts";
import type { Simulator } from "../sim/simulator.ts";
import type { CostTrace } from "./cpu/cost-trace.ts";
import { R4700, type CpuJob, type R4700Params } from "./cpu/r4700.ts";
import type { Fabric, FabricTransfer } from "./fabric/fabric.ts";
import { TRANSFERS } from "./fabric/fabric.ts";
import { Gt64010Bridge, type Gt64010BridgeParams } from "./gt64010/bridge.ts";
import { DramController, type DramParams } from "./gt64010/dram.ts";
import { PciFabric } from "./fabric/pci-fabric.ts";

/** Verdicts a firmware returns for a frame: a global egress port (>= 0) or one of these. */
export const Verdict = { Drop: -1, Consumed: -2 } as const;

export interface FrameHandler {
  /** Decides what happens to frame `h` (it may rewrite bytes in place), recording its cost in `trace`. */
  handleFrame(h: number, ingressPort: number, trace: CostTrace): number;
  /** The cause of the last Drop verdict, named in the results (`switch.firmware.<cause>`); without it, `switch.cpu.firmware`. */
  readonly lastDropCause?: string;
}

export interface CpuBoardParams {
  cpu: Partial<R4700Params>;
  dram: Partial<DramParams>;
  bridge: Partial<Gt64010BridgeParams>;
  /** CPU buffers for frames in main memory. Default 256 (assumption: the GT-48002's CPU-buffer ring). */
  cpuBuffers: number;
}

export const CPU_BUFFER_BASE = 0x0010_0000;
export const CPU_BUFFER_BYTES = 2048;

class FrameJob implements CpuJob {
  h = -1;
  ingress = 0;
  verdict: number = Verdict.Drop;
  /** The firmware's cause for a Drop verdict ("" when it names none). */
  dropCause = "";
  constructor(private readonly board: CpuBoard) {}
  execute(trace: CostTrace): void {
    const buf = this.board.bufferAddress(this.h);
    // the driver: read the controller's cause register, the CPU-buffer header and the frame's headers
    trace.uncachedRead(4);
    trace.op("descriptorRead");
    trace.load(buf, 8);
    trace.load(buf + 8, 54);
    this.board.inJob = true;
    this.verdict = this.board.firmware.handleFrame(this.h, this.ingress, trace);
    this.dropCause = this.verdict === Verdict.Drop ? (this.board.firmware.lastDropCause ?? "") : "";
    this.board.inJob = false;
    trace.op("countersUpdate");
    if (this.verdict >= 0) {
      // the rewritten header goes to memory, then the frame is handed to its egress controller
      trace.op("cacheFlush");
      trace.writeback(buf + 8, 6);
      trace.op("handBack");
      trace.uncachedWrite(4);
    }
    trace.op("bufferManage");
    trace.uncachedWrite(4);
  }
  complete(): void {
    this.board.jobDone(this);
  }
}

/** Control-plane work (health probes, load-balancing rounds) run as CPU jobs. */
class ControlJob implements CpuJob {
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
  readonly dram: DramController;
  readonly cpu: R4700;
  readonly bridge: Gt64010Bridge | undefined;
  endpoint = -1;
  firmware: FrameHandler = { handleFrame: () => Verdict.Drop };
  /** Hands a frame the CPU sends to global port `port` to its controller. Set by the board. */
  toController: (h: number, port: number) => void = () => {};
  /** Fabric endpoint of the controller owning global `port`. Set by the board. */
  endpointOfPort: (port: number) => number = () => 0;
  private fabric!: Fabric;
  private readonly freeJobs: FrameJob[] = [];
  private readonly transfers = TRANSFERS;
  private readonly bufferSlot: Int32Array; // pool slot -> CPU buffer index
  private readonly jobOfSlot: (FrameJob | undefined)[]; // pool slot -> its CPU job
  private readonly cpuBuffers: number;
  private nextBuffer = 0;
  readonly counts = { framesIn: 0, forwarded: 0, dropped: 0, consumed: 0, refused: 0, originated: 0 };
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
    this.dram = new DramController(sim, `${name}.dram`, params.dram ?? {});
    this.cpu = new R4700(sim, `${name}.cpu`, this.dram, params.cpu ?? {});
    const buffers = params.cpuBuffers ?? 256;
    for (let i = 0; i < buffers; i++) this.freeJobs.push(new FrameJob(this));
    this.bufferSlot = new Int32Array(pool.slots);
    this.jobOfSlot = new Array(pool.slots).fill(undefined);
    this.cpuBuffers = buffers;
    this.bridgeParams = params.bridge ?? {};
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
    this.endpoint = fabric.addEndpoint(this.name, (t) => this.arrived(t));
    if (fabric instanceof PciFabric) {
      const b = new Gt64010Bridge(this.sim, `${this.name}.gt64010`, fabric.bus.addMaster(`${this.name}.cpu`, { queueDepth: 8 }), this.dram, this.bridgeParams);
      b.deviceTarget = fabric.targetOf(registersOf ?? 0);
      b.onAbsorbed = (h) => this.interrupt(h);
      this.cpu.uncached = b;
      this.bridgeRef = b;
    }
  }

  get gt64010(): Gt64010Bridge | undefined {
    return this.bridgeRef;
  }

  /**
   * A controller hands an intervened frame to the CPU path (Fig 4B stage 430). A refusal is the
   * controller's drop (`cpuRefused`: it frees the frame), not counted here as well.
   */
  fromController(h: number, ingressPort: number, controllerEndpoint: number): boolean {
    if (this.freeJobs.length === 0) return false; // no free CPU buffer: the controller drops the frame
    this.pool.port[this.pool.slotOf(h)] = ingressPort;
    if (!this.transfers.send(this.fabric, controllerEndpoint, this.endpoint, h, this.pool.length(h))) return false;
    this.takeJob(h, ingressPort);
    return true;
  }

  /** Binds a free job (a CPU buffer) to frame `h`. */
  private takeJob(h: number, ingressPort: number): void {
    const job = this.freeJobs.pop()!;
    job.h = h;
    job.ingress = ingressPort;
    this.jobOfSlot[this.pool.slotOf(h)] = job;
    this.inFlight++;
  }


  /** Byte address of the CPU buffer holding frame `h` (for the cost model's loads and stores). */
  bufferAddress(h: number): number {
    return CPU_BUFFER_BASE + this.bufferSlot[this.pool.slotOf(h)]! * CPU_BUFFER_BYTES;
  }

  /** A frame already on the CPU board (from Fig 5E's CPLD) enters the CPU path without crossing the fabric. */
  acceptLocal(h: number, ingressPort: number): boolean {
    if (this.freeJobs.length === 0) {
      this.counts.refused++;
      return false;
    }
    this.takeJob(h, ingressPort);
    this.bufferSlot[this.pool.slotOf(h)] = this.nextBuffer++ % this.cpuBuffers;
    this.counts.framesIn++;
    this.interrupt(h);
    return true;
  }

  private arrived(t: FabricTransfer): void {
    const h = t.frame;
    this.transfers.put(t);
    if (h < 0) return;
    this.counts.framesIn++;
    // the frame lands in a CPU buffer in DRAM (posted through the GT-64010's PCI target)
    const buf = this.nextBuffer++ % this.cpuBuffers;
    this.bufferSlot[this.pool.slotOf(h)] = buf;
    if (this.bridgeRef) this.bridgeRef.absorbWrite(this.pool.length(h), h);
    else this.interrupt(h);
  }

  /** The frame is in memory: invalidate its lines and raise the interrupt (post the CPU job). */
  private interrupt(h: number): void {
    const buf = this.bufferSlot[this.pool.slotOf(h)]!;
    this.cpu.dcache.invalidate(CPU_BUFFER_BASE + buf * CPU_BUFFER_BYTES, CPU_BUFFER_BYTES);
    const slot = this.pool.slotOf(h);
    const job = this.jobOfSlot[slot]!;
    this.jobOfSlot[slot] = undefined;
    if (!this.cpu.post(job)) {
      this.counts.refused++;
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
      this.sendNow(hh, port);
    }
  }

  /**
   * Sends a frame the CPU built (ARP reply, gratuitous ARP, probe) out of global `port`: over the
   * fabric to the port's controller. From inside a job it leaves when the job's last cycle is spent.
   */
  send(h: number, port: number): void {
    this.counts.originated++;
    if (this.inJob) this.outbox.push(h, port);
    else this.sendNow(h, port);
  }

  private sendNow(h: number, port: number): void {
    this.pool.egressPort[this.pool.slotOf(h)] = port;
    if (!this.transfers.send(this.fabric, this.endpoint, this.endpointOfPort(port), h, this.pool.length(h))) {
      this.counts.refused++;
      this.pool.free(h);
    }
  }

  jobDone(job: FrameJob): void {
    const h = job.h, v = job.verdict;
    this.release(job);
    this.flushOutbox();
    if (v >= 0) {
      this.counts.forwarded++;
      this.sendNow(h, v);
      return;
    }
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
    this.freeJobs.push(job);
    this.inFlight--;
  }

  read(now: number) {
    return { counts: { ...this.counts }, cpu: this.cpu.read(now), dram: this.dram.read(now), bridge: this.bridgeRef?.stats() };
  }
}
