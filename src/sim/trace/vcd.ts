/**
 * A streaming Value Change Dump writer (IEEE 1364-2005 §18), for GTKWave and other waveform
 * viewers. Timescale 1 ps, so simulation ticks are written as they are.
 *
 * - Hierarchy: each signal is declared with its scope path (board, component, sub-component),
 *   and the header nests them as `$scope module` blocks.
 * - Values: wires (1 bit), vectors (`b...`), and enumerations written as strings (`s<label>`,
 *   GTKWave's string variables; vcd2fst keeps them), so a bus phase reads "data", not 3.
 * - No zero-width glitches: only the value at the end of each instant is written. A signal that
 *   changes and changes back within one instant shows nothing; `#t` appears only when something
 *   changed at t.
 * - Constant memory: components may record changes ahead of time (a PCI bus knows its phases'
 *   edges when it grants), so changes wait in a small heap keyed by (time, order recorded) until
 *   simulated time has passed them, then go out through a ByteSink (64 KiB chunks, written to a
 *   temporary name and renamed when complete). Nothing is kept per change once written.
 * - Filters: `window` writes only [fromPs, toPs) (a `$dumpvars` of every value at its start);
 *   `select` declares only signals whose path matches one of its glob patterns (`*` any run of
 *   characters, `?` one), against the full path (`5A.pci.FRAME#`) or the path below the top
 *   scope (`pci.FRAME#`). A signal left out is returned with id -1 and costs one branch.
 */
import { ByteSink, TraceOutputError } from "./sink.ts";

export interface VcdSignal {
  /** Index in the writer, or -1 when a filter left the signal out. */
  readonly id: number;
  readonly path: string;
}

export interface VcdOptions {
  /** The simulation clock: changes before `now` are written out as the run goes. Without it, all is written at `close()`. */
  clock?: { readonly now: number };
  /** Text for `$version` and `$comment`. */
  version?: string;
  comment?: string;
  /** `$date` (default: none, so files are reproducible). */
  date?: string;
  window?: { fromPs: number; toPs: number };
  select?: readonly string[];
}

export interface SignalOptions {
  /** Bits of a vector (default 1: a wire). Ignored for enumerations. */
  width?: number;
  /** Initial value (an index into `values` for enumerations). Default 0. */
  init?: number;
  /** An enumeration's labels (no spaces): written as strings. */
  values?: readonly string[];
}

const KIND_WIRE = 0, KIND_VECTOR = 1, KIND_STRING = 2;

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
}

interface Decl {
  path: string[];
  name: string;
  code: string;
  kind: number;
  width: number;
}

export class VcdWriter {
  private readonly decls: Decl[] = [];
  private readonly codes: Uint8Array[] = [];
  private readonly kinds: number[] = [];
  private readonly widths: number[] = [];
  private readonly labels: Uint8Array[][] = [];
  private cur = new Float64Array(16);
  private written = new Float64Array(16);
  private touched = new Uint8Array(16);
  private touchedList = new Int32Array(16);
  private nTouched = 0;
  // pending changes: a binary heap on (time, seq)
  private hTime = new Float64Array(256);
  private hSeq = new Float64Array(256);
  private hSig = new Int32Array(256);
  private hVal = new Float64Array(256);
  private hSize = 0;
  private seq = 0;
  private sealed = false;
  private started = false;
  private ended = false;
  /** Instants before this have been written. */
  private flushedTo = 0;
  private readonly from: number;
  private readonly to: number;
  private readonly select: RegExp[] | undefined;
  /** Changes recorded for an instant already written (a component bug); written at the next instant. */
  late = 0;
  /** Value changes written (after glitch removal and the window). */
  changesWritten = 0;

  private constructor(private readonly sink: ByteSink, private readonly o: VcdOptions) {
    this.from = o.window?.fromPs ?? 0;
    this.to = o.window?.toPs ?? Infinity;
    this.select = o.select?.map(globToRegExp);
  }

  static toFile(path: string, o: VcdOptions = {}): VcdWriter {
    return new VcdWriter(ByteSink.toFile(path), o);
  }

  static inMemory(o: VcdOptions = {}): VcdWriter {
    return new VcdWriter(ByteSink.inMemory(), o);
  }

  /** Signals declared (those the filter kept). */
  get declared(): number {
    return this.decls.length;
  }

  /** Declares a signal `name` in scope `path`; returns it for `change` (id -1 if filtered out). */
  signal(path: readonly string[], name: string, so: SignalOptions = {}): VcdSignal {
    if (this.sealed) throw new Error("VCD: signals must be declared before the first change");
    const clean = (s: string) => s.replace(/\s/g, "_");
    const p = path.map(clean), n = clean(name);
    const full = [...p, n].join(".");
    const below = [...p.slice(1), n].join(".");
    if (this.select && !this.select.some((r) => r.test(full) || r.test(below))) return { id: -1, path: full };
    const id = this.decls.length;
    let k = id, code = "";
    do {
      code += String.fromCharCode(33 + (k % 94));
      k = Math.floor(k / 94);
    } while (k > 0);
    const kind = so.values ? KIND_STRING : (so.width ?? 1) === 1 ? KIND_WIRE : KIND_VECTOR;
    const width = kind === KIND_VECTOR ? so.width! : 1;
    if (kind === KIND_VECTOR && !(width >= 2 && width <= 32)) throw new RangeError(`VCD: ${full}: width ${width} must be 1 to 32`);
    this.decls.push({ path: p, name: n, code, kind, width });
    this.codes.push(Uint8Array.from(`${code}\n`, (c) => c.charCodeAt(0)));
    this.kinds.push(kind);
    this.widths.push(width);
    this.labels.push((so.values ?? []).map((v) => Uint8Array.from(clean(v), (c) => c.charCodeAt(0))));
    if (id >= this.cur.length) {
      const grow = (a: Float64Array) => Float64Array.from({ length: 2 * a.length }, (_, i) => a[i] ?? 0);
      this.cur = grow(this.cur);
      this.written = grow(this.written);
      this.touched = new Uint8Array(2 * this.touched.length);
      this.touchedList = new Int32Array(2 * this.touchedList.length);
    }
    this.cur[id] = this.written[id] = so.init ?? 0;
    return { id, path: full };
  }

  /** Ends the declarations and writes the header (at the first change, or call it to check the filter before a run). */
  seal(): void {
    if (this.sealed) return;
    this.sealed = true;
    if (this.select && this.decls.length === 0) throw new TraceOutputError(`--vcd-signals: no signal matches ${this.o.select!.join(",")}`);
    const s = this.sink, o = this.o;
    if (o.date) s.ascii(`$date ${o.date} $end\n`);
    s.ascii(`$version ${o.version ?? "flowsim"} $end\n`);
    if (o.comment) s.ascii(`$comment\n${o.comment}\n$end\n`);
    s.ascii(`$timescale 1ps $end\n`);
    // scopes: declarations grouped by path, in order of first appearance
    const open: string[] = [];
    const order = this.decls.map((_, i) => i).sort((a, b) => {
      const pa = this.decls[a]!.path, pb = this.decls[b]!.path;
      for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
        if (pa[i] !== pb[i]) return this.firstSeen(pa.slice(0, i + 1)) - this.firstSeen(pb.slice(0, i + 1));
      }
      return pa.length - pb.length || a - b;
    });
    for (const i of order) {
      const d = this.decls[i]!;
      let common = 0;
      while (common < open.length && common < d.path.length && open[common] === d.path[common]) common++;
      while (open.length > common) (open.pop(), s.ascii("$upscope $end\n"));
      for (const name of d.path.slice(common)) (open.push(name), s.ascii(`$scope module ${name} $end\n`));
      const type = d.kind === KIND_STRING ? "string" : d.kind === KIND_WIRE ? "wire" : "reg";
      s.ascii(`$var ${type} ${d.kind === KIND_STRING ? 1 : d.width} ${d.code} ${d.name} $end\n`);
    }
    while (open.length) (open.pop(), s.ascii("$upscope $end\n"));
    s.ascii("$enddefinitions $end\n");
  }

  private firstSeen(prefix: string[]): number {
    return this.decls.findIndex((d) => prefix.every((p, i) => d.path[i] === p));
  }

  /** Records `value` for `sig` at `time` ps (now or later; an enumeration's value is a label index). */
  change(sig: VcdSignal, time: number, value: number): void {
    const id = sig.id;
    if (id < 0) return;
    if (!this.sealed) this.seal();
    const clock = this.o.clock;
    if (clock && this.hSize > 0 && this.hTime[0]! < clock.now) this.flushBefore(clock.now);
    if (time < this.flushedTo) {
      this.late++;
      time = this.flushedTo;
    }
    this.push(time, id, value);
  }

  private push(t: number, sig: number, v: number): void {
    if (this.hSize === this.hTime.length) {
      const n = 2 * this.hSize;
      const g = <T extends Float64Array | Int32Array>(a: T, b: T) => (b.set(a), b);
      this.hTime = g(this.hTime, new Float64Array(n));
      this.hSeq = g(this.hSeq, new Float64Array(n));
      this.hSig = g(this.hSig, new Int32Array(n));
      this.hVal = g(this.hVal, new Float64Array(n));
    }
    const s = this.seq++;
    let i = this.hSize++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = this.hTime[p]!;
      if (pt < t || (pt === t && this.hSeq[p]! < s)) break;
      this.move(p, i);
      i = p;
    }
    this.hTime[i] = t;
    this.hSeq[i] = s;
    this.hSig[i] = sig;
    this.hVal[i] = v;
  }

  private move(from: number, to: number): void {
    this.hTime[to] = this.hTime[from]!;
    this.hSeq[to] = this.hSeq[from]!;
    this.hSig[to] = this.hSig[from]!;
    this.hVal[to] = this.hVal[from]!;
  }

  /** Removes the heap's minimum into cur[] (marking its signal touched). */
  private pop(): void {
    const sig = this.hSig[0]!;
    this.cur[sig] = this.hVal[0]!;
    if (!this.touched[sig]) {
      this.touched[sig] = 1;
      this.touchedList[this.nTouched++] = sig;
    }
    const n = --this.hSize;
    if (n === 0) return;
    const t = this.hTime[n]!, s = this.hSeq[n]!, g = this.hSig[n]!, v = this.hVal[n]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && (this.hTime[c + 1]! < this.hTime[c]! || (this.hTime[c + 1] === this.hTime[c] && this.hSeq[c + 1]! < this.hSeq[c]!))) c++;
      if (t < this.hTime[c]! || (t === this.hTime[c] && s < this.hSeq[c]!)) break;
      this.move(c, i);
      i = c;
    }
    this.hTime[i] = t;
    this.hSeq[i] = s;
    this.hSig[i] = g;
    this.hVal[i] = v;
  }

  /** Writes every instant before `limit`. */
  private flushBefore(limit: number): void {
    while (this.hSize > 0 && this.hTime[0]! < limit) {
      const t = this.hTime[0]!;
      while (this.hSize > 0 && this.hTime[0] === t) this.pop();
      this.instant(t);
    }
    if (limit > this.flushedTo) this.flushedTo = limit;
  }

  /** The end of instant t: write what differs from the last written values. */
  private instant(t: number): void {
    if (!this.started && t >= this.from) {
      if (t === this.from) {
        this.settleTouched();
        this.dump(t);
        return;
      }
      this.dump(this.from);
    }
    if (!this.started || t >= this.to) {
      this.settleTouched();
      return;
    }
    let stamped = false;
    for (let k = 0; k < this.nTouched; k++) {
      const id = this.touchedList[k]!;
      this.touched[id] = 0;
      const v = this.cur[id]!;
      if (v === this.written[id]) continue;
      if (!stamped) {
        this.stamp(t);
        stamped = true;
      }
      this.written[id] = v;
      this.value(id, v);
    }
    this.nTouched = 0;
  }

  /** Takes the touched values as written (before the window, or at its start). */
  private settleTouched(): void {
    for (let k = 0; k < this.nTouched; k++) {
      const id = this.touchedList[k]!;
      this.touched[id] = 0;
      this.written[id] = this.cur[id]!;
    }
    this.nTouched = 0;
  }

  private lastStamp = -1;

  private stamp(t: number): void {
    this.lastStamp = t;
    const s = this.sink;
    s.ascii("#");
    s.decimal(t);
    s.ascii("\n");
  }

  private dump(t: number): void {
    this.started = true;
    this.stamp(t);
    this.sink.ascii("$dumpvars\n");
    for (let id = 0; id < this.decls.length; id++) this.value(id, this.written[id]!);
    this.sink.ascii("$end\n");
  }

  private value(id: number, v: number): void {
    const s = this.sink, code = this.codes[id]!;
    const kind = this.kinds[id]!;
    this.changesWritten++;
    if (kind === KIND_WIRE) {
      s.ensure(1 + code.length);
      s.buf[s.used] = v ? 49 : 48;
      s.buf.set(code, s.used + 1);
      s.advance(1 + code.length);
      return;
    }
    if (kind === KIND_STRING) {
      const label = this.labels[id]![v] ?? this.labels[id]![0]!;
      s.ensure(2 + label.length + code.length);
      s.buf[s.used] = 115; // "s"
      s.buf.set(label, s.used + 1);
      s.buf[s.used + 1 + label.length] = 32;
      s.buf.set(code, s.used + 2 + label.length);
      s.advance(2 + label.length + code.length);
      return;
    }
    const w = this.widths[id]!;
    s.ensure(2 + w + code.length);
    s.buf[s.used] = 98; // "b"
    let bits = 0;
    for (let b = w - 1; b >= 0; b--) {
      const bit = Math.floor(v / 2 ** b) % 2;
      if (bit || bits || b === 0) s.buf[s.used + 1 + bits++] = 48 + bit;
    }
    s.buf[s.used + 1 + bits] = 32;
    s.buf.set(code, s.used + 2 + bits);
    s.advance(2 + bits + code.length);
  }

  /** Writes what is pending and the final time (`endTime`, default the last change), and closes the file. */
  close(endTime?: number): void {
    if (this.ended) return;
    this.ended = true;
    this.seal();
    this.flushBefore(Infinity);
    if (!this.started) this.dump(this.from);
    const end = Math.min(endTime ?? 0, this.to);
    if (endTime !== undefined && end > this.lastStamp) this.stamp(end);
    this.sink.close();
  }

  /** Drops the file (a run that failed). */
  abort(): void {
    this.sink.abort();
  }

  /** The whole text (in-memory writers, after `close()`). */
  text(): string {
    return new TextDecoder().decode(this.sink.bytes());
  }
}
