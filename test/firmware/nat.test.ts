import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BoardSchema } from "../../src/hw/boards/schema.ts";
import { PRESETS } from "../../src/hw/boards/presets.ts";
import { CostTrace } from "../../src/hw/cpu/cost-trace.ts";
import { NatBalancer } from "../../src/firmware/nat.ts";
import { decodeFrame, encodeFrame, EtherType } from "../../src/net/codec/ethernet.ts";
import { IpProto } from "../../src/net/codec/l4.ts";
import { FramePool } from "../../src/net/frame-pool.ts";
import { ipv4, type Ipv4 } from "../../src/net/ipv4-addr.ts";
import { mac, type Mac } from "../../src/net/mac.ts";
import { Simulator } from "../../src/sim/simulator.ts";

const VIP = ipv4("192.0.2.10"), LB = mac("02:00:00:00:0b:01");
function nat() {
  const pool = new FramePool({ slots: 16 });
  const fw = new NatBalancer({ vip: VIP, mac: LB, servers: [0, 1, 2].map((i) => ({ name: `s${i}`, ip: ipv4(`10.0.0.${i + 1}`), mac: (0x0200_0000_0200 + i) as Mac, port: 4 + i })), routers: [{ name: "r0", ip: ipv4("192.0.2.1"), mac: mac("02:00:00:00:01:00"), port: 0 }] });
  fw.attach({ sim: new Simulator(), pool, spec: BoardSchema.parse(PRESETS["5A"]), portCount: 8, hasTranslator: false, hasCam: false, setAddressEntry: () => {}, transmit: () => {}, runOnCpu: () => true, portCounters: () => ({ txFrames: 0, txBytes: 0, rxFrames: 0, rxBytes: 0 }) });
  const run = (f: Uint8Array, cost?: CostTrace) => {
    const h = pool.allocFrom(f);
    const v = fw.handleFrame(h, 0, cost);
    const out = pool.bytes(h).slice(0, pool.length(h));
    pool.free(h);
    return [v, out] as const;
  };
  return { fw, run };
}

const frame = (src: number, dst: number, proto: "tcp" | "udp" | "esp" | "ah", data: Uint8Array) =>
  encodeFrame({
    dst: LB, src: mac("02:00:00:00:01:00"), etherType: EtherType.IPv4,
    payload: { kind: "ipv4", ipv4: { dscp: 0, ecn: 0, id: 1, dontFragment: true, moreFragments: false, fragmentOffset: 0, ttl: 64, protocol: { tcp: 6, udp: 17, esp: 50, ah: 51 }[proto], src: src as Ipv4, dst: dst as Ipv4, options: new Uint8Array(0),
      payload: proto === "tcp" ? { kind: "tcp", tcp: { srcPort: 1234, dstPort: 80, seq: 1, ack: 1, flags: 16, window: 100, urgent: 0, options: new Uint8Array(0), payload: data } }
        : proto === "udp" ? { kind: "udp", udp: { srcPort: 1234, dstPort: 53, payload: data } }
        : proto === "esp" ? { kind: "esp", esp: { spi: 77, seq: 1, payload: data } }
        : { kind: "ah", ah: { nextHeader: 17, spi: 5, seq: 1, icv: new Uint8Array(12), payload: data } } } },
  });

describe("prior-art NAT balancer (Fig 1)", () => {
  it("rewrites the virtual IP to a server's IP inbound and back outbound, with valid IP and TCP/UDP checksums", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 32 - 2 }), fc.constantFrom("tcp" as const, "udp" as const), fc.uint8Array({ maxLength: 200 }), (client, proto, data) => {
      const { run } = nat();
      const [port, out] = run(frame(client, VIP, proto, data));
      expect(port).toBeGreaterThanOrEqual(4);
      const d = decodeFrame(out);
      expect(d.ok).toBe(true);
      if (!d.ok || d.value.payload.kind !== "ipv4") return;
      const ip = d.value.payload.ipv4;
      expect(ip.checksumOk).toBe(true);
      expect(ip.dst).not.toBe(VIP);
      const l4 = ip.payload;
      expect(l4.kind === "tcp" ? l4.tcp.checksumOk : l4.kind === "udp" ? l4.udp.checksumOk : false).toBe(true);
      // the reply from that server is rewritten back to the VIP
      const [, back] = run(frame(ip.dst, client, proto, data));
      const e = decodeFrame(back);
      expect(e.ok && e.value.payload.kind === "ipv4" && e.value.payload.ipv4.src).toBe(VIP);
      expect(e.ok && e.value.payload.kind === "ipv4" && e.value.payload.ipv4.checksumOk).toBe(true);
    }));
  });

  it("costs the CPU checksum work on every packet in both directions", () => {
    const { run, fw } = nat();
    const t = new CostTrace();
    run(frame(ipv4("198.51.100.1"), VIP, "tcp", new Uint8Array(10)), t);
    expect(fw.counts.checksumUpdates).toBe(2); // IP header + TCP
    expect(t.length).toBeGreaterThan(5);
  });

  it("ESP is balanced by source IP only; AH is broken by NAT and dropped, counted", () => {
    const { run, fw } = nat();
    const [p1] = run(frame(ipv4("198.51.100.9"), VIP, "esp", new Uint8Array(40)));
    const [p2] = run(frame(ipv4("198.51.100.9"), VIP, "esp", new Uint8Array(40)));
    expect(p1).toBe(p2);
    expect(fw.counts.espBySourceOnly).toBe(2);
    const [v] = run(frame(ipv4("198.51.100.9"), VIP, "ah", new Uint8Array(40)));
    expect(v).toBe(-1);
    expect(fw.drops.ahBrokenByNat).toBe(1);
    expect(IpProto.AH).toBe(51);
  });
});
