/**
 * Simulation time.
 *
 * Time is an integer count of picoseconds held in a JS number (gem5's `Tick`, at 1 ps). A number is
 * exact up to 2^53 - 1 ps, about 2.5 simulated hours; {@link checkTick} fails loudly before that
 * limit is crossed instead of silently losing precision. Durations use the same unit.
 */

/** An absolute simulation time or a duration, in integer picoseconds. */
export type Tick = number;

export const PS = 1;
export const NS = 1_000;
/** One microsecond in ticks (ps). */
export const US = 1_000_000;
/** One millisecond in ticks (ps). */
export const MS = 1_000_000_000;
/** One second in ticks (ps). */
export const SEC = 1_000_000_000_000;

/** The last representable tick: 2^53 - 1 ps (about 2 h 30 min of simulated time). */
export const MAX_TICK = Number.MAX_SAFE_INTEGER;

/** Thrown when a time would pass {@link MAX_TICK} or is not an integer: a model bug, never data. */
export class SimTimeError extends Error {
  override name = "SimTimeError";
}

/** Returns `t` if it is a valid tick, else throws {@link SimTimeError} naming what went wrong. */
export function checkTick(t: number, what = "time"): Tick {
  if (!Number.isInteger(t) || t < 0 || t > MAX_TICK) {
    throw new SimTimeError(
      `${what} ${t} ps is not a tick: ticks are integers in [0, 2^53-1] ps (about 2.5 h of simulated time)`,
    );
  }
  return t;
}

const UNIT_PS: Record<string, number> = { ps: PS, ns: NS, us: US, "µs": US, ms: MS, s: SEC };

/**
 * Parses a duration with a unit ("20ms", "1.5 us", "1s", "250ns") into integer picoseconds.
 * Returns an error string (never throws) so callers can report it as one line.
 */
export function parseDuration(text: string): Tick | string {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ps|ns|us|µs|ms|s)\s*$/.exec(text);
  if (!m) return `"${text}" is not a duration: expected a number with a unit (ps, ns, us, ms, s), e.g. 20ms`;
  const ps = Math.round(Number(m[1]) * UNIT_PS[m[2]!]!);
  if (ps > MAX_TICK) return `"${text}" is longer than the longest simulation (2^53-1 ps, about 2.5 h)`;
  return ps;
}

/** Formats a tick for people: picks the largest unit that keeps the value at or above 1. */
export function formatTick(t: Tick): string {
  if (t >= SEC) return `${+(t / SEC).toFixed(6)} s`;
  if (t >= MS) return `${+(t / MS).toFixed(6)} ms`;
  if (t >= US) return `${+(t / US).toFixed(6)} us`;
  if (t >= NS) return `${+(t / NS).toFixed(3)} ns`;
  return `${t} ps`;
}
