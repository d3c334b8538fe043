/**
 * A server's service model: `workers` identical workers take requests from a FIFO backlog of at
 * most `backlog` waiting requests; a request of kind k holds a worker for a service time drawn from
 * kind k's distribution (exponential or fixed, mean in µs). A request that finds the backlog full is
 * refused (the host counts it and tells the client: a TCP reset, or silence for datagrams).
 * The load figure the switch can probe is (busy workers + waiting requests) / workers.
 * Preallocated: one event per worker, a ring of waiting connection ids.
 */
import type { SimEvent } from "../sim/event.ts";
import { Priority } from "../sim/priority.ts";
import type { RandomStream } from "../sim/random.ts";
import { IntRing } from "../sim/ring.ts";
import type { Simulator } from "../sim/simulator.ts";
import { TimeWeighted } from "../sim/stats/time-weighted.ts";
import { KIND_COUNT } from "./kinds.ts";

export interface ServiceTime {
  dist: "exponential" | "fixed";
  /** Mean service time, µs. */
  meanUs: number;
}

export interface ServiceParams {
  workers: number;
  backlog: number;
  /** Service time by flow kind (FlowKind order: web, dns, radius, esp, ipip, ping). Ping is answered by the kernel and ignores it. */
  serviceTime: ServiceTime[];
}

export class ServiceModel {
  private readonly queue: IntRing;
  private readonly busyConn: Int32Array;
  private readonly workerDone: SimEvent[];
  private readonly freeWorkers: IntRing;
  private readonly meanPs: Float64Array;
  private readonly exp: Uint8Array;
  private readonly occupancy: TimeWeighted;
  private readonly busyLevel: TimeWeighted;
  busy = 0;
  served = 0;
  refused = 0;
  /** Requests dropped from the backlog or workers when the server failed. */
  abandoned = 0;
  private readonly kindOf: (conn: number) => number;

  /**
   * @param kindOf   the flow kind of a waiting connection id
   * @param done     called when a worker finishes a connection's request
   */
  constructor(private readonly sim: Simulator, name: string, readonly params: ServiceParams, private readonly rng: RandomStream, kindOf: (conn: number) => number, private readonly done: (conn: number) => void) {
    if (!Number.isInteger(params.workers) || params.workers < 1) throw new RangeError(`${name}: workers ${params.workers} must be a positive integer`);
    if (!Number.isInteger(params.backlog) || params.backlog < 0) throw new RangeError(`${name}: backlog ${params.backlog} must be a non-negative integer`);
    if (params.serviceTime.length !== KIND_COUNT) throw new RangeError(`${name}: serviceTime needs one entry per flow kind (${KIND_COUNT})`);
    this.kindOf = kindOf;
    this.queue = new IntRing(Math.max(1, params.backlog));
    this.busyConn = new Int32Array(params.workers).fill(-1);
    this.freeWorkers = new IntRing(params.workers);
    for (let w = 0; w < params.workers; w++) this.freeWorkers.push(w);
    this.meanPs = Float64Array.from(params.serviceTime.map((s) => s.meanUs * 1e6));
    this.exp = Uint8Array.from(params.serviceTime.map((s) => (s.dist === "exponential" ? 1 : 0)));
    this.workerDone = Array.from({ length: params.workers }, (_, w) => sim.event(`${name}.worker${w}`, () => this.finish(w), Priority.Default));
    this.occupancy = new TimeWeighted(sim.now);
    this.busyLevel = new TimeWeighted(sim.now);
  }

  /** Offers a request; false when the backlog is full (refused). */
  submit(conn: number): boolean {
    const w = this.freeWorkers.shift();
    if (w >= 0) {
      this.start(w, conn);
      return true;
    }
    if (this.queue.size >= this.params.backlog || !this.queue.push(conn)) {
      this.refused++;
      return false;
    }
    this.occupancy.add(this.sim.now, 1);
    return true;
  }

  private start(w: number, conn: number): void {
    this.busy++;
    this.busyLevel.add(this.sim.now, 1);
    this.occupancy.add(this.sim.now, 1);
    this.busyConn[w] = conn;
    const k = this.kindOf(conn), mean = this.meanPs[k]!;
    const t = this.exp[k] ? this.rng.exponential(mean) : mean;
    this.sim.scheduleIn(this.workerDone[w]!, Math.max(1, Math.round(t)));
  }

  private finish(w: number): void {
    const conn = this.busyConn[w]!;
    this.busyConn[w] = -1;
    this.busy--;
    this.busyLevel.add(this.sim.now, -1);
    this.occupancy.add(this.sim.now, -1);
    this.served++;
    const next = this.queue.shift();
    if (next >= 0) {
      this.occupancy.add(this.sim.now, -1);
      this.start(w, next);
    } else this.freeWorkers.push(w);
    this.done(conn);
  }

  /** The server failed: everything waiting or in service is lost. Returns the connection ids lost. */
  abandonAll(lost: (conn: number) => void): void {
    for (let c = this.queue.shift(); c >= 0; c = this.queue.shift()) {
      this.occupancy.add(this.sim.now, -1);
      this.abandoned++;
      lost(c);
    }
    for (let w = 0; w < this.busyConn.length; w++) {
      const c = this.busyConn[w]!;
      if (c < 0) continue;
      this.sim.cancel(this.workerDone[w]!);
      this.busyConn[w] = -1;
      this.busy--;
      this.busyLevel.add(this.sim.now, -1);
      this.occupancy.add(this.sim.now, -1);
      this.freeWorkers.push(w);
      this.abandoned++;
      lost(c);
    }
  }

  get waiting(): number {
    return this.queue.size;
  }

  /** The load figure: (busy + waiting) / workers. */
  get load(): number {
    return (this.busy + this.queue.size) / this.params.workers;
  }

  read(now: number) {
    return { served: this.served, refused: this.refused, abandoned: this.abandoned, busy: this.busy, waiting: this.waiting, load: this.load, meanInSystem: this.occupancy.read(now).mean, utilization: this.busyLevel.read(now).mean / this.params.workers };
  }
}
