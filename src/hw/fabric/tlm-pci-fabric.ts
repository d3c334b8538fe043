/**
 * Cards joined by a PCI bus at the transaction level (`--timing tlm`; issue 18 part 3): the GalNet
 * frame transfer of pci-fabric.ts (BUFFER_REQUEST, START_OF_PACKET, ceil(L / 32) data bursts,
 * END_OF_PACKET; docs/hardware.md §3 "Inter-card forwarding", §10.2) is ONE job on a
 * processor-sharing bus (tlm-bus.ts) whose demand is the clocks of all its tenures as the
 * cycle-level bus would time them, charged to the source's master (the cycle-level model's
 * START_OF_PACKET is the destination's tenure: a 4-clock message, here in the source's share). So
 * an idle bus moves a frame in the cycle-level time, and frames interleave as round-robin
 * arbitration of their bursts interleaves them, approximated as equal sharing between masters.
 *
 * Memory behind an endpoint (the CPU board's GT-64010): a frame sent to it is written into its
 * memory as one access of all but its last burst when the transfer starts (the bursts stream in
 * while the bus moves them) and one of the last burst when it ends, then END_OF_PACKET is
 * delivered. A frame it sends is read before its bus job starts, burst by burst, each burst read
 * when the one before is (`sourceTimedAt`: the reads timed from the memory's occupancy and charged
 * to it, one event when the last is read): the cycle-level source reads each burst and only then
 * puts it on the bus, its next read after that tenure (the GT-64010, §2: "each burst is a DRAM
 * access then a PCI transaction"; pci-fabric.ts), so a transfer out of memory takes the reads' time
 * plus the bus's. Reading it as one access while the bus job ran (before 2026-12-03) took the
 * longer of the two: on 5A inbound-heavy at load 0.857 a frame handed back by the CPU reached its
 * output controller in 8.74 us against cycle timing's 12.69. A memory without transaction-level
 * methods (`sourceDataAt` only) reads the first burst, then the bus job starts and the rest is read
 * meanwhile, the transfer ending when both are done.
 *
 * A source takes at most its master's `queueDepth` transfers at once (the cycle-level master
 * queues one transaction per transfer in flight); past it `transfer` refuses and the endpoint's
 * `onRetry` fires when one ends. Frames are handed on in order per pair (pair-order.ts).
 */
import type { SimEvent } from "../../sim/event.ts";
import { Priority } from "../../sim/priority.ts";
import type { Simulator } from "../../sim/simulator.ts";
import { PsJob } from "../../sim/ps-server.ts";
import type { Probes } from "../../sim/stats/probes.ts";
import type { PciMasterParams, PciTargetParams } from "../pci/bus.ts";
import type { TlmPciBus, TlmPciMaster } from "../pci/tlm-bus.ts";
import type { Fabric, FabricTransfer } from "./fabric.ts";
import { PairOrder } from "./pair-order.ts";
import { fabricReading, GALNET_BURST_BYTES, GALNET_MESSAGE_BYTES, handOn } from "./pci-fabric.ts";

interface Endpoint {
  name: string;
  master: TlmPciMaster;
  target: number;
  deliver: (t: FabricTransfer) => void;
  onRetry: () => void;
  transfers: number;
  /** A transfer was refused since the last end: `onRetry` when one ends. */
  blocked: boolean;
  dataSink: ((bytes: number, frame: number, offset: number) => void) | undefined;
  dataSource: ((bytes: number, ready: () => void, frame: number, offset: number) => void) | undefined;
  /** Reads a frame's bytes burst by burst without events; when the last is read, ps from now (-1: not timed, use dataSource). */
  dataTimed: ((bytes: number, burstBytes: number, frame: number, offset: number) => number) | undefined;
  /** Bus clocks (tenure, and its data phases) of a GalNet message and of a full burst written to this endpoint (fixed by its target's parameters). */
  msgClocks: number;
  msgData: number;
  burstClocks: number;
  burstData: number;
}

class Xfer {
  t!: FabricTransfer;
  seq = 0;
  /** What the transfer still waits for: the bus job, and the source memory's read of the rest. */
  waits = 0;
  clocks = 0;
  tenures = 0;
  dataClocks = 0;
  /** Its frame was read by timed reads (no rest to read once the bus job starts). */
  timedRead = false;
  readonly job: PsJob;
  /** The first burst is read: the bus job starts (and the rest is read meanwhile). */
  readonly firstRead: () => void;
  /** The rest of the frame is read from the source memory. */
  readonly restRead: () => void;
  /** The frame is read (timed reads): the bus job starts. */
  readonly read: SimEvent;
  constructor(sim: Simulator, name: string, jobDone: (x: Xfer) => void, firstRead: (x: Xfer) => void, partDone: (x: Xfer) => void) {
    this.job = new PsJob(() => jobDone(this));
    this.firstRead = () => firstRead(this);
    this.restRead = () => partDone(this);
    this.read = sim.event(`${name}.read`, this.firstRead, Priority.Deliver);
  }
}

export class TlmPciFabric implements Fabric {
  private readonly eps: Endpoint[] = [];
  private readonly free: Xfer[] = [];
  private readonly onJobDone = (x: Xfer) => this.jobDone(x);
  private readonly onFirstRead = (x: Xfer) => this.startJob(x);
  private readonly onPartDone = (x: Xfer) => this.partDone(x);
  private readonly order = new PairOrder<Xfer>();
  private readonly onDeliver = (x: Xfer) => this.deliver(x);
  inFlight = 0;

  constructor(private readonly sim: Simulator, readonly name: string, readonly bus: TlmPciBus) {}

  addEndpoint(name: string, deliver: (t: FabricTransfer) => void, onRetry: () => void = () => {}, target: Partial<PciTargetParams> = {}, master: Partial<PciMasterParams> = {}): number {
    const m = this.bus.addMaster(name, master), bus = this.bus, tg = bus.addTarget(name, { devsel: "medium", ...target }), w = "write" as const;
    this.eps.push({
      name, master: m, target: tg, deliver, onRetry, transfers: 0, blocked: false, dataSink: undefined, dataSource: undefined, dataTimed: undefined,
      msgClocks: bus.tenureClocks(w, tg, GALNET_MESSAGE_BYTES), msgData: bus.dataPhases(tg, GALNET_MESSAGE_BYTES),
      burstClocks: bus.tenureClocks(w, tg, GALNET_BURST_BYTES), burstData: bus.dataPhases(tg, GALNET_BURST_BYTES),
    });
    this.order.resize(this.eps.length);
    return this.eps.length - 1;
  }

  sinkDataAt(endpoint: number, sink: (bytes: number, frame: number, offset: number) => void): void {
    this.eps[endpoint]!.dataSink = sink;
  }

  sourceDataAt(endpoint: number, source: (bytes: number, ready: () => void, frame: number, offset: number) => void): void {
    this.eps[endpoint]!.dataSource = source;
  }

  /** Has frames sent from `endpoint` read burst by burst without events (the GT-64010's `readBurstsFinish`); `source` returns -1 to fall back to `sourceDataAt`'s. */
  sourceTimedAt(endpoint: number, source: (bytes: number, burstBytes: number, frame: number, offset: number) => number): void {
    this.eps[endpoint]!.dataTimed = source;
  }

  targetOf(endpoint: number): number {
    return this.eps[endpoint]!.target;
  }

  transfer(t: FabricTransfer): boolean {
    const src = this.eps[t.src], dst = this.eps[t.dst];
    if (!src || !dst) throw new RangeError(`${this.name}: no endpoint ${src ? t.dst : t.src}`);
    if (src.master.full) {
      src.master.refused++;
      src.blocked = true;
      return false;
    }
    const x = this.free.pop() ?? new Xfer(this.sim, this.name, this.onJobDone, this.onFirstRead, this.onPartDone);
    x.t = t;
    this.order.issue(x, t.src, t.dst);
    t.queuedAt = this.sim.now;
    this.inFlight++;
    src.master.active++; // held from now (a read from memory may come first), released when the transfer ends
    const bus = this.bus, w = "write" as const;
    if (t.frame < 0 && t.bytes <= GALNET_MESSAGE_BYTES) {
      // a message alone (NEW_ADDRESS): one single-dword write to its destination (§10.1)
      x.clocks = dst.msgClocks;
      x.tenures = 1;
      x.dataClocks = dst.msgData;
    } else {
      const full = Math.floor(t.bytes / GALNET_BURST_BYTES), rest = t.bytes - full * GALNET_BURST_BYTES;
      x.clocks = 2 * dst.msgClocks + src.msgClocks + full * dst.burstClocks + (rest > 0 ? bus.tenureClocks(w, dst.target, rest) : 0);
      x.tenures = 3 + full + (rest > 0 ? 1 : 0);
      x.dataClocks = 2 * dst.msgData + src.msgData + full * dst.burstData + (rest > 0 ? bus.dataPhases(dst.target, rest) : 0);
    }
    x.waits = 1;
    x.timedRead = false;
    const readPs = src.dataTimed !== undefined && t.bytes > 0 && t.frame >= 0 ? src.dataTimed(t.bytes, GALNET_BURST_BYTES, t.frame, 0) : -1;
    if (readPs >= 0) {
      x.timedRead = true;
      this.sim.scheduleIn(x.read, readPs);
    } else if (src.dataSource && t.bytes > 0 && t.frame >= 0) {
      // a DMA engine reads the first burst, then the bus job starts and the rest is read meanwhile
      src.dataSource(Math.min(GALNET_BURST_BYTES, t.bytes), x.firstRead, t.frame, 0);
    } else this.startJob(x);
    return true;
  }

  private startJob(x: Xfer): void {
    const t = x.t, src = this.eps[t.src]!, dst = this.eps[t.dst]!;
    const first = Math.min(GALNET_BURST_BYTES, t.bytes);
    if (!x.timedRead && src.dataSource && t.frame >= 0 && t.bytes > first) {
      x.waits++;
      src.dataSource(t.bytes - first, x.restRead, t.frame, first);
    }
    // the bursts stream into the destination's memory while the bus moves them: all but the last now
    if (dst.dataSink && t.frame >= 0 && t.bytes > GALNET_BURST_BYTES) dst.dataSink(t.bytes - this.lastBurst(t.bytes), t.frame, 0);
    src.master.active--; // start() counts it again
    src.master.start(x.job, x.clocks, t.bytes, x.tenures, x.dataClocks);
  }

  private lastBurst(bytes: number): number {
    const r = bytes % GALNET_BURST_BYTES;
    return r === 0 ? GALNET_BURST_BYTES : r;
  }

  private jobDone(x: Xfer): void {
    this.eps[x.t.src]!.master.ended(x.job);
    this.partDone(x);
  }

  private partDone(x: Xfer): void {
    if (--x.waits > 0) return;
    const t = x.t, src = this.eps[t.src]!, dst = this.eps[t.dst]!;
    if (dst.dataSink && t.frame >= 0 && t.bytes > 0) {
      const last = Math.min(t.bytes, this.lastBurst(t.bytes));
      dst.dataSink(last, t.frame, t.bytes - last);
    }
    this.order.complete(x, t.src, t.dst, this.onDeliver);
    if (src.blocked && !src.master.full) {
      src.blocked = false;
      src.onRetry();
    }
  }

  private deliver(x: Xfer): void {
    this.free.push(x);
    this.inFlight--;
    handOn(x.t, this.eps[x.t.dst]!, this.sim.now);
  }

  probes(): Probes {
    return this.bus.probes();
  }

  read(now: number) {
    return fabricReading(this.bus.read(now), this.eps, this.inFlight, this.order.heldForOrder);
  }
}
