import { describe, expect, it } from "vitest";
import { allocatedPerRun } from "../../bench/garbage.ts";

/** A line of V8's `--trace-gc-nvp` with only the fields the count reads. */
const gc = (before: number, after: number) => `[1:0x1]  12 ms: pause=0.9 gc=s total_size_before=${before} total_size_after=${after} allocated=${before}`;

describe("garbage bench: bytes allocated per run from V8's GC trace", () => {
  it("adds what each collection freed to the heap's growth over the run", () => {
    const out = [
      gc(900, 100), // before the first run: not counted
      "MARK start 1000",
      "MARK end 1500 10", // no collection: 500 bytes
      "MARK start 1500",
      gc(4000, 1200), // 2,500 allocated up to it
      gc(3000, 1100), // 1,800 more
      "MARK end 1600 20", // 500 more
      "MARK start 1600",
      "MARK end 1600 0",
      "MARK start 1600",
      gc(1700, 1650),
      "MARK end 1700 0",
    ].join("\n");
    expect(allocatedPerRun(out)).toEqual({ bytes: [500, 4800, 0, 150], frames: [10, 20, 0, 0] });
  });

  it("names a trace without the four runs", () => {
    expect(() => allocatedPerRun("MARK start 1\nMARK end 2 3\n")).toThrow(/expected 4 marked runs/);
  });
});
