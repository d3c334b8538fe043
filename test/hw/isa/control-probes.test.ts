/**
 * Health probes in C (firmware/c/switch/probe.c `probe_send`: healthProbe; probetimer.c
 * `probe_expire`: timerTick) against the TypeScript (src/firmware/probes.ts, the reference), on
 * the stand-alone instruction-level machine: random targets of every kind, rounds of probes,
 * answers, port counters moving, and the deadlines judged as they pass. Each probe's frame must be
 * the TypeScript's byte for byte (writeArpFrame / writeIcmpEcho / writeTcp / writeUdp, through
 * HealthProbes `send`), posted to the target's port, and each target's ring, statistics and health
 * machine the same after every round.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BoardApi } from "../../../src/hw/boards/board.ts";
import { CostTrace } from "../../../src/hw/cpu/cost-trace.ts";
import { ControlImage, MAX_PORTS, TX_BUFFERS, type HostProbeTarget } from "../../../src/hw/cpu/isa/control-host.ts";
import { FramePool } from "../../../src/net/frame-pool.ts";
import { HealthProbes, type ProbeKind, type ProbeTarget } from "../../../src/firmware/probes.ts";
import { SimClock } from "../../../src/firmware/sim-clock.ts";
import { Simulator } from "../../../src/sim/simulator.ts";

const elf = readFileSync(new URL("../../../firmware/build/control.elf", import.meta.url));
const INTERVAL = 1_000_000_000; // 1 ms

/** The board HealthProbes needs: a simulator, a pool, a transmitter that keeps what was sent, the ports' counts. */
function tsProbes(switchIp: number) {
  const sim = new Simulator();
  const pool = new FramePool({ slots: 64, slotBytes: 128 });
  const received = new Float64Array(MAX_PORTS), lost = new Float64Array(MAX_PORTS);
  const sent: { bytes: Uint8Array; port: number }[] = [];
  const board = {
    sim,
    pool,
    transmit(h: number, port: number) {
      sent.push({ bytes: pool.bytes(h).slice(0, pool.length(h)), port });
      pool.free(h);
    },
    portReceived: (p: number) => received[p]!,
    portLost: (p: number) => lost[p]!,
    controlFramesWaiting: () => 0,
    runOnCpu: () => false,
  } as unknown as BoardApi;
  return { sim, received, lost, sent, probes: new HealthProbes(board, new SimClock(sim), switchIp) };
}

const kindArb = fc.constantFrom<ProbeKind>("arp", "icmp", "tcp", "load");
const macArb = fc.integer({ min: 0, max: 2 ** 32 - 1 }).chain((lo) => fc.integer({ min: 0, max: 0xffff }).map((h) => h * 2 ** 32 + lo));
const u32Arb = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const targetArb = fc.record({
  kind: kindArb,
  mac: macArb,
  ip: u32Arb,
  fromMac: macArb,
  port: fc.integer({ min: 0, max: MAX_PORTS - 1 }),
  l4Port: fc.integer({ min: 1, max: 0xffff }),
  // not a multiple of the interval: no deadline falls on a round
  timeoutPs: fc.integer({ min: 1, max: 4 }).map((k) => k * INTERVAL - 123_457),
  rise: fc.integer({ min: 1, max: 4 }),
  fall: fc.integer({ min: 1, max: 4 }),
});
/** Per round and target: answer (-1 none, else which waiting probe, from the oldest), frames received from the port, frames of it lost. */
const roundArb = fc.record({ answer: fc.integer({ min: -3, max: 5 }), received: fc.constantFrom(0, 0, 1), lost: fc.constantFrom(0, 0, 0, 1) });

describe("health probes in C against probes.ts", () => {
  it("sends each kind's frame byte for byte and judges deadlines as the TypeScript does", () => {
    const img = new ControlImage(elf);
    fc.assert(
      fc.property(u32Arb, fc.array(targetArb, { minLength: 1, maxLength: 4 }), fc.array(fc.array(roundArb, { minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 0xffff }), (switchIp, specs, rounds, ipId) => {
        img.start();
        img.probeSetup(switchIp, 0, ipId);
        img.txFree();
        const ts = tsProbes(switchIp);
        (ts.probes as unknown as { ipId: number }).ipId = ipId;
        const targets: ProbeTarget[] = specs.map((s, i) => {
          const ringLength = Math.ceil(s.timeoutPs / INTERVAL) + 1 + 4;
          img.writeTarget(i, { ...s, ringLength } satisfies HostProbeTarget);
          return ts.probes.add({ ...s, name: `t${i}`, intervalPs: INTERVAL }, () => {}, () => {});
        });
        const trace = new CostTrace();
        rounds.forEach((round, r) => {
          const now = (r + 1) * INTERVAL;
          // the deadlines before this round, judged as they pass
          ts.sim.run(now);
          specs.forEach((_, i) => {
            for (let st = img.readTarget(i); st.timerArmed && st.timerPs < now; st = img.readTarget(i)) img.probeExpire(i, st.timerPs);
          });
          specs.forEach((s, i) => {
            const n = ts.sent.length;
            ts.probes.send(targets[i]!, trace);
            const c = img.probeSend(i, now);
            expect(c.value, `round ${r} target ${i}: sent`).toBe(60);
            expect(ts.sent.length).toBe(n + 1);
            expect(img.devices.lastPost.port).toBe(s.port);
            expect(img.postedFrame(), `round ${r} target ${i} (${s.kind}): the frame`).toEqual(ts.sent[n]!.bytes);
            img.txFree(TX_BUFFERS); // the controller sent it: the buffer is free again
          });
          specs.forEach((s, i) => {
            const a = round[i]!;
            if (a.answer >= 0) {
              const waiting = img.readTarget(i).tokens;
              const token = s.kind === "arp" ? -1 : (waiting[a.answer % Math.max(1, waiting.length)] ?? 9999);
              expect(img.probeAnswer(i, token).value, `round ${r} target ${i}: answer ${token}`).toBe(targets[i]!.answer(token) ? 1 : 0);
            }
            ts.received[s.port]! += a.received;
            ts.lost[s.port]! += a.lost;
            img.portStats(s.port, ts.received[s.port]!, ts.lost[s.port]!);
          });
          specs.forEach((_, i) => {
            const c = img.readTarget(i), t = targets[i]!, snap = t.health.getSnapshot();
            expect(c.stats, `round ${r} target ${i}: stats`).toEqual(t.stats);
            expect(c.count, `round ${r} target ${i}: waiting`).toBe(t.waiting);
            expect([c.up ? "up" : "down", c.ok, c.failed], `round ${r} target ${i}: health`).toEqual([snap.value, snap.context.ok, snap.context.failed]);
          });
        });
      }),
      { numRuns: 60, seed: 17 },
    );
  });

  it("takes a token its target owns until the probe leaves, and none for ARP", () => {
    const img = new ControlImage(elf);
    img.probeSetup(0x0a000001, 5);
    img.txFree();
    const spec: HostProbeTarget = { kind: "icmp", mac: 0x020000000201, ip: 0x0a000102, fromMac: 0x02aa00000001, port: 3, l4Port: 0, timeoutPs: 500_000_000, rise: 1, fall: 1, ringLength: 6 };
    img.writeTarget(0, spec);
    img.writeTarget(1, { ...spec, kind: "arp" });
    img.probeSend(0, INTERVAL);
    img.probeSend(1, INTERVAL);
    expect(img.readTarget(0).tokens).toEqual([5]);
    expect(img.tokenOwner(5)).toBe(0);
    expect(img.readTarget(1).tokens).toEqual([-1]);
    // the deadline passes unanswered: the probe fails (fall 1: down), its token is free again
    img.probeExpire(0, INTERVAL + 500_000_000);
    expect(img.readTarget(0)).toMatchObject({ count: 0, up: false, timerArmed: false, stats: { failed: 1 } });
    expect(img.tokenOwner(5)).toBe(-1);
  });

  it("sends nothing without a transmit buffer", () => {
    const img = new ControlImage(elf);
    img.probeSetup(0x0a000001);
    img.txFree(0);
    img.writeTarget(0, { kind: "tcp", mac: 2, ip: 3, fromMac: 4, port: 1, l4Port: 80, timeoutPs: 1e9, rise: 1, fall: 1, ringLength: 6 });
    expect(img.probeSend(0, 1e9).value).toBe(0);
    expect(img.devices.posts).toBe(0);
    expect(img.readTarget(0).stats.sent).toBe(0);
  });
});
