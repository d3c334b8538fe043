/**
 * The record of what one firmware job did, in order: operations (instruction counts from the op
 * table), loads and stores at byte addresses, and uncached reads over PCI. The firmware's logic
 * runs once and writes this trace; the CPU model then replays it in simulated time, charging
 * cycles and stalling on cache misses. That keeps the firmware's logic separate from how its cost
 * is charged, so the same firmware runs on every board. Typed arrays; nothing allocated per job.
 */
import { OP_ID, type OpName } from "./op-costs.ts";

export const TraceKind = { Op: 0, Load: 1, Store: 2, UncachedRead: 3, UncachedWrite: 4, Writeback: 5, DeviceWait: 6 } as const;

export class CostTrace {
  readonly kind: Uint8Array;
  readonly value: Float64Array;
  length = 0;

  /** @param lineBytes granularity of recorded loads and stores: the data cache's line size */
  constructor(readonly capacity = 4096, readonly lineBytes = 32) {
    this.kind = new Uint8Array(capacity);
    this.value = new Float64Array(capacity);
  }

  reset(): void {
    this.length = 0;
  }

  private push(kind: number, value: number): void {
    if (this.length === this.capacity) throw new RangeError(`cost trace full (${this.capacity} items): a firmware job recorded too much`);
    this.kind[this.length] = kind;
    this.value[this.length++] = value;
  }

  /** The firmware performed operation `name` (its instructions come from OP_COSTS). */
  op(name: OpName): void {
    this.push(TraceKind.Op, OP_ID[name]);
  }

  /** A load of `bytes` at `addr` (one access per cache line touched). */
  load(addr: number, bytes = 4): void {
    this.pushRange(TraceKind.Load, addr, bytes);
  }

  store(addr: number, bytes = 4): void {
    this.pushRange(TraceKind.Store, addr, bytes);
  }

  /** A CACHE Hit_Writeback of the lines covering [addr, addr + bytes): dirty ones are written to memory. */
  writeback(addr: number, bytes = 4): void {
    this.pushRange(TraceKind.Writeback, addr, bytes);
  }

  /** The CPU waits `ps` for an on-board device (Fig 5C's CAM look-up). */
  deviceWait(ps: number): void {
    this.push(TraceKind.DeviceWait, ps);
  }

  /** An uncached read of a device register over PCI (the CPU stalls for the round trip). */
  uncachedRead(bytes = 4): void {
    this.push(TraceKind.UncachedRead, bytes);
  }

  /** An uncached write to a device (posted by the GT-64010: no stall unless the post buffer is full). */
  uncachedWrite(bytes = 4): void {
    this.push(TraceKind.UncachedWrite, bytes);
  }

  private pushRange(kind: number, addr: number, bytes: number): void {
    const LINE = this.lineBytes;
    const first = Math.floor(addr / LINE), last = Math.floor((addr + Math.max(1, bytes) - 1) / LINE);
    for (let l = first; l <= last; l++) this.push(kind, l === first ? addr : l * LINE);
  }
}
