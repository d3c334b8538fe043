/**
 * What both pending-event sets share: the order key, priority x 2^45 + the event's rank (its
 * creation index; exact in one double: an 8-bit priority and a 45-bit rank stay below 2^53), and `schedule`, which
 * validates the time before touching the event, then puts time and key in the event's fields and
 * hands it to the set's `enqueue`.
 */
import type { SimEvent } from "./event.ts";
import { checkTick, type Tick } from "./time.ts";

export const SEQ_LIMIT = 2 ** 45;

export abstract class KeyedQueue {

  /** Queues (or moves) `ev` to `ev.when` with key `ev.order`, both set and validated by the caller. */
  abstract enqueue(ev: SimEvent): void;

  /** Schedules `ev` at `when`, or moves it there if it is already scheduled. */
  schedule(ev: SimEvent, when: Tick): void {
    if (!(when <= Number.MAX_SAFE_INTEGER) || !Number.isInteger(when)) checkTick(when, `event ${ev.name}`); // before touching the event
    ev.when = when;
    this.takeKey(ev);
    this.enqueue(ev);
  }

  /**
   * Gives `ev.order` its key, priority x 2^45 + rank: the same at every schedule (see
   * Simulator.reserve). Written into the event, not returned: a key is above 2^31, and V8 boxes a
   * double returned from a call it does not inline (a heap number per event).
   */
  takeKey(ev: SimEvent): void {
    const r = ev.rank;
    if (r >= SEQ_LIMIT) throw new RangeError("event ranks exhausted (2^45 events created)");
    ev.order = ev.priority * SEQ_LIMIT + r;
  }
}
