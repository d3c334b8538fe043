/**
 * EthernetChannel: one direction of a full-duplex Ethernet link between two MACs, at 10, 100 or
 * 1000 Mb/s. The transmitting MAC appends the FCS in hardware; the receiving MAC drops runts,
 * giants and frames with a bad FCS, counting each by cause.
 *
 * Models (docs/hardware.md §5): wire time = preamble + SFD (8 B) + frame + FCS (4 B), then a 12-byte
 * inter-frame gap before the next frame may start, so 64-byte frames at 100 Mb/s run at exactly
 * 148,809.5 frames/s. Each direction is independent (802.3x full duplex). Every transmission
 * starts on an edge of the bit clock (rate in Hz). Parameters beyond the standard (propagation
 * delay, queue depth, bit error rate) are assumptions documented in docs/hardware.md.
 *
 * Ports: `send(h)` from the MAC above (returns false and counts a drop when refused);
 * `receiver(h)` at the far end on the last bit of the FCS + propagation delay.
 * Counters: txFrames, txBytes, rxFrames, rxBytes, drops by cause, queue high water, utilisation.
 *
 * Transaction level (`timing: "tlm"`, issue 18 part 3): a frame's end of transmission (its last
 * bit and the inter-frame gap) is known when it starts, so the transmitter schedules that event
 * only when a frame waits behind it; otherwise the transmission ends lazily, when the channel is
 * next used or read (the wire's idle time recorded at the end, as the event would have). The same
 * times as cycle timing: a frame sent later starts on the first bit-clock edge at or after both
 * its arrival and the gap's end either way.
 */
import { ClockDomain } from "../../sim/clock.ts";
import { Priority } from "../../sim/priority.ts";
import { IntRing } from "../../sim/ring.ts";
import type { RandomStream } from "../../sim/random.ts";
import type { Simulator } from "../../sim/simulator.ts";
import { Utilization } from "../../sim/stats/time-weighted.ts";
import type { SimEvent } from "../../sim/event.ts";
import { FCS_BYTES, IFG_BYTES, MAX_FRAME_BYTES, MIN_FRAME_BYTES, PREAMBLE_SFD_BYTES, VLAN_TAG_BYTES } from "./wire.ts";
import { zeroCounts } from "../../sim/stats/reset.ts";

/** What a link needs of frame storage: the length of a frame (without FCS), its bytes, and release. */
export interface FrameStore {
  length(h: number): number;
  bytes(h: number): Uint8Array;
  free(h: number): void;
}

export interface EthernetChannelParams {
  /** Line rate in Mb/s: 10, 100 or 1000. */
  rateMbps: number;
  /** One-way propagation delay in ps. Default 50,000 ps: 10 m of cable at 5 ns/m (assumption). */
  propagationPs: number;
  /** Transmit queue depth in frames. Default 64 (assumption: a MAC's descriptor ring). */
  txQueueFrames: number;
  /** Bit error rate on the wire; a frame with any bit error fails its FCS check. Default 0. */
  bitErrorRate: number;
  /** "cycle" (default): an event at every end of transmission; "tlm": only when a frame waits for it. */
  timing: "cycle" | "tlm";
}

export const DEFAULT_CHANNEL: EthernetChannelParams = {
  rateMbps: 100,
  propagationPs: 50_000,
  txQueueFrames: 64,
  bitErrorRate: 0,
  timing: "cycle",
};

export const ETHERNET_DROP_CAUSES = ["txQueueFull", "linkDown", "runt", "giant", "badFcs"] as const;
export type EthernetDropCause = (typeof ETHERNET_DROP_CAUSES)[number];

export class EthernetChannel {
  readonly params: EthernetChannelParams;
  readonly clock: ClockDomain;
  /** Called with each frame that arrives intact at the far MAC. Set when wiring. */
  receiver: (h: number) => void = () => {
    throw new Error(`${this.name}: no receiver wired`);
  };
  /** Called when the link goes up or down (the firmware's link-state interrupt). */
  onLinkChange: (up: boolean) => void = () => {};

  txFrames = 0;
  txBytes = 0;
  rxFrames = 0;
  rxBytes = 0;
  readonly drops: Record<EthernetDropCause, number> = { txQueueFull: 0, linkDown: 0, runt: 0, giant: 0, badFcs: 0 };
  /** Running totals, never reset (the firmware compares them over a probe's life): frames delivered to the far MAC, frames dropped. */
  rxFramesTotal = 0;
  dropsTotal = 0;

  private txq: IntRing;
  private readonly inFlight: IntRing;
  private readonly arrivals: Float64Array;
  private arrivalHead = 0;
  private readonly corrupt: Uint8Array;
  private up = true;
  private transmitting = -1;
  private txStart = 0;
  private readonly wire: Utilization;
  private readonly txDone: SimEvent;
  private readonly deliver: SimEvent;
  private readonly errors: RandomStream | undefined;
  /** Transaction level: end of transmission events only for a frame waiting; when the frame on the wire frees it (absolute ps). */
  private readonly lazyEnd: boolean;
  private txFreeAt = 0;

  constructor(
    private readonly sim: Simulator,
    readonly name: string,
    private readonly frames: FrameStore,
    params: Partial<EthernetChannelParams> = {},
  ) {
    this.params = { ...DEFAULT_CHANNEL, ...params };
    const { rateMbps, txQueueFrames, propagationPs, bitErrorRate } = this.params;
    if (![10, 100, 1000].includes(rateMbps)) throw new RangeError(`${name}: rateMbps ${rateMbps} must be 10, 100 or 1000`);
    if (!Number.isInteger(propagationPs) || propagationPs < 0) throw new RangeError(`${name}: propagationPs must be a non-negative integer`);
    if (!(bitErrorRate >= 0 && bitErrorRate < 1)) throw new RangeError(`${name}: bitErrorRate must be in [0, 1)`);
    this.clock = new ClockDomain(`${name}.bit`, rateMbps * 1_000_000);
    this.txq = new IntRing(txQueueFrames);
    // Frames on the wire at once: at most propagation / min frame time + 2.
    const maxInFlight = Math.ceil(propagationPs / this.clock.cyclesToTicks(8 * (MIN_FRAME_BYTES + PREAMBLE_SFD_BYTES))) + 2;
    this.inFlight = new IntRing(maxInFlight);
    this.arrivals = new Float64Array(maxInFlight);
    this.corrupt = new Uint8Array(maxInFlight);
    this.wire = new Utilization(sim.now);
    this.txDone = sim.event(`${name}.txDone`, () => this.finishTx(), Priority.Default);
    this.deliver = sim.event(`${name}.deliver`, () => this.arrive(), Priority.Deliver);
    this.errors = bitErrorRate > 0 ? sim.streams.stream(`${name}.bitErrors`) : undefined;
    if (this.params.timing !== "cycle" && this.params.timing !== "tlm") throw new RangeError(`${name}: timing must be "cycle" or "tlm", got ${String(this.params.timing)}`);
    this.lazyEnd = this.params.timing === "tlm";
    sim.onResetStats((now) => this.resetStats(now));
  }

  /** Restarts counters and utilisation (a warm-up's end); frames queued or on the wire carry on. */
  resetStats(now: number): void {
    if (this.lazyEnd) this.settleTx();
    this.txFrames = this.txBytes = this.rxFrames = this.rxBytes = 0;
    zeroCounts(this.drops);
    this.txq.resetStats();
    this.wire.restart(now);
  }

  get isUp(): boolean {
    return this.up;
  }

  /** Wire busy time (ps) since the statistics last restarted (time series). */
  busyPs(now: number): number {
    if (this.lazyEnd) this.settleTx();
    return this.wire.busyPs(now);
  }

  get queued(): number {
    if (this.lazyEnd) this.settleTx();
    return this.txq.size + (this.transmitting >= 0 ? 1 : 0);
  }

  /** Transaction level: a transmission whose end was not scheduled (nothing waited) and has passed ends now, its idle time from its end. */
  private settleTx(): void {
    if (this.transmitting < 0 || this.txDone.scheduled || this.sim.now < this.txFreeAt) return;
    this.transmitting = -1;
    this.wire.idleIn(this.sim, this.txFreeAt - this.sim.now);
  }

  /** Frames accepted but not yet delivered or dropped (queued, on the wire, propagating). */
  get inFlightFrames(): number {
    // the frame being transmitted is already in the in-flight ring
    return this.txq.size + this.inFlight.size;
  }

  /** Offers a frame for transmission. Returns false (and frees it, counting the cause) if refused. */
  send(h: number): boolean {
    if (this.lazyEnd) this.settleTx();
    if (!this.up) return this.drop(h, "linkDown");
    if (!this.txq.push(h)) return this.drop(h, "txQueueFull");
    if (this.transmitting < 0) this.startTx();
    else if (this.lazyEnd && !this.txDone.scheduled) {
      // a frame now waits behind the one on the wire: its end is an event after all
      this.txDone.when = this.txFreeAt;
      this.sim.scheduleSet(this.txDone);
    }
    return true;
  }

  /**
   * Gives the transmitter a queue of `frames` (a host's own queue, e.g. Linux's txqueuelen of
   * 1000, where the default models a MAC's descriptor ring). Only while nothing is queued.
   */
  setQueueFrames(frames: number): void {
    if (!Number.isInteger(frames) || frames < 1) throw new RangeError(`${this.name}: queue of ${frames} frames must be a positive integer`);
    if (this.txq.size > 0) throw new Error(`${this.name}: cannot resize a non-empty transmit queue`);
    this.txq = new IntRing(frames);
    this.params.txQueueFrames = frames;
  }

  /** Brings the link up or down now. Going down loses everything queued or on the wire. */
  setUp(up: boolean): void {
    if (up === this.up) return;
    if (this.lazyEnd) this.settleTx();
    this.up = up;
    if (!up) {
      for (let h = this.txq.shift(); h >= 0; h = this.txq.shift()) this.drop(h, "linkDown");
      if (this.transmitting >= 0) {
        // the frame being sent is already in the in-flight ring, dropped below
        this.transmitting = -1;
        this.sim.cancel(this.txDone);
        this.wire.idle(Math.max(this.sim.now, this.txStart));
      }
      for (let h = this.inFlight.shift(); h >= 0; h = this.inFlight.shift()) this.drop(h, "linkDown");
      this.arrivalHead = 0;
      this.sim.cancel(this.deliver);
    }
    this.onLinkChange(up);
  }

  private drop(h: number, cause: EthernetDropCause): false {
    this.drops[cause]++;
    this.dropsTotal++;
    this.frames.free(h);
    return false;
  }

  private startTx(): void {
    const h = this.txq.shift();
    if (h < 0) return;
    // times relative to now cross calls unboxed (ClockDomain, "Relative times")
    const start0 = this.clock.cycleNow(this.sim);
    const toStart = this.clock.delayToCycle(this.sim, start0);
    const len = this.frames.length(h);
    const frameBits = (PREAMBLE_SFD_BYTES + len + FCS_BYTES) * 8;
    const toLastBit = this.clock.delayToCycle(this.sim, start0 + frameBits);
    const toFree = this.clock.delayToCycle(this.sim, start0 + frameBits + IFG_BYTES * 8);
    const now = this.sim.now;
    const lastBit = now + toLastBit;
    this.transmitting = h;
    this.txStart = now + toStart;
    this.wire.busyIn(this.sim, toStart); // the wait for the next bit-clock edge is not wire time
    this.txFrames++;
    this.txBytes += len + FCS_BYTES;
    // Put it on the wire: it arrives at the far MAC after the last FCS bit plus propagation.
    const slot = (this.arrivalHead + this.inFlight.size) % this.arrivals.length;
    this.arrivals[slot] = lastBit + this.params.propagationPs;
    this.corrupt[slot] = this.errors ? (this.errors.bernoulli(1 - Math.pow(1 - this.params.bitErrorRate, (len + FCS_BYTES) * 8)) ? 1 : 0) : 0;
    this.inFlight.push(h);
    if (!this.deliver.scheduled) {
      this.deliver.when = this.arrivals[this.arrivalHead]!;
      this.sim.scheduleSet(this.deliver);
    }
    if (this.lazyEnd) {
      this.txFreeAt = now + toFree;
      if (this.txq.size === 0) return; // nothing waits: the end is settled lazily
    }
    this.txDone.when = now + toFree;
    this.sim.scheduleSet(this.txDone);
  }

  private finishTx(): void {
    this.transmitting = -1;
    this.wire.idleNow(this.sim);
    if (this.txq.size > 0) this.startTx();
  }

  private arrive(): void {
    const h = this.inFlight.shift();
    const bad = this.corrupt[this.arrivalHead]!;
    this.arrivalHead = (this.arrivalHead + 1) % this.arrivals.length;
    if (this.inFlight.size > 0) {
      this.deliver.when = this.arrivals[this.arrivalHead]!;
      this.sim.scheduleSet(this.deliver);
    }
    const len = this.frames.length(h) + FCS_BYTES;
    if (len < MIN_FRAME_BYTES) return void this.drop(h, "runt");
    if (len > this.maxLen(h)) return void this.drop(h, "giant");
    if (bad) return void this.drop(h, "badFcs");
    this.rxFrames++;
    this.rxFramesTotal++;
    this.rxBytes += len;
    this.receiver(h);
  }

  private maxLen(h: number): number {
    const b = this.frames.bytes(h);
    const tagged = b[12] === 0x81 && b[13] === 0x00;
    return MAX_FRAME_BYTES + (tagged ? VLAN_TAG_BYTES : 0);
  }

  read(now: number) {
    if (this.lazyEnd) this.settleTx();
    return {
      rateMbps: this.params.rateMbps,
      up: this.up,
      txFrames: this.txFrames,
      txBytes: this.txBytes,
      rxFrames: this.rxFrames,
      rxBytes: this.rxBytes,
      drops: { ...this.drops },
      txQueue: this.txq.read(),
      utilization: this.wire.read(now).utilization,
    };
  }
}
