/**
 * The buffer memory arbiter's CPU port (buffer-memory-arbiter.ts): the shared buffer as a memory for
 * Fig 5D's CPU. Cycle level (`CpuMemoryPort`): a queue of line fills and write-backs taking its turn
 * in the arbiter's round robin, one grant and one completion event each.
 *
 * At transaction level (Fig 5D, `timing: "tlm"`; issue 18 part
 * 3; docs/hardware.md "Transaction-level memory and CPU job"): the memory port a transaction-level
 * R4700 replays its job against (its line fills and write-backs of packet buffers in the shared
 * buffer), without a queued request, a grant and a completion event per access.
 *
 * `finishTime`: an access issued `at` ps from now starts on the first arbiter edge at or after both
 * that time and the cycle the memory would be free for the CPU port as things stand
 * (`BufferMemoryArbiter.cpuFreeCycle`: the grant in service, the CPU work already charged, one
 * grant of each queue ahead of the CPU port in the round robin), then takes its own access time
 * (overheadClocks + firstAccessClocks + (ceil(bytes / width) - 1) x burstClocks, as a granted
 * request does). What arrives after the job starts is not foreseen: the arbiter is lightly loaded
 * beside the CPU on Fig 5D (10-17 % busy from half the CPU path's capacity to above it, 5D and 5D-12), where a
 * cycle-level CPU access met a busy arbiter 2-8 % of the time (docs/performance.md "Transaction-level mode").
 * `occupy`: the access's clocks are charged to the arbiter (`chargeCpu`): done before its next
 * grant if one is in service, else from its next edge, so its work and utilisation are kept. A
 * job's accesses are charged when the replay reaches them, at the job's start, not at the times
 * they are issued: they hold the memory up to a job's length early (a few microseconds), a frame
 * granted meanwhile starts after them.
 *
 * A cycle-timing CPU (no `finishTime` calls) still gets the round robin's request queue (`submit`).
 */
import type { ClockDomain, TimeSource } from "../../sim/clock.ts";
import { Ring } from "../../sim/ring.ts";
import type { MemoryPort, MemRequest } from "../gt64010/dram.ts";

/** The arbiter as a memory for the CPU (its line fills and write-backs), one queue taking its turn in the round robin. */
export class CpuMemoryPort implements MemoryPort {
  readonly queue: Ring<MemRequest>;
  private readonly retries: (() => void)[] = [];
  accesses = 0;
  constructor(readonly name: string, readonly clock: ClockDomain, depth: number, private readonly kick: () => void) {
    this.queue = new Ring(depth);
  }
  addRequester(_name: string, onRetry: () => void = () => {}): number {
    this.retries.push(onRetry);
    return this.retries.length - 1;
  }
  submit(req: MemRequest): boolean {
    if (!this.queue.push(req)) return false;
    this.kick();
    return true;
  }
  retry(): void {
    for (const r of this.retries) r();
  }
}

/** What the port needs of its arbiter. */
export interface CpuWork {
  /** Clocks one access of `bytes` holds the buffer memory. */
  accessClocks(bytes: number): number;
  /** The cycle the memory would be free for the CPU port as things stand. */
  cpuFreeCycle(): number;
  /** Charges `clocks` of the CPU's access as work nobody waits for (its end was taken from `finishTime`). */
  chargeCpu(clocks: number): void;
  readonly sim: TimeSource;
}

export class TlmCpuPort extends CpuMemoryPort {
  constructor(name: string, clock: ClockDomain, depth: number, kick: () => void, private readonly arbiter: CpuWork) {
    super(name, clock, depth, kick);
  }

  finishTime(_requester: number, _addr: number, _write: boolean, bytes: number, at: number): number {
    // times relative to now cross calls unboxed (ClockDomain, "Relative times")
    const a = this.arbiter, clock = this.clock;
    const issued = clock.delayToEdgeAtOrAfter(a.sim, at), free = clock.delayToCycle(a.sim, a.cpuFreeCycle());
    return clock.delayToEdgeAfter(a.sim, issued > free ? issued : free, a.accessClocks(bytes));
  }

  occupy(_requester: number, _addr: number, _write: boolean, bytes: number): void {
    this.arbiter.chargeCpu(this.arbiter.accessClocks(bytes));
  }
}
