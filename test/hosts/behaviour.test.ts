/**
 * Hosts on the boards: server failure and what clients see, ARP caches following router pooling,
 * the service model's backlog, frame order, conservation, and determinism.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ArpOp } from "../../src/net/codec/arp.ts";
import { readMac } from "../../src/net/mac.ts";
import { FAST, hostsRun, MS, outcomes } from "./harness.ts";

const BOARDS = ["5A", "5B", "5C", "5D", "5E", "5F"];

describe("a failed server", () => {
  it("stops answering: it sends nothing, its clients see timeouts or resets (their flows moved to servers that do not know them), new flows go to the others", () => {
    let sentAtFailure = -1, sentAfter = -1, receivedAtFailure = -1;
    const r = hostsRun("5E", { transport: FAST, arrivals: { kind: "open", process: "poisson", rate: { flowsPerSec: 3000 } } }, {
      // probe answers queue behind a server's response bursts (up to ~8 ms here): with each answer
      // matched to its probe, a timeout shorter than that declares busy healthy servers down;
      // probes are independent, so a timeout beyond the interval keeps detection within 3 x 1 + 6 ms
      durationPs: 60 * MS, drainPs: 40 * MS, healthIntervalPs: 1 * MS, healthTimeoutPs: 6 * MS,
      script: (ctx) => {
        ctx.at(20 * MS, () => {
          sentAtFailure = ctx.hosts.servers[1]!.framesSent;
          receivedAtFailure = ctx.hosts.servers[1]!.received;
          ctx.hosts.failServer(1, "silent");
        });
      },
      finish: (ctx) => (sentAfter = ctx.hosts.servers[1]!.framesSent),
    });
    expect(sentAtFailure).toBeGreaterThan(0);
    expect(sentAfter).toBe(sentAtFailure); // silent: not one frame more
    expect(r.hosts.servers[1].received).toBe(receivedAtFailure);
    expect(r.frames.dropped["server.failed"]).toBeGreaterThan(0); // what still reached it
    const o = outcomes(r);
    expect(o.timeout + o.reset).toBeGreaterThan(0); // its clients saw the failure: timeouts, or resets from the servers their flows moved to
    // the switch noticed (three missed probes) and later flows completed on the others
    expect(r.hosts.servers.filter((_: unknown, i: number) => i !== 1).every((s: any) => s.service.served > 0)).toBe(true);
    expect(o.completed / o.started).toBeGreaterThan(0.9);
    expect(r.frames.balanced).toBe(true);
  });

  it("a link failure is seen by the switch's controllers at once (link-down drops, not silence)", () => {
    const r = hostsRun("5D", { transport: FAST }, { durationPs: 30 * MS, script: (ctx) => ctx.at(10 * MS, () => ctx.hosts.failServer(2, "link")) });
    expect(r.hosts.servers[2].failed).toBe("link");
    expect(Object.keys(r.frames.dropped).some((k) => k.endsWith("linkDown"))).toBe(true);
    expect(r.frames.balanced).toBe(true);
  });

  it("fails and recovers on the configuration's schedule", () => {
    const r = hostsRun("5F", { transport: FAST, schedule: [{ atUs: 5000, action: "fail", host: "server", index: 3 }, { atUs: 8000, action: "fail", host: "router", index: 2, mode: "link" }, { atUs: 15000, action: "recover", host: "router", index: 2 }] }, { durationPs: 20 * MS });
    expect(r.hosts.servers[3].failed).toBe("silent");
    expect(r.hosts.routers[2].failed).toBe(false);
    expect(() => hostsRun("5F", { schedule: [{ atUs: 1, action: "fail", host: "server", index: 4 }] }, { durationPs: 1 * MS })).toThrow("schedule[0].index: there are 4 servers (0 to 3), got 4");
  });

  it("recovers: after recover() it answers again and serves new flows", () => {
    let servedAtRecovery = 0;
    const r = hostsRun("5F", { transport: FAST }, {
      durationPs: 60 * MS, healthIntervalPs: 1 * MS, healthTimeoutPs: 0.5 * MS,
      script: (ctx) => {
        ctx.at(10 * MS, () => ctx.hosts.failServer(0));
        ctx.at(20 * MS, () => {
          servedAtRecovery = ctx.hosts.servers[0]!.service.served;
          ctx.hosts.recoverServer(0);
        });
      },
    });
    expect(r.hosts.servers[0].failed).toBe(false);
    expect(r.hosts.servers[0].service.served).toBeGreaterThan(servedAtRecovery);
  });
});

describe("ARP caches", () => {
  it("a server's cache follows the switch's newest gateway answer after each refresh (router pooling, no gratuitous ARP)", () => {
    const answers: Map<number, number>[] = [new Map(), new Map(), new Map(), new Map()];
    let garps = -1;
    const r = hostsRun("5E", { arp: { refreshUs: 2000, timeoutUs: 20_000, retryUs: 500 }, transport: FAST }, {
      durationPs: 40 * MS,
      script: (ctx) => {
        // watch what the switch tells each server about its gateway
        ctx.hosts.servers.forEach((_s, i) => {
          const ch = ctx.board.portOut(ctx.hosts.addr.servers[i]!.port), host = ch.receiver;
          ch.receiver = (h) => {
            const b = ctx.board.pool.bytes(h);
            if (b[12] === 8 && b[13] === 6 && b[21] === ArpOp.Reply) answers[i]!.set(ctx.sim.now, readMac(b, 22));
            host(h);
          };
        });
      },
      finish: (ctx) => (garps = ctx.fw.counts.gratuitousArps),
    });
    expect(garps).toBe(0);
    r.hosts.servers.forEach((s: any, i: number) => {
      expect(s.arp.requests).toBeGreaterThan(5); // it refreshed every 2 ms
      const last = [...answers[i]!.values()].at(-1);
      expect(s.arp.gateway).toBe(last);
    });
    expect(r.hosts.servers.some((s: any) => s.arp.changes > 0)).toBe(true); // the answers did move
  });

  it("a router failure re-points the servers by gratuitous ARP at once", () => {
    const r = hostsRun("5A", { transport: FAST }, { durationPs: 30 * MS, healthIntervalPs: 1 * MS, healthTimeoutPs: 0.5 * MS, script: (ctx) => ctx.at(10 * MS, () => ctx.hosts.failRouter(0)) });
    const r0 = 0x0200_0000_0100;
    for (const s of r.hosts.servers) expect(s.arp.gateway).not.toBe(r0);
    expect(r.frames.balanced).toBe(true);
  });
});

describe("the service model", () => {
  it("a full backlog refuses requests: TCP clients get a reset, the server counts them", () => {
    const r = hostsRun("5F", {
      mix: { web: 1, dns: 0, radius: 0, esp: 0, ipip: 0, ping: 0 }, transport: FAST,
      server: { workers: 1, backlog: 1, serviceUs: { web: { dist: "fixed", meanUs: 2000 } } },
      arrivals: { kind: "open", process: "poisson", rate: { flowsPerSec: 4000 } },
    }, { durationPs: 20 * MS, drainPs: 10 * MS });
    const refused = r.hosts.servers.reduce((s: number, x: any) => s + x.service.refused, 0);
    expect(refused).toBeGreaterThan(0);
    expect(outcomes(r).reset).toBe(refused); // every refusal is a reset the client saw
    for (const s of r.hosts.servers) expect(s.service.utilization).toBeGreaterThan(0.6); // busy through the 20 ms of arrivals, idle in the 10 ms drain
  });
});

describe("on every board", () => {
  for (const board of BOARDS) {
    it(`${board}: TCP segments arrive in order, no frame is lost at moderate load, and every frame is accounted for`, () => {
      const r = hostsRun(board, { transport: { ...FAST, rtoUs: 50_000 }, arrivals: { kind: "open", process: "poisson", rate: { outboundMbps: 60 } } }, { durationPs: 20 * MS, drainPs: 20 * MS });
      expect(r.hosts.clients.outOfOrder).toBe(0);
      expect(r.frames.droppedTotal).toBe(0);
      expect(r.frames.balanced).toBe(true);
      expect(outcomes(r).completed).toBe(outcomes(r).started);
    });
  }
});

describe("conservation across all hosts (property)", () => {
  it("injected = received by hosts + consumed by the switch + dropped + in flight, under failures and overload", () => {
    fc.assert(fc.property(fc.constantFrom(...BOARDS), fc.integer({ min: 1, max: 1000 }), fc.double({ min: 20, max: 900, noNaN: true }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 9 }), fc.boolean(), (board, seed, mbps, victim, at, router) => {
      const r = hostsRun(board, { transport: FAST, server: { backlog: 4 }, arrivals: { kind: "open", process: "poisson", rate: { outboundMbps: mbps } } }, {
        seed, durationPs: 10 * MS,
        script: (ctx) => ctx.at(at * MS, () => (router ? ctx.hosts.failRouter(victim, "link") : ctx.hosts.failServer(victim, "silent"))),
      });
      const f = r.frames;
      expect(f.injected).toBe(f.received + f.consumedBySwitch + f.droppedTotal + f.inFlight);
    }), { numRuns: 8 });
  });
});

describe("determinism", () => {
  it("same seed, same record (but wall time); another seed, another run", () => {
    const strip = (r: any) => JSON.stringify({ ...r, wallSeconds: 0 });
    const a = hostsRun("5C", { transport: FAST }, { seed: 7, durationPs: 10 * MS });
    const b = hostsRun("5C", { transport: FAST }, { seed: 7, durationPs: 10 * MS });
    const c = hostsRun("5C", { transport: FAST }, { seed: 8, durationPs: 10 * MS });
    expect(strip(a)).toBe(strip(b));
    expect(strip(a)).not.toBe(strip(c));
  });
});

describe("the load agent", () => {
  it("the switch probes each server's load figure (health kind load) and its optimal-workload routine spreads flows by it", () => {
    let states: string[] = [], peak = 0, reported = false;
    const servers = (ctx: any) => Object.values((ctx.fw.read().clusters as any).web.servers) as any[];
    const r = hostsRun("5C", { transport: FAST, server: { workers: 2 }, arrivals: { kind: "open", process: "poisson", rate: { flowsPerSec: 1000 } } }, {
      durationPs: 30 * MS, healthKind: "load", policy: "optimal-workload", healthIntervalPs: 1 * MS, healthTimeoutPs: 5 * MS,
      script: (ctx) => {
        for (let t = 1; t < 30; t++) ctx.at(t * MS + 0.5 * MS, () => {
          for (const s of servers(ctx)) if (typeof s.load === "number") (reported = true), (peak = Math.max(peak, s.load));
        });
      },
      finish: (ctx) => (states = servers(ctx).map((s) => s.state)),
    });
    expect(states).toEqual(["up", "up", "up", "up"]); // the answers are the health check
    expect(reported).toBe(true);
    expect(peak).toBeGreaterThan(0); // busy servers said so
    expect(r.hosts.servers.every((s: any) => s.probesAnswered > 10)).toBe(true);
    expect(r.hosts.servers.every((s: any) => s.service.served > 0)).toBe(true);
  });
});

describe("several clusters", () => {
  it("two virtual IPs: clients reach both, each served only by its own servers", () => {
    const r = hostsRun("5B", { transport: FAST }, { durationPs: 30 * MS, drainPs: 40 * MS, clusters: 2 });
    const o = outcomes(r);
    expect(o.completed).toBe(o.started);
    // servers 0 and 2 carry 192.0.2.10, 1 and 3 carry 192.0.2.11; every one served requests
    for (const s of r.hosts.servers) expect(s.service.served).toBeGreaterThan(0);
    expect(r.frames.dropped["server.notForUs"] ?? 0).toBe(0);
  });
});
