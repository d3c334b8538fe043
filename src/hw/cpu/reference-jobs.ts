/**
 * The CPU fast path that forwards one intervened frame, written as the cost trace the firmware
 * records, for calibrating the R4700 model against the Cisco 3640's fast-switching figures
 * (docs/hardware.md §10.4; docs/hardware.md "R4700 against the Cisco 3640"). Memory layout (byte addresses in
 * the CPU's DRAM): a ring of packet buffers and a flow table larger than the caches.
 */
import type { CostTrace } from "./cost-trace.ts";

export const PACKET_BUFFER_BASE = 0x0010_0000;
export const PACKET_BUFFER_BYTES = 2048;
export const PACKET_BUFFERS = 256;
export const FLOW_TABLE_BASE = 0x0040_0000;
export const FLOW_ENTRY_BYTES = 32;

/** Records forwarding frame `n` of flow `flow` (interrupt entry and exit are added by the CPU). */
export function recordForwardPath(t: CostTrace, n: number, flow: number): void {
  const buf = PACKET_BUFFER_BASE + (n % PACKET_BUFFERS) * PACKET_BUFFER_BYTES;
  const entry = FLOW_TABLE_BASE + flow * FLOW_ENTRY_BYTES;
  t.uncachedRead(4); // the controller's interrupt cause register
  t.op("descriptorRead");
  t.load(buf, 8); // CPU-buffer header word (END_OF_PACKET status, length)
  t.op("headerParse");
  t.load(buf + 8, 54); // Ethernet + IPv4 + L4 ports
  t.op("flowHash");
  t.op("flowLookup");
  t.load(entry, FLOW_ENTRY_BYTES);
  t.store(entry + 24, 8); // last-seen time
  t.op("macRewrite");
  t.store(buf + 8, 6);
  t.op("countersUpdate");
  t.op("cacheFlush");
  t.writeback(buf + 8, 6); // the rewritten header line goes to memory before the frame is sent from there
  t.op("handBack");
  t.uncachedWrite(4); // BUFFER_REQUEST on the CPU's behalf
  t.op("bufferManage");
  t.uncachedWrite(4); // return the buffer to the controller
}
