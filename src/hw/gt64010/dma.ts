/**
 * The GT-64010's DMA channels (docs/hardware.md §2 "DMA engines": 4 channels with chained
 * descriptors; "DMA burst: configurable between 8-32 words"; "DMA byte count: 16-bit, max 64 KB
 * per descriptor"). A channel moves a descriptor's bytes between DRAM and a PCI target in bursts:
 * for each burst, a DRAM access then a PCI transaction (DRAM -> PCI), or the reverse, one burst at
 * a time per channel; channels run concurrently and contend for DRAM and the bus. Descriptors
 * queue per channel (the chain). Nothing in the flow switch's datapath uses DMA (the GalNet
 * controllers master frame transfers); it is here for boards and firmware that do.
 */
import type { SimEvent } from "../../sim/event.ts";
import type { Simulator } from "../../sim/simulator.ts";
import { Ring } from "../../sim/ring.ts";
import type { PciMaster } from "../pci/bus.ts";
import { PciTransaction } from "../pci/transaction.ts";
import { DramController, MemRequest } from "./dram.ts";

export const MAX_DMA_BYTES = 65_535;

export class DmaDescriptor {
  /** True: DRAM -> PCI target; false: PCI target -> DRAM. */
  toPci = true;
  bytes = 0;
  pciTarget = 0;
  done: (d: DmaDescriptor) => void = () => {};
  startedAt = 0;
  doneAt = 0;
}

class Channel {
  readonly chain = new Ring<DmaDescriptor>(16);
  current: DmaDescriptor | undefined;
  left = 0;
  readonly mem: MemRequest;
  readonly txn: PciTransaction;
  bytesMoved = 0;
  retry: SimEvent | undefined;
  constructor(requester: number, onMem: (c: Channel) => void, onPci: (c: Channel) => void) {
    this.mem = new MemRequest(requester, () => onMem(this));
    this.txn = new PciTransaction(() => onPci(this));
  }
}

export class DmaEngine {
  private readonly channels: Channel[] = [];

  /** @param burstBytes bytes per burst: 32 to 128 (8-32 words, §2); default 32. */
  constructor(private readonly sim: Simulator, readonly name: string, private readonly master: PciMaster, private readonly dram: DramController, readonly burstBytes = 32, channels = 4) {
    if (burstBytes < 32 || burstBytes > 128 || burstBytes % 4) throw new RangeError(`${name}: burstBytes must be 8-32 words (32-128 bytes)`);
    const requester = dram.addRequester(`${name}`);
    for (let i = 0; i < channels; i++) {
      const c = new Channel(requester, (x) => this.memDone(x), (x) => this.pciDone(x));
      c.retry = sim.event(`${name}.ch${i}.retry`, () => this.burst(c));
      this.channels.push(c);
    }
  }

  /** Queues a descriptor on channel `ch`; false when its chain is full. */
  start(ch: number, d: DmaDescriptor): boolean {
    if (d.bytes < 1 || d.bytes > MAX_DMA_BYTES) throw new RangeError(`${this.name}: DMA byte count ${d.bytes} outside [1, 65535]`);
    const c = this.channels[ch]!;
    if (!c.chain.push(d)) return false;
    if (!c.current) this.next(c);
    return true;
  }

  private next(c: Channel): void {
    const d = c.chain.shift();
    c.current = d;
    if (!d) return;
    d.startedAt = this.sim.now;
    c.left = d.bytes;
    this.burst(c);
  }

  private burst(c: Channel): void {
    const d = c.current!;
    const n = Math.min(this.burstBytes, c.left);
    if (d.toPci) {
      c.mem.write = false;
      c.mem.bytes = n;
      if (!this.dram.submit(c.mem)) this.sim.schedule(c.retry!, this.dram.clock.edgeAfterCycles(this.sim.now + 1, 1)); // DRAM FIFO full: retry next TClk
    } else this.pci(c, n, "read");
  }

  private pci(c: Channel, n: number, command: "read" | "write"): void {
    c.txn.command = command;
    c.txn.bytes = n;
    c.txn.target = c.current!.pciTarget;
    if (!this.master.trySubmit(c.txn)) throw new Error(`${this.name}: PCI master queue full`);
  }

  private memDone(c: Channel): void {
    const n = c.mem.bytes;
    if (c.current!.toPci) this.pci(c, n, "write");
    else this.advance(c, n);
  }

  private pciDone(c: Channel): void {
    const n = c.txn.bytes;
    if (c.current!.toPci) this.advance(c, n);
    else {
      c.mem.write = true;
      c.mem.bytes = n;
      if (!this.dram.submit(c.mem)) throw new Error(`${this.name}: DRAM queue full`);
    }
  }

  private advance(c: Channel, n: number): void {
    c.left -= n;
    c.bytesMoved += n;
    if (c.left > 0) return this.burst(c);
    const d = c.current!;
    d.doneAt = this.sim.now;
    this.next(c);
    d.done(d);
  }

  read() {
    return this.channels.map((c, i) => ({ channel: i, bytesMoved: c.bytesMoved, queued: c.chain.size }));
  }
}
