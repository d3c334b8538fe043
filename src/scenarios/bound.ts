/**
 * The analytic bound of a board under a workload (docs/results-format.md "Bound"): for every
 * resource of the standard setting, its utilisation as a function of the load factor λ,
 * U(λ) = λ·A + C, from the board's parameters and from the CPU costs the model measures in
 * isolation (`PathCosts`, calibrate.ts); the resource saturates at λ = (1 − C) / A, and the bound
 * is the first resource to saturate. The resources (and the simulator's names for them):
 *   - ports, both directions (`<controller>.p<k>.in|out`): wire time of preamble + frame + FCS + IFG,
 *     over the IMIX (7:4:1 at 64, 594, 1518 bytes), at the port's line rate;
 *   - each GT-48002's buffer memory (`<controller>.buffer`): every frame entering a controller is
 *     written once and read once, each access `overhead + first + (⌈L/width⌉ − 1) × burst` clocks,
 *     and every frame received on its ports costs two address-table entry reads (the table is in
 *     the buffer memory);
 *   - each GT-48002's forwarding engine (`<controller>.decide`): frames received on its ports x
 *     (two entry reads + the fixed clocks of a decision), one at a time;
 *   - the fabric: PCI (`pci`, `pci.onboard`): per frame crossing, the GalNet messages and bursts,
 *     each tenure `1 + DEVSEL wait + ⌈bytes/width⌉ + 1` clocks, plus the CPU's register reads and
 *     posted writes per intervention; the buffer memory arbiter (`bma`): a write and a read per
 *     crossing; the crossbar (`crossbar`): each endpoint's input and output held
 *     `connect + ⌈L/cell⌉ × cell time` per transfer;
 *   - the translators (5E `cpld`, 5F `<controller>.p<k>.asic`): look-ups per second × (fixed steps +
 *     table entries read: the first way on a hit, every way on a miss);
 *   - the CPU (`<board>.cpu`, on 5F each management card `mgmt<i>.cpu`): interventions per second ×
 *     the cycles of their path (new flow or established, measured), plus control-plane jobs per
 *     second × their cycles (round robin over the CPUs). On 5A-5D every inbound frame is an
 *     intervention; behind 5E's and 5F's translators only the table's misses are: a new flow's
 *     first frame, and the frames of flows the table has no room for (`tableMissShare`); 5F's card
 *     j interrupts management card j mod 2;
 *   - the CPU board's memories (`<board>.dram`, `fsram`): busy time per intervention, measured (page
 *     hits, misses and conflicts as they fall), plus the DRAM's
 *     refresh as a fixed share (refreshClocks / refreshIntervalClocks).
 * Frame crossings follow the setting: inbound frames go router controller → CPU (or 5E's CPLD) →
 * server controller, or straight across on 5F's circuit cards; outbound frames server controller
 * → router controller; frames between ports of one controller never cross the fabric. Inbound
 * spreads evenly over the servers and outbound over the routers. The bound ignores queueing and
 * contention (a register read waiting for a busy bus), so simulation lands at or below it.
 */
import type { BoardSpec } from "../hw/boards/schema.ts";
import { DEFAULT_BMA } from "../hw/fabric/buffer-memory-arbiter.ts";
import { DEFAULT_CROSSBAR } from "../hw/fabric/crossbar.ts";
import { galnetTransactions } from "../hw/fabric/pci-fabric.ts";
import { DEFAULT_GT48002 } from "../hw/gt48002/controller.ts";
import { TABLE_READS_PER_DECISION } from "../hw/gt48002/forwarding-engine.ts";
import { DEFAULT_DRAM, GT64010_DRAM, refreshShare } from "../hw/gt64010/dram.ts";
import { DEFAULT_TARGET } from "../hw/pci/bus.ts";
import { IMIX } from "../traffic/imix.ts";
import { settingLayout, type SettingLayout } from "./setting.ts";
import { cpuBoardName, cpuOfControllers } from "../hw/boards/management.ts";
import { ENTRY_BYTES, LookupTable } from "../hw/lookup-table.ts";

/** What the CPU board pays, measured by the model in isolation (calibrate.ts). */
export interface PathCosts {
  /** Mean cycles per job of each firmware path that occurred ("established", "newFlow", ...) and of "control" jobs. */
  cyclesPerPath: Record<string, number>;
  /** Control-plane jobs per second (probe rounds, load-balancing rounds): independent of the load. */
  controlJobsPerSecond: number;
  /** Busy time (ps) of each CPU-board memory per intervention (`<board>.dram`, `fsram`): line fills, write-backs, frames written in. */
  memoryPsPerIntervention: Record<string, number>;
  /** Memory busy time (ps) per second of control-plane work alone. */
  memoryPsPerSecondControl: Record<string, number>;
  /** Fig 5D: the CPU's accesses (line fills, write-backs) to the shared buffer per intervention. */
  sharedBufferAccessesPerIntervention?: number;
  /** How they were measured. */
  source: string;
}

export interface WorkloadRates {
  /** Inbound frame bits per second per router, and outbound per server, at load 1. */
  inboundBpsPerRouter: number;
  outboundBpsPerServer: number;
  /** Mean inbound frames per client flow: the share of inbound frames that open a flow is its inverse. */
  packetsPerFlow: number;
  /** Client flows open at once: a flow's frames all go to one server, so the servers' shares are those of the open flows. */
  flows: number;
}

/**
 * E[max of n independent standard normals], by numerical integration of n·z·φ(z)·Φ(z)^(n−1)
 * (1.0294 for n = 4): how far above its mean the busiest of n equal shares lies, in standard deviations.
 */
export function expectedMaxNormal(n: number): number {
  if (n <= 1) return 0;
  const phi = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
  let cdf = 0, sum = 0;
  const h = 1e-3;
  for (let z = -8; z < 8; z += h) {
    const p = phi(z);
    sum += n * z * p * Math.pow(cdf, n - 1) * h;
    cdf += p * h;
  }
  return sum;
}

export type ResourceKind = "router port in" | "router port out" | "server port in" | "server port out" | "controller buffer" | "forwarding engine" | "fabric" | "cpu" | "cpu memory" | "translator";

export interface BoundTerm {
  /** The simulator's name of the resource. */
  resource: string;
  kind: ResourceKind;
  /** The load factor at which it saturates: (1 − C) / A. */
  load: number;
  /** Utilisation per unit of load (A) and the load-independent part (C). */
  perLoad: number;
  fixed: number;
  /** How A and C came about, in words and numbers. */
  formula: string;
  /** CPU terms: the cycles per intervention A was computed from (measured in isolation). */
  cyclesPerIntervention?: number;
}

export interface Bound {
  /** The largest load factor the limiting resource allows. */
  load: number;
  resource: string;
  kind: ResourceKind;
  inboundMbps: number;
  outboundMbps: number;
  /** Every resource, the binding one first. */
  terms: BoundTerm[];
  /** Saturation load per resource (the legacy summary). */
  perResource: Record<string, number>;
}

/** The IMIX expectation of f(frame length without FCS). */
function imixMean(f: (len: number) => number): number {
  let s = 0, w = 0;
  for (const x of IMIX) (s += x.weight * f(x.bytes - 4)), (w += x.weight);
  return s / w;
}

const FCS = 4, WIRE_OVERHEAD = 8 + 12; // preamble + SFD, inter-frame gap
const IMIX_MEAN_WITH_FCS = imixMean((l) => l + FCS);
const fmt = (x: number, d = 0) => x.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });

/** Endpoints of the fabric in the setting: controllers by index, and the CPU boards (CPU_EP - i for CPU i; 5E's CPLD is CPU_EP). */
const CPU_EP = -1;

/**
 * 5E, 5F: the share of router port `r`'s inbound frames its translator's table misses. A frame
 * opens a flow with probability 1 / packetsPerFlow (a miss); the others find their flow's entry
 * when the table holds it, and under uniform access to the open flows it holds the share
 * entries / flows of the flows looked up in it (all flows on 5E; on 5F those of its card's routers).
 */
export function tableMissShare(spec: BoardSpec, w: WorkloadRates, L: SettingLayout, r: number): number {
  const tr = spec.translator;
  if (!tr) return 1;
  const pNew = 1 / w.packetsPerFlow;
  let entries: number, flows: number;
  if (tr.kind === "cpld") {
    entries = new LookupTable(Math.floor((tr.dpsramBytes ?? 262_144) / ENTRY_BYTES)).entries;
    flows = w.flows;
  } else {
    entries = new LookupTable(tr.tableEntries ?? 16_384).entries;
    const rc = L.controllerOf(r);
    flows = (w.flows * L.routerPorts.filter((p) => L.controllerOf(p) === rc).length) / L.routerPorts.length;
  }
  const held = Math.min(1, entries / Math.max(1, flows));
  return pNew + (1 - pNew) * (1 - held);
}

export function analyticBound(spec: BoardSpec, w: WorkloadRates, costs: PathCosts): Bound {
  const L = settingLayout(spec);
  const nR = L.routerPorts.length, nS = L.serverPorts.length;
  const inFps = w.inboundBpsPerRouter / (8 * IMIX_MEAN_WITH_FCS); // per router, at load 1
  const outFps = w.outboundBpsPerServer / (8 * IMIX_MEAN_WITH_FCS); // per server
  const wireBits = imixMean((l) => (l + FCS + WIRE_OVERHEAD) * 8);
  const terms: BoundTerm[] = [];
  const add = (resource: string, kind: ResourceKind, perLoad: number, fixed: number, formula: string): BoundTerm | undefined => {
    if (perLoad <= 0) return undefined;
    const t: BoundTerm = { resource, kind, perLoad, fixed, load: (1 - fixed) / perLoad, formula };
    terms.push(t);
    return t;
  };

  // ports
  const rate = (p: number) => L.controllers[L.controllerOf(p)]!.portMbps * 1e6;
  const outToRouter = (nS * outFps) / nR;
  // inbound flows are pinned to servers by the flow hash: the busiest of nS servers holds about
  // 1/nS + E[max of nS normals] x sqrt((1/nS)(1 - 1/nS) / flows) of the open flows (binomial shares)
  const busiestShare = 1 / nS + expectedMaxNormal(nS) * Math.sqrt(((1 / nS) * (1 - 1 / nS)) / w.flows);
  const inToServer = nR * inFps * busiestShare;
  for (const p of L.routerPorts) {
    add(L.portResource(p, "in"), "router port in", (inFps * wireBits) / rate(p), 0, `${fmt(inFps)} frames/s x ${fmt(wireBits / 8, 1)} wire bytes / ${rate(p) / 1e6} Mb/s`);
    add(L.portResource(p, "out"), "router port out", (outToRouter * wireBits) / rate(p), 0, `${fmt(outToRouter)} frames/s x ${fmt(wireBits / 8, 1)} wire bytes / ${rate(p) / 1e6} Mb/s`);
  }
  for (const p of L.serverPorts) {
    add(L.portResource(p, "in"), "server port in", (outFps * wireBits) / rate(p), 0, `${fmt(outFps)} frames/s x ${fmt(wireBits / 8, 1)} wire bytes / ${rate(p) / 1e6} Mb/s`);
    add(L.portResource(p, "out"), "server port out", (inToServer * wireBits) / rate(p), 0, `${fmt(inToServer)} frames/s (the busiest server's ${fmt(busiestShare * 100, 1)} % of ${w.flows} open flows) x ${fmt(wireBits / 8, 1)} wire bytes / ${rate(p) / 1e6} Mb/s`);
  }

  // frame flows between fabric endpoints at load 1: [src, dst, frames/s]
  const cpuPath = !spec.translator; // every inbound frame intervened to the CPU board (5A-5D)
  const straight = spec.translator?.kind === "asic"; // 5F: translated at the port, straight across
  const cpuOf = cpuOfControllers(spec);
  // 5E, 5F: the share of a router's inbound frames the translator's table misses (they go to the CPU)
  const missShare = (r: number) => (cpuPath ? 1 : tableMissShare(spec, w, L, r));
  const flows: [number, number, number][] = [];
  const interventionsOf = new Float64Array(spec.cpus);
  for (const r of L.routerPorts) {
    const rc = L.controllerOf(r), miss = missShare(r), cpuEp = CPU_EP - cpuOf[rc]!;
    interventionsOf[cpuOf[rc]!] += inFps * miss;
    for (const s of L.serverPorts) {
      const f = inFps / nS, sc = L.controllerOf(s);
      if (straight) {
        // hits cross straight to the server's card; misses go to the management card, which sends them on
        if (rc !== sc) flows.push([rc, sc, f * (1 - miss)]);
        flows.push([rc, cpuEp, f * miss], [cpuEp, sc, f * miss]);
      } else flows.push([rc, CPU_EP, f], [CPU_EP, sc, f]);
    }
  }
  for (const s of L.serverPorts) {
    for (const r of L.routerPorts) {
      const f = outFps / nR, rc = L.controllerOf(r), sc = L.controllerOf(s);
      if (rc !== sc) flows.push([sc, rc, f]);
    }
  }
  const crossings = flows.reduce((a, [, , f]) => a + f, 0);
  const interventions = interventionsOf.reduce((a, b) => a + b, 0);

  // each controller's buffer memory: frames entering it from its hosts or the fabric, one write and one read each;
  // and, for each frame received on its ports, its forwarding engine's two address-table entry reads
  // (the table lives in the buffer memory). New source addresses (an entry write here, and a
  // NEW_ADDRESS message to every other device) do not occur in the standard setting: the firmware
  // writes every host's MAC as a static entry (docs/hardware.md, item 10), so no term
  const mem = { ...DEFAULT_DRAM, ...DEFAULT_GT48002.memory };
  const accessPs = (l: number) => ((mem.requestOverheadClocks + mem.firstAccessClocks + (Math.ceil(l / mem.widthBytes) - 1) * mem.burstClocks) * 1e12) / mem.tclkHz;
  const memAccessPs = imixMean(accessPs), entryPs = accessPs(DEFAULT_GT48002.tableEntryBytes);
  const decisionPs = TABLE_READS_PER_DECISION * entryPs + (DEFAULT_GT48002.forwardingClocks * 1e12) / DEFAULT_GT48002.coreClockHz;
  L.controllers.forEach((c, i) => {
    let entering = 0, received = 0;
    for (const p of L.routerPorts) if (L.controllerOf(p) === i) received += inFps;
    for (const p of L.serverPorts) if (L.controllerOf(p) === i) received += outFps;
    entering = received;
    for (const [, dst, f] of flows) if (dst === i) entering += f;
    add(`${c.name}.buffer`, "controller buffer", (2 * entering * memAccessPs + TABLE_READS_PER_DECISION * received * entryPs) / 1e12, 0,
      `(${fmt(entering)} frames/s x 2 accesses x ${fmt(memAccessPs / 1000)} ns + ${fmt(received)} decisions/s x ${TABLE_READS_PER_DECISION} table entry reads x ${fmt(entryPs / 1000)} ns) (${mem.widthBytes * 8}-bit, ${mem.requestOverheadClocks}+${mem.firstAccessClocks}+${mem.burstClocks}/beat at ${mem.tclkHz / 1e6} MHz)`);
    add(`${c.name}.decide`, "forwarding engine", (received * decisionPs) / 1e12, 0,
      `${fmt(received)} decisions/s x ${fmt(decisionPs / 1000)} ns (${TABLE_READS_PER_DECISION} entry reads + ${DEFAULT_GT48002.forwardingClocks} clocks at ${DEFAULT_GT48002.coreClockHz / 1e6} MHz), one engine per device`);
  });

  // the fabric
  const ic = spec.interconnect;
  if (ic.kind === "pci") {
    const width = ic.widthBits / 8, devsel = 1; // medium DEVSEL, every target (GT-48001A)
    const tenure = (bytes: number) => 1 + devsel + Math.max(1, Math.ceil(bytes / width)) + 1;
    const perCrossing = imixMean((l) => galnetTransactions(l).reduce((a, [, b]) => a + tenure(b), 0));
    const readClocks = 1 + devsel + 1 + DEFAULT_TARGET.initialLatencyClocks + Math.max(1, Math.ceil(4 / width)) + 1;
    const perIntervention = readClocks + 2 * tenure(4); // the cause register read, then hand-back and buffer-return posted writes
    const name = ic.placement === "external" ? "pci" : "pci.onboard";
    // 5E's CPLD hands its misses to the CPU on the CPU board: no controller register is read for them
    const interrupted = cpuPath ? interventions : 0;
    add(name, "fabric", (crossings * perCrossing + interrupted * perIntervention) / ic.clockHz, 0,
      `(${fmt(crossings)} crossings/s x ${fmt(perCrossing, 1)} clocks (GalNet, ${ic.widthBits}-bit) + ${fmt(interrupted)} interventions/s x ${perIntervention} clocks (register read ${readClocks}, 2 posted writes)) / ${fmt(ic.clockHz / 1e6, 2)} MHz`);
  } else if (ic.kind === "buffer-memory-arbiter") {
    const p = { ...DEFAULT_BMA, ...ic };
    const access = (l: number) => p.overheadClocks + p.firstAccessClocks + (Math.ceil(l / (p.widthBits / 8)) - 1) * p.burstClocks;
    const perAccess = imixMean(access);
    // a crossing is a write by its source and a read by its destination; the CPU board's packet
    // buffers are in the shared memory, so a crossing to it is a write alone and one from it a read alone
    const accesses = flows.reduce((a, [s, d, f]) => a + f * ((s < 0 ? 0 : 1) + (d < 0 ? 0 : 1)), 0);
    const cpuLines = interventions * (costs.sharedBufferAccessesPerIntervention ?? 0);
    add("bma", "fabric", (accesses * perAccess + cpuLines * access(32)) / p.clockHz, 0,
      `(${fmt(accesses)} frame accesses/s x ${fmt(perAccess, 1)} clocks (${p.widthBits}-bit) + ${fmt(cpuLines)} CPU line accesses/s x ${access(32)} clocks) / ${fmt(p.clockHz / 1e6, 2)} MHz`);
  } else {
    const p = { ...DEFAULT_CROSSBAR, ...ic };
    const cellPs = Math.round((p.cellBytes * 8 * 1e6) / p.portMbps);
    const holdPs = imixMean((l) => p.connectPs + Math.ceil(l / p.cellBytes) * cellPs);
    // the crossbar saturates at its busiest endpoint, input or output
    const perEp = new Map<number, { in: number; out: number }>();
    for (const [s, d, f] of flows) {
      perEp.set(s, { in: (perEp.get(s)?.in ?? 0) + f, out: perEp.get(s)?.out ?? 0 });
      perEp.set(d, { in: perEp.get(d)?.in ?? 0, out: (perEp.get(d)?.out ?? 0) + f });
    }
    let worst = 0, where = "";
    for (const [ep, x] of perEp) {
      const m = Math.max(x.in, x.out);
      if (m > worst) (worst = m), (where = ep < 0 ? `${cpuBoardName(spec, CPU_EP - ep)}'s port` : `${L.controllers[ep]!.name}'s port`);
    }
    add("crossbar", "fabric", (worst * holdPs) / 1e12, 0, `${fmt(worst)} frames/s at ${where} x ${fmt(holdPs / 1000)} ns held (${p.connectPs / 1000} ns set-up + ${p.cellBytes}-byte cells at ${p.portMbps} Mb/s)`);
  }

  // the translators' look-up engines: a hit reads the first way (a set mostly holds one flow: the tables
  // are sized well above the open flows), a miss reads every way
  const tr = spec.translator;
  if (tr) {
    const ways = 4;
    const probes = (miss: number) => miss * ways + (1 - miss);
    if (tr.kind === "cpld") {
      const fixedPs = Math.round((tr.lookupClocks * 1e12) / tr.clockHz), entryPs = Math.ceil(ENTRY_BYTES / (tr.dpsramWidthBytes ?? 4)) * tr.dpsramAccessPs;
      const miss = tableMissShare(spec, w, L, L.routerPorts[0]!), per = fixedPs + probes(miss) * entryPs;
      add("cpld", "translator", (nR * inFps * per) / 1e12, 0,
        `${fmt(nR * inFps)} look-ups/s x (${fmt(fixedPs / 1000)} ns fixed + ${fmt(probes(miss), 2)} ways x ${fmt(entryPs / 1000)} ns per entry read)`);
    } else {
      for (const r of L.routerPorts) {
        const miss = tableMissShare(spec, w, L, r), per = (1 + probes(miss)) * tr.lookupPs;
        add(`${L.controllers[L.controllerOf(r)]!.name}.p${r & 1}.asic`, "translator", (inFps * per) / 1e12, 0,
          `${fmt(inFps)} look-ups/s x (1 + ${fmt(probes(miss), 2)} ways) x ${fmt(tr.lookupPs / 1000)} ns`);
      }
    }
  }

  // the CPU and its memories
  const clock = spec.cpu.clockHz ?? 133_000_000;
  const c = costs.cyclesPerPath;
  const est = c["established"] ?? c["newFlow"] ?? 0, fresh = c["newFlow"] ?? est;
  // of the frames reaching the CPU, the share that open a flow: all of them behind a translator whose table holds the open flows
  const pNew = Math.min(1, (1 / w.packetsPerFlow) * (interventions > 0 ? (nR * inFps) / interventions : 1));
  const perFrame = (1 - pNew) * est + pNew * fresh;
  // control-plane jobs go round robin over the CPUs (Board.runOnCpu)
  const controlJobs = costs.controlJobsPerSecond / spec.cpus;
  const control = controlJobs * (c["control"] ?? 0);
  for (let i = 0; i < spec.cpus; i++) {
    const x = interventionsOf[i]!;
    const t = add(`${cpuBoardName(spec, i)}.cpu`, "cpu", (x * perFrame) / clock, control / clock,
      `${fmt(x)} interventions/s x ${fmt(perFrame)} cycles (established ${fmt(est)} x ${fmt(1 - pNew, 2)} + new flow ${fmt(fresh)} x ${fmt(pNew, 2)}) + ${fmt(controlJobs)} control jobs/s x ${fmt(c["control"] ?? 0)} cycles, at ${clock / 1e6} MHz`);
    if (t) t.cyclesPerIntervention = perFrame;
  }
  // the DRAM's refresh holds it a fixed share of the time at any load (GT-64010: 5 TClk every 780)
  const refresh = refreshShare({ ...GT64010_DRAM, ...spec.dram });
  for (const [m, ps] of Object.entries(costs.memoryPsPerIntervention)) {
    const r = m.endsWith(".dram") ? refresh : 0;
    const fixed = (costs.memoryPsPerSecondControl[m] ?? 0) / 1e12 + r;
    add(m, "cpu memory", (interventions * ps) / 1e12, fixed, `${fmt(interventions)} interventions/s x ${fmt(ps / 1000)} ns busy each (measured)${r > 0 ? ` + refresh ${fmt(r * 100, 2)} % of the time` : ""}`);
  }

  terms.sort((a, b) => a.load - b.load || a.resource.localeCompare(b.resource));
  const first = terms[0]!;
  return {
    load: first.load, resource: first.resource, kind: first.kind,
    inboundMbps: (first.load * nR * w.inboundBpsPerRouter) / 1e6, outboundMbps: (first.load * nS * w.outboundBpsPerServer) / 1e6,
    terms, perResource: Object.fromEntries(terms.map((t) => [t.resource, t.load])),
  };
}

/** The load at which the first port saturates: the most any board can carry in the setting. */
export function portLimitLoad(spec: BoardSpec, w: WorkloadRates): number {
  const b = analyticBound(spec, w, { cyclesPerPath: {}, controlJobsPerSecond: 0, memoryPsPerIntervention: {}, memoryPsPerSecondControl: {}, source: "" });
  return Math.min(...b.terms.filter((t) => t.kind.includes("port")).map((t) => t.load));
}

/** The kind of a simulated resource in the setting, to match a simulated bottleneck with a bound's term. */
export function resourceKind(L: SettingLayout, resource: string): ResourceKind | undefined {
  for (const p of L.routerPorts) {
    if (resource === L.portResource(p, "in")) return "router port in";
    if (resource === L.portResource(p, "out")) return "router port out";
  }
  for (const p of L.serverPorts) {
    if (resource === L.portResource(p, "in")) return "server port in";
    if (resource === L.portResource(p, "out")) return "server port out";
  }
  if (resource.endsWith(".buffer")) return "controller buffer";
  if (resource.endsWith(".decide")) return "forwarding engine";
  if (resource === "pci" || resource === "pci.onboard" || resource === "bma" || resource === "crossbar") return "fabric";
  if (resource.endsWith(".cpu")) return "cpu";
  if (resource.endsWith(".dram") || resource === "fsram") return "cpu memory";
  if (resource === "cpld" || resource.endsWith(".asic")) return "translator";
  return undefined;
}
