/**
 * ARP and the switch's own traffic cannot be spoofed (issue 21, issue 22 item 9): each attack on a
 * full board, from the port an attacker would use, on 5A (CPU path), 5E (CPLD) and 5F (circuit
 * cards' ASICs), under the standard workload. Every frame injected is accounted for.
 */
import { describe, expect, it } from "vitest";
import { ArpOp, writeArpFrame } from "../../src/net/codec/arp.ts";
import { NO_FRAME } from "../../src/net/frame-pool.ts";
import { writeTcp, writeUdp } from "../../src/net/write.ts";
import { runBoard, VIP, VMAC, type ScriptContext } from "../../src/scenarios/board-run.ts";
import { boardVariant } from "../../src/hw/boards/variant.ts";
import { MS } from "../../src/sim/time.ts";
import { hostsRun } from "../hosts/harness.ts";

const ATTACKER = 0x02aa_bbcc_ddee;
const FAST_HEALTH = { healthIntervalPs: MS, healthTimeoutPs: MS };

/** Sends the frame `write` builds into the switch on `port`, as the host there would. */
function inject(c: ScriptContext | { board: ScriptContext["board"] }, port: number, write: (b: Uint8Array) => number): void {
  const pool = c.board.pool, h = pool.alloc();
  if (h === NO_FRAME) return;
  pool.setLength(h, write(pool.bytes(h)));
  c.board.portIn(port).send(h);
}

type Rec = Record<string, any>;

function attacked(board: string): { r: Rec; wl: any; fw: any } {
  let wl: any, fw: any;
  const r = runBoard(boardVariant(board, () => {}), {
    seed: 5, durationPs: 9 * MS, warmupPs: 0, load: 1, ...FAST_HEALTH, // the whole run is the window: the attacks' times and counts are the run's
    script: (c) => {
      wl = c.workload;
      fw = c.fw;
      const r = c.fw.routers, s = c.fw.clusters[0]!.servers;
      // 1. from router r1's port, unicast to s0: "the gateway (r0) is at <attacker>"
      c.at(1 * MS, () => inject(c, r[1]!.port, (b) => writeArpFrame(b, ArpOp.Reply, s[0]!.mac, ATTACKER, r[0]!.ip, s[0]!.mac, VIP)));
      // 2. from server s3's port, unicast to router r0: "the VIP is at s3"
      c.at(1 * MS, () => inject(c, s[3]!.port, (b) => writeArpFrame(b, ArpOp.Reply, r[0]!.mac, s[3]!.mac, VIP, r[0]!.mac, r[0]!.ip)));
      // 3. from router r2's port, a gratuitous ARP request claiming the VIP
      c.at(1.5 * MS, () => inject(c, r[2]!.port, (b) => writeArpFrame(b, ArpOp.Request, 0xffff_ffff_ffff, ATTACKER, VIP, 0, VIP)));
      // 4. from router r1's port, IP to the virtual MAC for another address
      for (let k = 0; k < 5; k++) c.at(1.5 * MS + k * 10e6, () => inject(c, r[1]!.port, (b) => writeTcp(b, VMAC, r[1]!.mac, 0xc6336401, 0x0a0909fe, 4000 + k, 22, 1, 0, 2, 1000, 0)));
      // 6. from server s3's port (on 5F an Ethernet card's, with no ASIC before it), unicast to s1: "the gateway (r0) is at s3"
      c.at(1.2 * MS, () => inject(c, s[3]!.port, (b) => writeArpFrame(b, ArpOp.Reply, s[1]!.mac, s[3]!.mac, r[0]!.ip, s[1]!.mac, VIP)));
      // 5. s2 dies at 1 ms; from router r3's port an attacker answers its probes for it every 0.1 ms
      c.at(1 * MS, () => (c.workload.serverDown[2] = true));
      for (let t = 1.05 * MS; t < 9 * MS; t += 0.1 * MS) c.at(Math.round(t), () => inject(c, r[3]!.port, (b) => writeArpFrame(b, ArpOp.Reply, VMAC, s[2]!.mac, VIP, VMAC, 0)));
    },
  }) as Rec;
  return { r, wl, fw };
}

for (const board of ["5A", "5E", "5F"]) {
  describe(`spoofing on ${board}, from the attacker's port`, () => {
    const { r, wl, fw } = attacked(board);
    const drops = r["frames"]["dropped"] as Record<string, number>;
    const dropped = (cause: string) => (drops[`switch.firmware.${cause}`] ?? 0) + (drops[`switch.asic.${cause}`] ?? 0);

    it("a router-side ARP reply to a server ('the gateway is at <attacker>') never reaches it", () => {
      expect(wl.serverGw[0]).not.toBe(ATTACKER);
      expect(dropped("arpSpoofRejected")).toBeGreaterThanOrEqual(1);
      expect(drops["switch.firmware.unknownDestination"] ?? 0).toBe(0); // nothing sent to the attacker's MAC
    });

    it("a server's ARP reply to another server ('the gateway is at s3') never reaches it (5F: from an Ethernet card's port, whose address table keeps the server entries' intervention flag)", () => {
      expect(wl.serverGw[1]).not.toBe(fw.clusters[0].servers[3].mac);
      expect(dropped("arpIsolated")).toBeGreaterThanOrEqual(1);
    });

    it("a server's ARP reply to a router ('the VIP is at s3') diverts nothing: the router's traffic is balanced and it is re-told the virtual MAC", () => {
      const live = [0, 1, 3].map((i) => wl.perServer[i] as number), total = live.reduce((a, b) => a + b, 0);
      for (const n of live) expect(n / total).toBeGreaterThan(0.2); // not r0's share all to s3
      expect(wl.routerVmac[0][0]).toBe(VMAC);
      expect(r["frames"]["dropped"]["host.misdelivered"] ?? 0).toBe(0);
      expect(fw.counts.misdirectedInbound).toBeGreaterThan(0);
      expect(fw.routers[0].stats.arpCorrections).toBeGreaterThanOrEqual(1);
    });

    it("a gratuitous ARP request claiming the VIP from the router side is not answered, and is counted as spoofing", () => {
      // the switch answered the four routers' and the four servers' first requests, and nothing else
      expect(fw.counts.arpReplies).toBe(8);
      expect(wl.routerVmac[2][0]).toBe(VMAC);
    });

    it("IP to the virtual MAC for another destination is dropped, never forwarded to a server", () => {
      expect(dropped("notForVip")).toBe(5);
    });

    it("ARP replies from the router side in a dead server's name do not keep it up", () => {
      const s2 = fw.read().clusters["web"].servers["s2"];
      expect(s2.state).toBe("down");
      expect(s2.changedAtUs * 1e6 - MS).toBeLessThanOrEqual(3 * MS + MS + 20e6);
      expect(dropped("arpSpoofRejected")).toBeGreaterThan(50);
    });

    it("every frame, the attacker's included, is delivered, dropped with a cause, or still inside", () => {
      const f = r["frames"];
      const total = Object.values(f.dropped as Record<string, number>).reduce((a, b) => a + b, 0);
      expect(f.injected).toBe(f.delivered + total + f.inFlight);
    });
  });
}

/**
 * Cluster B's VIP sent to cluster A's virtual MAC from the router side (docs/firmware.md "Who may
 * send what": dropped, `notForVip`): routers resolve each VIP to its own virtual MAC, so such a
 * frame is forged or misrouted, and an A server must not receive B's traffic. Two clusters: s0
 * and s2 serve "web" (VIP, VMAC), s1 and s3 "cluster1" (VIP + 1, VMAC + 1).
 */
for (const board of ["5A", "5E", "5F"]) {
  it(`${board}: cluster B's VIP to cluster A's virtual MAC, from a router's port, reaches no server; from a server of A, B's VIP through B's virtual MAC reaches a B server`, () => {
    let fw: any, wl: any;
    const r = runBoard(boardVariant(board, () => {}), {
      seed: 5, durationPs: 4 * MS, warmupPs: 0, load: 1, clusters: 2, ...FAST_HEALTH,
      script: (c) => {
        fw = c.fw;
        wl = c.workload;
        const rt = c.fw.routers[1]!;
        for (let k = 0; k < 7; k++) c.at(1 * MS + k * 10e6, () => inject(c, rt.port, (b) => writeTcp(b, VMAC, rt.mac, 0xc6336401, VIP + 1, 4000 + k, 80, 1, 0, 2, 1000, 0)));
        // a server of cluster A (s0) reaches cluster B's VIP through B's virtual MAC (issue 22 item 9): balanced over B's servers
        const s0 = c.fw.clusters[0]!.servers[0]!;
        for (let k = 0; k < 5; k++) c.at(2 * MS + 1 + k * 10e6, () => inject(c, s0.port, (b) => writeTcp(b, VMAC + 1, s0.mac, VIP, VIP + 1, 6000 + k, 80, 1, 0, 0x10, 1000, 0)));
      },
    }) as Rec;
    // nothing from s0 was dropped (the drops are the router's 7, below); cluster B's traffic goes only to B's servers (firmware tests)
    expect(fw.read().clusters["cluster1"].drops).toBe(0);
    const drops = r["frames"]["dropped"] as Record<string, number>;
    expect((drops["switch.firmware.notForVip"] ?? 0) + (drops["switch.asic.notForVip"] ?? 0)).toBe(7);
    // the workload's hosts count every frame not of its own flows as misdelivered: here exactly s0's
    // five, which reached servers; none of the router's seven reached one
    expect(drops["host.misdelivered"] ?? 0).toBe(5);
    expect(fw.read().clusters["cluster1"]).toBeDefined();
    expect(wl.delivered[0]).toBeGreaterThan(0);
    const total = Object.values(drops).reduce((a, b) => a + b, 0);
    expect(r["frames"]["injected"]).toBe(r["frames"]["delivered"] + total + r["frames"]["inFlight"]);
  });
}

describe("spoofed load reports from the router side (hosts, optimal workload, load probes)", () => {
  it("forged answers claiming s0 idle and the others saturated do not steer new flows", () => {
    const r = hostsRun("5A", { transport: { rtoUs: 20_000, responseTimeoutUs: 50_000, datagramTimeoutUs: 2000, maxRetries: 4 }, arrivals: { kind: "open", process: "poisson", rate: { flowsPerSec: 4000 } } }, {
      durationPs: 30 * MS, policy: "optimal-workload", healthKind: "load",
      script: (c) => {
        const rt = c.fw.routers[1]!, ss = c.fw.clusters[0]!.servers, sw = c.fw.config.switchIp;
        // every 0.2 ms, for each server, a load answer to each of 64 likely probe ports
        for (let t = 0.5 * MS; t < 30 * MS; t += 0.2 * MS) c.at(Math.round(t), () => {
          for (let i = 0; i < ss.length; i++) for (let port = 49152; port < 49152 + 64; port += 8) inject(c, rt.port, (b) => {
            b.fill(0, 42, 46);
            b[42] = i === 0 ? 0 : 0x0f;
            return writeUdp(b, c.fw.config.switchMac, ss[i]!.mac, VIP, sw, 7011, port, 4); // to the switch's own MAC, where the answers go
          });
        });
      },
    });
    const served = (r.hosts.servers as { service: { served: number } }[]).map((s) => s.service.served);
    const total = served.reduce((a, b) => a + b, 0);
    // steered, s0 would take nearly every flow and the others next to none; not steered, each server
    // holds about a quarter of some 100 flows (a binomial's standard deviation is 4.3 flows, 4.3 %):
    // every share above 10 % and s0's below 40 %, 3.5 deviations from a fair split either way
    for (const n of served) expect(n / total).toBeGreaterThan(0.1);
    expect(served[0]! / total).toBeLessThan(0.4);
    // the flood (160,000 frames/s to the switch's own MAC from one port) is mostly dropped by the
    // control-plane policer before it reaches the CPU; what gets through is rejected as spoofed
    const d = r.frames.dropped;
    expect(d["switch.firmware.spoofedProbeAnswer"]).toBeGreaterThan(100);
    expect(d["switch.firmware.spoofedProbeAnswer"] + d["switch.cpu.controlPoliced"]).toBeGreaterThan(1000);
    expect(r.frames.balanced).toBe(true);
  });
});
