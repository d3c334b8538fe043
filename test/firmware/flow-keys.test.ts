/**
 * Flow keys (issue 22 items 3-5): every key is within its cluster; ICMP errors follow the flow
 * they quote for every protocol keyed, ESP included; IPsec keyed by client keeps ESP with its IKE
 * exchange; a retransmitted SYN keeps its server, a SYN after a close or a failure does not.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IpProto, TcpFlag } from "../../src/net/codec/l4.ts";
import { readMac } from "../../src/net/mac.ts";
import { Verdict } from "../../src/hw/cpu-board.ts";
import { config, esp, gre, harness, icmpError, ipFrame, ipPacket, tcp, tcpSeg, tcpTo, twoClusters, udp, VIP, VIP_B, VMAC, VMAC_B } from "./harness.ts";

const ROUTER_SIDE_HOST = 0xc6336401; // 198.51.100.1: a router on the path, reporting an error

describe("keys within their cluster (item 3)", () => {
  for (const [name, payload, proto] of [["ESP", esp(0x1234), IpProto.ESP], ["GRE", gre(), IpProto.GRE], ["ICMP echo", { kind: "icmp" as const, icmp: { type: 8, code: 0, rest: 1, data: new Uint8Array(8) } }, IpProto.ICMP]] as const) {
    it(`${name}: one client's packets to VIP A and VIP B alternate, and each VIP's flow keeps its server (round robin)`, () => {
      const h = harness(twoClusters("round-robin"));
      const client = 0x0a000042;
      const where = new Map<number, number>();
      let moved = 0;
      for (let i = 0; i < 400; i++) {
        const b = i % 2 === 1;
        const [v, out] = h.run(ipFrame(ipPacket(payload, proto, client, b ? VIP_B : VIP), b ? VMAC_B : VMAC));
        expect(v).toBeGreaterThanOrEqual(0);
        const s = readMac(out, 0);
        if (where.has(+b) && where.get(+b) !== s) moved++;
        where.set(+b, s);
      }
      expect(moved).toBe(0);
    });
  }

  it("fragments: one datagram's fragments to VIP A, interleaved with another to VIP B from the same client, each reach one server", () => {
    const h = harness(twoClusters("round-robin"));
    const client = 0x0a000077, seen = [new Set<number>(), new Set<number>()];
    for (let i = 0; i < 12; i++) {
      const b = i % 2;
      const frag = ipPacket(i < 2 ? udp(5000, 53, 40) : { kind: "opaque", bytes: new Uint8Array(40) }, IpProto.UDP, client, b ? VIP_B : VIP, { more: i < 10, offset: i < 2 ? 0 : 6 * Math.floor(i / 2), id: 99 });
      const [, out] = h.run(ipFrame(frag, b ? VMAC_B : VMAC));
      seen[b]!.add(readMac(out, 0));
    }
    expect(seen[0]!.size).toBe(1);
    expect(seen[1]!.size).toBe(1);
  });
});

describe("fragments follow their datagram's first fragment (lb-anchors §3.11)", () => {
  const frag = (client: number, id: number, first: boolean, more: boolean, offset = 0) =>
    ipFrame(ipPacket(first ? udp(5000, 53, 40) : { kind: "opaque", bytes: new Uint8Array(40) }, IpProto.UDP, client, VIP, { more, offset, id }));

  it("every fragment of a datagram reaches the server its unfragmented form would reach: 200 of 200 under round robin", () => {
    const h = harness(config(4, { policy: "round-robin" }));
    let same = 0;
    for (let c = 0; c < 200; c++) {
      const client = 0x0a0d0000 + c;
      const [, whole] = h.run(ipFrame(ipPacket(udp(5000, 53, 40), IpProto.UDP, client, VIP))); // the flow, unfragmented
      const s = readMac(whole, 0);
      h.run(tcp(0x0b0d0000 + c, 80)); // another flow in between moves round robin along
      const outs = [frag(client, 300 + c, true, true), frag(client, 300 + c, false, true, 6), frag(client, 300 + c, false, false, 12)].map((f) => readMac(h.run(f)[1], 0));
      if (outs.every((o) => o === s)) same++;
    }
    expect(same).toBe(200);
  });

  it("a datagram entry per (client, VIP, protocol, IP id): two datagrams of one client in flight at once each follow their own first fragment", () => {
    const h = harness(config(4, { policy: "round-robin" }));
    const client = 0x0a0d1000;
    const a = h.serverOf(h.run(ipFrame(ipPacket(udp(5000, 53, 40), IpProto.UDP, client, VIP, { more: true, id: 1 })))[1]);
    const b = h.serverOf(h.run(ipFrame(ipPacket(udp(5001, 53, 40), IpProto.UDP, client, VIP, { more: true, id: 2 })))[1]);
    expect(a).not.toBe(b); // two flows, round robin
    for (let k = 1; k <= 3; k++) {
      expect(h.serverOf(h.run(frag(client, 2, false, k < 3, 6 * k))[1])).toBe(b);
      expect(h.serverOf(h.run(frag(client, 1, false, k < 3, 6 * k))[1])).toBe(a);
    }
    // a datagram entry is not a connection: least connections and the flow counts do not see it
    const srv = h.fw.read().clusters["web"]!.servers;
    expect(Object.values(srv).reduce((n, x) => n + x.activeFlows + x.inactiveFlows, 0)).toBe(2);
  });

  it("a later fragment whose first fragment has not been seen is dropped and counted (fragmentUnmatched), and creates nothing", () => {
    const h = harness(config(4, { policy: "round-robin" }));
    const inserts = h.fw.read().flows.inserts;
    for (let c = 0; c < 50; c++) expect(h.run(frag(0x0a0d2000 + c, 7, false, c % 2 === 0, 6))[0]).toBe(Verdict.Drop);
    expect(h.fw.drops.fragmentUnmatched).toBe(50);
    expect(h.fw.read().flows.inserts).toBe(inserts);
    expect(h.fw.read().clusters["web"]!.dropsByCause["fragmentUnmatched"]).toBe(50);
    // once its first fragment has come, a datagram's later fragments pass
    h.run(frag(0x0a0d2000, 7, true, true));
    expect(h.run(frag(0x0a0d2000, 7, false, false, 6))[0]).toBeGreaterThanOrEqual(0);
  });

  it("a datagram whose server failed after its first fragment is not split: its later fragments are dropped (fragmentUnmatched)", () => {
    const h = harness(config(4, { policy: "round-robin" }));
    const s = h.serverOf(h.run(frag(0x0a0d3000, 9, true, true))[1]);
    h.fw.serverDown(`s${s}`);
    expect(h.run(frag(0x0a0d3000, 9, false, false, 6))[0]).toBe(Verdict.Drop);
    expect(h.fw.drops.fragmentUnmatched).toBe(1);
  });
});

describe("ICMP errors follow the flow they quote (item 4)", () => {
  it("an error about a server's ESP packet reaches the ESP flow's server: 300 of 300 (consistent hash, IPsec keyed by client)", () => {
    const h = harness(config(5));
    let same = 0;
    for (let c = 0; c < 300; c++) {
      const client = 0x0a010000 + c * 7;
      const [, out] = h.run(ipFrame(ipPacket(esp(0x1000 + c), IpProto.ESP, client, VIP)));
      const server = readMac(out, 0);
      // the server's outbound ESP (its own SA, another SPI) to the client is too big for a router's link
      const [v, err] = h.run(icmpError(ipPacket(esp(0x4000_1000 + c), IpProto.ESP, VIP, client), ROUTER_SIDE_HOST, VIP));
      expect(v).toBeGreaterThanOrEqual(0);
      if (readMac(err, 0) === server) same++;
    }
    expect(same).toBe(300);
  });

  it("with IPsec keyed by SPI, an error quoting the flow's SPI reaches its server; TCP, UDP and fragments' errors too, for any flow", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 32 - 2 }), fc.integer({ min: 1024, max: 65535 }), fc.integer({ min: 0, max: 3 }), (client, port, kind) => {
      const h = harness(config(5, { policy: "round-robin", ipsecKey: "spi" }));
      for (let warm = 0; warm < kind + 1; warm++) h.run(tcp(0x0b000000 + warm, 9)); // move round robin along
      const [payload, proto, reply] = [
        [esp(port), IpProto.ESP, esp(port)],
        [tcpSeg(port, 80), IpProto.TCP, tcpSeg(80, port)],
        [udp(port, 53), IpProto.UDP, udp(53, port)],
        [gre(), IpProto.GRE, gre()],
      ][kind]!;
      const [, out] = h.run(ipFrame(ipPacket(payload as never, proto as number, client, VIP)));
      for (let k = 0; k < 3; k++) h.run(tcp(0x0c000000 + k, 9)); // other flows in between
      const [, err] = h.run(icmpError(ipPacket(reply as never, proto as number, VIP, client), ROUTER_SIDE_HOST, VIP));
      expect(readMac(err, 0)).toBe(readMac(out, 0));
    }), { numRuns: 200 });
  });

  it("an error quoting no known flow creates no entry and is counted (icmpErrorsUnmatched); 1,000 forged errors leave the table as it was", () => {
    const h = harness(config(4, { policy: "round-robin" }));
    const [, out] = h.run(tcp(0x0a0b0001, 4000));
    const before = h.fw.read().flows;
    for (let c = 0; c < 1000; c++) {
      const [v, err] = h.run(icmpError(ipPacket(tcpSeg(80, 5000 + c), IpProto.TCP, VIP, 0x0a0c0000 + c), ROUTER_SIDE_HOST, VIP));
      expect(v).toBeGreaterThanOrEqual(0); // delivered by the consistent hash (where the flow would be had the table been full)
      expect(h.serverOf(err)).toBeGreaterThanOrEqual(0);
    }
    const after = h.fw.read().flows;
    expect(after.flows).toBe(before.flows);
    expect(after.inserts).toBe(before.inserts);
    expect(h.fw.counts.icmpErrorsUnmatched).toBe(1000);
    // the known flow's error still reaches its server, and counts as matched
    const [, err] = h.run(icmpError(ipPacket(tcpSeg(80, 4000), IpProto.TCP, VIP, 0x0a0b0001), ROUTER_SIDE_HOST, VIP));
    expect(readMac(err, 0)).toBe(readMac(out, 0));
    expect(h.fw.counts.icmpErrorsUnmatched).toBe(1000);
    // an error about a flow whose server failed creates no entry either
    h.fw.serverDown(`s${h.serverOf(out)}`);
    h.run(icmpError(ipPacket(tcpSeg(80, 4000), IpProto.TCP, VIP, 0x0a0b0001), ROUTER_SIDE_HOST, VIP));
    expect(h.fw.read().flows.inserts).toBe(before.inserts);
    expect(h.fw.counts.icmpErrorsUnmatched).toBe(1001);
  });

  it("IPsec keyed by client: ESP and AH reach the server of the client's IKE exchange (UDP 500 and 4500): 400 of 400 under round robin", () => {
    const h = harness(config(4, { policy: "round-robin" }));
    let together = 0;
    for (let c = 0; c < 400; c++) {
      const client = 0x0a020000 + c;
      const ike = readMac(h.run(ipFrame(ipPacket(udp(500, 500), IpProto.UDP, client, VIP)))[1], 0);
      h.run(tcp(0x0d000000 + c, 1)); // someone else's flow moves round robin on
      const natT = readMac(h.run(ipFrame(ipPacket(udp(4500, 4500), IpProto.UDP, client, VIP)))[1], 0);
      const e = readMac(h.run(ipFrame(ipPacket(esp(0x9000 + c), IpProto.ESP, client, VIP)))[1], 0);
      if (ike === e && natT === e) together++;
    }
    expect(together).toBe(400);
  });
});

describe("SYN retransmissions keep their server (item 5)", () => {
  for (const policy of ["round-robin", "weighted-round-robin", "least-connections", "weighted-least-connections", "optimal-workload", "consistent-hash"] as const) {
    it(`${policy}: a retransmitted SYN goes where the first went, the ACK too; a SYN after a FIN or RST, or after its server failed, is scheduled afresh`, () => {
      const h = harness(config(3, { policy }));
      let kept = 0;
      for (let c = 0; c < 1000; c++) {
        const client = 0x0a030000 + c;
        const first = h.serverOf(h.run(tcp(client, 1000, TcpFlag.SYN))[1]);
        const again = h.serverOf(h.run(tcp(client, 1000, TcpFlag.SYN))[1]);
        const ack = h.serverOf(h.run(tcp(client, 1000, TcpFlag.ACK))[1]);
        if (first === again && again === ack) kept++;
      }
      expect(kept).toBe(1000);
      // after the connection closed, the same 5-tuple is a new connection
      const client = 0x0a04_0001, s0 = h.serverOf(h.run(tcp(client, 2000, TcpFlag.SYN))[1]);
      h.run(tcp(client, 2000, TcpFlag.ACK));
      h.run(tcp(client, 2000, TcpFlag.FIN | TcpFlag.ACK));
      const newFlows = h.fw.counts.newFlows;
      h.run(tcp(client, 2000, TcpFlag.SYN));
      expect(h.fw.counts.newFlows).toBe(newFlows + 1);
      // after its server failed, a SYN retransmission is scheduled on a live server
      const other = 0x0a04_0002, was = h.serverOf(h.run(tcp(other, 3000, TcpFlag.SYN))[1]);
      h.fw.serverDown(`s${was}`);
      expect(h.serverOf(h.run(tcp(other, 3000, TcpFlag.SYN))[1])).not.toBe(was);
      h.fw.serverUp(`s${was}`);
      expect(s0).toBeGreaterThanOrEqual(0);
    });
  }

  it("per-cluster SYN state: the same 5-tuple to two clusters is two connections", () => {
    const h = harness(twoClusters("round-robin"));
    const a = readMac(h.run(tcpTo(VIP, VMAC, 0x0a050001, 7000, TcpFlag.SYN))[1], 0);
    const b = readMac(h.run(tcpTo(VIP_B, VMAC_B, 0x0a050001, 7000, TcpFlag.SYN))[1], 0);
    expect(readMac(h.run(tcpTo(VIP, VMAC, 0x0a050001, 7000, TcpFlag.SYN))[1], 0)).toBe(a);
    expect(readMac(h.run(tcpTo(VIP_B, VMAC_B, 0x0a050001, 7000, TcpFlag.SYN))[1], 0)).toBe(b);
  });
});
