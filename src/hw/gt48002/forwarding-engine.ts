/**
 * The GT-48002's forwarding decision as the part makes it (docs/hardware.md "GT-48002", item 10):
 * the address table lives in the device's own buffer memory (§3 "Address table": "8K unicast MACs
 * per device, in local DRAM"), so each decision reads it there. One engine per device serves
 * received frames one at a time, in order: the source address's entry is read (learning and
 * aging), then the destination's, each an `entryBytes` access through the buffer memory (where it
 * waits behind the frames being written and read), then `fixedClocks` of hashing and comparing;
 * then `decide(h)`. A new source address is written back (`writeEntry`, by the controller). So the
 * decision has the throughput of one engine and puts its table traffic on the buffer memory, where
 * before it was a fixed delay line with no memory traffic and no limit on frames in it.
 *
 * At the transaction level (`tlm`, issue 18 part 3) the two table reads are one request of both
 * accesses' time (MemRequest.accesses): one memory event a decision instead of two. A frame the
 * memory takes between them in cycle timing (FCFS) waits for both here; the work is the same.
 *
 * Counters: decisions, engine utilisation (busy from a frame's first table read to its decision),
 * queue high water, table reads and writes.
 */
import type { ClockDomain } from "../../sim/clock.ts";
import type { SimEvent } from "../../sim/event.ts";
import { Priority } from "../../sim/priority.ts";
import { IntRing } from "../../sim/ring.ts";
import type { Simulator } from "../../sim/simulator.ts";
import { Utilization } from "../../sim/stats/time-weighted.ts";
import { MemRequest, type DramController } from "../gt64010/dram.ts";

/** Address-table accesses per forwarding decision: the source's entry, then the destination's. */
export const TABLE_READS_PER_DECISION = 2;

export class ForwardingEngine {
  private readonly queue: IntRing;
  private current = -1;
  /** Table reads still to do for the frame in the engine. */
  private readsLeft = 0;
  private readonly readReq: MemRequest;
  private readonly writeReq: MemRequest;
  private readonly fixedPs: number;
  private readonly decided: SimEvent;
  private readonly retryEv: SimEvent;
  private readonly util: Utilization;
  /** Writes of new entries waiting for room in the memory's queue. */
  private writesWaiting = 0;
  private writeBusy = false;
  /** Table reads each memory request makes (2 at the transaction level, else 1). */
  private readonly readsPerRequest: number;
  decisions = 0;
  tableReads = 0;
  tableWrites = 0;

  constructor(
    private readonly sim: Simulator,
    readonly name: string,
    clock: ClockDomain,
    fixedClocks: number,
    capacity: number,
    private readonly memory: DramController,
    readonly entryBytes: number,
    /** The frame's decision is made: learn, look up, forward. */
    private readonly decide: (h: number) => void,
    /** "tlm": the table reads of a decision as one request. */
    timing: "cycle" | "tlm" = "cycle",
  ) {
    this.readsPerRequest = timing === "tlm" ? TABLE_READS_PER_DECISION : 1;
    this.queue = new IntRing(capacity);
    this.fixedPs = clock.cyclesToTicks(fixedClocks);
    const requester = memory.addRequester(`${name}.table`, () => this.sim.schedule(this.retryEv, this.sim.now));
    this.readReq = new MemRequest(requester, () => this.readDone());
    this.readReq.bytes = entryBytes;
    this.readReq.accesses = this.readsPerRequest;
    this.writeReq = new MemRequest(requester, () => this.writeDone());
    this.writeReq.bytes = entryBytes;
    this.writeReq.write = true;
    this.util = new Utilization(sim.now);
    this.decided = sim.event(`${name}.decided`, () => this.finish(), Priority.Default);
    this.retryEv = sim.event(`${name}.memRetry`, () => this.retry(), Priority.Default);
    sim.onResetStats((now) => {
      this.util.restart(now);
      this.queue.resetStats();
      this.decisions = this.tableReads = this.tableWrites = 0;
    });
  }

  /** Frames waiting or being decided. */
  get size(): number {
    return this.queue.size + (this.current >= 0 ? 1 : 0);
  }

  /** Queues a frame for its decision; false when the queue is full. */
  push(h: number): boolean {
    if (!this.queue.push(h)) return false;
    if (this.current < 0) this.start();
    return true;
  }

  /** A new entry is written into the table (a learned source, or a NEW_ADDRESS from another device). */
  writeEntry(): void {
    this.writesWaiting++;
    if (!this.writeBusy) this.nextWrite();
  }

  private start(): void {
    const h = this.queue.shift();
    if (h < 0) return;
    this.current = h;
    this.util.busyIn(this.sim, 0);
    this.readsLeft = TABLE_READS_PER_DECISION / this.readsPerRequest;
    this.issueRead();
  }

  private issueRead(): void {
    if (this.memory.submit(this.readReq)) this.tableReads += this.readsPerRequest;
    else this.readsLeft = -this.readsLeft; // the memory's queue is full: retried when it has room
  }

  private readDone(): void {
    if (--this.readsLeft > 0) return this.issueRead();
    this.sim.scheduleIn(this.decided, this.fixedPs);
  }

  private finish(): void {
    const h = this.current;
    this.current = -1;
    this.util.idleNow(this.sim);
    this.decisions++;
    this.decide(h);
    if (this.current < 0 && this.queue.size > 0) this.start();
  }

  private nextWrite(): void {
    if (this.writesWaiting === 0) return;
    if (!this.memory.submit(this.writeReq)) return; // retried when the memory has room
    this.writeBusy = true;
    this.writesWaiting--;
    this.tableWrites++;
  }

  private writeDone(): void {
    this.writeBusy = false;
    this.nextWrite();
  }

  private retry(): void {
    if (this.readsLeft < 0) {
      this.readsLeft = -this.readsLeft;
      this.issueRead();
    }
    if (!this.writeBusy) this.nextWrite();
  }

  read(now: number): { utilization: number; queueHighWater: number; decisions: number; tableReads: number; tableWrites: number } {
    return { utilization: this.util.read(now).utilization, queueHighWater: this.queue.highWater, decisions: this.decisions, tableReads: this.tableReads, tableWrites: this.tableWrites };
  }
}
