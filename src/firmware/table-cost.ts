/**
 * What the flow table costs the CPU (both firmwares, for a fair comparison): each entry is
 * FLOW_ENTRY_BYTES at `base + slot x FLOW_ENTRY_BYTES` (DRAM from 4 MiB, or 5C's FSRAM), and a
 * lookup, an insert or a sweep step loads every entry it visits and stores every entry it
 * writes (FlowTable's `probeStart`/`probes` and `storedSlots`). The loads and stores go through
 * the R4700's data-cache model; each counts one instruction (op-costs.ts).
 */
import type { CostTrace } from "../hw/cpu/cost-trace.ts";
import type { FlowTable } from "./flow-table.ts";

/** Bytes per entry: key (13), server, cluster, generation, flags, last seen, timeout, rounded to a cache line. */
export const FLOW_ENTRY_BYTES = 32;
/** Where the table lives in the CPU board's DRAM (the upper half of Fig 5A's 8 MB). */
export const DRAM_TABLE_BASE = 0x0040_0000;

/** Charges a load of each of `n` entries from slot `start` (wrapping). */
export function chargeEntryLoads(cost: CostTrace, flows: FlowTable, base: number, start: number, n: number): void {
  const slots = flows.slots;
  for (let i = 0; i < n; i++) cost.load(base + ((start + i) % slots) * FLOW_ENTRY_BYTES, FLOW_ENTRY_BYTES);
}

/** Charges a store of each entry the table's last call wrote (beyond its log, to the last one logged). */
export function chargeEntryStores(cost: CostTrace, flows: FlowTable, base: number): void {
  const n = flows.stored, logged = Math.min(n, flows.storedSlots.length);
  for (let i = 0; i < n; i++) cost.store(base + flows.storedSlots[Math.min(i, logged - 1)]! * FLOW_ENTRY_BYTES, FLOW_ENTRY_BYTES);
}
