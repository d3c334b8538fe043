/**
 * ConnTable: a host's connections (TCP, or the request/response exchange of a datagram kind) in
 * preallocated typed columns, found by a numeric key built from the protocol class, the peer's
 * address and port (or an ESP SPI). One timer event per slot, made once. Both ends use it: the
 * client population (all clients' flows) and each server.
 */
import type { SimEvent } from "../sim/event.ts";
import { Priority } from "../sim/priority.ts";
import { IntRing } from "../sim/ring.ts";
import type { Simulator } from "../sim/simulator.ts";
import { NumMap } from "../sim/num-map.ts";
import { FlowKind } from "./kinds.ts";

/** Key classes: the protocol part of a connection key. */
export const KeyClass = { Tcp: 0, Udp: 1, Esp: 2, Ipip: 3, Icmp: 4 } as const;
const TWO16 = 65536, TWO48 = 2 ** 48;

export function connKey(cls: number, ip: number, port: number): number {
  return cls * TWO48 + (ip >>> 0) * TWO16 + (port & 0xffff);
}
export function espKey(spi: number): number {
  return KeyClass.Esp * TWO48 + (spi >>> 0);
}
export function keyClassOf(kind: FlowKind): number {
  return kind === FlowKind.Web ? KeyClass.Tcp : kind === FlowKind.Esp ? KeyClass.Esp : kind === FlowKind.Ipip ? KeyClass.Ipip : kind === FlowKind.Ping ? KeyClass.Icmp : KeyClass.Udp;
}

export class ConnTable {
  readonly key: Float64Array;
  readonly kind: Uint8Array;
  readonly state: Uint8Array;
  /** Peer (client side: the cluster's VIP; server side: the client) address and port, our port. */
  readonly peerIp: Uint32Array;
  readonly peerPort: Uint16Array;
  /** The peer's MAC when it is on the link (the switch's probes), -1 when reached through the gateway. */
  readonly peerMac: Float64Array;
  readonly localPort: Uint16Array;
  /** ESP: the SPI we send with and the one we receive with. */
  readonly txSpi: Uint32Array;
  readonly rxSpi: Uint32Array;
  readonly txSeq: Uint32Array;
  /** Bytes to send, bytes to receive (-1: not known yet), and the sliding-window offsets. */
  readonly sndLen: Int32Array;
  readonly rcvLen: Int32Array;
  readonly sndNxt: Int32Array;
  readonly sndUna: Int32Array;
  readonly rcvNxt: Int32Array;
  readonly iss: Uint32Array;
  readonly irs: Uint32Array;
  readonly retries: Uint8Array;
  readonly finSent: Uint8Array;
  /** Owner-defined: client side the flow serial and client index; server side unused. */
  readonly flow: Int32Array;
  readonly owner: Int32Array;
  readonly startPs: Float64Array;
  readonly timer: SimEvent[];
  private readonly free: IntRing;
  private readonly index: NumMap;
  readonly capacity: number;
  inUse = 0;
  highWater = 0;

  constructor(sim: Simulator, name: string, capacity: number, onTimer: (slot: number) => void) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`${name}: connection capacity ${capacity} must be a positive integer`);
    this.capacity = capacity;
    this.key = new Float64Array(capacity);
    this.kind = new Uint8Array(capacity);
    this.state = new Uint8Array(capacity);
    this.peerIp = new Uint32Array(capacity);
    this.peerPort = new Uint16Array(capacity);
    this.peerMac = new Float64Array(capacity);
    this.localPort = new Uint16Array(capacity);
    this.txSpi = new Uint32Array(capacity);
    this.rxSpi = new Uint32Array(capacity);
    this.txSeq = new Uint32Array(capacity);
    this.sndLen = new Int32Array(capacity);
    this.rcvLen = new Int32Array(capacity);
    this.sndNxt = new Int32Array(capacity);
    this.sndUna = new Int32Array(capacity);
    this.rcvNxt = new Int32Array(capacity);
    this.iss = new Uint32Array(capacity);
    this.irs = new Uint32Array(capacity);
    this.retries = new Uint8Array(capacity);
    this.finSent = new Uint8Array(capacity);
    this.flow = new Int32Array(capacity);
    this.owner = new Int32Array(capacity);
    this.startPs = new Float64Array(capacity);
    this.timer = Array.from({ length: capacity }, (_, i) => sim.event(`${name}.conn${i}.timer`, () => onTimer(i), Priority.Timer));
    this.free = new IntRing(capacity);
    for (let i = 0; i < capacity; i++) this.free.push(i);
    this.index = new NumMap(capacity);
  }

  find(key: number): number {
    return this.index.get(key);
  }

  /** A fresh slot for `key` (state 1, counters zero), or -1 when the table is full. */
  open(key: number, kind: number): number {
    const c = this.free.shift();
    if (c < 0) return -1;
    this.key[c] = key;
    this.kind[c] = kind;
    this.state[c] = 1;
    this.sndLen[c] = this.sndNxt[c] = this.sndUna[c] = this.rcvNxt[c] = 0;
    this.rcvLen[c] = -1;
    this.retries[c] = this.finSent[c] = 0;
    this.txSeq[c] = 0;
    this.flow[c] = this.owner[c] = -1;
    this.peerMac[c] = -1;
    this.index.set(key, c);
    if (++this.inUse > this.highWater) this.highWater = this.inUse;
    return c;
  }

  /** Also file the slot under a second key (ESP: the SPI the peer answers with). */
  alias(key: number, c: number): void {
    this.index.set(key, c);
  }

  close(c: number, sim: Simulator, alias = -1): void {
    if (this.state[c] === 0) return;
    this.index.delete(this.key[c]!);
    if (alias >= 0) this.index.delete(alias);
    this.state[c] = 0;
    sim.cancel(this.timer[c]!);
    this.free.push(c);
    this.inUse--;
  }
}

/** A deterministic initial sequence number from a connection's addresses (RFC 6528 in spirit: a keyed hash). */
export function isnFor(a: number, b: number, c: number): number {
  let x = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35) ^ c;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  return x >>> 0;
}
