/** --pcap and --vcd from the command line: traces that read back, bad paths refused, nothing left by a crash. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readCapture } from "../../src/net/capture-read.ts";
import { root, simAsync, simIn } from "./sim.ts";

describe("traces of a board run", () => {
  const has = (cmd: string) => spawnSync("which", [cmd]).status === 0;
  // the CLI in this process (the trace files are what is checked; the program's exit code and line: the next test)
  it("--pcap writes one pcapng that tshark reads cleanly; --vcd a PCI trace that vcd2fst converts", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsim-traces-"));
    const r = await simIn("run", "ipsec-and-udp", "--board", "5A", "--duration", "2ms", "--pcap", dir, "--vcd", join(dir, "pci.vcd"), "--quiet");
    expect(r.code, r.err).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(["5A.pcapng", "pci.vcd"]);
    const p = readCapture(readFileSync(join(dir, "5A.pcapng")));
    expect(p.ok && p.value.records.length).toBeGreaterThan(100);
    if (has("tshark")) {
      const bad = spawnSync("tshark", ["-r", join(dir, "5A.pcapng"), "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-Y", "ip.checksum.status == 0 || tcp.checksum.status == 0 || udp.checksum.status == 0 || _ws.malformed || _ws.expert.severity >= 8388608", "-T", "fields", "-e", "frame.number"], { encoding: "utf8" });
      expect(bad.stdout.trim()).toBe("");
    }
    if (has("vcd2fst")) expect(spawnSync("vcd2fst", [join(dir, "pci.vcd"), join(dir, "pci.fst")]).status).toBe(0);
  });

  it("trace paths that cannot be written are refused in one line before the run; a crash leaves no trace files", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsim-badtrace-"));
    writeFileSync(join(dir, "file"), "x");
    // each refusal is checked in process (test/cli/trace-flags.test.ts); here, the command line's exit code and single line
    const procx = simAsync("run", "compare-boards", "--boards", "5A", "--duration", "50ms", "--pcap", "/proc/x");
    // a scenario that fails mid-run: exit 1, and no trace file, whole or partial
    const crash = join(dir, "crash.ts");
    writeFileSync(crash, `import { runBoard } from ${JSON.stringify(join(root, "src/scenarios/board-run.ts"))};\nimport { loadBoard } from ${JSON.stringify(join(root, "src/hw/boards/load.ts"))};\nexport default { name: "crash", description: "fails at 1 ms", defaultDurationPs: 2e9, run: (o) => [runBoard(loadBoard("5A").board, { ...o, script: (ctx) => ctx.at(1e9, () => { throw new Error("boom"); }) })] };\n`);
    const out = join(dir, "out");
    const [p, r] = await Promise.all([procx, simAsync("run", crash, "--pcap", out, "--vcd", join(out, "x.vcd"))]);
    expect([p.code, p.out, p.err.trim().split("\n").length]).toEqual([2, "", 1]);
    expect(p.err).toMatch(/^flowsim: --pcap \/proc\/x: cannot make the directory: /);
    expect(r.code).toBe(1);
    expect(readdirSync(out)).toEqual([]);
  }, 120_000);
});
