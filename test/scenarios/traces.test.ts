/**
 * A board run's traces as the tools people use read them: the pcapng in tshark and capinfos, the
 * VCD in GTKWave's vcd2fst (and back with fst2vcd), checked against the models' own counts.
 * Tracing must change no result.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadBoard } from "../../src/hw/boards/load.ts";
import { readCapture } from "../../src/net/capture-read.ts";
import { runBoard, type BoardRunOptions } from "../../src/scenarios/board-run.ts";
import { MS } from "../../src/sim/time.ts";
import { edgesTo, parseVcd, valuesAt } from "../support/vcd-parse.ts";

const has = (cmd: string) => spawnSync("which", [cmd], { stdio: "ignore" }).status === 0;
const spec = (name: string) => {
  const b = loadBoard(name);
  if (!b.ok) throw new Error(b.error);
  return b.board;
};
type Fabric = { masters?: Record<string, { tenures: number; transactions: number }>; tenures?: number; endpoints?: Record<string, { written?: number; read?: number }> };
function run(board: string, o: Partial<BoardRunOptions> = {}, ms = 3) {
  let fabric: Fabric = {};
  // no warm-up: the waveform covers the whole run, and the fabric's counts must too (they restart at a warm-up's end)
  const r = runBoard(spec(board), { seed: 2, durationPs: ms * MS, load: 1.5, warmupPs: 0, finish: (ctx) => void (fabric = ctx.board.fabric.read(ctx.sim.now) as Fabric), ...o });
  return { record: JSON.stringify({ ...r, wallSeconds: 0 }), fabric };
}
const tmp = (p: string) => mkdtempSync(join(tmpdir(), `flowsim-${p}-`));

describe("tracing changes no result", () => {
  for (const b of ["5A", "5D", "5F"]) {
    it(`${b}: the same record with and without pcapng and VCD (events included)`, () => {
      const d = tmp("same");
      expect(run(b, { pcapDir: d, vcdPath: join(d, "t.vcd") }).record).toBe(run(b).record);
    });
  }
});

describe("VCD of a board run", () => {
  const d = tmp("vcd5a");
  const file = join(d, "5A.vcd");
  const { fabric } = run("5A", { vcdPath: file });
  const text = readFileSync(file, "utf8");
  const vcd = parseVcd(text);
  const masters = Object.keys(fabric.masters!);

  it("a scope per component under the board: the bus's pins, and REQ#/GNT# in each master's own scope", () => {
    expect(vcd.scopes).toEqual(expect.arrayContaining(["5A", "5A.pci", "5A.card510", "5A.card510.gt", "5A.card540.gt", "5A.cpuboard"]));
    for (const pin of ["FRAME#", "IRDY#", "TRDY#", "DEVSEL#", "owner", "phase"]) expect(vcd.signals).toContain(`5A.pci.${pin}`);
    for (const m of masters) for (const pin of ["REQ#", "GNT#"]) expect(vcd.signals).toContain(`5A.${m}.${pin}`);
    expect(text).toMatch(/\$var string 1 \S+ phase \$end/);
  });

  it("no zero-width glitches: each time once, each signal at most once per time", () => {
    expect(new Set(vcd.stamps).size).toBe(vcd.stamps.length);
    // every signal change at a time already seen for it, listed (one assertion, not one per change: there are ~10^5)
    const seen = new Set<string>(), twice: string[] = [];
    for (const c of vcd.changes) {
      const k = `${c.t} ${c.path}`;
      if (seen.has(k)) twice.push(k);
      seen.add(k);
    }
    expect(twice).toEqual([]);
  });

  it("GNT# and FRAME# assertions match the bus's grant counts; every grant answers a REQ#, every REQ# is granted", () => {
    let total = 0;
    for (const m of masters) {
      const gnt = edgesTo(vcd, `5A.${m}.GNT#`, "0");
      expect(gnt.length, m).toBe(fabric.masters![m]!.tenures);
      total += gnt.length;
      // REQ# is asserted at the end of every instant in which its master is granted (the grants where it is not, listed;
      // one pass over the changes for all of them, and one assertion, not one scan and one assertion per grant)
      const reqAtGrant = valuesAt(vcd, `5A.${m}.REQ#`, gnt);
      expect(gnt.filter((_, i) => reqAtGrant[i] !== "0").map((t) => `${m} at ${t}`)).toEqual([]);
      // and each REQ# assertion is followed by a grant before it is released: the first grant at or after it comes before
      // its release (the requests without one, listed)
      const req = edgesTo(vcd, `5A.${m}.REQ#`, "0"), rel = edgesTo(vcd, `5A.${m}.REQ#`, "1");
      const grants = Float64Array.from(gnt).sort(), unanswered: string[] = [];
      for (let i = 0; i < rel.length; i++) {
        const r = req[i];
        let lo = 0, hi = grants.length;
        while (r !== undefined && lo < hi) {
          const mid = (lo + hi) >> 1;
          if (grants[mid]! < r) lo = mid + 1;
          else hi = mid;
        }
        if (r === undefined || !(lo < grants.length && grants[lo]! < rel[i]!)) unanswered.push(`${m} request at ${r}`);
      }
      expect(unanswered).toEqual([]);
      expect(req.length).toBeGreaterThan(0);
      expect(req.length).toBeLessThanOrEqual(gnt.length);
    }
    expect(total).toBe(fabric.tenures);
    expect(edgesTo(vcd, "5A.pci.FRAME#", "0").length).toBe(fabric.tenures);
  });

  it.skipIf(!has("vcd2fst"))("vcd2fst converts it, and the FST keeps the hierarchy and every REQ# edge", () => {
    const r = spawnSync("vcd2fst", [file, join(d, "5A.fst")], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    if (!has("fst2vcd")) return;
    const back = parseVcd(execFileSync("fst2vcd", [join(d, "5A.fst")], { encoding: "utf8", maxBuffer: 1 << 28 }));
    expect(back.scopes).toEqual(vcd.scopes);
    for (const m of masters) expect(edgesTo(back, `5A.${m}.REQ#`, "0")).toEqual(edgesTo(vcd, `5A.${m}.REQ#`, "0"));
  });
});

describe("VCD of 5D's buffer memory arbiter and 5F's crossbar", () => {
  it("5D: owner and access in scope bma, bma_req/bma_gnt per endpoint; grants no more than accesses", () => {
    const d = tmp("vcd5d");
    const { fabric } = run("5D", { vcdPath: join(d, "5D.vcd") });
    const vcd = parseVcd(readFileSync(join(d, "5D.vcd"), "utf8"));
    expect(vcd.signals).toEqual(expect.arrayContaining(["5D.bma.owner", "5D.bma.access", "5D.cpuboard.bma_gnt"]));
    const accesses = Object.values(fabric.endpoints!).reduce((s, e) => s + e.written! + e.read!, 0);
    const grants = vcd.signals.filter((s) => s.endsWith(".bma_gnt")).reduce((s, p) => s + edgesTo(vcd, p, "1").length, 0);
    expect(grants).toBeGreaterThan(accesses / 2);
    expect(grants).toBeLessThanOrEqual(accesses); // back-to-back accesses of one endpoint hold bma_gnt
    if (has("vcd2fst")) expect(spawnSync("vcd2fst", [join(d, "5D.vcd"), join(d, "5D.fst")]).status).toBe(0);
  });

  it("5F: connections, and per port the output its input is connected to", () => {
    const d = tmp("vcd5f");
    run("5F", { vcdPath: join(d, "5F.vcd") });
    const vcd = parseVcd(readFileSync(join(d, "5F.vcd"), "utf8"));
    expect(vcd.signals).toContain("5F.crossbar.connections");
    const conn = vcd.signals.filter((s) => s.endsWith(".xbar_conn"));
    expect(conn.length).toBeGreaterThan(4);
    expect(vcd.changes.some((c) => c.path.endsWith(".xbar_conn") && c.v !== "idle")).toBe(true);
    if (has("vcd2fst")) expect(spawnSync("vcd2fst", [join(d, "5F.vcd"), join(d, "5F.fst")]).status).toBe(0);
  });

  it("--vcd-window and --vcd-signals keep the span and the signals asked for", () => {
    const d = tmp("vcdwin");
    run("5A", { vcdPath: join(d, "w.vcd"), trace: { vcdWindow: { fromPs: 1 * MS, toPs: 2 * MS }, vcdSignals: ["pci.FRAME#", "*.REQ#"] } });
    const vcd = parseVcd(readFileSync(join(d, "w.vcd"), "utf8"));
    expect(vcd.signals.every((s) => s === "5A.pci.FRAME#" || s.endsWith(".REQ#"))).toBe(true);
    expect(vcd.stamps[0]).toBe(1 * MS);
    expect(Math.max(...vcd.stamps)).toBeLessThanOrEqual(2 * MS);
  });
});

describe("pcapng of a board run", () => {
  const d = tmp("pcapng");
  const r = JSON.parse(run("5A", { pcapDir: d, scenario: "traces-test" }).record);
  const file = join(d, "5A.pcapng");

  it("one file per run, an interface per port named after its host, both directions of every port", () => {
    expect(readdirSync(d)).toEqual(["5A.pcapng"]);
    const c = readCapture(readFileSync(file));
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    expect(c.value.interfaces.map((i) => i.name)).toEqual(["port0-r0", "port1-r1", "port2-r2", "port3-r3", "port4-s0", "port5-s1", "port6-s2", "port7-s3"]);
    for (let i = 0; i < 8; i++) for (const dir of [1, 2]) expect(c.value.records.some((x) => x.iface === i && x.dir === dir), `port ${i} dir ${dir}`).toBe(true);
    expect(c.value.comment).toMatch(/SYNTHETIC FRAME TRAFFIC/);
    expect(c.value.comment).toMatch(/simulated time 0 is 1999-07-01T00:00:00\.000Z/);
    expect(c.value.records[0]!.sec).toBe(930_787_200);
    // the hosts received every delivered frame: the outbound records are at least the delivered data frames
    expect(c.value.records.filter((x) => x.dir === 2).length).toBeGreaterThanOrEqual(r.data.delivered);
  });

  it.skipIf(!has("tshark") || !has("capinfos"))("tshark: no malformed frames, no bad checksums, no expert errors; speeds and descriptions as written", () => {
    const bad = execFileSync("tshark", ["-r", file, "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-Y", "ip.checksum.status == 0 || tcp.checksum.status == 0 || udp.checksum.status == 0 || _ws.malformed || _ws.expert.severity >= 8388608", "-T", "fields", "-e", "frame.number"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    expect(bad.trim()).toBe("");
    // warnings remain: the board workload is synthetic frame traffic (TCP without handshakes, out of
    // order), which the section header says; the hosts' conversations are checked for none (test/hosts/wire.test.ts)
    const info = execFileSync("capinfos", [file], { encoding: "utf8" });
    expect(info.match(/Speed = 100000000/g)?.length).toBe(8);
    expect(info).toMatch(/Description = 5A port 4 \(card530\.gt port 0\), 100 Mb\/s, to server s0 \(192\.0\.2\.10, 02:00:00:00:02:00\)/);
  });

  it("--pcap-ports and --pcap-window keep the ports and the span asked for; --pcap-format pcap writes two files per port", () => {
    const e = tmp("pcapfilter");
    run("5A", { pcapDir: e, trace: { pcapPorts: ["0", "s1"], pcapWindow: { fromPs: 1 * MS, toPs: 2 * MS } } });
    const c = readCapture(readFileSync(join(e, "5A.pcapng")));
    expect(c.ok && c.value.interfaces.map((i) => i.name)).toEqual(["port0-r0", "port5-s1"]);
    if (c.ok) for (const x of c.value.records) expect(x.nsec >= 1_000_000 && x.nsec < 2_000_000, String(x.nsec)).toBe(true);
    const f = tmp("pcapclassic");
    run("5A", { pcapDir: f, trace: { pcapFormat: "pcap", pcapPorts: ["r2"] } });
    expect(readdirSync(f).sort()).toEqual(["5A-port2-in.pcap", "5A-port2-out.pcap"]);
    expect(() => run("5A", { pcapDir: f, trace: { pcapPorts: ["s9"] } })).toThrow(/^--pcap-ports: "s9" is neither a port of 5A \(0-7\) nor a host/);
  });

  it("a run that fails leaves nothing under the trace's name", () => {
    const e = tmp("crash");
    expect(() => run("5A", { pcapDir: e, vcdPath: join(e, "x.vcd"), script: (ctx) => ctx.at(1 * MS, () => { throw new Error("boom"); }) })).toThrow("boom");
    expect(existsSync(join(e, "5A.pcapng"))).toBe(false);
    expect(existsSync(join(e, "x.vcd"))).toBe(false);
  });
});
