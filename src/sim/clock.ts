/**
 * Clock domains (gem5 `ClockDomain`/`ClockedObject`).
 *
 * A domain has a frequency in Hz. Edge n falls at floor(n * 1e12 / f) ps, computed exactly with
 * integers (the period of 33.333 MHz or 133 MHz is not a whole number of ps, so edges are not
 * n * period rounded once; they never drift). Every timed action of a component lands on an edge
 * of its clock: components ask for `edgeAtOrAfter(now)` or `edgeAfterCycles(now, n)`.
 */
import { checkTick, type Tick } from "./time.ts";

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

  /** Time of edge n (n = 0 at time 0), exact. */
  edge(n: number): Tick {
    const den = this.den;
    const q = Math.floor(n / den);
    const r = n - q * den;
    // floor(r * num / den) exactly, in doubles: r * whole + floor(r * part / den), r * part < den^2
    const frac = this.exactSplit ? r * this.whole + Math.floor((r * this.part) / den) : bigFrac(r, this.num, den);
    const t = q * this.num + frac;
    if (!(t <= Number.MAX_SAFE_INTEGER) || !(n >= 0)) checkTick(t, `${this.name} edge ${n}`); // message built only on failure
    return t;
  }

  /** Index of the first edge at or after time t. */
  cycleAtOrAfter(t: Tick): number {
    let n = Math.ceil((t * this.den) / this.num);
    while (n > 0 && this.edge(n - 1) >= t) n--;
    while (this.edge(n) < t) n++;
    return n;
  }

  /** The first edge at or after time t. */
  edgeAtOrAfter(t: Tick): Tick {
    return this.edge(this.cycleAtOrAfter(t));
  }

  /** The edge `cycles` clock cycles after the first edge at or after t (cycles = 0: that edge). */
  edgeAfterCycles(t: Tick, cycles: number): Tick {
    return this.edge(this.cycleAtOrAfter(t) + cycles);
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
