/**
 * Pooled frame buffers: one slab ArrayBuffer cut into fixed slots, with per-slot metadata in
 * typed arrays. A frame is named by a versioned handle (slot + generation, as thi.ng's idgen), so
 * a handle kept after its slot was freed and reused is detected instead of silently reading
 * another frame. Steady-state allocation is zero: `bytes(h)` returns a view made once per slot.
 *
 * Handles stay below 2^31: the slot in the low bits (as many as the slot count needs), the
 * generation above them, wrapping at 2^(31 - slot bits) (512K generations for the default 4,096
 * slots; a stale handle goes unnoticed only if its slot was reused an exact multiple of that many
 * times since). So a handle is a small integer to V8, passed through every call unboxed: with
 * a fixed 20-bit slot field, the most reused slots' handles passed 2^31 after 2,048 reuses (a
 * fraction of a simulated second on a busy board), and each then cost a heap number at every call
 * V8 did not inline.
 */
export type FrameHandle = number;
export const NO_FRAME: FrameHandle = -1;

/** Thrown on a stale or foreign handle: a model bug, never bad input. */
export class StaleFrameHandleError extends Error {
  override name = "StaleFrameHandleError";
}

export interface FramePoolOptions {
  /** Number of frame buffers. Default 4096. */
  slots?: number;
  /** Bytes per buffer. Default 2048 (a 1522-byte tagged frame with room to spare). */
  slotBytes?: number;
}

const MAX_SLOTS = 2 ** 20;

export class FramePool {
  readonly slots: number;
  readonly slotBytes: number;
  private readonly slab: ArrayBuffer;
  private readonly views: Uint8Array[];
  private readonly gen: Uint32Array;
  /** handle = generation * genUnit + slot; generations wrap at genLimit (see the header). */
  private readonly genUnit: number;
  private readonly genLimit: number;
  private readonly live: Uint8Array;
  private readonly lengths: Uint16Array;
  private readonly freeList: Int32Array;
  private freeTop: number;
  /** Simulation time the frame entered the system (ps), for latency. */
  readonly ingressTime: Float64Array;
  /** Owner-defined flow or stream id. */
  readonly flowId: Int32Array;
  /** Owner-defined port or place id (the switch: global ingress port). */
  readonly port: Int16Array;
  /** Owner-defined second port id (the switch: global egress port once decided). */
  readonly egressPort: Int16Array;

  allocated = 0;
  freed = 0;
  exhausted = 0;
  highWater = 0;

  constructor(opts: FramePoolOptions = {}) {
    this.slots = opts.slots ?? 4096;
    this.slotBytes = opts.slotBytes ?? 2048;
    if (!Number.isInteger(this.slots) || this.slots < 1 || this.slots >= MAX_SLOTS) throw new RangeError(`frame pool slots ${this.slots} must be in [1, 2^20)`);
    this.genUnit = 2 ** Math.max(1, Math.ceil(Math.log2(this.slots)));
    this.genLimit = 2 ** 31 / this.genUnit;
    if (!Number.isInteger(this.slotBytes) || this.slotBytes < 64 || this.slotBytes > 65535) throw new RangeError(`frame pool slotBytes ${this.slotBytes} must be in [64, 65535]`);
    this.slab = new ArrayBuffer(this.slots * this.slotBytes);
    this.views = Array.from({ length: this.slots }, (_, i) => new Uint8Array(this.slab, i * this.slotBytes, this.slotBytes));
    this.gen = new Uint32Array(this.slots);
    this.live = new Uint8Array(this.slots);
    this.lengths = new Uint16Array(this.slots);
    this.freeList = new Int32Array(this.slots);
    for (let i = 0; i < this.slots; i++) this.freeList[i] = this.slots - 1 - i; // pop gives slot 0 first
    this.freeTop = this.slots;
    this.ingressTime = new Float64Array(this.slots);
    this.flowId = new Int32Array(this.slots);
    this.port = new Int16Array(this.slots);
    this.egressPort = new Int16Array(this.slots);
  }

  get inUse(): number {
    return this.slots - this.freeTop;
  }

  /** A fresh buffer (length 0), or NO_FRAME when the pool is empty (counted in `exhausted`). */
  alloc(): FrameHandle {
    if (this.freeTop === 0) {
      this.exhausted++;
      return NO_FRAME;
    }
    const slot = this.freeList[--this.freeTop]!;
    this.live[slot] = 1;
    this.lengths[slot] = 0;
    this.flowId[slot] = -1; // metadata never leaks from a slot's previous frame
    this.egressPort[slot] = -1;
    this.allocated++;
    if (this.inUse > this.highWater) this.highWater = this.inUse;
    return this.gen[slot]! * this.genUnit + slot;
  }

  /** The slot of a live handle; throws StaleFrameHandleError for a stale or unknown one. */
  slotOf(h: FrameHandle): number {
    const slot = h % this.genUnit;
    if (!(h >= 0) || slot >= this.slots || this.live[slot] !== 1 || this.gen[slot] !== Math.floor(h / this.genUnit)) {
      throw new StaleFrameHandleError(`frame handle ${h} is stale or unknown (slot ${slot})`);
    }
    return slot;
  }

  isLive(h: FrameHandle): boolean {
    const slot = h % this.genUnit;
    return h >= 0 && slot < this.slots && this.live[slot] === 1 && this.gen[slot] === Math.floor(h / this.genUnit);
  }

  /** The whole slot's bytes (slotBytes long); the frame is the first `length(h)` of them. */
  bytes(h: FrameHandle): Uint8Array {
    return this.views[this.slotOf(h)]!;
  }

  length(h: FrameHandle): number {
    return this.lengths[this.slotOf(h)]!;
  }

  setLength(h: FrameHandle, n: number): void {
    if (!(n >= 0 && n <= this.slotBytes)) throw new RangeError(`frame length ${n} outside [0, ${this.slotBytes}]`);
    this.lengths[this.slotOf(h)] = n;
  }

  /** Copies `data` into a new buffer; NO_FRAME when the pool is empty. */
  allocFrom(data: Uint8Array): FrameHandle {
    const h = this.alloc();
    if (h === NO_FRAME) return h;
    const slot = h % this.genUnit;
    this.views[slot]!.set(data);
    this.lengths[slot] = data.length;
    return h;
  }

  free(h: FrameHandle): void {
    const slot = this.slotOf(h);
    this.live[slot] = 0;
    this.gen[slot] = (this.gen[slot]! + 1) % this.genLimit;
    this.freeList[this.freeTop++] = slot;
    this.freed++;
  }

  /** Live frames whose `flowId` satisfies `pred` (end-of-run accounting; not for the datapath). */
  countLive(pred: (flowId: number) => boolean): number {
    let n = 0;
    for (let i = 0; i < this.slots; i++) if (this.live[i] === 1 && pred(this.flowId[i]!)) n++;
    return n;
  }

  read() {
    return { slots: this.slots, inUse: this.inUse, highWater: this.highWater, allocated: this.allocated, freed: this.freed, exhausted: this.exhausted };
  }
}
