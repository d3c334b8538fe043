/**
 * Runs a bench script (beside this file) in a fresh Node process with tsx's loader, and returns
 * the JSON of its last output line: for measurements that need a process of their own (peak
 * memory, or V8 flags such as `--single-threaded`).
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export function runChild<T>(script: string, args: string[], nodeFlags: string[] = []): T {
  const here = dirname(fileURLToPath(import.meta.url));
  const r = spawnSync(process.execPath, [...nodeFlags, "--import", "tsx", join(here, script), ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${script} failed: ${(r.stderr || r.stdout).trim().split("\n")[0]}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!) as T;
}
