/**
 * A conventional PCI bus at the transaction level (`--timing tlm`, docs/performance.md
 * "Transaction-level mode"; issue 18 part 3): the bus as a processor-sharing server (PsServer) on
 * its clock, each master a class. A transaction (a CPU register read, a posted write) or a whole
 * GalNet frame transfer (TlmPciFabric) is one job whose demand is the clocks its tenures hold the
 * bus in the cycle-level model (bus.ts: address, DEVSEL wait, read turnaround and initial latency,
 * data phases, the turnaround after; docs/hardware.md §4, §10.1), so a lone transaction takes the
 * cycle-level time, plus the arbitration of an idle bus. Round-robin arbitration of tenures is
 * approximated as sharing the bus equally between the masters that request it, and a master's
 * queue, served in turn, as sharing its slice between its jobs. A transaction the CPU waits for
 * without an event (TlmPciMaster.finishTime, the bridge's readFinish) takes round robin's own mean
 * wait instead: half a round of the other masters' tenures, a whole round behind this master's
 * previous transaction (PsServer.roundRobinFinish). Left out: the latency timer's cut
 * (a 32-byte GalNet burst never reaches it), which tenure goes first within a round, and the
 * bus's phases (no VCD in this mode).
 *
 * Occupancy charged while the bus holds nothing else (a master's posted writes and register reads
 * the CPU waited for without an event: `background`) is kept here, not as a server job (`lone`):
 * alone, a processor-sharing job is served at the full rate, so its end is known and needs no
 * completion event; when another master's transaction or estimate would meet it, what is left of it
 * becomes the server's job, the state it would have had. Fig 5D's local bus, which carries the CPU's
 * register accesses and nothing else, then has no events at all.
 *
 * Statistics as the cycle-level bus reports them (utilisation, bytes, per-master share and queue
 * high water); a master's "grant wait" here is its jobs' time beyond their own demand.
 */
import { LoneOccupancy } from "../../sim/lone-occupancy.ts";
import type { Simulator } from "../../sim/simulator.ts";
import { PsJob, PsServer } from "../../sim/ps-server.ts";
import { LatencyHistogram } from "../../sim/stats/latency-histogram.ts";
import type { Probes } from "../../sim/stats/probes.ts";
import { DEFAULT_MASTER, DEFAULT_PCI, DEFAULT_TARGET, pciDataPhaseClocks, pciOverheadClocks, type PciBusParams, type PciMasterParams, type PciTargetParams } from "./bus.ts";
import type { PciTransaction } from "./transaction.ts";

export class TlmPciMaster {
  /** Jobs in service (transactions and transfers): at most `params.queueDepth`. */
  active = 0;
  transactions = 0;
  tenures = 0;
  bytes = 0;
  occupiedClocks = 0;
  refused = 0;
  readonly grantWait = new LatencyHistogram();
  private readonly free: PsJob[] = [];
  private readonly txnOf: (PciTransaction | undefined)[] = [];
  private readonly onJobDone = (j: PsJob) => this.jobDone(j);

  constructor(private readonly bus: TlmPciBus, readonly cls: number, readonly name: string, readonly params: PciMasterParams) {}

  get full(): boolean {
    return this.active >= this.params.queueDepth;
  }

  /** Queues a transaction; false when the master has `queueDepth` jobs in service. Its `onComplete` when served. */
  trySubmit(t: PciTransaction): boolean {
    if (this.full) {
      this.refused++;
      return false;
    }
    t.remaining = t.bytes;
    t.tenures = 1;
    t.queuedAt = this.bus.now;
    let j = this.free.pop();
    if (!j) {
      j = new PsJob(this.onJobDone);
      j.tag = this.txnOf.length;
      this.txnOf.push(undefined);
    }
    this.txnOf[j.tag] = t;
    const clocks = this.bus.tenureClocks(t.command, t.target, t.bytes);
    this.start(j, clocks, t.bytes, 1, this.bus.dataPhases(t.target, t.bytes));
    return true;
  }

  /** Starts a job of `clocks` (a transaction, or a transfer's tenures, `dataClocks` of them data phases) for this master, counted as `tenures` tenures moving `bytes`. */
  start(j: PsJob, clocks: number, bytes: number, tenures: number, dataClocks: number): void {
    this.active++;
    this.transactions++;
    this.tenures += tenures;
    this.bytes += bytes;
    this.occupiedClocks += clocks;
    j.demand = clocks;
    j.grant = clocks / tenures;
    j.cls = this.cls;
    this.bus.charge(clocks, bytes, tenures, dataClocks);
    this.bus.shareLone();
    this.bus.server.submit(j);
  }

  /** A job of this master ended (TlmPciFabric calls it for transfers). */
  ended(j: PsJob): void {
    this.active--;
    this.grantWait.record(Math.max(0, j.doneAt - j.submittedAt - this.bus.clocksPs(j.demand)));
  }

  private jobDone(j: PsJob): void {
    this.ended(j);
    const t = this.txnOf[j.tag]!;
    this.txnOf[j.tag] = undefined;
    this.free.push(j);
    t.grantedAt = j.submittedAt;
    t.doneAt = j.doneAt;
    t.remaining = 0;
    t.onComplete(t);
  }

  /**
   * When a transaction (one tenure) issued `at` ps from now would end, ps from now, from the bus's present
   * occupancy: under round-robin arbitration half a round of the other masters' tenures (a whole
   * round when it is queued behind this master's previous transaction, `afterOwn`, `at` being that
   * one's end), then its own (PsServer.roundRobinFinish); under fixed priority the processor
   * sharing (finishTime).
   */
  finishTime(command: "write" | "read", target: number, bytes: number, at: number, afterOwn = false): number {
    const bus = this.bus, clocks = bus.tenureClocks(command, target, bytes), s = bus.server, rr = bus.params.arbiter === "round-robin";
    // this master's own occupancy alone on the bus: round robin has no one else to wait for (the bus is not idle: no arbitration of an idle bus)
    if (rr && bus.loneOf(this.cls) && s.size === 0) return s.clock.delayToEdgeAtOrAfter(bus, Math.ceil(at + clocks * s.clock.periodPs - 1));
    bus.shareLone();
    return rr ? s.roundRobinFinish(clocks, this.cls, at, afterOwn) : s.finishTime(clocks, this.cls, at);
  }

  /** Charges a transaction nobody waits for (a posted write whose wait was taken from occupancy). */
  background(command: "write" | "read", target: number, bytes: number): void {
    const clocks = this.bus.tenureClocks(command, target, bytes);
    this.transactions++;
    this.tenures++;
    this.bytes += bytes;
    this.occupiedClocks += clocks;
    this.bus.charge(clocks, bytes, 1, this.bus.dataPhases(target, bytes));
    this.bus.occupy(clocks, this.cls);
  }
}

export class TlmPciBus {
  readonly params: PciBusParams;
  readonly server: PsServer;
  readonly masters: TlmPciMaster[] = [];
  private readonly targets: PciTargetParams[] = [];
  private readonly targetNames: string[] = [];
  occupiedClocks = 0;
  dataClocks = 0;
  bytes = 0;
  tenures = 0;
  /** Occupancy charged on an otherwise empty bus, not yet a server job (its owner a master's class). */
  private readonly lone: LoneOccupancy;

  constructor(private readonly sim: Simulator, readonly name: string, params: Partial<PciBusParams> = {}) {
    this.params = { ...DEFAULT_PCI, ...params };
    const p = this.params;
    if (p.widthBits !== 32 && p.widthBits !== 64) throw new RangeError(`${name}: widthBits must be 32 or 64`);
    this.server = new PsServer(sim, name, p.clockHz, 1, p.arbitrationClocks);
    this.lone = new LoneOccupancy(sim);
    sim.onResetStats((now) => {
      this.lone.restart(now);
      this.occupiedClocks = this.dataClocks = this.bytes = this.tenures = 0;
      for (const m of this.masters) {
        m.transactions = m.tenures = m.bytes = m.occupiedClocks = m.refused = 0;
        m.grantWait.reset();
      }
    });
  }

  get now(): number {
    return this.sim.now;
  }

  addTarget(name: string, params: Partial<PciTargetParams> = {}): number {
    const t = { ...DEFAULT_TARGET, ...params };
    if (t.initialLatencyClocks > 16) throw new RangeError(`${this.name}: target ${name} initial latency ${t.initialLatencyClocks} exceeds PCI 2.1's 16 clocks`);
    this.targets.push(t);
    this.targetNames.push(name);
    return this.targets.length - 1;
  }

  addMaster(name: string, params: Partial<PciMasterParams> = {}): TlmPciMaster {
    const m = new TlmPciMaster(this, this.server.addClass(name), name, { ...DEFAULT_MASTER, ...params });
    this.masters.push(m);
    return m;
  }

  /** Bus clocks one tenure of `bytes` to `target` holds the bus, turnaround included (as the cycle-level bus's). */
  tenureClocks(command: "write" | "read", target: number, bytes: number): number {
    const t = this.targets[target]!;
    return pciOverheadClocks(command, t) + pciDataPhaseClocks(this.params.widthBits, bytes, t) + this.params.turnaroundClocks;
  }

  /** Data-phase clocks of `bytes` to `target` (for the data efficiency statistic). */
  dataPhases(target: number, bytes: number): number {
    return pciDataPhaseClocks(this.params.widthBits, bytes, this.targets[target]!);
  }

  clocksPs(clocks: number): number {
    return clocks * this.server.clock.periodPs;
  }

  /** Accounts a job's tenures (bus-wide counters). */
  charge(clocks: number, bytes: number, tenures: number, dataClocks: number): void {
    this.occupiedClocks += clocks;
    this.bytes += bytes;
    this.tenures += tenures;
    this.dataClocks += dataClocks;
  }

  /** Whether class `cls` has occupancy charged alone still going. */
  loneOf(cls: number): boolean {
    return this.lone.activeFor(cls);
  }

  /** Charges `clocks` of class `cls` nobody waits for: alone (no event) on an otherwise empty bus, else as the server's background work. */
  occupy(clocks: number, cls: number): void {
    if (this.server.size === 0 && (this.lone.owner < 0 || this.lone.owner === cls)) {
      // on an idle bus its arbitration first, as the server charges a job arriving at an idle bus
      const period = this.server.clock.periodPs;
      this.lone.add(cls, clocks * period, clocks, this.server.idleStartClocks * period);
      return;
    }
    this.shareLone();
    this.server.background(clocks, cls);
  }

  /** Makes what is left of the occupancy charged alone a server job (something else is about to share the bus). */
  shareLone(): void {
    if (!this.lone.active()) return;
    const cls = this.lone.owner, grant = this.lone.grant, left = this.lone.take(); // the server counts it from now
    // the server charges a job arriving at an idle bus its arbitration, which `left` already holds
    const s = this.server, clocks = left / s.clock.periodPs - (s.size === 0 ? s.idleStartClocks : 0);
    s.background(clocks, cls, grant);
  }

  /** Busy time (ps) since the statistics last restarted: the server's and the occupancy charged alone (up to `now`). */
  busyPs(now: number): number {
    return this.server.busyPs(now) + this.lone.busyPs - this.lone.ahead(now);
  }

  /** Nothing is deferred at the transaction level (the cycle-level bus's settle). */
  settle(): void {}

  get inFlight(): number {
    return this.server.size;
  }

  probes(): Probes {
    return {
      busy: [{ name: this.name, busyPs: (now) => this.busyPs(now) }],
      queues: this.masters.map((m) => ({ name: `${this.name}.${m.name}`, depth: () => m.active })),
    };
  }

  read(now: number) {
    const masters: Record<string, { transactions: number; tenures: number; bytes: number; share: number; grantWaitUs: ReturnType<LatencyHistogram["read"]>; queueHighWater: number; refused: number }> = {};
    for (const m of this.masters) {
      masters[m.name] = {
        transactions: m.transactions, tenures: m.tenures, bytes: m.bytes, share: this.occupiedClocks ? m.occupiedClocks / this.occupiedClocks : 0,
        grantWaitUs: m.grantWait.read(), queueHighWater: this.server.highWater[m.cls]!, refused: m.refused,
      };
    }
    const u = this.server.read(now);
    const utilization = this.lone.busyPs !== 0 || this.lone.owner >= 0 ? (u.elapsedPs > 0 ? Math.min(1, this.busyPs(now) / u.elapsedPs) : 0) : u.utilization;
    return {
      clockMHz: this.params.clockHz / 1e6, widthBits: this.params.widthBits, utilization,
      dataEfficiency: this.occupiedClocks ? this.dataClocks / this.occupiedClocks : 0,
      bytes: this.bytes, mbytesPerSecond: u.elapsedPs ? this.bytes / (u.elapsedPs / 1e12) / 1e6 : 0, tenures: this.tenures, masters,
    };
  }
}
