/**
 * A simulation event: one preallocated object per component and purpose (gem5's
 * `EventFunctionWrapper`), scheduled and rescheduled for its whole life. Nothing is allocated per
 * occurrence: a component creates its events once, at construction, and reuses them.
 */
import { MAX_PRIORITY, Priority } from "./priority.ts";
import type { Tick } from "./time.ts";

/** Creation counter: every event's rank, in the order events are made (the same-instant tie-break). */
let created = 0;

export class SimEvent {
  /**
   * Canonical same-instant rank: the event's creation index. Events at the same time and priority
   * run in ascending rank, whenever and however often they were scheduled (docs/architecture.md):
   * an event's place among its peers is fixed, so its outcome may be computed at any moment before
   * its time without changing the order.
   */
  readonly rank: number = created++;
  /** Heap slot while scheduled, -1 otherwise. Owned by the heap EventQueue. */
  pos = -1;
  /** Order key (priority x 2^45 + rank), set on schedule; constant for the event's life. Owned by the queue. */
  order = -1;
  /** True while scheduled (either queue). */
  pending = false;
  /** Time it is (or was last) scheduled for, in ps. */
  when: Tick = 0;

  /**
   * @param name     shown in traces and errors, e.g. "pci.grant"
   * @param process  what happens when the event fires; called as `ev.process()`, with no
   *                 arguments and `this` the event, so one function can serve many events
   * @param priority order among events of the same tick (see Priority); lower runs first
   */
  constructor(
    readonly name: string,
    readonly process: (this: SimEvent) => void,
    readonly priority: number = Priority.Default,
  ) {
    if (!Number.isInteger(priority) || priority < 0 || priority > MAX_PRIORITY) {
      throw new RangeError(`event ${name}: priority ${priority} must be an integer in [0, ${MAX_PRIORITY}]`);
    }
  }

  get scheduled(): boolean {
    return this.pending;
  }
}
