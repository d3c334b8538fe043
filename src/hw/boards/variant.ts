/**
 * Board variants for sweeps and what-ifs, derived from a preset with an immer recipe (the preset
 * is never mutated) and validated like a board file:
 *   boardVariant("5A", (b) => { b.cpu.clockHz = 200_000_000; })
 */
import { produce, type Draft } from "immer";
import { parseBoard } from "./load.ts";
import { PRESETS } from "./presets.ts";
import type { BoardInput, BoardSpec } from "./schema.ts";

/** A preset changed by an immer `recipe` (the preset is never mutated), validated like a board file; throws one line if the result is invalid. */
export function boardVariant(preset: string, recipe: (draft: Draft<BoardInput>) => void): BoardSpec {
  const base = PRESETS[preset.toUpperCase()];
  if (!base) throw new Error(`unknown board preset "${preset}"`);
  const input = produce(base, recipe);
  const r = parseBoard(input, `variant of ${preset}`);
  if (!r.ok) throw new Error(r.error);
  return r.board;
}
