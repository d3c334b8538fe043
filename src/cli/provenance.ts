/**
 * Provenance in every result (#19 item 5): each record the CLI writes carries how to reproduce it:
 * flowsim's version and commit, Node's version, the command line, the seed (replications: their
 * seeds are in `replications.seeds`), the shard, and the resolved board and workload parameters.
 * `merge` uses it to refuse shards of different commands or versions, and a shard given twice.
 */
import type { BoardSpec } from "../hw/boards/schema.ts";
import { gitCommit, packageVersion } from "../report/provenance.ts";
import type { RunRecord } from "../scenarios/registry.ts";
import { UsageError } from "./errors.ts";

export interface Provenance {
  flowsim: string;
  commit: string;
  node: string;
  /** The command line as typed (after `flowsim`). */
  command: string[];
  seed: number;
  shard?: string;
  board?: BoardSpec;
  /** The workload: its name, its rates per router and server, and the run's settings. */
  workload?: Record<string, unknown>;
}

let commit: string | undefined;
/** The commit, looked up once per process. */
function commitOnce(): string {
  commit ??= gitCommit() ?? "unknown (not a git checkout)";
  return commit;
}

/** Adds `provenance` to each record that has none; `extra(r, k)` gives record k's board and workload. */
export function withProvenance(records: RunRecord[], argv: readonly string[], shard: string | undefined, extra: (r: RunRecord, k: number) => { board?: BoardSpec; workload?: Record<string, unknown> }): RunRecord[] {
  const base = { flowsim: packageVersion(), commit: commitOnce(), node: process.version, command: [...argv] };
  return records.map((r, k) => {
    if (r["provenance"]) return r;
    const x = extra(r, k);
    const p: Provenance = { ...base, seed: r.seed, ...(shard ? { shard } : {}), ...(x.board ? { board: x.board } : {}), ...(x.workload ? { workload: x.workload } : {}) };
    return { ...r, provenance: p };
  });
}

/** Flags that choose where results go or how fast they come, not what they are: left out when merge compares commands. */
const OUTPUT_FLAGS = new Set(["--shard", "--json", "--csv", "--report", "--workers", "--series-csv", "--pcap", "--vcd", "--flows"]);
const OUTPUT_SWITCHES = new Set(["--quiet", "--no-color"]);

/** The command line without its output and speed flags: shards of one study have the same. */
export function studyCommand(argv: readonly string[]): string {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!, eq = a.indexOf("="), flag = eq > 0 ? a.slice(0, eq) : a;
    if (OUTPUT_SWITCHES.has(a)) continue;
    if (OUTPUT_FLAGS.has(flag)) {
      if (eq < 0) i++;
      continue;
    }
    out.push(a);
  }
  return out.join(" ");
}

/** Checks that the files' records can be merged: provenance present, one command and version, no shard or point twice. */
export function checkMergeable(files: { file: string; runs: RunRecord[] }[]): void {
  let first: { file: string; p: Provenance } | undefined;
  const shards = new Map<string, string>(), points = new Map<number, string>();
  for (const { file, runs } of files) {
    const shard = (runs[0]?.["provenance"] as Provenance | undefined)?.shard;
    if (shard) {
      const seen = shards.get(shard);
      if (seen !== undefined) throw new UsageError(`merge: shard ${shard} is both ${seen} and ${file}`);
      shards.set(shard, file);
    }
    for (const r of runs) {
      const p = r["provenance"] as Provenance | undefined;
      if (!p || !Array.isArray(p.command)) throw new UsageError(`merge: ${file} has records without provenance (written by an older flowsim): cannot tell which study they belong to`);
      if (!first) first = { file, p };
      else {
        if (p.flowsim !== first.p.flowsim || p.commit !== first.p.commit) throw new UsageError(`merge: ${file} was written by flowsim ${p.flowsim} (${p.commit}), ${first.file} by flowsim ${first.p.flowsim} (${first.p.commit})`);
        if (studyCommand(p.command) !== studyCommand(first.p.command)) throw new UsageError(`merge: ${file} is from "flowsim ${studyCommand(p.command)}", ${first.file} from "flowsim ${studyCommand(first.p.command)}"`);
      }
      const point = r["point"];
      if (typeof point === "number") {
        const seen = points.get(point);
        if (seen !== undefined) throw new UsageError(`merge: point ${point} is in ${seen} and ${file}${p.shard ? ` (shard ${p.shard} given twice?)` : ""}`);
        points.set(point, file);
      }
    }
  }
}
