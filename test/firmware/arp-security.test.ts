/**
 * Who may send what (issue 21 "ARP and the switch's own traffic must not be spoofable", issue 22
 * item 9), on the firmware: the sender is decided by ingress port and configuration, probe
 * answers and load reports count only from the probed target's port, ARP addressed to a server
 * reaches the firmware, a virtual MAC carries only its virtual IP.
 */
import { describe, expect, it } from "vitest";
import { Verdict } from "../../src/hw/cpu-board.ts";
import { ArpOp } from "../../src/net/codec/arp.ts";
import { IpProto } from "../../src/net/codec/l4.ts";
import { readMac, writeMac } from "../../src/net/mac.ts";
import { answerProbe, arpRequest, harness, ipFrame, ipPacket, quietConfig, ROUTER_IP, ROUTER_MAC, SERVER_MAC, SERVER_PORT, tcp, tcpSeg, tcpTo, twoClusters, VIP, VIP_B, VMAC, VMAC_B } from "./harness.ts";

const US = 1e6;
const ATTACKER = 0x02aa_bbcc_ddee;

/** An ARP frame of any opcode, sent to `dst`. */
function arp(op: number, dst: number, senderMac: number, senderIp: number, targetMac: number, targetIp: number): Uint8Array {
  const f = arpRequest(senderMac, senderIp, targetIp);
  writeMac(f, 0, dst);
  f[21] = op;
  writeMac(f, 32, targetMac);
  return f;
}

describe("probe answers count only from the probed target's port", () => {
  it("an ARP reply from the router side with a dead server's MAC and address does not keep it up", () => {
    const interval = 100 * US;
    const h = harness(quietConfig(2, { health: { kind: "arp", intervalPs: interval, timeoutPs: 50 * US, rise: 2, fall: 3 } }), { alive: (p) => p === SERVER_PORT(0), delayPs: () => 3 * US });
    // every probe to s1 is answered, by an attacker on router port 0
    for (let t = interval + 5 * US; t < 8 * interval; t += interval) {
      h.sim.run(t);
      h.run(arp(ArpOp.Reply, VMAC, SERVER_MAC(1), VIP, VMAC, 0), 0);
    }
    expect(h.fw.read().clusters["web"]!.servers["s1"]!.state).toBe("down");
    expect(h.fw.read().clusters["web"]!.servers["s0"]!.state).toBe("up");
    expect(h.fw.drops.arpSpoofRejected).toBeGreaterThanOrEqual(6);
  });

  it("load reports forged from the router side, even with the right token, do not steer new flows", () => {
    const interval = 100 * US;
    const h = harness({ ...quietConfig(4, { policy: "optimal-workload", health: { kind: "load", intervalPs: interval, timeoutPs: 50 * US } }), balancePeriodPs: 50 * US },
      { alive: () => true, delayPs: () => 3 * US, load: () => 500 });
    h.sim.run(interval + 1);
    // the attacker copies each load query's token and answers for s1-s3 "999" and for s0 "0"
    for (const q of h.sent.filter((x) => x.bytes[23] === IpProto.UDP)) {
      const s = q.port - SERVER_PORT(0);
      const forged = answerProbe(q.bytes, SERVER_MAC(s), s === 0 ? 0 : 999_000)!;
      expect(h.run(forged, 0)[0]).toBe(Verdict.Drop);
    }
    h.sim.run(interval + 60 * US);
    const to = [0, 0, 0, 0];
    for (let f = 0; f < 400; f++) to[h.serverOf(h.run(tcp(0x0a000000 + f, 80))[1])]!++;
    expect(to).toEqual([100, 100, 100, 100]);
    expect(h.fw.drops.spoofedProbeAnswer).toBe(4);
  });
});

describe("ARP that claims what is not its sender's", () => {
  it("a gratuitous ARP request claiming the virtual IP from the router side is not answered, and is counted as spoofing", () => {
    const h = harness(quietConfig(2));
    const [v] = h.run(arpRequest(ATTACKER, VIP, VIP), 0);
    expect(v).toBe(Verdict.Drop);
    expect(h.fw.drops.arpSpoofRejected).toBe(1);
  });

  it("a router's address claimed from another port, or a router's MAC from another port, is spoofing", () => {
    const h = harness(quietConfig(2));
    expect(h.run(arp(ArpOp.Reply, VMAC, ATTACKER, ROUTER_IP(0), VMAC, 0), 1)[0]).toBe(Verdict.Drop);
    expect(h.run(arpRequest(ROUTER_MAC(0), ROUTER_IP(0), VIP), 1)[0]).toBe(Verdict.Drop);
    expect(h.run(arpRequest(ROUTER_MAC(1), ROUTER_IP(1), VIP), 1)[0]).toBe(1); // r1 from its own port: answered
    expect(h.fw.drops.arpSpoofRejected).toBe(2);
  });

  it("ARP addressed to a server reaches the firmware (its entry is intervened) and from the router side is dropped", () => {
    const h = harness(quietConfig(2));
    expect(h.entries.get(SERVER_MAC(0))!.intervention).toBe(true);
    // "the gateway is at <attacker>", unicast to s0 from the router side
    expect(h.run(arp(ArpOp.Reply, SERVER_MAC(0), ATTACKER, ROUTER_IP(0), SERVER_MAC(0), VIP), 0)[0]).toBe(Verdict.Drop);
    expect(h.run(arp(ArpOp.Request, SERVER_MAC(0), ATTACKER, ROUTER_IP(0), 0, VIP), 1)[0]).toBe(Verdict.Drop);
    expect(h.fw.drops.arpSpoofRejected).toBe(2);
  });

  it("a server may not claim a router's address or another cluster's virtual IP; its own cluster's VIP it may (its probe answers)", () => {
    const h = harness(twoClusters());
    expect(h.run(arp(ArpOp.Reply, VMAC, SERVER_MAC(0), ROUTER_IP(0), VMAC, 0), SERVER_PORT(0))[0]).toBe(Verdict.Drop);
    expect(h.run(arp(ArpOp.Reply, VMAC, SERVER_MAC(0), VIP_B, VMAC, 0), SERVER_PORT(0))[0]).toBe(Verdict.Drop);
    expect(h.run(arp(ArpOp.Reply, VMAC, SERVER_MAC(0), VIP, VMAC, 0), SERVER_PORT(0))[0]).toBe(Verdict.Consumed);
    expect(h.fw.drops.arpSpoofRejected).toBe(2);
  });
});

describe("a virtual MAC carries only its virtual IP (item 9)", () => {
  it("IP to the virtual MAC for another destination, or for another cluster's VIP, is dropped and counted", () => {
    const h = harness(twoClusters());
    expect(h.run(ipFrame(ipPacket(tcpSeg(1000, 80), IpProto.TCP, 0x0a000001, 0x0a0000fe)))[0]).toBe(Verdict.Drop);
    expect(h.run(tcpTo(VIP_B, VMAC, 0x0a000001, 1000))[0]).toBe(Verdict.Drop);
    expect(h.fw.drops.notForVip).toBe(2);
    expect(h.fw.read().clusters["web"]!.dropsByCause.notForVip).toBe(2);
    expect(h.run(tcpTo(VIP_B, VMAC_B, 0x0a000001, 1000))[0]).toBeGreaterThanOrEqual(0);
  });

  it("servers of one cluster reach another cluster's VIP: their ARP for it is answered with its virtual MAC; their own VIP's is absorbed", () => {
    const h = harness(twoClusters());
    const [v, out] = h.run(arpRequest(SERVER_MAC(0), VIP, VIP_B), SERVER_PORT(0));
    expect(v).toBe(SERVER_PORT(0));
    expect(readMac(out, 22)).toBe(VMAC_B);
    expect(h.run(arpRequest(SERVER_MAC(0), VIP, VIP), SERVER_PORT(0))[0]).toBe(Verdict.Drop);
    expect(h.fw.drops.arpIsolated).toBe(1);
    // and its traffic to VIP b through vmac b is balanced over b's servers
    const [w, fwd] = h.run(ipFrame(ipPacket(tcpSeg(3333, 80), IpProto.TCP, VIP, VIP_B), VMAC_B, SERVER_MAC(0)), SERVER_PORT(0));
    expect(w).toBeGreaterThanOrEqual(0);
    expect([SERVER_MAC(2), SERVER_MAC(3), SERVER_MAC(12)]).toContain(readMac(fwd, 0));
  });
});

describe("a router misled into sending to a server's MAC", () => {
  it("its traffic for the VIP is balanced all the same and the router is told the virtual MAC again", () => {
    const h = harness(quietConfig(4, { policy: "round-robin" }));
    const to = new Set<number>();
    for (let f = 0; f < 8; f++) {
      const [v, out] = h.run(ipFrame(ipPacket(tcpSeg(2000 + f, 80), IpProto.TCP, 0x0a000009, VIP), SERVER_MAC(3)), 0);
      expect(v).toBeGreaterThanOrEqual(0);
      to.add(readMac(out, 0));
    }
    expect(to.size).toBe(4); // round robin, not all to s3
    expect(h.fw.counts.misdirectedInbound).toBe(8);
    const garps = h.sent.filter((x) => x.port === 0 && x.bytes[13] === 6);
    expect(garps).toHaveLength(1); // once per probe interval
    expect(readMac(garps[0]!.bytes, 22)).toBe(VMAC);
    expect(readMac(garps[0]!.bytes, 0)).toBe(ROUTER_MAC(0));
    // anything else from the router side to a server's MAC is dropped
    expect(h.run(ipFrame(ipPacket(tcpSeg(1, 22), IpProto.TCP, 0x0a000009, 0x0a0000fe), SERVER_MAC(3)), 0)[0]).toBe(Verdict.Drop);
    expect(h.fw.drops.serverMacFromRouterSide).toBe(1);
  });
});
