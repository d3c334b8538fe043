export { Counter } from "./counter.ts";
export { LatencyHistogram, type LatencyReading } from "./latency-histogram.ts";
export { RateMeter, type RateReading } from "./rate-meter.ts";
export { TimeWeighted, Utilization, type TimeWeightedReading, type UtilizationReading } from "./time-weighted.ts";
