/**
 * A board built from its data (BoardSpec): the fabric (PCI, buffer memory arbiter or crossbar),
 * the GT-48002 controllers of every card with global port numbers, the CPU board(s), and the
 * optional translator (5E CPLD, 5F circuit-card ASICs). A firmware is installed on it; hosts
 * attach to its ports (`portIn(p)`: host -> switch channel, `portOut(p)`: switch -> host).
 * `read(now)` reports every resource's utilisation and names the bottleneck.
 */
import type { FramePool } from "../../net/frame-pool.ts";
import type { CostTrace } from "../cpu/cost-trace.ts";
import { readMac } from "../../net/mac.ts";
import type { Simulator } from "../../sim/simulator.ts";
import { CpuBoard, type FrameHandler } from "../cpu-board.ts";
import { DEFAULT_R4700, type R4700Params } from "../cpu/r4700.ts";
import type { EthernetChannel } from "../ethernet/link.ts";
import { BufferMemoryArbiter } from "../fabric/buffer-memory-arbiter.ts";
import { Crossbar } from "../fabric/crossbar.ts";
import type { Fabric } from "../fabric/fabric.ts";
import { PciFabric } from "../fabric/pci-fabric.ts";
import { DramController, GT64010_DRAM, type MainMemory } from "../gt64010/dram.ts";
import { TlmMemory } from "../gt64010/tlm-memory.ts";
import { CONTROL_PORT, Gt48002 } from "../gt48002/controller.ts";
import { PciBus } from "../pci/bus.ts";
import { TlmPciBus } from "../pci/tlm-bus.ts";
import { TlmPciFabric } from "../fabric/tlm-pci-fabric.ts";
import { AsicTranslator, CpldTranslator, type Translate } from "../translator.ts";
import { ENTRY_BYTES, LookupTable } from "../lookup-table.ts";
export { ENTRY_SYN_ONLY } from "../lookup-table.ts";
import type { BoardSpec } from "./schema.ts";
import { cpuBoardName, cpuOfControllers } from "./management.ts";
import type { BusyProbe, DepthProbe, Probes } from "../../sim/stats/probes.ts";

/** `translate`'s answer for a frame an inline translator discards (5F's ASIC). */
export { TRANSLATE_DROP } from "../translator.ts";

/** Address-table port value of entries whose frames a hardware translator handles (5E, 5F). */
export const TRANSLATE_PORT = -3;
/** Address-table port value of entries whose frames go to the CPU. */
export const CPU_PORT = -1;
/** Address-table port value of entries whose frames go to the CPU's control ring (the switch's own MAC). */
export { CONTROL_PORT };

/** What the firmware sees of the board. */
export interface BoardApi {
  readonly sim: Simulator;
  readonly pool: FramePool;
  readonly spec: BoardSpec;
  readonly portCount: number;
  /** True when inbound frames for virtual MACs are translated in hardware (5E, 5F). */
  readonly hasTranslator: boolean;
  /** True when the translator sits inline before the address table (5F's circuit-card ASICs): every frame off those ports passes `translate` first. */
  readonly inlineTranslator?: boolean;
  readonly hasCam: boolean;
  /**
   * Writes a static entry into every controller's address table. With `plainBehindTranslator`,
   * the controllers behind an inline translator (5F's circuit cards, whose ASICs apply the
   * firmware's rules to every frame first) get it without the intervention flag; the others keep it.
   */
  setAddressEntry(mac: number, port: number, intervention: boolean, plainBehindTranslator?: boolean): void;
  /** Sends a frame the CPU built out of global `port` (from a job: when the job ends). */
  transmit(h: number, port: number): void;
  /** Runs control-plane work on the (first) CPU as a job; its cost is charged. */
  runOnCpu(task: (trace: CostTrace) => void): boolean;
  /** The controllers' counters of a port: frames and bytes sent out of it (to its host) and received. */
  portCounters(port: number): { txFrames: number; txBytes: number; rxFrames: number; rxBytes: number };
  /**
   * Running counts of a port (never reset; no allocation): frames its host has sent into it, and
   * frames of that port the switch itself lost (dropped after reception, or refused on the way
   * out to the host). The firmware reads them to tell a silent target from one the switch failed.
   */
  portReceived(port: number): number;
  portLost(port: number): number;
  /** Control-class frames in the CPU's control ring not yet processed (an answer may be among them). */
  controlFramesWaiting(): number;
  /** The hardware translator's look-up table a frame from `port` is looked up in (5E: the CPLD's; 5F: its circuit card's), if any. */
  translatorTable?(port: number): LookupTable | undefined;
  /** Every hardware look-up table on the board. */
  translatorTables?(): LookupTable[];
  /**
   * Charges the CPU, in `trace`, for writing `entries` entries into the table of `port` (every
   * table when port < 0): dual-port SRAM writes on 5E; on 5F a message over the crossbar to each
   * circuit card concerned, sent when the job ends.
   */
  recordTableWrites?(trace: CostTrace, port: number, entries: number): void;
}

export interface BoardFirmware extends FrameHandler, Translate {
  attach(board: BoardApi): void;
  /** A port's link went up or down (the controllers' link-state interrupt). */
  linkChanged?(port: number, up: boolean): void;
}

export class Board implements BoardApi {
  readonly fabric: Fabric;
  readonly bus: PciBus | undefined;
  readonly controllers: Gt48002[] = [];
  readonly cpus: CpuBoard[] = [];
  readonly cpld: CpldTranslator | undefined;
  readonly asics: AsicTranslator[] = [];
  readonly fsram: MainMemory | undefined;
  readonly portCount: number;
  private readonly portCtrl: Int16Array;
  /** The CPU (management card) that serves each controller's frames. */
  private readonly cpuOfCtrl: Uint8Array;
  /** The next CPU a control-plane job goes to (round robin over the management cards). */
  private nextControlCpu = 0;
  private firmware: BoardFirmware | undefined;

  constructor(readonly sim: Simulator, readonly pool: FramePool, readonly spec: BoardSpec) {
    const ic = spec.interconnect;
    const tlm = spec.timing === "tlm";
    if (ic.kind === "pci") {
      const name = ic.placement === "external" ? "pci" : "pci.onboard", params = { clockHz: ic.clockHz, widthBits: ic.widthBits };
      if (tlm) {
        // transaction level: a frame transfer is one job on a processor-sharing bus (tlm-pci-fabric.ts)
        this.fabric = new TlmPciFabric(sim, name, new TlmPciBus(sim, name, params));
      } else {
        this.bus = new PciBus(sim, name, params);
        this.fabric = new PciFabric(sim, this.bus.name, this.bus);
      }
    } else if (ic.kind === "buffer-memory-arbiter") {
      const { kind: _k, ...p } = ic;
      // tlm: the CPU port answers a transaction-level CPU's accesses from the arbiter's occupancy (cpu-port.ts)
      this.fabric = new BufferMemoryArbiter(sim, "bma", p, tlm ? "tlm" : "cycle");
    } else {
      const { kind: _k, ...p } = ic;
      this.fabric = new Crossbar(sim, "crossbar", p);
    }
    // controllers, with global ports numbered card by card
    let index = 0;
    for (const card of spec.cards) {
      for (let k = 0; k < card.controllers; k++) {
        const name = card.controllers > 1 ? `${card.name}.gt${k}` : `${card.name}.gt`;
        this.controllers.push(new Gt48002(sim, name, index++, pool, { bufferBytes: card.bufferBytes, link: { rateMbps: card.portMbps }, timing: tlm ? "tlm" : "cycle" }));
      }
    }
    this.portCount = 2 * this.controllers.length;
    this.portCtrl = Int16Array.from({ length: this.portCount }, (_, p) => p >> 1);
    this.cpuOfCtrl = cpuOfControllers(spec);
    // CPU board(s)
    for (let i = 0; i < spec.cpus; i++) {
      const { model: _m, execution: _e, dcache, icache, ...rest } = spec.cpu;
      const cpu: Partial<R4700Params> = { ...rest, dcache: { ...DEFAULT_R4700.dcache, ...dcache }, icache: { ...DEFAULT_R4700.icache, ...icache } };
      const { sizeBytes: _s, ...dram } = spec.dram;
      const b = new CpuBoard(sim, cpuBoardName(spec, i), pool, { cpu, dram, timing: tlm ? "tlm" : "cycle" });
      this.cpus.push(b);
    }
    if (spec.fsram) {
      // an SRAM: no rows, no refresh; behind the same GT-64010 as the DRAM, so arbitrated as the DRAM is (assumption)
      const arbitration = spec.dram.arbitration ?? GT64010_DRAM.arbitration;
      const fsram = { firstAccessClocks: spec.fsram.firstAccessClocks, burstClocks: spec.fsram.burstClocks, requestOverheadClocks: 0, arbitration };
      this.fsram = tlm ? new TlmMemory(sim, "fsram", fsram) : new DramController(sim, "fsram", fsram);
      this.cpus[0]!.cpu.mapMemory(this.fsram, FSRAM_BASE, spec.fsram.sizeBytes);
      this.cpus[0]!.placePacketBuffers(this.fsram, FSRAM_BASE);
    }
    const cpu = this.cpus[0]!;
    const tr = spec.translator;
    if (tr?.kind === "cpld") {
      const width = tr.dpsramWidthBytes ?? 4;
      this.cpld = new CpldTranslator(sim, "cpld", pool, tr.clockHz, tr.lookupClocks, tr.dpsramAccessPs, Math.ceil(ENTRY_BYTES / width));
      this.cpldTable = this.table(sim, Math.floor((tr.dpsramBytes ?? 262_144) / ENTRY_BYTES));
      this.tableWritePs = Math.ceil(ENTRY_BYTES / width) * tr.dpsramAccessPs;
    }
    // wiring
    const endpointOf = (k: number) => this.controllers[k]!.endpoint;
    this.controllers.forEach((c, i) => {
      c.wire({
        fabric: this.fabric,
        portBase: 2 * i,
        portOwner: (p) => this.portCtrl[p]!,
        endpointOf,
        toCpu: (h, ingress, _ctrl, entryPort, control) =>
          entryPort === TRANSLATE_PORT && this.cpld ? this.cpld.fromController(h, ingress, c.endpoint) : this.cpus[this.cpuOfCtrl[i]!]!.fromController(h, ingress, c.endpoint, control),
        peers: () => this.controllers,
      });
    });
    for (const b of this.cpus) {
      b.wire(this.fabric, this.controllers[0]!.endpoint);
      b.endpointOfPort = (p) => endpointOf(this.portCtrl[p]!);
      b.onBufferFree = () => this.retryForCpu();
    }
    if (this.cpld) {
      this.cpld.wire(this.fabric);
      this.cpld.onBufferFree = () => this.retryForCpu();
      this.cpld.endpointOfPort = (p) => endpointOf(this.portCtrl[p]!);
      this.cpld.toCpu = (h, ingress) => cpu.acceptLocal(h, ingress);
    }
    if (tr?.kind === "asic") {
      // circuit cards: an ASIC between each port's wire and its controller
      let k = 0;
      for (const card of spec.cards) {
        for (let j = 0; j < card.controllers; j++, k++) {
          if (card.role !== "circuit") continue;
          const ctrl = this.controllers[k]!;
          this.asicTables.set(k, this.table(sim, tr.tableEntries ?? 16_384));
          for (let port = 0; port < 2; port++) {
            const asic = new AsicTranslator(sim, `${ctrl.name}.p${port}.asic`, pool, 2 * k + port, tr.lookupPs, (h) => ctrl.receive(h, port));
            ctrl.rx[port]!.receiver = (h) => asic.receive(h);
            this.asics.push(asic);
          }
        }
      }
    }
  }

  /** The controller that tries first for the next freed buffer of the CPU path. */
  private nextToRetry = 0;

  /**
   * A buffer of the CPU path (CPU board or CPLD) freed: controllers holding frames for it retry,
   * each in turn first (round robin), so the controllers nearest the front cannot take every
   * buffer while another's frames wait (a failed router's outbound frames, redirected, behind the
   * router side's inbound flood).
   */
  private retryForCpu(): void {
    const cs = this.controllers, n = cs.length;
    for (let k = 0; k < n; k++) {
      const c = cs[(this.nextToRetry + k) % n]!;
      if (c.waitingForCpu) c.retry();
    }
    this.nextToRetry = (this.nextToRetry + 1) % n;
  }

  /** The hardware look-up tables: 5E's (one, beside the CPLD), 5F's (one per circuit card, by controller). */
  private cpldTable: LookupTable | undefined;
  private readonly asicTables = new Map<number, LookupTable>();
  /** Time to write one entry into 5E's dual-port SRAM (the CPU's port). */
  private tableWritePs = 0;

  private table(sim: Simulator, entries: number): LookupTable {
    const t = new LookupTable(entries);
    sim.onResetStats(() => t.resetStats());
    return t;
  }

  /** The hardware tables' counters, summed over the tables (undefined without a translator). */
  readTranslatorTables(): (ReturnType<LookupTable["read"]> & { tables: number }) | undefined {
    const ts = this.translatorTables();
    if (ts.length === 0) return undefined;
    const sum = { lookups: 0, hits: 0, installs: 0, evictions: 0, invalidations: 0, entries: 0, ways: ts[0]!.ways, valid: 0, hitRate: 0, tables: ts.length };
    for (const t of ts) {
      const x = t.read();
      for (const k of ["lookups", "hits", "installs", "evictions", "invalidations", "entries", "valid"] as const) sum[k] += x[k];
    }
    sum.hitRate = sum.lookups ? sum.hits / sum.lookups : 0;
    return sum;
  }

  translatorTable(port: number): LookupTable | undefined {
    return this.cpldTable ?? this.asicTables.get(this.portCtrl[port]!);
  }

  translatorTables(): LookupTable[] {
    return this.cpldTable ? [this.cpldTable] : [...this.asicTables.values()];
  }

  recordTableWrites(trace: CostTrace, port: number, entries: number): void {
    if (entries <= 0) return;
    if (this.cpldTable) {
      trace.deviceWait(entries * this.tableWritePs); // the CPU's port of the dual-port SRAM, through the GT-64010's device bus
      return;
    }
    // 5F: the management card sends each circuit card concerned a message with the entries (built like a GalNet message)
    trace.op("handBack");
    const cpu = this.activeCpu(port);
    for (const [k] of this.asicTables) if (port < 0 || this.portCtrl[port] === k) cpu.sendMessage(2 * k, entries * ENTRY_BYTES);
  }

  get hasTranslator(): boolean {
    return this.cpld !== undefined || this.asics.length > 0;
  }

  get inlineTranslator(): boolean {
    return this.asics.length > 0;
  }

  get hasCam(): boolean {
    return this.spec.cam !== undefined;
  }

  /** Host -> switch channel of global port `p` (a host's transmitter). */
  portIn(p: number): EthernetChannel {
    return this.controllers[this.portCtrl[p]!]!.rx[p & 1]!;
  }

  /** Switch -> host channel of global port `p` (set its `receiver` to the host). */
  portOut(p: number): EthernetChannel {
    return this.controllers[this.portCtrl[p]!]!.tx[p & 1]!;
  }

  /** Is global port `p` on a circuit card (5F: the router side)? */
  isCircuitPort(p: number): boolean {
    let k = 0;
    for (const card of this.spec.cards) {
      if (p < 2 * (k + card.controllers)) return card.role === "circuit";
      k += card.controllers;
    }
    return false;
  }

  install(fw: BoardFirmware): void {
    this.firmware = fw;
    for (const b of this.cpus) {
      b.firmware = fw;
      b.cpu.setPathNames(fw.pathNames ?? []);
    }
    if (this.cpld) this.cpld.translator = fw;
    for (const a of this.asics) a.translator = fw;
    for (let p = 0; p < this.portCount; p++) {
      const port = p;
      this.portIn(p).onLinkChange = (up) => fw.linkChanged?.(port, up);
    }
    fw.attach(this);
  }

  runOnCpu(task: (trace: CostTrace) => void): boolean {
    // control-plane jobs go round robin over the management cards; a full queue passes to the next
    const n = this.cpus.length;
    for (let k = 0; k < n; k++) {
      const b = this.cpus[this.nextControlCpu]!;
      this.nextControlCpu = (this.nextControlCpu + 1) % n;
      if (b.runControl(task)) return true;
    }
    return false;
  }

  portCounters(port: number): { txFrames: number; txBytes: number; rxFrames: number; rxBytes: number } {
    const out = this.portOut(port), inn = this.portIn(port);
    return { txFrames: out.txFrames, txBytes: out.txBytes, rxFrames: inn.rxFrames, rxBytes: inn.rxBytes };
  }

  controlFramesWaiting(): number {
    let n = 0;
    for (const b of this.cpus) n += b.controlFramesWaiting;
    return n;
  }

  portReceived(port: number): number {
    return this.portIn(port).rxFramesTotal;
  }

  portLost(port: number): number {
    let policed = 0;
    for (const b of this.cpus) policed += b.policedOn(port);
    return this.controllers[this.portCtrl[port]!]!.portDrops[port & 1]! + this.portOut(port).dropsTotal + policed;
  }

  setAddressEntry(mac: number, port: number, intervention: boolean, plainBehindTranslator = false): void {
    this.controllers.forEach((c, k) => c.table.setStatic(mac, port, intervention && !(plainBehindTranslator && this.asicTables.has(k)), this.sim.now));
  }

  transmit(h: number, port: number): void {
    this.activeCpu(port).send(h, port);
  }

  /** The CPU whose job is running (its frames leave when the job ends), else the one serving `port`'s controller. */
  private activeCpu(port: number): CpuBoard {
    const cpus = this.cpus;
    if (cpus.length === 1) return cpus[0]!;
    for (let i = 0; i < cpus.length; i++) if (cpus[i]!.inJob) return cpus[i]!;
    return cpus[port >= 0 ? this.cpuOfCtrl[this.portCtrl[port]!]! : 0]!;
  }

  /**
   * The CPUs' statistics as one (5F's two management cards): jobs, cycles, instructions and cache
   * counts summed, utilisation the mean, queue high water the larger; `perCpu` gives each.
   */
  readCpu(now: number) {
    const xs = this.cpus.map((b) => b.read(now).cpu);
    if (xs.length === 1) return xs[0]!;
    const sum = (f: (x: (typeof xs)[number]) => number) => xs.reduce((a, x) => a + f(x), 0);
    const jobs = sum((x) => x.jobs);
    const cache = (k: "dcache" | "icache") => {
      const hits = sum((x) => x[k].hits), misses = sum((x) => x[k].misses);
      return { hits, misses, writebacks: sum((x) => x[k].writebacks), invalidations: sum((x) => x[k].invalidations), missRate: hits + misses ? misses / (hits + misses) : 0 };
    };
    const paths: Record<string, Record<string, number>> = {};
    for (const x of xs) {
      for (const [k, v] of Object.entries(x.paths)) {
        const p = (paths[k] ??= { jobs: 0 });
        // per-job figures weighted by jobs (isa mode's per-path misses and write-backs too, when present)
        for (const [f, y] of Object.entries(v)) if (f !== "jobs") p[f] = (p[f] ?? 0) + (y as number) * v.jobs;
        p["jobs"]! += v.jobs;
      }
    }
    for (const p of Object.values(paths)) for (const f of Object.keys(p)) if (f !== "jobs") p[f]! /= p["jobs"]!;
    return {
      ...xs[0]!,
      utilization: sum((x) => x.utilization) / xs.length,
      jobs,
      jobsRefused: sum((x) => x.jobsRefused),
      jobQueueHighWater: Math.max(...xs.map((x) => x.jobQueueHighWater)),
      instructions: sum((x) => x.instructions),
      busyCycles: sum((x) => x.busyCycles),
      stallCycles: sum((x) => x.stallCycles),
      cyclesPerJob: jobs ? sum((x) => x.cyclesPerJob * x.jobs) / jobs : 0,
      dcache: cache("dcache"),
      icache: cache("icache"),
      paths,
      perCpu: this.cpus.map((b, i) => ({ name: b.name, utilization: xs[i]!.utilization, jobs: xs[i]!.jobs })),
    };
  }

  /** Frames inside the board: controllers, fabric, CPU path, translators. */
  get inFlight(): number {
    let n = this.fabric.inFlight;
    for (const c of this.controllers) n += c.inFlight;
    for (const b of this.cpus) n += b.inFlight;
    if (this.cpld) n += this.cpld.inFlight;
    for (const a of this.asics) n += a.inFlight;
    return n;
  }

  /**
   * Every resource's utilisation, with what queued at it (its queue's high-water mark: frames or
   * requests) and what it dropped; the busiest resource, and whether it limits (`limiting`:
   * at least BOTTLENECK_UTILIZATION busy, and frames queued (two or more) or dropped at it).
   */
  resources(now: number): { resources: Record<string, ResourceReading>; bottleneck: { resource: string; utilization: number; limiting: boolean } } {
    const r: Record<string, ResourceReading> = {};
    const f = this.fabric.read(now);
    r[this.fabric.name] = { utilization: f.utilization, queueHighWater: highWaterOf(f), drops: 0 };
    for (const b of this.cpus) {
      const x = b.read(now);
      r[`${b.name}.cpu`] = { utilization: x.cpu.utilization, queueHighWater: x.cpu.jobQueueHighWater, drops: x.cpu.jobsRefused };
      r[`${b.name}.dram`] = { utilization: x.dram.utilization, queueHighWater: x.dram.queueHighWater, drops: 0 };
      if (b.localBus) {
        const l = b.localBus.read(now);
        r[b.localBus.name] = { utilization: l.utilization, queueHighWater: highWaterOf(l), drops: 0 };
      }
    }
    if (this.fsram) {
      const x = this.fsram.read(now);
      r["fsram"] = { utilization: x.utilization, queueHighWater: x.queueHighWater, drops: 0 };
    }
    if (this.cpld) {
      const e = this.cpld.engine.read(now);
      r["cpld"] = { utilization: e.utilization, queueHighWater: e.queueHighWater, drops: 0 };
    }
    for (const a of this.asics) {
      const e = a.engine.read(now);
      r[a.name] = { utilization: e.utilization, queueHighWater: e.queueHighWater, drops: 0 };
    }
    for (const c of this.controllers) {
      const m = c.memory.read(now);
      r[`${c.name}.buffer`] = { utilization: m.utilization, queueHighWater: m.queueHighWater, drops: c.drops.memoryBusy + c.drops.bufferFull };
      const d = c.engine.read(now);
      r[`${c.name}.decide`] = { utilization: d.utilization, queueHighWater: d.queueHighWater, drops: 0 };
      for (let p = 0; p < 2; p++) {
        const i = c.rx[p]!.read(now), o = c.tx[p]!.read(now);
        r[`${c.name}.p${p}.in`] = { utilization: i.utilization, queueHighWater: i.txQueue.highWater, drops: i.drops.txQueueFull };
        r[`${c.name}.p${p}.out`] = { utilization: o.utilization, queueHighWater: o.txQueue.highWater, drops: o.drops.txQueueFull };
      }
    }
    let best = { resource: "", utilization: -1, limiting: false };
    for (const [k, v] of Object.entries(r)) if (v.utilization > best.utilization) best = { resource: k, utilization: v.utilization, limiting: isLimiting(v) };
    return { resources: r, bottleneck: best };
  }

  /**
   * Live read-outs for time series (docs/results-format.md "Series"), named as in `resources()`:
   * the busy time of every resource (the crossbar's per port and direction), and every queue's
   * depth: each port's host queue into the switch (`.in`, frames) and transmit queue to its host
   * (`.out`, frames, the one on the wire included), each controller's buffers in use (`.buffer`),
   * the fabric's queues, each CPU's job queue (`.cpu`, jobs), the frames holding its CPU buffers
   * (`.buffers`: the CPU path's backlog, from crossing into memory to leaving it) and the CPLD's.
   */
  probes(): Probes {
    const f = this.fabric.probes();
    const busy: BusyProbe[] = [...f.busy], queues: DepthProbe[] = [...f.queues];
    for (const b of this.cpus) {
      busy.push({ name: `${b.name}.cpu`, busyPs: (now) => b.cpu.busyPs(now) }, { name: `${b.name}.dram`, busyPs: (now) => b.dram.busyPs(now) });
      queues.push({ name: `${b.name}.cpu`, depth: () => b.cpu.queuedJobs }, { name: `${b.name}.buffers`, depth: () => b.inFlight });
    }
    const fsram = this.fsram;
    if (fsram) busy.push({ name: "fsram", busyPs: (now) => fsram.busyPs(now) });
    for (const c of this.controllers) {
      busy.push({ name: `${c.name}.buffer`, busyPs: (now) => c.memory.busyPs(now) });
      queues.push({ name: `${c.name}.buffer`, depth: () => c.buffersInUse });
      for (let p = 0; p < 2; p++) {
        const i = c.rx[p]!, o = c.tx[p]!;
        busy.push({ name: `${c.name}.p${p}.in`, busyPs: (now) => i.busyPs(now) }, { name: `${c.name}.p${p}.out`, busyPs: (now) => o.busyPs(now) });
        queues.push({ name: `${c.name}.p${p}.in`, depth: () => i.queued }, { name: `${c.name}.p${p}.out`, depth: () => o.queued });
      }
    }
    const cpld = this.cpld;
    if (cpld) queues.push({ name: "cpld", depth: () => cpld.inFlight });
    return { busy, queues };
  }

  /** Drops inside the switch, by place and cause (non-zero only). */
  drops(): Record<string, number> {
    const d: Record<string, number> = {};
    const add = (place: string, causes: Record<string, number>) => {
      for (const [k, v] of Object.entries(causes)) if (v > 0) d[`${place}.${k}`] = (d[`${place}.${k}`] ?? 0) + v;
    };
    for (const c of this.controllers) {
      add("switch.controller", c.drops);
      for (const ch of c.rx) add("link.in", ch.drops);
      for (const ch of c.tx) add("link.out", ch.drops);
    }
    for (const b of this.cpus) {
      add("switch.cpu", { refused: b.counts.refused, firmware: b.unnamedDrops, controlPoliced: b.counts.policed });
      add("switch.firmware", Object.fromEntries(b.droppedBy));
    }
    if (this.cpld) add("switch.cpld", { refused: this.cpld.counts.refused });
    for (const a of this.asics) add("switch.asic", Object.fromEntries(a.droppedBy));
    return d;
  }

  /** The destination MAC of a frame (for firmware and tests). */
  dstMac(h: number): number {
    return readMac(this.pool.bytes(h), 0);
  }

  get installed(): BoardFirmware | undefined {
    return this.firmware;
  }
}

/** A resource's reading in a run record: how busy, how deep its queue got, what it dropped. */
export interface ResourceReading {
  utilization: number;
  queueHighWater: number;
  drops: number;
}

/**
 * A resource limits the board when it is at least this busy and frames queue (its queue held two
 * or more) or drop at it: an input link 68 % busy that never queues is not a bottleneck.
 */
export const BOTTLENECK_UTILIZATION = 0.9;

export function isLimiting(r: ResourceReading): boolean {
  return r.utilization >= BOTTLENECK_UTILIZATION && (r.queueHighWater >= 2 || r.drops > 0);
}

/** The deepest queue a fabric's read-out reports (PCI masters, arbiter write queues, crossbar inputs). */
function highWaterOf(x: unknown): number {
  let m = 0;
  const walk = (o: unknown): void => {
    if (typeof o !== "object" || o === null) return;
    for (const [k, v] of Object.entries(o)) {
      if (typeof v === "number" && /queueHighWater$/i.test(k)) m = Math.max(m, v);
      else if (typeof v === "object") walk(v);
    }
  };
  walk(x);
  return m;
}

/**
 * Where Fig 5C's FSRAM sits in the CPU's address space (what is placed there gets its timing): the
 * CPU's packet buffers first (256 x 2 KB), then the flow table. The table (65,536 flows in 131,072
 * slots of 24 + 8 bytes: 4 MiB, table-cost.ts) does not all fit beside the buffers in 4 MB; its
 * last 0.5 MiB (expiry words) lies past the FSRAM's end, in DRAM.
 */
export const FSRAM_BASE = 0x1000_0000;
export const FSRAM_TABLE_BASE = FSRAM_BASE + 0x8_0000;
