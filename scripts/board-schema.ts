/**
 * Writes schema/board.schema.json from the zod schema (src/cli/board-json-schema.ts), or with
 * --check exits 1 when the committed file differs (after a change to src/hw/boards/schema.ts).
 *   npm run schema            npm run schema -- --check
 */
import { readFileSync, writeFileSync } from "node:fs";
import { BOARD_SCHEMA_FILE, boardJsonSchema } from "../src/cli/board-json-schema.ts";

const text = boardJsonSchema();
if (process.argv.includes("--check")) {
  let old = "";
  try {
    old = readFileSync(BOARD_SCHEMA_FILE, "utf8");
  } catch {}
  if (old !== text) {
    process.stderr.write(`${BOARD_SCHEMA_FILE} is out of date: run npm run schema\n`);
    process.exit(1);
  }
} else writeFileSync(BOARD_SCHEMA_FILE, text);
