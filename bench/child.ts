/**
 * Runs a bench script (beside this file) in a fresh Node process with tsx's loader, and returns
 * the JSON of its last output line (or its whole output): for measurements that need a process of
 * their own (peak memory, or V8 flags such as `--single-threaded` or `--trace-gc-nvp`).
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export function runChild<T>(script: string, args: string[], nodeFlags: string[] = []): T {
  return JSON.parse(childOutput(script, args, nodeFlags).trim().split("\n").at(-1)!) as T;
}

/** The child's whole standard output (V8's traces, printed by flags such as `--trace-gc-nvp`, included). */
export function childOutput(script: string, args: string[], nodeFlags: string[] = []): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const r = spawnSync(process.execPath, [...nodeFlags, "--import", "tsx", join(here, script), ...args], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${script} failed: ${(r.stderr || r.stdout).trim().split("\n")[0]}`);
  return r.stdout;
}
