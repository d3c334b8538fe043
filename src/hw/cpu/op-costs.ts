/**
 * What each firmware operation costs the R4700, as data: the instructions it executes beyond the
 * loads and stores the firmware records explicitly (each of those counts one instruction and goes
 * through the data-cache model). docs/hardware.md ("R4700 calibration") shows the forwarding
 * path's total against the Cisco 3640 fast-switching budget of docs/hardware.md §10.4 (1,400-2,000
 * cycles per packet at 100 MHz).
 *
 * All counts here are still the hand-written assumptions; `npm run op-costs` (scripts/op-costs.ts)
 * regenerates this file from the instruction-level R4700's measurements of the C per-frame job
 * (firmware/build/switchpath.elf), marking each row `source: "measured"` or, for ops with no C yet,
 * `"assumption"` (docs/hardware.md, "The op table, measured"). Not regenerated yet: the measured
 * counts move every board's results and the golden, to be re-recorded together.
 */
export interface OpCost {
  instructions: number;
  why: string;
  source: "measured" | "assumption";
  /** Measured rows: the loads and stores the C executes per call of the op. */
  accesses?: number;
}

export const OP_COSTS = {
  interruptEntry: { instructions: 120, source: "assumption", why: "exception vector, save ~30 GPRs + CP0 state, read cause and dispatch" },
  interruptExit: { instructions: 80, source: "assumption", why: "restore registers, eret, re-enable the controller's interrupt" },
  descriptorRead: { instructions: 60, source: "assumption", why: "read the GT-48002 CPU-buffer header word, length, source port, ring index" },
  headerParse: { instructions: 90, source: "assumption", why: "Ethernet/VLAN/IPv4 header checks and L4 port extraction for the flow key" },
  flowHash: { instructions: 40, source: "assumption", why: "5-tuple hash (shifts and xors; no multiply)" },
  flowLookup: { instructions: 70, source: "assumption", why: "bucket walk and key compare in the flow table" },
  flowInsert: { instructions: 110, source: "assumption", why: "allocate an entry, write key, server and timestamp, link into bucket" },
  schedule: { instructions: 150, source: "assumption", why: "load-balancing decision: scan server states and loads (up to a few dozen servers)" },
  macRewrite: { instructions: 12, source: "assumption", why: "write 6 bytes of destination MAC into the frame buffer" },
  handBack: { instructions: 180, source: "assumption", why: "build the GalNet BUFFER_REQUEST on the source's behalf and post it to the controller" },
  arpReply: { instructions: 220, source: "assumption", why: "build an ARP reply frame in a CPU buffer and queue it for transmit" },
  checksumUpdate: { instructions: 25, source: "assumption", why: "RFC 1624 incremental update of one 16-bit checksum (prior-art NAT)" },
  addressRewrite: { instructions: 20, source: "assumption", why: "rewrite one IPv4 address field (prior-art NAT)" },
  healthProbe: { instructions: 400, source: "assumption", why: "build and send one probe, arm its timeout, update the server's state" },
  balanceRound: { instructions: 600, source: "assumption", why: "the periodic load-balancing routine: read counters for each server and pick the optimum" },
  timerTick: { instructions: 50, source: "assumption", why: "timer interrupt bookkeeping" },
  bufferManage: { instructions: 200, source: "assumption", why: "return the CPU buffer to the controller's free list, advance ring indices, re-arm the descriptor" },
  countersUpdate: { instructions: 60, source: "assumption", why: "per-cluster, per-server and per-flow packet and byte counters" },
  camLookup: { instructions: 12, source: "assumption", why: "write the key to the CAM's registers and read the match address (Fig 5C)" },
  arpProcess: { instructions: 140, source: "assumption", why: "ARP checks: opcode, target IP against the virtual IPs and router pools, spoof rules" },
  cacheFlush: { instructions: 16, source: "assumption", why: "CACHE Hit_Writeback for the rewritten header lines before the frame is sent from memory" },
  // last, so that the code of the ops before it keeps its place in the I-cache
  camWrite: { instructions: 12, source: "assumption", why: "write the key and the entry's address to the CAM's registers and issue a write (or clear) cycle (Fig 5C): the CAM is kept in step with the flow table" },
} as const satisfies Record<string, OpCost>;

export type OpName = keyof typeof OP_COSTS;

/** Dense op ids for the allocation-free cost trace. */
export const OP_NAMES = Object.keys(OP_COSTS) as OpName[];
export const OP_ID: Record<OpName, number> = Object.fromEntries(OP_NAMES.map((n, i) => [n, i])) as Record<OpName, number>;
export const OP_INSTRUCTIONS = Int32Array.from(OP_NAMES.map((n) => OP_COSTS[n].instructions));
