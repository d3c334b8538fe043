/**
 * A Value Change Dump writer (IEEE 1364 §18) for bus and queue signals, readable by GTKWave.
 * Timescale 1 ps, so simulation ticks are written as they are. Signals are declared up front
 * (wires of 1 or n bits), then `change(sig, time, value)` records a value. Components may record
 * changes ahead of time (a bus knows when its phases will change when it grants), so changes are
 * kept and sorted by (time, order recorded) when the file is written; a value equal to the
 * signal's previous one is dropped then. Output is written at `close()` (or returned by `text()`).
 */
import { writeFileSync } from "node:fs";

export interface VcdSignal {
  readonly code: string;
  readonly width: number;
}

export class VcdWriter {
  private readonly header: string[] = [];
  private readonly changes: { t: number; k: number; sig: VcdSignal; v: number }[] = [];
  private nextCode = 0;
  private sealed = false;
  private scopeDepth = 0;

  constructor(private readonly path?: string, comment = "flowsim") {
    this.header.push(`$date ${new Date(0).toUTCString()} $end`, `$version ${comment} $end`, `$timescale 1ps $end`);
  }

  scope(name: string): void {
    this.header.push(`$scope module ${name.replace(/\s/g, "_")} $end`);
    this.scopeDepth++;
  }

  upscope(): void {
    this.header.push(`$upscope $end`);
    this.scopeDepth--;
  }

  /** Declares a signal of `width` bits (1 = wire) in the current scope. */
  signal(name: string, width = 1): VcdSignal {
    if (this.sealed) throw new Error("VCD: signals must be declared before the first change");
    let n = this.nextCode++;
    let code = "";
    do {
      code += String.fromCharCode(33 + (n % 94));
      n = Math.floor(n / 94);
    } while (n > 0);
    this.header.push(`$var ${width === 1 ? "wire" : "reg"} ${width} ${code} ${name.replace(/\s/g, "_")} $end`);
    const sig = { code, width };
    this.changes.push({ t: 0, k: -1, sig, v: 0 }); // every signal starts at 0
    return sig;
  }

  private seal(): void {
    if (this.sealed) return;
    while (this.scopeDepth > 0) this.upscope();
    this.header.push(`$enddefinitions $end`);
    this.sealed = true;
  }

  /** Records `value` for `sig` at `time` ps. */
  change(sig: VcdSignal, time: number, value: number): void {
    this.seal();
    this.changes.push({ t: time, k: this.changes.length, sig, v: value });
  }

  text(): string {
    this.seal();
    const sorted = [...this.changes].sort((a, b) => a.t - b.t || a.k - b.k);
    const last = new Map<string, number>();
    const body: string[] = [];
    let time = -1;
    for (const c of sorted) {
      if (last.get(c.sig.code) === c.v) continue;
      last.set(c.sig.code, c.v);
      if (c.t !== time) {
        body.push(`#${c.t}`);
        time = c.t;
      }
      body.push(c.sig.width === 1 ? `${c.v ? 1 : 0}${c.sig.code}` : `b${(c.v >>> 0).toString(2)} ${c.sig.code}`);
    }
    if (this.end > time) body.push(`#${this.end}`);
    return this.header.join("\n") + "\n" + body.join("\n") + "\n";
  }

  private end = -1;

  close(endTime?: number): void {
    if (endTime !== undefined) this.end = endTime;
    if (this.path) writeFileSync(this.path, this.text());
  }
}
