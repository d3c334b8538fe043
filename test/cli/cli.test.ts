import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readCapture } from "../../src/net/capture-read.ts";

const root = join(import.meta.dirname, "..", "..");
/** The same, without blocking the test worker (long checks of many runs). */
async function simAsync(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [join(root, "node_modules/tsx/dist/cli.mjs"), join(root, "src/cli/main.ts"), ...args], { encoding: "utf8", cwd: root }, (e, out, err) => done({ code: e ? (typeof e.code === "number" ? e.code : 1) : 0, out, err }));
  });
}

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

  it("compare prints each board's simulation speed: frames per wall second, P, E and R", () => {
    const r = sim("compare", "--boards", "5A,5E", "--duration", "2ms", "--capacity", "none", "--replications", "1");
    expect(r.code).toBe(0);
    const lines = r.out.split("\n");
    const head = lines.findIndex((l) => l.includes("R sim s/wall s"));
    expect(head).toBeGreaterThan(0);
    for (const [i, board] of [[1, "5A"], [2, "5E"]] as const) {
      const cells = lines[head + i]!.trim().split(/\s+/);
      expect(cells[0]).toBe(board);
      const [, fps, p, e, rr] = cells.map((c) => Number(c.replace(/,/g, "")));
      expect(fps).toBeGreaterThan(0);
      expect(e).toBeGreaterThan(1); // millions of events per simulated second on these boards
      expect(p! / e!).toBeCloseTo(rr!, 1); // P = E x R
    }
  }, 30_000);

  it("lists scenarios", () => {
    const r = sim("list");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/demo-link/);
    expect(r.out).toMatch(/compare-boards/);
    expect(r.out).toMatch(/5F/);
  });

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

  it("a closed pipe ends the program quietly with status 0", () => {
    const r = spawnSync("bash", ["-c", "npx tsx src/cli/main.ts list | head -1; echo \"status ${PIPESTATUS[0]}\""], { encoding: "utf8" });
    expect(r.stdout).toMatch(/status 0/);
    expect(r.stderr).not.toMatch(/EPIPE/);
  });

  it("the hosts scenario runs a user's hosts file and writes a line per flow", () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsim-hosts-cli-"));
    const cfg = join(dir, "hosts.json"), csv = join(dir, "flows.csv");
    writeFileSync(cfg, JSON.stringify({ mix: { web: 1, dns: 1, radius: 0, esp: 0 }, arrivals: { kind: "open", rate: { flowsPerSec: 2000 } } }));
    const r = sim("run", "hosts", "--board", "5F", "--duration", "10ms", "--hosts", cfg, "--flows", csv, "--json", "-", "--report", join(dir, "report"));
    expect(r.code, r.err).toBe(0);
    const run = JSON.parse(r.out).runs[0];
    expect(Object.keys(run.hosts.flows.byKind).sort()).toEqual(["dns", "web"]);
    const lines = readFileSync(csv, "utf8").trim().split("\n");
    expect(lines[0]).toBe("flow,kind,client,start_us,completion_us,end_us,outcome,frames_in,bytes_in,frames_out,bytes_out");
    expect(lines.length - 1).toBe(run.hosts.flows.started);
    // throughput, latency (one-way, each direction) and utilisation charts
    expect(readdirSync(join(dir, "report")).filter((f) => f.endsWith(".svg")).length).toBe(3);
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

describe("results JSON", () => {
  it("validates against the documented schema (compare, saturate, a failover scenario)", async () => {
    const { BoardRunSchema, CapacitySchema, ResultsSchema, SaturationSchema } = await import("../../src/scenarios/results-schema.ts");
    // compare and saturate on 5F (port-limited: a short search), windows of 2 ms
    for (const args of [["compare", "--boards", "5F,5A", "--duration", "2ms", "--capacity", "none"], ["compare", "--boards", "5F", "--duration", "2ms"], ["saturate", "--board", "5F", "--duration", "2ms"], ["run", "server-failover", "--duration", "6ms"]]) {
      const r = sim(...args, "--json", "-");
      expect(r.code, args.join(" ")).toBe(0);
      const doc = JSON.parse(r.out);
      expect(() => ResultsSchema.parse(doc)).not.toThrow();
      for (const run of doc.runs) {
        const v = BoardRunSchema.safeParse(run);
        expect(v.success, `${args.join(" ")}: ${v.success ? "" : JSON.stringify(v.error.issues[0])}`).toBe(true);
        for (const [key, schema] of [["saturation", SaturationSchema], ["capacity", CapacitySchema]] as const) {
          if (!(key in run)) continue;
          const s = schema.safeParse(run[key]);
          expect(s.success, `${args.join(" ")} ${key}: ${s.success ? "" : JSON.stringify(s.error.issues[0])}`).toBe(true);
        }
      }
    }
  });
});

describe("traces of a board run", () => {
  const has = (cmd: string) => spawnSync("which", [cmd]).status === 0;
  it("--pcap writes one pcapng that tshark reads cleanly; --vcd a PCI trace that vcd2fst converts", () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsim-traces-"));
    const r = sim("run", "ipsec-and-udp", "--board", "5A", "--duration", "2ms", "--pcap", dir, "--vcd", join(dir, "pci.vcd"), "--quiet");
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

describe("the package's bin", () => {
  it("runs from any directory with the package's tsconfig (class fields assigned: see docs/performance.md, garbage)", () => {
    const cwd = mkdtempSync(join(tmpdir(), "flowsim-cwd-"));
    const r = spawnSync(process.execPath, [join(root, "bin/flowsim.js"), "list"], { encoding: "utf8", cwd });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("compare-boards");
    expect(JSON.parse(readFileSync(join(root, "tsconfig.json"), "utf8")).compilerOptions.useDefineForClassFields).toBe(false);
    expect(readFileSync(join(root, "bin/flowsim.js"), "utf8")).toContain('"--tsconfig"');
    expect(readFileSync(join(root, "src/parallel/worker-boot.mjs"), "utf8")).toContain("tsconfig:");
  }, 30_000);
});

describe("shards and workers", () => {
  it("two shards merged equal the unsharded run, and two workers equal one (apart from wall time)", () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsim-shards-"));
    const base = ["sweep", "--board", "5E", "--loads", "0.5:2:0.5", "--duration", "2ms", "--warmup", "2ms", "--workers", "1", "--quiet"];
    expect(sim(...base, "--json", join(dir, "all.json")).code).toBe(0);
    expect(sim(...base, "--shard", "1/2", "--json", join(dir, "s1.json")).code).toBe(0);
    expect(sim(...base, "--shard", "2/2", "--json", join(dir, "s2.json")).code).toBe(0);
    expect(sim(...base, "--workers", "2", "--json", join(dir, "w2.json")).code).toBe(0);
    const m = sim("merge", join(dir, "s2.json"), join(dir, "s1.json"), "--json", "-");
    expect(m.code).toBe(0);
    const strip = (d: { runs: Record<string, unknown>[] }) => d.runs.map((r) => ({ ...r, wallSeconds: 0 }));
    const all = strip(JSON.parse(readFileSync(join(dir, "all.json"), "utf8")));
    expect(strip(JSON.parse(m.out))).toEqual(all);
    expect(strip(JSON.parse(readFileSync(join(dir, "w2.json"), "utf8")))).toEqual(all);
    expect(all).toHaveLength(4);
    expect(sim("merge", join(dir, "nope.json")).code).toBe(2);
    expect(sim(...base, "--shard", "3/2").code).toBe(2);
  }, 60_000);
});
