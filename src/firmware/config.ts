/**
 * The flow switch's configuration: clusters (a virtual IP and MAC shared by servers), router
 * pools, the flow table and health checking. Plain data, validated by zod with one-line errors.
 * Times are in ps (helpers: `ms(…)`).
 */
import { z } from "zod";

/** Flows the flow table holds unless configured otherwise (its slots: twice that). */
export const DEFAULT_FLOW_TABLE_SIZE = 65_536;

/** The servers' load agent's UDP port (assumption: there is no standard one; LVS feedback agents pick their own). */
export const LOAD_AGENT_PORT = 7011;

/** The load-balancing policies a cluster may use. */
export const POLICIES = ["optimal-workload", "round-robin", "weighted-round-robin", "least-connections", "weighted-least-connections", "consistent-hash"] as const;
/** A load-balancing policy. */
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

/** Most probes a target may have waiting at once is about timeout / interval; bounded so a mistyped timeout cannot exhaust the probes' tokens. */
export const MAX_TIMEOUT_INTERVALS = 32;

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
}).refine((h) => h.timeoutPs <= MAX_TIMEOUT_INTERVALS * h.intervalPs, { message: `timeoutPs must be at most ${MAX_TIMEOUT_INTERVALS} x intervalPs`, path: ["timeoutPs"] });

export const ClusterSchema = z.strictObject({
  name: z.string().min(1),
  vip: ip,
  vmac: mac,
  /** "balance": every server takes flows; "availability": only the primary does (patent: availability clustering). */
  mode: z.enum(["balance", "availability"]).default("balance"),
  policy: z.enum(POLICIES).default("consistent-hash"),
  /**
   * How IPsec is kept together: "client" (default) keys ESP, AH and IKE (UDP 500/4500) by the
   * client's address, so they reach one server and ICMP errors about them map exactly (IPVS);
   * "spi" keys ESP and AH by source IP + SPI, spreading one client's SAs over the servers.
   */
  ipsecKey: z.enum(["client", "spi"]).default("client"),
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

/** Idle timeouts per protocol, ps (also the NAT baseline's, so the two are compared fairly). */
export const DEFAULT_TIMEOUTS = {
  tcpPs: 300e12, // 5 min (IPVS established-TCP timeout is 15 min; shorter suits simulated runs)
  udpPs: 30e12, // 30 s
  espPs: 120e12, // 2 min
  otherPs: 30e12,
  finPs: 10e12, // 10 s after a FIN or RST (IPVS keeps FIN_WAIT and TIME_WAIT 2 min; shorter suits simulated runs)
  synPs: 60e12, // 60 s while only SYNs were seen (IPVS SYN_RECV; Linux retransmits a SYN for 63 s)
  fragmentPs: 30e12, // 30 s from a datagram's first fragment (Linux's reassembly timeout, ipfrag_time)
};

/** The firmware's configuration (zod): clusters, router pools, flow table, timeouts. */
export const SwitchConfigSchema = z.strictObject({
  clusters: z.array(ClusterSchema).min(1),
  routerPools: z.array(RouterPoolSchema).default([]),
  /** Flow-table capacity in flows. */
  flowTableSize: z.number().int().positive().default(DEFAULT_FLOW_TABLE_SIZE),
  /** Maglev table size, a prime. */
  maglevSize: z.number().int().positive().default(65_537),
  /** Idle timeouts per protocol, ps. */
  timeouts: z.strictObject({ tcpPs: z.number().positive(), udpPs: z.number().positive(), espPs: z.number().positive(), otherPs: z.number().positive(), finPs: z.number().positive().default(10e12), synPs: z.number().positive().default(60e12), fragmentPs: z.number().positive().default(30e12) }).default(DEFAULT_TIMEOUTS),
  /** Flow-table slots the amortised sweep examines with every new flow (the whole table once per 2 x flowTableSize / this many new flows). */
  flowTableSweepSlots: z.number().int().min(1).max(64).default(4),
  /** The switch's own address, the source of ICMP-echo and TCP-connect health probes. */
  switchIp: ip.default(0xc00002fe), // 192.0.2.254
  /**
   * The switch's own MAC, the source of every health probe: the answers come to it, and its
   * address-table entry sends them to the CPU's control ring, apart from data (docs/firmware.md
   * "Health checks under overload"). Default 02:00:5e:00:00:fe (locally administered).
   */
  switchMac: mac.default(0x02005e0000fe),
  /** Period of the patent's load-balancing routine (optimal-workload), ps. */
  balancePeriodPs: z.number().int().positive().default(1_000_000_000), // 1 ms
}).superRefine((c, ctx) => {
  const problem = identityProblem(c.clusters, c.routerPools, c.switchIp, c.switchMac);
  if (problem) ctx.addIssue({ code: "custom", message: problem.message, path: problem.path });
});

type Identity = { name: string; mac: number; port: number };

/**
 * What makes a configuration ambiguous (docs/firmware.md "Identity"): the firmware decides who
 * sent a frame by its ingress port and the configuration, and identifies a server by its cluster
 * and name, so
 *   - clusters have distinct names, virtual IPs and virtual MACs;
 *   - within a cluster, servers have distinct names, MACs and ports (the patent: no two servers
 *     of a cluster on one port);
 *   - a name in several clusters is one physical server: the same MAC and port everywhere, and a
 *     MAC belongs to one name;
 *   - routers have distinct names, MACs and IPs, none of them a server's or a virtual one, and a
 *     port has routers or servers, never both;
 *   - the switch's own address is no virtual IP and no router's, and its own MAC nobody else's.
 * Returns the first problem found, or undefined.
 */
export function identityProblem(clusters: readonly { name: string; vip: number; vmac: number; servers: readonly Identity[] }[], pools: readonly { name: string; routers: readonly (Identity & { ip: number })[] }[], switchIp: number, switchMac = -1): { message: string; path: (string | number)[] } | undefined {
  const seen = <K>(m: Map<K, number>, k: K, i: number) => {
    const had = m.get(k);
    if (had === undefined) m.set(k, i);
    return had;
  };
  const cname = new Map<string, number>(), vip = new Map<number, number>(), vmac = new Map<number, number>();
  const byName = new Map<string, Identity>(), byMac = new Map<number, string>(), serverPorts = new Set<number>();
  for (let ci = 0; ci < clusters.length; ci++) {
    const c = clusters[ci]!;
    if (seen(cname, c.name, ci) !== undefined) return { message: `cluster name ${c.name} is used twice`, path: ["clusters", ci, "name"] };
    if (seen(vip, c.vip, ci) !== undefined) return { message: `cluster ${c.name}'s vip is also cluster ${clusters[vip.get(c.vip)!]!.name}'s`, path: ["clusters", ci, "vip"] };
    if (seen(vmac, c.vmac, ci) !== undefined) return { message: `cluster ${c.name}'s vmac is also cluster ${clusters[vmac.get(c.vmac)!]!.name}'s`, path: ["clusters", ci, "vmac"] };
    const names = new Set<string>(), macs = new Set<number>(), ports = new Set<number>();
    for (let si = 0; si < c.servers.length; si++) {
      const s = c.servers[si]!, path = ["clusters", ci, "servers", si];
      if (names.has(s.name)) return { message: `server ${s.name} is twice in cluster ${c.name}`, path: [...path, "name"] };
      if (macs.has(s.mac)) return { message: `server ${s.name}'s mac is another server's in cluster ${c.name}`, path: [...path, "mac"] };
      if (ports.has(s.port)) return { message: `server ${s.name} shares port ${s.port} with another server of cluster ${c.name} (no two servers of a cluster on one port)`, path: [...path, "port"] };
      names.add(s.name), macs.add(s.mac), ports.add(s.port), serverPorts.add(s.port);
      const same = byName.get(s.name);
      if (same && (same.mac !== s.mac || same.port !== s.port)) return { message: `server ${s.name} is in several clusters with different mac or port: one name is one physical server`, path };
      const owner = byMac.get(s.mac);
      if (owner !== undefined && owner !== s.name) return { message: `server ${s.name}'s mac is also server ${owner}'s`, path: [...path, "mac"] };
      byName.set(s.name, s), byMac.set(s.mac, s.name);
      if (vmac.has(s.mac)) return { message: `server ${s.name}'s mac is a cluster's virtual mac`, path: [...path, "mac"] };
    }
  }
  for (const m of vmac.keys()) if (byMac.has(m)) return { message: `a cluster's vmac is server ${byMac.get(m)}'s mac`, path: ["clusters"] };
  const rname = new Set<string>(), rmac = new Set<number>(), rip = new Set<number>();
  for (let pi = 0; pi < pools.length; pi++) {
    for (let ri = 0; ri < pools[pi]!.routers.length; ri++) {
      const r = pools[pi]!.routers[ri]!, path = ["routerPools", pi, "routers", ri];
      if (rname.has(r.name)) return { message: `router name ${r.name} is used twice`, path: [...path, "name"] };
      if (rmac.has(r.mac) || byMac.has(r.mac) || vmac.has(r.mac)) return { message: `router ${r.name}'s mac is already used`, path: [...path, "mac"] };
      if (rip.has(r.ip) || vip.has(r.ip)) return { message: `router ${r.name}'s ip is already used (another router's or a virtual IP)`, path: [...path, "ip"] };
      if (serverPorts.has(r.port)) return { message: `router ${r.name} is on port ${r.port}, a server's port: a port is on the router side or the server side`, path: [...path, "port"] };
      rname.add(r.name), rmac.add(r.mac), rip.add(r.ip);
    }
  }
  if (vip.has(switchIp) || rip.has(switchIp)) return { message: "switchIp is a virtual IP or a router's", path: ["switchIp"] };
  if (vmac.has(switchMac) || byMac.has(switchMac) || rmac.has(switchMac)) return { message: "switchMac is a virtual MAC, a server's or a router's", path: ["switchMac"] };
  return undefined;
}

/** A validated firmware configuration. */
export type SwitchConfig = z.infer<typeof SwitchConfigSchema>;
/** A firmware configuration as written: defaults may be left out. */
export type SwitchConfigInput = z.input<typeof SwitchConfigSchema>;
/** One cluster's validated configuration. */
export type ClusterConfig = z.infer<typeof ClusterSchema>;
