/**
 * Where a report's results came from: flowsim's version, the commit it was built from, and the
 * command. Records that carry a `provenance` section (written by the run) are shown as they say;
 * otherwise the version is read from package.json and the commit from git, when this is a git
 * checkout (a copy without .git shows "unknown").
 */
import { execFileSync } from "node:child_process";
import { readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RunRecord } from "../scenarios/registry.ts";

const HERE = dirname(fileURLToPath(import.meta.url));

/** flowsim's version from its package.json. */
export function packageVersion(): string {
  try {
    return String((JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string }).version ?? "unknown");
  } catch {
    return "unknown";
  }
}

/** The commit of this checkout, with "+ local changes" when tracked files differ from it; undefined outside git. */
export function gitCommit(): string | undefined {
  const git = (...args: string[]) => execFileSync("git", args, { cwd: HERE, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 5000 }).trim();
  try {
    // flowsim's own checkout only: an installed package (node_modules inside a user's repository) has no commit of its own
    if (realpathSync(git("rev-parse", "--show-toplevel")) !== realpathSync(join(HERE, "..", ".."))) return undefined;
    const head = git("rev-parse", "HEAD");
    return git("status", "--porcelain", "--untracked-files=no") === "" ? head : `${head} + local changes`;
  } catch {
    return undefined;
  }
}

/** The provenance lines of a report: the records' own `provenance` (each distinct one) or what this installation says. */
export function provenanceOf(runs: RunRecord[], command: string): Record<string, string>[] {
  // per run: which flowsim and command (each run's own seed, shard, board and workload are in results.json)
  const own = runs.map((r) => r["provenance"]).filter((p): p is Record<string, unknown> => typeof p === "object" && p !== null)
    .map((p) => Object.fromEntries(Object.entries(p).filter(([k]) => !["seed", "shard", "board", "workload"].includes(k)).map(([k, v]) => [k, k === "command" && Array.isArray(v) ? `flowsim ${v.join(" ")}` : v])));
  const distinct = [...new Map(own.map((p) => [JSON.stringify(p), p])).values()];
  if (distinct.length > 0) return distinct.map((p) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])));
  return [{ version: packageVersion(), commit: gitCommit() ?? "unknown (not a git checkout)", command }];
}
