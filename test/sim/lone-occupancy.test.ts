/** LoneOccupancy (src/sim/lone-occupancy.ts): occupancy alone on an idle resource, by hand. */
import { describe, expect, it } from "vitest";
import { LoneOccupancy } from "../../src/sim/lone-occupancy.ts";

describe("LoneOccupancy", () => {
  it("starts at now (plus the idle start), extends after itself, hands over what is left, and counts busy time", () => {
    const t = { now: 1_000 };
    const o = new LoneOccupancy(t);
    expect(o.active()).toBe(false);
    o.add(3, 500, 2, 30); // 30 ps of idle start, then 500: until 1,530
    expect([o.owner, o.until, o.grant, o.busyPs]).toEqual([3, 1_530, 2, 530]);
    o.add(3, 100, 9, 30); // going: extended after itself, no second start, the grant kept
    expect([o.until, o.grant, o.busyPs]).toEqual([1_630, 2, 630]);
    expect(o.activeFor(3)).toBe(true);
    expect(o.activeFor(4)).toBe(false);
    t.now = 1_200;
    expect(o.ahead(1_200)).toBe(430);
    expect(o.take()).toBe(430); // what is left, no longer counted here
    expect([o.owner, o.busyPs]).toEqual([-1, 200]);
    expect(o.take()).toBe(0);
  });

  it("an ended occupancy is cleared, and a restart counts only what is still ahead", () => {
    const t = { now: 0 };
    const o = new LoneOccupancy(t);
    o.add(1, 1_000, 1);
    t.now = 400;
    o.restart(400);
    expect(o.busyPs).toBe(600);
    t.now = 1_000; // it ends exactly now
    expect(o.active()).toBe(false);
    expect(o.owner).toBe(-1);
    o.restart(1_000);
    expect(o.busyPs).toBe(0);
  });
});
