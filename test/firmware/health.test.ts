/**
 * Health monitoring on simulation time (issue 22 item 2, issue 19 item 8, issue 21's run-time
 * addServer): the detection bound interval x fall + timeout for any timeout, answers matched to
 * their probes, removed servers never probed, counted or chosen, servers added at run time probed.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Verdict } from "../../src/hw/cpu-board.ts";
import { answerProbe, config, harness, SERVER_MAC, SERVER_PORT, tcp } from "./harness.ts";

const US = 1_000_000;

describe("detection bound: a server that stops answering is down within interval x fall + timeout", () => {
  it("for timeouts shorter and longer than the interval (0.4x, 1.5x, 2.5x), wherever in the probe cycle it dies", () => {
    fc.assert(fc.property(fc.constantFrom(0.4, 1.5, 2.5), fc.integer({ min: 0, max: 999 }), fc.constantFrom("arp" as const, "icmp" as const, "tcp" as const), (ratio, phase, kind) => {
      const interval = 100 * US, timeout = Math.round(ratio * interval), fall = 3;
      const deathAt = 1000 * US + phase * 100_000; // somewhere in the 11th probe interval, at 0.1 us steps
      const h = harness(config(2, { health: { kind, intervalPs: interval, timeoutPs: timeout, rise: 2, fall } }), {
        alive: (port) => port !== SERVER_PORT(1) || h.sim.now < deathAt,
        delayPs: () => 5 * US,
      });
      const bound = interval * fall + timeout;
      h.sim.run(deathAt + bound);
      const s1 = h.fw.read().clusters["web"]!.servers["s1"]!;
      expect(s1.state).toBe("down");
      expect(s1.changedAtUs * US - deathAt).toBeLessThanOrEqual(bound);
      expect(h.fw.read().clusters["web"]!.servers["s0"]!.state).toBe("up"); // the live one never flaps
    }), { numRuns: 60 });
  });

  it("a probe is sent every interval while earlier ones still wait (timeout 2.5 x interval)", () => {
    const h = harness(config(1, { health: { kind: "icmp", intervalPs: 100 * US, timeoutPs: 250 * US } }), { alive: () => true, delayPs: () => 200 * US });
    h.sim.run(1000 * US);
    const probes = h.sent.filter((x) => x.port === SERVER_PORT(0) && x.bytes[23] === 1); // ICMP
    expect(probes.length).toBe(10); // one per interval, none skipped
    expect(h.fw.read().clusters["web"]!.servers["s0"]!.state).toBe("up"); // every one answered within its timeout
  });
});

describe("each answer is matched to its probe", () => {
  for (const kind of ["icmp", "tcp"] as const) {
    it(`${kind}: a reply arriving after its probe timed out counts for nothing, even while a later probe waits`, () => {
      // every answer takes 1.1 intervals (its probe timed out after 0.6): each arrives while the next probe waits
      const interval = 100 * US, timeout = 60 * US;
      const h = harness(config(1, { health: { kind, intervalPs: interval, timeoutPs: timeout, rise: 2, fall: 3 } }), { alive: (port) => port === SERVER_PORT(0), delayPs: () => 110 * US });
      h.sim.run(interval * 6);
      const s0 = h.fw.read().clusters["web"]!.servers["s0"]!;
      expect(s0.state).toBe("down");
      expect(h.fw.counts.lateProbeAnswers).toBeGreaterThanOrEqual(2);
    });
  }

  it("ARP (documented limit): an answer carries no token, so it is taken by the oldest probe still waiting; answers later than the timeout but after the next probe went out keep the target up", () => {
    // the same timing as above: every answer 1.1 intervals after its probe, the timeout 0.6
    const interval = 100 * US, timeout = 60 * US;
    const run = (delayPs: number) => {
      const h = harness(config(1, { health: { kind: "arp", intervalPs: interval, timeoutPs: timeout, rise: 2, fall: 3 } }), { alive: (port) => port === SERVER_PORT(0), delayPs: () => delayPs });
      h.sim.run(interval * 8);
      return { state: h.fw.read().clusters["web"]!.servers["s0"]!.state, late: h.fw.counts.lateProbeAnswers };
    };
    // 110 us: each answer comes after its probe failed, while the next probe waits: taken by it
    expect(run(110 * US)).toEqual({ state: "up", late: 0 });
    // 70 us: after its probe failed and before the next went out: no probe waits, it counts for nothing
    const r = run(70 * US);
    expect(r.state).toBe("down");
    expect(r.late).toBeGreaterThanOrEqual(3);
  });

  it("an answer with another probe's token, or to a probe never sent, is not taken", () => {
    const interval = 100 * US;
    const h = harness(config(1, { health: { kind: "icmp", intervalPs: interval, timeoutPs: 50 * US, fall: 3 } }));
    h.sim.run(interval + 1); // one probe out, unanswered yet
    const probe = h.sent.find((x) => x.port === SERVER_PORT(0))!.bytes;
    const forged = answerProbe(probe, SERVER_MAC(0))!;
    forged[14 + 20 + 4] ^= 0x55; // another identifier
    h.run(forged, SERVER_PORT(0));
    h.sim.run(4 * interval);
    expect(h.fw.read().clusters["web"]!.servers["s0"]!.state).toBe("down");
  });
});

describe("removed servers (issue 19 item 8): never probed, counted or chosen again", () => {
  it("down s0, down s2, remove s1, s1 flaps (three failed probes, then two answered), down s3: s1 is never primary", () => {
    let s1Answers = false;
    const interval = 100 * US;
    const h = harness(config(4, { mode: "availability", health: { kind: "arp", intervalPs: interval, timeoutPs: 50 * US, rise: 2, fall: 3 } }), {
      alive: (port) => port !== SERVER_PORT(1) || s1Answers,
      delayPs: () => 5 * US,
    });
    h.fw.serverDown("s0");
    h.fw.serverDown("s2");
    h.fw.removeServer("s1");
    const removedAt = h.sim.now;
    h.sim.run(5 * interval); // s1 would fail its probes
    s1Answers = true;
    h.sim.run(10 * interval); // and answer them
    h.fw.serverDown("s3");
    h.sim.run(12 * interval);
    expect(Object.values(h.fw.roles("web"))).not.toContain("primary"); // s0, s2, s3 down; s1 removed
    expect(h.fw.roles("web")["s1"]).toBeUndefined();
    expect(h.sent.filter((x) => x.port === SERVER_PORT(1) && x.at > removedAt)).toHaveLength(0); // never probed
    const [v] = h.run(tcp(0x0a000001, 1));
    expect(v).toBe(Verdict.Drop); // nobody to take it: never the removed one
  });

});

describe("FlowSwitch.addServer at run time (issue 21)", () => {
  it("a server added while running gets its health machine and probes: it takes flows, and is declared down when silent", () => {
    const interval = 100 * US;
    let newAnswers = true;
    const h = harness(config(2, { policy: "round-robin", health: { kind: "arp", intervalPs: interval, timeoutPs: 50 * US, rise: 2, fall: 3 } }), {
      alive: (port) => port !== 9 || newAnswers,
      delayPs: () => 3 * US,
    });
    h.sim.run(3 * interval);
    h.fw.addServer("web", { name: "s9", mac: SERVER_MAC(9), port: 9 });
    h.sim.run(6 * interval); // the next probe rounds include it (this crashed: "Cannot set properties of undefined")
    expect(h.sent.filter((x) => x.port === 9).length).toBeGreaterThanOrEqual(2);
    const to9 = Array.from({ length: 30 }, (_, f) => h.serverOf(h.run(tcp(0x0b000000 + f, 5))[1])).filter((s) => s === 9).length;
    expect(to9).toBe(10); // round robin over three
    newAnswers = false;
    h.sim.run(12 * interval);
    expect(h.fw.read().clusters["web"]!.servers["s9"]!.state).toBe("down");
  });

  it("refuses a server that makes the configuration ambiguous", () => {
    const h = harness(config(2));
    expect(() => h.fw.addServer("web", { name: "s0", mac: SERVER_MAC(7), port: 7 })).toThrow(/twice/);
    expect(() => h.fw.addServer("web", { name: "x", mac: SERVER_MAC(1), port: 7 })).toThrow(/mac/);
    expect(() => h.fw.addServer("web", { name: "x", mac: SERVER_MAC(7), port: SERVER_PORT(0) })).toThrow(/port/);
    expect(() => h.fw.addServer("web", { name: "x", mac: SERVER_MAC(7), port: 0 })).toThrow(/router/);
  });
});
