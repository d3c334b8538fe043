/**
 * The CPU-buffer ring's registers as the stand-alone instruction-level machine answers them: the
 * device side of firmware/c/switch/ring.h (the GT-48002's CPU "take packet" path, docs/hardware.md
 * §3 "CPU options on an intervened frame"). The register map and field layouts are not in any
 * source found (§A4, the GT-48002's message layouts); this is the model's assumption, the same on
 * both sides:
 *
 *   RING_BASE + 0x0  RING_CAUSE   read: bit 0 = a CPU buffer holds a frame (the line on Int0)
 *   RING_BASE + 0x4  RING_FILLED  read: the oldest filled buffer's index (0xffffffff: none)
 *   RING_BASE + 0x8  RING_FREE    write: a buffer handed back to the free list (it leaves the ring)
 *   RING_BASE + 0xC  BUFFER_REQ   write: egress port << 24 | buffer << 16 | length (the hand-back)
 *
 * Values only: when an access answers is the machine's device port (a fixed latency in the
 * stand-alone machine, an assumption: fixed-latency.ts `deviceReadCycles`, writes posted).
 */
import type { DeviceSpace } from "./ports.ts";

export const RING_BASE = 0x1200_0000;
export const RING_CAUSE = 0x0, RING_FILLED = 0x4, RING_FREE = 0x8, BUFFER_REQ = 0xc;
export const RING_NONE = 0xffff_ffff;

/** A BUFFER_REQUEST the firmware posted. */
export interface HandBack {
  port: number;
  buffer: number;
  length: number;
}

export class CpuRingDevice implements DeviceSpace {
  /** Filled buffers, oldest first (a small ring of indexes; no allocation per frame). */
  private readonly filled: Int32Array;
  private head = 0;
  private count = 0;
  /** The last BUFFER_REQUEST, and how many were posted. */
  readonly last: HandBack = { port: -1, buffer: -1, length: 0 };
  handBacks = 0;
  /** Buffers returned to the free list. */
  returned = 0;
  /** Returns of a buffer that was not the oldest filled one (ignored: the firmware takes buffers in order). */
  misreturned = 0;
  /** Accesses to addresses this device does not decode. */
  unknown = 0;

  /** @param setLine drives the CPU's interrupt line (Int0) */
  constructor(readonly buffers: number, private readonly setLine: (asserted: boolean) => void) {
    this.filled = new Int32Array(buffers);
  }

  get pending(): number {
    return this.count;
  }

  /** The controller wrote a frame into buffer `k` and its END_OF_PACKET word: the interrupt rises. */
  fill(k: number): void {
    if (this.count === this.buffers) throw new RangeError(`CPU ring: all ${this.buffers} buffers are filled`);
    this.filled[(this.head + this.count++) % this.buffers] = k;
    this.setLine(true);
  }

  load(pa: number): number {
    switch (pa - RING_BASE) {
      case RING_CAUSE: return this.count > 0 ? 1 : 0;
      case RING_FILLED: return this.count > 0 ? this.filled[this.head]! : RING_NONE | 0;
      default:
        this.unknown++;
        return 0;
    }
  }

  store(pa: number, _bytes: number, value: number): void {
    switch (pa - RING_BASE) {
      case RING_FREE:
        // the buffer the firmware returns is the oldest filled one (it takes them in order)
        if (this.count > 0 && this.filled[this.head] === value) {
          this.head = (this.head + 1) % this.buffers;
          this.count--;
        } else this.misreturned++;
        this.returned++;
        if (this.count === 0) this.setLine(false);
        return;
      case BUFFER_REQ:
        this.last.port = value >>> 24;
        this.last.buffer = (value >>> 16) & 0xff;
        this.last.length = value & 0xffff;
        this.handBacks++;
        return;
      default:
        this.unknown++;
    }
  }
}
