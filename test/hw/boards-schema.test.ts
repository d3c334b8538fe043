import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadBoard, parseBoard } from "../../src/hw/boards/load.ts";
import { PRESETS } from "../../src/hw/boards/presets.ts";

describe("board files", () => {
  it("every preset validates", () => {
    for (const name of Object.keys(PRESETS)) {
      const r = loadBoard(name);
      expect(r.ok, r.ok ? "" : r.error).toBe(true);
    }
  });

  it("a board file with an error is rejected with one line naming the field", () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsim-board-"));
    const bad = structuredClone(PRESETS["5A"]!) as Record<string, unknown>;
    (bad["cards"] as Record<string, unknown>[])[2]!["portMbps"] = 25;
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify(bad));
    const r = loadBoard(file);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatch(/^.*bad\.json: cards\[2\]\.portMbps: /);
      expect(r.error.split("\n")).toHaveLength(1);
    }
  });

  it("names unknown fields, wrong types and bad JSON", () => {
    const extra = { ...PRESETS["5B"]!, turbo: true };
    const r1 = parseBoard(extra, "x.json");
    expect(!r1.ok && r1.error).toMatch(/x\.json: \(top level\): unknown field "turbo"/);
    const r2 = parseBoard({ ...PRESETS["5B"]!, cpu: { model: "R4700", clockHz: 300_000_000 } }, "y.json");
    expect(!r2.ok && r2.error).toMatch(/y\.json: cpu\.clockHz: /);
    const dir = mkdtempSync(join(tmpdir(), "flowsim-board-"));
    writeFileSync(join(dir, "z.json"), "{ not json");
    const r3 = loadBoard(join(dir, "z.json"));
    expect(!r3.ok && r3.error).toMatch(/z\.json: not valid JSON/);
    const r4 = loadBoard("5Z");
    expect(!r4.ok && r4.error).toMatch(/unknown board "5Z"/);
  });
});

describe("board files: a DRAM that cannot hold the firmware's memory map (issue 21)", () => {
  it("a 1-byte DRAM is refused in one line naming the field and what it must hold; Fig 5A's 8 MB and 5C's 4 MB with its FSRAM pass", () => {
    const withDram = (base: string, sizeBytes: number) => ({ ...JSON.parse(JSON.stringify(PRESETS[base])), name: "mine", dram: { ...PRESETS[base]!.dram, sizeBytes } });
    const r = parseBoard(withDram("5A", 1), "my.json");
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.split("\n")).toHaveLength(1);
      // 4 MiB below the table, 2 x 65,536 slots x (24 + 8) bytes above it (table-cost.ts)
      expect(r.error).toContain(`my.json: dram.sizeBytes: 1 bytes cannot hold the firmware's memory map (at least ${4 * 2 ** 20 + 2 * 65_536 * 32}`);
    }
    expect(parseBoard(withDram("5A", 8 * 2 ** 20), "my.json").ok).toBe(true);
    expect(parseBoard(withDram("5C", 4 * 2 ** 20), "my.json").ok).toBe(true);
    expect(parseBoard(withDram("5A", 4 * 2 ** 20), "my.json").ok).toBe(false);
  });
});
