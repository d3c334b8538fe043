/**
 * A conventional PCI bus (PCI 2.1; docs/hardware.md §4): 32 or 64 bits wide, 33.33 MHz by default,
 * one central arbiter (round robin by default, or fixed priority) with hidden arbitration, and
 * transactions timed clock by clock on the bus clock:
 *
 *   [arbitration, only if the bus was idle] address (1) + DEVSEL wait (fast 0, medium 1, slow 2)
 *   + for reads: turnaround (1) + target initial latency
 *   + data phases: ceil(bytes / width) x (1 + target wait states)
 *   + turnaround idle (1) before the next tenure.
 *
 * So an N-dword write to a medium-DEVSEL, zero-wait target holds the bus N + 3 clocks (§10.1): 11
 * clocks (330 ns) for a 32-byte burst. The next owner is chosen while a tenure runs (hidden
 * arbitration) and starts right after the turnaround. A master's latency timer (PCI 2.1
 * §3.5.4): when other masters are requesting at the start of a tenure and the burst would run past
 * `latencyTimerClocks`, it stops at that data phase; the rest is re-queued at the head of the
 * master's queue as a continuation, with a new address phase. (The cut is decided at the tenure's
 * start: a request arriving mid-tenure does not shorten it.)
 *
 * Masters queue transactions (`trySubmit`, false when full, `onRetry` when space frees): no
 * polling. An idle bus schedules nothing. Statistics: utilisation (clocks occupied by tenures,
 * turnaround included, over elapsed), data-phase efficiency, bytes, per-master share and grant wait.
 *
 * Deferred completions: a tenure of a `deferrable` transaction (a GalNet data burst, whose
 * completion only queues the next burst on the same master) schedules no end-of-data event. The
 * bus reserves the time and order key that event would have had (`Simulator.reserve`) and runs
 * the completion, as of its time, when anything could first see it: at the end of the tenure's
 * turnaround (before arbitrating), at any submission to the bus and any statistics read, or at
 * the end of a run, if by then the event would have run (`Simulator.isDue`). If the master's
 * queue fills meanwhile (its completion would call `onRetry`), the event is queued after all,
 * in its reserved slot. Same results, about a quarter fewer queued events on the PCI boards.
 *
 * Lazy arbitration (the default; it replaces deferred completions): a tenure's end of turnaround
 * is not an event. At the end of data the bus decides, as hidden arbitration would at the end of
 * the turnaround, which master goes next (round robin, the latency-timer cut) and schedules that
 * tenure's end of data at once; the end of turnaround keeps its time and order key
 * (`Simulator.reserve`), and the decision's effects (statistics, the round robin's pointer) are
 * applied as of that time when anything could first see them: at the next end of data, at any
 * submission, statistics read or run end that comes after it (`Simulator.isDue`). A submission
 * before the end of turnaround decides again with it (it could change the round robin's pick or
 * the cut). With no master waiting the bus goes idle as of the end of turnaround, and the next
 * submission arbitrates an idle bus. One event per tenure instead of two; byte-identical results
 * in runs with an end time (test/hw/pci-lazy.test.ts, test/hw/pci-techniques-unit.test.ts; a run
 * with none, `run()`, ends at the last end of data, one turnaround before the event-by-event bus's
 * last event). VCD tracing uses the event-by-event path.
 */
import { ClockDomain } from "../../sim/clock.ts";
import type { SimEvent } from "../../sim/event.ts";
import { Priority } from "../../sim/priority.ts";
import { Ring } from "../../sim/ring.ts";
import type { Simulator } from "../../sim/simulator.ts";
import { LatencyHistogram } from "../../sim/stats/latency-histogram.ts";
import { Utilization } from "../../sim/stats/time-weighted.ts";
import type { VcdSignal, VcdWriter } from "../../sim/trace/vcd.ts";
import type { Probes } from "../../sim/stats/probes.ts";
import { PciTransaction } from "./transaction.ts";

export type Devsel = "fast" | "medium" | "slow";
const DEVSEL_WAIT: Record<Devsel, number> = { fast: 0, medium: 1, slow: 2 };

export interface PciBusParams {
  /** Bus clock in Hz. Default 33,333,333 (§4 "Clock / period": 33.33 MHz / 30 ns). */
  clockHz: number;
  /** Data width in bits, 32 or 64. Default 32 (§4). */
  widthBits: 32 | 64;
  /** Arbitration policy. Default round robin (assumption: the spec leaves it to the arbiter). */
  arbiter: "round-robin" | "fixed-priority";
  /** Clocks to grant an idle bus. Default 1 (§10.1 "if arbitration is not hidden: +1-2 clk"). */
  arbitrationClocks: number;
  /** Idle clocks between tenures. Default 1 (§4 "Turnaround"). */
  turnaroundClocks: number;
}

export const DEFAULT_PCI: PciBusParams = { clockHz: 33_333_333, widthBits: 32, arbiter: "round-robin", arbitrationClocks: 1, turnaroundClocks: 1 };

export interface PciTargetParams {
  /** DEVSEL decode speed. Default medium (the GT-48001A's, §3 "DEVSEL timing"). */
  devsel: Devsel;
  /**
   * Clocks from the address phase to the first read data. Default 16: PCI 2.1's ceiling for a
   * target's initial latency (docs/hardware.md, PCI "Target initial latency"). The targets the CPU
   * reads are GT-48002 registers, whose own figure is not published; the slowest legal target is
   * the one sourced value (docs/hardware.md §10.5 estimates 1-2 us for a register read round trip).
   */
  initialLatencyClocks: number;
  /** Wait states per data phase. Default 0 (§10.1). */
  dataWaitStates: number;
}

export const DEFAULT_TARGET: PciTargetParams = { devsel: "medium", initialLatencyClocks: 16, dataWaitStates: 0 };

export interface PciMasterParams {
  /** Latency timer in bus clocks. Default 32 (assumption: a common BIOS setting for bus masters). */
  latencyTimerClocks: number;
  /** Transactions the master may queue. Default 32 (assumption). */
  queueDepth: number;
}

/** Bus clocks before a tenure's first data phase: address (1), DEVSEL wait, and for reads turnaround (1) and the target's initial latency (§10.1). */
export function pciOverheadClocks(command: "write" | "read", t: PciTargetParams): number {
  return 1 + DEVSEL_WAIT[t.devsel] + (command === "read" ? 1 + t.initialLatencyClocks : 0);
}

/** Bus clocks of the data phases of `bytes` on a `widthBits` bus, with the target's wait states. */
export function pciDataPhaseClocks(widthBits: number, bytes: number, t: PciTargetParams): number {
  const phases = Math.max(1, Math.ceil(bytes / (widthBits / 8)));
  return phases + Math.max(0, phases - 1) * t.dataWaitStates;
}

export const DEFAULT_MASTER: PciMasterParams = { latencyTimerClocks: 32, queueDepth: 32 };

/** Whether buses defer completions (see above). A simulation technique with no effect on results: off only for the differential test. */
let deferCompletions = true;
export function setDeferredCompletions(on: boolean): void {
  deferCompletions = on;
}

/** Whether buses arbitrate lazily (see "Lazy arbitration" above). A simulation technique with no effect on results: off only for the differential test. */
let lazyArbitration = true;
export function setLazyArbitration(on: boolean): void {
  lazyArbitration = on;
}

export class PciMaster {
  readonly queue: Ring<PciTransaction>;
  onRetry: () => void = () => {};
  /** Whether the owner holds transactions it could not queue (its completions would then not just queue the next). */
  backlogged: () => boolean = () => false;
  transactions = 0;
  tenures = 0;
  bytes = 0;
  occupiedClocks = 0;
  readonly grantWait = new LatencyHistogram();
  refused = 0;
  req: VcdSignal | undefined;
  gnt: VcdSignal | undefined;

  constructor(private readonly bus: PciBus, readonly id: number, readonly name: string, readonly params: PciMasterParams) {
    this.queue = new Ring(params.queueDepth);
  }

  /** Queues a transaction; false when the queue is full (onRetry fires when space frees). */
  trySubmit(t: PciTransaction): boolean {
    this.bus.settle(); // a completion due before this submission goes first
    if (this.queue.full) {
      this.refused++;
      return false;
    }
    t.remaining = t.bytes;
    t.tenures = 0;
    t.queuedAt = this.bus.now;
    this.queue.push(t);
    this.bus.requested(this);
    return true;
  }
}

interface Target {
  name: string;
  params: PciTargetParams;
  /** Bus clocks before the first data phase of a write and of a read (pciOverheadClocks), computed once. */
  overWrite: number;
  overRead: number;
}

export class PciBus {
  readonly params: PciBusParams;
  readonly clock: ClockDomain;
  readonly masters: PciMaster[] = [];
  private readonly targets: Target[] = [];
  private owner: PciMaster | undefined;
  private current: PciTransaction | undefined;
  private cut = false;
  private lastGranted = -1; // round robin starts after the last master granted
  private busy = false;
  /** The cycle at which the current tenure frees the bus. */
  private freeCycle = 0;
  private readonly dataDone: SimEvent;
  private readonly free: SimEvent;
  private readonly util: Utilization;
  occupiedClocks = 0;
  dataClocks = 0;
  bytes = 0;
  tenures = 0;
  private vcd: { w: VcdWriter; owner: VcdSignal; phase: VcdSignal; frame: VcdSignal; irdy: VcdSignal; trdy: VcdSignal; devsel: VcdSignal } | undefined;
  /** A tenure's completion waiting to be run (see "Deferred completions"); `dataDone` holds its reserved time and key. */
  private deferred = false;
  /** While a deferred completion runs: its time, which `now` reports to the owner. */
  private nowOverride = -1;
  /** Lazy arbitration: the current tenure's end of turnaround is reserved in `free`, not queued. */
  private freeLazy = false;
  /** Lazy arbitration: the current tenure's data has ended (its completion ran). */
  private dataEnded = false;
  /** Lazy arbitration: the next tenure is decided and its end of data queued; its effects wait for `free`'s time. */
  private planned = false;
  private planMaster: PciMaster | undefined;
  private planBytes = 0;
  private planOver = 0;
  private planData = 0;
  private planCut = false;

  constructor(private readonly sim: Simulator, readonly name: string, params: Partial<PciBusParams> = {}) {
    this.params = { ...DEFAULT_PCI, ...params };
    const p = this.params;
    if (p.widthBits !== 32 && p.widthBits !== 64) throw new RangeError(`${name}: widthBits must be 32 or 64`);
    this.clock = new ClockDomain(`${name}.clk`, p.clockHz);
    this.util = new Utilization(sim.now);
    this.dataDone = sim.event(`${name}.dataDone`, () => this.endOfData(), Priority.Deliver);
    this.free = sim.event(`${name}.free`, () => this.release(), Priority.Arbitrate);
    sim.onSettle(() => this.settle());
    sim.onResetStats((now) => this.resetStats(now));
  }

  /** Restarts counters and utilisation (a warm-up's end), after running any completion due by now. */
  resetStats(now: number): void {
    this.settle();
    this.util.restart(now);
    this.occupiedClocks = this.dataClocks = this.bytes = this.tenures = 0;
    for (const m of this.masters) {
      m.transactions = m.tenures = m.bytes = m.occupiedClocks = m.refused = 0;
      m.grantWait.reset();
      m.queue.resetStats();
    }
  }

  /** Simulation time, or a deferred completion's own time while it runs. */
  get now(): number {
    return this.nowOverride >= 0 ? this.nowOverride : this.sim.now;
  }

  /** Runs the deferred completion if its end-of-data event would have run by now; applies a lazy end of turnaround that is due. */
  settle(): void {
    if (this.deferred && this.sim.isDue(this.dataDone)) this.completeDeferred();
    if (this.freeLazy && this.dataEnded && this.sim.isDue(this.free)) this.passFree();
  }

  /** Lazy arbitration: the end of turnaround has passed; the planned tenure starts, or the bus went idle, as of its time. */
  private passFree(): void {
    this.sim.countDeferredEvent(); // the end-of-turnaround event it stands for
    if (this.planned) return this.commitPlan();
    this.freeLazy = false;
    this.busy = false;
    this.owner = undefined;
    this.current = undefined;
    this.util.idleIn(this.sim, this.free.when - this.sim.now);
  }

  private completeDeferred(): void {
    this.deferred = false;
    this.nowOverride = this.dataDone.when;
    this.sim.countDeferredEvent();
    this.finishData();
    this.nowOverride = -1;
  }

  addTarget(name: string, params: Partial<PciTargetParams> = {}): number {
    const t = { ...DEFAULT_TARGET, ...params };
    if (t.initialLatencyClocks > 16) throw new RangeError(`${this.name}: target ${name} initial latency ${t.initialLatencyClocks} exceeds PCI 2.1's 16 clocks`);
    this.targets.push({ name, params: t, overWrite: pciOverheadClocks("write", t), overRead: pciOverheadClocks("read", t) });
    return this.targets.length - 1;
  }

  addMaster(name: string, params: Partial<PciMasterParams> = {}): PciMaster {
    const m = new PciMaster(this, this.masters.length, name, { ...DEFAULT_MASTER, ...params });
    this.masters.push(m);
    return m;
  }

  /** Bus clocks one tenure of `bytes` to `target` takes, turnaround included (no arbitration). */
  tenureClocks(command: "write" | "read", target: number, bytes: number): number {
    const t = this.targets[target]!.params;
    return this.overheadClocks(command, t) + this.dataPhaseClocks(bytes, t) + this.params.turnaroundClocks;
  }

  private overheadClocks(command: "write" | "read", t: PciTargetParams): number {
    return pciOverheadClocks(command, t);
  }

  private dataPhaseClocks(bytes: number, t: PciTargetParams): number {
    return pciDataPhaseClocks(this.params.widthBits, bytes, t);
  }

  /** Called by a master when it queued work. */
  requested(m: PciMaster): void {
    // the owner's queue is full: its deferred completion would call onRetry, so it must run as an event
    if (this.deferred && m === this.owner && m.queue.full) {
      this.deferred = false;
      this.sim.enqueueReserved(this.dataDone);
    }
    if (this.vcd && m.req) this.vcd.w.change(m.req, this.sim.now, 0);
    if (this.freeLazy && this.dataEnded) {
      if (this.sim.isDue(this.free)) this.passFree(); // the turnaround ended before this request
      else return this.plan(); // decide again, with this request
    }
    if (!this.busy) this.grant(true);
  }

  /** The master arbitration grants next (no state changed). */
  private peek(): PciMaster | undefined {
    const n = this.masters.length;
    if (this.params.arbiter === "fixed-priority") return this.masters.find((m) => m.queue.size > 0);
    for (let i = 1, k = this.lastGranted + 1; i <= n; i++, k++) {
      if (k >= n) k -= n;
      const m = this.masters[k]!;
      if (m.queue.size > 0) return m;
    }
    return undefined;
  }

  private othersWaiting(m: PciMaster): boolean {
    for (const o of this.masters) if (o !== m && o.queue.size > 0) return true;
    return false;
  }

  /** Decides master `m`'s next tenure: its overhead, bytes, data phases and whether the latency timer cuts it (into plan*). */
  private decide(m: PciMaster): void {
    const t = m.queue.peek()!;
    const tg = this.targets[t.target]!, tp = tg.params;
    const over = t.command === "write" ? tg.overWrite : tg.overRead;
    let bytes = t.remaining;
    let data = this.dataPhaseClocks(bytes, tp);
    let cut = false;
    if (over + data > m.params.latencyTimerClocks && this.othersWaiting(m)) {
      // latency timer expiry with GNT# removed: stop at the data phase where the timer runs out
      const phases = Math.max(1, Math.floor((m.params.latencyTimerClocks - over + tp.dataWaitStates) / (1 + tp.dataWaitStates)));
      const w = this.params.widthBits / 8;
      if (phases * w < bytes) {
        bytes = phases * w;
        data = this.dataPhaseClocks(bytes, tp);
        cut = true;
      }
    }
    this.planMaster = m;
    this.planOver = over;
    this.planBytes = bytes;
    this.planData = data;
    this.planCut = cut;
  }

  /** Lazy arbitration, at or after the end of data and before the end of turnaround: decides the next tenure and queues its end of data. */
  private plan(): void {
    const m = this.peek();
    if (!m) {
      if (this.planned) this.sim.cancel(this.dataDone);
      this.planned = false;
      return;
    }
    this.decide(m);
    this.planned = true;
    this.dataDone.when = this.sim.now + this.clock.delayToCycle(this.sim, this.freeCycle + this.planOver + this.planData);
    this.sim.scheduleSet(this.dataDone);
  }

  /** Lazy arbitration: the planned tenure started at the end of turnaround (`free.when`); its effects, as of then. */
  private commitPlan(): void {
    const m = this.planMaster!;
    this.planned = false;
    this.lastGranted = m.id;
    // the bus stays busy across the turnaround's end (idle then busy at one instant: no change to its busy time)
    this.start(m, this.freeCycle, this.free.when - this.sim.now);
    this.dataEnded = false;
    this.free.when = this.sim.now + this.clock.delayToCycle(this.sim, this.freeCycle);
    this.sim.reserve(this.free);
  }

  /** Starts the next tenure; `idle` when the bus was idle (arbitration not hidden). */
  private grant(idle: boolean): void {
    const m = this.peek();
    if (!m) return;
    this.lastGranted = m.id;
    this.decide(m);
    // hidden arbitration starts on the edge the last tenure freed the bus (known: no search for it)
    const c0 = idle ? this.clock.cycleNow(this.sim) + this.params.arbitrationClocks : this.freeCycle;
    const toStart = this.clock.delayToCycle(this.sim, c0);
    this.util.busyIn(this.sim, toStart);
    this.start(m, c0, toStart);
    const dataEnd = this.sim.now + this.clock.delayToCycle(this.sim, c0 + this.planOver + this.planData);
    if (lazyArbitration && !this.vcd) {
      this.dataDone.when = dataEnd;
      this.sim.scheduleSet(this.dataDone);
      this.freeLazy = true;
      this.dataEnded = false;
      this.free.when = this.sim.now + this.clock.delayToCycle(this.sim, this.freeCycle);
      this.sim.reserve(this.free);
      return;
    }
    const t = this.current!;
    if (t.deferrable && deferCompletions && !this.cut && !this.vcd && !m.queue.full && !m.backlogged()) {
      this.deferred = true;
      this.dataDone.when = dataEnd;
      this.sim.reserve(this.dataDone); // the key dataDone would get here
    } else {
      this.dataDone.when = dataEnd;
      this.sim.scheduleSet(this.dataDone);
    }
    this.free.when = this.sim.now + this.clock.delayToCycle(this.sim, this.freeCycle);
    this.sim.scheduleSet(this.free);
    if (this.vcd) this.traceTenure(m, c0, this.planOver, this.planData, this.targets[t.target]!.params, this.sim.now + toStart);
  }

  /** The decided tenure's effects: owner, statistics, the bus's next free cycle. `toStart`: its start relative to now (ps, may be negative). */
  private start(m: PciMaster, c0: number, toStart: number): void {
    const t = m.queue.peek()!;
    const bytes = this.planBytes, data = this.planData, over = this.planOver;
    this.cut = this.planCut;
    this.busy = true;
    this.owner = m;
    this.current = t;
    t.tenures++;
    if (t.tenures === 1) {
      // times relative to now cross calls unboxed (ClockDomain, "Relative times")
      const start = this.sim.now + toStart;
      t.grantedAt = start;
      m.grantWait.record(start - t.queuedAt);
    }
    t.remaining -= bytes;
    m.bytes += bytes;
    this.bytes += bytes;
    m.tenures++;
    this.tenures++;
    const total = over + data + this.params.turnaroundClocks;
    m.occupiedClocks += total;
    this.occupiedClocks += total;
    this.dataClocks += data;
    this.freeCycle = c0 + total;
  }

  /** The end-of-data event: under lazy arbitration it first starts the tenure planned for it, then completes it and plans the next. */
  private endOfData(): void {
    if (!this.freeLazy) return this.finishData();
    if (this.planned) this.passFree();
    this.finishData();
    this.dataEnded = true;
    this.plan();
  }

  private finishData(): void {
    const m = this.owner!, t = this.current!;
    m.queue.shift();
    if (this.vcd) {
      const w = this.vcd.w, now = this.sim.now;
      if (m.gnt) w.change(m.gnt, now, 1);
      if (m.req && m.queue.size === 0 && !this.cut) w.change(m.req, now, 1);
    }
    if (this.cut) {
      m.queue.unshift(t); // continuation first, new address phase on the next grant
      return;
    }
    m.transactions++;
    t.doneAt = this.now;
    const wasFull = m.queue.size === m.queue.capacity - 1;
    t.onComplete(t);
    if (wasFull) m.onRetry();
  }

  private release(): void {
    if (this.deferred) this.completeDeferred(); // its end of data came before this end of turnaround
    this.busy = false;
    this.owner = undefined;
    this.current = undefined;
    this.util.idleNow(this.sim);
    if (this.vcd) this.vcd.w.change(this.vcd.owner, this.sim.now, 0), this.vcd.w.change(this.vcd.phase, this.sim.now, PHASE.idle);
    // hidden arbitration: a waiting master was chosen during the tenure and starts now
    this.grant(false);
  }

  /**
   * Traces the bus to a VCD: in scope `[...scope, name]` the PCI 2.1 signals FRAME#, IRDY#,
   * TRDY#, DEVSEL# (active low: 0 = asserted), the owner (a master's name, or idle) and the phase
   * (idle, address, wait, data, turnaround); in each master's own scope (its name split at dots,
   * e.g. card510.gt) its REQ# and GNT#. All are derived from the tenure timing above, not
   * modelled pin by pin: REQ# is asserted while the master has transactions queued, GNT# from its
   * tenure's address phase to its last data phase, FRAME# from the address phase to the start of
   * the last data phase, IRDY# from the clock after the address phase and DEVSEL# from the
   * target's decode clock (fast, medium, slow) to the end of data, TRDY# in data phases (off in
   * wait states). Tracing turns deferred completions off (the same results: see above).
   */
  traceTo(w: VcdWriter, scope: readonly string[] = []): void {
    const at = [...scope, ...this.name.split(".")];
    const pin = (name: string) => w.signal(at, name, { init: 1 });
    const v = {
      w, frame: pin("FRAME#"), irdy: pin("IRDY#"), trdy: pin("TRDY#"), devsel: pin("DEVSEL#"),
      owner: w.signal(at, "owner", { values: ["idle", ...this.masters.map((m) => m.name)] }),
      phase: w.signal(at, "phase", { values: PHASE_NAMES }),
    };
    for (const m of this.masters) {
      const ms = [...scope, ...m.name.split(".")];
      m.req = w.signal(ms, "REQ#", { init: 1 });
      m.gnt = w.signal(ms, "GNT#", { init: 1 });
    }
    this.vcd = v;
  }

  /** Records a tenure's signals, ahead of time, from its start cycle c0. */
  private traceTenure(m: PciMaster, c0: number, over: number, data: number, tp: PciTargetParams, start: number): void {
    const v = this.vcd!, w = v.w, clk = this.clock;
    const end = clk.edge(c0 + over + data);
    if (m.gnt) w.change(m.gnt, start, 0);
    w.change(v.owner, start, m.id + 1);
    w.change(v.phase, start, PHASE.address);
    if (over > 1) w.change(v.phase, clk.edge(c0 + 1), PHASE.wait);
    w.change(v.phase, clk.edge(c0 + over), PHASE.data);
    w.change(v.phase, end, PHASE.turnaround);
    w.change(v.frame, start, 0);
    w.change(v.frame, clk.edge(c0 + over + data - 1), 1);
    w.change(v.irdy, clk.edge(c0 + 1), 0);
    w.change(v.irdy, end, 1);
    w.change(v.devsel, clk.edge(c0 + 1 + DEVSEL_WAIT[tp.devsel]), 0);
    w.change(v.devsel, end, 1);
    w.change(v.trdy, clk.edge(c0 + over), 0);
    const ws = tp.dataWaitStates;
    if (ws > 0) {
      for (let c = c0 + over + 1; c < c0 + over + data; c += 1 + ws) {
        w.change(v.trdy, clk.edge(c), 1);
        w.change(v.trdy, clk.edge(c + ws), 0);
      }
    }
    w.change(v.trdy, end, 1);
  }

  /**
   * Time-series read-outs: the bus's busy time (a lazy end of turnaround that is due applied
   * first), and each master's queued transactions, the one on the bus included. The queues are read
   * without settling: a deferred completion (its data ended, its turnaround not yet) still counts
   * its transaction, for at most the turnaround's clocks.
   */
  probes(): Probes {
    return {
      busy: [{ name: this.name, busyPs: (now) => (this.settle(), this.util.busyPs(now)) }],
      queues: this.masters.map((m) => ({
        name: `${this.name}.${m.name}`,
        depth: () => m.queue.size,
      })),
    };
  }

  get inFlight(): number {
    this.settle();
    return this.masters.reduce((s, m) => s + m.queue.size, 0);
  }

  read(now: number) {
    this.settle();
    const masters: Record<string, { transactions: number; tenures: number; bytes: number; share: number; grantWaitUs: ReturnType<LatencyHistogram["read"]>; queueHighWater: number; refused: number }> = {};
    for (const m of this.masters) {
      masters[m.name] = {
        transactions: m.transactions, tenures: m.tenures, bytes: m.bytes, share: this.occupiedClocks ? m.occupiedClocks / this.occupiedClocks : 0,
        grantWaitUs: m.grantWait.read(), queueHighWater: m.queue.highWater, refused: m.refused,
      };
    }
    const u = this.util.read(now);
    return {
      clockMHz: this.params.clockHz / 1e6, widthBits: this.params.widthBits, utilization: u.utilization,
      dataEfficiency: this.occupiedClocks ? this.dataClocks / this.occupiedClocks : 0,
      bytes: this.bytes, mbytesPerSecond: u.elapsedPs ? this.bytes / (u.elapsedPs / 1e12) / 1e6 : 0, tenures: this.tenures, masters,
    };
  }
}

/** The bus phase in a VCD (an enumeration: PHASE_NAMES[value]). */
export const PHASE = { idle: 0, address: 1, wait: 2, data: 3, turnaround: 4 } as const;
export const PHASE_NAMES = ["idle", "address", "wait", "data", "turnaround"] as const;
