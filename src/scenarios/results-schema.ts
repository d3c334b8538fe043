/**
 * The results document's schema (docs/results-format.md), as zod: `schema: 1`, and each board
 * run's documented fields with their types. Scenario sections are allowed beside them. Used by
 * the tests to validate what the CLI writes.
 */
import { z } from "zod";

const num = z.number().finite();
const frac = z.number().min(0).max(1.0000001);
const latency = z.object({ p50: num, p99: num, max: num, cdf: z.array(z.tuple([num, frac])) });

export const BoardRunSchema = z.looseObject({
  scenario: z.string(),
  board: z.string(),
  seed: z.number().int(),
  load: num,
  simulatedSeconds: num.positive(),
  wallSeconds: num.min(0),
  offered: z.object({ inboundMbps: num, outboundMbps: num }),
  delivered: z.object({ inboundMbps: num, outboundMbps: num, inboundFps: num, outboundFps: num }),
  frames: z.object({ injected: z.number().int(), delivered: z.number().int(), inFlight: z.number().int(), dropped: z.record(z.string(), z.number().int().min(0)) }),
  cpu: z.object({ clockMHz: num, utilization: frac, interventionsPerInboundFrame: num.min(0), interventionsPerOutboundFrame: num.min(0), cyclesPerIntervention: num.min(0) }),
  resources: z.record(z.string(), z.object({ utilization: frac })),
  bottleneck: z.object({ resource: z.string(), utilization: frac }),
  latencyUs: z.object({ inbound: latency, outbound: latency }),
  events: z.number().int().positive(),
});

export const ResultsSchema = z.object({ schema: z.literal(1), runs: z.array(z.looseObject({ scenario: z.string(), seed: z.number().int(), simulatedSeconds: num, wallSeconds: num })) });
