/**
 * Analytic bottleneck bounds for a board under a workload, computed from the board's parameters
 * (docs/results-format.md "Bounds"), to print beside a simulated saturation point:
 *   - ports: each router port carries at most its line rate of inbound frame bits (preamble and
 *     IFG excluded: rate x mean / (mean + 20)), each server port likewise outbound;
 *   - CPU (boards without a translator): inbound frames/s <= clock / cycles per frame, where the
 *     cycles are the fast path's instructions x CPI plus its cache-line misses (3) at the DRAM's
 *     line-fill time and one uncached register read over PCI;
 *   - PCI: inbound frames cross twice (to the CPU or 5E's CPLD and back), outbound once (routers
 *     and servers sit on different cards): clocks per frame from the GalNet formula (§10.2);
 *   - buffer memory arbiter: each crossing is one write and one read of the frame.
 * The bound is the load at which the first of these saturates, converted to Mb/s of inbound and
 * outbound frame bits. It ignores queueing, so simulation lands at or below it.
 */
import type { BoardSpec } from "../hw/boards/schema.ts";
import { DEFAULT_DRAM } from "../hw/gt64010/dram.ts";
import { OP_COSTS } from "../hw/cpu/op-costs.ts";
import { IMIX_MEAN_BYTES } from "../traffic/imix.ts";

const FAST_PATH_OPS = ["interruptEntry", "descriptorRead", "headerParse", "flowHash", "flowLookup", "macRewrite", "countersUpdate", "cacheFlush", "handBack", "bufferManage", "interruptExit"] as const;

export interface Bound {
  /** The largest load factor the limiting resource allows. */
  load: number;
  resource: string;
  inboundMbps: number;
  outboundMbps: number;
  perResource: Record<string, number>;
}

export function analyticBound(spec: BoardSpec, inboundBpsPerRouter: number, outboundBpsPerServer: number): Bound {
  const mean = IMIX_MEAN_BYTES; // bytes with FCS
  const frameBits = mean * 8;
  const inFps1 = (4 * inboundBpsPerRouter) / frameBits; // inbound frames/s at load 1
  const outFps1 = (4 * outboundBpsPerServer) / frameBits;
  const limits: Record<string, number> = {};
  const rate = spec.cards[0]!.portMbps * 1e6;
  limits["router ports"] = (rate * (mean / (mean + 20))) / inboundBpsPerRouter;
  limits["server ports"] = (rate * (mean / (mean + 20))) / outboundBpsPerServer;
  if (!spec.translator) {
    const instr = FAST_PATH_OPS.reduce((s, op) => s + OP_COSTS[op].instructions, 0) + 12; // + the recorded loads/stores
    const cpi = 1.25;
    const dram = { ...DEFAULT_DRAM, ...spec.dram };
    const lineFillNs = ((dram.requestOverheadClocks + dram.firstAccessClocks + 3 * dram.burstClocks) / dram.tclkHz) * 1e9;
    const clock = spec.cpu.clockHz ?? 133e6;
    const cycles = instr * cpi + 3 * (lineFillNs * 1e-9 * clock) + 0.6e-6 * clock; // + ~0.6 us uncached read (PCI)
    limits["cpu"] = clock / cycles / inFps1;
  }
  const ic = spec.interconnect;
  const bytes = mean - 4;
  if (ic.kind === "pci") {
    const bursts = Math.ceil(bytes / 32);
    const clocks = 3 * 4 + bursts * 11; // §10.2, medium DEVSEL
    // inbound crosses twice (to the CPU or the CPLD and back); outbound once (servers' cards to routers' cards)
    limits["pci"] = ic.clockHz / clocks / (2 * inFps1 + outFps1);
  } else if (ic.kind === "buffer-memory-arbiter") {
    const beats = Math.ceil(bytes / (ic.widthBits / 8));
    const clocks = 2 * ((ic.overheadClocks ?? 1) + (ic.firstAccessClocks ?? 3) + (beats - 1) * (ic.burstClocks ?? 1));
    limits["buffer memory arbiter"] = ic.clockHz / clocks / (2 * inFps1 + outFps1);
  }
  let resource = "", load = Infinity;
  for (const [k, v] of Object.entries(limits)) if (v < load) (load = v), (resource = k);
  return { load, resource, inboundMbps: (load * 4 * inboundBpsPerRouter) / 1e6, outboundMbps: (load * 4 * outboundBpsPerServer) / 1e6, perResource: limits };
}
