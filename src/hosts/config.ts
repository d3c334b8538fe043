/**
 * The hosts workload's configuration (docs/hosts.md): clients, the mix of flow kinds, request and
 * response sizes, arrivals (open loop at a rate, or closed loop with think times), transport,
 * server and ARP parameters, the access network, and an optional pcap to replay. Plain JSON,
 * validated by zod; a mistake gets one line naming the field. Times are in µs.
 */
import { readRegularFile } from "../sim/input-file.ts";
import { z } from "zod";
import { formatBoardError } from "../hw/boards/schema.ts";

const size = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("fixed"), bytes: z.number().int().min(0).max(0xff_ffff) }),
  z.strictObject({ kind: z.literal("imix") }),
  z.strictObject({ kind: z.literal("empirical"), file: z.string().min(1) }),
  z.strictObject({ kind: z.literal("table"), sizes: z.array(z.number().int().min(0).max(0xff_ffff)).min(1), weights: z.array(z.number().positive()).optional() }),
]);

/** The highest open-loop rates a hosts file may ask for (1e12 flows/s made arrivals a fraction of a picosecond apart and the run never ended). */
export const MAX_FLOWS_PER_SEC = 1e8, MAX_PPS = 1e9, MAX_MBPS = 1e6;
const serviceTime = z.strictObject({ dist: z.enum(["exponential", "fixed"]).default("exponential"), meanUs: z.number().positive() });

const rate = z.union([
  // limits (docs/hosts.md): far above what a board's ports carry (about 1.2 M frames/s on eight 100 Mb/s ports), and below where arrivals a picosecond apart would stall the run
  z.strictObject({ flowsPerSec: z.number().positive().max(MAX_FLOWS_PER_SEC) }),
  z.strictObject({ inboundMbps: z.number().positive().max(MAX_MBPS) }),
  z.strictObject({ outboundMbps: z.number().positive().max(MAX_MBPS) }),
  z.strictObject({ inboundPps: z.number().positive().max(MAX_PPS) }),
  z.strictObject({ outboundPps: z.number().positive().max(MAX_PPS) }),
]);

const arrivals = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("open"), process: z.enum(["poisson", "constant"]).default("poisson"), rate }),
  z.strictObject({ kind: z.literal("closed"), clients: z.number().int().positive(), thinkUs: z.number().nonnegative(), think: z.enum(["exponential", "fixed"]).default("exponential") }),
  z.strictObject({ kind: z.literal("none") }),
]);

export const HostsSchema = z.strictObject({
  clientsPerRouter: z.number().int().min(1).max(254).default(50),
  /** Relative shares of flows by kind. */
  mix: z.strictObject({
    web: z.number().nonnegative().default(16), dns: z.number().nonnegative().default(2), radius: z.number().nonnegative().default(1),
    esp: z.number().nonnegative().default(1), ipip: z.number().nonnegative().default(0), ping: z.number().nonnegative().default(0),
  }).prefault({}).refine((m) => Object.values(m).some((v) => v > 0), "at least one kind needs a share above 0"),
  /** Request and response sizes in application bytes (default: a 300-byte request, a response of 512 B to 64 KiB). */
  request: size.default({ kind: "fixed", bytes: 300 }),
  response: size.default({ kind: "table", sizes: [512, 4096, 16384, 65536], weights: [4, 3, 2, 1] }),
  arrivals: arrivals.default({ kind: "open", process: "poisson", rate: { outboundMbps: 120 } }),
  /** When arrivals start (after the routers and servers have resolved their ARP), µs. */
  startUs: z.number().nonnegative().default(50),
  transport: z.strictObject({
    windowBytes: z.number().int().min(1460).max(65535).default(8760),
    rtoUs: z.number().positive().default(200_000),
    maxRetries: z.number().int().min(0).max(15).default(5),
    datagramTimeoutUs: z.number().positive().default(200_000),
    responseTimeoutUs: z.number().positive().default(1_000_000),
  }).prefault({}),
  server: z.strictObject({
    workers: z.number().int().min(1).default(8),
    backlog: z.number().int().min(0).default(64),
    maxConnections: z.number().int().min(1).max(1 << 20).default(4096),
    defaultResponseBytes: z.number().int().min(0).max(0xff_ffff).default(512),
    serviceUs: z.strictObject({
      web: serviceTime.default({ dist: "exponential", meanUs: 100 }),
      dns: serviceTime.default({ dist: "exponential", meanUs: 20 }),
      radius: serviceTime.default({ dist: "exponential", meanUs: 200 }),
      esp: serviceTime.default({ dist: "exponential", meanUs: 100 }),
      ipip: serviceTime.default({ dist: "exponential", meanUs: 50 }),
      ping: serviceTime.default({ dist: "fixed", meanUs: 1 }),
    }).prefault({}),
  }).prefault({}),
  arp: z.strictObject({
    refreshUs: z.number().positive().default(30_000_000),
    timeoutUs: z.number().positive().default(60_000_000),
    retryUs: z.number().positive().default(1_000_000),
  }).prefault({}).refine((a) => a.timeoutUs >= a.refreshUs, "timeoutUs must be at least refreshUs"),
  access: z.strictObject({
    rateMbps: z.union([z.literal(10), z.literal(100), z.literal(1000)]).default(1000),
    delayUs: z.number().nonnegative().default(100),
    queueFrames: z.number().int().min(1).default(256),
  }).prefault({}),
  maxFlows: z.number().int().min(1).max(1 << 20).default(16384),
  /** Each router's and server's transmit queue toward the switch, frames (Linux's default txqueuelen). */
  hostTxQueueFrames: z.number().int().min(1).max(1 << 16).default(1000),
  /** Keep one record per flow (for --flows-csv). */
  keepFlowRecords: z.boolean().default(false),
  /** Failures and recoveries on a schedule: server or router `index` (0-3), at `atUs`. */
  schedule: z.array(z.strictObject({
    atUs: z.number().nonnegative(),
    action: z.enum(["fail", "recover"]),
    host: z.enum(["server", "router"]),
    index: z.number().int().min(0),
    mode: z.enum(["silent", "link"]).default("silent"),
  })).default([]),
  replay: z.strictObject({
    file: z.string().min(1),
    /** Multiplies the gaps between the capture's timestamps (0.5: twice as fast). */
    timeScale: z.number().positive().default(1),
    /** When the first frame is sent, µs; default: at its own timestamp. */
    startUs: z.number().nonnegative().optional(),
  }).optional(),
});

/** A hosts configuration, size file or replay input the user got wrong (one line). */
export class HostsInputError extends Error {
  override name = "HostsInputError";
}

export type HostsConfig = z.output<typeof HostsSchema>;
export type HostsInput = z.input<typeof HostsSchema>;

export type HostsResult = { ok: true; value: HostsConfig } | { ok: false; error: string };

export function parseHostsConfig(input: unknown, source = "hosts config"): HostsResult {
  const r = HostsSchema.safeParse(input);
  return r.success ? { ok: true, value: r.data } : { ok: false, error: formatBoardError(r.error, source, input) };
}

export function loadHostsConfig(file: string): HostsResult {
  let text: string;
  try {
    text = readRegularFile(file, "utf8");
  } catch (err) {
    return { ok: false, error: `${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `${file}: not valid JSON: ${(err as Error).message}` };
  }
  return parseHostsConfig(json, file);
}
