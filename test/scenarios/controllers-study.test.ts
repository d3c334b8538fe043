import { describe, expect, it } from "vitest";
import { withControllers } from "../../src/scenarios/controllers-study.ts";
import { settingLayout } from "../../src/scenarios/setting.ts";
import { runBoard } from "../../src/scenarios/board-run.ts";
import { MS } from "../../src/sim/time.ts";

describe("the controllers study's boards", () => {
  it("scale each topology to n GT-48002s the way its figure is built", () => {
    const a = withControllers("5A", 3), b = withControllers("5B", 12), f = withControllers("5F", 5);
    expect(a.cards.map((c) => [c.name, c.controllers])).toEqual([["card510", 1], ["card520", 1], ["card530", 1]]); // general-purpose cards, one GT-48002 each
    expect(b.cards).toHaveLength(1); // one network card with an on-board bus
    expect(b.cards[0]!.controllers).toBe(12);
    expect(f.cards.filter((c) => c.role === "circuit")).toHaveLength(2);
    expect(f.cards.filter((c) => c.role === "ethernet")).toHaveLength(3);
    expect(() => withControllers("5F", 1)).toThrow(/at least two controllers/);
  });

  it("put routers on the first half of the ports and servers on the second, one each with one controller", () => {
    expect(settingLayout(withControllers("5A", 1))).toMatchObject({ routerPorts: [0], serverPorts: [1] });
    expect(settingLayout(withControllers("5D", 12))).toMatchObject({ routerPorts: Array.from({ length: 12 }, (_, i) => i), serverPorts: Array.from({ length: 12 }, (_, i) => 12 + i) });
    const f = settingLayout(withControllers("5F", 4)); // routers on the circuit cards
    expect(f.routerPorts.every((p) => f.controllers[p >> 1]!.role === "circuit")).toBe(true);
  });

  it("a one-controller board carries traffic between its two ports", () => {
    const r = runBoard(withControllers("5A", 1), { seed: 1, durationPs: 5 * MS, load: 1 }) as unknown as { delivered: { inboundFps: number; outboundFps: number } };
    expect(r.delivered.inboundFps).toBeGreaterThan(0);
    expect(r.delivered.outboundFps).toBeGreaterThan(0);
  });
});
