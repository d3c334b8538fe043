/**
 * A stand-alone instruction-level R4700 with an ELF program loaded: memory, core and a
 * fixed-latency port, plus access to the program's variables by symbol. For unit tests, the
 * benchmark, `npm run isa`, and the board's isa mode (board-path.ts, through switch-host.ts:
 * there the core's cache look-ups are recorded and the board's caches and memories time them),
 * where the core needs no simulator ports of its own; sim-adapter.ts runs it on the simulator's.
 */
import type { CacheParams } from "../cache.ts";
import { PHYS_MASK } from "./address.ts";
import { IsaCore, StopReason } from "./core.ts";
import { loadElf, parseElf, symbolAddress, type ElfImage } from "./elf.ts";
import { FixedLatencyMemory, type FixedLatencyParams } from "./fixed-latency.ts";
import { PhysicalMemory } from "./memory.ts";
import type { IsaTimingParams } from "./timing.ts";

export interface MachineOptions {
  /** DRAM bytes. Default 8 MiB (the linker script's default stack top). */
  memoryBytes: number;
  timing: Partial<IsaTimingParams>;
  latency: Partial<FixedLatencyParams>;
  icache: Partial<CacheParams>;
  dcache: Partial<CacheParams>;
}

export interface RunOutcome {
  /** "idle": the program reached its idle loop with nothing left to wake it; "limit": maxCycles spent; "unimplemented". */
  reason: "idle" | "limit" | "unimplemented";
  cycles: number;
  instructions: number;
}

export class IsaMachine {
  readonly memory: PhysicalMemory;
  readonly port: FixedLatencyMemory;
  readonly core: IsaCore;
  readonly image: ElfImage;

  constructor(readonly elf: Uint8Array, opts: Partial<MachineOptions> = {}, name = "image") {
    this.image = parseElf(elf, name);
    this.memory = new PhysicalMemory(opts.memoryBytes ?? 8 << 20);
    this.port = new FixedLatencyMemory(opts.latency);
    // predecode the executable segments' span, in whole lines
    const exec = this.image.segments.filter((s) => s.executable);
    const lo = Math.min(...exec.map((s) => s.paddr)), hi = Math.max(...exec.map((s) => s.paddr + s.memBytes));
    const codeBase = lo - (lo % 32), codeBytes = Math.ceil((hi - codeBase) / 32) * 32;
    this.core = new IsaCore({ memory: this.memory, memoryPort: this.port, devicePort: this.port, timing: opts.timing, icache: opts.icache, dcache: opts.dcache, codeBase, codeBytes });
    this.reset();
  }

  /** Reloads the image and restarts the core at the entry point (caches cold). */
  reset(): void {
    this.memory.words.fill(0);
    loadElf(this.image, this.elf, this.memory);
    this.core.reset(this.image.entry | 0);
  }

  address(symbol: string): number {
    return symbolAddress(this.image, symbol) & PHYS_MASK;
  }

  writeWords(symbol: string, values: ArrayLike<number>, index = 0): void {
    const pa = this.address(symbol) + 4 * index;
    for (let k = 0; k < values.length; k++) this.memory.write32(pa + 4 * k, values[k]!);
  }

  readWords(symbol: string, n: number, index = 0): number[] {
    const pa = this.address(symbol) + 4 * index;
    return Array.from({ length: n }, (_, k) => this.memory.read32(pa + 4 * k) >>> 0);
  }

  writeBytes(symbol: string, bytes: Uint8Array, offset = 0): void {
    this.memory.writeBytes(this.address(symbol) + offset, bytes);
  }

  readBytes(symbol: string, n: number, offset = 0): Uint8Array {
    return this.memory.readBytes(this.address(symbol) + offset, n);
  }

  /**
   * Runs until the program idles with nothing to wake it (an idle CPU whose timer can interrupt
   * is advanced to the timer), or `maxCycles` more cycles pass.
   */
  run(maxCycles = 1e10, slice = 1 << 20): RunOutcome {
    const c = this.core, start = c.cycle, i0 = c.instructions;
    const reason = this.runUntilIdle(maxCycles, slice);
    return { reason, cycles: c.cycle - start, instructions: c.instructions - i0 };
  }

  /** As `run`, without the outcome object (a call per frame: switch-host.ts): the reason only. */
  runUntilIdle(maxCycles = 1e10, slice = 1 << 20): RunOutcome["reason"] {
    const c = this.core, limit = c.cycle + maxCycles;
    while (c.cycle < limit) {
      const r = c.run(Math.min(slice, limit - c.cycle));
      if (r === StopReason.Unimplemented) return "unimplemented";
      if (r === StopReason.Idle) {
        const wake = c.wakeCycle();
        if (wake === Infinity) return "idle";
        c.idleUntil(Math.min(wake, limit));
      }
    }
    return "limit";
  }
}
