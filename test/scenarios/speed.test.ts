import { describe, expect, it } from "vitest";
import { runSpeed } from "../../src/scenarios/speed.ts";

describe("run speed (OMNeT++'s P, E, R)", () => {
  it("derives each figure from the record: 5.5 M events in 1 simulated s over 2 wall s", () => {
    const s = runSpeed({ events: 5_500_000, simulatedSeconds: 1, wallSeconds: 2, frames: { injected: 120_000 } });
    expect(s.eventsPerWallSecond).toBe(2_750_000); // P
    expect(s.eventsPerSimulatedSecond).toBe(5_500_000); // E
    expect(s.simulatedSecondsPerWallSecond).toBe(0.5); // R
    expect(s.framesPerWallSecond).toBe(60_000);
    // P = E x R, whatever the figures
    expect(s.eventsPerWallSecond).toBeCloseTo(s.eventsPerSimulatedSecond * s.simulatedSecondsPerWallSecond, 6);
  });

  it("a run of no time reports zeros, not infinities", () => {
    expect(runSpeed({ events: 0, simulatedSeconds: 0, wallSeconds: 0, frames: { injected: 0 } })).toEqual({ framesPerWallSecond: 0, eventsPerWallSecond: 0, eventsPerSimulatedSecond: 0, simulatedSecondsPerWallSecond: 0 });
  });
});
