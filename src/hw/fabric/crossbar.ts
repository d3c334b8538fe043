/**
 * The crossbar switch of Fig 5F, connecting management processor cards, Ethernet cards and the
 * circuit cards that translate inbound frames. Non-blocking: any input may send to any free
 * output at once (docs/hardware.md §9: "treat as N x line rate (non-blocking crossbar); model
 * arbitration per cell or packet"). Arbitration is per packet: a transfer holds its input and
 * its output for `connectPs + ceil(bytes / cellBytes) * cellTime`, where the cell time is
 * cellBytes x 8 / portMbps. Each input serves its queue in order (head-of-line blocking is
 * modelled); each output grants waiting inputs round robin.
 *
 * No figures were found for the I-Cube or MMC Networks parts (§9), so every default is an
 * assumption documented in docs/boards.md: 1,000 Mb/s per crossbar port, 64-byte cells,
 * 100 ns connection set-up per packet.
 */
import type { SimEvent } from "../../sim/event.ts";
import { Priority } from "../../sim/priority.ts";
import { Ring } from "../../sim/ring.ts";
import type { Simulator } from "../../sim/simulator.ts";
import { Utilization } from "../../sim/stats/time-weighted.ts";
import type { VcdSignal, VcdWriter } from "../../sim/trace/vcd.ts";
import type { Fabric, FabricTransfer } from "./fabric.ts";
import type { Probes } from "../../sim/stats/probes.ts";

export interface CrossbarParams {
  /** Per-port rate into and out of the crossbar, Mb/s. Default 1,000 (assumption). */
  portMbps: number;
  /** Cell size in bytes. Default 64 (assumption). */
  cellBytes: number;
  /** Connection set-up per packet, ps. Default 100,000 (100 ns; assumption). */
  connectPs: number;
  /** Transfers each input may have waiting. Default 64 (assumption). */
  queueDepth: number;
}

export const DEFAULT_CROSSBAR: CrossbarParams = { portMbps: 1000, cellBytes: 64, connectPs: 100_000, queueDepth: 64 };

interface Port {
  name: string;
  deliver: (t: FabricTransfer) => void;
  onRetry: () => void;
  queue: Ring<FabricTransfer>;
  inBusy: boolean;
  outBusy: boolean;
  rr: number; // next input this output considers
  sent: number;
  received: number;
  inUtil: Utilization;
  outUtil: Utilization;
  active: FabricTransfer | undefined; // what this input is sending
  done: SimEvent;
  /** VCD signals (tracing only): the output this input is connected to, the output's state, the input queue. */
  conn: VcdSignal | undefined;
  outBusySig: VcdSignal | undefined;
  queued: VcdSignal | undefined;
}

export class Crossbar implements Fabric {
  readonly params: CrossbarParams;
  private readonly ports: Port[] = [];
  inFlight = 0;
  private vcd: { w: VcdWriter; connections: VcdSignal } | undefined;
  private connected = 0;

  constructor(private readonly sim: Simulator, readonly name: string, params: Partial<CrossbarParams> = {}) {
    this.params = { ...DEFAULT_CROSSBAR, ...params };
    for (const [k, v] of Object.entries(this.params)) {
      if (!Number.isInteger(v) || v < (k === "connectPs" ? 0 : 1)) throw new RangeError(`${name}: ${k} must be a positive integer, got ${v}`);
    }
    sim.onResetStats((now) => this.resetStats(now));
  }

  /** Restarts counters and utilisation (a warm-up's end); transfers in progress carry on. */
  resetStats(now: number): void {
    for (const p of this.ports) {
      p.sent = p.received = 0;
      p.inUtil.restart(now);
      p.outUtil.restart(now);
      p.queue.resetStats();
    }
  }

  /** Time a transfer of `bytes` holds an input and an output. */
  holdPs(bytes: number): number {
    const p = this.params;
    const cellPs = Math.round((p.cellBytes * 8 * 1e6) / p.portMbps);
    return p.connectPs + Math.ceil(bytes / p.cellBytes) * cellPs;
  }

  addEndpoint(name: string, deliver: (t: FabricTransfer) => void, onRetry: () => void = () => {}): number {
    const i = this.ports.length;
    const port: Port = {
      name, deliver, onRetry, queue: new Ring(this.params.queueDepth), inBusy: false, outBusy: false, rr: 0, sent: 0, received: 0,
      inUtil: new Utilization(this.sim.now), outUtil: new Utilization(this.sim.now), active: undefined, conn: undefined, outBusySig: undefined, queued: undefined,
      done: this.sim.event(`${this.name}.in${i}.done`, () => this.finish(i), Priority.Deliver),
    };
    this.ports.push(port);
    return i;
  }

  transfer(t: FabricTransfer): boolean {
    const p = this.ports[t.src];
    if (!p || !this.ports[t.dst]) throw new RangeError(`${this.name}: no endpoint ${p ? t.dst : t.src}`);
    if (!p.queue.push(t)) return false;
    t.queuedAt = this.sim.now;
    this.inFlight++;
    if (this.vcd) this.vcd.w.change(p.queued!, this.sim.now, p.queue.size);
    if (!p.inBusy) this.tryStart(t.src);
    return true;
  }

  /** Starts input i's head transfer if its output is free. */
  private tryStart(i: number): boolean {
    const p = this.ports[i]!;
    const t = p.queue.peek();
    if (!t || p.inBusy) return false;
    const out = this.ports[t.dst]!;
    if (out.outBusy) return false;
    p.queue.shift();
    if (p.queue.size === p.queue.capacity - 1) p.onRetry();
    p.inBusy = true;
    out.outBusy = true;
    p.active = t;
    const now = this.sim.now;
    p.inUtil.busy(now);
    out.outUtil.busy(now);
    p.done.when = now + this.holdPs(t.bytes);
    this.sim.scheduleSet(p.done);
    if (this.vcd) this.traceConnect(p, out, t.dst + 1);
    return true;
  }

  private finish(i: number): void {
    const p = this.ports[i]!;
    const t = p.active!;
    const out = this.ports[t.dst]!;
    const now = this.sim.now;
    p.active = undefined;
    p.inBusy = false;
    out.outBusy = false;
    p.inUtil.idle(now);
    out.outUtil.idle(now);
    if (this.vcd) this.traceConnect(p, out, 0);
    p.sent++;
    out.received++;
    this.inFlight--;
    t.doneAt = now;
    // The freed output grants the next waiting input round robin; then this input tries its next.
    const n = this.ports.length;
    for (let k = 0; k < n; k++) {
      const j = (out.rr + k) % n;
      const head = this.ports[j]!.queue.peek();
      if (head && head.dst === t.dst && this.tryStart(j)) {
        out.rr = (j + 1) % n;
        break;
      }
    }
    this.tryStart(i);
    out.deliver(t);
  }

  /**
   * Traces the crossbar to a VCD. No part or pin names are known (docs/hardware.md §9 found none), so
   * the signals are the model's own, all derived: in scope `[...scope, name]` the number of
   * connections held; in each endpoint's scope (its name split at dots) xbar_conn (the output
   * its input is connected to, or idle), xbar_out_busy (1 while its output is held) and
   * xbar_queued (transfers waiting at its input).
   */
  traceTo(w: VcdWriter, scope: readonly string[] = []): void {
    const names = ["idle", ...this.ports.map((p) => p.name)];
    this.vcd = { w, connections: w.signal([...scope, ...this.name.split(".")], "connections", { width: 8 }) };
    for (const p of this.ports) {
      const ps = [...scope, ...p.name.split(".")];
      p.conn = w.signal(ps, "xbar_conn", { values: names });
      p.outBusySig = w.signal(ps, "xbar_out_busy");
      p.queued = w.signal(ps, "xbar_queued", { width: 16 });
    }
  }

  /** An input connected to an output (`to` = output + 1) or released (`to` = 0). */
  private traceConnect(p: Port, out: Port, to: number): void {
    const v = this.vcd!, now = this.sim.now;
    this.connected += to ? 1 : -1;
    v.w.change(p.conn!, now, to);
    v.w.change(out.outBusySig!, now, to ? 1 : 0);
    v.w.change(p.queued!, now, p.queue.size);
    v.w.change(v.connections, now, this.connected);
  }

  /** Time-series read-outs: each port's input and output busy time, and each input's queue (transfers waiting, as the VCD's xbar_queued). */
  probes(): Probes {
    return {
      busy: this.ports.flatMap((p) => [
        { name: `${this.name}.${p.name}.in`, busyPs: (now: number) => p.inUtil.busyPs(now) },
        { name: `${this.name}.${p.name}.out`, busyPs: (now: number) => p.outUtil.busyPs(now) },
      ]),
      queues: this.ports.map((p) => ({ name: `${this.name}.${p.name}`, depth: () => p.queue.size })),
    };
  }

  read(now: number) {
    const ports: Record<string, { sent: number; received: number; inUtilization: number; outUtilization: number; queueHighWater: number }> = {};
    let max = 0;
    for (const p of this.ports) {
      const iu = p.inUtil.read(now).utilization, ou = p.outUtil.read(now).utilization;
      max = Math.max(max, iu, ou);
      ports[p.name] = { sent: p.sent, received: p.received, inUtilization: iu, outUtilization: ou, queueHighWater: p.queue.highWater };
    }
    // A crossbar's utilisation is that of its busiest port: that is where it saturates.
    return { utilization: max, inFlight: this.inFlight, ports };
  }
}
