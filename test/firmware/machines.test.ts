import { describe, expect, it } from "vitest";
import { createActor, initialTransition, transition, type AnyStateMachine } from "xstate";
import { availabilityMachine, healthMachine, probeOkIsNoOp } from "../../src/firmware/machines.ts";
import { SimClock } from "../../src/firmware/sim-clock.ts";
import { Simulator } from "../../src/sim/simulator.ts";
import { config, harness, tcp } from "./harness.ts";

/** Breadth-first shortest event paths from the initial snapshot to every distinct (state, context). */
function shortestPaths(machine: AnyStateMachine, input: unknown, events: { type: string }[]): Map<string, { type: string }[]> {
  const key = (s: { value: unknown; context: unknown }) => JSON.stringify([s.value, s.context]);
  const [init] = initialTransition(machine, input as never);
  const paths = new Map<string, { type: string }[]>([[key(init), []]]);
  const queue = [{ snap: init, path: [] as { type: string }[] }];
  while (queue.length) {
    const { snap, path } = queue.shift()!;
    for (const e of events) {
      const [next] = transition(machine, snap, e as never);
      const k = key(next);
      if (!paths.has(k)) {
        paths.set(k, [...path, e]);
        queue.push({ snap: next, path: [...path, e] });
      }
    }
  }
  return paths;
}

describe("xstate path tests: every shortest path replayed on a live actor", () => {
  it("availability machine: primary, secondary-operational and secondary-failed are all reached as the paths say", () => {
    for (const primary of [true, false]) {
      const input = { name: "s", primary };
      const paths = shortestPaths(availabilityMachine, input, [{ type: "FAIL" }, { type: "RESTORE" }, { type: "PROMOTE" }]);
      const values = new Set([...paths.keys()].map((k) => JSON.parse(k)[0]));
      expect(values).toEqual(new Set(["primary", "secondaryOperational", "secondaryFailed"]));
      for (const [k, path] of paths) {
        const actor = createActor(availabilityMachine, { input, clock: new SimClock(new Simulator()) }).start();
        for (const e of path) actor.send(e as never);
        expect(JSON.stringify([actor.getSnapshot().value, actor.getSnapshot().context])).toBe(k);
      }
      // no pre-emption: from secondary-failed, RESTORE never leads straight to primary
      const [failed] = transition(availabilityMachine, initialTransition(availabilityMachine, input)[0], { type: "FAIL" });
      expect(transition(availabilityMachine, failed, { type: "RESTORE" })[0].value).toBe("secondaryOperational");
    }
  });

  it("health machine (rise 2, fall 3): every reachable state; down only after 3 failures, up only after 2 successes", () => {
    const input = { rise: 2, fall: 3 };
    const events = [{ type: "PROBE_OK" }, { type: "PROBE_FAIL" }, { type: "LINK_DOWN" }, { type: "LINK_UP" }];
    const paths = shortestPaths(healthMachine, input, events);
    for (const [k, path] of paths) {
      const actor = createActor(healthMachine, { input }).start();
      for (const e of path) actor.send(e as never);
      expect(JSON.stringify([actor.getSnapshot().value, actor.getSnapshot().context])).toBe(k);
      const [value] = JSON.parse(k);
      const fails = path.filter((e) => e.type === "PROBE_FAIL").length;
      if (value === "down" && !path.some((e) => e.type === "LINK_DOWN")) expect(fails).toBeGreaterThanOrEqual(3);
    }
    // the firmware's shortcut: where probeOkIsNoOp holds, PROBE_OK changes neither state nor context (and it holds in the steady state)
    let noOps = 0;
    for (const rise of [1, 2, 3]) for (const fall of [1, 3]) {
      for (const [k, path] of shortestPaths(healthMachine, { rise, fall }, events)) {
        const actor = createActor(healthMachine, { input: { rise, fall } }).start();
        for (const e of path) actor.send(e as never);
        if (!probeOkIsNoOp(actor.getSnapshot())) continue;
        const [after] = transition(healthMachine, actor.getSnapshot(), { type: "PROBE_OK" });
        expect(JSON.stringify([after.value, after.context])).toBe(k);
        noOps++;
      }
    }
    expect(noOps).toBe(6);
    const downPath = paths.get(JSON.stringify(["down", { rise: 2, fall: 3, ok: 0, failed: 0 }]))!;
    expect(downPath).toEqual([{ type: "LINK_DOWN" }]);
  });

  it("the flow switch's availability cluster follows the machine on a replayed failure path", () => {
    const h = harness(config(3, { mode: "availability" }));
    expect(h.fw.roles("web")).toEqual({ s0: "primary", s1: "secondary-operational", s2: "secondary-operational" });
    h.fw.serverDown("s0");
    expect(h.fw.roles("web")).toEqual({ s0: "secondary-failed", s1: "primary", s2: "secondary-operational" });
    h.fw.serverUp("s0"); // restored: no pre-emption
    expect(h.fw.roles("web")).toEqual({ s0: "secondary-operational", s1: "primary", s2: "secondary-operational" });
    expect(h.serverOf(h.run(tcp(0x0a000001, 1))[1])).toBe(1);
  });
});

describe("health monitoring on simulation time", () => {
  it("a silent server is declared down after fall probes time out: within interval x fall + timeout", () => {
    const h = harness(config(2, { health: { kind: "arp", intervalPs: 1_000_000, timeoutPs: 400_000, rise: 2, fall: 3 } }));
    // nobody answers the probes: probes at 1, 2, 3 us time out at 1.4, 2.4, 3.4 us; the third makes it down
    const bound = 3 * 1_000_000 + 400_000; // interval x fall + timeout
    h.sim.run(bound - 1);
    expect(h.fw.read().clusters["web"]!.servers["s0"]!.state).toBe("up");
    h.sim.run(bound);
    expect(h.fw.read().clusters["web"]!.servers["s0"]!.state).toBe("down");
    const [v] = h.run(tcp(0x0a000009, 9));
    expect(v).toBe(-1); // both servers silent: counted drop, nothing sent to a failed server
    expect(h.sent.filter((x) => x.bytes[13] === 0x06).length).toBeGreaterThan(0); // ARP probes went out
  });
});
