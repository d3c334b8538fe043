/**
 * The GT-64010 as the CPU board's bridge to PCI (docs/hardware.md §2): the R4700's uncached reads and
 * writes of device registers become PCI transactions issued by the GT-64010's PCI master. Reads
 * stall the CPU for the bus round trip plus the bridge's clock-domain synchronisation; writes are
 * posted into a small buffer (§2 "CPU write posting (GT-64111)": 4 address entries) and stall only
 * when it is full. Data other masters write into main memory through the GT-64010's PCI target is
 * drained into DRAM burst by burst as it arrives (`absorbBurst`: the target's FIFO holds a burst,
 * §2 "PCI target FIFOs": dual 64 B ping-pong on the same family's GT-96100A; GalNet bursts are
 * 32 B), where it contends with the CPU's cache-line traffic one burst at a time; a frame is in
 * memory (`frameInMemory`) once every burst written before its END_OF_PACKET is in DRAM. (The four DMA channels of §2 are not modelled: in the flow switch the GalNet
 * controllers master every frame transfer themselves.)
 */
import type { SimEvent } from "../../sim/event.ts";
import { Priority } from "../../sim/priority.ts";
import type { Simulator } from "../../sim/simulator.ts";
import type { UncachedPort } from "../cpu/r4700.ts";
import { PciTransaction, type PciCommand } from "../pci/transaction.ts";
import { MemRequest, type MemoryPort } from "./dram.ts";

export interface Gt64010BridgeParams {
  /** Posted-write entries. Default 4 (§2, GT-64111 sister part). */
  postedWrites: number;
  /** Synchronisation added to an uncached read's round trip, ps. Default 120,000 (4 PCI clocks; §10.5 "PCI read + bridge synchronisation", estimate). */
  readSyncPs: number;
}

export const DEFAULT_BRIDGE: Gt64010BridgeParams = { postedWrites: 4, readSyncPs: 120_000 };

/**
 * The PCI master the bridge issues on: the cycle-level bus's (PciMaster), or the transaction-level
 * bus's (TlmPciMaster), which also answers when a transaction would end from the bus's occupancy
 * and charges one nobody waits for (`--timing tlm`: the CPU's atomic job takes its waits from them).
 */
export interface PciRequester {
  trySubmit(t: PciTransaction): boolean;
  finishTime?(command: PciCommand, target: number, bytes: number, at: number, afterOwn?: boolean): number;
  background?(command: PciCommand, target: number, bytes: number): void;
}

export class Gt64010Bridge implements UncachedPort {
  readonly params: Gt64010BridgeParams;
  /** The PCI target that uncached accesses go to (a controller's registers); set when wiring. */
  deviceTarget = 0;
  /** Called with the tag of each absorbed write once it is in DRAM. */
  onAbsorbed: (tag: number) => void = () => {};
  private readonly readTxn: PciTransaction;
  private readDone: () => void = () => {};
  private readonly postTxns: PciTransaction[] = [];
  private posted = 0;
  private waitingBytes = 0;
  private waitingDone: (() => void) | undefined;
  private readonly syncEv: SimEvent;
  private readonly memFree: MemRequest[] = [];
  private readonly memBacklog: MemRequest[] = [];
  private readonly memRetry: SimEvent;
  private readonly memRequester: number;
  /** Bursts handed to DRAM and written, and the frames waiting for theirs (burst count, frame tag), in order. */
  private burstsIn = 0;
  private burstsDone = 0;
  /** Read requests of bursts going out (their waiting `ready` by request number), and how many were read. */
  private readonly readFree: MemRequest[] = [];
  private readonly readWaiting: ((() => void) | undefined)[] = [];
  burstsOut = 0;
  private readonly waitSeq: number[] = [];
  private readonly waitTag: number[] = [];
  uncachedReads = 0;
  uncachedWrites = 0;
  postStalls = 0;
  absorbedBytes = 0;

  /**
   * @param dram the memory frames written through the PCI target go to: the CPU's packet buffers'
   * memory (main DRAM, or Fig 5C's FSRAM)
   */
  /**
   * Transaction-level mode (a master that answers `finishTime`): when an uncached read issued at
   * `at` has its data at the CPU, its bus time charged. The master's queue is FIFO, so the read's
   * tenure waits for the writes posted before it (`postedUntil`), then for its turn (the bus's
   * occupancy, TlmPciMaster.finishTime: a whole round of the other masters after a write of its
   * own, half a round otherwise), then the synchronisation. (In the cycle model half a
   * posted write is queued ahead of an uncached read on average, on 5A and 5C at load 1.7, each a
   * round of the other masters' tenures.)
   */
  readFinish: ((bytes: number, at: number) => number) | undefined;
  /** Transaction-level mode: a write posted at `at`, its bus time charged; it ends a turn after those posted before it (the post buffer taken to have room). */
  postWrite: ((bytes: number, at: number) => void) | undefined;
  /** Transaction-level mode: when the writes posted so far have left the master's queue (absolute ps). */
  private postedUntil = 0;

  constructor(private readonly sim: Simulator, readonly name: string, private readonly master: PciRequester, private readonly dram: MemoryPort, params: Partial<Gt64010BridgeParams> = {}) {
    this.params = { ...DEFAULT_BRIDGE, ...params };
    if (master.finishTime && master.background) {
      const finish = master.finishTime.bind(master), charge = master.background.bind(master);
      // times from and to the CPU in ps from now (small integers cross calls unboxed); postedUntil absolute, in a field
      this.readFinish = (bytes, at) => {
        this.uncachedReads++;
        const posted = this.postedUntil - this.sim.now, behind = posted > at;
        const done = finish("read", this.deviceTarget, bytes, behind ? posted : at, behind);
        charge("read", this.deviceTarget, bytes);
        return done + this.params.readSyncPs;
      };
      this.postWrite = (bytes, at) => {
        this.uncachedWrites++;
        const posted = this.postedUntil - this.sim.now, behind = posted > at;
        this.postedUntil = this.sim.now + finish("write", this.deviceTarget, bytes, behind ? posted : at, behind);
        charge("write", this.deviceTarget, bytes);
      };
    } else this.readFinish = this.postWrite = undefined;
    this.syncEv = sim.event(`${name}.readSync`, () => this.readDone(), Priority.Deliver);
    this.readTxn = new PciTransaction(() => this.sim.scheduleIn(this.syncEv, this.params.readSyncPs));
    this.readTxn.command = "read";
    for (let i = 0; i < this.params.postedWrites; i++) {
      const t = new PciTransaction(() => this.postDone());
      t.command = "write";
      this.postTxns.push(t);
    }
    this.memRequester = dram.addRequester(`${name}.pciTarget`, () => this.sim.schedule(this.memRetry, this.sim.now));
    this.memRetry = sim.event(`${name}.memRetry`, () => this.drainMem(), Priority.Default);
    sim.onResetStats(() => {
      this.uncachedReads = this.uncachedWrites = this.postStalls = this.absorbedBytes = this.burstsOut = 0;
    });
  }

  /** Uncached read of `bytes` from the device target; `done` when the data is at the CPU. */
  read(bytes: number, done: () => void): void {
    this.uncachedReads++;
    this.readDone = done;
    this.readTxn.target = this.deviceTarget;
    this.readTxn.bytes = bytes;
    if (!this.master.trySubmit(this.readTxn)) throw new Error(`${this.name}: PCI master queue full on an uncached read (queue deeper than the post buffer expected)`);
  }

  /** Posted uncached write: true if posted; false if the post buffer is full (`done` fires once it is taken). */
  write(bytes: number, done: () => void): boolean {
    this.uncachedWrites++;
    if (this.posted === this.params.postedWrites) {
      this.postStalls++;
      this.waitingBytes = bytes;
      this.waitingDone = done;
      return false;
    }
    this.post(bytes);
    return true;
  }

  private post(bytes: number): void {
    const t = this.postTxns[this.posted++]!;
    t.target = this.deviceTarget;
    t.bytes = bytes;
    if (!this.master.trySubmit(t)) throw new Error(`${this.name}: PCI master queue full on a posted write`);
  }

  private postDone(): void {
    this.posted--;
    const done = this.waitingDone;
    if (done) {
      this.waitingDone = undefined;
      this.post(this.waitingBytes);
      done();
    }
  }

  /** A burst of `bytes` that arrived through the PCI target goes into DRAM at `addr` (in arrival order). */
  absorbBurst(bytes: number, addr = 0): void {
    this.absorbedBytes += bytes;
    this.burstsIn++;
    const r = this.memFree.pop() ?? new MemRequest(this.memRequester, (x) => this.absorbed(x));
    r.write = true;
    r.bytes = bytes;
    r.addr = addr;
    if (this.memBacklog.length > 0 || !this.dram.submit(r)) this.memBacklog.push(r);
  }

  /**
   * A DMA channel's read of a burst the CPU board sends (Fig 4B stage 445: a frame leaves CPU
   * memory): `ready` once the bytes are read from memory, then the burst goes out on PCI (§2 DMA:
   * "each burst is a DRAM access then a PCI transaction").
   */
  readBurst(bytes: number, ready: () => void, addr = 0): void {
    this.burstsOut++;
    let r = this.readFree.pop();
    if (!r) {
      r = new MemRequest(this.memRequester, (x) => this.burstRead(x));
      r.tag = this.readWaiting.length;
      this.readWaiting.push(undefined);
    }
    r.write = false;
    r.bytes = bytes;
    r.addr = addr;
    this.readWaiting[r.tag] = ready;
    if (this.memBacklog.length > 0 || !this.dram.submit(r)) this.memBacklog.push(r);
  }

  /**
   * Transaction level (`--timing tlm`, tlm-pci-fabric.ts): reads `bytes` at `addr` in bursts of
   * `burstBytes`, each issued when the one before is read (as `readBurst`'s bursts are, one per
   * tenure), timed from the memory's occupancy (`finishTime`) and charged to it (`occupy`), with no
   * request and no event; returns when the last is read, ps from now, or -1 if the memory has no
   * transaction-level methods (then `readBurst`).
   */
  readBurstsFinish(bytes: number, burstBytes: number, addr: number): number {
    const m = this.dram;
    if (m.finishTime === undefined || m.occupy === undefined) return -1;
    let t = 0;
    for (let off = 0; off < bytes; off += burstBytes) {
      const n = Math.min(burstBytes, bytes - off);
      t = m.finishTime(this.memRequester, addr + off, false, n, t);
      m.occupy(this.memRequester, addr + off, false, n);
      this.burstsOut++;
    }
    return t;
  }

  private burstRead(r: MemRequest): void {
    const ready = this.readWaiting[r.tag]!;
    this.readWaiting[r.tag] = undefined;
    this.readFree.push(r);
    ready();
  }

  /** A frame's END_OF_PACKET arrived: `onAbsorbed(tag)` once every burst written so far is in DRAM. */
  frameInMemory(tag: number): void {
    if (this.burstsDone === this.burstsIn) return this.onAbsorbed(tag);
    this.waitSeq.push(this.burstsIn);
    this.waitTag.push(tag);
  }

  private absorbed(r: MemRequest): void {
    this.memFree.push(r);
    this.burstsDone++;
    while (this.waitSeq.length > 0 && this.waitSeq[0]! <= this.burstsDone) {
      this.waitSeq.shift();
      this.onAbsorbed(this.waitTag.shift()!);
    }
  }

  private drainMem(): void {
    while (this.memBacklog.length > 0 && this.dram.submit(this.memBacklog[0]!)) this.memBacklog.shift();
  }

  stats(): { uncachedReads: number; uncachedWrites: number; postStalls: number; absorbedBytes: number } {
    return { uncachedReads: this.uncachedReads, uncachedWrites: this.uncachedWrites, postStalls: this.postStalls, absorbedBytes: this.absorbedBytes };
  }
}
