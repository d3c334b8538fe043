/**
 * FlowLog: what each client flow did, by flow serial: kind, client, start, completion (the last
 * response byte received), end, outcome, and per direction the frames and wire bytes the client
 * sent (in) and received (out). Completion-time histograms per kind are always kept; per-flow
 * records only when asked (`keepRecords`), in columns that double when full (amortised, not per
 * frame). `csv()` writes them for a spreadsheet or pandas.
 */
import { LatencyHistogram } from "../sim/stats/latency-histogram.ts";
import { KIND_COUNT, KIND_NAMES } from "./kinds.ts";

export const Outcome = { InProgress: 0, Completed: 1, Timeout: 2, Reset: 3, NoSlot: 4 } as const;
export const OUTCOME_NAMES = ["inProgress", "completed", "timeout", "reset", "noSlot"] as const;

export class FlowLog {
  private cap = 1024;
  count = 0;
  kind = new Uint8Array(this.cap);
  client = new Int32Array(this.cap);
  outcome = new Uint8Array(this.cap);
  start = new Float64Array(this.cap);
  complete = new Float64Array(this.cap);
  end = new Float64Array(this.cap);
  pktsIn = new Int32Array(this.cap);
  bytesIn = new Float64Array(this.cap);
  pktsOut = new Int32Array(this.cap);
  bytesOut = new Float64Array(this.cap);
  /** Per kind: started, and ended by outcome. */
  readonly started = new Float64Array(KIND_COUNT);
  readonly ended = Array.from({ length: KIND_COUNT }, () => new Float64Array(OUTCOME_NAMES.length));
  readonly completion = Array.from({ length: KIND_COUNT }, () => new LatencyHistogram());
  readonly kindPktsIn = new Float64Array(KIND_COUNT);
  readonly kindBytesIn = new Float64Array(KIND_COUNT);
  readonly kindPktsOut = new Float64Array(KIND_COUNT);
  readonly kindBytesOut = new Float64Array(KIND_COUNT);

  constructor(readonly keepRecords: boolean) {}

  /** A new flow; returns its serial. */
  open(kind: number, client: number, now: number): number {
    const s = this.count++;
    this.started[kind]!++;
    if (this.keepRecords) {
      if (s >= this.cap) this.grow();
      this.kind[s] = kind;
      this.client[s] = client;
      this.start[s] = now;
      this.complete[s] = -1;
      this.end[s] = -1;
      this.outcome[s] = Outcome.InProgress;
      this.pktsIn[s] = this.pktsOut[s] = 0;
      this.bytesIn[s] = this.bytesOut[s] = 0;
    }
    return s;
  }

  sentIn(s: number, kind: number, bytes: number): void {
    this.kindPktsIn[kind]!++;
    this.kindBytesIn[kind]! += bytes;
    if (this.keepRecords) {
      this.pktsIn[s]!++;
      this.bytesIn[s]! += bytes;
    }
  }

  receivedOut(s: number, kind: number, bytes: number): void {
    this.kindPktsOut[kind]!++;
    this.kindBytesOut[kind]! += bytes;
    if (this.keepRecords) {
      this.pktsOut[s]!++;
      this.bytesOut[s]! += bytes;
    }
  }

  completed(s: number, kind: number, startPs: number, now: number): void {
    this.completion[kind]!.record(now - startPs);
    if (this.keepRecords) this.complete[s] = now;
  }

  finish(s: number, kind: number, outcome: number, now: number): void {
    this.ended[kind]![outcome]!++;
    if (this.keepRecords) {
      this.outcome[s] = outcome;
      this.end[s] = now;
    }
  }

  private grow(): void {
    this.cap *= 2;
    const g = <T extends Uint8Array | Int32Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(this.cap);
      b.set(a);
      return b;
    };
    this.kind = g(this.kind);
    this.client = g(this.client);
    this.outcome = g(this.outcome);
    this.start = g(this.start);
    this.complete = g(this.complete);
    this.end = g(this.end);
    this.pktsIn = g(this.pktsIn);
    this.bytesIn = g(this.bytesIn);
    this.pktsOut = g(this.pktsOut);
    this.bytesOut = g(this.bytesOut);
  }

  /** Per-kind summary for the run record. */
  read() {
    const out: Record<string, unknown> = {};
    for (let k = 0; k < KIND_COUNT; k++) {
      if (this.started[k] === 0) continue;
      const e = this.ended[k]!, h = this.completion[k]!.read();
      out[KIND_NAMES[k]!] = {
        started: this.started[k],
        ...Object.fromEntries(OUTCOME_NAMES.slice(1).map((n, i) => [n, e[i + 1]])),
        inProgress: this.started[k]! - e.reduce((s, x) => s + x, 0),
        in: { frames: this.kindPktsIn[k], bytes: this.kindBytesIn[k] },
        out: { frames: this.kindPktsOut[k], bytes: this.kindBytesOut[k] },
        completionUs: { count: h.count, mean: h.meanUs, p50: h.p50, p99: h.p99, max: h.max },
      };
    }
    return out;
  }

  /** One line per flow: serial, kind, client, times in µs, outcome, frames and bytes per direction. */
  csv(): string {
    const lines = ["flow,kind,client,start_us,completion_us,end_us,outcome,frames_in,bytes_in,frames_out,bytes_out"];
    const us = (ps: number) => (ps < 0 ? "" : (ps / 1e6).toFixed(3));
    for (let s = 0; s < (this.keepRecords ? this.count : 0); s++) {
      const done = this.complete[s]! >= 0 ? this.complete[s]! - this.start[s]! : -1;
      lines.push([s, KIND_NAMES[this.kind[s]!], this.client[s], us(this.start[s]!), us(done), us(this.end[s]!), OUTCOME_NAMES[this.outcome[s]!], this.pktsIn[s], this.bytesIn[s], this.pktsOut[s], this.bytesOut[s]].join(","));
    }
    return lines.join("\n") + "\n";
  }
}
