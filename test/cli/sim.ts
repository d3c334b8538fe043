/** Runs the CLI as a program (tsx on src/cli/main.ts) for the CLI tests; not a test file. */
import { execFile, spawnSync } from "node:child_process";
import { join } from "node:path";

export const root = join(import.meta.dirname, "..", "..");
const cli = [join(root, "node_modules/tsx/dist/cli.mjs"), join(root, "src/cli/main.ts")];

export interface SimResult { code: number | null; out: string; err: string }

/** The CLI as a child process, without blocking the test worker (long checks of many runs). */
export async function simAsync(...args: string[]): Promise<SimResult> {
  return simEnv({}, ...args);
}

/** simAsync with variables added to the environment (NO_COLOR, FORCE_COLOR...). */
export async function simEnv(env: Record<string, string>, ...args: string[]): Promise<SimResult> {
  return new Promise((done) => {
    execFile(process.execPath, [...cli, ...args], { encoding: "utf8", cwd: root, env: { ...process.env, ...env } }, (e, out, err) => done({ code: e ? (typeof e.code === "number" ? e.code : 1) : 0, out, err }));
  });
}

/** The CLI as a child process, waited for. */
export function sim(...args: string[]): SimResult {
  const r = spawnSync(process.execPath, [...cli, ...args], { encoding: "utf8", cwd: root });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The CLI in this process (runCli returns the exit code), stderr and stdout captured. */
export async function simIn(...args: string[]): Promise<SimResult> {
  const { runCli } = await import("../../src/cli/main.ts");
  const err: string[] = [], out: string[] = [];
  const we = process.stderr.write.bind(process.stderr), wo = process.stdout.write.bind(process.stdout);
  process.stderr.write = ((chunk: string | Uint8Array) => (err.push(String(chunk)), true)) as typeof process.stderr.write;
  process.stdout.write = ((chunk: string | Uint8Array) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
  let code: number;
  try {
    code = await runCli(["node", "flowsim", ...args]);
  } finally {
    process.stderr.write = we;
    process.stdout.write = wo;
  }
  return { code, out: out.join(""), err: err.join("") };
}
