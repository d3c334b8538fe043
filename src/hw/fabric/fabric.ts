/**
 * What connects the cards of a board: the external PCI bus (Fig 5A/5E), the on-board PCI bus of
 * the special-purpose network card (5B/5C), the buffer memory arbiter (5D) or the crossbar (5F).
 * A fabric moves a frame from one endpoint (an Ethernet controller, or main memory behind the
 * GT-64010) to another and says when it has arrived. Each implementation models its own timing
 * and utilisation; the GT-48002 and the boards see only this interface.
 */
import type { Probes } from "../../sim/stats/probes.ts";

export interface FabricTransfer {
  /** Source and destination endpoint ids (from `addEndpoint`). */
  src: number;
  dst: number;
  /** Frame handle being moved (owner-defined; the fabric only carries it). */
  frame: number;
  /** Frame length in bytes (without FCS). */
  bytes: number;
  /** Set by the fabric: when the transfer was accepted and when the frame is at `dst`. */
  queuedAt: number;
  doneAt: number;
}

export interface Fabric {
  readonly name: string;
  /** Registers an endpoint; `deliver` is called with each transfer that reaches it. */
  addEndpoint(name: string, deliver: (t: FabricTransfer) => void, onRetry?: () => void): number;
  /** Starts a transfer; false (and nothing changes) when the source's queue is full. */
  transfer(t: FabricTransfer): boolean;
  /** Transfers accepted but not yet delivered. */
  readonly inFlight: number;
  /** Live read-outs for time series: busy time of its buses, ports or memory, and its queues' depths (masters, write and read queues, inputs). */
  probes(): Probes;
  /** Plain-data statistics: utilisation and per-endpoint counts. */
  read(now: number): { utilization: number } & Record<string, unknown>;
}

/**
 * A pool of transfer records, so nothing is allocated per frame. One pool serves every component
 * (`TRANSFERS`): a record is taken by the sender and given back by the receiver, so per-component
 * pools would fill the free lists of net receivers while net senders kept allocating (a leak of
 * about 90 bytes per frame before this was one pool).
 */
export class TransferPool {
  private readonly free: FabricTransfer[] = [];
  allocated = 0;

  get(): FabricTransfer {
    const t = this.free.pop();
    if (t) return t;
    this.allocated++;
    return { src: 0, dst: 0, frame: -1, bytes: 0, queuedAt: 0, doneAt: 0 };
  }

  put(t: FabricTransfer): void {
    this.free.push(t);
  }

  /** Starts a transfer of frame `h` (`bytes` long) from `src` to `dst`; false (nothing kept) when the fabric refuses. */
  send(fabric: Fabric, src: number, dst: number, h: number, bytes: number): boolean {
    const t = this.get();
    t.src = src;
    t.dst = dst;
    t.frame = h;
    t.bytes = bytes;
    if (fabric.transfer(t)) return true;
    this.put(t);
    return false;
  }
}

/** The one transfer pool (records carry no simulation state between uses, so runs may share it). */
export const TRANSFERS = new TransferPool();
