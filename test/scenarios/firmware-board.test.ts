/**
 * The firmware's health timing and run-time changes on a full board (issue 22 item 2, issue 21,
 * issue 19 item 8): the detection bound with probe timeouts longer than the interval, a removed
 * server never probed again, a server added at run time monitored like the others, and a SYN
 * flood that fills the flow table while the data keeps flowing.
 */
import { describe, expect, it } from "vitest";
import { FlowSwitch } from "../../src/firmware/flow-switch.ts";
import { Board } from "../../src/hw/boards/board.ts";
import { boardVariant } from "../../src/hw/boards/variant.ts";
import { TcpFlag } from "../../src/net/codec/l4.ts";
import { FramePool, NO_FRAME } from "../../src/net/frame-pool.ts";
import { writeTcp } from "../../src/net/write.ts";
import { runBoard, VIP, VMAC } from "../../src/scenarios/board-run.ts";
import { Simulator } from "../../src/sim/simulator.ts";
import { MS } from "../../src/sim/time.ts";
import { Workload } from "../../src/traffic/workload.ts";

type Servers = Record<string, { state: string; changedAtUs: number; probes?: { sent: number } }>;

describe("detection bound on a full board (5A): interval x fall + timeout, also for timeouts longer than the interval", () => {
  // the figures: with timeout 1.5 x interval worst-case detection was 6.49 ms against 4.5
  for (const [ratio, failAt] of [[1.5, 2.99], [2.5, 2.02]] as const) {
    it(`timeout ${ratio} x the 1 ms interval, server silent at ${failAt} ms`, () => {
      const timeout = ratio * MS;
      const r = runBoard(boardVariant("5A", () => {}), {
        seed: 1, durationPs: 12 * MS, warmupPs: 0, load: 1, healthKind: "arp", healthIntervalPs: MS, healthTimeoutPs: timeout, // no warm-up: the firmware's timestamps are the script's
        script: (c) => c.at(failAt * MS, () => (c.workload.serverDown[2] = true)),
        finish: (c) => (c.report["servers"] = c.fw.read().clusters["web"]!.servers),
      }) as Record<string, unknown>;
      const s = r["servers"] as Servers;
      for (const k of ["s0", "s1", "s3"]) expect(s[k]!.state, k).toBe("up");
      expect(s["s2"]!.state).toBe("down");
      // the probe round runs as a CPU job, which may start a few us after its timer
      expect(s["s2"]!.changedAtUs * 1e6 - failAt * MS).toBeLessThanOrEqual(3 * MS + timeout + 20e6);
      expect((r["health"] as { serverDowns: number; routerDowns: number })).toMatchObject({ serverDowns: 1, routerDowns: 0 });
    });
  }
});

describe("run-time changes on a full board (5A)", () => {
  it("a removed server is never probed again: nothing more leaves its port, and it never comes back", () => {
    const sent: number[] = [];
    const r = runBoard(boardVariant("5A", () => {}), {
      seed: 2, durationPs: 10 * MS, warmupPs: 0, load: 1, healthIntervalPs: MS, healthTimeoutPs: MS,
      script: (c) => {
        const port = c.fw.clusters[0]!.servers[1]!.port;
        c.at(3 * MS, () => {
          c.fw.removeServer("s1");
          sent.push(c.board.portCounters(port).txFrames);
        });
        c.at(4 * MS, () => sent.push(c.board.portCounters(port).txFrames)); // frames already queued have left
        c.at(10 * MS - 1, () => sent.push(c.board.portCounters(port).txFrames));
      },
      finish: (c) => (c.report["servers"] = c.fw.read().clusters["web"]!.servers),
    }) as Record<string, unknown>;
    expect(sent[2]).toBe(sent[1]); // no probe, no data for 6 ms
    const s = r["servers"] as Servers;
    expect(s["s1#removed"]!.state).toBe("down");
    expect(s["s1"]).toBeUndefined();
  });

  it("a server added while running is probed from the next round, takes flows, and is declared down when it falls silent", () => {
    const r = runBoard(boardVariant("5A", () => {}), {
      seed: 3, durationPs: 14 * MS, warmupPs: 0, load: 1, healthIntervalPs: MS, healthTimeoutPs: MS,
      script: (c) => {
        const s3 = c.fw.clusters[0]!.servers[3]!;
        // s3 leaves the cluster and comes back under a new name: the workload's host on its port answers for it
        c.at(2 * MS, () => {
          c.fw.removeServer("s3");
          c.fw.addServer("web", { name: "s3b", mac: s3.mac, port: s3.port });
        });
        c.at(8 * MS, () => {
          c.report["atEight"] = c.fw.read().clusters["web"]!.servers["s3b"];
          c.workload.serverDown[3] = true;
        });
      },
      finish: (c) => (c.report["servers"] = c.fw.read().clusters["web"]!.servers),
    }) as Record<string, unknown>;
    const at8 = r["atEight"] as { state: string; packets: number; probes: { sent: number; answered: number } };
    expect(at8.state).toBe("up");
    expect(at8.probes.sent).toBeGreaterThanOrEqual(5);
    expect(at8.probes.answered).toBeGreaterThanOrEqual(4);
    expect(at8.packets).toBeGreaterThan(0);
    expect((r["servers"] as Servers)["s3b"]!.state).toBe("down");
  });
});

describe("a SYN flood on a full board (5A) degrades gracefully and says so", () => {
  it("the flood fills a small flow table (128 flows); the workload's frames are still delivered, new flows are placed by the hash, the read-out says the table is full", () => {
    const spec = boardVariant("5A", () => {});
    const sim = new Simulator({ seed: 4 });
    const pool = new FramePool({ slots: 16_384 });
    const board = new Board(sim, pool, spec);
    const routers = [0, 1, 2, 3].map((i) => ({ name: `r${i}`, port: i, mac: 0x0200_0000_0100 + i, ip: 0xc0000201 + i }));
    const servers = [0, 1, 2, 3].map((i) => ({ name: `s${i}`, port: 4 + i, mac: 0x0200_0000_0200 + i, ip: VIP, gatewayIp: routers[0]!.ip }));
    const health = { intervalPs: MS, timeoutPs: MS };
    const fw = new FlowSwitch({
      clusters: [{ name: "web", vip: VIP, vmac: VMAC, policy: "round-robin", servers: servers.map((s) => ({ name: s.name, mac: s.mac, port: s.port })), health }],
      routerPools: [{ name: "gateways", routers: routers.map((r) => ({ name: r.name, ip: r.ip, mac: r.mac, port: r.port })), health }],
      flowTableSize: 128,
    });
    board.install(fw);
    const wl = new Workload(sim, pool, board, { vip: VIP, routers, servers, load: 1, flows: 200, stopPs: 10 * MS, inboundBpsPerRouter: 15e6, outboundBpsPerServer: 60e6 });
    // from 2 ms to 8 ms, 25,000 SYNs a second (within the CPU's capacity: this is not the overload test) from spoofed sources on router r3's port
    let n = 0;
    const flood = sim.event("flood", () => {
      const h = pool.alloc();
      if (h !== NO_FRAME) {
        pool.setLength(h, writeTcp(pool.bytes(h), VMAC, routers[3]!.mac, (0xc0000000 + n * 7919) >>> 0, VIP, 1024 + (n & 0x3ff), 80, n, 0, TcpFlag.SYN, 1000, 0));
        board.portIn(3).send(h);
      }
      n++;
      if (sim.now < 8 * MS) sim.scheduleIn(flood, 40e6);
    });
    sim.schedule(flood, 2 * MS);
    sim.run(10 * MS);
    const r = fw.read();
    expect(n).toBeGreaterThanOrEqual(150);
    expect(r.flows.fullEpisodes).toBeGreaterThanOrEqual(1);
    expect(r.flows.fallbacks).toBeGreaterThan(0);
    expect(r.notes?.[0]).toMatch(/flow table full/);
    expect(r.healthChanges.serverDowns + r.healthChanges.routerDowns).toBe(0);
    // the workload's frames keep arriving both ways (the servers' SYN+ACKs to the spoofed sources
    // reach router r3, which counts them as misdelivered: they are not the workload's)
    expect(wl.delivered[0]).toBeGreaterThan(0.9 * wl.injected[0]!);
    expect(wl.delivered[1]).toBeGreaterThan(0.9 * wl.injected[1]!);
  });
});

/**
 * Issue 21 "A SYN flood must degrade gracefully and say so", with "the flow table must recover",
 * on full boards (the CPU path, the CPLD, the ASICs: SYNs go to the CPU on every board). 200
 * long-lived flows hold entries of a 512-flow table; from 2 to 10 ms, 50,000 SYNs a second from
 * spoofed sources on router r3's port fill it (the table's policy: a live entry is never evicted,
 * a new flow that finds the table full is placed by the consistent hash and not stored). From
 * 20 ms, after the flood's embryonic entries have expired (5 ms), 200 short connections (SYN,
 * ACK, FIN; an entry lasts 1 ms after its FIN) come from router r0's port: the sweep, 4 slots
 * with every new flow, passes the table's 1,024 slots within 256 new flows and reclaims the
 * flood's entries, after which every connection is stored (placed by the policy) again: the
 * steady state holds the flows alive (about 220) plus at most capacity / 2 expired ones not yet
 * swept (docs/firmware.md "The flow table"), under 512.
 */
describe("a SYN flood on full boards: established flows keep their servers, counts add up, the table recovers", () => {
  for (const b of ["5A", "5E", "5F"]) {
    it(b, () => {
      let fw!: FlowSwitch, wl!: Workload;
      const during: { fullEpisodes: number; fallbacks: number; notes?: string[] }[] = [];
      let fallbacksAt20 = 0, fallbacksAfterPass = 0;
      const send = (c: { board: Board }, port: number, srcMac: number, src: number, sport: number, flags: number) => {
        const pool = c.board.pool, h = pool.alloc();
        if (h === NO_FRAME) return;
        pool.setLength(h, writeTcp(pool.bytes(h), VMAC, srcMac, src >>> 0, VIP, sport, 80, 1, 0, flags, 1000, 0));
        c.board.portIn(port).send(h);
      };
      const r = runBoard(boardVariant(b, () => {}), {
        seed: 4, durationPs: 40 * MS, warmupPs: 0, load: 1, flows: 200, packetsPerFlow: 1e7, checkAffinity: true, policy: "round-robin",
        healthIntervalPs: MS, healthTimeoutPs: MS, flowTable: { size: 512, timeouts: { synPs: 5 * MS, finPs: 1 * MS } },
        script: (c) => {
          fw = c.fw;
          wl = c.workload;
          const r3 = c.fw.routers[3]!, r0 = c.fw.routers[0]!;
          for (let n = 0; n < 400; n++) c.at(2 * MS + n * 20e6, () => send(c, r3.port, r3.mac, 0xc0000000 + n * 7919, 1024 + (n & 0x3ff), TcpFlag.SYN));
          c.at(10.5 * MS, () => {
            const x = c.fw.read();
            during.push({ fullEpisodes: x.flows.fullEpisodes, fallbacks: x.flows.fallbacks, ...(x.notes ? { notes: x.notes } : {}) });
          });
          c.at(20 * MS, () => (fallbacksAt20 = c.fw.counts.maglevFallbacks));
          for (let n = 0; n < 200; n++) {
            c.at(20 * MS + n * 50e6, () => send(c, r0.port, r0.mac, 0x0a990000 + n, 2000 + n, TcpFlag.SYN));
            c.at(20 * MS + n * 50e6 + 10e6, () => send(c, r0.port, r0.mac, 0x0a990000 + n, 2000 + n, TcpFlag.ACK));
            c.at(20 * MS + n * 50e6 + 20e6, () => send(c, r0.port, r0.mac, 0x0a990000 + n, 2000 + n, TcpFlag.FIN | TcpFlag.ACK));
          }
          c.at(20 * MS + 140 * 50e6, () => (fallbacksAfterPass = c.fw.counts.maglevFallbacks));
        },
      }) as Record<string, any>;
      // the flood filled the table, the policy was bypassed, and the read-out said so
      expect(during[0]!.fullEpisodes).toBeGreaterThanOrEqual(1);
      expect(during[0]!.fallbacks).toBeGreaterThan(0);
      expect(during[0]!.notes?.[0]).toMatch(/flow table full/);
      // no established flow lost its entry or changed server; nothing was declared down
      expect(wl.affinityViolations).toBe(0);
      expect(r["health"].serverDowns + r["health"].routerDowns).toBe(0);
      expect(wl.delivered[0]).toBeGreaterThan(0.95 * wl.injected[0]!);
      // recovery: the flood's expired entries are reclaimed within one pass of the sweep, after
      // which every new connection is stored (placed by the policy) again
      expect(fallbacksAfterPass - fallbacksAt20).toBeLessThanOrEqual(256);
      expect(fw.counts.maglevFallbacks).toBe(fallbacksAfterPass);
      expect(fw.read().flows.full).toBe(false);
      // every frame, the flood's included, is delivered, dropped with a cause, or still inside
      const f = r["frames"], dropped = Object.values(f.dropped as Record<string, number>).reduce((a, x) => a + x, 0);
      expect(f.injected).toBe(f.delivered + dropped + f.inFlight);
    });
  }
});

/**
 * Issue 22 item 1 on a full board (5A): one physical server in two clusters. s0 and s1 serve both
 * "web" (VIP) and "b" (VIP + 1, its own virtual MAC) from one port and MAC each; s2 and s3 serve
 * web only; the workload's flows alternate between the two VIPs; ICMP-echo probes every 1 ms
 * (timeout 1 ms, fall 3), each cluster probing its own copy. s0 falls silent at 2 ms: both of its
 * copies are declared down within interval x fall + timeout (4 ms), and from then on neither
 * cluster sends it a frame (b used to keep its copy up and send it 15 of 30 new flows).
 */
describe("one physical server in two clusters on a full board (5A)", () => {
  it("it dies: both clusters' copies go down within the bound, and neither sends it anything after", () => {
    const spec = boardVariant("5A", () => {});
    const sim = new Simulator({ seed: 6 });
    const pool = new FramePool({ slots: 16_384 });
    const board = new Board(sim, pool, spec);
    const VIP_B = VIP + 1, VMAC_B = VMAC + 1;
    const routers = [0, 1, 2, 3].map((i) => ({ name: `r${i}`, port: i, mac: 0x0200_0000_0100 + i, ip: 0xc0000201 + i }));
    const servers = [0, 1, 2, 3].map((i) => ({ name: `s${i}`, port: 4 + i, mac: 0x0200_0000_0200 + i, ip: VIP, gatewayIp: routers[0]!.ip }));
    const health = { kind: "icmp" as const, intervalPs: MS, timeoutPs: MS };
    const srv = (i: number) => ({ name: servers[i]!.name, mac: servers[i]!.mac, port: servers[i]!.port });
    const fw = new FlowSwitch({
      clusters: [
        { name: "web", vip: VIP, vmac: VMAC, policy: "round-robin", servers: [0, 1, 2, 3].map(srv), health },
        { name: "b", vip: VIP_B, vmac: VMAC_B, policy: "round-robin", servers: [0, 1].map(srv), health },
      ],
      routerPools: [{ name: "gateways", routers: routers.map((r) => ({ name: r.name, ip: r.ip, mac: r.mac, port: r.port })), health: { intervalPs: MS, timeoutPs: MS } }],
    });
    board.install(fw);
    const wl = new Workload(sim, pool, board, { vip: VIP, vips: [VIP, VIP_B], routers, servers, load: 1, flows: 400, packetsPerFlow: 4, stopPs: 12 * MS, inboundBpsPerRouter: 15e6, outboundBpsPerServer: 60e6 });
    const packets = () => ({ web: fw.read().clusters["web"]!.servers["s0"]!.packets, b: fw.read().clusters["b"]!.servers["s0"]!.packets });
    const at: { web: number; b: number }[] = [];
    sim.schedule(sim.event("die", () => (wl.serverDown[0] = true)), 2 * MS);
    sim.schedule(sim.event("look", () => at.push(packets())), 6.1 * MS);
    sim.run(12 * MS);
    const r = fw.read();
    const web = r.clusters["web"]!.servers["s0"]!, b = r.clusters["b"]!.servers["s0"]!;
    expect(web.state).toBe("down");
    expect(b.state).toBe("down");
    for (const s of [web, b]) expect(s.changedAtUs * 1e6 - 2 * MS).toBeLessThanOrEqual(3 * MS + MS + 0.1 * MS);
    // both clusters carried traffic to it before, and nothing after both copies went down
    expect(at[0]!.b).toBeGreaterThan(0);
    expect(at[0]!.web).toBeGreaterThan(0);
    expect(packets()).toEqual(at[0]);
    // b's other server took b's flows; nothing else was declared down
    expect(r.clusters["b"]!.servers["s1"]!.state).toBe("up");
    expect(r.healthChanges.serverDowns).toBe(2);
    expect(r.healthChanges.routerDowns).toBe(0);
  });
});
