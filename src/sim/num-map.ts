/**
 * NumMap: a map from non-negative integer keys below 2^53 to int32 values, open addressing with
 * linear probing and backward-shift deletion (no tombstones), in typed arrays. Nothing is
 * allocated per operation; the table doubles when it is half full (amortised, not per packet).
 * Hosts use it to find a connection from its addresses and ports.
 */
const EMPTY = -1;

export class NumMap {
  private keys: Float64Array;
  private vals: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1024) {
    let n = 16;
    while (n < capacity * 2) n *= 2;
    this.keys = new Float64Array(n).fill(EMPTY);
    this.vals = new Int32Array(n);
    this.mask = n - 1;
  }

  private slot(key: number): number {
    // mix the high and low halves (keys reach 2^53)
    const hi = Math.floor(key / 4294967296), lo = key >>> 0;
    let h = Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1);
    h ^= h >>> 16;
    return h & this.mask;
  }

  /** The value for `key`, or -1. */
  get(key: number): number {
    const keys = this.keys;
    for (let i = this.slot(key); ; i = (i + 1) & this.mask) {
      const k = keys[i]!;
      if (k === key) return this.vals[i]!;
      if (k === EMPTY) return -1;
    }
  }

  set(key: number, value: number): void {
    if (!(key >= 0 && key < 2 ** 53 && Number.isInteger(key))) throw new RangeError(`NumMap key ${key} must be an integer in [0, 2^53)`);
    const keys = this.keys;
    for (let i = this.slot(key); ; i = (i + 1) & this.mask) {
      const k = keys[i]!;
      if (k === key) {
        this.vals[i] = value;
        return;
      }
      if (k === EMPTY) {
        keys[i] = key;
        this.vals[i] = value;
        if (++this.size * 2 > keys.length) this.grow();
        return;
      }
    }
  }

  delete(key: number): boolean {
    const keys = this.keys, mask = this.mask;
    let i = this.slot(key);
    for (; ; i = (i + 1) & mask) {
      const k = keys[i]!;
      if (k === EMPTY) return false;
      if (k === key) break;
    }
    // backward-shift: move later entries of the probe run into the hole
    let hole = i;
    for (let j = (i + 1) & mask; keys[j]! !== EMPTY; j = (j + 1) & mask) {
      const home = this.slot(keys[j]!);
      // j's entry may move to `hole` if its home is not in (hole, j]
      if (hole <= j ? home <= hole || home > j : home <= hole && home > j) {
        keys[hole] = keys[j]!;
        this.vals[hole] = this.vals[j]!;
        hole = j;
      }
    }
    keys[hole] = EMPTY;
    this.size--;
    return true;
  }

  private grow(): void {
    const oldK = this.keys, oldV = this.vals;
    this.keys = new Float64Array(oldK.length * 2).fill(EMPTY);
    this.vals = new Int32Array(oldK.length * 2);
    this.mask = this.keys.length - 1;
    this.size = 0;
    for (let i = 0; i < oldK.length; i++) if (oldK[i]! !== EMPTY) this.set(oldK[i]!, oldV[i]!);
  }
}
