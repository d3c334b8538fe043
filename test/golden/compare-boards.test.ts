import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GOLDEN_FILE, goldenCompareBoards } from "./golden.ts";

describe("golden compare-boards result", () => {
  it("matches test/golden/compare-boards.json (after a deliberate timing change: npm run golden:accept, then review the diff)", () => {
    expect(existsSync(GOLDEN_FILE), "no golden yet: run npm run golden:accept").toBe(true);
    expect(goldenCompareBoards()).toBe(readFileSync(GOLDEN_FILE, "utf8"));
  });
});
