/**
 * Loading a board: a preset name ("5A") or a JSON file path, validated against the schema. Errors
 * come back as one line naming the file (or preset), the field and what was expected.
 */
import { readRegularFile } from "../../sim/input-file.ts";
import { PRESETS } from "./presets.ts";
import { BoardSchema, formatBoardError, MAX_CONTROLLERS, type BoardSpec } from "./schema.ts";
import { DEFAULT_FLOW_TABLE_SIZE } from "../../firmware/config.ts";
import { DRAM_TABLE_BASE, flowTableBytes } from "../../firmware/table-cost.ts";
import { IMAGE_MAP } from "../cpu/op-costs.ts";

/**
 * The DRAM a board with Fig 5C's FSRAM needs (the flow table and packet buffers in the FSRAM): the
 * firmware's code and data, 4 MiB as before the one memory map (assumption: switchpath.elf's own
 * layout reserves its flow table in DRAM, 4 MiB that such a board leaves unused; a firmware linked
 * for it would put its stack and Maglev tables below 4 MiB).
 */
export const FSRAM_BOARD_DRAM = 0x0040_0000;

/** A board, or one line saying what is wrong with it. */
export type BoardLoad = { ok: true; board: BoardSpec } | { ok: false; error: string };

/** Validates board-file input (`source` names it in errors): the schema, then unique card names. */
export function parseBoard(input: unknown, source: string): BoardLoad {
  // a board file may name its JSON Schema for editors ("$schema": ".../board.schema.json")
  const { $schema: _, ...rest } = input !== null && typeof input === "object" && !Array.isArray(input) ? (input as Record<string, unknown>) : { $schema: undefined };
  const r = BoardSchema.safeParse(input !== null && typeof input === "object" && !Array.isArray(input) ? rest : input);
  if (!r.success) return { ok: false, error: formatBoardError(r.error, source, input) };
  const controllers = r.data.cards.reduce((n, c) => n + c.controllers, 0);
  if (controllers > MAX_CONTROLLERS) return { ok: false, error: `${source}: cards: ${controllers} GT-48002 controllers in all, more than ${MAX_CONTROLLERS} (${2 * MAX_CONTROLLERS} ports), the most a board may have` };
  // Fig 5F's ASICs sit on circuit cards behind the crossbar; a PCI or arbiter board has no place for them
  if (r.data.translator?.kind === "asic" && r.data.interconnect.kind !== "crossbar") return { ok: false, error: `${source}: translator: an ASIC translator needs the crossbar interconnect of Fig 5F (got ${r.data.interconnect.kind})` };
  // the DRAM holds what the firmware's memory map puts there: without Fig 5C's FSRAM,
  // switchpath.elf's code, data, flow table (at its default size, from DRAM_TABLE_BASE), the packet
  // buffers and the stack, to IMAGE_MAP.stackTop; with it (the table and the packet buffers in the
  // FSRAM) the code and data, below FSRAM_BOARD_DRAM
  const dramBytes = r.data.dram?.sizeBytes;
  const dramNeeds = r.data.fsram ? FSRAM_BOARD_DRAM : Math.max(IMAGE_MAP.stackTop, DRAM_TABLE_BASE + flowTableBytes(DEFAULT_FLOW_TABLE_SIZE));
  if (dramBytes !== undefined && dramBytes < dramNeeds) return { ok: false, error: `${source}: dram.sizeBytes: ${dramBytes} bytes cannot hold the firmware's memory map (at least ${dramNeeds}: ${r.data.fsram ? "code and data, the flow table and packet buffers being in the FSRAM" : `code, data, the ${DEFAULT_FLOW_TABLE_SIZE}-flow table from ${DRAM_TABLE_BASE}, packet buffers and stack below ${IMAGE_MAP.stackTop}`}; docs/boards.md)` };
  // cards are told apart by name (statistics, traces): two of one name would merge
  const seen = new Map<string, number>();
  for (const [i, c] of r.data.cards.entries()) {
    const first = seen.get(c.name);
    if (first !== undefined) return { ok: false, error: `${source}: cards[${i}].name: "${c.name}" is also cards[${first}]'s name; card names must differ` };
    seen.set(c.name, i);
  }
  return { ok: true, board: r.data };
}

/** The CPU model every loaded board takes (the CLI's --cpu-model), over its file's `cpu.execution`; undefined: the file's. */
let cpuExecution: "trace" | "isa" | undefined;

export function setCpuExecution(m: "trace" | "isa" | undefined): void {
  cpuExecution = m;
}

/** `board` with the CLI's --cpu-model, if given (boards built by other means than loadBoard: the controllers study's variants). */
export function withCpuExecution(board: BoardSpec): BoardSpec {
  return cpuExecution !== undefined ? { ...board, cpu: { ...board.cpu, execution: cpuExecution } } : board;
}

/** The timing model every loaded board takes (the CLI's --timing), over its file's `timing`; undefined: the file's. */
let timing: "cycle" | "tlm" | undefined;

export function setTiming(t: "cycle" | "tlm" | undefined): void {
  timing = t;
}

/**
 * `board` with timing model `t` if given (a scenario's `timing` option), else the CLI's --timing if
 * given (boards built by other means than loadBoard: the controllers study's variants, a study's
 * points). "cycle" is the default: a board set to it carries no `timing` field, so cycle-mode
 * boards, and their records, are byte-identical to boards that never named a timing model.
 */
export function withTiming(board: BoardSpec, t: "cycle" | "tlm" | undefined = timing): BoardSpec {
  if (t === undefined) return board;
  const { timing: _, ...rest } = board;
  return t === "tlm" ? { ...rest, timing: "tlm" } : rest;
}

/** A preset by name, or a board file by path (with the CLI's --cpu-model and --timing, or the scenario's `timing`, if given). */
export function loadBoard(nameOrPath: string, timingOption?: "cycle" | "tlm"): BoardLoad {
  const r = loadBoardAsIs(nameOrPath);
  return r.ok ? { ok: true, board: withTiming(withCpuExecution(r.board), timingOption ?? timing) } : r;
}

function loadBoardAsIs(nameOrPath: string): BoardLoad {
  const preset = PRESETS[nameOrPath.toUpperCase()];
  if (preset) return parseBoard(preset, `board ${nameOrPath.toUpperCase()}`);
  if (!/[./\\]/.test(nameOrPath)) {
    return { ok: false, error: `unknown board "${nameOrPath}": expected one of ${Object.keys(PRESETS).join(", ")} or a path to a board JSON file` };
  }
  let text: string;
  try {
    text = readRegularFile(nameOrPath, "utf8");
  } catch (e) {
    return { ok: false, error: `cannot read board file ${nameOrPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `${nameOrPath}: not valid JSON: ${(e as Error).message}` };
  }
  const r = parseBoard(json, nameOrPath);
  // a user board named like a preset would write over the preset's pcap and VCD files and pass for it in results
  const shadowed = r.ok ? PRESETS[r.board.name.toUpperCase()] : undefined;
  if (r.ok && shadowed) {
    const p = parseBoard(shadowed, nameOrPath);
    // the CPU and timing models are not the board: a preset's copy with cpu.execution or timing set is the preset (its records say the models: cpuModel, timing)
    const asBoard = (b: BoardSpec) => JSON.stringify({ ...b, cpu: { ...b.cpu, execution: undefined }, timing: undefined });
    if (!p.ok || asBoard(p.board) !== asBoard(r.board)) return { ok: false, error: `${nameOrPath}: name: "${r.board.name}" is a preset's name and the board differs from it; give the board a name of its own` };
  }
  return r;
}
