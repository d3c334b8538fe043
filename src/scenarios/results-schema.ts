/**
 * The results document's schema (docs/results-format.md), as zod: `schema: 1`, and each board
 * run's documented fields with their types. Counts are numbers, not integers: a record of several
 * replications holds their means (with `<field>Ci95` half-widths beside them, allowed by the loose
 * objects). Scenario sections are allowed beside them. Used by the tests to validate what the CLI
 * writes.
 */
import { z } from "zod";

const num = z.number().finite();
const count = num.min(0);
const frac = z.number().min(0).max(1.0000001);
const latency = z.looseObject({ p50: num, p99: num, max: num, cdf: z.array(z.tuple([num, frac])) });
const healthChanges = { serverDowns: count, serverUps: count, routerDowns: count, routerUps: count };
const event = z.looseObject({ atMs: num, name: z.string(), change: z.enum(["down", "up"]), cause: z.enum(["probes", "link", "admin"]) });
const probes = z.looseObject({ sent: count, answered: count, failed: count, late: count, voided: count, excused: count });

/** A board run's record (docs/results-format.md), as zod: validate records you read. */
export const BoardRunSchema = z.looseObject({
  scenario: z.string(),
  board: z.string(),
  /** "isa": the instruction-level CPU model ran (absent: the trace model). */
  cpuModel: z.literal("isa").optional(),
  /** "tlm": the transaction-level timing model ran (absent: the cycle-level model, the reference). */
  timing: z.literal("tlm").optional(),
  seed: z.number().int(),
  load: num,
  simulatedSeconds: num.positive(),
  warmupSeconds: num.min(0),
  wallSeconds: num.min(0),
  offered: z.looseObject({ inboundMbps: num, outboundMbps: num }),
  delivered: z.looseObject({ inboundMbps: num, outboundMbps: num, inboundFps: num, outboundFps: num }),
  frames: z.looseObject({ injected: count, delivered: count, inFlight: count, inFlightAtStart: count, dropped: z.record(z.string(), count) }),
  data: z.looseObject({ injected: count, delivered: count, inFlight: count, inFlightAtStart: count, dropped: num, lossRatio: num }),
  backlog: z.looseObject({ samples: count, mean: count, slopePerMs: num, growth: num, series: z.array(num) }),
  flows: z.looseObject({ open: count, packetsPerFlow: num.min(1), newFlowsPerSecond: count, newFlowShare: frac }),
  cpu: z.looseObject({
    clockMHz: num, utilization: frac, interventionsPerInboundFrame: count, interventionsPerOutboundFrame: count, cyclesPerIntervention: count,
    paths: z.record(z.string(), z.looseObject({ jobs: count, cyclesPerJob: count, instructionsPerJob: count, iMissesPerJob: count.optional(), dMissesPerJob: count.optional(), writebacksPerJob: count.optional() })),
    isa: z.looseObject({ framesDecided: count, handedBack: count, mismatches: count, mismatchesBy: z.record(z.string(), count), firstMismatch: z.string().optional(), cPath: z.record(z.string(), z.looseObject({ calls: count, instructions: count, pipelineCycles: count })) }).optional(),
  }),
  resources: z.record(z.string(), z.looseObject({ utilization: frac, queueHighWater: count, drops: count })),
  bottleneck: z.looseObject({ resource: z.string(), utilization: frac, limiting: z.boolean() }),
  latencyUs: z.looseObject({ inbound: latency, outbound: latency }),
  events: count,
  health: z.looseObject({ ...healthChanges, intervalMs: num.positive(), timeoutMs: num.positive(), events: z.array(event), probes }).optional(),
  warmup: z.looseObject({ seconds: num.positive(), frames: z.looseObject({ injected: count, delivered: count }) }).optional(),
  replications: z.looseObject({ n: z.number().int().min(1), seeds: z.array(z.number().int()), level: frac }).optional(),
});

const boundTerm = z.looseObject({ resource: z.string(), kind: z.string(), load: num.positive(), formula: z.string() });

/** A `saturate` record's section. */
export const SaturationSchema = z.looseObject({
  load: num.positive(), loadInterval: z.tuple([num, num]), offeredMbps: num, deliveredMbps: num, deliveredMbpsCi95: count,
  boundMbps: num, boundLoad: num.positive(), boundResource: z.string(), boundKind: z.string(), ofBound: num.positive(), boundTerms: z.array(boundTerm).min(1),
  bottleneckMatchesBound: z.boolean(), portLimitLoad: num.positive(), dropRate: num, confirmed: z.boolean(), controlPlaneFailureLoad: num.nullable(),
  probes: count, runs: count, probeLog: z.array(z.looseObject({ load: num, verdict: z.enum(["pass", "fail"]), reason: z.string(), replications: count })),
  calibration: z.looseObject({ cyclesPerPath: z.record(z.string(), count), controlJobsPerSecond: count, source: z.string() }),
  criterion: z.looseObject({ lossGoal: frac, windowMs: num.positive(), goalWidth: frac }),
});

/** A `compare` record's `capacity` section. */
export const CapacitySchema = z.looseObject({
  load: num.positive(), loadInterval: z.tuple([num, num]), delivered: z.looseObject({ inboundMbps: num, outboundMbps: num }),
  bottleneck: z.looseObject({ resource: z.string(), utilization: frac }), bound: z.looseObject({ load: num.positive(), resource: z.string(), kind: z.string(), mbps: num }),
  ofBound: num.positive(), confirmed: z.boolean(),
});

/** The document `--json` writes: `{ schema: 1, runs: [...] }`. */
export const ResultsSchema = z.object({ schema: z.literal(1), runs: z.array(z.looseObject({ scenario: z.string(), seed: z.number().int(), simulatedSeconds: num, wallSeconds: num })) });
