/** A small VCD reader for tests: signal paths by code, and every value change with its time. */
export interface VcdChange {
  t: number;
  path: string;
  v: string;
}

export interface ParsedVcd {
  /** Full dotted paths of the declared signals, in declaration order. */
  signals: string[];
  /** Scopes (dotted paths) in the order declared. */
  scopes: string[];
  /** Changes in file order; $dumpvars values included. */
  changes: VcdChange[];
  /** Every `#t` line, in order. */
  stamps: number[];
}

export function parseVcd(text: string): ParsedVcd {
  const byCode = new Map<string, string>();
  const scope: string[] = [];
  const scopes: string[] = [];
  const signals: string[] = [];
  const changes: VcdChange[] = [];
  const stamps: number[] = [];
  const lines = text.split("\n");
  let i = 0;
  for (; i < lines.length; i++) {
    const w = lines[i]!.trim().split(/\s+/);
    if (w[0] === "$scope") {
      scope.push(w[2]!);
      scopes.push(scope.join("."));
    } else if (w[0] === "$upscope") scope.pop();
    else if (w[0] === "$var") {
      const path = [...scope, w[4]!].join(".");
      byCode.set(w[3]!, path);
      signals.push(path);
    } else if (w[0] === "$enddefinitions") break;
  }
  let t = 0;
  for (i++; i < lines.length; i++) {
    const l = lines[i]!.trim();
    if (l === "" || l.startsWith("$")) continue;
    if (l[0] === "#") {
      t = Number(l.slice(1));
      stamps.push(t);
    } else if (l[0] === "b" || l[0] === "s" || l[0] === "r") {
      const [v, code] = l.split(/\s+/);
      changes.push({ t, path: byCode.get(code!)!, v: l[0] === "b" ? String(parseInt(v!.slice(1), 2)) : v!.slice(1) });
    } else changes.push({ t, path: byCode.get(l.slice(1))!, v: l[0]! });
  }
  return { signals, scopes, changes, stamps };
}

/** Times at which `path` changed to `value` (its edges into that value). */
export function edgesTo(vcd: ParsedVcd, path: string, value: string): number[] {
  let last: string | undefined;
  const out: number[] = [];
  for (const c of vcd.changes) {
    if (c.path !== path) continue;
    if (c.v === value && last !== undefined && last !== value) out.push(c.t);
    last = c.v;
  }
  return out;
}

/** The value of `path` at the end of instant `t`. */
export function valueAt(vcd: ParsedVcd, path: string, t: number): string | undefined {
  let v: string | undefined;
  for (const c of vcd.changes) {
    if (c.t > t) break;
    if (c.path === path) v = c.v;
  }
  return v;
}

/** `valueAt` for many instants in one pass over the changes (the same answer for each; `times` in any order, answers in theirs). */
export function valuesAt(vcd: ParsedVcd, path: string, times: readonly number[]): (string | undefined)[] {
  const order = times.map((_, i) => i).sort((a, b) => times[a]! - times[b]!);
  const out: (string | undefined)[] = new Array(times.length);
  let v: string | undefined, q = 0;
  for (const c of vcd.changes) {
    // as valueAt: an instant's answer is the value before the first change later than it
    while (q < order.length && c.t > times[order[q]!]!) out[order[q++]!] = v;
    if (c.path === path) v = c.v;
  }
  while (q < order.length) out[order[q++]!] = v;
  return out;
}
