/**
 * A memory and a device bus that answer every request at once with a fixed number of CPU
 * cycles: the instruction-level R4700's ports for unit tests and for measuring the interpreter
 * alone. Timing tests compute their expectations from these numbers and the pipeline rules.
 */
import type { DevicePort, MemoryPort } from "./ports.ts";

export interface FixedLatencyParams {
  /** Cycles for a read of any size (a line fill, an uncached word). */
  readCycles: number;
  /** Cycles for a write (a dirty line's write-back, an uncached store to DRAM). */
  writeCycles: number;
  /** Cycles for an uncached device read. */
  deviceReadCycles: number;
  /** Cycles an uncached device write stalls (0: posted). */
  deviceWriteCycles: number;
}

export const DEFAULT_FIXED_LATENCY: FixedLatencyParams = { readCycles: 20, writeCycles: 20, deviceReadCycles: 100, deviceWriteCycles: 0 };

export class FixedLatencyMemory implements MemoryPort, DevicePort {
  readonly params: FixedLatencyParams;
  reads = 0;
  writes = 0;
  readBytes = 0;
  writeBytes = 0;
  deviceReads = 0;
  deviceWrites = 0;
  constructor(params: Partial<FixedLatencyParams> = {}) {
    this.params = { ...DEFAULT_FIXED_LATENCY, ...params };
  }

  transfer(readAddr: number, readBytes: number, writeAddr: number, writeBytes: number): number {
    let c = 0;
    if (writeAddr >= 0) {
      this.writes++;
      this.writeBytes += writeBytes;
      c += this.params.writeCycles;
    }
    if (readAddr >= 0) {
      this.reads++;
      this.readBytes += readBytes;
      c += this.params.readCycles;
    }
    return c;
  }

  read(): number {
    this.deviceReads++;
    return this.params.deviceReadCycles;
  }

  write(): number {
    this.deviceWrites++;
    return this.params.deviceWriteCycles;
  }
}
