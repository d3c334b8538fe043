/**
 * Path tests of the firmware's state machines with @xstate/graph (#19 item 7): the library walks the
 * machines as they are (no adapter) and gives every shortest and every simple event path; each
 * path is replayed on a live actor and checked against the rules of docs/firmware.md: health flips
 * to down only after `fall` consecutive failed probes (or at once on link loss) and back up only
 * after `rise` answered ones; an availability cluster member becomes primary only when promoted
 * (or at the start), and a restored member never pre-empts (it comes back secondary-operational).
 */
import { getShortestPaths, getSimplePaths } from "@xstate/graph";
import { createActor } from "xstate";
import { describe, expect, it } from "vitest";
import { availabilityMachine, healthMachine, type AvailabilityEvent, type HealthEvent } from "../../src/firmware/machines.ts";

/** A path's steps after the initial one (@xstate/graph starts each path with the machine's xstate.init). */
const real = <S extends { event: { type: string } }>(steps: S[]) => steps.filter((s) => s.event.type !== "xstate.init");

const HEALTH_EVENTS: HealthEvent[] = [{ type: "PROBE_OK" }, { type: "PROBE_FAIL" }, { type: "LINK_DOWN" }, { type: "LINK_UP" }];
const AVAILABILITY_EVENTS: AvailabilityEvent[] = [{ type: "FAIL" }, { type: "RESTORE" }, { type: "PROMOTE" }];

describe("@xstate/graph path tests of the firmware's machines", () => {
  for (const [rise, fall] of [[1, 1], [2, 3], [3, 2]] as const) {
    it(`health (rise ${rise}, fall ${fall}): every shortest path to every (state, counts) replays to it, and each flip took its count of probes`, () => {
      const paths = getShortestPaths(healthMachine, { events: HEALTH_EVENTS, input: { rise, fall } });
      // up with 0..fall-1 failures, down with 0..rise-1 answers
      expect(paths).toHaveLength(rise + fall);
      for (const p of paths) {
        const actor = createActor(healthMachine, { input: { rise, fall } }).start();
        for (const s of real(p.steps)) actor.send(s.event);
        const snap = actor.getSnapshot();
        expect([snap.value, snap.context]).toEqual([p.state.value, p.state.context]);
        actor.stop();
      }
      // one event takes an up member down: a link loss (or a failed probe when fall is 1)
      const toDown = paths.find((p) => p.state.value === "down" && p.state.context.ok === 0)!;
      expect(real(toDown.steps).map((s) => s.event.type)).toEqual([fall === 1 ? "PROBE_FAIL" : "LINK_DOWN"]);
    });
  }

  it("health (rise 2, fall 3): on every simple path, each flip to down follows 3 consecutive failures or a link loss, each flip to up 2 consecutive answers", () => {
    const paths = getSimplePaths(healthMachine, { events: HEALTH_EVENTS, input: { rise: 2, fall: 3 } });
    expect(paths.length).toBeGreaterThan(5);
    for (const p of paths) {
      let fails = 0, oks = 0, prev = "up";
      for (const s of p.steps) {
        const t = s.event.type;
        fails = t === "PROBE_FAIL" ? fails + 1 : t === "PROBE_OK" ? 0 : fails;
        oks = t === "PROBE_OK" ? oks + 1 : t === "PROBE_FAIL" ? 0 : oks;
        const now = s.state.value as string;
        if (prev === "up" && now === "down") expect(t === "LINK_DOWN" || fails >= 3, JSON.stringify(p.steps.map((x) => x.event.type))).toBe(true);
        if (prev === "down" && now === "up") expect(oks, JSON.stringify(p.steps.map((x) => x.event.type))).toBeGreaterThanOrEqual(2);
        if (now !== prev) fails = oks = 0;
        prev = now;
      }
    }
  });

  for (const primary of [true, false]) {
    it(`availability (starting ${primary ? "primary" : "secondary"}): every simple path; primary only at the start or by PROMOTE, a restored member comes back secondary-operational`, () => {
      const paths = getSimplePaths(availabilityMachine, { events: AVAILABILITY_EVENTS, input: { name: "s0", primary } });
      expect(new Set(paths.map((p) => p.state.value))).toEqual(new Set(["primary", "secondaryOperational", "secondaryFailed"]));
      for (const p of paths) {
        let prev = p.steps[0]?.state.value;
        for (const s of p.steps.slice(1)) {
          const now = s.state.value;
          if (now === "primary" && prev !== "primary") expect(s.event.type).toBe("PROMOTE");
          if (prev === "secondaryFailed" && now !== "secondaryFailed") expect([s.event.type, now]).toEqual(["RESTORE", "secondaryOperational"]);
          if (s.event.type === "FAIL") expect(now).toBe("secondaryFailed");
          prev = now;
        }
      }
    });
  }
});
