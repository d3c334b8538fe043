/**
 * The GalNet address table of one GT-48002 (docs/hardware.md §3 rows "Address table" and "Address
 * table entry"): 8K unicast MAC entries, learned from source addresses, aged by hardware, and
 * static entries written by the CPU. Each entry names a target port and carries a flag that
 * forces CPU intervention: frames to that destination MAC go to the CPU instead of being
 * switched (§3 "Intervention mode"). This is the flag the flow switch sets on each cluster's
 * virtual MAC.
 *
 * Storage: open addressing with linear probing over typed arrays (MAC as a 48-bit number);
 * deletions leave tombstones. Aging is lazy: a dynamic entry not seen for `agingPs` is treated
 * as absent on lookup and its slot is reused. Nothing is allocated per frame: the frame path reads
 * the MAC from the frame (`lookupAt`, `learnAt`), and the MAC and time of an operation travel
 * between its steps in two fields, never as arguments (both are doubles above 2^31, which V8
 * boxes at every call it does not inline).
 */
import type { TimeSource } from "../../sim/clock.ts";
import { readMac } from "../../net/mac.ts";

export const EntryFlag = { Static: 1, Intervention: 2 } as const;

export interface AddressTableParams {
  /** Entries. Default 8,192 (§3 "Address table": 8K unicast MACs per device). */
  entries: number;
  /** Dynamic-entry aging time in ps. Default 300 s (IEEE 802.1D default aging time; assumption for the GT-48002). */
  agingPs: number;
}

export const DEFAULT_ADDRESS_TABLE: AddressTableParams = { entries: 8192, agingPs: 300 * 1e12 };

const EMPTY = -1;
const TOMBSTONE = -2;

export class AddressTable {
  readonly params: AddressTableParams;
  private readonly keys: Float64Array;
  readonly port: Int16Array;
  readonly flags: Uint8Array;
  private readonly seen: Float64Array;
  private readonly mask: number;
  private used = 0;
  learned = 0;
  learnFailures = 0;
  aged = 0;
  /** The operation's MAC and time (see the header). */
  private mac = 0;
  private at = 0;

  constructor(params: Partial<AddressTableParams> = {}) {
    this.params = { ...DEFAULT_ADDRESS_TABLE, ...params };
    const n = this.params.entries;
    if (!Number.isInteger(n) || n < 2 || (n & (n - 1)) !== 0) throw new RangeError(`address table entries ${n} must be a power of two >= 2`);
    // Slots: twice the entries keeps probe chains short; `entries` still bounds what is stored.
    this.keys = new Float64Array(2 * n).fill(EMPTY);
    this.port = new Int16Array(2 * n);
    this.flags = new Uint8Array(2 * n);
    this.seen = new Float64Array(2 * n);
    this.mask = 2 * n - 1;
  }

  get size(): number {
    return this.used;
  }

  private hash(): number {
    const mac = this.mac;
    const lo = mac % 0x1000000, hi = Math.floor(mac / 0x1000000);
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 13;
    return (h >>> 0) & this.mask;
  }

  private live(i: number): boolean {
    if (this.keys[i]! < 0) return false;
    if (this.flags[i]! & EntryFlag.Static) return true;
    if (this.at - this.seen[i]! <= this.params.agingPs) return true;
    this.keys[i] = TOMBSTONE; // aged out
    this.used--;
    this.aged++;
    return false;
  }

  /** Slot of `mac`, or -1. */
  lookup(mac: number, now: number): number {
    this.mac = mac;
    this.at = now;
    return this.find();
  }

  /** Slot of the MAC at `buf[off..off+6]` at `src.now`, or -1: `lookup` for the frame path. */
  lookupAt(buf: Uint8Array, off: number, src: TimeSource): number {
    this.mac = readMac(buf, off);
    this.at = src.now;
    return this.find();
  }

  private find(): number {
    const mac = this.mac;
    for (let i = this.hash(), n = 0; n <= this.mask; i = (i + 1) & this.mask, n++) {
      const k = this.keys[i]!;
      if (k === EMPTY) return -1;
      if (k === mac) return this.live(i) ? i : -1;
    }
    return -1;
  }

  /** Learns (or refreshes) a dynamic entry from a frame's source MAC. Static entries are not moved. */
  learn(mac: number, port: number, now: number): void {
    this.mac = mac;
    this.at = now;
    this.learnCurrent(port);
  }

  /** `learn` of the MAC at `buf[off..off+6]` at `src.now`, for the frame path. */
  learnAt(buf: Uint8Array, off: number, port: number, src: TimeSource): void {
    this.mac = readMac(buf, off);
    this.at = src.now;
    this.learnCurrent(port);
  }

  private learnCurrent(port: number): void {
    const i = this.find();
    if (i >= 0) {
      if (!(this.flags[i]! & EntryFlag.Static)) {
        this.port[i] = port;
        this.seen[i] = this.at;
      }
      return;
    }
    if (this.insert(port, 0) < 0) this.learnFailures++;
    else this.learned++;
  }

  /** Writes a static entry (the CPU's): never aged, never moved by learning. */
  setStatic(mac: number, port: number, intervention: boolean, now = 0): number {
    const i = this.lookup(mac, now);
    const flags = EntryFlag.Static | (intervention ? EntryFlag.Intervention : 0);
    if (i >= 0) {
      this.port[i] = port;
      this.flags[i] = flags;
      return i;
    }
    const j = this.insert(port, flags); // lookup set the MAC and time
    if (j < 0) throw new RangeError(`address table full (${this.params.entries} entries): cannot add a static entry`);
    return j;
  }

  remove(mac: number, now = 0): boolean {
    const i = this.lookup(mac, now);
    if (i < 0) return false;
    this.keys[i] = TOMBSTONE;
    this.used--;
    return true;
  }

  /** Whether frames to `mac` must go to the CPU. */
  intervention(slot: number): boolean {
    return (this.flags[slot]! & EntryFlag.Intervention) !== 0;
  }

  /** Inserts the operation's MAC (set by the lookup before it) with its time. */
  private insert(port: number, flags: number): number {
    if (this.used >= this.params.entries) return -1;
    for (let i = this.hash(), n = 0; n <= this.mask; i = (i + 1) & this.mask, n++) {
      const k = this.keys[i]!;
      if (k < 0 || !this.live(i)) {
        this.keys[i] = this.mac;
        this.port[i] = port;
        this.flags[i] = flags;
        this.seen[i] = this.at;
        this.used++;
        return i;
      }
    }
    return -1;
  }

  read() {
    return { entries: this.used, capacity: this.params.entries, learned: this.learned, learnFailures: this.learnFailures, aged: this.aged };
  }
}
