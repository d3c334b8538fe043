/**
 * Galileo GT-48002 two-port Fast Ethernet switch controller with its 1 MB EDO buffer memory
 * (docs/hardware.md §3; the patent's Figs 5A-5D). Store-and-forward: a frame is received whole
 * (the MAC drops runts, giants and bad FCS), written into the buffer memory, its source MAC
 * learned, and its destination MAC looked up in the 8K-entry address table by the device's
 * forwarding engine (forwarding-engine.ts: one frame at a time, the source's and the destination's
 * entries read from the buffer memory, where the table lives, then `forwardingClocks`):
 *   - a port of this controller: read from the buffer memory and transmitted; such frames never
 *     touch the board's interconnect (PCI);
 *   - a port of another controller: sent over the board's fabric (on PCI, GalNet write-only
 *     messages: docs/hardware.md §3 "Inter-card forwarding"), written into that controller's buffer
 *     memory, read and transmitted;
 *   - a destination whose entry carries the CPU-intervention flag, a broadcast or multicast, or an
 *     unknown unicast: handed to the CPU path (§3 "To-CPU classes", "Intervention mode").
 * Buffer memory accesses go through a memory-port model (DramController) with EDO timing; a frame
 * needs a free buffer (bufferBytes / bufferSlotBytes of them) from reception until it leaves.
 *
 * Counters: frames by path (local, fabric out/in, to CPU, from CPU), drops by cause
 * (bufferFull, fabricFull, cpuRefused, plus the MACs'), address table, buffer high water.
 */
import { ClockDomain } from "../../sim/clock.ts";
import type { Simulator } from "../../sim/simulator.ts";
import { isMulticastAt, readMac } from "../../net/mac.ts";
import type { FramePool } from "../../net/frame-pool.ts";
import { EthernetChannel, type EthernetChannelParams } from "../ethernet/link.ts";
import { DramController, MemRequest, type DramParams } from "../gt64010/dram.ts";
import type { Fabric, FabricTransfer } from "../fabric/fabric.ts";
import { TRANSFERS } from "../fabric/fabric.ts";
import { AddressTable, type AddressTableParams } from "./address-table.ts";
import { ForwardingEngine } from "./forwarding-engine.ts";
import { zeroCounts } from "../../sim/stats/reset.ts";
import { IntRing } from "../../sim/ring.ts";

export interface Gt48002Params {
  /** Core clock in Hz. Default 50 MHz (assumption: twice the 25 MHz MII clock of §3's sister part). */
  coreClockHz: number;
  /** Core clocks of a decision besides its two table reads: hashing the addresses, comparing, choosing the way out. Default 8 (assumption; §3 "forwarding latency: not found"). */
  forwardingClocks: number;
  /** Bytes of an address-table entry, read and written in the buffer memory. Default 8 (assumption: a 48-bit MAC with the port, aging, static and intervention fields of §3 "Address table entry" in 64 bits). */
  tableEntryBytes: number;
  /** Buffer memory in bytes. Default 1 MiB (patent, Fig 5A: "1MB EDO RAM"). */
  bufferBytes: number;
  /** Bytes per frame buffer. Default 2,048 (assumption: one maximum frame per buffer, 512 buffers). */
  bufferSlotBytes: number;
  /** The buffer memory's timing: a 32-bit EDO port at 50 MHz, 5-2-2-2 (§6 "EDO system burst timing"; width and clock are assumptions). */
  memory: Partial<DramParams>;
  /** Each port's MAC and link. */
  link: Partial<EthernetChannelParams>;
  /**
   * Frames the attached host may queue to send on the link into the port (the host's NIC queue and
   * qdisc, not the switch's). Default 1,000 (assumption: Linux's default txqueuelen), so a host
   * offering traffic near line rate queues it rather than losing it before it reaches the switch;
   * the switch's own transmit queues keep the MAC's `link.txQueueFrames`.
   */
  hostQueueFrames: number;
  /**
   * Data frames held in buffer memory for the CPU path at once, as a share of the buffers. Default
   * 1/8 (64 of 512; assumption: a shared-memory switch bounds each queue so one cannot take every
   * buffer, Choudhury & Hahne, IEEE/ACM ToN 6(2) 1998). Past it a data frame for the CPU path is
   * dropped at the forwarding decision (`cpuBacklog`): an overloaded CPU path then keeps buffers
   * free for the ports' transmit queues and for control frames, and a deeper backlog before a busy
   * CPU would only add delay (the CPU's own ring keeps it busy).
   */
  cpuBacklogShare: number;
  /** Control-class frames held for the CPU's control ring at once. Default 16 (assumption: a few probe rounds' answers); past it they are dropped (`controlQueueFull`). */
  controlQueueFrames: number;
  addressTable: Partial<AddressTableParams>;
  /** "cycle" (default) or "tlm": the forwarding engine's two table reads as one request (forwarding-engine.ts), its ports' ends of transmission events only when a frame waits (link.ts; issue 18 part 3). */
  timing: "cycle" | "tlm";
}

export const DEFAULT_GT48002: Gt48002Params = {
  coreClockHz: 50_000_000,
  forwardingClocks: 8,
  tableEntryBytes: 8,
  bufferBytes: 1_048_576,
  bufferSlotBytes: 2048,
  memory: { tclkHz: 50_000_000, widthBytes: 4, firstAccessClocks: 5, burstClocks: 2, requestOverheadClocks: 1, queueDepth: 64 },
  link: {},
  hostQueueFrames: 1000,
  cpuBacklogShare: 1 / 8,
  controlQueueFrames: 16,
  addressTable: {},
  timing: "cycle",
};

/** What the board gives a controller: where frames for the CPU go, and how global ports map to controllers. */
export interface ControllerWiring {
  fabric: Fabric;
  /** Global port number of this controller's port 0 (port 1 is base + 1). */
  portBase: number;
  /** Controller index of each global port. */
  portOwner: (globalPort: number) => number;
  /** Fabric endpoint of each controller index. */
  endpointOf: (controller: number) => number;
  /**
   * Hands a frame to the CPU path; false if refused (the controller holds it and retries).
   * `entryPort` is the port field of the flagged address-table entry (-1 for broadcast, multicast
   * and unknown destinations): boards use it to send frames for a translator (Fig 5E) elsewhere.
   * `control`: the frame is of the control class (`CONTROL_PORT` entries, multicast), for the CPU's control ring.
   */
  toCpu: (h: number, ingressPort: number, controller: number, entryPort: number, control: boolean) => boolean;
  /** All controllers, for NEW_ADDRESS learning propagation. */
  peers: () => Gt48002[];
}

export const STAGE_RX_WRITE = 1, STAGE_LOCAL_READ = 2, STAGE_IN_WRITE = 3, STAGE_OUT_READ = 4;

/**
 * Address-table port value of entries whose frames go to the CPU's control ring (the switch's own
 * MAC: its probes' answers). With multicast (the datasheet's to-CPU classes), these frames are the
 * control class: they wait for the CPU apart from data frames and take CPU buffers of their own
 * (docs/hardware.md, GT-48002 "Queues bounded apart", and "Control traffic").
 */
export const CONTROL_PORT = -4;

/** Frames held in buffer memory for one way out, in order: handles, and the address-table port that sent each there (CPU path). */
class Held {
  readonly frame: IntRing;
  readonly entry: IntRing;
  constructor(capacity: number) {
    this.frame = new IntRing(capacity);
    this.entry = new IntRing(capacity);
  }
  get size(): number {
    return this.frame.size;
  }
  push(h: number, entryPort: number): void {
    this.frame.push(h);
    this.entry.push(entryPort);
  }
  shift(): void {
    this.frame.shift();
    this.entry.shift();
  }
}

export class Gt48002 {
  readonly params: Gt48002Params;
  readonly clock: ClockDomain;
  readonly memory: DramController;
  readonly table: AddressTable;
  /** Per port: the channel from the host into this controller, and from this controller to the host. */
  readonly rx: EthernetChannel[] = [];
  readonly tx: EthernetChannel[] = [];
  endpoint = -1;
  private wiring!: ControllerWiring;
  private readonly requester: number;
  private readonly freeReqs: MemRequest[] = [];
  readonly engine: ForwardingEngine;
  /** NEW_ADDRESS messages the fabric could not take yet: the peer's endpoint and the record's slot, in order. */
  private readonly learnOut = new IntRing(256);
  private readonly learnOutSlot = new IntRing(256);
  private readonly transfers = TRANSFERS;
  private readonly buffers: number;
  private resident = 0; // frames holding a buffer outside the tx channels
  bufferHighWater = 0;
  /**
   * Frames that the fabric (to another controller) or the CPU path could not take yet: they stay
   * in buffer memory, holding their buffers, and leave in order when there is room (backpressure).
   * One queue per way out, so that none waits behind another's: frames for the fabric; data
   * frames for the CPU path (at most `cpuBacklog`: past it a frame is dropped, `cpuBacklog`);
   * control-class frames for the CPU's control ring (at most `controlQueueFrames`).
   */
  private readonly waitFabric: Held;
  private readonly waitCpu: Held;
  private readonly waitControl: Held;
  private readonly cpuBacklog: number;
  /** True while frames wait for the CPU path (the CPU board's freed buffers retry them). */
  waitingForCpu = false;
  /** Per port: frames received on it that the controller dropped, for any cause (a running count; the GT-48002's per-port statistics, docs/hardware.md). */
  readonly portDrops = new Float64Array(2);
  /** Frames that waited for the fabric or the CPU path at least once. */
  heldBack = 0;

  readonly counts = { received: 0, local: 0, fabricOut: 0, fabricIn: 0, toCpu: 0, fromCpu: 0, learned: 0 };
  readonly drops = { bufferFull: 0, fabricFull: 0, cpuRefused: 0, memoryBusy: 0, cpuBacklog: 0, controlQueueFull: 0 };

  constructor(private readonly sim: Simulator, readonly name: string, readonly index: number, private readonly pool: FramePool, params: Partial<Gt48002Params> = {}) {
    this.params = { ...DEFAULT_GT48002, ...params, memory: { ...DEFAULT_GT48002.memory, ...params.memory } };
    const p = this.params;
    this.clock = new ClockDomain(`${name}.core`, p.coreClockHz);
    this.memory = new DramController(sim, `${name}.buffer`, p.memory);
    this.requester = this.memory.addRequester(name);
    this.buffers = Math.floor(p.bufferBytes / p.bufferSlotBytes);
    this.table = new AddressTable(p.addressTable);
    for (let i = 0; i < 2 * this.buffers + 8; i++) this.freeReqs.push(new MemRequest(this.requester, (r) => this.memDone(r)));
    this.engine = new ForwardingEngine(sim, `${name}.decide`, this.clock, p.forwardingClocks, this.buffers + 8, this.memory, p.tableEntryBytes, (h) => this.forward(h), p.timing);
    this.cpuBacklog = Math.max(1, Math.floor(this.buffers * p.cpuBacklogShare));
    this.waitFabric = new Held(this.buffers + 8);
    this.waitCpu = new Held(this.cpuBacklog);
    this.waitControl = new Held(p.controlQueueFrames);
    for (let port = 0; port < 2; port++) {
      const rx = new EthernetChannel(sim, `${name}.p${port}.rx`, pool, { ...p.link, txQueueFrames: p.hostQueueFrames, timing: p.timing });
      rx.receiver = (h) => this.receive(h, port);
      this.rx.push(rx);
      // frames queued for a port wait in buffer memory, each holding a buffer: the buffers bound the queue, not a MAC ring
      this.tx.push(new EthernetChannel(sim, `${name}.p${port}.tx`, pool, { ...p.link, txQueueFrames: p.link.txQueueFrames ?? this.buffers, timing: p.timing }));
    }
    sim.onResetStats(() => this.resetStats());
  }

  /** Restarts counts and drops (a warm-up's end); its memory and channels restart their own. */
  resetStats(): void {
    zeroCounts(this.counts);
    zeroCounts(this.drops);
    this.bufferHighWater = this.buffersInUse;
    this.heldBack = 0;
  }

  wire(w: ControllerWiring): void {
    this.wiring = w;
    this.endpoint = w.fabric.addEndpoint(this.name, (t) => this.fromFabric(t), () => this.retry());
  }

  get bufferCount(): number {
    return this.buffers;
  }

  /** Buffers in use: frames being written, decided, staged for the fabric, and queued for transmit. */
  get buffersInUse(): number {
    return this.resident + this.tx[0]!.queued + this.tx[1]!.queued;
  }

  private takeBuffer(): boolean {
    if (this.buffersInUse >= this.buffers) return false;
    this.resident++;
    if (this.buffersInUse > this.bufferHighWater) this.bufferHighWater = this.buffersInUse;
    return true;
  }

  private access(h: number, bytes: number, write: boolean, stage: number): void {
    const r = this.freeReqs.pop();
    if (!r) throw new Error(`${this.name}: memory request pool exhausted (model bug)`);
    r.tag = h;
    r.stage = stage;
    r.write = write;
    r.bytes = Math.max(4, bytes);
    r.addr = 0;
    if (!this.memory.submit(r)) {
      // the buffer memory's request FIFO is full: the frame cannot be stored
      this.freeReqs.push(r);
      this.drops.memoryBusy++;
      if (stage === STAGE_RX_WRITE) this.portDrops[this.pool.port[this.pool.slotOf(h)]! - this.wiring.portBase]!++;
      this.resident--;
      this.pool.free(h);
    }
  }

  /** A frame arrived intact on local port `port` (the MAC already dropped runts, giants, bad FCS). */
  receive(h: number, port: number): void {
    this.counts.received++;
    this.pool.port[this.pool.slotOf(h)] = this.wiring.portBase + port;
    if (!this.takeBuffer()) {
      this.drops.bufferFull++;
      this.portDrops[port]!++;
      this.pool.free(h);
      return;
    }
    this.access(h, this.pool.length(h), true, STAGE_RX_WRITE);
  }

  private memDone(r: MemRequest): void {
    const h = r.tag, stage = r.stage;
    this.freeReqs.push(r);
    switch (stage) {
      case STAGE_RX_WRITE:
        this.engine.push(h);
        return;
      case STAGE_LOCAL_READ:
        this.resident--;
        this.transmit(h, this.pool.egressPort[this.pool.slotOf(h)]! - this.wiring.portBase);
        return;
      case STAGE_IN_WRITE:
        this.access(h, this.pool.length(h), false, STAGE_LOCAL_READ);
        return;
      case STAGE_OUT_READ:
        this.sendOverFabric(h);
        return;
    }
  }

  /** The forwarding decision: learn the source, look up the destination. */
  private forward(h: number): void {
    const buf = this.pool.bytes(h);
    const slot = this.pool.slotOf(h);
    const ingress = this.pool.port[slot]!;
    // MACs are read from the frame inside the table: 48-bit numbers box at calls (address-table.ts)
    if (!isMulticastAt(buf, 6)) this.learn(buf, ingress); // only unicast sources are learned
    const e = this.table.lookupAt(buf, 0, this.sim);
    if (e < 0 || this.table.intervention(e) || isMulticastAt(buf, 0)) {
      // unknown unicast, broadcast/multicast, or flagged for intervention: to the CPU
      this.counts.toCpu++;
      const entryPort = e >= 0 ? this.table.port[e]! : -1;
      if (entryPort === CONTROL_PORT || isMulticastAt(buf, 0)) this.toControl(h, entryPort);
      else this.toCpuOrWait(h, entryPort);
      return;
    }
    const out = this.table.port[e]!;
    this.pool.egressPort[slot] = out;
    if (this.wiring.portOwner(out) === this.index) {
      this.counts.local++;
      this.access(h, this.pool.length(h), false, STAGE_LOCAL_READ);
    } else {
      this.access(h, this.pool.length(h), false, STAGE_OUT_READ);
    }
  }

  /** Learns the source MAC of the frame in `buf`. */
  private learn(buf: Uint8Array, port: number): void {
    const had = this.table.lookupAt(buf, 6, this.sim) >= 0;
    this.table.learnAt(buf, 6, port, this.sim);
    if (had) return;
    this.counts.learned++;
    this.engine.writeEntry();
    // NEW_ADDRESS to the other GalNet devices over the fabric (§3 "Learning propagation"): on PCI a
    // single-dword GalNet message write each; they learn it when it arrives
    const mac = readMac(buf, 6);
    for (const peer of this.wiring.peers()) {
      if (peer === this) continue;
      const slot = NEW_ADDRESSES.put(mac, port);
      if (this.learnOut.size > 0 || !this.sendNewAddress(peer.endpoint, slot)) {
        if (!this.learnOut.push(peer.endpoint)) NEW_ADDRESSES.free(slot); // cannot happen before 256 new addresses wait
        else this.learnOutSlot.push(slot);
      }
    }
  }

  private sendNewAddress(dst: number, slot: number): boolean {
    if (!this.transfers.send(this.wiring.fabric, this.endpoint, dst, NEW_ADDRESS_FRAME - slot, NEW_ADDRESS_BYTES)) return false;
    this.newAddressesSent++;
    return true;
  }

  /** NEW_ADDRESS messages sent to other devices. */
  newAddressesSent = 0;

  private sendOverFabric(h: number): void {
    if (this.waitFabric.size === 0 && this.toFabric(h)) return;
    if (this.waitFabric.frame.full) {
      // cannot happen: every waiting frame holds one of `buffers` buffers
      this.drops.fabricFull++;
      this.resident--;
      this.pool.free(h);
      return;
    }
    this.heldBack++;
    this.waitFabric.push(h, -1);
  }

  /** One attempt to send `h` over the fabric to its egress port's controller. */
  private toFabric(h: number): boolean {
    const out = this.pool.egressPort[this.pool.slotOf(h)]!;
    if (!this.transfers.send(this.wiring.fabric, this.endpoint, this.wiring.endpointOf(this.wiring.portOwner(out)), h, this.pool.length(h))) return false;
    this.counts.fabricOut++;
    this.resident--;
    return true;
  }

  /**
   * Hands a data frame to the CPU path (the CPU board, or 5E's CPLD), or holds it until that path
   * can take it; past the CPU backlog's bound it is dropped here (`cpuBacklog`), not at reception.
   */
  private toCpuOrWait(h: number, entryPort: number): void {
    if (this.waitCpu.size === 0 && this.toCpu(h, entryPort, false)) return;
    if (this.waitCpu.frame.full) return this.dropHere(h, "cpuBacklog");
    this.hold(this.waitCpu, h, entryPort);
  }

  /** Hands a control-class frame to the CPU's control ring, or holds it apart from the data frames. */
  private toControl(h: number, entryPort: number): void {
    if (this.waitControl.size === 0 && this.toCpu(h, entryPort, true)) return;
    if (this.waitControl.frame.full) return this.dropHere(h, "controlQueueFull");
    this.hold(this.waitControl, h, entryPort);
  }

  /** One attempt to hand `h` to the CPU path. */
  private toCpu(h: number, entryPort: number, control: boolean): boolean {
    if (!this.wiring.toCpu(h, this.pool.port[this.pool.slotOf(h)]!, this.index, entryPort, control)) return false;
    this.resident--;
    return true;
  }

  private hold(q: Held, h: number, entryPort: number): void {
    this.heldBack++;
    q.push(h, entryPort);
    this.waitingForCpu = true;
  }

  /** Drops a frame received on one of this controller's ports after its decision, counting it against that port. */
  private dropHere(h: number, cause: "cpuBacklog" | "controlQueueFull"): void {
    this.drops[cause]++;
    this.portDrops[this.pool.port[this.pool.slotOf(h)]! - this.wiring.portBase]!++;
    this.resident--;
    this.pool.free(h);
  }

  /** The fabric has room, or the CPU path a free buffer: held frames leave, control frames first, each queue in order. */
  retry(): void {
    const c = this.waitControl, d = this.waitCpu, f = this.waitFabric;
    while (c.size > 0 && this.toCpu(c.frame.peek(), c.entry.peek(), true)) c.shift();
    while (d.size > 0 && this.toCpu(d.frame.peek(), d.entry.peek(), false)) d.shift();
    this.waitingForCpu = c.size > 0 || d.size > 0;
    while (f.size > 0 && this.toFabric(f.frame.peek())) f.shift();
    while (this.learnOut.size > 0 && this.sendNewAddress(this.learnOut.peek(), this.learnOutSlot.peek())) (this.learnOut.shift(), this.learnOutSlot.shift());
  }

  /** A frame (or message) arriving over the fabric for one of this controller's ports. */
  private fromFabric(t: FabricTransfer): void {
    const h = t.frame;
    this.transfers.put(t);
    if (h <= NEW_ADDRESS_FRAME) {
      // a NEW_ADDRESS from another device: its entry is written into this device's table
      const slot = NEW_ADDRESS_FRAME - h;
      this.table.learn(NEW_ADDRESSES.mac[slot]!, NEW_ADDRESSES.port[slot]!, this.sim.now);
      NEW_ADDRESSES.free(slot);
      this.engine.writeEntry();
      return;
    }
    if (h < 0) return; // a message without a frame
    this.counts.fabricIn++;
    if (!this.takeBuffer()) {
      this.drops.bufferFull++;
      this.pool.free(h);
      return;
    }
    this.access(h, this.pool.length(h), true, STAGE_IN_WRITE);
  }

  /** The CPU hands a frame back for transmission on global port `globalPort` of this controller. */
  transmitFromCpu(h: number, globalPort: number): void {
    this.counts.fromCpu++;
    if (!this.takeBuffer()) {
      this.drops.bufferFull++;
      this.pool.free(h);
      return;
    }
    this.pool.egressPort[this.pool.slotOf(h)] = globalPort;
    this.access(h, this.pool.length(h), true, STAGE_IN_WRITE);
  }

  private transmit(h: number, port: number): void {
    this.tx[port]!.send(h); // a refusal is counted by the channel (txQueueFull) and frees the frame
  }

  /** Frames inside the controller (being written, decided, read, or queued/on the wire out). */
  get inFlight(): number {
    return this.resident + this.tx[0]!.inFlightFrames + this.tx[1]!.inFlightFrames + this.rx[0]!.inFlightFrames + this.rx[1]!.inFlightFrames;
  }

  read(now: number) {
    return {
      counts: { ...this.counts },
      drops: { ...this.drops },
      buffers: { count: this.buffers, highWater: this.bufferHighWater },
      memory: this.memory.read(now),
      table: this.table.read(),
      ports: [0, 1].map((p) => ({ rx: this.rx[p]!.read(now), tx: this.tx[p]!.read(now) })),
    };
  }
}

/** A NEW_ADDRESS message's bytes: one GalNet message (a single-dword write on PCI, §10.1). */
export const NEW_ADDRESS_BYTES = 4;
/** Transfers whose frame is NEW_ADDRESS_FRAME - slot carry the NEW_ADDRESS record in `slot`. */
const NEW_ADDRESS_FRAME = -2;

/** NEW_ADDRESS records in flight (the MAC and port the message carries in its address and data phases): reused slots, grown only as more are in flight at once. */
class NewAddressRecords {
  mac = new Float64Array(64);
  port = new Int16Array(64);
  private readonly freeSlots: number[] = [];
  private next = 0;
  put(mac: number, port: number): number {
    let s = this.freeSlots.pop();
    if (s === undefined) {
      s = this.next++;
      if (s === this.mac.length) {
        const m = new Float64Array(2 * s), p = new Int16Array(2 * s);
        m.set(this.mac);
        p.set(this.port);
        this.mac = m;
        this.port = p;
      }
    }
    this.mac[s] = mac;
    this.port[s] = port;
    return s;
  }
  free(s: number): void {
    this.freeSlots.push(s);
  }
}

/** One pool for every controller (records carry no simulation state between uses, as TRANSFERS). */
const NEW_ADDRESSES = new NewAddressRecords();
