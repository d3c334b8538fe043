import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readPcap } from "../../src/net/pcap.ts";

const root = join(import.meta.dirname, "..", "..");
function sim(...args: string[]) {
  const r = spawnSync(process.execPath, [join(root, "node_modules/tsx/dist/cli.mjs"), join(root, "src/cli/main.ts"), ...args], { encoding: "utf8", cwd: root });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("flowsim CLI", () => {
  it("runs a user's scenario file by path", () => {
    const r = sim("run", "examples/custom-failover.ts", "--duration", "6ms", "--json", "-");
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.runs[0].scenario).toBe("custom-failover");
    expect(Object.keys(doc.runs[0].servers)).toEqual(["s0", "s1", "s2", "s3"]);
  });

  it("sweep writes a CSV row per load, with a header naming every field", () => {
    const r = sim("sweep", "--board", "5E", "--loads", "0.5:1:0.5", "--duration", "2ms", "--csv", "-");
    expect(r.code).toBe(0);
    const lines = r.out.trim().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^scenario,load,board,/);
    expect(lines[1]).toMatch(/^sweep,0\.5,5E,/);
  });

  it("lists scenarios", () => {
    const r = sim("list");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/demo-link/);
    expect(r.out).toMatch(/compare-boards/);
    expect(r.out).toMatch(/5F/);
  });

  it("bad flags, unknown scenarios and unwritable files: one line, exit code 2, no stack trace", () => {
    for (const args of [
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
      ["saturate", "--board", "9Z"],
      ["run", "./no/such/scenario.ts"],
      ["run", "package.json"],
      ["sweep", "--board", "5A", "--loads", "3:1:1"],
      ["sweep", "--loads", "1:2:1"],
      ["compare", "--duration", "1ms", "--csv", "/nonexistent/dir/x.csv"],
    ]) {
      const r = sim(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.err).not.toMatch(/\bat .*\.ts:\d+/);
    }
  });

  it("a run writes identical JSON for the same seed (apart from wall time), and a pcap that reads back", () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsim-cli-"));
    const run = () => {
      const r = sim("run", "demo-link", "--duration", "5ms", "--seed", "7", "--json", "-", "--pcap", dir);
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.out);
      for (const x of doc.runs) delete x.wallSeconds;
      return doc;
    };
    const a = run(), b = run();
    expect(a).toEqual(b);
    const rec = a.runs[0];
    expect(rec.frames.injected).toBe(rec.frames.delivered + rec.frames.inFlight + Object.values(rec.frames.dropped as Record<string, number>).reduce((s, n) => s + n, 0));
    const files = readdirSync(dir);
    expect(files).toContain("demo-link.sink.pcap");
    const p = readPcap(readFileSync(join(dir, "demo-link.sink.pcap")));
    expect(p.ok && p.value.records.length).toBe(rec.frames.delivered);
  });
});
