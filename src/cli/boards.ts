/**
 * `flowsim boards list | show NAME | validate FILE | schema`: board files as configs. `show` prints a
 * preset as the JSON a board file holds (edit it, rename it, run it with --board); `validate`
 * checks a file against the schema, the rules the schema cannot say (unique card names, no preset's
 * name on a different board) and builds the board; `schema` prints the JSON Schema for editors.
 */
import { existsSync, statSync } from "node:fs";
import type { Command } from "commander";
import { Board } from "../hw/boards/board.ts";
import { loadBoard } from "../hw/boards/load.ts";
import { PRESETS } from "../hw/boards/presets.ts";
import { FramePool } from "../net/frame-pool.ts";
import { Simulator } from "../sim/simulator.ts";
import { boardJsonSchema } from "./board-json-schema.ts";
import { UsageError } from "./errors.ts";

export function boardsCommand(program: Command): void {
  const boards = program.command("boards").description("board presets and board files: list, show a preset as JSON, validate a file, the JSON Schema");
  boards
    .command("list")
    .description("the presets, with one-line descriptions")
    .action(() => {
      for (const [name, b] of Object.entries(PRESETS)) process.stdout.write(`${name.padEnd(6)} ${b.figure ?? ""}  ${b.description}\n`);
    });
  boards
    .command("show")
    .description("print a preset as a board file's JSON (flowsim boards show 5A > my.json; give it a name of its own)")
    .argument("<name>", "a preset: 5A-5F")
    .action((name: string) => {
      const preset = PRESETS[name.toUpperCase()];
      if (!preset) throw new UsageError(`boards show: unknown preset "${name}": expected one of ${Object.keys(PRESETS).join(", ")}`);
      process.stdout.write(JSON.stringify(preset, null, 2) + "\n");
    });
  boards
    .command("validate")
    .description("check a board file: the schema, unique card names, no preset's name, and that the board builds")
    .argument("<file>", "a board JSON file")
    .action((file: string) => {
      if (!existsSync(file)) throw new UsageError(`boards validate: ${file}: no such file`);
      if (!statSync(file).isFile()) throw new UsageError(`boards validate: ${file}: not a regular file`);
      const r = loadBoard(file.includes("/") || file.includes("\\") ? file : `./${file}`);
      if (!r.ok) throw new UsageError(r.error);
      try {
        new Board(new Simulator({ seed: 1 }), new FramePool({ slots: 64 }), r.board);
      } catch (e) {
        throw new UsageError(`${file}: the board does not build: ${(e as Error).message.split("\n")[0]}`);
      }
      const ports = r.board.cards.reduce((n, c) => n + c.controllers * c.portsPerController, 0);
      process.stdout.write(`${file}: valid board "${r.board.name}": ${r.board.cards.length} card${r.board.cards.length > 1 ? "s" : ""}, ${ports} ports, ${r.board.interconnect.kind}\n`);
    });
  boards
    .command("schema")
    .description("print the board files' JSON Schema (also schema/board.schema.json in the package)")
    .action(() => void process.stdout.write(boardJsonSchema()));
}
