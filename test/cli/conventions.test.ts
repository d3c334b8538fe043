/** The conventions of a well-behaved CLI (#19 item 6): --version, NO_COLOR and --no-color, flags that do not apply, progress on stderr. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root, simEnv, simIn } from "./sim.ts";

const ESC = "\u001b[";

describe("CLI conventions", () => {
  it("--version prints package.json's version", async () => {
    const r = await simIn("--version");
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version);
  });

  it("a flag that does not apply to the command or scenario: one line naming it, exit 2", async () => {
    const cases: [string[], RegExp][] = [
      [["run", "demo-link", "--board", "5A"], /--board does not apply to demo-link/],
      [["run", "demo-link", "--boards", "5A,5B"], /--boards does not apply to demo-link/],
      [["run", "demo-link", "--workload", "mixed"], /--workload does not apply to demo-link/],
      [["run", "server-failover", "--hosts", "x.json"], /--hosts does not apply to server-failover/],
      [["run", "router-pool", "--replay", "c.pcap"], /--replay does not apply to router-pool/],
      [["run", "compare-boards", "--flows", "f.csv"], /--flows does not apply to compare-boards/],
      [["run", "hosts", "--workload", "mixed"], /--workload does not apply to the hosts scenario/],
      [["sweep", "--board", "5A", "--loads", "1:2:1", "--load", "2"], /--load does not apply to sweep/],
      [["saturate", "--board", "5A", "--load", "2"], /--load does not apply to saturate/],
      [["controllers", "--load", "2"], /--load does not apply to controllers/],
    ];
    for (const [args, line] of cases) {
      const r = await simIn(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.err, args.join(" ")).toMatch(line);
    }
  });

  it("NO_COLOR (set, not empty) turns chalk's colours off even where the terminal has them", async () => {
    const { default: chalk } = await import("chalk");
    const saved = process.env["NO_COLOR"];
    try {
      for (const [value, level] of [["", 3], ["1", 0]] as const) {
        chalk.level = 3;
        process.env["NO_COLOR"] = value;
        expect((await simIn("list")).code).toBe(0);
        expect(chalk.level, `NO_COLOR="${value}"`).toBe(level);
      }
    } finally {
      if (saved === undefined) delete process.env["NO_COLOR"];
      else process.env["NO_COLOR"] = saved;
    }
  });

  it("colours: on when forced, off with --no-color; progress on stderr, a line per point when piped, none with --quiet", async () => {
    const args = ["compare", "--boards", "5A,5F", "--duration", "1ms", "--warmup", "1ms", "--capacity", "none", "--replications", "1", "--workers", "1"];
    const [forced, flag, quiet] = await Promise.all([
      simEnv({ FORCE_COLOR: "1" }, ...args),
      simEnv({ FORCE_COLOR: "1" }, ...args, "--no-color"),
      simEnv({}, ...args, "--quiet"),
    ]);
    for (const r of [forced, flag, quiet]) expect(r.code, r.err).toBe(0);
    expect(forced.out).toContain(ESC);
    expect(flag.out).not.toContain(ESC);
    // stderr piped: one line per finished point, with the count, the share and an ETA
    const lines = flag.err.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^progress: 1\/2 points, 50 %, \d+ s elapsed, ETA \d+ s$/);
    expect(lines[1]).toMatch(/^progress: 2\/2 points, 100 %, \d+ s elapsed, ETA 0 s$/);
    expect(quiet.err).toBe("");
    expect(quiet.out).toBe("");
  }, 60_000);
});
