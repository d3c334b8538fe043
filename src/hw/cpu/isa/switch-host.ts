/**
 * The host's side of the C switch path (firmware/c/programs/switchpath.c, image
 * firmware/build/switchpath.elf): one memory, two sides. The TypeScript control plane writes the
 * configuration and its decisions (servers' state, weights, generations, each cluster's Maglev
 * table) into the image's HOST_INPUT tables at the addresses its symbols give; each frame is
 * written where a controller's DMA would leave it (frame_buf + 2, its D-cache lines invalidated)
 * and `main` is called with $ra at the idle loop, so one call costs exactly the per-frame
 * decision, caches and tables warm from the calls before. The layouts mirror
 * firmware/c/switch/switch.h (its static asserts pin the sizes used here).
 */
import type { Cluster } from "../../../firmware/cluster.ts";
import { POLICIES, type SwitchConfig } from "../../../firmware/config.ts";
import { EXPIRY_BYTES, FLOW_ENTRY_BYTES } from "../../../firmware/table-cost.ts";
import { CpuRingDevice } from "./cpu-ring.ts";
import { IsaMachine, type MachineOptions } from "./machine.ts";

const MAX_CLUSTERS = 4, MAX_ROUTERS = 8, MAX_POOLS = 4, MAX_GATEWAYS = 64, MAX_SERVERS = 16, MAX_SLOTS = 131072, MAX_MAGLEV = 65537;
const SERVER_WORDS = 16, CLUSTER_WORDS = 16;
/** server struct word offsets */
const S = { macHi: 0, macLo: 1, port: 2, weight: 3, up: 4, removed: 5, draining: 6, gen: 7, active: 8, inactive: 9, wrrCredit: 10, packets: 11, bytes: 12, flows: 13, role: 14 } as const;
/** cluster struct word offsets */
const C = { vmacHi: 0, vmacLo: 1, vip: 2, policy: 3, ipsecByClient: 4, servers: 5, maglevSize: 6, rr: 7, packets: 8, bytes: 9, flows: 10, drops: 11, mode: 12 } as const;
/** counts[] indexes */
export const SWITCH_COUNTS = ["inbound", "newFlows", "maglevFallbacks", "synRetransmits", "icmpErrorsUnmatched", "arpReplies", "outboundRedirected", "serverToServer", "misdirectedInbound"] as const;

export const VERDICT_NOT_PORTED = -3;

/** The CPU-buffer ring (firmware/c/switch/ring.h): buffers, their size, where the frame starts in one (word 2 + 2 bytes of padding). */
export const RING_BUFFERS = 32, RING_BUFFER_BYTES = 2048, RING_FRAME_OFFSET = 10;
/** ring.h `struct ring_state`, word by word. */
export const RING_STATE = ["next", "taken", "returned", "handedBack", "outOfOrder", "spurious", "otherInterrupts"] as const;
const EOP_VALID = 0x8000_0000;

/** A router as the C path sees it (flow-switch.ts's routers; `txBytes`: its port's traffic vector). */
export interface HostRouter {
  ip: number;
  mac: number;
  port: number;
  up: boolean;
  pool: number;
  assigned: number;
  txBytes?: number;
}

/** A physical server's gateway (flow-switch.ts `gatewayOf`, `serverIpOf`): its MAC, router index, the address it asked from. */
export interface HostGateway {
  mac: number;
  router: number;
  serverIp: number;
}

export interface SwitchCall {
  /** The egress port, -1 dropped (cause in `cause`), -2 consumed, -3 a frame the C path hands back (probe answers, frames to routers' or servers' MACs, ...). */
  verdict: number;
  cluster: number;
  server: number;
  /** DROP_CAUSES index. */
  cause: number;
  /** FW_PATHS index. */
  path: number;
  /** The router (index) the control plane is to re-announce the cluster's virtual MAC to, -1 none (a frame for a virtual IP sent to a server's MAC). */
  correctRouter: number;
  instructions: number;
  cycles: number;
  iMisses: number;
  dMisses: number;
  /** `job` only: the egress port of the BUFFER_REQUEST the job posted (-1: none), and the buffer it named. */
  handedPort?: number;
  handedBuffer?: number;
}

const hi = (v: number) => Math.floor(v / 2 ** 32) >>> 0;

export class SwitchImage {
  readonly machine: IsaMachine;
  private readonly main: number;
  private readonly idle: number;
  private readonly stackTop: number;
  private readonly framePa: number;
  /** Physical address of `io` (the call's inputs and outputs), read word by word per frame: no array per frame. */
  private readonly ioPa: number;
  private readonly scratch = new Uint8Array(2 * MAX_MAGLEV);
  /** The CPU-buffer ring's registers (device space; Int0). */
  readonly ring: CpuRingDevice;
  private readonly ringPa: number;
  private readonly ringStatePa: number;
  /** The buffer the next `job` frame is written into, and the last one written. */
  private nextBuffer = 0;
  private lastBuffer = 0;
  constructor(elf: Uint8Array, opts: Partial<MachineOptions> = {}) {
    this.machine = new IsaMachine(elf, opts, "switchpath");
    const sym = (n: string) => this.machine.image.symbols.get(n)?.value ?? 0;
    this.main = sym("main");
    this.idle = sym("__idle");
    this.stackTop = sym("__stack_top");
    this.framePa = this.machine.address("frame_buf");
    this.ioPa = this.machine.address("io");
    this.ringPa = this.machine.address("cpu_ring");
    this.ringStatePa = this.machine.address("ring");
    const core = this.machine.core;
    this.ring = new CpuRingDevice(RING_BUFFERS, (asserted) => core.setInterruptLine(0, asserted));
    core.devices = this.ring;
  }

  /**
   * Interrupt mode: unmasks Int0 and enables interrupts (irq.c `irq_init`); the CPU then idles
   * until `job` fills a CPU buffer. Call after `configure`.
   */
  startInterrupts(): void {
    const m = this.machine, core = m.core;
    core.r[29] = this.stackTop;
    core.r[31] = this.idle;
    core.setPc(m.image.symbols.get("irq_init")!.value);
    if (m.run(1e6).reason !== "idle") throw new Error("switchpath.elf: irq_init did not return");
    this.nextBuffer = 0;
  }

  /**
   * The whole per-frame job at time `nowPs`: the frame is written into the next CPU buffer with its
   * END_OF_PACKET word, as the controller's DMA leaves it (its D-cache lines invalidated), the ring
   * raises Int0, and the CPU takes the interrupt from its idle loop: entry, descriptor read,
   * decision, counters, write-back of the rewritten lines, hand-back, buffer return, exit. Measured
   * from the interrupt to the idle loop. Call `startInterrupts` once first.
   */
  job(bytes: Uint8Array, ingress: number, nowPs: number, out: SwitchCall, len = bytes.length): SwitchCall {
    const m = this.machine, core = m.core, mem = m.memory;
    if (len > RING_BUFFER_BYTES - RING_FRAME_OFFSET) throw new RangeError(`a ${len}-byte frame does not fit a CPU buffer`);
    const k = this.nextBuffer, pa = this.ringPa + k * RING_BUFFER_BYTES;
    this.nextBuffer = (k + 1) % RING_BUFFERS;
    this.lastBuffer = k;
    m.writeWords("io", [hi(nowPs), nowPs >>> 0], 2);
    mem.write32(pa, 0);
    mem.write32(pa + 4, (EOP_VALID | ((ingress & 0xff) << 16) | len) >>> 0);
    for (let i = 0; i < len; i++) mem.write8(pa + RING_FRAME_OFFSET + i, bytes[i]!);
    core.invalidateData(pa, len + RING_FRAME_OFFSET); // the controller's DMA wrote it
    const i0 = core.instructions, c0 = core.cycle, im0 = core.icache.misses, dm0 = core.dcache.misses, h0 = this.ring.handBacks;
    const other = mem.read32(this.ringStatePa + 24);
    this.ring.fill(k);
    if (m.run(1e7).reason !== "idle" || (core.pc | 0) !== (this.idle | 0)) throw new Error(`switchpath.elf: the frame job did not return to the idle loop (pc 0x${(core.pc >>> 0).toString(16)})`);
    if (this.ring.pending !== 0) throw new Error("switchpath.elf: the frame job did not return its buffer");
    if (mem.read32(this.ringStatePa + 24) !== other) throw new Error("switchpath.elf: an exception other than the ring's interrupt was taken during the job");
    this.outputs(out);
    out.instructions = core.instructions - i0;
    out.cycles = core.cycle - c0;
    out.iMisses = core.icache.misses - im0;
    out.dMisses = core.dcache.misses - dm0;
    const handed = this.ring.handBacks !== h0;
    out.handedPort = handed ? this.ring.last.port : -1;
    out.handedBuffer = handed ? this.ring.last.buffer : -1;
    return out;
  }

  /** The last `job` frame's bytes after the job (in its CPU buffer). */
  jobFrameOut(len: number): Uint8Array {
    return this.machine.memory.readBytes(this.ringPa + this.lastBuffer * RING_BUFFER_BYTES + RING_FRAME_OFFSET, len);
  }

  /** The ring's state as the firmware keeps it (ring.h `struct ring_state`). */
  ringState(): Record<(typeof RING_STATE)[number], number> {
    const w = this.machine.readWords("ring", RING_STATE.length);
    return Object.fromEntries(RING_STATE.map((n, i) => [n, w[i]!])) as Record<(typeof RING_STATE)[number], number>;
  }

  private outputs(out: SwitchCall): void {
    const mem = this.machine.memory, io = this.ioPa;
    out.verdict = mem.read32(io + 16) | 0;
    out.cluster = mem.read32(io + 20) | 0;
    out.server = mem.read32(io + 24) | 0;
    out.cause = mem.read32(io + 28) >>> 0;
    out.path = mem.read32(io + 32) >>> 0;
    out.correctRouter = mem.read32(io + 36) | 0;
  }

  /** Loads the image, runs its start-up (stack, bss, Status) once, and writes the configuration. */
  configure(config: SwitchConfig, clusters: readonly Cluster[], routers: readonly HostRouter[] = []): void {
    const m = this.machine;
    if (clusters.length > MAX_CLUSTERS) throw new RangeError(`switchpath.c holds ${MAX_CLUSTERS} clusters, not ${clusters.length}`);
    let slots = 2;
    while (slots < 2 * config.flowTableSize) slots *= 2;
    if (slots > MAX_SLOTS) throw new RangeError(`switchpath.c holds ${MAX_SLOTS} flow-table slots, not ${slots}`);
    m.reset();
    m.writeWords("io", [0]); // a zero-length frame: start-up then one malformed drop
    if (m.run(1e7).reason !== "idle") throw new Error("switchpath.elf did not start");
    const t = config.timeouts;
    const ts = [t.synPs, t.tcpPs, t.udpPs, t.espPs, t.otherPs, t.finPs, t.fragmentPs];
    if (routers.length > MAX_ROUTERS) throw new RangeError(`switchpath.c holds ${MAX_ROUTERS} routers, not ${routers.length}`);
    if (config.routerPools.length > MAX_POOLS) throw new RangeError(`switchpath.c holds ${MAX_POOLS} router pools, not ${config.routerPools.length}`);
    m.writeWords("cfg", [clusters.length, slots - 1, config.flowTableSize, config.flowTableSweepSlots, config.switchIp >>> 0, hi(config.switchMac), config.switchMac >>> 0, routers.length, ...ts.flatMap((v) => [hi(v), v >>> 0])]);
    m.writeWords("pool_policy", config.routerPools.map((p) => (p.policy === "source-ip" ? 1 : 0)));
    this.routing(routers, []);
    clusters.forEach((cl, c) => {
      if (cl.servers.length > MAX_SERVERS) throw new RangeError(`switchpath.c holds ${MAX_SERVERS} servers per cluster, not ${cl.servers.length}`);
      if (cl.mode === "balance" && cl.policy === "optimal-workload") throw new RangeError("switchpath.c does not port the optimal-workload policy");
      const w = new Array<number>(CLUSTER_WORDS).fill(0);
      w[C.vmacHi] = hi(cl.vmac);
      w[C.vmacLo] = cl.vmac >>> 0;
      w[C.vip] = cl.vip >>> 0;
      w[C.policy] = POLICIES.indexOf(cl.policy);
      w[C.ipsecByClient] = cl.ipsecByClient ? 1 : 0;
      w[C.servers] = cl.servers.length;
      w[C.maglevSize] = cl.maglev.length;
      w[C.rr] = cl.rr;
      w[C.mode] = cl.mode === "availability" ? 1 : 0;
      m.writeWords("clusters", w, c * CLUSTER_WORDS);
      this.control(cl, c);
    });
  }

  /**
   * The control plane's decisions for cluster `c`, as the TypeScript holds them: its servers
   * (added ones included: MAC, port, weight, state, generation, availability role), and the
   * Maglev table. `failed` lists servers that failed since
   * the last call: their flow counts restart at zero (flow-switch.ts `serverState`).
   */
  control(cl: Cluster, c: number, failed: readonly number[] = []): void {
    const m = this.machine;
    if (cl.servers.length > MAX_SERVERS) throw new RangeError(`switchpath.c holds ${MAX_SERVERS} servers per cluster, not ${cl.servers.length}`);
    if (cl.maglev.length > MAX_MAGLEV) throw new RangeError(`switchpath.c holds Maglev tables of ${MAX_MAGLEV} entries, not ${cl.maglev.length}`);
    m.writeWords("clusters", [cl.servers.length, cl.maglev.length], c * CLUSTER_WORDS + C.servers);
    cl.servers.forEach((s, i) => {
      const at = (c * MAX_SERVERS + i) * SERVER_WORDS;
      m.writeWords("servers", [hi(s.mac), s.mac >>> 0, s.port, s.weight, s.state === "up" ? 1 : 0, s.removed ? 1 : 0, s.draining ? 1 : 0, s.gen >>> 0], at);
      m.writeWords("servers", [s.role === "primary" ? 1 : 0], at + S.role);
      if (failed.includes(i)) m.writeWords("servers", [0, 0], at + S.active);
    });
    const b = this.scratch;
    for (let k = 0; k < cl.maglev.length; k++) {
      b[2 * k] = (cl.maglev[k]! >> 8) & 255;
      b[2 * k + 1] = cl.maglev[k]! & 255;
    }
    m.writeBytes("maglev", b.subarray(0, 2 * cl.maglev.length), c * MAX_MAGLEV * 2);
  }

  /**
   * The control plane's routers (up, and the servers it pointed at each: `assigned`) and
   * gateways (which router each physical server was pointed at), as the TypeScript holds them.
   */
  routing(routers: readonly HostRouter[], gateways: readonly HostGateway[]): void {
    const m = this.machine;
    routers.forEach((r, i) => {
      const txb = r.txBytes ?? 0;
      m.writeWords("routers", [r.ip >>> 0, hi(r.mac), r.mac >>> 0, r.port, r.up ? 1 : 0, r.pool, r.assigned], i * 12);
      m.writeWords("routers", [hi(txb), txb >>> 0], i * 12 + 8);
    });
    if (gateways.length > MAX_GATEWAYS) throw new RangeError(`switchpath.c holds ${MAX_GATEWAYS} gateways, not ${gateways.length}`);
    for (let g = 0; g < MAX_GATEWAYS; g++) {
      const x = gateways[g];
      m.writeWords("gateways", x ? [1, hi(x.mac), x.mac >>> 0, x.router, x.serverIp >>> 0] : [0, 0, 0, -1, 0], g * 8);
    }
  }

  /** Router i's port traffic vector (bytes sent toward it), which the traffic policy of router pooling reads. */
  trafficVector(i: number, txBytes: number): void {
    const pa = this.machine.address("routers") + 4 * (i * 12 + 8);
    this.machine.memory.write32(pa, hi(txBytes));
    this.machine.memory.write32(pa + 4, txBytes >>> 0);
  }

  /** Router i as the C path counts it: [assigned, arpAnswers, redirectedFrames]. */
  router(i: number): number[] {
    const [a, n] = this.machine.readWords("routers", 2, i * 12 + 6);
    return [a! | 0, n!, this.machine.readWords("routers", 1, i * 12 + 10)[0]!];
  }

  /** The gateways the C path holds, by MAC. */
  gateways(): HostGateway[] {
    const out: HostGateway[] = [];
    for (let g = 0; g < MAX_GATEWAYS; g++) {
      const [used, mh, ml, r, ip] = this.machine.readWords("gateways", 5, g * 8);
      if (used) out.push({ mac: mh! * 2 ** 32 + ml!, router: r! | 0, serverIp: ip! });
    }
    return out;
  }

  /** Physical address of the frame's first byte in the image (frame_buf + 2). */
  get frameAddress(): number {
    return this.framePa + 2;
  }

  /** Where the last `job` frame is (in its CPU buffer). */
  get jobFrameAddress(): number {
    return this.ringPa + this.lastBuffer * RING_BUFFER_BYTES + RING_FRAME_OFFSET;
  }

  /** The CPU buffers' ring (`cpu_ring`): its physical address and bytes. */
  get ringRange(): { pa: number; bytes: number } {
    return { pa: this.ringPa, bytes: RING_BUFFERS * RING_BUFFER_BYTES };
  }

  /** Runs the C path on one frame (the first `len` bytes of `bytes`) at time `nowPs`; the frame's bytes after are in `frameOut`. */
  frame(bytes: Uint8Array, ingress: number, nowPs: number, out: SwitchCall, len = bytes.length): SwitchCall {
    const m = this.machine, core = m.core, mem = m.memory, io = this.ioPa;
    if (len > 1534) throw new RangeError(`a ${len}-byte frame does not fit frame_buf`);
    mem.write32(io, len);
    mem.write32(io + 4, ingress);
    mem.write32(io + 8, hi(nowPs));
    mem.write32(io + 12, nowPs >>> 0);
    for (let k = 0; k < len; k++) mem.write8(this.framePa + 2 + k, bytes[k]!);
    core.invalidateData(this.framePa, len + 2); // the controller's DMA wrote it
    const i0 = core.instructions, c0 = core.cycle, im0 = core.icache.misses, dm0 = core.dcache.misses;
    const other = m.memory.read32(this.ringStatePa + 24);
    core.r[29] = this.stackTop;
    core.r[31] = this.idle;
    core.setPc(this.main);
    if (m.runUntilIdle(1e7) !== "idle") throw new Error(`switchpath.elf did not return (pc 0x${(core.pc >>> 0).toString(16)})`);
    if (m.memory.read32(this.ringStatePa + 24) !== other) throw new Error("switchpath.elf: an exception was taken during the decision");
    this.outputs(out);
    out.instructions = core.instructions - i0;
    out.cycles = core.cycle - c0;
    out.iMisses = core.icache.misses - im0;
    out.dMisses = core.dcache.misses - dm0;
    return out;
  }

  frameOut(len: number): Uint8Array {
    return this.machine.memory.readBytes(this.framePa + 2, len);
  }

  /** Cluster c's counts in the C path: [packets, bytes, flows, drops]. */
  cluster(c: number): number[] {
    return this.machine.readWords("clusters", 4, c * CLUSTER_WORDS + C.packets);
  }

  /** Server i of cluster c as the C path counts it: [active, inactive, wrrCredit, packets, bytes, flows]. */
  server(c: number, i: number): number[] {
    return this.machine.readWords("servers", 6, (c * MAX_SERVERS + i) * SERVER_WORDS + S.active).map((v, k) => (k < 3 ? v | 0 : v));
  }

  counts(): Record<(typeof SWITCH_COUNTS)[number], number> {
    const w = this.machine.readWords("counts", SWITCH_COUNTS.length);
    return Object.fromEntries(SWITCH_COUNTS.map((n, i) => [n, w[i]!])) as Record<(typeof SWITCH_COUNTS)[number], number>;
  }

  /** The flow table's live entries and counters: [live, cursor, inserts, expired, removed, fullRejects, swept]. */
  table(): number[] {
    // struct flow_table: room for MAX_SLOTS entries of FLOW_ENTRY_BYTES and expiry words of EXPIRY_BYTES, then the counters
    const off = MAX_SLOTS * (FLOW_ENTRY_BYTES + EXPIRY_BYTES);
    const pa = this.machine.address("flows") + off;
    return Array.from({ length: 7 }, (_, k) => this.machine.memory.read32(pa + 4 * k) >>> 0);
  }
}
