/**
 * The six boards of WO 99/33227 Figs 5A-5F, written as data in the board schema. Copy one into a
 * JSON file (`flowsim boards show 5A > my.json`), change it, and run it with `--board my.json`.
 * Every number left open by the patent is an assumption stated in docs/boards.md.
 */
import type { BoardInput } from "./schema.ts";

const cpuBoard = { model: "R4700" as const, clockHz: 133_000_000 };
const gpCards = ["card510", "card520", "card530", "card540"].map((name) => ({ name, controllers: 1 }));

/** The boards of Figs 5A-5F and their labelled variants (5B-66, 5C-66, 5C-CAM), by name, as board-file input (docs/boards.md). */
export const PRESETS: Record<string, BoardInput> = {
  "5A": {
    name: "5A",
    figure: "Fig. 5A",
    description: "general-purpose CPU board (R4700, GT-64010, 8 MB DRAM) and four GT-48002 Ethernet cards on one 33 MHz PCI bus",
    cpu: cpuBoard,
    dram: { sizeBytes: 8 * 1024 * 1024 },
    cards: gpCards,
    interconnect: { kind: "pci", placement: "external", clockHz: 33_333_333, widthBits: 32 },
  },
  "5B": {
    name: "5B",
    figure: "Fig. 5B",
    description: "the four cards replaced by one network card whose four GT-48002s share an on-board PCI bus (32-bit, 33 MHz: the GT-64010's PCI)",
    cpu: cpuBoard,
    dram: { sizeBytes: 8 * 1024 * 1024 },
    cards: [{ name: "card560", controllers: 4 }],
    interconnect: { kind: "pci", placement: "onboard", clockHz: 33_333_333, widthBits: 32 },
  },
  "5C": {
    name: "5C",
    figure: "Fig. 5C",
    description: "5B with a CPU board that adds 4 MB fast SRAM, holding the flow tables and the CPU's packet buffers (the CAM and fast PLDs the patent says could be added: variant 5C-CAM)",
    cpu: cpuBoard,
    dram: { sizeBytes: 8 * 1024 * 1024 },
    fsram: { sizeBytes: 4 * 1024 * 1024, firstAccessClocks: 2, burstClocks: 1 },
    cards: [{ name: "card560", controllers: 4 }],
    interconnect: { kind: "pci", placement: "onboard", clockHz: 33_333_333, widthBits: 32 },
  },
  "5D": {
    name: "5D",
    figure: "Fig. 5D",
    description: "one board: 5C's parts with the on-board PCI bus replaced by a buffer memory arbiter (128-bit, 66 MHz shared buffer)",
    cpu: cpuBoard,
    dram: { sizeBytes: 8 * 1024 * 1024 },
    fsram: { sizeBytes: 4 * 1024 * 1024, firstAccessClocks: 2, burstClocks: 1 },
    cards: [{ name: "board570", controllers: 4 }],
    interconnect: { kind: "buffer-memory-arbiter", clockHz: 66_000_000, widthBits: 128 },
  },
  "5E": {
    name: "5E",
    figure: "Fig. 5E",
    description: "5A plus a CPLD and dual-port SRAM on the CPU board: the CPLD rewrites inbound destination MACs, the CPU only manages",
    cpu: cpuBoard,
    dram: { sizeBytes: 8 * 1024 * 1024 },
    cards: gpCards,
    interconnect: { kind: "pci", placement: "external", clockHz: 33_333_333, widthBits: 32 },
    translator: { kind: "cpld", clockHz: 50_000_000, lookupClocks: 4, dpsramAccessPs: 20_000 },
  },
  "5F": {
    name: "5F",
    figure: "Fig. 5F",
    description: "a crossbar joining two management processor cards, two Ethernet cards (outbound) and two circuit cards whose ASICs translate inbound frames",
    cpus: 2,
    cpu: cpuBoard,
    dram: { sizeBytes: 8 * 1024 * 1024 },
    cards: [
      { name: "card582", controllers: 1, role: "ethernet" },
      { name: "card584", controllers: 1, role: "ethernet" },
      { name: "card586", controllers: 1, role: "circuit" },
      { name: "card588", controllers: 1, role: "circuit" },
    ],
    interconnect: { kind: "crossbar", portMbps: 1000, cellBytes: 64, connectPs: 100_000 },
    translator: { kind: "asic", lookupPs: 20_000 },
  },
};

/** The six figures (the main comparison's boards); PRESETS also holds labelled variants. */
export const PRESET_NAMES = ["5A", "5B", "5C", "5D", "5E", "5F"];

/**
 * Variants, not in the patent, that show what a part the patent leaves open would buy: each says
 * so in its description. `compare --boards 5B,5B-66` runs a figure beside its variant.
 */
export const VARIANTS: Record<string, BoardInput> = {
  "5B-66": {
    ...PRESETS["5B"]!, name: "5B-66", figure: "Fig. 5B, variant",
    description: "variant (assumption, not in the patent): 5B with its on-board PCI bus at 66 MHz (PCI 2.1's 66 MHz mode; the GT-64010 is a 33 MHz part)",
    interconnect: { kind: "pci", placement: "onboard", clockHz: 66_666_667, widthBits: 32 },
  },
  "5C-66": {
    ...PRESETS["5C"]!, name: "5C-66", figure: "Fig. 5C, variant",
    description: "variant (assumption, not in the patent): 5C with its on-board PCI bus at 66 MHz",
    interconnect: { kind: "pci", placement: "onboard", clockHz: 66_666_667, widthBits: 32 },
  },
  "5C-CAM": {
    ...PRESETS["5C"]!, name: "5C-CAM", figure: "Fig. 5C, option",
    description: "5C with the content-addressable memory the patent says could be added: flow look-ups in the CAM (16,384 entries, 70 ns)",
    cam: { entries: 16_384, lookupPs: 70_000 },
  },
};
Object.assign(PRESETS, VARIANTS);
