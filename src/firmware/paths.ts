/**
 * The firmware's per-frame paths, by number, for per-path CPU accounting (cycles, instructions and
 * jobs per path: docs/results-format.md `cpu.paths`). The firmware sets `lastPath` as it decides;
 * the CPU board adds one path of its own for control-plane jobs (timers).
 */
export const FW_PATHS = ["established", "newFlow", "arp", "probeAnswer", "redirect", "other"] as const;
export type FwPath = (typeof FW_PATHS)[number];
export const PATH = Object.fromEntries(FW_PATHS.map((n, i) => [n, i])) as Record<FwPath, number>;
