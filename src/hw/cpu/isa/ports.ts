/**
 * How the instruction-level R4700 reaches the rest of the board: the interfaces its stalls wait
 * on. The core counts time in its own cycles; a port answers each request either at once, with
 * the cycles the core stalls (a fixed-latency memory in unit tests, fixed-latency.ts), or later
 * (`PENDING`): the core then stops at the end of the instruction and the port calls
 * `core.completeStall(cycles)` when the data is back (the simulator adapter, sim-adapter.ts).
 * Either way the core's cycle accounting is the same.
 *
 *   MemoryPort   the SysAD bus to the GT-64010's DRAM controller: cache-line fills, write-backs
 *                of dirty victims and Hit_Writeback, and uncached (kseg1) accesses to DRAM.
 *   DevicePort   uncached accesses to addresses outside DRAM (device registers over PCI): the
 *                timing side has the shape of r4700.ts's `UncachedPort` (reads stall for the round
 *                trip, writes are posted), in cycles; `DeviceSpace` holds the values.
 */
export const PENDING = -1;

export interface MemoryPort {
  /**
   * One transfer on the CPU's memory bus: first a write of `writeBytes` at physical `writeAddr`
   * (a dirty victim, Hit_Writeback, an uncached store; -1 for none), then a read of `readBytes`
   * at `readAddr` (a line fill or an uncached load; -1 for none). Returns the cycles the core
   * stalls, or PENDING.
   */
  transfer(readAddr: number, readBytes: number, writeAddr: number, writeBytes: number): number;
}

export interface DevicePort {
  /** An uncached read of `bytes` at physical `pa`: cycles the core stalls, or PENDING. */
  read(pa: number, bytes: number): number;
  /** An uncached write: 0 when posted, else cycles the core stalls or PENDING (post buffer full). */
  write(pa: number, bytes: number): number;
}

/** What device registers hold (functional side of DevicePort). */
export interface DeviceSpace {
  /** The value of the `bytes`-wide register at physical `pa` (right-aligned). */
  load(pa: number, bytes: number): number;
  store(pa: number, bytes: number, value: number): void;
}

/** No devices: reads return 0 and writes are dropped (and counted). */
export class EmptyDeviceSpace implements DeviceSpace {
  loads = 0;
  stores = 0;
  load(): number {
    this.loads++;
    return 0;
  }
  store(): void {
    this.stores++;
  }
}
