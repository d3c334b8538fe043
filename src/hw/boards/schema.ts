/**
 * A board is data: which components, how many, their parameters, and how they connect. This is
 * its schema (zod), used to validate presets and users' board files; every mistake is reported
 * as one line naming the field and what was expected. Units are in the field names (Hz, Mbps,
 * Bytes, Ps, Clocks). Omitted parameters take the component's documented default.
 */
import { z } from "zod";
import { issueLine } from "./issue-line.ts";

const int = (min = 0) => z.number().int().min(min);
const pow2 = z.number().int().positive().refine((x) => (x & (x - 1)) === 0, "expected a power of two");

export const CacheSchema = z.strictObject({ sizeBytes: pow2, ways: pow2, lineBytes: pow2 }).partial();

export const CpuSchema = z
  .strictObject({
    model: z.literal("R4700"),
    /**
     * How the CPU's work is costed (docs/hardware.md): "trace" (default) replays each job's op-table
     * trace; "isa" runs the whole C frame job (firmware/build/switchpath.elf, interrupt to ERET)
     * on the instruction-level R4700 and replays what it fetched, loaded, stored and read or wrote
     * over PCI through the board's caches, memories and bus (control-plane jobs stay op-table
     * items). `model` names the part.
     */
    execution: z.enum(["trace", "isa"]),
    clockHz: z.number().int().min(80_000_000).max(200_000_000),
    baseCpi: z.number().positive(),
    stallCpi: z.number().min(0),
    dcache: CacheSchema,
    icache: CacheSchema,
    jobQueue: int(1),
  })
  .partial()
  .required({ model: true });

export const DramSchema = z
  .strictObject({
    sizeBytes: int(1),
    tclkHz: int(1_000_000),
    widthBytes: z.union([z.literal(4), z.literal(8), z.literal(16)]),
    firstAccessClocks: int(1),
    burstClocks: int(1),
    requestOverheadClocks: int(0),
    queueDepth: int(1),
    arbitration: z.enum(["fcfs", "round-robin"]),
    maxBurstBytes: int(4),
    pagePolicy: z.enum(["closed", "open"]),
    pageBytes: int(32),
    banks: int(1),
    pageHitClocks: int(1),
    prechargeClocks: int(0),
    refreshIntervalClocks: int(0),
    refreshClocks: int(1),
  })
  .partial();

/** The 4 MB fast SRAM of Fig 5C: flow and server tables and CPU packet buffers live in it. */
export const FsramSchema = z.strictObject({
  sizeBytes: int(1),
  firstAccessClocks: int(1),
  burstClocks: int(1),
});

/** The optional content-addressable memory of Fig 5C for the flow-table look-up. */
export const CamSchema = z.strictObject({ entries: int(1), lookupPs: int(1) });

/** The most GT-48002 controllers a board may have in all (64 ports; the controllers study goes to 32): a board of 50,000 never finished building. parseBoard checks the total. */
export const MAX_CONTROLLERS = 32;

export const CardSchema = z.strictObject({
  name: z.string().min(1),
  /** GT-48002 controllers on the card (1 on a general-purpose card, several on 5B/5C's network card). */
  controllers: int(1).max(MAX_CONTROLLERS),
  portsPerController: z.literal(2).default(2),
  portMbps: z.union([z.literal(10), z.literal(100), z.literal(1000)]).default(100),
  bufferBytes: int(1).default(1_048_576),
  /** On 5F: "ethernet" cards carry outbound traffic, "circuit" cards translate inbound frames in their ASIC. */
  role: z.enum(["ethernet", "circuit"]).default("ethernet"),
});

export const InterconnectSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("pci"),
    /** "external" backplane bus (5A, 5E) or the network card's "onboard" bus (5B, 5C). */
    placement: z.enum(["external", "onboard"]),
    /** PCI 2.1 defines 33 and 66 MHz operation (docs/hardware.md §4): a faster bus is not PCI. */
    clockHz: int(1_000_000).max(66_666_667),
    widthBits: z.union([z.literal(32), z.literal(64)]),
  }),
  z.strictObject({
    kind: z.literal("buffer-memory-arbiter"),
    clockHz: int(1_000_000),
    widthBits: z.number().int().positive().multipleOf(8),
    firstAccessClocks: int(1).optional(),
    burstClocks: int(1).optional(),
    overheadClocks: int(0).optional(),
  }),
  z.strictObject({
    kind: z.literal("crossbar"),
    portMbps: int(1),
    cellBytes: int(1),
    connectPs: int(0),
  }),
]);

export const TranslatorSchema = z.discriminatedUnion("kind", [
  /** Fig 5E: a CPLD on the CPU board rewrites inbound destination MACs from a flow table in dual-port SRAM (the CPU fills it). */
  z.strictObject({
    kind: z.literal("cpld"), clockHz: int(1_000_000), lookupClocks: int(1), dpsramAccessPs: int(1),
    /** The dual-port SRAM's size and data width (default 256 KB, 4 bytes: four IDT7008 64K x 8 side by side). */
    dpsramBytes: int(64).optional(), dpsramWidthBytes: z.union([z.literal(1), z.literal(2), z.literal(4), z.literal(8)]).optional(),
  }),
  /** Fig 5F: each circuit card's ASIC looks frames up in its card's look-up table (the management CPUs fill it over the crossbar). */
  z.strictObject({ kind: z.literal("asic"), lookupPs: int(1), tableEntries: int(4).optional() }),
]);

/** The board file's schema (zod): presets and users' files are validated against it; its JSON Schema is schema/board.schema.json. */
export const BoardSchema = z.strictObject({
  name: z.string().min(1),
  figure: z.string().optional(),
  description: z.string(),
  /** Management processors: one CPU board, or the two management processor cards of 5F. */
  cpus: z.number().int().min(1).max(2).default(1),
  cpu: CpuSchema,
  dram: DramSchema.default({}),
  fsram: FsramSchema.optional(),
  cam: CamSchema.optional(),
  cards: z.array(CardSchema).min(1).max(MAX_CONTROLLERS),
  interconnect: InterconnectSchema,
  translator: TranslatorSchema.optional(),
  /**
   * The timing model the board is built with (docs/performance.md "Transaction-level mode (tlm)"):
   * "cycle" (default, the reference) models every bus tenure, burst and stall; "tlm" is the
   * transaction-level mode (a GalNet transfer one reservation on a shared bus, a CPU job one
   * event). Like `cpu.execution`, a way of running the board, not part of it: a preset's copy that
   * sets it is the preset. Records of tlm runs carry `timing: "tlm"`, and their labels "(tlm)".
   */
  timing: z.enum(["cycle", "tlm"]).optional(),
});

/** A validated board, every default filled in: what the models build from. */
export type BoardSpec = z.infer<typeof BoardSchema>;
/** A board as written in a file or a preset: defaults may be left out. */
export type BoardInput = z.input<typeof BoardSchema>;

/** One line for the first problem: `cards[2].portMbps: expected 10, 100 or 1000 (got 25)` (issue-line.ts). */
export function formatBoardError(err: z.ZodError, source: string, input?: unknown): string {
  return issueLine(err.issues, source, input);
}
