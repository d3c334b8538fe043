/**
 * Message size distributions for requests and responses, in application bytes: fixed, the simple
 * IMIX 7:4:1 (message sizes that fill one TCP segment to 64, 594 and 1518-byte frames: 6, 536 and
 * 1460 bytes), or empirical from a file. All are discrete, so the expected value of any function
 * of the size (frames, wire bytes) is exact: `expect(f)`.
 *
 * Empirical file format: one size per line, optionally followed by a weight ("1460 3" or
 * "1460,3"); blank lines and lines starting with # are ignored. Errors name the file and line.
 */
import { readRegularFile } from "../sim/input-file.ts";
import type { RandomStream } from "../sim/random.ts";

export type SizeSpec = { kind: "fixed"; bytes: number } | { kind: "imix" } | { kind: "empirical"; file: string } | { kind: "table"; sizes: number[]; weights?: number[] };

/** Largest message a host sends (bytes): 16 MB. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export class SizeDistribution {
  /** Cumulative weights (last = total) and the sizes they select. */
  private readonly cum: Float64Array;
  readonly sizes: Int32Array;
  readonly weights: Float64Array;
  readonly mean: number;

  constructor(readonly label: string, sizes: number[], weights: number[]) {
    if (sizes.length === 0) throw new RangeError(`${label}: no sizes`);
    this.sizes = Int32Array.from(sizes);
    this.weights = Float64Array.from(weights);
    this.cum = new Float64Array(sizes.length);
    let t = 0;
    for (let i = 0; i < sizes.length; i++) this.cum[i] = t += weights[i]!;
    this.mean = this.expect((s) => s);
  }

  /** E[f(size)], exactly. */
  expect(f: (bytes: number) => number): number {
    let s = 0;
    for (let i = 0; i < this.sizes.length; i++) s += this.weights[i]! * f(this.sizes[i]!);
    return s / this.cum[this.cum.length - 1]!;
  }

  sample(r: RandomStream): number {
    if (this.sizes.length === 1) return this.sizes[0]!;
    const x = r.nextDouble() * this.cum[this.cum.length - 1]!;
    let lo = 0, hi = this.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cum[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return this.sizes[lo]!;
  }
}

export type SizeResult = { ok: true; value: SizeDistribution } | { ok: false; error: string };

function check(label: string, sizes: number[], weights: number[]): string | undefined {
  for (let i = 0; i < sizes.length; i++) {
    const s = sizes[i]!, w = weights[i]!;
    if (!Number.isInteger(s) || s < 0 || s > MAX_MESSAGE_BYTES) return `${label}: size ${s} must be an integer number of bytes in [0, ${MAX_MESSAGE_BYTES}]`;
    if (!(w > 0) || !Number.isFinite(w)) return `${label}: weight ${w} of size ${s} must be a positive number`;
  }
  return sizes.length === 0 ? `${label}: no sizes` : undefined;
}

/** Parses an empirical size file's text. */
export function parseSizeFile(text: string, file: string): SizeResult {
  const sizes: number[] = [], weights: number[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "" || line.startsWith("#")) continue;
    const parts = line.split(/[\s,]+/);
    const s = Number(parts[0]), w = parts.length > 1 ? Number(parts[1]) : 1;
    if (parts.length > 2 || !Number.isInteger(s) || s < 0 || s > MAX_MESSAGE_BYTES || !(w > 0) || !Number.isFinite(w)) {
      return { ok: false, error: `${file}:${i + 1}: expected "<bytes> [weight]" with bytes an integer in [0, ${MAX_MESSAGE_BYTES}] and weight > 0, got "${line}"` };
    }
    sizes.push(s);
    weights.push(w);
  }
  if (sizes.length === 0) return { ok: false, error: `${file}: no sizes (one "<bytes> [weight]" per line)` };
  return { ok: true, value: new SizeDistribution(file, sizes, weights) };
}

/** The distribution a spec names (reads the file of an empirical one). */
export function sizeDistribution(spec: SizeSpec, label: string): SizeResult {
  switch (spec.kind) {
    case "fixed": {
      const e = check(label, [spec.bytes], [1]);
      return e ? { ok: false, error: e } : { ok: true, value: new SizeDistribution(`${label} fixed ${spec.bytes}`, [spec.bytes], [1]) };
    }
    case "imix":
      return { ok: true, value: new SizeDistribution(`${label} imix`, [6, 536, 1460], [7, 4, 1]) };
    case "table": {
      const w = spec.weights ?? spec.sizes.map(() => 1);
      if (w.length !== spec.sizes.length) return { ok: false, error: `${label}: ${spec.sizes.length} sizes but ${w.length} weights` };
      const e = check(label, spec.sizes, w);
      return e ? { ok: false, error: e } : { ok: true, value: new SizeDistribution(label, spec.sizes, w) };
    }
    case "empirical": {
      let text: string;
      try {
        text = readRegularFile(spec.file, "utf8");
      } catch (err) {
        return { ok: false, error: `${label}: cannot read size file ${spec.file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
      }
      return parseSizeFile(text, spec.file);
    }
  }
}
