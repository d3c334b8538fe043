/**
 * What the flow table costs the CPU (both firmwares, so they are compared fairly). The table the
 * firmware keeps in memory is laid out as the C path's (firmware/c/switch/switch.h `struct
 * flow_table`, one memory, one layout), struct-of-arrays in two parts: an entry of
 * FLOW_ENTRY_BYTES per slot at `base + slot x 24` (source, destination, ports, protocol: the key's
 * 13 bytes; state, flags, the idle timeout as an index of the configured timeouts; server,
 * cluster: 2 bytes each; generation: 4), and a packed array of EXPIRY_BYTES per slot after them
 * (when the entry expires, last seen + its idle timeout in picoseconds: 8, since a 32-bit count
 * of coarser ticks could not expire an entry at the picosecond the reference model does; 0 in an
 * empty slot), so that the sweep reads 4 slots per 32-byte cache line instead of one, and
 * refreshing a flow writes one word. At the default 65,536 flows (131,072 slots) the table takes
 * 4 MiB: the upper half of Fig 5A's 8 MB DRAM from 4 MiB, or 5C's FSRAM from its table base as
 * far as it reaches.
 *
 * A lookup loads every entry it visits and the expiry word of the one it finds; an insert the
 * entries and expiry words on its way; a sweep step the expiry words it examines; every slot a
 * call writes (inserted, reclaimed, moved back by a deletion) is a store of its entry and its
 * expiry word; each entry a deletion reads to recompute its home slot is a load and a
 * `flowHash`; a refresh a store of the expiry word; a change of flags (and timeout) a store of the
 * entry's flags word (and the expiry word); a re-pointed entry a store of its server, cluster
 * and generation. The loads and stores go through the R4700's
 * data-cache model; each counts one instruction (op-costs.ts).
 */
import type { CostTrace } from "../hw/cpu/cost-trace.ts";
import type { FlowTable } from "./flow-table.ts";
import { IMAGE_MAP } from "../hw/cpu/op-costs.ts";

export const FLOW_ENTRY_BYTES = 24;
export const EXPIRY_BYTES = 8;
/** Offsets in an entry (switch.h `struct flow_entry`): the word of protocol, state, flags and timeout index; server, cluster and generation. */
const ENTRY_FLAGS_WORD = 12, ENTRY_TARGET = 16;
/** Where the table lives in the CPU board's DRAM: where switchpath.elf's linker map puts the C's (op-costs.ts IMAGE_MAP, regenerated with the image). */
export const DRAM_TABLE_BASE = IMAGE_MAP.flows;

/** Where cluster `c`'s Maglev table entry `i` (2 bytes) lies in DRAM: the image's `maglev`. */
export function maglevAddress(c: number, i: number): number {
  return IMAGE_MAP.maglev + c * IMAGE_MAP.maglevClusterBytes + 2 * i;
}

/** Bytes of the laid-out table for `flows` flows (2 x flows slots of an entry and an expiry word). */
export function flowTableBytes(flows: number): number {
  return 2 * flows * (FLOW_ENTRY_BYTES + EXPIRY_BYTES);
}

export class TableCost {
  constructor(private readonly flows: FlowTable, readonly base: number) {}

  private entry(slot: number): number {
    return this.base + slot * FLOW_ENTRY_BYTES;
  }

  private expiry(slot: number): number {
    return this.base + this.flows.slots * FLOW_ENTRY_BYTES + slot * EXPIRY_BYTES;
  }

  /** The last `find`: the entries it visited, the expiry word of the one it found, what it wrote. */
  lookup(cost: CostTrace, found: number): void {
    const f = this.flows, slots = f.slots;
    for (let i = 0; i < f.probes; i++) cost.load(this.entry((f.probeStart + i) % slots), FLOW_ENTRY_BYTES);
    this.found(cost, found);
  }

  /** The last `find` when something else (5C's CAM) located the entry: its expiry word, and what the find wrote. */
  found(cost: CostTrace, found: number): void {
    if (found >= 0) cost.load(this.expiry(found), EXPIRY_BYTES);
    this.stores(cost);
  }

  /** The last `insert`: the entries and expiry words on its way, what it wrote. */
  insert(cost: CostTrace): void {
    const f = this.flows, slots = f.slots;
    for (let i = 0; i < f.probes; i++) {
      const s = (f.probeStart + i) % slots;
      cost.load(this.entry(s), FLOW_ENTRY_BYTES);
      cost.load(this.expiry(s), EXPIRY_BYTES);
    }
    this.stores(cost);
  }

  /** A sweep step of `n` slots from `start`: their expiry words, and what it reclaimed. */
  sweep(cost: CostTrace, start: number, n: number): void {
    const slots = this.flows.slots;
    for (let i = 0; i < n; i++) cost.load(this.expiry((start + i) % slots), EXPIRY_BYTES);
    this.stores(cost);
  }

  /** A flow refreshed: its expiry word. */
  touch(cost: CostTrace, slot: number): void {
    cost.store(this.expiry(slot), EXPIRY_BYTES);
  }

  /** An entry's flags changed (SYN-only cleared, closing), and with `retimed` its idle timeout: the word holding protocol, state, flags and the timeout's index, and the expiry word. */
  flagged(cost: CostTrace, slot: number, retimed: boolean): void {
    cost.store(this.entry(slot) + ENTRY_FLAGS_WORD, 4);
    if (retimed) cost.store(this.expiry(slot), EXPIRY_BYTES);
  }

  /** An entry re-pointed (a datagram's first fragment again): its server, cluster and generation. */
  repointed(cost: CostTrace, slot: number): void {
    cost.store(this.entry(slot) + ENTRY_TARGET, 8);
  }

  /**
   * What the table's last call did beyond its visits: every entry a deletion read and hashed
   * again (a load and a `flowHash` each), and every slot it wrote (beyond a log's end, charged
   * to the last slot logged).
   */
  stores(cost: CostTrace): void {
    const f = this.flows;
    const r = f.rehashed, rl = Math.min(r, f.rehashedSlots.length);
    for (let i = 0; i < r; i++) {
      cost.load(this.entry(f.rehashedSlots[Math.min(i, rl - 1)]!), FLOW_ENTRY_BYTES);
      cost.op("flowHash");
    }
    const n = f.stored, logged = Math.min(n, f.storedSlots.length);
    for (let i = 0; i < n; i++) {
      const s = f.storedSlots[Math.min(i, logged - 1)]!;
      cost.store(this.entry(s), FLOW_ENTRY_BYTES);
      cost.store(this.expiry(s), EXPIRY_BYTES);
    }
  }
}
