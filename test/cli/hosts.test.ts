/** The hosts scenario from the command line: a user's hosts file, a line per flow, replayed captures. */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { simAsync, simIn } from "./sim.ts";

describe("flowsim CLI: hosts", () => {
  // the CLI in this process (the JSON, the flows file and the report are what is checked)
  it("the hosts scenario runs a user's hosts file and writes a line per flow", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsim-hosts-cli-"));
    const cfg = join(dir, "hosts.json"), csv = join(dir, "flows.csv");
    writeFileSync(cfg, JSON.stringify({ mix: { web: 1, dns: 1, radius: 0, esp: 0 }, arrivals: { kind: "open", rate: { flowsPerSec: 2000 } } }));
    const r = await simIn("run", "hosts", "--board", "5F", "--duration", "10ms", "--hosts", cfg, "--flows", csv, "--json", "-", "--report", join(dir, "report"));
    expect(r.code, r.err).toBe(0);
    const run = JSON.parse(r.out).runs[0];
    expect(Object.keys(run.hosts.flows.byKind).sort()).toEqual(["dns", "web"]);
    const lines = readFileSync(csv, "utf8").trim().split("\n");
    expect(lines[0]).toBe("flow,kind,client,start_us,completion_us,end_us,outcome,frames_in,bytes_in,frames_out,bytes_out");
    expect(lines.length - 1).toBe(run.hosts.flows.started);
    // throughput, latency (one-way, each direction) and utilisation charts
    expect(readdirSync(join(dir, "report")).filter((f) => f.endsWith(".svg")).length).toBe(3);
  });
});

describe("replay from the command line", () => {
  it("a capture with epoch timestamps replays; what became of each record is printed, not only in the JSON", async () => {
    const { PcapWriter } = await import("../../src/net/pcap.ts");
    const { CaptureEpoch } = await import("../../src/net/capture-epoch.ts");
    const { writeUdp } = await import("../../src/net/write.ts");
    const dir = mkdtempSync(join(tmpdir(), "flowsim-cli-replay-"));
    const w = PcapWriter.inMemory(new CaptureEpoch(1_733_000_000));
    const frame = new Uint8Array(128);
    const n = writeUdp(frame, 0x0200_5e00_000a, 0x0600_0000_0001, 0xc6120001, 0xc000020a, 40000, 53, 20);
    for (let i = 1; i <= 5; i++) w.write(i * 1e8, frame.slice(0, n)); // 0.1 ms apart
    w.write(6e8, new Uint8Array(0));
    writeFileSync(join(dir, "c.pcap"), w.bytes());
    const r = await simAsync("run", "hosts", "--board", "5A", "--duration", "2ms", "--replay", join(dir, "c.pcap"));
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/^replay: 6 records \(pcap\): \d sent; skipped: 1 empty$/m);
  }, 60_000);
});
