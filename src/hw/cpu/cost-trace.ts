/**
 * The record of what one firmware job did, in order: operations (instruction counts from the op
 * table), loads and stores at byte addresses, and uncached reads over PCI. The firmware's logic
 * runs once and writes this trace; the CPU model then replays it in simulated time, charging
 * cycles and stalling on cache misses. That keeps the firmware's logic separate from how its cost
 * is charged, so the same firmware runs on every board. Typed arrays; nothing allocated per job.
 *
 * With the instruction-level CPU model (`cpu.execution: "isa"`, docs/hardware.md "The board
 * running the C path") a job's trace also holds what `switchpath.elf` did for the frame, as the
 * instruction-level core ran it: each I-cache line it entered and each D-cache line it left the
 * last one for, at the board's physical addresses (IsaFetch, IsaLoad, IsaStore; `aux`: the
 * pipeline cycles, interlocks included, since the item before), each uncached access to a device
 * (IsaUncachedRead, IsaUncachedWrite: `value` its bytes) and CACHE Hit_Writeback (IsaWriteback),
 * and its instructions and the cycles after its last access (IsaCycles). While `cPath` is set, the TypeScript firmware's ops
 * that the C path replaces (PORTED_OPS) and its explicit loads and stores are not recorded.
 */
import { OP_ID, OP_NAMES, type OpName } from "./op-costs.ts";

export const TraceKind = { Op: 0, Load: 1, Store: 2, UncachedRead: 3, UncachedWrite: 4, Writeback: 5, DeviceWait: 6, IsaFetch: 7, IsaLoad: 8, IsaStore: 9, IsaCycles: 10, IsaUncachedRead: 11, IsaUncachedWrite: 12, IsaWriteback: 13 } as const;

/**
 * The op-table operations of the decision that `switchpath.c` carries out (docs/hardware.md "The
 * per-frame path in C"): in isa mode the image's instructions and accesses replace them while the
 * TypeScript decides (`cPath`). The driver's part of the job (interrupt entry and exit, descriptor,
 * counters, cache flush, hand-back, buffer) is not recorded at all in isa mode (cpu-board.ts
 * FrameJob, `CpuJob.ownsInterrupt`); the CAM's and the translator tables' items stay op-table items.
 */
export const PORTED_OPS: readonly OpName[] = ["headerParse", "flowHash", "flowLookup", "flowInsert", "schedule", "macRewrite", "arpProcess", "arpReply"];
const PORTED = Uint8Array.from(OP_NAMES, (n) => (PORTED_OPS.includes(n) ? 1 : 0));

export class CostTrace {
  readonly kind: Uint8Array;
  readonly value: Float64Array;
  /** Isa items' pipeline cycles (0 for the others). */
  readonly aux: Float64Array;
  length = 0;
  /** While set (the TypeScript firmware deciding a frame the C path decided too), PORTED_OPS and explicit loads and stores are left out. */
  cPath = false;
  /** Set while a job is traced (`--exec-trace`): the CPU writes each item's replay here, one line each. */
  log: ((line: string) => void) | undefined = undefined;

  /** @param lineBytes granularity of recorded loads and stores: the data cache's line size */
  constructor(readonly capacity = 4096, readonly lineBytes = 32) {
    this.kind = new Uint8Array(capacity);
    this.value = new Float64Array(capacity);
    this.aux = new Float64Array(capacity);
  }

  reset(): void {
    this.length = 0;
    this.cPath = false;
    this.log = undefined;
  }

  private push(kind: number, value: number): void {
    if (this.length === this.capacity) throw new RangeError(`cost trace full (${this.capacity} items): a firmware job recorded too much`);
    this.kind[this.length] = kind;
    this.aux[this.length] = 0;
    this.value[this.length++] = value;
  }

  /** An instruction-level item (IsaFetch, IsaLoad, IsaStore at `value`; IsaCycles with `value` instructions) after `cycles` pipeline cycles. */
  isa(kind: number, value: number, cycles: number): void {
    this.push(kind, value);
    this.aux[this.length - 1] = cycles;
  }

  /** Appends `src`'s items from `from` on (scripts/op-costs.ts: a copy of the firmware's part of a board's job). */
  append(src: CostTrace, from = 0): void {
    for (let i = from; i < src.length; i++) {
      this.push(src.kind[i]!, src.value[i]!);
      this.aux[this.length - 1] = src.aux[i]!;
    }
  }

  /** The firmware performed operation `name` (its instructions come from OP_COSTS). */
  op(name: OpName): void {
    const id = OP_ID[name];
    if (this.cPath && PORTED[id] === 1) return;
    this.push(TraceKind.Op, id);
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
    if (this.cPath) return;
    const LINE = this.lineBytes;
    const first = Math.floor(addr / LINE), last = Math.floor((addr + Math.max(1, bytes) - 1) / LINE);
    for (let l = first; l <= last; l++) this.push(kind, l === first ? addr : l * LINE);
  }
}
