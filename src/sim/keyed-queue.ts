/**
 * What both pending-event sets share: the order key, priority x 2^45 + insertion sequence (exact
 * in one double: an 8-bit priority and a 45-bit sequence stay below 2^53), and `schedule`, which
 * validates the time before touching the event, then puts time and key in the event's fields and
 * hands it to the set's `enqueue`.
 */
import type { SimEvent } from "./event.ts";
import { checkTick, type Tick } from "./time.ts";

export const SEQ_LIMIT = 2 ** 45;

export abstract class KeyedQueue {
  private seq = 0;

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
   * Gives `ev.order` the key the next schedule at its priority gets (see Simulator.reserve). Written
   * into the event, not returned: a key is above 2^31, and V8 boxes a double returned from a call
   * it does not inline (a heap number per event).
   */
  takeKey(ev: SimEvent): void {
    const s = this.seq++;
    if (s >= SEQ_LIMIT) throw new RangeError("event sequence exhausted (2^45 insertions)");
    ev.order = ev.priority * SEQ_LIMIT + s;
  }
}
