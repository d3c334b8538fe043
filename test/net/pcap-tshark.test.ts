import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PcapWriter } from "../../src/net/pcap.ts";
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
