/** The simulation kernel: time, clocks, events, the simulator, random streams and statistics. */
export { ClockDomain } from "./clock.ts";
export { SimEvent } from "./event.ts";
export { CalendarQueue } from "./calendar-queue.ts";
export { EventQueue } from "./event-queue.ts";
export { MAX_PRIORITY, Priority, type PriorityName } from "./priority.ts";
export { DelayLine } from "./delay-line.ts";
export { IntRing, Ring } from "./ring.ts";
export { hashName, RandomStream, RandomStreams } from "./random.ts";
export { Simulator, type PendingEvents, type QueueKind, type RunResult, type SimulatorOptions, type StopReason } from "./simulator.ts";
export * from "./stats/index.ts";
export * from "./time.ts";
