/**
 * The board files' JSON Schema, generated from the zod schema (zod 4's toJSONSchema, the input
 * side: fields with defaults are optional), so editors complete and check board files. Committed
 * as schema/board.schema.json (`npm run schema`; a test checks it matches). Refinements the JSON
 * Schema cannot say (powers of two, unique card names) are checked by `flowsim boards validate`.
 */
import { z } from "zod";
import { BoardSchema } from "../hw/boards/schema.ts";

export const BOARD_SCHEMA_FILE = "schema/board.schema.json";

export function boardJsonSchema(): string {
  const s = z.toJSONSchema(BoardSchema, { io: "input", target: "draft-2020-12" }) as Record<string, unknown>;
  const props = s["properties"] as Record<string, unknown>;
  const doc = {
    $schema: s["$schema"],
    $id: "https://flowsim.invalid/board.schema.json",
    title: "flowsim board",
    description: "A board of WO 99/33227 Figs 5A-5F as data (docs/boards.md). Print a preset to start from: flowsim boards show 5A",
    ...s,
    // a board file may name this schema for its editor
    properties: { $schema: { type: "string" }, ...props },
  };
  return JSON.stringify(doc, null, 2) + "\n";
}
