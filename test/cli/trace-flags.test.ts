/** The trace flags' parsing and the checks of output paths, in process (the CLI's exit code and one line: bad-input.test.ts, traces.test.ts). */
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/cli/errors.ts";
import { traceTargets } from "../../src/cli/trace-flags.ts";
import { runDemoLink } from "../../src/scenarios/demo-link.ts";
import { MS } from "../../src/sim/time.ts";

describe("trace flags", () => {
  const dir = mkdtempSync(join(tmpdir(), "flowsim-flags-"));
  writeFileSync(join(dir, "file"), "x");

  it("refuses, in one line naming the flag, every path or value that cannot work, before anything runs", () => {
    for (const [flags, msg] of [
      [{ pcap: "/proc/x" }, /^--pcap \/proc\/x: cannot make the directory: /],
      [{ vcd: "/proc/x" }, /^--vcd \/proc\/x: cannot write files there: /],
      [{ pcap: join(dir, "file", "sub") }, /cannot make the directory: a part of the path is a file \(ENOTDIR\)$/],
      [{ vcd: dir }, /is a directory, expected a file name$/],
      [{ pcapPorts: "0" }, /^--pcap-ports applies only with --pcap$/],
      [{ vcdSignals: "pci.*" }, /^--vcd-signals applies only with --vcd$/],
      [{ pcap: dir, pcapFormat: "pcapx" }, /^--pcap-format: expected pcapng or pcap, got "pcapx"$/],
      [{ pcap: dir, pcapPorts: "0,,;" }, /^--pcap-ports: expected port numbers or host names/],
      [{ pcap: dir, pcapWindow: "5ms:1ms" }, /window's end must come after its start/],
      [{ pcap: dir, pcapWindow: "5ms" }, /^--pcap-window: expected FROM:TO/],
      [{ vcd: join(dir, "a.vcd"), vcdWindow: "1:2ms" }, /^--vcd-window: "1" is not a duration/],
      [{ pcap: dir, startTime: "yesterday" }, /^--start-time: expected an ISO 8601/],
    ] as const) {
      expect(() => traceTargets(flags), JSON.stringify(flags)).toThrow(UsageError);
      expect(() => traceTargets(flags)).toThrow(msg);
    }
    expect(readdirSync(dir)).toEqual(["file"]); // nothing left behind by the checks
  });

  it("reads good flags into the run's trace settings, making a missing directory", () => {
    const t = traceTargets({ pcap: join(dir, "new", "deeper"), pcapPorts: "0, s1", pcapWindow: ":2ms", vcd: join(dir, "v.vcd"), vcdWindow: "1ms:", vcdSignals: "pci.*,*.REQ#", startTime: "2024-05-01T12:00:00Z" });
    expect(t.pcapDir).toBe(join(dir, "new", "deeper"));
    expect(readdirSync(join(dir, "new"))).toEqual(["deeper"]);
    expect(t.trace).toMatchObject({ pcapPorts: ["0", "s1"], pcapWindow: { fromPs: 0, toPs: 2 * MS }, vcdWindow: { fromPs: 1 * MS, toPs: Infinity }, vcdSignals: ["pci.*", "*.REQ#"] });
    expect(String(t.trace!.startTime)).toBe("2024-05-01T12:00:00.000Z");
  });

  it("demo-link has no board to trace: --vcd is refused", () => {
    expect(() => runDemoLink({ seed: 1, durationPs: MS, load: 1, vcdPath: join(dir, "d.vcd") })).toThrow(/^--vcd: demo-link has no board/);
  });
});
