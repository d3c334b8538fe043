/** Bad flags, names and files: one line, exit code 2, no stack trace. */
import { describe, expect, it } from "vitest";
import { simAsync } from "./sim.ts";

describe("flowsim CLI: bad input", () => {
  it("bad flags, unknown scenarios and unwritable files: one line, exit code 2, no stack trace", async () => {
    const cases = [
      ["run", "demo-link", "--duration", "20"],
      ["run", "demo-link", "--seed", "-4"],
      ["run", "demo-link", "--load", "zero"],
      ["run", "nosuch"],
      ["run", "demo-link", "--bogus"],
      ["frobnicate"],
      ["run", "demo-link", "--duration", "1ms", "--json", "/nonexistent/dir/x.json"],
      ["compare", "--boards", "5A,5Q"],
      ["compare", "--boards", "/nonexistent/board.json"],
      ["compare", "--workload", "nope", "--duration", "1ms"],
      ["compare", "--capacity", "sometimes", "--duration", "1ms"],
      ["saturate", "--board", "9Z"],
      ["saturate", "--board", "5A", "--precision", "2"],
      ["saturate", "--board", "5A", "--searches", "0"],
      ["saturate", "--board", "5A", "--searches", "3.5"],
      ["run", "./no/such/scenario.ts"],
      ["run", "package.json"],
      ["sweep", "--board", "5A", "--loads", "3:1:1"],
      ["sweep", "--loads", "1:2:1"],
      ["sweep", "--board", "5A", "--loads", "1:2:1", "--replications", "0"],
      ["compare", "--duration", "1ms", "--csv", "/nonexistent/dir/x.csv"],
      ["compare", "--duration", "1ms", "--json", "-", "--csv", "-"],
      ["controllers", "--counts", "0,4"],
      ["run", "hosts", "--board", "5F", "--duration", "1ms", "--hosts", "/nonexistent/hosts.json"],
      ["run", "hosts", "--board", "5F", "--duration", "1ms", "--hosts", "package.json"],
      ["run", "hosts", "--board", "5F", "--duration", "1ms", "--replay", "package.json"],
    ];
    // in this process (runCli returns the exit code; stderr captured): each case must be refused before anything runs
    const { runCli } = await import("../../src/cli/main.ts");
    for (const args of cases) {
      const err: string[] = [];
      const write = process.stderr.write.bind(process.stderr);
      process.stderr.write = ((chunk: string | Uint8Array) => (err.push(String(chunk)), true)) as typeof process.stderr.write;
      let code: number;
      try {
        code = await runCli(["node", "flowsim", ...args]);
      } finally {
        process.stderr.write = write;
      }
      const text = err.join("");
      expect(code, args.join(" ")).toBe(2);
      expect(text.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(text, args.join(" ")).toMatch(/^flowsim: /);
      expect(text).not.toMatch(/\bat .*\.ts:\d+/);
    }
    // and as a program: the exit code and the one line reach the shell
    const results = await Promise.all([["run", "nosuch"], ["compare", "--boards", "5Q"]].map((args) => simAsync(...args)));
    for (const r of results) {
      expect(r.code).toBe(2);
      expect(r.err.trim().split("\n")).toHaveLength(1);
    }
  }, 120_000);
});
