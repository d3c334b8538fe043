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
 * request does). What arrives after the job starts cannot be seen; for an access issued past what
 * the arbiter holds, its mean is added: the wait for a frame's grant in service, from the grants
 * the arbiter has made (`frameWaitClocks`: renewal theory's residual, counted from when the arbiter
 * was last known to hold none, the job's start or the port's own last access), spent in whole
 * clocks as the fractions add up. Before it (2026-12-03) 5D-12's CPU line fills waited 82 ns
 * against cycle timing's 110.5 (inbound-heavy, load 0.76: a cycle-level access met a frame's grant
 * 7 % of the time, 26.7 clocks left of it), its cycles per intervention 0.6-1.0 % short; with it
 * 107 ns, and 0.4-0.6 % over (write-backs, which follow the CPU's own work, wait the full residual:
 * 131.6 ns against 117.1). A cycle-level access meets frames less often than one at a random moment
 * would (7 % against the frames' 12 % share of the time), which the count from the port's own
 * last access captures in part.
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
  /** The mean wait (clocks) for an endpoint's grant in service of an access `s` clocks after the arbiter was last known to hold none. */
  frameWaitClocks(s: number): number;
  readonly sim: TimeSource;
}

export class TlmCpuPort extends CpuMemoryPort {
  /** The expected waits for frames granted during a job, in clocks, not yet spent as whole clocks (below 1), and as `finishTime` left it for `occupy` to keep. */
  private carry = 0;
  private nextCarry = 0;
  /** When the port's last access ended (ps, absolute), and as `finishTime` left it for `occupy`. */
  private lastEnd = -Infinity;
  private nextLastEnd = -Infinity;
  constructor(name: string, clock: ClockDomain, depth: number, kick: () => void, private readonly arbiter: CpuWork) {
    super(name, clock, depth, kick);
  }

  finishTime(_requester: number, _addr: number, _write: boolean, bytes: number, at: number): number {
    // times relative to now cross calls unboxed (ClockDomain, "Relative times")
    const a = this.arbiter, clock = this.clock, now = a.sim.now;
    const issued = clock.delayToEdgeAtOrAfter(a.sim, at), free = clock.delayToCycle(a.sim, a.cpuFreeCycle());
    let end: number;
    if (issued < free) {
      this.nextCarry = this.carry;
      end = clock.delayToEdgeAfter(a.sim, free, a.accessClocks(bytes));
    } else {
      // past what the arbiter holds now: the mean wait for a frame granted since it was last known
      // to hold none (now, or the end of this port's last access), spent in whole clocks as the
      // fractions add up (deterministic; their sum follows the mean)
      const since = Math.min(issued - free, issued - (this.lastEnd - now));
      const c = this.carry + a.frameWaitClocks(since / clock.periodPs), wait = Math.floor(c);
      this.nextCarry = c - wait;
      end = clock.delayToEdgeAfter(a.sim, issued, wait + a.accessClocks(bytes));
    }
    this.nextLastEnd = now + end;
    return end;
  }

  occupy(_requester: number, _addr: number, _write: boolean, bytes: number): void {
    this.carry = this.nextCarry;
    this.lastEnd = this.nextLastEnd;
    this.arbiter.chargeCpu(this.arbiter.accessClocks(bytes));
  }
}
