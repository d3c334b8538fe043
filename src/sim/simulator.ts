/**
 * The simulator: a clock (`now`), the pending-event queue, the run's random streams, and the run
 * loop. A run goes until a time, until no events remain, or until `stop()` is called from inside
 * an event; a stopped or time-limited run can be resumed by calling `run` again.
 */
import { SimEvent } from "./event.ts";
import { CalendarQueue } from "./calendar-queue.ts";
import { EventQueue } from "./event-queue.ts";
import { Priority } from "./priority.ts";
import { RandomStreams } from "./random.ts";
import { checkTick, MAX_TICK, SimTimeError, type Tick } from "./time.ts";

export type { SimEvent };
export type StopReason = "until" | "idle" | "stopped";

export interface RunResult {
  reason: StopReason;
  /** Simulation time when the run returned. */
  now: Tick;
  /** Events processed by this call. */
  events: number;
}

/** What the simulator needs of a pending-event set; both queues keep the (time, priority, rank) order. */
export interface PendingEvents {
  readonly size: number;
  peekTime(): number;
  schedule(ev: SimEvent, when: Tick): void;
  cancel(ev: SimEvent): boolean;
  pop(): SimEvent | undefined;
  /** Sets `ev.order` to its key: priority x 2^45 + rank. */
  takeKey(ev: SimEvent): void;
  /** Queues `ev` at `ev.when` with key `ev.order`, set by the caller. */
  enqueue(ev: SimEvent): void;
  /** The earliest event if due at or before `until` (removed), else undefined: the run loop's one call per event. */
  popUntil(until: number): SimEvent | undefined;
}

export type QueueKind = "calendar" | "heap";

export interface SimulatorOptions {
  /** Pending-event set: "calendar" (default, O(1) expected) or "heap" (binary heap, O(log n)). Same order either way. */
  queue?: QueueKind;
  /** Run seed: every random stream derives from it and its own name. */
  seed?: number;
  /** Initial event-queue capacity (it grows by doubling). */
  queueCapacity?: number;
}

export class Simulator {
  /** Current simulation time in ps. */
  now: Tick = 0;
  /** Events processed since construction. */
  eventsProcessed = 0;
  readonly queue: PendingEvents;
  readonly streams: RandomStreams;
  private stopRequested = false;
  /** The event being run, null between events. */
  private running: SimEvent | null = null;
  /** Outside the run loop: the order key before which everything at `now` has run (see currentOrder). */
  private settledOrder = Infinity;
  private readonly settlers: (() => void)[] = [];
  private readonly statResetters: ((now: Tick) => void)[] = [];
  /** When statistics last restarted (`resetStats`): 0, or the end of a run's warm-up. */
  statsSince: Tick = 0;

  constructor(opts: SimulatorOptions = {}) {
    const cap = opts.queueCapacity ?? 1024;
    this.queue = (opts.queue ?? "calendar") === "heap" ? new EventQueue(cap) : new CalendarQueue(cap);
    this.streams = new RandomStreams(opts.seed ?? 1);
  }

  get seed(): number {
    return this.streams.seed;
  }

  /** Creates an event bound to this simulator; allocate at construction time, not per occurrence. */
  event(name: string, process: (this: SimEvent) => void, priority: number = Priority.Default): SimEvent {
    return new SimEvent(name, process, priority);
  }

  /**
   * Deferred events. A component that can run an event's work later, when something could first
   * observe it, sets `ev.when` and calls `reserve(ev)` at the moment it would have scheduled the
   * event: `ev` gets the order key a schedule would have given it, without being queued. Then
   * `isDue(ev)` tells exactly whether that event would have run by now (before the current event,
   * or before the run returned), and `enqueueReserved(ev)` still queues it in the very slot.
   */
  reserve(ev: SimEvent): void {
    const when = ev.when;
    if (when < this.now) throw new SimTimeError(`event ${ev.name} reserved at ${when} ps, in the past (now ${this.now} ps)`);
    if (!(when <= Number.MAX_SAFE_INTEGER) || !Number.isInteger(when)) checkTick(when, `event ${ev.name}`);
    this.queue.takeKey(ev);
  }

  /** Queues an event prepared by `reserve`, with its reserved time and key. */
  enqueueReserved(ev: SimEvent): void {
    if (ev.when < this.now) throw new SimTimeError(`event ${ev.name} queued at ${ev.when} ps, in the past (now ${this.now} ps)`);
    this.queue.enqueue(ev);
  }

  /** Order key of the event being run; outside the loop, a key above everything that has run at `now`. */
  get currentOrder(): number {
    return this.running !== null ? this.running.order : this.settledOrder;
  }

  /** Whether the event prepared by `reserve` would have run by now. */
  isDue(ev: SimEvent): boolean {
    return ev.when < this.now || (ev.when === this.now && ev.order < this.currentOrder);
  }

  /** A deferred event's work was done (by the component that deferred it): it counts as processed. */
  countDeferredEvent(): void {
    this.eventsProcessed++;
  }

  /** Called at the end of every `run`, so that components settle deferred events that came due. */
  /**
   * Registers a component's statistics reset (gem5's `resetStats`): `resetStats()` calls it with
   * `now`, and the component zeroes its accumulators (counts, sums, time integrals, histograms)
   * while its state (queue contents, busy or idle, cache contents) carries on. Register in the
   * constructor (or when attached), once per component.
   */
  onResetStats(fn: (now: Tick) => void): void {
    this.statResetters.push(fn);
  }

  /**
   * Restarts every registered statistic at `now`: the end of a warm-up. Time averages restart from
   * the current level (a queue that holds 5 frames still holds 5), so nothing reads as empty that
   * is not (OMNeT++'s warm-up pitfall: reset accumulators, not state).
   */
  resetStats(): void {
    this.statsSince = this.now;
    for (const fn of this.statResetters) fn(this.now);
  }

  onSettle(fn: () => void): void {
    this.settlers.push(fn);
  }

  /** Schedules (or moves) `ev` to absolute time `when` (>= now). */
  schedule(ev: SimEvent, when: Tick): void {
    if (when < this.now) {
      throw new SimTimeError(`event ${ev.name} scheduled at ${when} ps, in the past (now ${this.now} ps)`);
    }
    if (!(when <= Number.MAX_SAFE_INTEGER) || !Number.isInteger(when)) checkTick(when, `event ${ev.name}`); // before touching the event
    // time and key travel in the event's fields: a double passed to a call V8 does not inline is boxed
    ev.when = when;
    this.queue.takeKey(ev);
    this.queue.enqueue(ev);
  }

  /**
   * Schedules (or moves) `ev` to the time its `when` was set to. The same as `schedule(ev, ev.when)`
   * without a time crossing a call: for hot paths, where V8 would box it (times exceed 2^31 ps).
   */
  scheduleSet(ev: SimEvent): void {
    const when = ev.when;
    if (when < this.now) throw new SimTimeError(`event ${ev.name} scheduled at ${when} ps, in the past (now ${this.now} ps)`);
    if (!(when <= Number.MAX_SAFE_INTEGER) || !Number.isInteger(when)) checkTick(when, `event ${ev.name}`);
    this.queue.takeKey(ev);
    this.queue.enqueue(ev);
  }

  /** Schedules (or moves) `ev` to now + delay. */
  scheduleIn(ev: SimEvent, delay: Tick): void {
    if (!(delay >= 0)) throw new SimTimeError(`event ${ev.name}: negative delay ${delay} ps`);
    const when = this.now + delay;
    if (!(when <= Number.MAX_SAFE_INTEGER) || !Number.isInteger(when)) checkTick(when, `event ${ev.name}`);
    ev.when = when;
    this.queue.takeKey(ev);
    this.queue.enqueue(ev);
  }

  cancel(ev: SimEvent): boolean {
    return this.queue.cancel(ev);
  }

  /** Asks the running loop to return after the current event. */
  stop(): void {
    this.stopRequested = true;
  }

  /**
   * Runs events in (time, priority, rank) order (rank: the event's creation index). Events at exactly `until` are run. With an
   * explicit `until`, `now` is `until` on return unless a stop came first (reason "idle" tells
   * that no events remain); without one, the run ends at the last event. Resumable.
   */
  run(until: Tick = MAX_TICK): RunResult {
    checkTick(until, "run until");
    const bounded = until !== MAX_TICK;
    const q = this.queue;
    const before = this.eventsProcessed;
    let count = 0;
    let last: SimEvent | null = null;
    let reason: StopReason;
    this.stopRequested = false;
    for (;;) {
      if (this.stopRequested) {
        reason = "stopped";
        break;
      }
      const ev = q.popUntil(until);
      if (ev === undefined) {
        if (q.size === 0) {
          reason = "idle";
          if (bounded) this.now = until; // nothing more to do: time still passes up to `until`
        } else {
          this.now = until;
          reason = "until";
        }
        break;
      }
      this.now = ev.when;
      count++;
      this.running = last = ev;
      ev.process();
    }
    this.running = null;
    // a stopped run has run everything at `now` up to the stopping event; otherwise all of `now`
    this.settledOrder = reason === "stopped" && last !== null && last.when === this.now ? last.order : Infinity;
    this.eventsProcessed += count;
    for (const settle of this.settlers) settle();
    return { reason, now: this.now, events: this.eventsProcessed - before };
  }

  /** Runs for `duration` ps from now. */
  runFor(duration: Tick): RunResult {
    return this.run(checkTick(this.now + duration, "run until"));
  }
}
