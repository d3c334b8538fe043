/** Provenance in every result, and merge refusing what does not belong together (#19 item 5). */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadBoard } from "../../src/hw/boards/load.ts";
import { WORKLOADS } from "../../src/scenarios/workloads.ts";
import { root, simIn } from "./sim.ts";

const dir = mkdtempSync(join(tmpdir(), "flowsim-provenance-"));
const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
const read = (f: string) => JSON.parse(readFileSync(f, "utf8")).runs as Record<string, any>[];

describe("provenance", () => {
  it("every record says which flowsim, commit and command made it, with its seed, board and workload resolved", async () => {
    const board = join(dir, "fast.json");
    writeFileSync(board, JSON.stringify({ ...loadBoard("5A").ok && (loadBoard("5A") as { board: object }).board, name: "5A-fast", cpu: { model: "R4700", clockHz: 200_000_000 } }));
    const compare = ["compare", "--boards", `5E,${board}`, "--duration", "1ms", "--warmup", "1ms", "--capacity", "none", "--replications", "2", "--seed", "9", "--json", join(dir, "c.json"), "--quiet"];
    const run = ["run", "router-pool", "--board", "5B", "--duration", "1ms", "--seed", "3", "--json", join(dir, "r.json"), "--quiet"];
    // the CLI in this process (provenance is the records' content; the process's own node and commit are this one's)
    for (const args of [compare, run]) {
      const r = await simIn(...args);
      expect(r.code, r.err).toBe(0);
    }
    const [e, fast] = read(join(dir, "c.json"));
    for (const rec of [e!, fast!]) {
      expect(rec["provenance"].flowsim).toBe(version);
      expect(rec["provenance"].commit).toMatch(new RegExp(`^${head}( \\+ local changes)?$`));
      expect(rec["provenance"].node).toBe(process.version);
      expect(rec["provenance"].command).toEqual(compare);
      expect(rec["provenance"].seed).toBe(9);
      expect(rec["provenance"].workload).toMatchObject({ name: "mixed", ...WORKLOADS.mixed, settings: { seed: 9, replications: 2, durationPs: 1e9, load: 1 } });
    }
    expect(e!["provenance"].board).toEqual((loadBoard("5E") as { board: object }).board);
    expect(fast!["provenance"].board).toEqual((loadBoard(board) as { board: object }).board);
    expect(fast!["provenance"].board.cpu.clockHz).toBe(200_000_000);
    const [pool] = read(join(dir, "r.json"));
    expect(pool!["provenance"]).toMatchObject({ flowsim: version, command: run, seed: 3, board: (loadBoard("5B") as { board: object }).board, workload: { settings: { durationPs: 1e9, load: 1 } } });
  }, 60_000);

  it("merge refuses a shard given twice, shards of different commands or versions, and records without provenance", async () => {
    const base = ["sweep", "--board", "5E", "--loads", "0.5:1:0.5", "--duration", "1ms", "--warmup", "1ms", "--quiet"];
    for (const args of [
      [...base, "--shard", "1/2", "--json", join(dir, "s1.json")],
      [...base, "--shard", "2/2", "--json", join(dir, "s2.json")],
      [...base.map((x) => (x === "1ms" ? "2ms" : x)), "--shard", "2/2", "--json", join(dir, "other.json")],
    ]) {
      const r = await simIn(...args);
      expect(r.code, r.err).toBe(0);
    }
    const s1 = join(dir, "s1.json"), s2 = join(dir, "s2.json");
    expect(read(s1)[0]!["provenance"].shard).toBe("1/2");
    const older = join(dir, "older.json"), bare = join(dir, "bare.json");
    writeFileSync(older, JSON.stringify({ schema: 1, runs: read(s2).map((r) => ({ ...r, provenance: { ...r["provenance"], flowsim: "0.0.9" } })) }));
    writeFileSync(bare, JSON.stringify({ schema: 1, runs: read(s2).map(({ provenance: _, ...r }) => r) }));
    const cases: [string[], RegExp][] = [
      [[s1, s1], /^flowsim: merge: shard 1\/2 is both .*s1\.json and .*s1\.json$/],
      [[s1, join(dir, "other.json")], /^flowsim: merge: .*other\.json is from "flowsim sweep .*--duration 2ms.*", .*s1\.json from "flowsim sweep .*--duration 1ms.*"$/],
      [[s1, older], /^flowsim: merge: .*older\.json was written by flowsim 0\.0\.9 .*, .*s1\.json by flowsim /],
      [[s1, bare], /^flowsim: merge: .*bare\.json has records without provenance/],
    ];
    for (const [files, line] of cases) {
      const r = await simIn("merge", ...files);
      expect(r.code, files.join(" ")).toBe(2);
      expect(r.err.trim().split("\n"), files.join(" ")).toHaveLength(1);
      expect(r.err.trim()).toMatch(line);
    }
    const ok = await simIn("merge", s2, s1, "--json", "-");
    expect(ok.code, ok.err).toBe(0);
    expect(JSON.parse(ok.out).runs.map((r: { point: number }) => r.point)).toEqual([0, 1]);
  }, 60_000);
});
