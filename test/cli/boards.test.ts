/** `flowsim boards list | show | validate | schema` and board files' errors (#19 item 3). */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { boardJsonSchema, BOARD_SCHEMA_FILE } from "../../src/cli/board-json-schema.ts";
import { PRESETS } from "../../src/hw/boards/presets.ts";
import { root, simIn } from "./sim.ts";

const dir = mkdtempSync(join(tmpdir(), "flowsim-boards-"));
function file(name: string, doc: unknown): string {
  const f = join(dir, name);
  writeFileSync(f, typeof doc === "string" ? doc : JSON.stringify(doc, null, 2));
  return f;
}

describe("flowsim boards", () => {
  it("list names every preset; show prints one as a board file that validates as it is", async () => {
    const l = await simIn("boards", "list");
    expect(l.code).toBe(0);
    for (const p of ["5A", "5B", "5C", "5D", "5E", "5F"]) expect(l.out).toMatch(new RegExp(`^${p} `, "m"));
    const s = await simIn("boards", "show", "5e");
    expect(s.code).toBe(0);
    expect(JSON.parse(s.out)).toEqual(PRESETS["5E"]);
    const v = await simIn("boards", "validate", file("5e.json", s.out));
    expect([v.code, v.err]).toEqual([0, ""]);
    expect(v.out).toMatch(/: valid board "5E": \d+ cards?, 8 ports, /);
  });

  it("an edited preset must be renamed: a board file may not pass for a preset (its pcap, VCD and results would)", async () => {
    const edited = { ...PRESETS["5A"]!, cpu: { model: "R4700", clockHz: 100_000_000 } };
    const r = await simIn("boards", "validate", file("a.json", edited));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^flowsim: .*a\.json: name: "5A" is a preset's name and the board differs from it; give the board a name of its own\n$/);
    expect((await simIn("boards", "validate", file("b.json", { ...edited, name: "5A-100MHz" }))).code).toBe(0);
    // and wherever a board file is taken
    const c = await simIn("compare", "--boards", join(dir, "a.json"), "--duration", "1ms");
    expect([c.code, c.err.trim().split("\n").length]).toEqual([2, 1]);
  });

  it("every schema error names the field, what is allowed and what was given; duplicate card names are refused", async () => {
    const base = PRESETS["5A"]!;
    const cases: [unknown, string][] = [
      [{ ...base, name: "x", interconnect: { ...base.interconnect, widthBits: 48 } }, "interconnect.widthBits: expected 32 or 64 (got 48)"],
      [{ ...base, name: "x", cards: [{ name: "c", controllers: 1, portMbps: 25 }] }, "cards[0].portMbps: expected 10, 100 or 1000 (got 25)"],
      [{ ...base, name: "x", cpu: { model: "R4700", clockHz: 1e12 } }, "cpu.clockHz: expected at most 2e8 (got 1e12)"],
      [{ ...base, name: "x", cards: [{ name: "c", controllers: 1, role: "fast" }] }, 'cards[0].role: expected "ethernet" or "circuit" (got "fast")'],
      [{ ...base, name: "x", interconnect: { kind: "usb" } }, 'interconnect.kind: expected "pci", "buffer-memory-arbiter" or "crossbar" (got "usb")'],
      [{ ...base, name: "x", cards: [{ name: "c", controllers: 1 }, { name: "c", controllers: 1 }] }, `cards[1].name: "c" is also cards[0]'s name; card names must differ`],
      [{ ...base, name: "x", turbo: true }, '(top level): unknown field "turbo"'],
    ];
    for (const [doc, line] of cases) {
      const f = file("bad.json", doc);
      const r = await simIn("boards", "validate", f);
      expect(r.code, line).toBe(2);
      expect(r.err, line).toBe(`flowsim: ${f}: ${line}\n`);
    }
    for (const [args, line] of [[["validate", dir], /not a regular file/], [["validate", "/dev/null"], /not a regular file/], [["validate", join(dir, "none.json")], /no such file/], [["show", "5Q"], /unknown preset "5Q"/]] as const) {
      const r = await simIn("boards", ...args);
      expect([r.code, r.err.trim().split("\n").length]).toEqual([2, 1]);
      expect(r.err).toMatch(line);
    }
  });

  it("the JSON Schema is generated from the zod schema and committed up to date (npm run schema)", async () => {
    expect(readFileSync(join(root, BOARD_SCHEMA_FILE), "utf8")).toBe(boardJsonSchema());
    const s = JSON.parse((await simIn("boards", "schema")).out);
    // every field a preset uses is in the schema, and the schema refuses fields it does not know
    for (const p of Object.values(PRESETS)) for (const k of Object.keys(p)) expect(s.properties).toHaveProperty(k);
    expect(s.additionalProperties).toBe(false);
    expect(s.properties.interconnect.oneOf ?? s.properties.interconnect.anyOf).toHaveLength(3);
    // a file that names the schema validates
    expect((await simIn("boards", "validate", file("with-schema.json", { $schema: "../schema/board.schema.json", ...PRESETS["5B"]! }))).code).toBe(0);
  });
});
