/**
 * The flow table recovers (issue 21) and its consequences (issue 22 items 7 and 8): expired
 * entries are reclaimed by lookups, inserts and an amortised sweep; the table agrees with a
 * plain model; least-connections counts fall; a failed server's flows are re-dispatched even if
 * it comes back before their next packet; a SYN flood fills the table, the switch keeps placing
 * flows by the consistent hash and says so.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FlowKey } from "../../src/firmware/flow-key.ts";
import { FlowTable } from "../../src/firmware/flow-table.ts";
import { CostTrace } from "../../src/hw/cpu/cost-trace.ts";
import { IpProto, TcpFlag } from "../../src/net/codec/l4.ts";
import { harness, ipFrame, ipPacket, quietConfig, tcp, udp, VIP } from "./harness.ts";

const MS = 1e9;
/** The default timeouts scaled from seconds to milliseconds (TCP 300 ms, UDP 30 ms, FIN 10 ms, SYN 60 ms). */
const SHORT = { tcpPs: 300 * MS, udpPs: 30 * MS, espPs: 120 * MS, otherPs: 30 * MS, finPs: 10 * MS, synPs: 60 * MS };

function keyOf(n: number): FlowKey {
  const k = new FlowKey();
  k.proto = 6;
  k.src = 0x0a000000 + (n >>> 3);
  k.dst = VIP;
  k.ports = (1000 + (n & 7)) << 16 | 80;
  return k;
}

describe("flow table against a model", () => {
  it("find, insert, remove, sweep and time agree with a map of unexpired entries; never more than capacity live", () => {
    type Op = { op: "insert" | "find" | "remove" | "sweep" | "wait"; n: number };
    const opArb: fc.Arbitrary<Op> = fc.record({ op: fc.constantFrom("insert", "insert", "find", "find", "remove", "sweep", "wait"), n: fc.integer({ min: 0, max: 200 }) });
    fc.assert(fc.property(fc.integer({ min: 4, max: 64 }), fc.array(opArb, { maxLength: 400 }), (capacity, ops) => {
      const t = new FlowTable(capacity);
      const model = new Map<number, { server: number; last: number; timeout: number }>();
      let now = 0;
      const alive = (n: number) => {
        const e = model.get(n);
        return e !== undefined && now - e.last <= e.timeout;
      };
      for (const { op, n } of ops) {
        const k = keyOf(n), hash = k.hash();
        if (op === "wait") now += n * 10;
        else if (op === "sweep") t.sweep(now, n % 16);
        else if (op === "find") {
          const slot = t.find(k, hash, now);
          expect(slot >= 0, `find ${n}`).toBe(alive(n));
          if (slot >= 0) {
            expect(t.server[slot]).toBe(model.get(n)!.server);
            t.touch(slot, now);
            model.get(n)!.last = now;
          } else model.delete(n);
        } else if (op === "remove") {
          const slot = t.find(k, hash, now);
          if (slot >= 0) t.remove(slot);
          model.delete(n);
        } else {
          if (t.find(k, hash, now) >= 0) continue; // the firmware inserts only what it did not find
          model.delete(n);
          const timeout = 100 + (n % 5) * 300;
          const slot = t.insert(k, hash, 0, n % 7, 0, 0, now, timeout);
          if (slot >= 0) model.set(n, { server: n % 7, last: now, timeout });
          else expect(t.size).toBeGreaterThanOrEqual(capacity); // refused only when full
        }
        expect(t.size).toBeLessThanOrEqual(capacity);
      }
      // reclaiming everything expired leaves exactly the model's unexpired entries
      t.sweepAll(now);
      expect(t.size).toBe([...model.keys()].filter(alive).length);
    }), { numRuns: 300 });
  });

  it("a table whose every entry has expired accepts a full table of new flows (it refused all of them)", () => {
    const h = harness({ ...quietConfig(3), flowTableSize: 64, timeouts: SHORT });
    for (let f = 0; f < 64; f++) h.run(ipFrame(ipPacket(udp(2000 + f, 53), IpProto.UDP, 0x0a000001, VIP)));
    expect(h.fw.flows.size).toBe(64);
    h.sim.run(31 * MS); // past the UDP timeout
    for (let f = 0; f < 64; f++) h.run(ipFrame(ipPacket(udp(3000 + f, 53), IpProto.UDP, 0x0a000002, VIP)));
    expect(h.fw.counts.maglevFallbacks).toBe(0);
    expect(h.fw.flows.size).toBe(64);
    const r = h.fw.read().flows;
    expect(r.expired).toBe(64);
    expect(r.fullRejects).toBe(0);
  });

  it("under steady churn the sweep keeps occupancy within flows-alive + capacity / 2, with no rejects", () => {
    const h = harness({ ...quietConfig(3), flowTableSize: 1024, timeouts: { tcpPs: 300e12, udpPs: 1 * MS, espPs: 120e12, otherPs: 30e12 } });
    // 256 flows alive at any time (a new one every 1/256 ms, each idle after its one packet)
    let high = 0;
    for (let f = 0; f < 20_000; f++) {
      h.sim.run(Math.round((f * MS) / 256));
      h.run(ipFrame(ipPacket(udp(1024 + (f & 0xfff), 53), IpProto.UDP, 0x0a100000 + (f >>> 12), VIP)));
      high = Math.max(high, h.fw.flows.size);
    }
    expect(high).toBeLessThanOrEqual(257 + 512);
    expect(h.fw.read().flows.fullRejects).toBe(0);
  });

  it("the per-frame cost stays bounded: a new flow's sweep examines flowTableSweepSlots entries, whatever the table holds", () => {
    const h = harness({ ...quietConfig(3), flowTableSize: 256, flowTableSweepSlots: 4 });
    const lengths: number[] = [];
    for (let f = 0; f < 2000; f++) {
      const pool = h.pool, hh = pool.allocFrom(tcp(0x0a200000 + f, 5, TcpFlag.SYN));
      const trace = new CostTrace();
      h.fw.handleFrame(hh, 0, trace);
      pool.free(hh);
      lengths.push(trace.length);
    }
    // the table fills after 256: from then on every SYN falls back to the hash, and costs no more
    // than a new flow did while there was room (a lookup, 4 sweep slots, an insert attempt)
    expect(h.fw.read().flows.full).toBe(true);
    const filling = Math.max(...lengths.slice(0, 256)), full = Math.max(...lengths.slice(256));
    expect(full).toBeLessThanOrEqual(filling);
    expect(full).toBeLessThanOrEqual(60);
  });
});

describe("least-connections counts fall (issue 22 item 7)", () => {
  it("10,000 closed, long-expired connections on s0 no longer attract the next 2,000 flows to s1 alone", () => {
    const h = harness({ ...quietConfig(2, { policy: "least-connections" }), flowTableSize: 16_384, timeouts: SHORT });
    h.fw.drain("s1");
    for (let c = 0; c < 10_000; c++) {
      const client = 0x0a300000 + c;
      h.run(tcp(client, 1000, TcpFlag.SYN));
      h.run(tcp(client, 1000, TcpFlag.ACK));
      h.run(tcp(client, 1000, TcpFlag.FIN | TcpFlag.ACK));
    }
    h.fw.drain("s1", false);
    h.sim.run(60 * MS); // long past the FIN timeout
    const to = [0, 0];
    for (let c = 0; c < 2000; c++) to[h.serverOf(h.run(tcp(0x0a400000 + c, 2000))[1])]!++;
    expect(to[0]).toBeGreaterThanOrEqual(900);
    expect(to[1]).toBeLessThanOrEqual(1100);
  });

  it("expired idle flows stop counting once the sweep has passed over them (2 x capacity / sweep slots new flows)", () => {
    const h = harness({ ...quietConfig(2, { policy: "least-connections" }), flowTableSize: 4096, timeouts: SHORT });
    h.fw.drain("s1");
    for (let c = 0; c < 3000; c++) h.run(ipFrame(ipPacket(udp(3000, 53), IpProto.UDP, 0x0a500000 + c, VIP)));
    h.fw.drain("s1", false);
    h.sim.run(31 * MS); // past the UDP timeout
    for (let c = 0; c < 2048; c++) h.run(tcp(0x0a600000 + c, 2000)); // 2048 x 4 slots: the whole table swept
    const s = h.fw.read().clusters["web"]!.servers;
    expect(s["s0"]!.activeFlows).toBeLessThanOrEqual(s["s1"]!.activeFlows + 1);
  });
});

describe("a failed server's flows are re-dispatched (issue 22 item 8)", () => {
  it("down and up again with no packet in between: its 10 flows are scheduled afresh on their next packet", () => {
    const h = harness(quietConfig(3, { policy: "round-robin" }));
    const on0: number[] = [];
    for (let f = 0; on0.length < 10; f++) if (h.serverOf(h.run(tcp(0x0a700000 + f, 80))[1]) === 0) on0.push(f);
    h.fw.serverDown("s0");
    h.fw.serverUp("s0");
    expect(h.fw.read().clusters["web"]!.servers["s0"]!.activeFlows).toBe(0);
    const before = h.fw.counts.newFlows;
    const back = on0.filter((f) => h.serverOf(h.run(tcp(0x0a700000 + f, 80))[1]) === 0).length;
    expect(h.fw.counts.newFlows - before).toBe(10); // each one re-dispatched
    expect(back).toBeLessThan(10); // and round robin spreads them (4 of 10 come back)
  });
});

describe("a SYN flood degrades gracefully and says so (issue 21)", () => {
  it("the table fills with embryonic entries; established flows keep their server; new connections keep theirs by the hash; the read-out says so; it recovers", () => {
    const h = harness({ ...quietConfig(4, { policy: "round-robin" }), flowTableSize: 256, timeouts: { tcpPs: 300e12, udpPs: 30e12, espPs: 120e12, otherPs: 30e12, synPs: 5 * MS } });
    const established = new Map<number, number>();
    for (let c = 0; c < 100; c++) established.set(c, h.serverOf(h.run(tcp(0x0a800000 + c, 443))[1]));
    // the flood: 5,000 SYNs from spoofed sources
    for (let f = 0; f < 5000; f++) h.run(tcp(0xc0000000 + f * 7919, 1024 + (f & 0x3ff), TcpFlag.SYN));
    const r = h.fw.read();
    expect(r.flows.full).toBe(true);
    expect(r.flows.fallbacks).toBeGreaterThan(4000);
    expect(r.notes?.[0]).toMatch(/flow table full/);
    for (const [c, s] of established) expect(h.serverOf(h.run(tcp(0x0a800000 + c, 443))[1])).toBe(s);
    // a real client connecting during the flood: SYN, retransmitted SYN, ACK, data all on one server
    const legit = [TcpFlag.SYN, TcpFlag.SYN, TcpFlag.ACK, TcpFlag.ACK | TcpFlag.PSH].map((fl) => h.serverOf(h.run(tcp(0x0a900001, 5555, fl))[1]));
    expect(new Set(legit).size).toBe(1);
    // the flood stops and its embryonic entries expire: once the sweep has passed the whole table
    // (2 x 256 slots / 4 per new flow = 128 new flows) every new flow is placed by the policy again
    h.sim.run(10 * MS);
    const fallbacks = h.fw.counts.maglevFallbacks;
    for (let c = 0; c < 128; c++) h.run(tcp(0x0aa00000 + c, 80));
    expect(h.fw.counts.maglevFallbacks - fallbacks).toBeLessThanOrEqual(8);
    const after = h.fw.counts.maglevFallbacks;
    for (let c = 128; c < 148; c++) h.run(tcp(0x0aa00000 + c, 80));
    expect(h.fw.counts.maglevFallbacks).toBe(after);
    expect(h.fw.read().flows.full).toBe(false);
  });
});
