import { describe, expect, it } from "vitest";
import { checkTick, formatTick, MAX_TICK, MS, parseDuration, SEC, SimTimeError, US } from "../../src/sim/time.ts";

describe("time", () => {
  it("accepts integer ticks up to 2^53 - 1 and fails loudly past it", () => {
    expect(checkTick(MAX_TICK)).toBe(2 ** 53 - 1);
    expect(() => checkTick(2 ** 53)).toThrow(SimTimeError);
    expect(() => checkTick(1.5)).toThrow(/not a tick/);
    expect(() => checkTick(-1)).toThrow(SimTimeError);
  });

  it("2^53 ps covers about 2.5 hours", () => {
    expect(MAX_TICK / SEC / 3600).toBeGreaterThan(2.5);
  });

  it("parses durations with units and reports bad ones as a message", () => {
    expect(parseDuration("20ms")).toBe(20 * MS);
    expect(parseDuration("1s")).toBe(SEC);
    expect(parseDuration("1.5 us")).toBe(1.5 * US);
    expect(parseDuration("250ns")).toBe(250_000);
    expect(parseDuration("20")).toMatch(/not a duration/);
    expect(parseDuration("3h")).toMatch(/not a duration/);
    expect(parseDuration("100000s")).toMatch(/longer/);
  });

  it("formats ticks for people", () => {
    expect(formatTick(20 * MS)).toBe("20 ms");
    expect(formatTick(1500)).toBe("1.5 ns");
  });
});
