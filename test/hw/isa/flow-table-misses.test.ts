/**
 * Issue 17's test: a larger flow table (more D-cache misses) raises the cycles per intervention
 * by what the miss count and the memory timing imply. The C path (switchpath.elf through
 * switch-host.ts, the host code `npm run isa:paths` uses) runs the same stream shape with 20 and
 * with 2,000 open flows (random order over them), and per established frame measures
 * instructions, line fills (I and D), dirty write-backs and cycles. struct flow_table
 * (firmware/c/switch/switch.h) is table-cost.ts's layout: a 24-byte entry per slot, then packed
 * 8-byte expiry words. With 20 flows their entries and expiry words stay in the 16 KB D-cache
 * (about 2 misses a frame remain: the DMA'd frame's header lines). With 2,000 flows in random
 * order each look-up reaches an entry whose first 24 bytes span one or two 32-byte lines (1.5 on
 * average over the four alignments of a 24-byte entry) and its expiry word's line, which it also
 * dirties (the refresh): 2,000 flows' ~5,000 such lines against the cache's 512 leave at most
 * about a tenth of them cached, so the premise is at least 2 x 0.9 = 1.8 more misses a frame
 * and more write-backs. The test is on the difference, which follows from the counts either way.
 *
 * The expected difference comes from the pipeline rules (src/hw/cpu/isa/timing.ts,
 * docs/hardware.md "Instruction-level R4700") and the memory's fixed latencies, never from an
 * earlier run's cycles: the core issues one instruction a cycle and a cache miss freezes the
 * whole pipeline for the port's latency (core.ts), so
 *
 *   delta cycles = delta instructions x 1
 *                + delta line fills x readCycles
 *                + delta write-backs x writeCycles
 *                + delta interlock cycles.
 *
 * The interlocks are the tolerance, bounded from the same rules. A frozen pipeline delays the
 * stalled load's result by the stall too (core.ts addStall), so a D-cache miss neither adds nor
 * hides a load-use interlock (I-cache misses, which could, are none in warm frames: the code fits).
 * The freeze does not delay HI/LO, so a miss inside a multiply's 8-cycle latency could hide some
 * of its interlock; but the established path's multiplies are the flow hash's, and every
 * flow-table address depends on the hash, so the flow-table misses (the ones the two runs differ
 * in) come after MFLO has waited. The path does not divide, and the taken-branch penalty is 0.
 * That leaves the interlocks of the instructions one run executes and the other does not: at most
 * loadLatencyCycles - 1 = 1 load-use cycle each, so |delta interlocks| <= |delta instructions|
 * x 1 per frame (measured: 0.007 cycles a frame against a bound of 0.063). Run at two memory timings (isa:paths' 26/26 cycles and 60/10), so the figure
 * follows the timing, not one setting.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SwitchConfigSchema } from "../../../src/firmware/config.ts";
import { FlowSwitch } from "../../../src/firmware/flow-switch.ts";
import { FW_PATHS } from "../../../src/firmware/paths.ts";
import { SwitchImage, type SwitchCall } from "../../../src/hw/cpu/isa/switch-host.ts";
import { R4700_TIMING } from "../../../src/hw/cpu/isa/timing.ts";
import { encodeFrame, EtherType } from "../../../src/net/codec/ethernet.ts";
import { IpProto, TcpFlag } from "../../../src/net/codec/l4.ts";
import type { Ipv4 } from "../../../src/net/ipv4-addr.ts";
import type { Mac } from "../../../src/net/mac.ts";

const elf = readFileSync(new URL("../../../firmware/build/switchpath.elf", import.meta.url));
const VIP = 0xc000020a, VMAC = 0x02005e000001, ROUTER_MAC = 0x020000000100, ROUTER_IP = 0xc0000201;
const ESTABLISHED = FW_PATHS.indexOf("established");

function tcpFrame(client: number, sport: number, flags: number): Uint8Array {
  return encodeFrame({
    dst: VMAC as Mac, src: ROUTER_MAC as Mac, etherType: EtherType.IPv4,
    payload: { kind: "ipv4", ipv4: { dscp: 0, ecn: 0, id: 1, dontFragment: true, moreFragments: false, fragmentOffset: 0, ttl: 60, protocol: IpProto.TCP, src: client as Ipv4, dst: VIP as Ipv4, options: new Uint8Array(0), payload: { kind: "tcp", tcp: { srcPort: sport, dstPort: 80, seq: 1, ack: 1, flags, window: 8192, urgent: 0, options: new Uint8Array(0), payload: new Uint8Array(flags & TcpFlag.SYN ? 0 : 512) } } } },
  });
}

interface PerFrame { frames: number; instructions: number; cycles: number; fills: number; iMisses: number; dMisses: number; writebacks: number; dirtyVictims: number }

/** Opens `flows` connections, then sends `frames` established segments on them in a seeded random order; sums per established frame. */
function measure(flows: number, frames: number, readCycles: number, writeCycles: number): PerFrame {
  const cfg = SwitchConfigSchema.parse({
    clusters: [{ name: "web", vip: VIP, vmac: VMAC, policy: "round-robin", servers: Array.from({ length: 8 }, (_, i) => ({ name: `s${i}`, mac: 0x020000000200 + i, port: 4 + i, weight: 1 })) }],
    routerPools: [{ name: "pool", routers: [{ name: "r0", ip: ROUTER_IP, mac: ROUTER_MAC, port: 0 }] }],
    flowTableSize: 65536,
  });
  const fw = new FlowSwitch(cfg);
  const img = new SwitchImage(elf, { latency: { readCycles, writeCycles } });
  img.configure(fw.config, fw.clusters, fw.routers.map((r) => ({ ...r, assigned: 0 })));
  const core = img.machine.core, port = img.machine.port;
  const call = {} as SwitchCall;
  const client = (k: number) => 0xc6336400 + k;
  let now = 1e6;
  for (let k = 0; k < flows; k++) img.frame(tcpFrame(client(k), 1024, TcpFlag.SYN), 0, (now += 1e6), call);
  // the segments, built before measuring (all the same size, so the frame buffer's lines are the same)
  let s = 1;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const order = Array.from({ length: frames + flows }, () => Math.floor(rand() * flows));
  const bytes = Array.from({ length: flows }, (_, k) => tcpFrame(client(k), 1024, TcpFlag.ACK | TcpFlag.PSH));
  // warm-up: one pass over every flow, so the code and the table's hot lines are where they settle
  for (let k = 0; k < flows; k++) img.frame(bytes[k]!, 0, (now += 1e6), call);
  const i0 = core.instructions, c0 = core.cycle, r0 = port.reads, w0 = port.writes, im0 = core.icache.misses, dm0 = core.dcache.misses, wb0 = core.dcache.writebacks;
  for (let n = 0; n < frames; n++) {
    img.frame(bytes[order[n]!]!, 0, (now += 1e6), call);
    if (call.path !== ESTABLISHED || call.verdict < 0) throw new Error(`frame ${n}: path ${FW_PATHS[call.path]}, verdict ${call.verdict}`);
  }
  const per = (v: number) => v / frames;
  return { frames, instructions: per(core.instructions - i0), cycles: per(core.cycle - c0), fills: per(port.reads - r0), iMisses: per(core.icache.misses - im0), dMisses: per(core.dcache.misses - dm0), writebacks: per(port.writes - w0), dirtyVictims: per(core.dcache.writebacks - wb0) };
}

describe("a larger flow table on the C path (switchpath.elf)", () => {
  // line fill and write-back latencies, CPU cycles: isa:paths' defaults (an assumption, docs/hardware.md "The per-frame path in C"), and a slow-read, fast-write memory
  it.each([[26, 26], [60, 10]])("raises cycles per established frame by its extra misses x the fill (%i cycles) and write-back (%i) latencies", (readCycles, writeCycles) => {
    const few = measure(20, 3000, readCycles, writeCycles), many = measure(2000, 3000, readCycles, writeCycles);
    // the port sees one read per I- or D-cache line fill (the path makes no uncached accesses) and one write per dirty victim
    for (const m of [few, many]) {
      expect(m.fills).toBeCloseTo(m.iMisses + m.dMisses, 9);
      expect(m.writebacks).toBe(m.dirtyVictims);
      expect(m.writebacks).toBeLessThanOrEqual(m.dMisses);
    }
    // the premise: 2,000 flows' look-ups miss more, and dirty more lines that get evicted
    expect(many.dMisses - few.dMisses).toBeGreaterThan(1.8);
    expect(many.writebacks).toBeGreaterThan(few.writebacks);
    const dInstr = many.instructions - few.instructions;
    const expected = dInstr * 1 + (many.fills - few.fills) * readCycles + (many.writebacks - few.writebacks) * writeCycles;
    const tolerance = Math.abs(dInstr) * (R4700_TIMING.loadLatencyCycles - 1) + 1e-9;
    expect(Math.abs(many.cycles - few.cycles - expected), `few ${JSON.stringify(few)}, many ${JSON.stringify(many)}`).toBeLessThanOrEqual(tolerance);
  });
});
