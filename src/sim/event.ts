/**
 * A simulation event: one preallocated object per component and purpose (gem5's
 * `EventFunctionWrapper`), scheduled and rescheduled for its whole life. Nothing is allocated per
 * occurrence: a component creates its events once, at construction, and reuses them.
 */
import { MAX_PRIORITY, Priority } from "./priority.ts";
import type { Tick } from "./time.ts";

export class SimEvent {
  /** Heap slot while scheduled, -1 otherwise. Owned by the heap EventQueue. */
  pos = -1;
  /** Order key (priority x 2^45 + sequence) of its last schedule; -1 after a cancel. Owned by the queue. */
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
