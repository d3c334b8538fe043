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
import { checksum, pseudoHeaderSum } from "../../src/net/checksum.ts";
import { encodeIpv4 } from "../../src/net/codec/ipv4.ts";

const VIP = ipv4("192.0.2.10"), LB = mac("02:00:00:00:0b:01");
const SERVER_IP = (i: number) => ipv4(`10.0.0.${i + 1}`);
function nat() {
  const pool = new FramePool({ slots: 16 });
  const sim = new Simulator();
  const fw = new NatBalancer({ vip: VIP, mac: LB, servers: [0, 1, 2].map((i) => ({ name: `s${i}`, ip: SERVER_IP(i), mac: (0x0200_0000_0200 + i) as Mac, port: 4 + i })), routers: [{ name: "r0", ip: ipv4("192.0.2.1"), mac: mac("02:00:00:00:01:00"), port: 0 }] });
  fw.attach({ sim, pool, spec: BoardSchema.parse(PRESETS["5A"]), portCount: 8, hasTranslator: false, hasCam: false, setAddressEntry: () => {}, transmit: () => {}, runOnCpu: () => true, portCounters: () => ({ txFrames: 0, txBytes: 0, rxFrames: 0, rxBytes: 0 }), portReceived: () => 0, portLost: () => 0, controlFramesWaiting: () => 0 });
  const run = (f: Uint8Array, cost?: CostTrace) => {
    const h = pool.allocFrom(f);
    const v = fw.handleFrame(h, 0, cost);
    const out = pool.bytes(h).slice(0, pool.length(h));
    pool.free(h);
    return [v, out] as const;
  };
  return { fw, run, sim };
}

/** Every checksum of an ICMP error frame, its quoted header's included: IP, ICMP, quoted IP. */
function icmpChecksumsOk(f: Uint8Array): boolean {
  const ihl = (f[14]! & 15) * 4, total = (f[16]! << 8) | f[17]!, icmp = 14 + ihl, q = icmp + 8;
  return checksum(f, 14, ihl) === 0 && checksum(f, icmp, total - ihl) === 0 && checksum(f, q, (f[q]! & 15) * 4) === 0;
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

  it("a busy flow stays on its server past the idle timeout: every packet refreshes its entry (it moved 300 s after it started)", () => {
    const { run, sim } = nat();
    const client = ipv4("198.51.100.77");
    const first = run(frame(client, VIP, "tcp", new Uint8Array(10)))[0];
    for (let t = 10; t <= 600; t += 10) {
      sim.run(t * 1e12);
      run(frame(ipv4("198.51.100.1") + t, VIP, "tcp", new Uint8Array(10))); // others' flows move round robin on
      expect(run(frame(client, VIP, "tcp", new Uint8Array(10)))[0], `at ${t} s`).toBe(first);
    }
  });

  it("an ICMP error about a flow reaches its server with the quoted header rewritten to the server's address, every checksum valid", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 32 - 2 }), fc.constantFrom("tcp" as const, "udp" as const), fc.constantFrom(28, 68, 80), (client, proto, quote) => {
      const { run } = nat();
      run(frame(ipv4("198.51.100.1"), VIP, "tcp", new Uint8Array(4))); // round robin moves on
      const [port, out] = run(frame(client, VIP, proto, new Uint8Array(40)));
      const serverIp = ((out[30]! << 24) | (out[31]! << 16) | (out[32]! << 8) | out[33]!) >>> 0;
      // the server's reply, as the client's side saw it (from the VIP), was too big for a link on the way
      const reply = decodeFrame(frame(VIP, client, proto, new Uint8Array(40)));
      if (!reply.ok || reply.value.payload.kind !== "ipv4") throw new Error("frame");
      const l4 = reply.value.payload.ipv4.payload;
      const swapped = { ...reply.value.payload.ipv4, payload: l4.kind === "tcp" ? { kind: "tcp" as const, tcp: { ...l4.tcp, srcPort: l4.tcp.dstPort, dstPort: l4.tcp.srcPort } } : l4.kind === "udp" ? { kind: "udp" as const, udp: { ...l4.udp, srcPort: l4.udp.dstPort, dstPort: l4.udp.srcPort } } : l4 };
      const q = encodeIpv4(swapped).slice(0, quote);
      const err = encodeFrame({ dst: LB, src: mac("02:00:00:00:01:00"), etherType: EtherType.IPv4, payload: { kind: "ipv4", ipv4: { dscp: 0, ecn: 0, id: 9, dontFragment: false, moreFragments: false, fragmentOffset: 0, ttl: 60, protocol: 1, src: ipv4("203.0.113.1"), dst: VIP, options: new Uint8Array(0), payload: { kind: "icmp", icmp: { type: 3, code: 4, rest: 1400, data: q } } } } });
      const [p2, e] = run(err);
      expect(p2).toBe(port);
      const quotedSrc = ((e[42 + 12]! << 24) | (e[42 + 13]! << 16) | (e[42 + 14]! << 8) | e[42 + 15]!) >>> 0;
      expect(quotedSrc).toBe(serverIp);
      expect(icmpChecksumsOk(e)).toBe(true);
      const seg = proto === "tcp" ? 60 : 48;
      if (quote >= 20 + seg) {
        // the whole quoted segment is there: its checksum is valid against the rewritten addresses
        const inner = e.subarray(42, 42 + 20 + seg);
        const src = ((inner[12]! << 24) | (inner[13]! << 16) | (inner[14]! << 8) | inner[15]!) >>> 0, dst = ((inner[16]! << 24) | (inner[17]! << 16) | (inner[18]! << 8) | inner[19]!) >>> 0;
        expect(checksum(inner, 20, seg, pseudoHeaderSum(src, dst, proto === "tcp" ? 6 : 17, seg))).toBe(0);
      }
    }), { numRuns: 100 });
  });

  it("a server's ICMP error leaves with the quoted header rewritten to the virtual IP, every checksum valid", () => {
    const { run } = nat();
    const client = ipv4("198.51.100.9");
    // the client's datagram to the VIP reached s0 as 10.0.0.1; s0 answers "port unreachable"
    const quoted = encodeIpv4({ dscp: 0, ecn: 0, id: 3, dontFragment: false, moreFragments: false, fragmentOffset: 0, ttl: 60, protocol: 17, src: client, dst: SERVER_IP(0), options: new Uint8Array(0), payload: { kind: "udp", udp: { srcPort: 5353, dstPort: 9999, payload: new Uint8Array(12) } } }).slice(0, 48);
    const err = encodeFrame({ dst: LB, src: (0x0200_0000_0200) as Mac, etherType: EtherType.IPv4, payload: { kind: "ipv4", ipv4: { dscp: 0, ecn: 0, id: 9, dontFragment: false, moreFragments: false, fragmentOffset: 0, ttl: 64, protocol: 1, src: SERVER_IP(0), dst: client, options: new Uint8Array(0), payload: { kind: "icmp", icmp: { type: 3, code: 3, rest: 0, data: quoted } } } } });
    const [port, e] = run(err);
    expect(port).toBe(0);
    const at = (o: number) => ((e[o]! << 24) | (e[o + 1]! << 16) | (e[o + 2]! << 8) | e[o + 3]!) >>> 0;
    expect(at(26)).toBe(VIP); // outer source
    expect(at(42 + 16)).toBe(VIP); // quoted destination
    expect(icmpChecksumsOk(e)).toBe(true);
    // the quoted UDP checksum, whole datagram quoted, is valid against the virtual IP
    const q = e.subarray(42, 42 + 40);
    expect(checksum(q, 20, 20, pseudoHeaderSum(client, VIP, 17, 20))).toBe(0);
  });
});
