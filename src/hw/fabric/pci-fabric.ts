/**
 * Cards joined by a PCI bus, moving frames with the GalNet messaging protocol (docs/hardware.md §3
 * "Inter-card forwarding", "PCI burst size"; §10.2): write-only messages carried in single-dword
 * writes, and packet data in 32-byte (8-dword) bursts:
 *   1. BUFFER_REQUEST   source -> destination (1 dword)
 *   2. START_OF_PACKET  destination -> source (1 dword: the buffer address)
 *   3. PACKET_TRANSFER  source -> destination, ceil(L / 32) bursts of up to 32 bytes
 *   4. END_OF_PACKET    source -> destination (1 dword); the frame is then at the destination.
 * With medium DEVSEL and hidden arbitration that is 3 x 4 + 11 x ceil(L/32) clocks for a frame
 * whose length is a multiple of 32 bytes (64 B: 34 clocks). Each step is queued on the issuing
 * endpoint's PCI master when the previous one completes, so frames interleave on the bus as
 * GalNet messages do. The CPU board (GT-64010) is an endpoint like a card. A message alone (a
 * transfer with no frame of at most one dword: a controller's NEW_ADDRESS) is one single-dword
 * write to its destination, 4 clocks.
 *
 * Interleaving lets a short frame's END_OF_PACKET overtake a long one's, so frames are handed on
 * in order per (source, destination) pair (pair-order.ts).
 */
import type { Simulator } from "../../sim/simulator.ts";
import { PciTransaction } from "../pci/transaction.ts";
import type { PciBus, PciMaster, PciMasterParams, PciTargetParams } from "../pci/bus.ts";
import type { Fabric, FabricTransfer } from "./fabric.ts";
import { PairOrder } from "./pair-order.ts";
import type { Probes } from "../../sim/stats/probes.ts";

export const GALNET_MESSAGE_BYTES = 4;
export const GALNET_BURST_BYTES = 32;

const STEP_BUFFER_REQUEST = 0, STEP_START_OF_PACKET = 1, STEP_DATA = 2, STEP_END_OF_PACKET = 3;

/** The PCI transactions a GalNet frame transfer of `len` bytes needs: [issuer, bytes][] (issuer 0 = source, 1 = destination). */
export function galnetTransactions(len: number): [0 | 1, number][] {
  const out: [0 | 1, number][] = [[0, GALNET_MESSAGE_BYTES], [1, GALNET_MESSAGE_BYTES]];
  for (let left = len; left > 0; left -= GALNET_BURST_BYTES) out.push([0, Math.min(GALNET_BURST_BYTES, left)]);
  out.push([0, GALNET_MESSAGE_BYTES]);
  return out;
}

interface Endpoint {
  name: string;
  master: PciMaster;
  target: number;
  deliver: (t: FabricTransfer) => void;
  onRetry: () => void;
  backlog: Xfer[];
  transfers: number;
  /** Called with each data burst's bytes, frame and offset in it as it lands at this endpoint (a memory behind a PCI target), if set. */
  dataSink: ((bytes: number, frame: number, offset: number) => void) | undefined;
  /** If set, each data burst this endpoint sends is first fetched (`ready` when the bytes are in hand): a DMA engine reading memory. */
  dataSource: ((bytes: number, ready: () => void, frame: number, offset: number) => void) | undefined;
}

class Xfer {
  t!: FabricTransfer;
  step = 0;
  /** Order among transfers from the same source to the same destination. */
  seq = 0;
  left = 0;
  readonly txn: PciTransaction;
  /** Queues this step's transaction once its data is fetched (made once per record: nothing allocated per burst). */
  readonly ready: () => void;
  constructor(done: (x: Xfer) => void, submit: (x: Xfer) => void) {
    this.txn = new PciTransaction(() => done(this));
    this.ready = () => submit(this);
  }
}

export class PciFabric implements Fabric {
  private readonly eps: Endpoint[] = [];
  private readonly free: Xfer[] = [];
  private readonly onStepDone = (x: Xfer) => this.stepDone(x);
  private readonly onSubmit = (x: Xfer) => this.submit(x);
  inFlight = 0;
  /** Frame order per (source, destination) pair. */
  private readonly order = new PairOrder<Xfer>();
  private readonly onDeliver = (x: Xfer) => this.deliver(x);

  constructor(private readonly sim: Simulator, readonly name: string, readonly bus: PciBus) {}

  addEndpoint(name: string, deliver: (t: FabricTransfer) => void, onRetry: () => void = () => {}, target: Partial<PciTargetParams> = {}, master: Partial<PciMasterParams> = {}): number {
    const m = this.bus.addMaster(name, master);
    const ep: Endpoint = { name, master: m, target: this.bus.addTarget(name, { devsel: "medium", ...target }), deliver, onRetry, backlog: [], transfers: 0, dataSink: undefined, dataSource: undefined };
    const i = this.eps.length;
    this.eps.push(ep);
    this.order.resize(this.eps.length);
    m.onRetry = () => this.drain(i);
    m.backlogged = () => ep.backlog.length > 0;
    return i;
  }

  /** Has each data burst that lands at `endpoint` reported to `sink` as it completes (the GT-64010 writes it into DRAM). */
  sinkDataAt(endpoint: number, sink: (bytes: number, frame: number, offset: number) => void): void {
    this.eps[endpoint]!.dataSink = sink;
  }

  /** Has each data burst that `endpoint` sends fetched by `source` first (the GT-64010's DMA reading DRAM, then writing PCI). */
  sourceDataAt(endpoint: number, source: (bytes: number, ready: () => void, frame: number, offset: number) => void): void {
    this.eps[endpoint]!.dataSource = source;
  }

  /** The endpoint's PCI master (the board wires the CPU's uncached accesses through the GT-64010's). */
  masterOf(endpoint: number): PciMaster {
    return this.eps[endpoint]!.master;
  }

  targetOf(endpoint: number): number {
    return this.eps[endpoint]!.target;
  }

  transfer(t: FabricTransfer): boolean {
    this.bus.settle(); // queue and backlog as of now
    const src = this.eps[t.src], dst = this.eps[t.dst];
    if (!src || !dst) throw new RangeError(`${this.name}: no endpoint ${src ? t.dst : t.src}`);
    if (src.master.queue.full || src.backlog.length > 0) return false;
    const x = this.free.pop() ?? new Xfer(this.onStepDone, this.onSubmit);
    x.t = t;
    this.order.issue(x, t.src, t.dst);
    // a message alone (no frame, one dword: NEW_ADDRESS) is one single-dword write to its destination (§10.1)
    const single = t.frame < 0 && t.bytes <= GALNET_MESSAGE_BYTES;
    x.step = single ? STEP_END_OF_PACKET : STEP_BUFFER_REQUEST;
    x.left = single ? 0 : t.bytes;
    t.queuedAt = this.sim.now;
    this.inFlight++;
    this.issue(x);
    return true;
  }

  private issue(x: Xfer): void {
    const t = x.t;
    const fromDst = x.step === STEP_START_OF_PACKET;
    const txn = x.txn;
    txn.command = "write";
    txn.target = this.eps[fromDst ? t.src : t.dst]!.target;
    txn.bytes = x.step === STEP_DATA ? Math.min(GALNET_BURST_BYTES, x.left) : GALNET_MESSAGE_BYTES;
    const src = this.eps[t.src]!;
    // its completion queues the next burst or END_OF_PACKET on the same master, unless the destination
    // takes each burst as it lands or the source must fetch the next one first (memory sees it at its time)
    txn.deferrable = x.step === STEP_DATA && this.eps[t.dst]!.dataSink === undefined && src.dataSource === undefined;
    if (x.step === STEP_DATA && src.dataSource) src.dataSource(txn.bytes, x.ready, t.frame, t.bytes - x.left);
    else this.submit(x);
  }

  /** Queues a step's transaction on its issuer's master (after any held back). */
  private submit(x: Xfer): void {
    const ep = this.eps[x.step === STEP_START_OF_PACKET ? x.t.dst : x.t.src]!;
    if (ep.backlog.length > 0 || !ep.master.trySubmit(x.txn)) ep.backlog.push(x);
  }

  private drain(i: number): void {
    const ep = this.eps[i]!;
    while (ep.backlog.length > 0 && !ep.master.queue.full) ep.master.trySubmit(ep.backlog.shift()!.txn);
    if (ep.backlog.length === 0) ep.onRetry();
  }

  private stepDone(x: Xfer): void {
    switch (x.step) {
      case STEP_BUFFER_REQUEST:
        x.step = STEP_START_OF_PACKET;
        break;
      case STEP_START_OF_PACKET:
        x.step = x.left > 0 ? STEP_DATA : STEP_END_OF_PACKET;
        break;
      case STEP_DATA: {
        const bytes = Math.min(GALNET_BURST_BYTES, x.left);
        this.eps[x.t.dst]!.dataSink?.(bytes, x.t.frame, x.t.bytes - x.left);
        x.left -= bytes;
        if (x.left === 0) x.step = STEP_END_OF_PACKET;
        break;
      }
      case STEP_END_OF_PACKET:
        this.order.complete(x, x.t.src, x.t.dst, this.onDeliver);
        return;
    }
    this.issue(x);
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

/** What both PCI fabrics (cycle- and transaction-level) keep per endpoint for delivery and statistics. */
export interface DeliveringEndpoint {
  name: string;
  transfers: number;
  deliver: (t: FabricTransfer) => void;
}

/** Hands a transfer that has arrived to its destination endpoint at `now`. */
export function handOn(t: FabricTransfer, dst: DeliveringEndpoint, now: number): void {
  t.doneAt = now;
  dst.transfers++;
  dst.deliver(t);
}

/** A PCI fabric's statistics: its bus's, the transfers in flight and held for order, frames in per endpoint. */
export function fabricReading<B extends object>(bus: B, eps: readonly DeliveringEndpoint[], inFlight: number, heldForOrder: number) {
  const endpoints: Record<string, { framesIn: number }> = {};
  for (const e of eps) endpoints[e.name] = { framesIn: e.transfers };
  return { ...bus, inFlight, heldForOrder, endpoints };
}
