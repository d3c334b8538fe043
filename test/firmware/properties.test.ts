import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IpProto, TcpFlag } from "../../src/net/codec/l4.ts";
import { readMac } from "../../src/net/mac.ts";
import { buildMaglev, maglevCacheStats, maglevHash, maglevTable, movedEntries } from "../../src/firmware/maglev.ts";
import { Verdict } from "../../src/hw/cpu-board.ts";
import { ipArb } from "../net/arbitraries.ts";
import { arpRequest, config, esp, gre, harness, inboundFrame, ipFrame, ipPacket, quietConfig, ROUTER_IP, ROUTER_MAC, SERVER_IP, SERVER_MAC, SERVER_PORT, tcp, tcpSeg, twoClusters, udp, VIP, VIP_B, VMAC, VMAC_B } from "./harness.ts";

const US = 1_000_000;

const payloadArb = fc.oneof(
  fc.record({ srcPort: fc.integer({ min: 1, max: 65535 }), dstPort: fc.integer({ min: 1, max: 65535 }), seq: fc.nat(), ack: fc.nat(), flags: fc.integer({ min: 0, max: 255 }), window: fc.integer({ min: 0, max: 65535 }), urgent: fc.constant(0), options: fc.constant(new Uint8Array(0)), payload: fc.uint8Array({ maxLength: 100 }) }).map((tcp) => [{ kind: "tcp" as const, tcp }, IpProto.TCP] as const),
  fc.record({ srcPort: fc.integer({ min: 1, max: 65535 }), dstPort: fc.integer({ min: 1, max: 65535 }), payload: fc.uint8Array({ maxLength: 100 }) }).map((udp) => [{ kind: "udp" as const, udp }, IpProto.UDP] as const),
  fc.record({ spi: fc.nat(), seq: fc.nat(), payload: fc.uint8Array({ maxLength: 100 }) }).map((esp) => [{ kind: "esp" as const, esp }, IpProto.ESP] as const),
  fc.record({ type: fc.constant(8), code: fc.constant(0), rest: fc.nat(), data: fc.uint8Array({ maxLength: 50 }) }).map((icmp) => [{ kind: "icmp" as const, icmp }, IpProto.ICMP] as const),
  fc.tuple(fc.integer({ min: 0, max: 255 }).filter((p) => ![1, 4, 6, 17, 47, 50, 51].includes(p)), fc.uint8Array({ maxLength: 100 })).map(([p, bytes]) => [{ kind: "opaque" as const, bytes }, p] as const),
  fc.record({ protocolType: fc.constant(0x0800), checksumPresent: fc.boolean(), payload: fc.uint8Array({ maxLength: 60 }) }).map((gre) => [{ kind: "gre" as const, gre }, IpProto.GRE] as const),
  fc.record({ nextHeader: fc.constant(17), spi: fc.nat(), seq: fc.nat(), icv: fc.constant(new Uint8Array(12)), payload: fc.uint8Array({ maxLength: 60 }) }).map((ah) => [{ kind: "ah" as const, ah }, IpProto.AH] as const),
);

describe("flow switch properties", () => {
  it("header invariance: a forwarded frame equals the input except the destination MAC, for every protocol", () => {
    const h = harness(config(4));
    fc.assert(fc.property(payloadArb, ipArb, ([payload, proto], src) => {
      const f = inboundFrame(payload, proto, src);
      const [v, out] = h.run(f);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(out.subarray(6)).toEqual(f.subarray(6));
      expect(out.length).toBe(f.length);
    }));
  });

  it("flow affinity while the server is healthy: 0 moves with the table, whatever happens to other servers", () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 9 })), { minLength: 20, maxLength: 200 }), (steps) => {
      const h = harness(config(6));
      const where = new Map<number, number>();
      let added = 0, removed = 0;
      for (const [flow, event] of steps) {
        // events on servers 3-5 and added ones only; flows pinned to servers 0-2 must not move
        if (event === 7) h.fw.serverDown(`s${3 + (flow % 3)}`);
        if (event === 8) h.fw.serverUp(`s${3 + (flow % 3)}`);
        if (event === 9) h.fw.setWeight(`s${3 + (flow % 3)}`, flow % 4);
        if (event === 6 && added < 4) h.fw.addServer("web", { name: `new${added}`, mac: 0x0200_0000_0300 + added, port: 20 + added++ });
        if (event === 5 && added > removed) h.fw.removeServer(`new${removed++}`);
        if (event === 4) h.fw.drain(`s${3 + (flow % 3)}`, flow % 2 === 0);
        const [v, out] = h.run(tcp(0x0a000000 + flow, 1000 + flow));
        if (v < 0) continue;
        const s = readMac(out, 0) - 0x0200_0000_0200; // servers 0-5; added ones (0x300+) map above 255
        if (where.has(flow) && where.get(flow)! <= 2) expect(s).toBe(where.get(flow));
        if (!where.has(flow) || where.get(flow)! > 2) where.set(flow, s);
      }
    }));
  });

  it("no packet to a failed server once it is declared down", () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 10, maxLength: 100 }), fc.integer({ min: 0, max: 3 }), (flows, dead) => {
      const h = harness(config(4));
      for (const f of flows) h.run(tcp(0x0a000000 + f, 2000 + f));
      h.fw.serverDown(`s${dead}`);
      for (const f of flows) expect(h.serverOf(h.run(tcp(0x0a000000 + f, 2000 + f))[1])).not.toBe(dead);
    }));
  });

  it("drain: no new flows to a draining server; its established flows continue", () => {
    const h = harness(config(3, { policy: "round-robin" }));
    const on1: number[] = [];
    for (let f = 0; f < 30; f++) if (h.serverOf(h.run(tcp(0x0a000000 + f, 3000))[1]) === 1) on1.push(f);
    h.fw.drain("s1");
    for (const f of on1) expect(h.serverOf(h.run(tcp(0x0a000000 + f, 3000))[1])).toBe(1);
    for (let f = 100; f < 160; f++) expect(h.serverOf(h.run(tcp(0x0a000000 + f, 3000))[1])).not.toBe(1);
  });

  it("SYN rescheduled: a new connection reusing a flow's 5-tuple is scheduled afresh (and avoids a draining server)", () => {
    const h = harness(config(3, { policy: "round-robin" }));
    const first = h.serverOf(h.run(tcp(0x0a0000aa, 4444))[1]);
    h.fw.drain(`s${first}`);
    expect(h.serverOf(h.run(tcp(0x0a0000aa, 4444))[1])).toBe(first); // established: stays
    expect(h.serverOf(h.run(tcp(0x0a0000aa, 4444, TcpFlag.SYN))[1])).not.toBe(first); // new connection: afresh
  });

  it("balance of equal weights: every server holds floor(M/N) or ceil(M/N) Maglev slots", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 40 }), (n) => {
      const t = buildMaglev(Array.from({ length: n }, (_, i) => ({ name: `srv-${i}`, weight: 1 })), 1021);
      const counts = new Array(n).fill(0);
      for (const x of t) counts[x]++;
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    }));
  });

  it("the Maglev build equals the paper's direct formula (entry j of a permutation is (offset + j x skip) mod M), weights included", () => {
    // the reference: Eisenbud et al. §3.4 as written, with the weighted credit rounds
    const reference = (backends: { name: string; weight: number }[], size: number, hash: (s: string, seed: number) => number): Int16Array => {
      const table = new Int16Array(size).fill(-1);
      const live = backends.map((b, i) => ({ i, w: b.weight, offset: hash(b.name, 0x5bd1e995) % size, skip: (hash(b.name, 0x1b873593) % (size - 1)) + 1, next: 0, credit: 0 })).filter((b) => b.w > 0);
      if (live.length === 0) return table;
      const maxW = Math.max(...live.map((b) => b.w));
      let filled = 0;
      for (;;) {
        for (const b of live) {
          b.credit += b.w / maxW;
          while (b.credit >= 1) {
            b.credit -= 1;
            let c = (b.offset + b.next * b.skip) % size;
            while (table[c] !== -1) c = (b.offset + ++b.next * b.skip) % size;
            table[c] = b.i;
            b.next++;
            if (++filled === size) return table;
          }
        }
      }
    };
    fc.assert(fc.property(fc.array(fc.oneof(fc.constant(0), fc.constant(1), fc.double({ min: 0.1, max: 5, noNaN: true })), { minLength: 1, maxLength: 12 }), fc.constantFrom(257, 1021, 4093), (weights, size) => {
      const backends = weights.map((weight, i) => ({ name: `srv-${i}`, weight }));
      expect(buildMaglev(backends, size)).toEqual(reference(backends, size, maglevHash));
    }), { numRuns: 60 });
  });

  it("the table cache gives exactly the table a build gives, over any sequence of weight changes (flapping included)", () => {
    const names = ["a", "b", "c", "d", "e"];
    fc.assert(fc.property(fc.array(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 5, maxLength: 5 }), { minLength: 1, maxLength: 40 }), (steps) => {
      let out: Int16Array = new Int16Array(0);
      const hits0 = maglevCacheStats.hits;
      for (const w of [...steps, ...steps]) {
        const backends = names.map((name, i) => ({ name, weight: w[i]! }));
        out = maglevTable(backends, 257, out);
        expect(out).toEqual(buildMaglev(backends, 257));
      }
      expect(maglevCacheStats.hits).toBeGreaterThan(hits0); // the repeated sequence hits
    }), { numRuns: 50 });
  });

  it("with the hash alone, removing 1 of N servers moves at most 1.6 x M/N slots (Katran: 1,009/65,537 for 1 of 100)", () => {
    const M = 65537, N = 100;
    const names = Array.from({ length: N }, (_, i) => `real-${i}`);
    const a = buildMaglev(names.map((name) => ({ name, weight: 1 })), M);
    const b = buildMaglev(names.map((name, i) => ({ name, weight: i === 37 ? 0 : 1 })), M);
    const moved = movedEntries(a, names, b, names);
    expect(moved).toBeGreaterThanOrEqual(Math.floor(M / N)); // at least the removed server's own slots
    expect(moved).toBeLessThanOrEqual(1.6 * (M / N));
  });

  it("no live server means a counted drop", () => {
    const h = harness(config(2));
    h.fw.serverDown("s0");
    h.fw.serverDown("s1");
    const [v] = h.run(tcp(0x0a000001, 5000));
    expect(v).toBe(Verdict.Drop);
    expect(h.fw.drops.noLiveServer).toBe(1);
  });

  it("removing the primary promotes a secondary; a removed server gets no packets", () => {
    const h = harness(config(3, { mode: "availability" }));
    h.fw.removeServer("s0");
    expect(Object.values(h.fw.roles("web")).filter((r) => r === "primary")).toHaveLength(1);
    expect(h.serverOf(h.run(tcp(0x0a000001, 1))[1])).not.toBe(0);
  });

  it("single primary and no pre-emption, over any sequence of failures and restores", () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.boolean()), { maxLength: 60 }), (events) => {
      const h = harness(config(4, { mode: "availability" }));
      for (const [i, fail] of events) {
        const before = h.fw.roles("web");
        if (fail) h.fw.serverDown(`s${i}`);
        else h.fw.serverUp(`s${i}`);
        const roles = Object.values(h.fw.roles("web"));
        const primaries = roles.filter((r) => r === "primary").length;
        const operational = Object.values(h.fw.read().clusters["web"]!.servers).filter((s) => s.state === "up").length;
        expect(primaries).toBe(operational > 0 ? 1 : 0);
        // a restored server never takes over from a live primary
        if (!fail && before[`s${i}`] === "secondary-failed" && Object.values(before).includes("primary")) expect(h.fw.roles("web")[`s${i}`]).toBe("secondary-operational");
        // traffic goes to the primary
        const primary = Object.entries(h.fw.roles("web")).find(([, r]) => r === "primary");
        const [v, out] = h.run(tcp(0x0a000001, 6000));
        if (primary) expect(`s${h.serverOf(out)}`).toBe(primary[0]);
        else expect(v).toBe(Verdict.Drop);
      }
    }));
  });

  // issue 19 item 8: removeServer once left the health machine running and probes going to its port
  it("property: over any sequence of failures, restores, flaps and removals, a removed server is never primary, never chosen, never probed", () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 3 }), fc.boolean()), { minLength: 5, maxLength: 40 }), fc.constantFrom("availability" as const, "balance" as const), (steps, mode) => {
      const answering = new Set([0, 1, 2, 3, 4]);
      const interval = 100 * US;
      const h = harness(config(5, { mode, policy: "round-robin", health: { kind: "arp", intervalPs: interval, timeoutPs: 50 * US, rise: 2, fall: 2 } }), {
        alive: (port) => answering.has(port - SERVER_PORT(0)),
        delayPs: () => 3 * US,
      });
      const removed = new Map<number, number>(); // server -> when
      let flow = 0;
      for (const [i, op, flag] of steps) {
        if (op === 0 && !removed.has(i)) flag ? h.fw.serverDown(`s${i}`) : h.fw.serverUp(`s${i}`);
        if (op === 1) flag ? answering.delete(i) : answering.add(i); // the host stops or starts answering
        if (op === 2 && !removed.has(i) && removed.size < 4) {
          h.fw.removeServer(`s${i}`);
          removed.set(i, h.sim.now);
        }
        h.sim.run(h.sim.now + interval * (flag ? 3 : 1));
        const roles = h.fw.roles("web");
        for (const r of removed.keys()) expect(roles[`s${r}`]).toBeUndefined();
        expect(Object.values(roles).filter((x) => x === "primary").length).toBeLessThanOrEqual(1);
        for (let k = 0; k < 4; k++) {
          const [v, out] = h.run(tcp(0x0a000000 + flow++, 7));
          if (v >= 0) expect(removed.has(h.serverOf(out))).toBe(false);
        }
      }
      for (const [i, at] of removed) expect(h.sent.filter((x) => x.port === SERVER_PORT(i) && x.at > at)).toHaveLength(0);
    }), { numRuns: 40 });
  });

  it("every gateway ARP reply names a live router", () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.boolean(), fc.integer({ min: 0, max: 5 })), { maxLength: 40 }), (events) => {
      const h = harness(config(6, {}, 4));
      for (const [r, fail, srv] of events) {
        if (fail) h.fw.routerDown(`r${r}`);
        else h.fw.routerUp(`r${r}`);
        const [v, out] = h.run(arpRequest(SERVER_MAC(srv), SERVER_IP(srv), ROUTER_IP(0)), SERVER_PORT(srv));
        const live = h.fw.routers.filter((x) => x.up);
        if (live.length === 0) expect(v).toBe(Verdict.Drop);
        else {
          expect(v).toBe(SERVER_PORT(srv));
          const answered = readMac(out, 14 + 8);
          expect(live.map((x) => x.mac)).toContain(answered);
        }
      }
    }));
  });

  it("counters add up: cluster packets = server packets + cluster drops", () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 12 })), { maxLength: 150 }), (steps) => {
      const h = harness(config(3, { policy: "least-connections" }));
      for (const [f, e] of steps) {
        if (e === 10) h.fw.serverDown(`s${f % 3}`);
        if (e === 11) h.fw.serverUp(`s${f % 3}`);
        h.run(tcp(0x0a000000 + f, 100 + f));
      }
      const c = h.fw.read().clusters["web"]!;
      const sum = Object.values(c.servers).reduce((s, x) => s + x.packets, 0);
      expect(c.packets).toBe(sum + c.drops);
    }));
  });
});

describe("ARP", () => {
  it("proxy ARP: a router asking for the virtual IP gets the virtual MAC", () => {
    const h = harness(config(2));
    const [v, out] = h.run(arpRequest(ROUTER_MAC(0), ROUTER_IP(0), VIP), 0);
    expect(v).toBe(0);
    expect(readMac(out, 0)).toBe(ROUTER_MAC(0));
    expect(readMac(out, 14 + 8)).toBe(VMAC);
  });

  it("broadcast isolation: a server's ARP about the virtual IP is absorbed, never answered or flooded", () => {
    const h = harness(config(2));
    const [v] = h.run(arpRequest(SERVER_MAC(0), VIP, VIP), SERVER_PORT(0));
    expect(v).toBe(Verdict.Drop);
    expect(h.fw.drops.arpIsolated).toBe(1);
  });

  it("ARP from the router side claiming the virtual IP is rejected and counted", () => {
    const h = harness(config(2));
    const f = arpRequest(0x02aa_bbcc_ddee, VIP, ROUTER_IP(0));
    f[21] = 2; // a reply: "VIP is at 02:aa:bb:cc:dd:ee"
    const [v] = h.run(f, 0);
    expect(v).toBe(Verdict.Drop);
    expect(h.fw.drops.arpSpoofRejected).toBe(1);
  });

  it("a failed router's traffic is redirected to a live router and servers get a gratuitous ARP", () => {
    const h = harness(config(2, {}, 2));
    h.fw.routerDown("r0");
    expect(h.entries.get(ROUTER_MAC(0))!.intervention).toBe(true);
    expect(h.sent.length).toBe(2); // one GARP per server
    const out = inboundFrame({ kind: "udp", udp: { srcPort: 53, dstPort: 999, payload: new Uint8Array(10) } }, IpProto.UDP, SERVER_IP(0));
    out.set([0x02, 0, 0, 0, 0x01, 0x00], 0); // to r0's MAC
    const [v, after] = h.run(out, SERVER_PORT(0));
    expect(v).toBe(1);
    expect(readMac(after, 0)).toBe(ROUTER_MAC(1));
  });
});

describe("properties of issue 22's fixes", () => {
  const kinds = ["tcp", "udp", "esp", "gre", "icmp", "fragment"] as const;

  it("keys within clusters (item 3): any interleaving of one client's flows of every protocol to two clusters keeps every flow on its server", () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.boolean(), fc.constantFrom(...kinds), fc.integer({ min: 1, max: 3 })), { minLength: 10, maxLength: 120 }), (steps) => {
      const h = harness(twoClusters("round-robin"));
      const where = new Map<string, number>();
      for (const [client, b, kind, port] of steps) {
        const src = 0x0a0f0000 + client, vip = b ? VIP_B : VIP, vmac = b ? VMAC_B : VMAC;
        // a datagram (IP id = port) starts with its first fragment, which carries its ports
        const firstFrag = kind === "fragment" && !where.has(`${+b}/${client}/frag/${port}`);
        const pkt = kind === "tcp" ? ipPacket(tcpSeg(1000 + port, 80), IpProto.TCP, src, vip)
          : kind === "udp" ? ipPacket(udp(2000 + port, 53), IpProto.UDP, src, vip)
          : kind === "esp" ? ipPacket(esp(0x100 + port), IpProto.ESP, src, vip)
          : kind === "gre" ? ipPacket(gre(), IpProto.GRE, src, vip)
          : kind === "icmp" ? ipPacket({ kind: "icmp", icmp: { type: 8, code: 0, rest: port, data: new Uint8Array(8) } }, IpProto.ICMP, src, vip)
          : firstFrag ? ipPacket(udp(3000 + port, 53, 24), IpProto.UDP, src, vip, { more: true, id: port })
          : ipPacket({ kind: "opaque", bytes: new Uint8Array(24) }, IpProto.UDP, src, vip, { more: true, offset: 8 * port, id: port });
        const [v, out] = h.run(ipFrame(pkt, vmac));
        expect(v).toBeGreaterThanOrEqual(0);
        // the flow as the documented keys define it: TCP/UDP by 5-tuple, a datagram's fragments by its first, the rest by client (IPsec keyed by client)
        const flow = `${+b}/${client}/${kind === "tcp" || kind === "udp" ? `${kind}/${port}` : kind === "fragment" ? `frag/${port}` : "source"}`;
        const s = readMac(out, 0);
        if (where.has(flow)) expect(s, flow).toBe(where.get(flow));
        where.set(flow, s);
      }
    }), { numRuns: 150 });
  });

  it("SYN retransmissions (item 5): for any policy and any interleaving of connections, every SYN, retransmitted SYN and later segment of a connection reaches one server", () => {
    fc.assert(fc.property(fc.constantFrom("round-robin" as const, "weighted-round-robin" as const, "least-connections" as const, "optimal-workload" as const, "consistent-hash" as const), fc.array(fc.tuple(fc.integer({ min: 0, max: 15 }), fc.constantFrom(TcpFlag.SYN, TcpFlag.SYN, TcpFlag.ACK, TcpFlag.ACK | TcpFlag.PSH)), { minLength: 10, maxLength: 150 }), (policy, steps) => {
      const h = harness(config(3, { policy }));
      const where = new Map<number, number>();
      for (const [c, flags] of steps) {
        if (flags === TcpFlag.SYN && where.has(c) && where.get(c)! < 0) continue; // established: a SYN now would be a new connection
        const s = h.serverOf(h.run(tcp(0x0a0e0000 + c, 4000, flags))[1]);
        const had = where.get(c);
        if (had !== undefined) expect(s).toBe(Math.abs(had) - 1);
        where.set(c, flags === TcpFlag.SYN && (had === undefined || had > 0) ? s + 1 : -(s + 1)); // > 0: only SYNs so far
      }
    }), { numRuns: 150 });
  });

  it("connection counts (item 7): per server, established and inactive flows equal a recount of the connections opened, established and closed", () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.constantFrom("syn", "ack", "fin")), { maxLength: 200 }), (steps) => {
      const h = harness(quietConfig(3, { policy: "least-connections" }));
      const state = new Map<number, { server: number; st: "syn" | "est" | "closed" }>();
      for (const [c, op] of steps) {
        const prev = state.get(c);
        if (op === "syn" && prev && prev.st !== "syn") state.delete(c); // a new connection on the 5-tuple
        const flags = op === "syn" ? TcpFlag.SYN : op === "ack" ? TcpFlag.ACK : TcpFlag.FIN | TcpFlag.ACK;
        const s = h.serverOf(h.run(tcp(0x0a0d0000 + c, 5000, flags))[1]);
        const cur = state.get(c);
        const st = op === "fin" || cur?.st === "closed" ? "closed" : op === "syn" ? (cur?.st ?? "syn") : "est";
        state.set(c, { server: s, st });
      }
      const servers = h.fw.read().clusters["web"]!.servers;
      for (let i = 0; i < 3; i++) {
        const mine = [...state.values()].filter((x) => x.server === i);
        expect(servers[`s${i}`]!.activeFlows, `s${i} established`).toBe(mine.filter((x) => x.st === "est").length);
        expect(servers[`s${i}`]!.inactiveFlows, `s${i} inactive`).toBe(mine.filter((x) => x.st !== "est").length);
      }
    }), { numRuns: 200 });
  });

  it("optimal workload (item 6): for any weights, a period's new flows follow the weights with no long runs", () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 6 }), (weights) => {
      const cfg = quietConfig(weights.length, { policy: "optimal-workload" });
      cfg.clusters[0]!.servers.forEach((s, i) => (s.weight = weights[i]!));
      const h = harness({ ...cfg, balancePeriodPs: 1e9, flowTableSize: 8192 });
      const to: number[] = [];
      for (let p = 0; p < 4; p++) {
        for (let f = 0; f < 500; f++) to.push(h.serverOf(h.run(tcp(0x0a0c0000 + p * 500 + f, 80))[1]));
        h.sim.run((p + 1) * 1e9);
      }
      const total = weights.reduce((a, b) => a + b, 0);
      weights.forEach((w, i) => expect(Math.abs(to.filter((s) => s === i).length / to.length - w / total), `s${i}`).toBeLessThan(0.01));
      let run = 1, longest = 1;
      for (let i = 1; i < to.length; i++) (run = to[i] === to[i - 1] ? run + 1 : 1), (longest = Math.max(longest, run));
      expect(longest).toBeLessThanOrEqual(Math.ceil(Math.max(...weights) / Math.min(...weights)) + 1);
    }), { numRuns: 60 });
  });
});
