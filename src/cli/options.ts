/** Parsers for the CLI's flag values: each rejects bad input with one line naming the flag and what was expected. */
import { InvalidArgumentError } from "commander";
import { parseDuration, type Tick } from "../sim/time.ts";

export function parseSeed(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isInteger(n) || n > 0xffffffff) {
    throw new InvalidArgumentError(`expected an integer seed in [0, 4294967295], got "${v}"`);
  }
  return n;
}

export function parseDurationFlag(v: string): Tick {
  const d = parseDuration(v);
  if (typeof d === "string") throw new InvalidArgumentError(d);
  if (d <= 0) throw new InvalidArgumentError(`duration must be positive, got "${v}"`);
  return d;
}

/** Loads from a millionth of nominal (below it a router's frames are further apart than the longest simulation, 2^53 ps) to 1000 times. */
export const MIN_LOAD = 1e-6, MAX_LOAD = 1000;

export function parseLoad(v: string): number {
  const n = Number(v);
  // decimal only: Number() would also take "0x2", "0b1", " 2 "
  if (!/^(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(v) || !Number.isFinite(n) || n < MIN_LOAD || n > MAX_LOAD) {
    throw new InvalidArgumentError(`expected a load factor from ${MIN_LOAD} to ${MAX_LOAD} (1.0 = the workload's nominal rate), got "${v}"`);
  }
  return n;
}

export function parsePositiveInt(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n <= 0) throw new InvalidArgumentError(`expected a positive integer, got "${v}"`);
  return n;
}

/** A warm-up: a duration with a unit, 0 allowed ("0" or "0ms": no warm-up). */
export function parseWarmupFlag(v: string): Tick {
  if (/^\s*0+(\.0+)?\s*[a-z]*\s*$/i.test(v)) return 0;
  return parseDurationFlag(v);
}

/** A share in (0, 1), e.g. a relative precision 0.02. */
export function parseShare(v: string): number {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n <= 0 || n >= 1) throw new InvalidArgumentError(`expected a number between 0 and 1, e.g. 0.02, got "${v}"`);
  return n;
}

/** `--timing`: "cycle" or "tlm". */
export function parseTiming(v: string): "cycle" | "tlm" {
  if (v !== "cycle" && v !== "tlm") throw new InvalidArgumentError(`expected cycle or tlm, got "${v}"`);
  return v;
}

/** `--cpu-model`: "trace" or "isa". */
export function parseCpuModel(v: string): "trace" | "isa" {
  if (v !== "trace" && v !== "isa") throw new InvalidArgumentError(`expected trace or isa, got "${v}"`);
  return v;
}
