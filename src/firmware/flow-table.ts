/**
 * The flow table: open addressing with linear probing over typed arrays, a fixed capacity, and
 * per-protocol idle timeouts checked lazily (an expired entry reads as absent and its slot is
 * reused). Nothing is allocated per packet. When the table is full, `insert` fails and the caller
 * falls back to the consistent hash (lb-anchors.md §3.18: keep forwarding by hash).
 */
import type { FlowKey } from "./flow-key.ts";

const EMPTY = 0, LIVE = 1, DEAD = 2;

export class FlowTable {
  private readonly state: Uint8Array;
  private readonly proto: Uint8Array;
  private readonly src: Uint32Array;
  private readonly dst: Uint32Array;
  private readonly ports: Uint32Array;
  readonly server: Int16Array;
  readonly cluster: Int16Array;
  private readonly lastSeen: Float64Array;
  private readonly timeout: Float64Array;
  private readonly mask: number;
  private live = 0;
  inserts = 0;
  expired = 0;
  fullRejects = 0;
  /** Called when an entry stops being live (expired, removed, purged): keeps per-server counts exact. */
  onEvict: (cluster: number, server: number) => void = () => {};

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
    this.lastSeen = new Float64Array(slots);
    this.timeout = new Float64Array(slots);
    this.mask = slots - 1;
  }

  get size(): number {
    return this.live;
  }

  /** Slot index for byte-address modelling (entry i lives at base + i x entryBytes). */
  private matches(i: number, k: FlowKey): boolean {
    return this.proto[i] === k.proto && this.src[i] === k.src >>> 0 && this.dst[i] === k.dst >>> 0 && this.ports[i] === k.ports >>> 0;
  }

  /** Slot of the live entry for `k`, or -1. Refreshes nothing. */
  find(k: FlowKey, hash: number, now: number): number {
    for (let i = hash & this.mask, n = 0; n <= this.mask; i = (i + 1) & this.mask, n++) {
      const s = this.state[i]!;
      if (s === EMPTY) return -1;
      if (s === LIVE && this.matches(i, k)) {
        if (now - this.lastSeen[i]! > this.timeout[i]!) {
          this.state[i] = DEAD;
          this.live--;
          this.expired++;
          this.onEvict(this.cluster[i]!, this.server[i]!);
          return -1;
        }
        return i;
      }
    }
    return -1;
  }

  touch(slot: number, now: number): void {
    this.lastSeen[slot] = now;
  }

  /** Inserts (k -> server); returns the slot, or -1 when the table is full. */
  insert(k: FlowKey, hash: number, cluster: number, server: number, now: number, timeoutPs: number): number {
    if (this.live >= this.capacity) {
      this.fullRejects++;
      return -1;
    }
    for (let i = hash & this.mask, n = 0; n <= this.mask; i = (i + 1) & this.mask, n++) {
      const s = this.state[i]!;
      const reusable = s !== LIVE || now - this.lastSeen[i]! > this.timeout[i]!;
      if (reusable) {
        if (s === LIVE) {
          this.live--;
          this.expired++;
          this.onEvict(this.cluster[i]!, this.server[i]!);
        }
        this.state[i] = LIVE;
        this.proto[i] = k.proto;
        this.src[i] = k.src;
        this.dst[i] = k.dst;
        this.ports[i] = k.ports;
        this.cluster[i] = cluster;
        this.server[i] = server;
        this.lastSeen[i] = now;
        this.timeout[i] = timeoutPs;
        this.live++;
        this.inserts++;
        return i;
      }
    }
    return -1;
  }

  /** The flow is closing (FIN or RST seen): it lives at most `timeoutPs` more without traffic. */
  closing(slot: number, timeoutPs: number): void {
    if (timeoutPs < this.timeout[slot]!) this.timeout[slot] = timeoutPs;
  }

  remove(slot: number): void {
    if (this.state[slot] === LIVE) {
      this.state[slot] = DEAD;
      this.live--;
      this.onEvict(this.cluster[slot]!, this.server[slot]!);
    }
  }

  /** Expires every idle entry now (a periodic sweep keeps least-connections counts current). */
  sweep(now: number): number {
    let n = 0;
    for (let i = 0; i <= this.mask; i++) {
      if (this.state[i] === LIVE && now - this.lastSeen[i]! > this.timeout[i]!) {
        this.state[i] = DEAD;
        this.live--;
        this.expired++;
        this.onEvict(this.cluster[i]!, this.server[i]!);
        n++;
      }
    }
    return n;
  }

  /** Removes every entry of (cluster, server): used when a server is removed. */
  purgeServer(cluster: number, server: number): number {
    let n = 0;
    for (let i = 0; i <= this.mask; i++) {
      if (this.state[i] === LIVE && this.cluster[i] === cluster && this.server[i] === server) {
        this.state[i] = DEAD;
        this.live--;
        this.onEvict(cluster, server);
        n++;
      }
    }
    return n;
  }

  read() {
    return { flows: this.live, capacity: this.capacity, inserts: this.inserts, expired: this.expired, fullRejects: this.fullRejects };
  }
}
