/**
 * The flow switch's configuration: clusters (a virtual IP and MAC shared by servers), router
 * pools, the flow table and health checking. Plain data, validated by zod with one-line errors.
 * Times are in ps (helpers: `ms(…)`).
 */
import { z } from "zod";

/** The servers' load agent's UDP port (assumption: there is no standard one; LVS feedback agents pick their own). */
export const LOAD_AGENT_PORT = 7011;

export const POLICIES = ["optimal-workload", "round-robin", "weighted-round-robin", "least-connections", "weighted-least-connections", "consistent-hash"] as const;
export type Policy = (typeof POLICIES)[number];

const mac = z.number().int().min(0).max(2 ** 48 - 1);
const ip = z.number().int().min(0).max(2 ** 32 - 1);

export const ServerSchema = z.strictObject({
  name: z.string().min(1),
  mac,
  /** Global switch port the server is attached to. */
  port: z.number().int().min(0),
  weight: z.number().int().min(0).default(1),
});

export const HealthSchema = z.strictObject({
  /** ARP request, ICMP echo, TCP connect (SYN, expecting SYN-ACK), or a query to the server's load agent (UDP, answered with its load figure). */
  kind: z.enum(["arp", "icmp", "tcp", "load"]).default("arp"),
  intervalPs: z.number().int().positive().default(100_000_000), // 100 us of simulated time (short runs)
  timeoutPs: z.number().int().positive().default(50_000_000),
  rise: z.number().int().min(1).default(2),
  fall: z.number().int().min(1).default(3),
  tcpPort: z.number().int().min(1).max(65535).default(80),
  /** UDP port of the servers' load agent (kind "load"; assumption: no standard port). */
  loadPort: z.number().int().min(1).max(65535).default(LOAD_AGENT_PORT),
});

export const ClusterSchema = z.strictObject({
  name: z.string().min(1),
  vip: ip,
  vmac: mac,
  /** "balance": every server takes flows; "availability": only the primary does (patent: availability clustering). */
  mode: z.enum(["balance", "availability"]).default("balance"),
  policy: z.enum(POLICIES).default("consistent-hash"),
  servers: z.array(ServerSchema).min(1),
  health: HealthSchema.prefault({}),
});

export const RouterSchema = z.strictObject({ name: z.string().min(1), ip, mac, port: z.number().int().min(0) });

export const RouterPoolSchema = z.strictObject({
  name: z.string().min(1),
  routers: z.array(RouterSchema).min(1),
  /** "traffic": the router with the least traffic (bytes out); "source-ip": round robin by the server's source IP. */
  policy: z.enum(["traffic", "source-ip"]).default("traffic"),
  health: HealthSchema.prefault({}),
});

export const SwitchConfigSchema = z.strictObject({
  clusters: z.array(ClusterSchema).min(1),
  routerPools: z.array(RouterPoolSchema).default([]),
  /** Flow-table capacity in flows. */
  flowTableSize: z.number().int().positive().default(65_536),
  /** Maglev table size, a prime. */
  maglevSize: z.number().int().positive().default(65_537),
  /** Idle timeouts per protocol, ps. */
  timeouts: z.strictObject({ tcpPs: z.number().positive(), udpPs: z.number().positive(), espPs: z.number().positive(), otherPs: z.number().positive(), finPs: z.number().positive().default(10e12) }).default({
    tcpPs: 300e12, // 5 min (IPVS established-TCP timeout is 15 min; shorter suits simulated runs)
    udpPs: 30e12, // 30 s
    espPs: 120e12, // 2 min
    otherPs: 30e12,
    finPs: 10e12, // 10 s after a FIN or RST (IPVS keeps FIN_WAIT and TIME_WAIT 2 min; shorter suits simulated runs)
  }),
  /** The switch's own address, the source of ICMP-echo and TCP-connect health probes. */
  switchIp: ip.default(0xc00002fe), // 192.0.2.254
  /** Period of the patent's load-balancing routine (optimal-workload), ps. */
  balancePeriodPs: z.number().int().positive().default(1_000_000_000), // 1 ms
});

export type SwitchConfig = z.infer<typeof SwitchConfigSchema>;
export type SwitchConfigInput = z.input<typeof SwitchConfigSchema>;
export type ClusterConfig = z.infer<typeof ClusterSchema>;
