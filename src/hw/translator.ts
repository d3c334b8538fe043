/**
 * Hardware translators of inbound destination MACs, which take the CPU out of the inbound path:
 *   - Fig 5E: a CPLD on the CPU board rewrites the destination MAC of frames for a cluster's
 *     virtual MAC from a table in a dual-port SRAM that the CPU keeps. It is an endpoint on the PCI
 *     bus: the frame crosses PCI to it and back, but no CPU cycle is spent.
 *   - Fig 5F: each circuit card's ASIC looks the destination up in its look-up table as the frame
 *     comes off the wire (inline, before the card's controller), so the frame reaches the
 *     controller already addressed to its server.
 * What to write comes from the firmware (`translate`), which owns the tables; the translator
 * models only the time: `lookupClocks` at the CPLD clock plus one dual-port SRAM access, or the
 * ASIC's `lookupPs`. Frames the table has no answer for (ARP, broadcasts, unknown) go to the CPU.
 */
import type { FramePool } from "../net/frame-pool.ts";
import { ClockDomain } from "../sim/clock.ts";
import { Priority } from "../sim/priority.ts";
import type { Simulator } from "../sim/simulator.ts";
import type { Fabric, FabricTransfer } from "./fabric/fabric.ts";
import { TRANSFERS } from "./fabric/fabric.ts";
import { zeroCounts } from "../sim/stats/reset.ts";
import { LookupEngine } from "./lookup-engine.ts";
import { IntRing } from "../sim/ring.ts";

/** `translate`'s answer for a frame the translator discards (5F's ASIC: a frame from its port that no server may receive). */
export const TRANSLATE_DROP = -2;

export interface Translate {
  /**
   * Rewrites frame `h` for its server and returns the global egress port, -1 when the table has
   * no answer, or TRANSLATE_DROP (inline translators only) to discard it. The frame's ingress
   * port is in the pool's `port` field.
   */
  translate(h: number): number;
  /** The cause of the last TRANSLATE_DROP, counted by the translator that frees the frame. */
  readonly lastDropCause?: string;
  /** Look-up table entries the last `translate` read (0: it decided from the destination MAC alone). */
  readonly lastProbes?: number;
}

/**
 * Frames Fig 5E's CPLD holds at once (assumption, docs/boards.md "5E CPLD frame buffers": the
 * frames it rewrites sit in a buffer beside the table's dual-port SRAM, one more IDT7008's 64 KB
 * holding 32 buffers of 2 KB). Before, its queue was unbounded: under overload the controllers kept moving
 * frames across PCI into it faster than it could move them on, and that first crossing took bus
 * time from every other frame (5E delivered 84 % of its bound at 1.5 times it).
 */
export const CPLD_BUFFER_FRAMES = 32;

/** Fig 5E's CPLD + dual-port SRAM: an endpoint on the board's fabric. */
export class CpldTranslator {
  readonly clock: ClockDomain;
  endpoint = -1;
  translator: Translate = { translate: () => -1 };
  /** Where untranslatable frames go (the CPU path). */
  toCpu: (h: number, ingress: number, fromEndpoint: number) => boolean = () => false;
  endpointOfPort: (port: number) => number = () => 0;
  private fabric!: Fabric;
  readonly engine: LookupEngine;
  private readonly transfers = TRANSFERS;
  readonly counts = { translated: 0, toCpu: 0, refused: 0 };
  inFlight = 0;
  private readonly fixedPs: number;
  private readonly entryPs: number;
  private decided = -1;
  /** Frames taken from the controllers and not yet sent on (on their way in, in the look-up, waiting for the fabric). */
  private held = 0;
  /** Called when a frame leaves its buffer: controllers holding frames for this path retry. Set by the board. */
  onBufferFree: () => void = () => {};

  /**
   * @param clockHz CPLD clock (docs/hardware.md, CPLD: 33-66 MHz realistic)
   * @param lookupClocks CPLD clocks to extract the flow key, hash it and rewrite ("one MAC compare/translate per few clocks")
   * @param dpsramAccessPs dual-port SRAM access (IDT7008: 15-55 ns)
   * @param entryAccesses DPSRAM accesses to read one table entry (its bytes over the SRAM's width)
   * @param bufferFrames frames it holds at once (taken, in the look-up, or waiting for the fabric);
   *   when all are taken the controllers hold theirs (backpressure). Default CPLD_BUFFER_FRAMES.
   */
  constructor(sim: Simulator, readonly name: string, private readonly pool: FramePool, clockHz: number, lookupClocks: number, dpsramAccessPs: number, entryAccesses = 4, private readonly bufferFrames = CPLD_BUFFER_FRAMES) {
    this.clock = new ClockDomain(`${name}.clk`, clockHz);
    this.fixedPs = this.clock.cyclesToTicks(lookupClocks);
    this.entryPs = entryAccesses * dpsramAccessPs;
    this.engine = new LookupEngine(sim, `${name}.lookup`, pool.slots, (h) => this.serve(h), (h) => this.decide(h));
    this.waiting = new IntRing(bufferFrames);
    sim.onResetStats(() => zeroCounts(this.counts));
  }

  wire(fabric: Fabric): void {
    this.fabric = fabric;
    this.endpoint = fabric.addEndpoint(this.name, (t) => this.arrived(t), () => this.retry());
  }

  /** Frames translated while the fabric could not take them: they wait in the CPLD's buffer (backpressure) and leave in order. */
  private readonly waiting: IntRing;

  private retry(): void {
    while (this.waiting.size > 0) {
      const h = this.waiting.peek();
      if (!this.transfers.send(this.fabric, this.endpoint, this.endpointOfPort(this.pool.egressPort[this.pool.slotOf(h)]!), h, this.pool.length(h))) return;
      this.waiting.shift();
      this.inFlight--;
      this.left();
    }
  }

  /** A frame left the CPLD's buffer. */
  private left(): void {
    this.held--;
    this.onBufferFree();
  }

  /**
   * The controller's intervention path sends flagged frames here instead of to the CPU. A refusal
   * is the controller's drop (`cpuRefused`: it frees the frame), not counted here as well.
   */
  fromController(h: number, ingress: number, srcEndpoint: number): boolean {
    if (this.held >= this.bufferFrames) return false;
    this.pool.port[this.pool.slotOf(h)] = ingress;
    if (!this.transfers.send(this.fabric, srcEndpoint, this.endpoint, h, this.pool.length(h))) return false;
    this.held++;
    return true;
  }

  private arrived(t: FabricTransfer): void {
    const h = t.frame;
    this.transfers.put(t);
    if (h < 0) return;
    this.inFlight++;
    this.engine.push(h);
  }

  /** The look-up: the firmware's table decides; it takes the fixed steps and one DPSRAM read per entry compared. */
  private serve(h: number): number {
    this.decided = this.translator.translate(h);
    return this.fixedPs + (this.translator.lastProbes ?? 1) * this.entryPs;
  }

  private decide(h: number): void {
    this.inFlight--;
    const port = this.decided;
    if (port < 0) {
      this.counts.toCpu++;
      if (!this.toCpu(h, this.pool.port[this.pool.slotOf(h)]!, this.endpoint)) this.pool.free(h);
      return this.left();
    }
    this.counts.translated++;
    this.pool.egressPort[this.pool.slotOf(h)] = port;
    if (this.waiting.size === 0 && this.transfers.send(this.fabric, this.endpoint, this.endpointOfPort(port), h, this.pool.length(h))) return this.left();
    if (!this.waiting.push(h)) {
      this.counts.refused++;
      this.pool.free(h);
      return this.left();
    }
    this.inFlight++;
  }

  read(now: number) {
    return { counts: { ...this.counts }, engine: this.engine.read(now) };
  }
}

/**
 * Fig 5F's circuit-card ASIC: an inline stage between a port's wire and its controller. It
 * rewrites frames for virtual MACs, passes the rest to the controller, and discards what the
 * firmware's tables say no server may receive from this port (counted by cause).
 */
export class AsicTranslator {
  translator: Translate = { translate: () => -1 };
  readonly engine: LookupEngine;
  readonly counts = { translated: 0, passed: 0, dropped: 0 };
  readonly droppedBy = new Map<string, number>();
  private decided = -1;

  /**
   * @param port the global port it sits on (the frames' ingress port)
   * @param lookupPs one look-up table access (assumption: a 20 ns SRAM table returning an entry per access, docs/boards.md); the destination MAC's check takes one
   */
  constructor(sim: Simulator, readonly name: string, private readonly pool: FramePool, private readonly port: number, private readonly lookupPs: number, private readonly next: (h: number) => void) {
    this.engine = new LookupEngine(sim, `${name}.lookup`, pool.slots, (h) => this.serve(h), (h) => this.decide(h), Priority.Deliver);
    sim.onResetStats(() => {
      zeroCounts(this.counts);
      this.droppedBy.clear();
    });
  }

  get inFlight(): number {
    return this.engine.size;
  }

  /** A frame off the wire. */
  receive(h: number): void {
    this.engine.push(h);
  }

  private serve(h: number): number {
    this.pool.port[this.pool.slotOf(h)] = this.port;
    this.decided = this.translator.translate(h);
    return (1 + (this.translator.lastProbes ?? 0)) * this.lookupPs;
  }

  private decide(h: number): void {
    const out = this.decided;
    if (out === TRANSLATE_DROP) {
      this.counts.dropped++;
      const cause = this.translator.lastDropCause ?? "firmware";
      this.droppedBy.set(cause, (this.droppedBy.get(cause) ?? 0) + 1);
      this.pool.free(h);
      return;
    }
    if (out >= 0) this.counts.translated++;
    else this.counts.passed++;
    this.next(h); // the controller forwards by the (possibly rewritten) destination MAC
  }

  read(now: number) {
    return { counts: { ...this.counts }, engine: this.engine.read(now) };
  }
}
