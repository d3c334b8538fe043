/**
 * What the hosts put on the wire, seen from outside: tshark decodes their TCP cleanly, a capture
 * replays into the same frames, and bad replay input is counted or refused in one line.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseHostsConfig } from "../../src/hosts/config.ts";
import { PcapWriter, readPcap } from "../../src/net/pcap.ts";
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
  hostsRun("5E", { mix: { web: 1, dns: 0, radius: 0, esp: 0, ipip: 0, ping: 0 }, transport: FAST, arrivals: { kind: "open", process: "poisson", rate: { flowsPerSec: 2000 } } }, { durationPs: 30 * MS, drainPs: 10 * MS, pcapDir: dir });
  const toServer = join(dir, "5E-port4-out.pcap"), fromServer = join(dir, "5E-port4-in.pcap");

  it("every TCP frame both ways has good IP and TCP checksums and nothing malformed or in error", () => {
    for (const f of [toServer, fromServer]) {
      const tcp = tshark(f, "-Y", "tcp && ip.checksum.status == 1 && tcp.checksum.status == 1", "-T", "fields", "-e", "frame.number").trim().split("\n");
      expect(tcp.length).toBeGreaterThan(50);
      expect(tshark(f, "-Y", "tcp && (ip.checksum.status == 0 || tcp.checksum.status == 0 || _ws.malformed || _ws.expert.severity >= 8388608)", "-T", "fields", "-e", "frame.number").trim()).toBe("");
    }
  });

  it("every kind (TCP, DNS, RADIUS, ESP, IP-in-IP, ICMP) on every port: good checksums, nothing malformed, no expert warning", () => {
    const all = mkdtempSync(join(tmpdir(), "flowsim-hosts-all-"));
    // default transport (200 ms RTO): with a 2 ms RTO, queueing at the servers' ports makes spurious
    // retransmissions, which tshark rightly flags as warnings
    hostsRun("5F", { mix: { web: 2, dns: 2, radius: 2, esp: 2, ipip: 2, ping: 2 }, arrivals: { kind: "open", process: "poisson", rate: { flowsPerSec: 2000 } } }, { durationPs: 20 * MS, drainPs: 10 * MS, pcapDir: all });
    const protos = new Set<string>();
    for (let port = 0; port < 8; port++) {
      for (const d of ["in", "out"]) {
        const f = join(all, `5F-port${port}-${d}.pcap`);
        expect(tshark(f, "-Y", "ip.checksum.status == 0 || tcp.checksum.status == 0 || udp.checksum.status == 0 || icmp.checksum.status == 0 || _ws.malformed || _ws.expert.severity >= 6291456", "-T", "fields", "-e", "frame.number").trim(), f).toBe("");
        for (const l of tshark(f, "-T", "fields", "-e", "frame.protocols").trim().split("\n")) for (const p of l.split(":")) protos.add(p);
      }
    }
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
  it("replaying the capture a run wrote reproduces the same frames at the same times", () => {
    const a = mkdtempSync(join(tmpdir(), "flowsim-replay-a-")), b = mkdtempSync(join(tmpdir(), "flowsim-replay-b-"));
    const arrivals = { kind: "open", process: "poisson", rate: { flowsPerSec: 2000 } } as const;
    hostsRun("5D", { transport: FAST, arrivals }, { durationPs: 30 * MS, pcapDir: a });
    const original = join(a, "5D-port0-in.pcap"); // what router r0 sent the switch
    const r = hostsRun("5D", { transport: FAST, arrivals: { kind: "none" }, replay: { file: original, timeScale: 1 } }, { durationPs: 30 * MS, pcapDir: b });
    const ipv4 = (f: string) => {
      const p = readPcap(readFileSync(f));
      if (!p.ok) throw new Error(p.error.message);
      return p.value.records.filter((x) => x.data[12] === 8 && x.data[13] === 0).map((x) => `${x.timeNs} ${Buffer.from(x.data).toString("hex")}`);
    };
    const want = ipv4(original), got = ipv4(join(b, "5D-port0-in.pcap"));
    expect(want.length).toBeGreaterThan(30);
    expect(got).toEqual(want);
    expect(r.hosts.replay.sent).toBe(want.length);
    expect(r.hosts.replay.skipped.notIpv4).toBeGreaterThan(0); // the routers' ARP in the capture is not replayed
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
    expect(rp.skipped).toEqual({ notIpv4: 1, malformed: 2, notToCluster: 1, tooLong: 0, notEthernet: 0 });
    expect(rp.sent).toBe(2);
    expect(r.frames.balanced).toBe(true);
  });

  it("a file that is not a pcap is one error line", () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsim-replay-d-"));
    const file = join(dir, "notes.txt");
    writeFileSync(file, "hello, I am not a capture file at all");
    expect(() => hostsRun("5F", { arrivals: { kind: "none" }, replay: { file } })).toThrow(/^replay .*notes\.txt: pcap: bad magic number 0x6c6c6568 \(not a classic pcap file; pcapng is not supported\) at byte 0$/);
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
