/** The CLI lists its scenarios and runs a user's scenario file. */
import { describe, expect, it } from "vitest";
import { sim } from "./sim.ts";

describe("flowsim CLI: scenarios", () => {
  it("runs a user's scenario file by path", () => {
    const r = sim("run", "examples/custom-failover.ts", "--duration", "6ms", "--json", "-");
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.runs[0].scenario).toBe("custom-failover");
    expect(Object.keys(doc.runs[0].servers)).toEqual(["s0", "s1", "s2", "s3"]);
  });

  it("lists scenarios", () => {
    const r = sim("list");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/demo-link/);
    expect(r.out).toMatch(/compare-boards/);
    expect(r.out).toMatch(/5F/);
  });
});
