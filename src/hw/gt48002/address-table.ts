/**
 * The GalNet address table of one GT-48002 (hw-params.md §3 rows "Address table" and "Address
 * table entry"): 8K unicast MAC entries, learned from source addresses, aged by hardware, and
 * static entries written by the CPU. Each entry names a target port and carries a flag that
 * forces CPU intervention: frames to that destination MAC go to the CPU instead of being
 * switched (§3 "Intervention mode"). This is the flag the flow switch sets on each cluster's
 * virtual MAC.
 *
 * Storage: open addressing with linear probing over typed arrays (MAC as a 48-bit number);
 * deletions leave tombstones. Aging is lazy: a dynamic entry not seen for `agingPs` is treated
 * as absent on lookup and its slot is reused. Nothing is allocated per frame.
 */
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

  private hash(mac: number): number {
    const lo = mac % 0x1000000, hi = Math.floor(mac / 0x1000000);
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 13;
    return (h >>> 0) & this.mask;
  }

  private live(i: number, now: number): boolean {
    if (this.keys[i]! < 0) return false;
    if (this.flags[i]! & EntryFlag.Static) return true;
    if (now - this.seen[i]! <= this.params.agingPs) return true;
    this.keys[i] = TOMBSTONE; // aged out
    this.used--;
    this.aged++;
    return false;
  }

  /** Slot of `mac`, or -1. */
  lookup(mac: number, now: number): number {
    for (let i = this.hash(mac), n = 0; n <= this.mask; i = (i + 1) & this.mask, n++) {
      const k = this.keys[i]!;
      if (k === EMPTY) return -1;
      if (k === mac) return this.live(i, now) ? i : -1;
    }
    return -1;
  }

  /** Learns (or refreshes) a dynamic entry from a frame's source MAC. Static entries are not moved. */
  learn(mac: number, port: number, now: number): void {
    const i = this.lookup(mac, now);
    if (i >= 0) {
      if (!(this.flags[i]! & EntryFlag.Static)) {
        this.port[i] = port;
        this.seen[i] = now;
      }
      return;
    }
    if (this.insert(mac, port, 0, now) < 0) this.learnFailures++;
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
    const j = this.insert(mac, port, flags, now);
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

  private insert(mac: number, port: number, flags: number, now: number): number {
    if (this.used >= this.params.entries) return -1;
    for (let i = this.hash(mac), n = 0; n <= this.mask; i = (i + 1) & this.mask, n++) {
      const k = this.keys[i]!;
      if (k < 0 || !this.live(i, now)) {
        this.keys[i] = mac;
        this.port[i] = port;
        this.flags[i] = flags;
        this.seen[i] = now;
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
