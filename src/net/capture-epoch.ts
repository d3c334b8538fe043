/**
 * CaptureEpoch: the wall-clock instant a run's simulated time 0 stands for in its captures.
 * Capture files carry absolute times (seconds since 1970); a run's frames are stamped epoch +
 * simulated time, floored to the nanosecond. The default is a fixed date, so the same run writes
 * byte-identical captures: 1999-07-01T00:00:00Z, the international publication date of
 * WO 99/33227. `--start-time` sets another (ISO 8601, or `now`).
 *
 * Conversions are exact for any run (below 2^53 ps) without BigInt or allocation: the second
 * and nanosecond of a time land in the fields `s` and `ns`, and the 64-bit nanosecond count of
 * pcapng in `hi` and `lo`.
 */
export const DEFAULT_START_TIME = "1999-07-01T00:00:00Z";

export class CaptureEpoch {
  /** Results of the last conversion (scratch fields: nothing is allocated per frame). */
  s = 0;
  ns = 0;
  hi = 0;
  lo = 0;

  /** `sec` whole seconds since 1970 plus `nsec` nanoseconds (0 <= nsec < 1e9). */
  constructor(readonly sec: number, readonly nsec = 0) {
    if (!Number.isInteger(sec) || sec < 0 || sec > 0xffffffff || !Number.isInteger(nsec) || nsec < 0 || nsec >= 1e9) throw new RangeError(`capture epoch ${sec} s + ${nsec} ns out of range`);
  }

  static readonly ZERO = new CaptureEpoch(0);
  /** DEFAULT_START_TIME: 1999-07-01T00:00:00Z. */
  static readonly DEFAULT = new CaptureEpoch(930_787_200);

  /** Reads `--start-time`: an ISO 8601 date-time (a zone, or UTC if none) or `now`; a string names what is wrong. */
  static parse(text: string, now = Date.now()): CaptureEpoch | string {
    const t = text.trim();
    let ms: number;
    if (t === "now") ms = now;
    else {
      if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(t)) return `expected an ISO 8601 date-time such as 2024-05-01T12:00:00Z, or "now", got "${text}"`;
      ms = Date.parse(/[T ]\d{2}:\d{2}/.test(t) && !/(Z|[+-]\d{2}:?\d{2})$/.test(t) ? `${t}Z` : t);
      if (!Number.isFinite(ms)) return `"${text}" is not a valid date-time`;
    }
    if (ms < 0 || ms / 1000 > 0xffffffff - 3 * 3600) return `start time "${text}" must lie between 1970 and 2106 (the range of capture timestamps)`;
    return new CaptureEpoch(Math.floor(ms / 1000), (ms % 1000) * 1e6);
  }

  /** A copy with its own scratch fields (each writer keeps one). */
  copy(): CaptureEpoch {
    return new CaptureEpoch(this.sec, this.nsec);
  }

  /** The epoch as ISO 8601 text, to the millisecond. */
  toString(): string {
    return new Date(this.sec * 1000 + Math.floor(this.nsec / 1e6)).toISOString();
  }

  /** Sets `s` and `ns` to the absolute time of simulated time `ps`. */
  at(ps: number): void {
    const n = this.nsec + Math.floor(ps / 1000);
    const carry = Math.floor(n / 1e9);
    this.s = this.sec + carry;
    this.ns = n - carry * 1e9;
  }

  /** Sets `hi` and `lo` to the 64-bit count of nanoseconds since 1970 at simulated time `ps` (pcapng, if_tsresol 9). */
  at64(ps: number): void {
    this.at(ps);
    // s * 1e9 + ns with 1e9 = 15258 * 2^16 + 51712: every partial product stays below 2^53
    const a = this.s * 15258, b = this.s * 51712 + this.ns;
    const aLo = a % 65536;
    const t = aLo * 65536 + b;
    const tHi = Math.floor(t / 4294967296);
    this.lo = t - tHi * 4294967296;
    this.hi = (a - aLo) / 65536 + tHi;
  }
}
