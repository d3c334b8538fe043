/**
 * `flowsim study --vary PATH=V1,V2,... [--vary ...]`: a parameter study over any board field (a
 * dotted path into the board file: cpu.clockHz, interconnect.widthBits, cards[0].controllers,
 * dram.firstAccessClocks) or workload field (load, workload.inboundBpsPerRouter,
 * workload.outboundBpsPerServer, workload.flows, workload.packetsPerFlow), as the full grid, on the
 * worker threads and shards like sweep. Every point's board is validated before anything runs;
 * each record carries the point's values in `study`.
 */
import { PRESETS } from "../hw/boards/presets.ts";
import { parseBoard } from "../hw/boards/load.ts";
import type { BoardSpec } from "../hw/boards/schema.ts";
import { readRegularFile } from "../sim/input-file.ts";
import { UsageError } from "./errors.ts";
import { MIN_LOAD, MAX_LOAD } from "./options.ts";

export interface Vary {
  path: string;
  values: (number | string | boolean)[];
}

/** Workload fields a study may vary, beside `load`. */
export const WORKLOAD_FIELDS = ["inboundBpsPerRouter", "outboundBpsPerServer", "flows", "packetsPerFlow"] as const;
/** At most this many points in one study (a grid grows fast). */
export const MAX_STUDY_POINTS = 10_000;

function value(v: string): number | string | boolean {
  const t = v.trim();
  if (/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
  if (t === "true" || t === "false") return t === "true";
  return t;
}

/** `cpu.clockHz=80e6,100e6` -> { path, values }; repeated flags accumulate. */
export function parseVary(v: string, previous: Vary[] = []): Vary[] {
  const m = /^([A-Za-z_][\w.[\]]*)=(.+)$/.exec(v.trim());
  if (!m) throw new UsageError(`--vary: expected FIELD=V1,V2,..., e.g. cpu.clockHz=80e6,100e6, got "${v}"`);
  const values = m[2]!.split(",").filter((x) => x.trim() !== "").map(value);
  if (values.length === 0) throw new UsageError(`--vary ${m[1]}: no values`);
  if (previous.some((p) => p.path === m[1])) throw new UsageError(`--vary ${m[1]} given twice`);
  return [...previous, { path: m[1]!, values }];
}

/** Path segments: `cards[0].controllers` -> ["cards", 0, "controllers"]. */
function segments(path: string): (string | number)[] {
  return path.split(".").flatMap((p) => p.split(/[[\]]/).filter(Boolean).map((s) => (/^\d+$/.test(s) ? Number(s) : s)));
}

function setPath(target: Record<string, unknown>, path: string, v: unknown): void {
  const segs = segments(path);
  let o: Record<string | number, unknown> = target;
  for (const [i, s] of segs.entries()) {
    if (typeof s === "number" && Array.isArray(o) && s >= o.length) throw new UsageError(`--vary ${path}: ${segs.slice(0, i).join(".")} has ${o.length} entr${o.length === 1 ? "y" : "ies"} (indexes from 0)`);
    if (i === segs.length - 1) break;
    const next = o[s];
    if (next === undefined) o[s] = typeof segs[i + 1] === "number" ? [] : {};
    else if (typeof next !== "object" || next === null) throw new UsageError(`--vary ${path}: ${segs.slice(0, i + 1).join(".")} is not an object`);
    o = o[s] as Record<string | number, unknown>;
  }
  o[segs[segs.length - 1]!] = v;
}

/** The board file or preset as its input JSON (a study edits the input, then validates it). */
export function boardInput(name: string): Record<string, unknown> {
  const preset = PRESETS[name.toUpperCase()];
  if (preset) return structuredClone(preset) as Record<string, unknown>;
  let text: string;
  try {
    text = readRegularFile(name, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read board file ${name}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new UsageError(`${name}: not valid JSON: ${(e as Error).message}`);
  }
}

export interface StudyPoint {
  values: Record<string, number | string | boolean>;
  spec: BoardSpec;
  load: number;
  workload: Partial<Record<(typeof WORKLOAD_FIELDS)[number], number>>;
}

/** The full grid for each board, every point's board validated (one line naming the point and the field if one is not). */
export function studyGrid(boards: string[], vary: Vary[], load: number): StudyPoint[] {
  const n = boards.length * vary.reduce((k, v) => k * v.values.length, 1);
  if (n > MAX_STUDY_POINTS) throw new UsageError(`study: ${n} points, more than ${MAX_STUDY_POINTS}; vary fewer values`);
  const combos: Record<string, number | string | boolean>[] = vary.reduce<Record<string, number | string | boolean>[]>((acc, v) => acc.flatMap((c) => v.values.map((x) => ({ ...c, [v.path]: x }))), [{}]);
  const out: StudyPoint[] = [];
  for (const b of boards) {
    const base = boardInput(b);
    for (const values of combos) {
      const input = structuredClone(base);
      let l = load;
      const workload: StudyPoint["workload"] = {};
      for (const [path, x] of Object.entries(values)) {
        if (path === "load") {
          if (typeof x !== "number" || !(x >= MIN_LOAD && x <= MAX_LOAD)) throw new UsageError(`--vary load: expected numbers from ${MIN_LOAD} to ${MAX_LOAD}, got ${JSON.stringify(x)}`);
          l = x;
        } else if (path.startsWith("workload.")) {
          const f = path.slice("workload.".length) as (typeof WORKLOAD_FIELDS)[number];
          if (!WORKLOAD_FIELDS.includes(f)) throw new UsageError(`--vary ${path}: expected one of load, ${WORKLOAD_FIELDS.map((w) => `workload.${w}`).join(", ")} or a board field`);
          if (typeof x !== "number" || !(x > 0) || ((f === "flows" || f === "packetsPerFlow") && !Number.isInteger(x))) throw new UsageError(`--vary ${path}: expected positive ${f === "flows" || f === "packetsPerFlow" ? "integers" : "numbers"}, got ${JSON.stringify(x)}`);
          workload[f] = x;
        } else setPath(input, path, x);
      }
      const label = `${String(input["name"] ?? b)} ${Object.entries(values).map(([k, x]) => `${k}=${x}`).join(" ")}`;
      input["name"] = label;
      const r = parseBoard(input, `study point ${label}`);
      if (!r.ok) throw new UsageError(r.error);
      out.push({ values, spec: r.board, load: l, workload });
    }
  }
  return out;
}
