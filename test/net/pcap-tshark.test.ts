import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CaptureEpoch } from "../../src/net/capture-epoch.ts";
import { readCapture } from "../../src/net/capture-read.ts";
import { PcapWriter } from "../../src/net/pcap.ts";
import { DIR_INBOUND, DIR_OUTBOUND, PcapngWriter } from "../../src/net/pcapng.ts";
import { sampleMix } from "../../src/net/sample-mix.ts";

const hasTshark = spawnSync("tshark", ["-v"], { stdio: "ignore" }).status === 0;
const VALIDATE = ["-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE"];
// checksum status 0 = Bad; expert severity >= 0x00600000 is warning or error (malformed frames are errors)
const PROBLEMS = "ip.checksum.status == 0 || tcp.checksum.status == 0 || udp.checksum.status == 0 || icmp.checksum.status == 0 || gre.checksum.status == 0 || _ws.malformed || _ws.expert.severity >= 6291456";

function tshark(file: string, ...args: string[]): string {
  return execFileSync("tshark", ["-r", file, ...VALIDATE, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
}

describe.skipIf(!hasTshark)("pcap of a generated mix, read back by tshark with checksum validation", () => {
  const dir = mkdtempSync(join(tmpdir(), "flowsim-pcap-"));
  const file = join(dir, "mix.pcap");
  const frames = sampleMix(150, 11);
  const w = PcapWriter.inMemory();
  frames.forEach((f, i) => w.write(1_000_000_000 + i * 6_720_000, f));
  writeFileSync(file, w.bytes());

  it("has as many frames as were written", () => {
    expect(tshark(file, "-T", "fields", "-e", "frame.number").trim().split("\n")).toHaveLength(frames.length);
  });

  it("has zero malformed frames and zero bad IP, TCP, UDP, ICMP or GRE checksums", () => {
    expect(tshark(file, "-Y", PROBLEMS, "-T", "fields", "-e", "frame.number").trim()).toBe("");
  });

  it("checked the checksums (Good, not Unverified) and dissected every protocol of the mix", () => {
    const protos = new Set(tshark(file, "-T", "fields", "-e", "frame.protocols").trim().split("\n").flatMap((l) => l.split(":")));
    for (const p of ["arp", "tcp", "udp", "icmp", "esp", "ah", "gre", "vlan", "dns"]) expect(protos, p).toContain(p);
    const good = tshark(file, "-Y", "ip.checksum.status == 1 && (tcp.checksum.status == 1 || udp.checksum.status == 1)", "-T", "fields", "-e", "frame.number").trim().split("\n");
    expect(good.length).toBeGreaterThan(frames.length / 3);
    // IP-in-IP: an IP header inside an IP header
    expect(tshark(file, "-Y", "ip.proto == 4", "-T", "fields", "-e", "frame.number").trim().split("\n").length).toBe(10);
  });
});

const has = (cmd: string) => spawnSync("which", [cmd], { stdio: "ignore" }).status === 0;

describe.skipIf(!hasTshark || !has("capinfos") || !has("editcap"))("pcapng as Wireshark's tools read and write it", () => {
  const dir = mkdtempSync(join(tmpdir(), "flowsim-pcapng-"));
  const file = join(dir, "two.pcapng");
  const frames = sampleMix(60, 5);
  const w = PcapngWriter.inMemory({ comment: "two interfaces", userAppl: "flowsim test" }, CaptureEpoch.DEFAULT);
  w.addInterface({ name: "port0-r0", description: "to router r0", speedBps: 100e6 });
  w.addInterface({ name: "port5-s1", description: "to server s1", speedBps: 1e9 });
  frames.forEach((f, i) => w.write(i % 2, 1_000_000_000 + i * 5_000_123, f, f.length, i % 4 < 2 ? DIR_INBOUND : DIR_OUTBOUND));
  writeFileSync(file, w.bytes());

  it("interface names, descriptions and speeds as written; directions as flagged; times from the stated epoch", () => {
    const info = execFileSync("capinfos", [file], { encoding: "utf8" });
    expect(info).toMatch(/Name = port0-r0[\s\S]*Description = to router r0[\s\S]*Speed = 100000000/);
    expect(info).toMatch(/Name = port5-s1[\s\S]*Description = to server s1[\s\S]*Speed = 1000000000/);
    expect(info).toMatch(/Capture application: +flowsim test/);
    const rows = tshark(file, "-T", "fields", "-e", "frame.interface_name", "-e", "frame.p2p_dir", "-e", "frame.time_epoch").trim().split("\n").map((l) => l.split("\t"));
    expect(rows.map((r) => r[0])).toEqual(frames.map((_, i) => (i % 2 ? "port5-s1" : "port0-r0")));
    expect(rows.map((r) => r[1])).toEqual(frames.map((_, i) => (i % 4 < 2 ? "1" : "0"))); // Wireshark: 1 received, 0 sent
    expect(rows[3]![2]).toBe(`930787200.${String(1_000_000 + 3 * 5_000).padStart(9, "0")}`); // 1 ms + 3 x 5.000123 us, floored to the ns
  });

  it("no malformed frames, no bad checksums, no expert warnings", () => {
    expect(tshark(file, "-Y", PROBLEMS, "-T", "fields", "-e", "frame.number").trim()).toBe("");
  });

  it("editcap's pcapng (from a flowsim pcap) and pcap (from a flowsim pcapng) read back with the same frames and times", () => {
    const classic = PcapWriter.inMemory(CaptureEpoch.DEFAULT);
    frames.forEach((f, i) => classic.write(1_000_000_000 + i * 5_000_123, f));
    writeFileSync(join(dir, "c.pcap"), classic.bytes());
    execFileSync("editcap", ["-F", "pcapng", join(dir, "c.pcap"), join(dir, "c.pcapng")]);
    execFileSync("editcap", ["-F", "nsecpcap", file, join(dir, "back.pcap")], { stdio: "ignore" });
    for (const f of ["c.pcapng", "back.pcap"]) {
      const r = readCapture(readFileSync(join(dir, f)));
      expect(r.ok, f).toBe(true);
      if (!r.ok) continue;
      expect(r.value.format).toBe(f.endsWith("ng") ? "pcapng" : "pcap");
      expect(r.value.records.map((x) => Buffer.from(x.data).toString("hex"))).toEqual(frames.map((x) => Buffer.from(x).toString("hex")));
      expect(r.value.records.map((x) => [x.sec, x.nsec])).toEqual(frames.map((_, i) => [930_787_200, Math.floor((1_000_000_000 + i * 5_000_123) / 1000)]));
    }
  });
});
