/**
 * The flow table: open addressing with linear probing over typed arrays, a fixed capacity, and
 * per-protocol idle timeouts. Nothing is allocated per packet.
 *
 * Entries leave the table three ways, all without tombstones (deletion shifts the rest of the
 * probe run back, Knuth's Algorithm R, so a lookup always ends at the first empty slot):
 *   - lazily: a lookup or an insert that meets an expired entry reclaims it;
 *   - by the sweep: `sweep(now, n)` examines the next `n` slots after a cursor that walks the
 *     whole table round and round, reclaiming expired entries. The firmware runs a few slots of it
 *     with every new flow (amortised on the hot path), so expired entries cannot pile up: with a
 *     budget of k slots per insert the cursor passes every slot once per 2 x capacity / k inserts;
 *   - explicitly (`remove`), when the firmware ends a flow.
 * When `capacity` entries are live, `insert` fails and the caller falls back to the consistent
 * hash (lb-anchors.md §3.18); `fullRejects` counts those and `fullSincePs` says since when.
 *
 * Each entry carries, besides its key and server, the server's generation when it was inserted
 * (an entry whose generation is stale names a server that has failed since: the firmware ends it)
 * and TCP state flags (SYN only so far; closing). The firmware's cost model reads
 * `probeStart`/`probes` (slots a lookup or insert visited), `stored`/`storedSlots` (slots the
 * last call wrote) and `rehashed`/`rehashedSlots` (entries a deletion read to recompute their
 * home slot) to charge loads, stores and hashes at the entries' addresses.
 */
import { FlowKey } from "./flow-key.ts";

const EMPTY = 0, LIVE = 1;
/** Entry flags. */
export const FlowFlag = { SynOnly: 1, Closing: 2, /** A fragmented datagram's entry (not a connection: counted nowhere). */ Datagram: 4 } as const;
/** Slots a single call records as written (more are charged to the last one recorded). */
const STORE_LOG = 64;

export class FlowTable {
  private readonly state: Uint8Array;
  private readonly proto: Uint8Array;
  private readonly src: Uint32Array;
  private readonly dst: Uint32Array;
  private readonly ports: Uint32Array;
  readonly server: Int16Array;
  readonly cluster: Int16Array;
  /** The server's generation when the entry was inserted. */
  readonly gen: Uint32Array;
  readonly flags: Uint8Array;
  private readonly lastSeen: Float64Array;
  private readonly timeout: Float64Array;
  private readonly mask: number;
  private live = 0;
  private cursor = 0;
  private readonly scratch = new FlowKey();
  inserts = 0;
  expired = 0;
  removed = 0;
  fullRejects = 0;
  /** Slots the sweep has examined. */
  swept = 0;
  /** When the table last became full (ps), -1 while it has room; `fullEpisodes` counts the times it filled. */
  fullSincePs = -1;
  fullEpisodes = 0;
  highWater = 0;
  /** First slot and number of slots the last find or insert visited (for the cost model). */
  probeStart = 0;
  probes = 0;
  /** Slots the last call wrote (entries moved back or reclaimed), for the cost model. */
  readonly storedSlots = new Int32Array(STORE_LOG);
  stored = 0;
  /** Entries the last call's deletions read and hashed again (Algorithm R), for the cost model. */
  readonly rehashedSlots = new Int32Array(STORE_LOG);
  rehashed = 0;
  /** Called just before an entry stops being live (expired, removed), its fields still readable at `slot`. */
  onEvict: (slot: number) => void = () => {};

  /** @param capacity flows held at most; slots are twice that (a power of two). */
  constructor(readonly capacity: number) {
    let slots = 2;
    while (slots < 2 * capacity) slots *= 2;
    this.state = new Uint8Array(slots);
    this.proto = new Uint8Array(slots);
    this.src = new Uint32Array(slots);
    this.dst = new Uint32Array(slots);
    this.ports = new Uint32Array(slots);
    this.server = new Int16Array(slots);
    this.cluster = new Int16Array(slots);
    this.gen = new Uint32Array(slots);
    this.flags = new Uint8Array(slots);
    this.lastSeen = new Float64Array(slots);
    this.timeout = new Float64Array(slots);
    this.mask = slots - 1;
  }

  /** Live entries (expired ones not yet reclaimed included). */
  get size(): number {
    return this.live;
  }

  get slots(): number {
    return this.mask + 1;
  }

  private matches(i: number, k: FlowKey): boolean {
    return this.proto[i] === k.proto && this.src[i] === k.src >>> 0 && this.dst[i] === k.dst >>> 0 && this.ports[i] === k.ports >>> 0;
  }

  private isExpired(i: number, now: number): boolean {
    return now - this.lastSeen[i]! > this.timeout[i]!;
  }

  private logStore(i: number): void {
    if (this.stored < STORE_LOG) this.storedSlots[this.stored] = i;
    this.stored++;
  }

  private logRehash(i: number): void {
    if (this.rehashed < STORE_LOG) this.rehashedSlots[this.rehashed] = i;
    this.rehashed++;
  }

  /** Starts a call's logs for the cost model. */
  private begin(): void {
    this.stored = 0;
    this.rehashed = 0;
  }

  /** Slot of the live entry for `k`, or -1 (an expired entry for `k` is reclaimed). Refreshes nothing. */
  find(k: FlowKey, hash: number, now: number): number {
    this.begin();
    this.probeStart = hash & this.mask;
    for (let i = this.probeStart, n = 1; n <= this.mask + 1; i = (i + 1) & this.mask, n++) {
      this.probes = n;
      if (this.state[i] === EMPTY) return -1;
      if (this.matches(i, k)) {
        if (!this.isExpired(i, now)) return i;
        this.evict(i, true);
        return -1;
      }
    }
    return -1;
  }

  touch(slot: number, now: number): void {
    this.lastSeen[slot] = now;
  }

  /**
   * Inserts (k -> server of cluster, generation gen) with the given flags; returns the slot, or -1
   * when `capacity` entries are live. The caller has just looked `k` up (so it is not in the table).
   */
  insert(k: FlowKey, hash: number, cluster: number, server: number, gen: number, flags: number, now: number, timeoutPs: number): number {
    this.begin();
    this.probeStart = hash & this.mask;
    for (let i = this.probeStart, n = 1; n <= this.mask + 1; i = (i + 1) & this.mask, n++) {
      this.probes = n;
      const free = this.state[i] === EMPTY;
      if (!free && !this.isExpired(i, now)) continue;
      if (!free) {
        // an expired entry on the way: its slot is reused in place (the run stays unbroken)
        this.onEvict(i);
        this.live--;
        this.expired++;
      } else if (this.live >= this.capacity) break;
      this.state[i] = LIVE;
      this.proto[i] = k.proto;
      this.src[i] = k.src;
      this.dst[i] = k.dst;
      this.ports[i] = k.ports;
      this.cluster[i] = cluster;
      this.server[i] = server;
      this.gen[i] = gen;
      this.flags[i] = flags;
      this.lastSeen[i] = now;
      this.timeout[i] = timeoutPs;
      this.logStore(i);
      this.live++;
      this.inserts++;
      if (this.live > this.highWater) this.highWater = this.live;
      if (this.live >= this.capacity && this.fullSincePs < 0) {
        this.fullSincePs = now;
        this.fullEpisodes++;
      }
      return i;
    }
    this.fullRejects++;
    return -1;
  }

  /** The flow is closing (FIN or RST seen): it lives at most `timeoutPs` more without traffic. */
  closing(slot: number, timeoutPs: number): void {
    this.flags[slot]! |= FlowFlag.Closing;
    if (timeoutPs < this.timeout[slot]!) this.timeout[slot] = timeoutPs;
  }

  /** The idle timeout of the entry at `slot`, ps. */
  timeoutOf(slot: number): number {
    return this.timeout[slot]!;
  }

  /** Sets the idle timeout of an entry (e.g. when a SYN-only entry becomes established). */
  setTimeout(slot: number, timeoutPs: number): void {
    this.timeout[slot] = timeoutPs;
  }

  /** Ends the entry at `slot`. Entries after it in its probe run may move back; slot indexes held across this call are invalid. */
  remove(slot: number): void {
    this.begin();
    if (this.state[slot] === LIVE) {
      this.evict(slot, false);
      this.removed++;
    }
  }

  /**
   * Examines the next `n` slots after the sweep cursor and reclaims the expired entries among
   * them; returns the slot it started at (it examined `n` slots from there, wrapping). Amortised
   * work for the hot path: a bounded number of slots, no allocation.
   */
  sweep(now: number, n: number): number {
    this.begin();
    const start = this.cursor;
    for (let k = 0; k < n; k++) {
      const i = this.cursor;
      // after a reclaim the slot is examined again: a later entry of its run may have moved into it
      if (this.state[i] === LIVE && this.isExpired(i, now)) this.evict(i, true);
      else this.cursor = (i + 1) & this.mask;
    }
    this.swept += n;
    return start;
  }

  /** Expires every idle entry now (the whole table: for tests and the control plane, not the hot path). */
  sweepAll(now: number): number {
    const before = this.expired;
    for (let i = 0; i <= this.mask; i++) while (this.state[i] === LIVE && this.isExpired(i, now)) this.evict(i, true);
    // an entry that wrapped from the table's start to its end was passed over once: a second pass catches it
    for (let i = 0; i <= this.mask; i++) while (this.state[i] === LIVE && this.isExpired(i, now)) this.evict(i, true);
    return this.expired - before;
  }

  /** Deletes slot i (Algorithm R: later entries of the run move back so no lookup is broken). */
  private evict(i: number, expired: boolean): void {
    this.onEvict(i);
    this.live--;
    if (expired) this.expired++;
    if (this.live < this.capacity) this.fullSincePs = -1;
    const mask = this.mask;
    let hole = i;
    this.state[hole] = EMPTY;
    this.logStore(hole);
    for (let j = (hole + 1) & mask; this.state[j] !== EMPTY; j = (j + 1) & mask) {
      this.logRehash(j);
      const home = this.homeOf(j);
      // move j into the hole unless its home lies cyclically in (hole, j]
      const between = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (between) continue;
      this.copy(j, hole);
      this.state[j] = EMPTY;
      this.logStore(hole);
      hole = j;
    }
    // the last entry moved leaves its slot empty: written too (state and expiry word)
    if (hole !== i) this.logStore(hole);
  }

  private copy(from: number, to: number): void {
    this.state[to] = this.state[from]!;
    this.proto[to] = this.proto[from]!;
    this.src[to] = this.src[from]!;
    this.dst[to] = this.dst[from]!;
    this.ports[to] = this.ports[from]!;
    this.cluster[to] = this.cluster[from]!;
    this.server[to] = this.server[from]!;
    this.gen[to] = this.gen[from]!;
    this.flags[to] = this.flags[from]!;
    this.lastSeen[to] = this.lastSeen[from]!;
    this.timeout[to] = this.timeout[from]!;
  }

  /** The home slot of the entry in slot j (its key's hash; callers pass `k.hash()` as `hash`), recomputed from the stored key. */
  private homeOf(j: number): number {
    this.scratch.proto = this.proto[j]!;
    this.scratch.src = this.src[j]!;
    this.scratch.dst = this.dst[j]!;
    this.scratch.ports = this.ports[j]!;
    return this.scratch.hash() & this.mask;
  }

  /** Restarts the counters (a warm-up's end); entries, occupancy and the sweep's place stay. */
  resetStats(): void {
    this.inserts = this.expired = this.removed = this.fullRejects = this.swept = this.fullEpisodes = 0;
    this.highWater = this.live;
  }

  read() {
    return {
      flows: this.live, capacity: this.capacity, slots: this.mask + 1, highWater: this.highWater, inserts: this.inserts, expired: this.expired, removed: this.removed,
      fullRejects: this.fullRejects, fullEpisodes: this.fullEpisodes, full: this.fullSincePs >= 0, ...(this.fullSincePs >= 0 ? { fullSinceUs: this.fullSincePs / 1e6 } : {}), swept: this.swept,
    };
  }
}
