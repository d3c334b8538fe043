/** A user's scenario file that is wrong: errors with the file and line, never "internal error" (#19 item 2). */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root, simAsync } from "./sim.ts";

describe("a user's scenario file", () => {
  it("a syntax error, an exception in its script, a wrong return type or a negative duration: one line naming the file (and the line)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsim-user-scenario-"));
    const file = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));
    const boom = file("boom.ts", [
      `import { runBoard } from ${JSON.stringify(join(root, "src/scenarios/board-run.ts"))};`,
      `import { loadBoard } from ${JSON.stringify(join(root, "src/hw/boards/load.ts"))};`,
      `const board = loadBoard("5A");`,
      `if (!board.ok) throw new Error(board.error);`,
      `export default { name: "boom", description: "throws at 0.5 ms", defaultDurationPs: 1e9, run: (o) => [runBoard(board.board, { ...o, warmupPs: 1e9, script: (ctx) => ctx.at(5e8, () => {`,
      `  throw new Error("the script failed");`,
      `}) })] };`,
      "",
    ].join("\n"));
    const syntax = file("syntax.ts", 'export default {\n  name: "x",, description: "y"\n};\n');
    const wrong = file("wrong.ts", 'export default { name: "x", description: "y", defaultDurationPs: 1e9, run: () => 42 };\n');
    const negative = file("negative.ts", 'export default { name: "x", description: "y", defaultDurationPs: -5, run: () => [] };\n');
    const [b, s, w, n] = await Promise.all([boom, syntax, wrong, negative].map((f) => simAsync("run", f, "--quiet")));
    expect([b!.code, b!.err]).toEqual([1, `flowsim: scenario file ${boom} failed: the script failed (at ${boom}:6:9)\n`]);
    expect([s!.code, s!.err]).toEqual([2, `flowsim: scenario file ${syntax} failed to load: ${syntax}:2:12: ERROR: Expected identifier but found ","\n`]);
    expect([w!.code, w!.err]).toEqual([2, `flowsim: scenario file ${wrong}: run() must return an array of run records (objects), got number\n`]);
    expect([n!.code, n!.err]).toEqual([2, `flowsim: scenario file ${negative}: defaultDurationPs must be a positive whole number of ps, got -5\n`]);
  }, 60_000);
});
