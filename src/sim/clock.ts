/**
 * Clock domains (gem5 `ClockDomain`/`ClockedObject`).
 *
 * A domain has a frequency in Hz. Edge n falls at floor(n * 1e12 / f) ps, computed exactly with
 * integers (the period of 33.333 MHz or 133 MHz is not a whole number of ps, so edges are not
 * n * period rounded once; they never drift). Every timed action of a component lands on an edge
 * of its clock: components ask for `edgeAtOrAfter(now)` or `edgeAfterCycles(now, n)`, or, on hot
 * paths, for the same edges as delays from now (`delayToEdge(sim, n)` and its siblings below).
 */
import { checkTick, type Tick } from "./time.ts";

/** What tells the current time (the Simulator): hot paths pass it, not a time (see "Relative times" below). */
export interface TimeSource {
  readonly now: Tick;
}

const PS_PER_S = 1_000_000_000_000;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** floor(r * num / den) with BigInt: denominators over 94.9 million (exact, slower; kept out of `edge` so that it inlines). */
function bigFrac(r: number, num: number, den: number): number {
  return Number((BigInt(r) * BigInt(num)) / BigInt(den));
}

export class ClockDomain {
  /** Period as the exact fraction num/den ps (1e12/f reduced). */
  private readonly num: number;
  private readonly den: number;
  /** num = whole * den + part, so r * num / den = r * whole + r * part / den with r * part < den^2. */
  private readonly whole: number;
  private readonly part: number;
  /** Whether r * part stays exact in doubles (den^2 < 2^53: frequencies whose reduced denominator is under 94.9 million). */
  private readonly exactSplit: boolean;

  /**
   * @param name  shown in stats and errors, e.g. "pci" or "cpu"
   * @param hz    frequency in Hz, a positive integer (33_333_000 for 33.333 MHz)
   */
  constructor(readonly name: string, readonly hz: number) {
    if (!Number.isInteger(hz) || hz <= 0 || hz > PS_PER_S) {
      throw new RangeError(`clock ${name}: frequency ${hz} Hz must be a whole number of Hz in [1, 1e12]`);
    }
    const g = gcd(PS_PER_S, hz);
    this.num = PS_PER_S / g;
    this.den = hz / g;
    this.whole = Math.floor(this.num / this.den);
    this.part = this.num - this.whole * this.den;
    this.exactSplit = this.den * this.den <= Number.MAX_SAFE_INTEGER;
  }

  static mhz(name: string, mhz: number): ClockDomain {
    return new ClockDomain(name, Math.round(mhz * 1e6));
  }

  /** The nominal period in ps (may be fractional; use edges for timing). */
  get periodPs(): number {
    return this.num / this.den;
  }

  /*
   * Times cross calls inside the class in two scratch fields, never as arguments or return
   * values: whether V8 inlines these small methods depends on the caller's budget, and a double
   * above 2^31 passed to or returned from a call it does not inline is a new heap number. A
   * double field is updated in place. Cycle numbers (below 2^31 for the first 2.1 s of a 1 GHz
   * clock) pass as small integers.
   */
  /** Scratch: the query time of `findCycle`. */
  private query = 0;
  /** Scratch: the time of the edge `findEdge` was last asked for, and that edge's number (edge 0 is at 0). */
  private found = 0;
  private foundN = 0;

  /** Sets `found` to the time of edge n, exactly (at once if n is the edge last asked for: about 3 in 10 calls on 5A). */
  private findEdge(n: number): void {
    if (n === this.foundN) return;
    const den = this.den;
    const q = Math.floor(n / den);
    const r = n - q * den;
    // floor(r * num / den) exactly, in doubles: r * whole + floor(r * part / den), r * part < den^2
    const frac = this.exactSplit ? r * this.whole + Math.floor((r * this.part) / den) : bigFrac(r, this.num, den);
    const t = q * this.num + frac;
    if (!(t <= Number.MAX_SAFE_INTEGER) || !(n >= 0)) checkTick(t, `${this.name} edge ${n}`); // message built only on failure
    this.found = t;
    this.foundN = n;
  }

  /**
   * Index of the first edge at or after `query`; leaves `found` at that edge's time. The estimate
   * ceil(t / period) in doubles can be off by one; one edge settles it when the estimate's edge is
   * at or after t and less than `whole` ps after it (consecutive edges are at least `whole` ps
   * apart, so the edge before is then before t), two when it is before t and the next is not;
   * otherwise the two-sided search below does.
   */
  private findCycle(): number {
    const t = this.query;
    let n = Math.ceil((t * this.den) / this.num);
    if (n > 0) {
      this.findEdge(n);
      const e = this.found;
      if (e >= t) {
        if (e - this.whole < t) return n;
      } else {
        // the estimate's edge is before t: the next one, if at or after t, is the first
        this.findEdge(n + 1);
        if (this.found >= t) return n + 1;
      }
    }
    while (n > 0) {
      this.findEdge(n - 1);
      if (this.found < t) break;
      n--;
    }
    for (;;) {
      this.findEdge(n);
      if (this.found >= t) return n;
      n++;
    }
  }

  /** Time of edge n (n = 0 at time 0), exact. */
  edge(n: number): Tick {
    this.findEdge(n);
    return this.found;
  }

  /** Index of the first edge at or after time t. */
  cycleAtOrAfter(t: Tick): number {
    this.query = t;
    return this.findCycle();
  }

  /** The first edge at or after time t. */
  edgeAtOrAfter(t: Tick): Tick {
    this.query = t;
    this.findCycle();
    return this.found;
  }

  /** The edge `cycles` clock cycles after the first edge at or after t (cycles = 0: that edge). */
  edgeAfterCycles(t: Tick, cycles: number): Tick {
    this.query = t;
    const n = this.findCycle();
    if (cycles !== 0) this.findEdge(n + cycles);
    return this.found;
  }

  /*
   * Relative times. An absolute time passes 2^31 ps after 2.1 simulated ms, and V8 allocates a
   * heap number for every such double passed to or returned from a call it does not inline. These
   * take the time source and return ps from now: delays of nanoseconds to microseconds, small
   * integers that cross calls unboxed. The arithmetic is the same as the absolute methods'.
   */

  /** The first cycle at or after `src.now`. */
  cycleNow(src: TimeSource): number {
    this.query = src.now;
    return this.findCycle();
  }

  /** ps from `src.now` to the edge `cycles` cycles after the first edge at or after it (0: that edge). */
  delayToEdge(src: TimeSource, cycles: number): number {
    this.query = src.now;
    const n = this.findCycle();
    if (cycles !== 0) this.findEdge(n + cycles);
    return this.found - src.now;
  }

  /** ps from `src.now` to the first edge at or after `src.now + delay`. */
  delayToEdgeAtOrAfter(src: TimeSource, delay: number): number {
    this.query = src.now + delay;
    this.findCycle(); // leaves `found` at that edge
    return this.found - src.now;
  }

  /** ps from `src.now` to the edge `cycles` cycles after the first edge at or after `src.now + delay`. */
  delayToEdgeAfter(src: TimeSource, delay: number, cycles: number): number {
    this.query = src.now + delay;
    const n = this.findCycle();
    if (cycles !== 0) this.findEdge(n + cycles);
    return this.found - src.now;
  }

  /** Index of the first edge at or after `src.now + delay`; `foundDelay` then gives that edge, ps from now. */
  cycleAtOrAfterIn(src: TimeSource, delay: number): number {
    this.query = src.now + delay;
    return this.findCycle();
  }

  /** ps from `src.now` to the edge the last cycle query found (`cycleAtOrAfterIn`, `cycleNow`, `delayToEdgeAtOrAfter`). */
  foundDelay(src: TimeSource): number {
    return this.found - src.now;
  }

  /** ps from `src.now` to edge n (at or after now). */
  delayToCycle(src: TimeSource, n: number): number {
    this.findEdge(n);
    return this.found - src.now;
  }

  /** Duration of `cycles` cycles starting at edge `fromCycle` (differs by at most 1 ps between starts). */
  cyclesToTicks(cycles: number, fromCycle = 0): Tick {
    return this.edge(fromCycle + cycles) - this.edge(fromCycle);
  }

  /** Whole cycles elapsed in [0, t): how many edges lie strictly before t. */
  cyclesBefore(t: Tick): number {
    return this.cycleAtOrAfter(t);
  }
}
