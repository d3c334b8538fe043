/** Micro-benchmarks of the event queue's operations, with @thi.ng/bench's suite runner. */
import { suite, type BenchmarkResult } from "@thi.ng/bench";
import { SimEvent } from "../src/sim/event.ts";
import { EventQueue } from "../src/sim/event-queue.ts";
import { RandomStreams } from "../src/sim/random.ts";

export function queueMicro(output: boolean): BenchmarkResult[] {
  const N = 10_000;
  const BATCH = 10_000;
  const q = new EventQueue(N + 1);
  const rng = new RandomStreams(7).stream("micro");
  const evs = Array.from({ length: N }, (_, i) => new SimEvent(`e${i}`, () => {}));
  let now = 0;
  for (const ev of evs) q.schedule(ev, Math.floor(rng.exponential(1e6)));
  const delays = Float64Array.from({ length: BATCH }, () => Math.floor(rng.exponential(1e6)));
  return suite(
    [
      {
        title: "pop + schedule (hold, 10k pending)",
        fn: () => {
          for (let i = 0; i < BATCH; i++) {
            now = q.peekTime();
            const ev = q.pop()!;
            q.schedule(ev, now + delays[i]!);
          }
        },
      },
      {
        title: "reschedule in place (10k pending)",
        fn: () => {
          for (let i = 0; i < BATCH; i++) q.schedule(evs[i % N]!, now + delays[i]!);
        },
      },
      {
        title: "cancel + schedule (10k pending)",
        fn: () => {
          for (let i = 0; i < BATCH; i++) {
            const ev = evs[(i * 7919) % N]!;
            q.cancel(ev);
            q.schedule(ev, now + delays[i]!);
          }
        },
      },
    ],
    { iter: 50, warmup: 5, extSize: BATCH, output },
  );
}
