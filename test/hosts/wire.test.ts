/**
 * What the hosts put on the wire, seen from outside: tshark decodes their TCP cleanly, a capture
 * replays into the same frames, and bad replay input is counted or refused in one line.
 */
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseHostsConfig } from "../../src/hosts/config.ts";
import { CaptureEpoch } from "../../src/net/capture-epoch.ts";
import { readCapture } from "../../src/net/capture-read.ts";
import { PcapWriter } from "../../src/net/pcap.ts";
import { writeArpFrame } from "../../src/net/codec/arp.ts";
import { writeUdp } from "../../src/net/write.ts";
import { FAST, hostsRun, MS } from "./harness.ts";

const hasTshark = spawnSync("tshark", ["-v"], { stdio: "ignore" }).status === 0;
const VALIDATE = ["-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE"];
function tshark(file: string, ...args: string[]): string {
  return execFileSync("tshark", ["-r", file, ...VALIDATE, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
}

describe.skipIf(!hasTshark)("tshark reads the hosts' TCP", () => {
  const dir = mkdtempSync(join(tmpdir(), "flowsim-hosts-"));
  hostsRun("5E", { mix: { web: 1, dns: 0, radius: 0, esp: 0, ipip: 0, ping: 0 }, transport: FAST, arrivals: { kind: "open", process: "poisson", rate: { flowsPerSec: 2000 } } }, { durationPs: 30 * MS, drainPs: 10 * MS, pcapDir: dir, trace: { pcapFormat: "pcap" } });
  const toServer = join(dir, "5E-port4-out.pcap"), fromServer = join(dir, "5E-port4-in.pcap");

  it("every TCP frame both ways has good IP and TCP checksums and nothing malformed or in error", () => {
    for (const f of [toServer, fromServer]) {
      const tcp = tshark(f, "-Y", "tcp && ip.checksum.status == 1 && tcp.checksum.status == 1", "-T", "fields", "-e", "frame.number").trim().split("\n");
      expect(tcp.length).toBeGreaterThan(50);
      expect(tshark(f, "-Y", "tcp && (ip.checksum.status == 0 || tcp.checksum.status == 0 || _ws.malformed || _ws.expert.severity >= 8388608)", "-T", "fields", "-e", "frame.number").trim()).toBe("");
    }
  });

  it("every kind (TCP, DNS, RADIUS, ESP, IP-in-IP, ICMP) on every port: good checksums, nothing malformed, no expert warning", async () => {
    const all = mkdtempSync(join(tmpdir(), "flowsim-hosts-all-"));
    // default transport (200 ms RTO): with a 2 ms RTO, queueing at the servers' ports makes spurious
    // retransmissions, which tshark rightly flags as warnings
    hostsRun("5F", { mix: { web: 2, dns: 2, radius: 2, esp: 2, ipip: 2, ping: 2 }, arrivals: { kind: "open", process: "poisson", rate: { flowsPerSec: 2000 } } }, { durationPs: 20 * MS, drainPs: 10 * MS, pcapDir: all, trace: { pcapFormat: "pcap" } });
    // one tshark per file, all at once and without blocking the test worker: protocols, checksum statuses, malformed, expert severity
    const fields = ["frame.protocols", "ip.checksum.status", "tcp.checksum.status", "udp.checksum.status", "icmp.checksum.status", "_ws.malformed", "_ws.expert.severity"];
    const files = Array.from({ length: 16 }, (_, k) => join(all, `5F-port${k >> 1}-${k & 1 ? "out" : "in"}.pcap`));
    const outputs = await Promise.all(files.map((f) => new Promise<string>((done, fail) => execFile("tshark", ["-r", f, ...VALIDATE, "-T", "fields", "-E", "separator=/t", ...fields.flatMap((e) => ["-e", e])], { encoding: "utf8", maxBuffer: 1 << 28 }, (e, out) => (e ? fail(e) : done(out))))));
    const protos = new Set<string>();
    outputs.forEach((out, k) => {
      for (const line of out.trim().split("\n")) {
        const [pr = "", ip = "", tcp = "", udp = "", icmp = "", malformed = "", severity = ""] = line.split("\t");
        for (const p of pr.split(":")) protos.add(p);
        const bad = [ip, tcp, udp, icmp].some((x) => x.split(",").includes("0")) || malformed !== "" || severity.split(",").some((v) => v !== "" && Number(v) >= 6291456);
        expect(bad, `${files[k]}: ${line}`).toBe(false);
      }
    });
    for (const p of ["tcp", "dns", "radius", "esp", "icmp", "arp"]) expect(protos, p).toContain(p);
    expect([...protos].filter((p) => p === "ip").length).toBe(1);
  });

  it("tshark sees handshakes, data with sequence and acknowledgement numbers, and FINs", () => {
    const flags = tshark(toServer, "-Y", "tcp", "-T", "fields", "-e", "tcp.flags.str").trim().split("\n").map((s) => s.replace(/[^A-Z]/g, ""));
    expect(flags).toContain("S"); // SYN (tshark writes "··········S·")
    expect(flags.some((f) => f.includes("F"))).toBe(true);
    const back = tshark(fromServer, "-Y", "tcp.flags.syn == 1 && tcp.flags.ack == 1", "-T", "fields", "-e", "tcp.ack").trim().split("\n");
    expect(back.every((a) => a === "1")).toBe(true); // relative ACK of a SYN+ACK is 1
    // relative sequence numbers of the server's data grow by the segment lengths
    const rel = tshark(fromServer, "-Y", "tcp.len > 0", "-T", "fields", "-e", "tcp.seq", "-e", "tcp.len", "-e", "tcp.nxtseq").trim().split("\n").map((l) => l.split("\t").map(Number));
    for (const [seq, len, nxt] of rel) expect(nxt).toBe(seq! + len! + (nxt! > seq! + len! ? 1 : 0));
  });
});

describe("pcap replay", () => {
  it("replaying the pcapng a run wrote reproduces the same frames at the same times", () => {
    const a = mkdtempSync(join(tmpdir(), "flowsim-replay-a-")), b = mkdtempSync(join(tmpdir(), "flowsim-replay-b-"));
    const arrivals = { kind: "open", process: "poisson", rate: { flowsPerSec: 2000 } } as const;
    hostsRun("5D", { transport: FAST, arrivals }, { durationPs: 30 * MS, pcapDir: a });
    const original = join(a, "5D.pcapng"); // every port both ways: the routers' inbound IPv4 is what gets replayed
    const r = hostsRun("5D", { transport: FAST, arrivals: { kind: "none" }, replay: { file: original, timeScale: 1 } }, { durationPs: 30 * MS, pcapDir: b });
    const routerIpv4 = (f: string) => {
      const p = readCapture(readFileSync(f));
      if (!p.ok) throw new Error(p.error.message);
      return p.value.records.filter((x) => x.iface < 4 && x.dir === 1 && x.data[12] === 8 && x.data[13] === 0).map((x) => `${x.iface} ${x.sec}.${x.nsec} ${Buffer.from(x.data).toString("hex")}`);
    };
    const want = routerIpv4(original), got = routerIpv4(join(b, "5D.pcapng"));
    expect(want.length).toBeGreaterThan(100);
    expect(got).toEqual(want);
    expect(r.hosts.replay.sent).toBe(want.length);
    expect(r.hosts.replay.skipped.notIpv4).toBeGreaterThan(0); // the routers' ARP in the capture is not replayed
    expect(r.hosts.replay.skipped.outbound).toBeGreaterThan(0); // nor what the switch sent
    expect(r.hosts.servers.reduce((s: number, x: any) => s + x.received, 0)).toBeGreaterThan(0);
    expect(r.frames.balanced).toBe(true);
  });

  it("a capture with junk, foreign and short frames: each counted and skipped, the rest sent; timeScale stretches the gaps", () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsim-replay-c-"));
    const w = PcapWriter.inMemory();
    const frame = new Uint8Array(128);
    const good = (t: number, dst: number) => {
      const n = writeUdp(frame, 0x0200_5e00_000a, 0x0600_0000_0001, 0xc6120001, dst, 40000, 53, 20);
      w.write(t, frame.slice(0, n));
    };
    good(1 * MS, 0xc000020a);
    w.write(1.1 * MS, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 8, 0, 0x45])); // truncated IPv4
    const arp = new Uint8Array(60);
    writeArpFrame(arp, 1, 0xffff_ffff_ffff, 0x0600_0000_0001, 0xc6120001, 0, 0xc000020a);
    w.write(1.2 * MS, arp);
    good(1.3 * MS, 0x0a000001); // not for the cluster
    good(2 * MS, 0xc000020a);
    w.write(1.5 * MS, frame.slice(0, 42)); // runt, and its time goes backwards
    const file = join(dir, "mixed.pcap");
    writeFileSync(file, w.bytes());
    const r = hostsRun("5F", { arrivals: { kind: "none" }, replay: { file, timeScale: 2, startUs: 5000 } }, { durationPs: 10 * MS });
    const rp = r.hosts.replay;
    expect(rp.frames).toBe(6);
    expect(rp.skipped).toEqual({ notIpv4: 1, malformed: 2, notToCluster: 1, tooLong: 0, empty: 0, truncated: 0, outbound: 0, linkType: 0, timeOutOfRange: 0 });
    expect(rp.sent).toBe(2);
    expect(r.frames.balanced).toBe(true);
  });

  it("a file that is not a pcap is one error line", () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsim-replay-d-"));
    const file = join(dir, "notes.txt");
    writeFileSync(file, "hello, I am not a capture file at all");
    expect(() => hostsRun("5F", { arrivals: { kind: "none" }, replay: { file } })).toThrow(/^replay .*notes\.txt: capture: bad magic number 0x6c6c6568 \(neither a pcap nor a pcapng file\) at byte 0$/);
  });

  // a UDP datagram to the cluster, as a capture holds it (Ethernet, or raw IP from byte 14)
  const udpFrame = (dst = 0xc000020a) => {
    const frame = new Uint8Array(128);
    return frame.slice(0, writeUdp(frame, 0x0200_5e00_000a, 0x0600_0000_0001, 0xc6120001, dst, 40000, 53, 20));
  };

  it("real captures: epoch timestamps rebased to the run's start; 0xffffffff s, empty records, jumbo frames, cut records counted by reason", () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsim-replay-e-"));
    const w = PcapWriter.inMemory(new CaptureEpoch(1_700_000_000, 250_000_000)); // as tcpdump writes them: seconds since 1970
    w.write(0, udpFrame());
    w.write(1 * MS, udpFrame());
    w.write(2 * MS, new Uint8Array(0)); // zero-length record
    const jumbo = new Uint8Array(9000);
    jumbo.set(udpFrame());
    w.write(3 * MS, jumbo); // a 9,000-byte frame
    const cutAt = w.bytes().length;
    w.write(4 * MS, udpFrame(), 30);
    const bytes = w.bytes();
    new DataView(bytes.buffer).setUint32(cutAt + 12, udpFrame().length, true); // 30 of its bytes captured: cut by a snapshot length
    const far = PcapWriter.inMemory(new CaptureEpoch(0xffffffff));
    far.write(0, udpFrame()); // a record at 0xffffffff s: 2.6e9 s after the first, beyond any run
    const file = join(dir, "epoch.pcap");
    writeFileSync(file, Buffer.concat([bytes, far.bytes().subarray(24)]));
    const r = hostsRun("5A", { arrivals: { kind: "none" }, replay: { file, timeScale: 1, startUs: 500 } }, { durationPs: 5 * MS }); // the routers resolve the virtual MAC first
    const rp = r.hosts.replay;
    expect(rp.frames).toBe(6);
    expect(rp.sent).toBe(2);
    expect(rp.skipped).toMatchObject({ empty: 1, tooLong: 1, truncated: 1, timeOutOfRange: 1 });
    expect(r.frames.balanced).toBe(true);
  });

  it("raw-IP captures (LINKTYPE 101) get an Ethernet header; other link types are counted and skipped", () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsim-replay-f-"));
    const w = PcapWriter.inMemory();
    w.write(0, udpFrame().subarray(14));
    w.write(MS, udpFrame().subarray(14));
    const raw = w.bytes();
    new DataView(raw.buffer).setUint32(20, 101, true);
    writeFileSync(join(dir, "raw.pcap"), raw);
    const r = hostsRun("5E", { arrivals: { kind: "none" }, replay: { file: join(dir, "raw.pcap"), timeScale: 1, startUs: 500 } }, { durationPs: 3 * MS });
    expect(r.hosts.replay.sent).toBe(2);
    const other = raw.slice();
    new DataView(other.buffer).setUint32(20, 105, true); // 802.11
    writeFileSync(join(dir, "wifi.pcap"), other);
    const o = hostsRun("5E", { arrivals: { kind: "none" }, replay: { file: join(dir, "wifi.pcap"), timeScale: 1 } }, { durationPs: 3 * MS });
    expect(o.hosts.replay).toMatchObject({ sent: 0, skipped: { linkType: 2 } });
  });

  it.skipIf(spawnSync("which", ["editcap"]).status !== 0)("a pcapng written by editcap from a tcpdump-style capture replays like the original", () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsim-replay-g-"));
    const w = PcapWriter.inMemory(new CaptureEpoch(1_700_000_000));
    for (let i = 0; i < 20; i++) w.write(i * 0.1 * MS, udpFrame());
    writeFileSync(join(dir, "t.pcap"), w.bytes());
    execFileSync("editcap", ["-F", "pcapng", join(dir, "t.pcap"), join(dir, "t.pcapng")]);
    const runOf = (f: string) => hostsRun("5B", { arrivals: { kind: "none" }, replay: { file: join(dir, f), timeScale: 1, startUs: 500 } }, { durationPs: 4 * MS });
    const a = runOf("t.pcap"), b = runOf("t.pcapng");
    expect(b.hosts.replay).toMatchObject({ format: "pcapng", frames: 20, sent: 20 });
    expect({ ...b.hosts, replay: undefined }).toEqual({ ...a.hosts, replay: undefined });
  });
});

describe("hosts configuration", () => {
  it("defaults everything; a mistake is one line naming the field", () => {
    expect(parseHostsConfig({}).ok).toBe(true);
    const e = (x: unknown) => {
      const r = parseHostsConfig(x, "hosts.json");
      return r.ok ? "" : r.error;
    };
    expect(e({ server: { workers: 0 } })).toMatch(/^hosts\.json: server\.workers: /);
    expect(e({ arrivals: { kind: "open", rate: { gbps: 1 } } })).toMatch(/^hosts\.json: arrivals\.rate/);
    expect(e({ mix: { web: 0, dns: 0, radius: 0, esp: 0 } })).toMatch(/^hosts\.json: mix: at least one kind/);
    expect(e({ clientsPerRouter: 300 })).toMatch(/^hosts\.json: clientsPerRouter: /);
    expect(e({ bogus: 1 })).toBe('hosts.json: (top level): unknown field "bogus"');
  });
});
