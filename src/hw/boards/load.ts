/**
 * Loading a board: a preset name ("5A") or a JSON file path, validated against the schema. Errors
 * come back as one line naming the file (or preset), the field and what was expected.
 */
import { readFileSync } from "node:fs";
import { PRESETS } from "./presets.ts";
import { BoardSchema, formatBoardError, type BoardSpec } from "./schema.ts";

export type BoardLoad = { ok: true; board: BoardSpec } | { ok: false; error: string };

export function parseBoard(input: unknown, source: string): BoardLoad {
  const r = BoardSchema.safeParse(input);
  return r.success ? { ok: true, board: r.data } : { ok: false, error: formatBoardError(r.error, source) };
}

/** A preset by name, or a board file by path. */
export function loadBoard(nameOrPath: string): BoardLoad {
  const preset = PRESETS[nameOrPath.toUpperCase()];
  if (preset) return parseBoard(preset, `board ${nameOrPath.toUpperCase()}`);
  if (!/[./\\]/.test(nameOrPath)) {
    return { ok: false, error: `unknown board "${nameOrPath}": expected one of ${Object.keys(PRESETS).join(", ")} or a path to a board JSON file` };
  }
  let text: string;
  try {
    text = readFileSync(nameOrPath, "utf8");
  } catch (e) {
    return { ok: false, error: `cannot read board file ${nameOrPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `${nameOrPath}: not valid JSON: ${(e as Error).message}` };
  }
  return parseBoard(json, nameOrPath);
}
