import { describe, expect, it } from "vitest";
import { RandomStreams } from "../../src/sim/random.ts";

const take = (s: { nextU32(): number }, n: number) => Array.from({ length: n }, () => s.nextU32());

describe("random streams", () => {
  it("same seed and name give the same numbers; creation order and other streams do not matter", () => {
    const a = new RandomStreams(5);
    const b = new RandomStreams(5);
    take(b.stream("pci.arbiter"), 1000); // another component draws first
    expect(take(b.stream("client.0"), 100)).toEqual(take(a.stream("client.0"), 100));
  });

  it("different names and different seeds give different streams", () => {
    const s = new RandomStreams(5);
    expect(take(s.stream("a"), 10)).not.toEqual(take(s.stream("b"), 10));
    expect(take(new RandomStreams(6).stream("a"), 10)).not.toEqual(take(new RandomStreams(5).stream("a"), 10));
  });

  it("exponential draws have the requested mean (within 1% over 200k draws)", () => {
    const s = new RandomStreams(1).stream("exp");
    let sum = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) sum += s.exponential(1_000_000);
    expect(Math.abs(sum / n - 1_000_000) / 1_000_000).toBeLessThan(0.01);
  });

  it("exponentialFloor is Math.floor of the same exponential draw (twin streams)", () => {
    const a = new RandomStreams(3).stream("exp"), b = new RandomStreams(3).stream("exp");
    for (const mean of [1, 1_000, 1_000_000, 3.5e9]) {
      for (let i = 0; i < 20_000; i++) expect(a.exponentialFloor(mean)).toBe(Math.floor(b.exponential(mean)));
    }
    expect(a.draws).toBe(b.draws);
  });

  it("exponentialRound is Math.round of the same exponential draw (twin streams)", () => {
    const a = new RandomStreams(4).stream("exp"), b = new RandomStreams(4).stream("exp");
    for (const mean of [0.7, 1_000, 1_000_000, 3.5e9]) {
      for (let i = 0; i < 20_000; i++) expect(a.exponentialRound(mean)).toBe(Math.round(b.exponential(mean)));
    }
    expect(a.draws).toBe(b.draws);
  });

  it("uniformInt stays in range and hits every value", () => {
    const s = new RandomStreams(1).stream("u");
    const seen = new Set<number>();
    for (let i = 0; i < 5000; i++) {
      const v = s.uniformInt(3, 9);
      expect(v >= 3 && v <= 9).toBe(true);
      seen.add(v);
    }
    expect(seen.size).toBe(7);
  });

  it("nextDouble is in [0, 1)", () => {
    const s = new RandomStreams(9).stream("d");
    for (let i = 0; i < 10_000; i++) {
      const d = s.nextDouble();
      expect(d >= 0 && d < 1).toBe(true);
    }
  });

  it("rejects a seed outside 32 bits", () => {
    expect(() => new RandomStreams(-1)).toThrow(/seed/);
    expect(() => new RandomStreams(2 ** 32)).toThrow(/seed/);
  });
});
