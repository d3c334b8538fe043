/**
 * Seeded random streams, one per component and purpose (ns-3 `RngStream`, OMNeT++ `rng-k`).
 *
 * A stream's generator is pure-rand's xoroshiro128+, seeded from a hash of (run seed, stream
 * name). Nothing depends on creation order, so adding a component, or drawing more from one
 * stream, never changes the numbers another stream draws.
 */
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
type RandomGenerator = ReturnType<typeof xoroshiro128plus>;

/** 32-bit FNV-1a of a string, then the murmur3 finaliser: a well-spread 32-bit value. */
export function hashName(name: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= seed >>> 16;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

export class RandomStream {
  private readonly rng: RandomGenerator;
  /** Draws taken from this stream (each 32-bit output counts one). */
  draws = 0;

  constructor(readonly name: string, readonly seed: number) {
    this.rng = xoroshiro128plus(seed | 0);
  }

  /** Uniform integer in [0, 2^32). */
  nextU32(): number {
    return this.nextI32() >>> 0;
  }

  /**
   * The same 32 bits as `nextU32`, signed: always a small integer to V8, where an unsigned value
   * at or above 2^31 returned from a call it does not inline is a heap number. The stream's own
   * draws use it and take the unsigned value where they need it.
   */
  private nextI32(): number {
    this.draws++;
    return this.rng.next() | 0;
  }

  /** The last `drawDouble` (a field: a fractional double returned from a call V8 does not inline is a heap number). */
  private u = 0.5;

  /** Draws a uniform double in [0, 1) with 53 random bits into `u`. */
  private drawDouble(): void {
    const a = this.nextI32() >>> 5; // 27 bits
    const b = this.nextI32() >>> 6; // 26 bits
    this.u = (a * 67108864 + b) / TWO_POW_53;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  nextDouble(): number {
    this.drawDouble();
    return this.u;
  }

  /** Uniform integer in [lo, hi] (inclusive), unbiased by rejection. */
  uniformInt(lo: number, hi: number): number {
    const range = hi - lo + 1;
    if (range <= 0 || range > TWO_POW_32) throw new RangeError(`uniformInt(${lo}, ${hi}): bad range`);
    const limit = TWO_POW_32 - (TWO_POW_32 % range);
    let x: number;
    do x = this.nextI32() >>> 0;
    while (x >= limit);
    return lo + (x % range);
  }

  /** Exponential variate with the given mean (same unit as the mean). */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.nextDouble());
  }

  /**
   * `Math.floor(exponential(mean))`: the same draw, whole (a delay in ps, as the hold model and
   * ns-3's program truncate it). Truncated inside, a delay under 2^31 leaves the call as a small
   * integer: a fractional double returned from a call V8 does not inline is a heap number per draw.
   */
  exponentialFloor(mean: number): number {
    this.drawDouble();
    return Math.floor(-mean * Math.log(1 - this.u));
  }

  /** `Math.round(exponential(mean))`: the same draw, rounded inside (a small integer leaves the call unboxed; see exponentialFloor). */
  exponentialRound(mean: number): number {
    this.drawDouble();
    return Math.round(-mean * Math.log(1 - this.u));
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    this.drawDouble();
    return this.u < p;
  }
}

export class RandomStreams {
  private readonly streams = new Map<string, RandomStream>();

  constructor(readonly seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`seed ${seed} must be an integer in [0, 2^32-1]`);
    }
  }

  /** The stream with this name, created on first use; the same name always gives the same stream. */
  stream(name: string): RandomStream {
    let s = this.streams.get(name);
    if (!s) {
      s = new RandomStream(name, hashName(name, this.seed));
      this.streams.set(name, s);
    }
    return s;
  }

  /** Names and draw counts, for the run record. */
  read(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const name of [...this.streams.keys()].sort()) out[name] = this.streams.get(name)!.draws;
    return out;
  }
}
