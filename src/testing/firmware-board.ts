/**
 * The firmware-only test board (exported as "flowsim/testing"): the flow switch firmware on a fake
 * board with no timing: frames in, verdicts out, probes answered by hosts you describe. Drive the
 * switch and its failover machines (serverDown/Up, removeServer, routerDown/Up) without a full
 * board, e.g. in property tests (examples/failover-property.test.ts).
 */
import type { BoardApi } from "../hw/boards/board.ts";
import { CostTrace } from "../hw/cpu/cost-trace.ts";
import { BoardSchema } from "../hw/boards/schema.ts";
import { PRESETS } from "../hw/boards/presets.ts";
import { ArpOp } from "../net/codec/arp.ts";
import { decodeFrame, EtherType, encodeFrame } from "../net/codec/ethernet.ts";
import { encodeIpv4, type Ipv4Packet, type Ipv4Payload } from "../net/codec/ipv4.ts";
import { IpProto, TcpFlag } from "../net/codec/l4.ts";
import { FramePool } from "../net/frame-pool.ts";
import { ipv4, type Ipv4 } from "../net/ipv4-addr.ts";
import { BROADCAST_MAC, mac, readMac, type Mac } from "../net/mac.ts";
import { Simulator } from "../sim/simulator.ts";
import { Priority } from "../sim/priority.ts";
import { FlowSwitch } from "../firmware/flow-switch.ts";
import { LookupTable } from "../hw/lookup-table.ts";
import { TRANSLATE_DROP } from "../hw/translator.ts";
import { Verdict } from "../hw/cpu-board.ts";
import type { SwitchConfigInput } from "../firmware/config.ts";

/** The cluster "web"'s virtual IP in `config`: 192.0.2.10. */
export const VIP = ipv4("192.0.2.10");
/** The cluster "web"'s virtual MAC in `config`. */
export const VMAC = mac("02:00:5e:00:00:01");
/** Router i's IP in `config`: 192.0.2.1 + i. */
export const ROUTER_IP = (i: number) => (ipv4("192.0.2.1") + i) as Ipv4;
/** Router i's MAC in `config`. */
export const ROUTER_MAC = (i: number) => (0x0200_0000_0100 + i) as Mac;
/** Server i's MAC in `config`. */
export const SERVER_MAC = (i: number) => (0x0200_0000_0200 + i) as Mac;
/** Server i's port in `config` (routers are on ports 0 to 3). */
export const SERVER_PORT = (i: number) => 4 + i;
/** Server i's own IP (its health probes' address). */
export const SERVER_IP = (i: number) => (ipv4("10.0.0.1") + i) as Ipv4;

/** A switch configuration: cluster "web" with `servers` servers s0.. (weight 1) on ports 4.., `extra` cluster settings, and a router pool of `routers` routers r0.. on ports 0... */
export function config(servers: number, extra: Partial<SwitchConfigInput["clusters"][number]> = {}, routers = 2): SwitchConfigInput {
  return {
    clusters: [{ name: "web", vip: VIP, vmac: VMAC, servers: Array.from({ length: servers }, (_, i) => ({ name: `s${i}`, mac: SERVER_MAC(i), port: SERVER_PORT(i), weight: 1 })), ...extra }],
    routerPools: [{ name: "pool", routers: Array.from({ length: routers }, (_, i) => ({ name: `r${i}`, ip: ROUTER_IP(i), mac: ROUTER_MAC(i), port: i })) }],
    maglevSize: 251,
    flowTableSize: 4096,
  };
}

/**
 * How the hosts answer the switch's probes in a harness: a host on `port` answers (after
 * `delayPs(port)`) while `alive(port)`; a load agent reports `load(port)` (thousandths).
 */
export interface Answering {
  /** Whether the host on `port` answers now. */
  alive: (port: number) => boolean;
  /** How long the host on `port` takes to answer (ps). */
  delayPs: (port: number) => number;
  /** The load the host's agent reports to the switch's load query, for the optimal-workload policy. */
  load?: (port: number) => number;
}

/** The answer a live host with `mac` gives to the probe `probe` (ARP, ICMP echo, TCP SYN, UDP load query), or undefined. */
export function answerProbe(probe: Uint8Array, mac: number, load = 0): Uint8Array | undefined {
  const d = decodeFrame(probe);
  if (!d.ok) return undefined;
  const f = d.value, pl = f.payload;
  if (pl.kind === "arp") {
    const a = pl.arp;
    if (a.op !== ArpOp.Request) return undefined;
    return encodeFrame({ dst: a.senderMac, src: mac as Mac, etherType: EtherType.ARP, payload: { kind: "arp", arp: { op: ArpOp.Reply, senderMac: mac as Mac, senderIp: a.targetIp, targetMac: a.senderMac, targetIp: a.senderIp } } });
  }
  if (pl.kind !== "ipv4") return undefined;
  const ip = pl.ipv4, l4 = ip.payload;
  let reply: Ipv4Payload | undefined;
  if (l4.kind === "icmp" && l4.icmp.type === 8) reply = { kind: "icmp", icmp: { ...l4.icmp, type: 0 } };
  else if (l4.kind === "tcp" && l4.tcp.flags === TcpFlag.SYN) reply = { kind: "tcp", tcp: { srcPort: l4.tcp.dstPort, dstPort: l4.tcp.srcPort, seq: 7, ack: (l4.tcp.seq + 1) >>> 0, flags: TcpFlag.SYN | TcpFlag.ACK, window: 8192, urgent: 0, options: new Uint8Array(0), payload: new Uint8Array(0) } };
  else if (l4.kind === "udp") reply = { kind: "udp", udp: { srcPort: l4.udp.dstPort, dstPort: l4.udp.srcPort, payload: Uint8Array.of(load >>> 24, (load >>> 16) & 255, (load >>> 8) & 255, load & 255) } };
  if (!reply) return undefined;
  return encodeFrame({ dst: f.src, src: mac as Mac, etherType: EtherType.IPv4, payload: { kind: "ipv4", ipv4: { ...ip, src: ip.dst, dst: ip.src, payload: reply } } });
}

/** Health checks so rare that nothing is probed in a test's time (for tests that let time pass without hosts answering). */
export const NO_PROBES = { intervalPs: 1e15, timeoutPs: 1e14 };

/** `config` with no probing: time may pass in the test without servers or routers being declared down. */
export function quietConfig(servers: number, extra: Partial<SwitchConfigInput["clusters"][number]> = {}, routers = 2): SwitchConfigInput {
  const c = config(servers, { health: NO_PROBES, ...extra }, routers);
  for (const p of c.routerPools ?? []) p.health = NO_PROBES;
  return c;
}

/**
 * A hardware translator in front of the firmware: `cpld` (Fig 5E: every virtual-MAC frame is
 * looked up in one table, a miss goes to the CPU) or `asic` (Fig 5F: an inline look-up per port,
 * server MACs' entries plain). `run` then takes the board's path: `translate` first, the CPU's
 * `handleFrame` when the table has no answer.
 */
export type HarnessTranslator = "cpld" | "asic";

/** The flow switch firmware on a fake board (no timing), optionally behind a `translator`. Returns the simulator (`sim.run(until)` lets probe timers fire), the firmware `fw`, the address entries it set, every frame it `sent` (port, bytes, time), `run(frame, ingressPort)` giving `[verdict, bytes after]` (a port number, or `Verdict.Drop`/`Verdict.Consumed`), and `serverOf(bytes)`: the server index a forwarded frame went to. */
export function harness(cfg: SwitchConfigInput, answering?: Answering, translator?: HarnessTranslator) {
  const sim = new Simulator();
  const table = translator ? new LookupTable(1024) : undefined;
  const pool = new FramePool({ slots: 256 });
  const entries = new Map<number, { port: number; intervention: boolean }>();
  const sent: { port: number; bytes: Uint8Array; at: number }[] = [];
  // the MAC of the host on each port, from the configuration
  const macOnPort = new Map<number, number>();
  for (const c of cfg.clusters) for (const s of c.servers) macOnPort.set(s.port, s.mac);
  for (const p of cfg.routerPools ?? []) for (const r of p.routers) macOnPort.set(r.port, r.mac);
  const board: BoardApi = {
    sim, pool, spec: BoardSchema.parse(PRESETS[translator === "asic" ? "5F" : translator === "cpld" ? "5E" : "5A"]), portCount: 16, hasTranslator: translator !== undefined, inlineTranslator: translator === "asic", hasCam: false,
    setAddressEntry: (m, port, intervention, plainBehindTranslator) => entries.set(m, { port, intervention: intervention && !(plainBehindTranslator && translator === "asic") }),
    ...(table ? { translatorTable: () => table, translatorTables: () => [table], recordTableWrites: () => {} } : {}),
    portCounters: () => ({ txFrames: 0, txBytes: 0, rxFrames: 0, rxBytes: 0 }),
    // nothing but the answers arrives from the hosts here, and the switch loses nothing of theirs
    portReceived: () => 0,
    portLost: () => 0,
    controlFramesWaiting: () => 0,
    runOnCpu: (task) => {
      task(new CostTrace());
      return true;
    },
    transmit: (h, port) => {
      const bytes = pool.bytes(h).slice(0, pool.length(h));
      sent.push({ port, bytes, at: sim.now });
      pool.free(h);
      const mac = macOnPort.get(port);
      if (!answering || mac === undefined || !answering.alive(port)) return;
      const reply = answerProbe(bytes, mac, answering.load?.(port) ?? 0);
      if (reply) sim.scheduleIn(sim.event("answer", () => answering.alive(port) && run(reply, port), Priority.Default), answering.delayPs(port));
    },
  };
  const fw = new FlowSwitch(cfg);
  fw.attach(board);
  /** Frames the translator placed itself (the rest went to the CPU). */
  const hw = { translated: 0 };
  /** Runs a frame through the board's path (the translator first, if any, then the CPU); returns [verdict, the frame's bytes after]. */
  const run = (bytes: Uint8Array, ingress = 0): [number, Uint8Array] => {
    const h = pool.allocFrom(bytes);
    let v = -1;
    if (translator) {
      pool.port[pool.slotOf(h)] = ingress;
      v = fw.translate(h);
      if (v >= 0) hw.translated++;
    }
    if (v === TRANSLATE_DROP) v = Verdict.Drop;
    else if (v < 0) v = fw.handleFrame(h, ingress, undefined);
    const after = pool.bytes(h).slice(0, pool.length(h));
    pool.free(h);
    return [v, after];
  };
  return {
    sim, pool, fw, entries, sent, run,
    /** The translator's flow table (undefined without a translator). */
    table,
    /** Counts of frames the translator placed itself. */
    hw,
    /** The index of the server a forwarded frame was sent to (its destination MAC). */
    serverOf: (out: Uint8Array) => readMac(out, 0) - 0x0200_0000_0200,
  };
}

/** An IPv4 frame from router r0 to the cluster's virtual MAC and IP carrying `payload`. */
export function inboundFrame(payload: Ipv4Payload, protocol: number, src: number, opts: { more?: boolean; offset?: number } = {}): Uint8Array {
  return encodeFrame({
    dst: VMAC, src: ROUTER_MAC(0), etherType: EtherType.IPv4,
    payload: { kind: "ipv4", ipv4: { dscp: 0, ecn: 0, id: 7, dontFragment: !opts.more && !opts.offset, moreFragments: !!opts.more, fragmentOffset: opts.offset ?? 0, ttl: 60, protocol, src: src as Ipv4, dst: VIP, options: new Uint8Array(0), payload } },
  });
}

/** A TCP segment from client `src`:`sport` to the cluster's port 80 (`flags`, `data` payload bytes). */
export function tcp(src: number, sport: number, flags: number = TcpFlag.ACK, data = 20): Uint8Array {
  return inboundFrame({ kind: "tcp", tcp: { srcPort: sport, dstPort: 80, seq: 1, ack: 1, flags, window: 1000, urgent: 0, options: new Uint8Array(0), payload: new Uint8Array(data) } }, IpProto.TCP, src);
}

/** An ARP request (broadcast) from `senderMac`/`senderIp` for `targetIp`. */
export function arpRequest(senderMac: number, senderIp: number, targetIp: number): Uint8Array {
  return encodeFrame({ dst: BROADCAST_MAC, src: senderMac as Mac, etherType: EtherType.ARP, payload: { kind: "arp", arp: { op: ArpOp.Request, senderMac: senderMac as Mac, senderIp: senderIp as Ipv4, targetMac: 0 as Mac, targetIp: targetIp as Ipv4 } } });
}

/** An IPv4 packet (for frames and for the headers ICMP errors quote). */
export function ipPacket(payload: Ipv4Payload, protocol: number, src: number, dst: number, opts: { more?: boolean; offset?: number; id?: number } = {}): Ipv4Packet {
  return { dscp: 0, ecn: 0, id: opts.id ?? 7, dontFragment: !opts.more && !opts.offset, moreFragments: !!opts.more, fragmentOffset: opts.offset ?? 0, ttl: 60, protocol, src: src as Ipv4, dst: dst as Ipv4, options: new Uint8Array(0), payload };
}

/** `pkt` in a frame from `srcMac` (router r0 by default) to `dstMac` (the virtual MAC by default). */
export function ipFrame(pkt: Ipv4Packet, dstMac: number = VMAC, srcMac: number = ROUTER_MAC(0)): Uint8Array {
  return encodeFrame({ dst: dstMac as Mac, src: srcMac as Mac, etherType: EtherType.IPv4, payload: { kind: "ipv4", ipv4: pkt } });
}

/** An ICMP error (type 3 code 4, fragmentation needed) from `from` to `to` quoting the first 28 bytes of `quoted`. */
export function icmpError(quoted: Ipv4Packet, from: number, to: number, dstMac: number = VMAC, quoteBytes = 28): Uint8Array {
  const q = encodeIpv4(quoted).slice(0, quoteBytes);
  return ipFrame(ipPacket({ kind: "icmp", icmp: { type: 3, code: 4, rest: 1400, data: q } }, IpProto.ICMP, from, to), dstMac);
}

/** An ESP payload with `spi`. */
export const esp = (spi: number, seq = 1): Ipv4Payload => ({ kind: "esp", esp: { spi, seq, payload: new Uint8Array(16) } });
/** A UDP payload from `srcPort` to `dstPort` with `n` bytes. */
export const udp = (srcPort: number, dstPort: number, n = 8): Ipv4Payload => ({ kind: "udp", udp: { srcPort, dstPort, payload: new Uint8Array(n) } });
/** A TCP payload from `srcPort` to `dstPort`. */
export const tcpSeg = (srcPort: number, dstPort: number, flags: number = TcpFlag.ACK): Ipv4Payload => ({ kind: "tcp", tcp: { srcPort, dstPort, seq: 1, ack: 1, flags, window: 1000, urgent: 0, options: new Uint8Array(0), payload: new Uint8Array(8) } });
/** A GRE payload carrying IPv4. */
export const gre = (): Ipv4Payload => ({ kind: "gre", gre: { protocolType: 0x0800, checksumPresent: false, payload: new Uint8Array(20) } });

/** Cluster "b"'s virtual IP in `twoClusters`. */
export const VIP_B = ipv4("192.0.2.20") as Ipv4;
/** Cluster "b"'s virtual MAC in `twoClusters`. */
export const VMAC_B = 0x0200_5e00_0002;

/** Clusters web (s0, s1, shared) and b (s2, s3, shared): `shared` is one physical server on port 12. */
export function twoClusters(policy: "round-robin" | "consistent-hash" = "round-robin", extra: Partial<SwitchConfigInput["clusters"][number]> = {}): SwitchConfigInput {
  const base = config(2, { policy, ...extra });
  const shared = { name: "shared", mac: SERVER_MAC(12), port: 12, weight: 1 };
  base.clusters[0]!.servers.push(shared);
  base.clusters.push({ name: "b", vip: VIP_B, vmac: VMAC_B, policy, ...extra, servers: [{ name: "s2", mac: SERVER_MAC(2), port: SERVER_PORT(2), weight: 1 }, { name: "s3", mac: SERVER_MAC(3), port: SERVER_PORT(3), weight: 1 }, shared] });
  return base;
}

/** A TCP segment from `src` to `vip` through the virtual MAC `vmac`. */
export function tcpTo(vip: number, vmac: number, src: number, sport: number, flags: number = TcpFlag.ACK): Uint8Array {
  return encodeFrame({
    dst: vmac as Mac, src: ROUTER_MAC(0), etherType: EtherType.IPv4,
    payload: { kind: "ipv4", ipv4: { dscp: 0, ecn: 0, id: 7, dontFragment: true, moreFragments: false, fragmentOffset: 0, ttl: 60, protocol: IpProto.TCP, src: src as Ipv4, dst: vip as Ipv4, options: new Uint8Array(0), payload: { kind: "tcp", tcp: { srcPort: sport, dstPort: 80, seq: 1, ack: 1, flags, window: 1000, urgent: 0, options: new Uint8Array(0), payload: new Uint8Array(20) } } } },
  });
}

