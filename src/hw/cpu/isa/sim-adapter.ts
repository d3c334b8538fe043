/**
 * The instruction-level R4700 in the event-driven simulator: its own clock domain, its memory
 * port wired to the GT-64010's DRAM controller (gt64010/dram.ts: cache-line fills and
 * write-backs, uncached DRAM accesses, each a `MemRequest` that queues with the other
 * requesters), and its device port wired to any `UncachedPort` (r4700.ts's interface, which
 * the GT-64010 bridge implements: reads stall for the PCI round trip, writes are posted).
 *
 * Time: the core runs ahead of the simulator by at most `quantumCycles` (temporal decoupling,
 * as in SystemC TLM's quantum): one event per quantum, and the core's cycle count stays locked
 * to the CPU clock's edges (`edge = cycle + offset`). Everything the core does that other
 * components can see is a stall point: at a miss or an uncached access the core stops, and the
 * request leaves at the edge of the cycle the core reached, so the DRAM and the PCI bus see it
 * at its exact time; the stall lasts until the first CPU edge at or after the answer. An
 * interrupt raised while the core is ahead is seen at the next quantum boundary, which bounds
 * its recognition error by the quantum. An idle CPU (its `b .` loop) schedules only its timer.
 *
 * Not yet used by the board (CpuBoard keeps the trace-replay R4700); docs/hardware.md.
 */
import { ClockDomain } from "../../../sim/clock.ts";
import type { SimEvent } from "../../../sim/event.ts";
import { Priority } from "../../../sim/priority.ts";
import type { Simulator } from "../../../sim/simulator.ts";
import { DramController, MemRequest } from "../../gt64010/dram.ts";
import type { UncachedPort } from "../r4700.ts";
import type { CacheParams } from "../cache.ts";
import { IsaCore, StopReason } from "./core.ts";
import type { PhysicalMemory } from "./memory.ts";
import { PENDING, type DevicePort, type DeviceSpace, type MemoryPort } from "./ports.ts";
import type { IsaTimingParams } from "./timing.ts";

export interface SimIsaCpuParams {
  /** Core clock in Hz. Default 133 MHz (80-200 MHz parts were offered; docs/hardware.md, "R4700"), as the trace model. */
  clockHz: number;
  /** Most cycles the core runs ahead of simulated time. Default 256 (assumption: about 2 us at 133 MHz, well under a frame's service time). */
  quantumCycles: number;
  timing: Partial<IsaTimingParams>;
  icache: Partial<CacheParams>;
  dcache: Partial<CacheParams>;
  codeBase: number;
  codeBytes: number;
}

export const DEFAULT_SIM_ISA: Pick<SimIsaCpuParams, "clockHz" | "quantumCycles"> = { clockHz: 133_000_000, quantumCycles: 256 };

const Kind = { None: 0, Memory: 1, DeviceRead: 2, DeviceWrite: 3 } as const;

export class SimIsaCpu implements MemoryPort, DevicePort {
  readonly core: IsaCore;
  readonly clock: ClockDomain;
  readonly params: SimIsaCpuParams;
  /** Called when the CPU idles with nothing to wake it, or stops on an unimplemented instruction. */
  onStop: (reason: "idle" | "unimplemented") => void = () => {};
  /** Uncached accesses outside DRAM go here (the board wires the GT-64010 bridge). */
  uncached: UncachedPort | undefined;

  private offset = 0; // clock edge number = core cycle + offset
  private running = false;
  private idle = false;
  private kind: number = Kind.None;
  private readAddr = -1;
  private readBytes = 0;
  private writeAddr = -1;
  private writeBytes = 0;
  private deviceBytes = 0;
  private stallEdge = 0;
  private readonly readReq: MemRequest;
  private readonly writeReq: MemRequest;
  private readonly runEv: SimEvent;
  private readonly issueEv: SimEvent;
  private readonly wakeEv: SimEvent;
  private readonly onDeviceDone: () => void;
  memoryRequests = 0;
  deviceReads = 0;
  deviceWrites = 0;

  constructor(private readonly sim: Simulator, readonly name: string, private readonly dram: DramController, memory: PhysicalMemory, params: Partial<SimIsaCpuParams> = {}, devices?: DeviceSpace) {
    this.params = { ...DEFAULT_SIM_ISA, timing: {}, icache: {}, dcache: {}, codeBase: 0, codeBytes: Math.min(1 << 20, memory.bytes), ...params };
    const p = this.params;
    if (!Number.isInteger(p.clockHz) || p.clockHz < 1e6) throw new RangeError(`${name}: clockHz must be an integer >= 1 MHz`);
    if (!Number.isInteger(p.quantumCycles) || p.quantumCycles < 1) throw new RangeError(`${name}: quantumCycles must be a positive integer`);
    this.clock = new ClockDomain(`${name}.clk`, p.clockHz);
    this.core = new IsaCore({ memory, memoryPort: this, devicePort: this, devices, timing: p.timing, icache: p.icache, dcache: p.dcache, codeBase: p.codeBase, codeBytes: p.codeBytes });
    const requester = dram.addRequester(name);
    this.readReq = new MemRequest(requester, () => this.readDone());
    this.writeReq = new MemRequest(requester, () => this.writeDone());
    this.writeReq.write = true;
    this.runEv = sim.event(`${name}.run`, () => this.step(), Priority.Cpu);
    this.issueEv = sim.event(`${name}.issue`, () => this.issue(), Priority.Cpu);
    this.wakeEv = sim.event(`${name}.wake`, () => this.wake(), Priority.Cpu);
    this.onDeviceDone = () => this.finish();
  }

  /** Starts the CPU at virtual address `entry` (a cold reset) on the next CPU clock edge. */
  start(entry: number): void {
    this.core.reset(entry);
    this.running = true;
    this.idle = false;
    this.offset = this.clock.cycleNow(this.sim) - this.core.cycle;
    this.sim.scheduleIn(this.runEv, this.clock.delayToEdge(this.sim, 0));
  }

  get isIdle(): boolean {
    return this.idle;
  }

  /** Drives the CPU's interrupt line Int`n`; wakes an idle CPU. */
  setInterruptLine(n: number, asserted: boolean): void {
    this.core.setInterruptLine(n, asserted);
    if (asserted && this.idle) this.resumeIdle();
  }

  /** Drops D-cache lines a DMA engine overwrote (no write-back). */
  invalidateData(pa: number, bytes: number): void {
    this.core.invalidateData(pa, bytes);
  }

  private step(): void {
    const r = this.core.run(this.params.quantumCycles);
    const edge = this.core.cycle + this.offset;
    switch (r) {
      case StopReason.Budget:
        this.sim.scheduleIn(this.runEv, this.clock.delayToCycle(this.sim, edge));
        return;
      case StopReason.Pending:
        this.stallEdge = edge;
        this.sim.scheduleIn(this.issueEv, this.clock.delayToCycle(this.sim, edge));
        return;
      case StopReason.Idle: {
        this.idle = true;
        const wake = this.core.wakeCycle();
        if (wake === Infinity) {
          this.onStop("idle");
          return;
        }
        this.sim.scheduleIn(this.wakeEv, this.clock.delayToCycle(this.sim, wake + this.offset));
        return;
      }
      default:
        this.running = false;
        this.onStop("unimplemented");
    }
  }

  /** The idle CPU's timer is due. */
  private wake(): void {
    this.resumeIdle();
  }

  private resumeIdle(): void {
    if (!this.running) return;
    this.idle = false;
    this.sim.cancel(this.wakeEv);
    const now = this.clock.cycleNow(this.sim);
    this.core.idleUntil(now - this.offset);
    this.sim.cancel(this.runEv);
    this.sim.scheduleIn(this.runEv, this.clock.delayToCycle(this.sim, now));
  }

  // -- MemoryPort and DevicePort, called by the core inside run(): record, answer PENDING

  transfer(readAddr: number, readBytes: number, writeAddr: number, writeBytes: number): number {
    this.kind = Kind.Memory;
    this.memoryRequests++;
    this.readAddr = readAddr;
    this.readBytes = readBytes;
    this.writeAddr = writeAddr;
    this.writeBytes = writeBytes;
    return PENDING;
  }

  read(_pa: number, bytes: number): number {
    if (!this.uncached) return 0; // no device bus wired: device reads are free
    this.kind = Kind.DeviceRead;
    this.deviceBytes = bytes;
    return PENDING;
  }

  write(_pa: number, bytes: number): number {
    if (!this.uncached) return 0;
    this.kind = Kind.DeviceWrite;
    this.deviceBytes = bytes;
    return PENDING;
  }

  // -- the request leaves at the stall's edge

  private issue(): void {
    switch (this.kind) {
      case Kind.Memory:
        if (this.writeAddr >= 0) this.submit(this.writeReq, this.writeAddr, this.writeBytes);
        else this.submit(this.readReq, this.readAddr, this.readBytes);
        return;
      case Kind.DeviceRead:
        this.deviceReads++;
        this.uncached!.read(this.deviceBytes, this.onDeviceDone);
        return;
      case Kind.DeviceWrite:
        this.deviceWrites++;
        if (this.uncached!.write(this.deviceBytes, this.onDeviceDone)) this.finish(); // posted
        return;
      default:
        throw new Error(`${this.name}: issue without a pending request`);
    }
  }

  private submit(req: MemRequest, addr: number, bytes: number): void {
    req.addr = addr;
    req.bytes = bytes;
    if (!this.dram.submit(req)) {
      // the controller's queue is full: offer it again on the next memory clock edge
      this.sim.scheduleIn(this.issueEv, this.dram.clock.delayToEdgeAtOrAfter(this.sim, 1));
    }
  }

  private writeDone(): void {
    this.writeAddr = -1;
    if (this.readAddr >= 0) this.submit(this.readReq, this.readAddr, this.readBytes);
    else this.finish();
  }

  private readDone(): void {
    this.finish();
  }

  /** The answer is in: the stall lasted until the first CPU edge at or after now. */
  private finish(): void {
    this.kind = Kind.None;
    const edge = this.clock.cycleNow(this.sim);
    this.core.completeStall(edge - this.stallEdge);
    this.sim.scheduleIn(this.runEv, this.clock.delayToCycle(this.sim, edge));
  }
}
