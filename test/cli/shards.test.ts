/**
 * Shards merged equal the unsharded run; two workers equal one. The runs are the CLI in this
 * process (what the test is about is the records, not the process); the refusal of a missing
 * file is the program's exit code, so it stays a child process.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sim, simIn } from "./sim.ts";

describe("shards and workers", () => {
  it("two shards merged equal the unsharded run, and two workers equal one (apart from wall time)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsim-shards-"));
    const base = ["sweep", "--board", "5E", "--loads", "0.5:2:0.5", "--duration", "2ms", "--warmup", "2ms", "--workers", "1", "--quiet"];
    expect((await simIn(...base, "--json", join(dir, "all.json"))).code).toBe(0);
    expect((await simIn(...base, "--shard", "1/2", "--json", join(dir, "s1.json"))).code).toBe(0);
    expect((await simIn(...base, "--shard", "2/2", "--json", join(dir, "s2.json"))).code).toBe(0);
    expect((await simIn(...base, "--workers", "2", "--json", join(dir, "w2.json"))).code).toBe(0);
    const m = await simIn("merge", join(dir, "s2.json"), join(dir, "s1.json"), "--json", "-");
    expect(m.code).toBe(0);
    // the same records apart from wall time and the command line in their provenance (--shard, --workers, --json differ)
    const strip = (d: { runs: Record<string, unknown>[] }) => d.runs.map((r) => ({ ...r, wallSeconds: 0, provenance: { ...(r["provenance"] as object), command: [], shard: undefined } }));
    const all = strip(JSON.parse(readFileSync(join(dir, "all.json"), "utf8")));
    expect(strip(JSON.parse(m.out))).toEqual(all);
    expect(strip(JSON.parse(readFileSync(join(dir, "w2.json"), "utf8")))).toEqual(all);
    expect(all).toHaveLength(4);
    expect(sim("merge", join(dir, "nope.json")).code).toBe(2);
    expect((await simIn(...base, "--shard", "3/2")).code).toBe(2);
  }, 60_000);
});
