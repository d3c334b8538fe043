/**
 * Named event priorities. Events at the same tick run in ascending priority, then in insertion
 * order (see docs/architecture.md). Lower runs first.
 */
export const Priority = {
  /** Link up/down, power and failure injections: every component acting at this tick sees the new state. */
  State: 10,
  /** Arrivals (end of wire time, end of a bus data phase): data that lands at t is visible to decisions at t. */
  Deliver: 20,
  /** Ordinary component work on a clock edge. */
  Default: 50,
  /** Arbiters grant after every request of the edge is in, so same-edge requesters compete fairly. */
  Arbitrate: 60,
  /** CPU and firmware steps: they observe the hardware after it has settled at this edge. */
  Cpu: 70,
  /** Control-plane timers (health probes, load-balancing rounds): after the datapath of the same instant. */
  Timer: 80,
  /** Statistics sampling and trace flushes: they see everything that happened at the tick. */
  Stats: 90,
  /** Scripted stop requests and end-of-run: after all work at the tick. */
  Stop: 100,
} as const;

export type PriorityName = keyof typeof Priority;

/** Priorities are small integers so (priority, sequence) packs into one exact double. */
export const MAX_PRIORITY = 255;
