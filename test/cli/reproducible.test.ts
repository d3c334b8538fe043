/** Same seed, same results: repeated runs, shards merged, worker counts. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readCapture } from "../../src/net/capture-read.ts";
import { sim, simIn } from "./sim.ts";

describe("flowsim CLI: reproducible", () => {
  it("a run writes identical JSON for the same seed (apart from wall time), and a pcap that reads back", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsim-cli-"));
    const args = ["run", "demo-link", "--duration", "5ms", "--seed", "7", "--json", "-", "--pcap", dir];
    const doc = (r: { code: number | null; out: string }) => {
      expect(r.code).toBe(0);
      const d = JSON.parse(r.out);
      for (const x of d.runs) delete x.wallSeconds;
      return d;
    };
    // a fresh program and this test process (which has run other tests' simulations before): the same bytes
    const a = doc(sim(...args)), b = doc(await simIn(...args));
    expect(a).toEqual(b);
    const rec = a.runs[0];
    expect(rec.frames.injected).toBe(rec.frames.delivered + rec.frames.inFlight + Object.values(rec.frames.dropped as Record<string, number>).reduce((s, n) => s + n, 0));
    const files = readdirSync(dir);
    expect(files).toContain("demo-link.pcapng");
    const p = readCapture(readFileSync(join(dir, "demo-link.pcapng")));
    expect(p.ok && p.value.records.length).toBe(rec.frames.delivered);
    if (spawnSync("which", ["tshark"]).status !== 0) return;
    // copies of the mix's templates read as traffic: no expert warnings or errors (there were 411 in 100 ms when copies were identical)
    const validate = ["-r", join(dir, "demo-link.pcapng"), "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE"];
    expect(spawnSync("tshark", [...validate, "-q", "-z", "expert,warn"], { encoding: "utf8" }).stdout).not.toMatch(/Errors|Warns/);
    const bad = spawnSync("tshark", [...validate, "-Y", "ip.checksum.status == 0 || tcp.checksum.status == 0 || udp.checksum.status == 0 || icmp.checksum.status == 0 || _ws.malformed", "-T", "fields", "-e", "frame.number"], { encoding: "utf8" });
    expect(bad.stdout.trim()).toBe("");
  });
});
