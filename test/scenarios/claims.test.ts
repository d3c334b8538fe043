import { describe, expect, it } from "vitest";
import { asymmetricWeb, availabilityCluster, multiCluster, routerFailover, routerPool, serverFailover, vsNat } from "../../src/scenarios/claims.ts";
import { MS } from "../../src/sim/time.ts";
import { runBoard } from "../../src/scenarios/board-run.ts";
import { boardVariant } from "../../src/hw/boards/variant.ts";

const opts = (ms: number) => ({ seed: 2, durationPs: ms * MS, load: 1 });

describe("scenario claims", () => {
  it("router-pool: with one default gateway configured on every server, outbound traffic spreads over all four router links", () => {
    const [r] = routerPool.run(opts(8)) as Record<string, unknown>[];
    const shares = r!["routerShares"] as number[];
    expect(shares).toHaveLength(4);
    for (const s of shares) expect(s).toBeGreaterThan(0.15);
    expect(Object.values(r!["assignedServers"] as Record<string, number>)).toEqual([1, 1, 1, 1]); // each server's gateway ARP answered with a different router
    expect((r!["cpu"] as { interventionsPerOutboundFrame: number }).interventionsPerOutboundFrame).toBe(0);
  });

  it("server-failover: detected within interval x fall + timeout, no frame reaches it after that (beyond frames already in flight), back after recovery", () => {
    const [r] = serverFailover.run(opts(20)) as Record<string, unknown>[];
    const f = r!["failover"] as Record<string, number | string>;
    // the probe round runs as a CPU job, which may start a few us after its timer
    expect(f["detectionUs"] as number).toBeLessThanOrEqual((f["detectionBoundUs"] as number) + 20);
    expect(f["detectionUs"] as number).toBeGreaterThan(0);
    expect(f["stateWhileFailed"]).toBe("down");
    expect(f["stateAtEnd"]).toBe("up");
    expect(f["lastLossUs"] as number).toBeLessThanOrEqual((f["detectedAtUs"] as number) + 1000);
  });

  it("availability-cluster: the primary fails, a secondary takes over, the old primary recovers and does not pre-empt", () => {
    const [r] = availabilityCluster.run(opts(20)) as Record<string, unknown>[];
    const roles = r!["roles"] as { roles: Record<string, string> }[];
    expect(roles[0]!.roles["s0"]).toBe("primary");
    expect(roles[1]!.roles["s0"]).toBe("secondary-failed");
    const newPrimary = Object.entries(roles[1]!.roles).find(([, v]) => v === "primary")![0];
    expect(newPrimary).not.toBe("s0");
    expect(roles[2]!.roles["s0"]).toBe("secondary-operational");
    expect(roles[2]!.roles[newPrimary]).toBe("primary");
    for (const t of roles) expect(Object.values(t.roles).filter((v) => v === "primary")).toHaveLength(1);
  });

  it("router-failover: the failed router's servers are re-pointed (gratuitous ARP) and the other routers stay up", () => {
    // at load 1 two servers' outbound (120 Mb/s) share one surviving 100 Mb/s router link: the
    // switch's queue to it delays its probes past the 1 ms timeout, but a router that keeps
    // sending is not failed (its unanswered probes are excused; at load 0.6 only, before issue #21)
    const [r] = routerFailover.run(opts(20)) as Record<string, unknown>[];
    const x = r!["routerFailover"] as { routers: Record<string, { up: boolean }>; gratuitousArps: number; redirectedFrames: number };
    expect(x.routers["r0"]!.up).toBe(false);
    for (const k of ["r1", "r2", "r3"]) expect(x.routers[k]!.up).toBe(true);
    expect(x.gratuitousArps).toBeGreaterThanOrEqual(1);
  });
});

describe("health probes of every kind, end to end", () => {
  for (const kind of ["arp", "icmp", "tcp"] as const) {
    it(`${kind} probes: healthy servers stay up, a silent one is down within interval x fall + timeout`, () => {
      const failAt = 2 * MS;
      const r = runBoard(boardVariant("5A", () => {}), {
        seed: 1, durationPs: 7 * MS, load: 1, healthKind: kind, healthIntervalPs: MS, healthTimeoutPs: MS,
        script: (c) => c.at(failAt, () => (c.workload.serverDown[2] = true)),
        finish: (c) => (c.report["servers"] = c.fw.read().clusters["web"]!.servers),
      }) as Record<string, unknown>;
      const s = r["servers"] as Record<string, { state: string; changedAtUs: number }>;
      for (const k of ["s0", "s1", "s3"]) expect(s[k]!.state, k).toBe("up");
      expect(s["s2"]!.state).toBe("down");
      // the script's instants count from the window's start (after the warm-up); the firmware stamps simulated time
      const windowStart = (r["warmupSeconds"] as number) * 1e12;
      expect(s["s2"]!.changedAtUs * 1e6 - windowStart - failAt).toBeLessThanOrEqual(3 * MS + MS + 20_000_000);
      expect(s["s2"]!.changedAtUs * 1e6 - windowStart - failAt).toBeGreaterThan(0);
    });
  }
});

describe("vs-nat: the flow switch against the prior-art NAT balancer on the same board and traffic", () => {
  it("NAT puts every frame of both directions through the CPU (checksums recomputed, ESP balanced by source only); the flow switch only inbound frames", () => {
    const runs = vsNat.run(opts(6)) as Record<string, unknown>[];
    const fs = runs.find((r) => r["firmware"] === "flow-switch")!, nat = runs.find((r) => r["firmware"] === "nat")!;
    const cpu = (r: Record<string, unknown>) => r["cpu"] as { utilization: number; interventionsPerOutboundFrame: number };
    expect(cpu(fs).interventionsPerOutboundFrame).toBe(0);
    expect(cpu(nat).interventionsPerOutboundFrame).toBeGreaterThanOrEqual(1);
    expect(cpu(nat).utilization).toBeGreaterThan(2 * cpu(fs).utilization);
    const n = nat["nat"] as { checksumUpdates: number; espBySourceOnly: number; inbound: number; outbound: number };
    expect(n.checksumUpdates).toBeGreaterThan(n.inbound + n.outbound); // IP header and TCP/UDP, both ways
    expect(n.espBySourceOnly).toBeGreaterThan(0);
  });
});

describe("every protocol served (ipsec-and-udp), most bytes outbound (asymmetric-web)", () => {
  it("TCP, UDP, ESP and IP-in-IP are all delivered, and no frame of a flow reaches a second server", () => {
    for (const b of ["5A", "5E", "5F"]) {
      const r = runBoard(boardVariant(b, () => {}), { seed: 3, durationPs: 6 * MS, load: 1, mix: { tcp: 5, udp: 5, esp: 5, ipip: 5 }, checkAffinity: true, flows: 40, finish: (c) => (c.report["wl"] = c.workload) }) as Record<string, unknown>;
      const wl = r["wl"] as { perProtocol: Map<number, number>; affinityViolations: number };
      for (const p of [6, 17, 50, 4]) expect(wl.perProtocol.get(p) ?? 0, `${b} protocol ${p}`).toBeGreaterThan(10);
      expect(wl.affinityViolations, b).toBe(0);
    }
  });

  it("asymmetric-web: outbound bytes are many times inbound, and none of them costs the CPU", () => {
    const [r] = asymmetricWeb.run(opts(5)) as Record<string, unknown>[];
    expect((r!["asymmetry"] as { outboundToInboundBytes: number }).outboundToInboundBytes).toBeGreaterThan(10);
    expect((r!["cpu"] as { interventionsPerOutboundFrame: number }).interventionsPerOutboundFrame).toBe(0);
  });
});

describe("multi-cluster", () => {
  it("two virtual IPs on one switch: each cluster's traffic reaches only its own servers, on every board", () => {
    for (const b of ["5A", "5E", "5F"]) {
      const [r] = multiCluster.run({ ...opts(5), boards: [b] }) as Record<string, unknown>[];
      const c = r!["clusters"] as Record<string, { packets: number; servers: Record<string, number> }>;
      expect(Object.keys(c["web"]!.servers).sort()).toEqual(["s0", "s2"]);
      expect(Object.keys(c["cluster1"]!.servers).sort()).toEqual(["s1", "s3"]);
      expect(c["web"]!.packets).toBeGreaterThan(0);
      expect(c["cluster1"]!.packets).toBeGreaterThan(0);
      expect(r!["misdelivered"], b).toBe(0);
    }
  });
});
