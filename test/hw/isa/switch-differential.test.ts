/**
 * The C switch path (firmware/c/programs/switchpath.c on the instruction-level R4700) against
 * the TypeScript firmware (src/firmware/flow-switch.ts, the reference model): random
 * configurations and random sequences of frames (several clients and flows; TCP with SYN, ACK,
 * FIN and RST; UDP, IKE's ports; ESP and AH by SPI; ICMP echo and ICMP errors quoting a flow;
 * GRE; first and later fragments; frames for another IP; any of them with an 802.1Q tag, with IP
 * options, with one byte of its IP header or payload set at random, or cut short), ARP frames
 * (requests, replies and other operations from routers, servers and strangers, on their ports,
 * claiming their own or others' addresses, asking for virtual IPs, routers or nothing known,
 * broadcast or to a server, a virtual MAC or a router), IP frames from servers to routers' MACs
 * (redirected when the router failed), to servers' MACs (from servers; from the router side, for
 * a virtual IP or not), to the switch's MAC, to group addresses and to unknown MACs, router failures and recoveries, time passing (so entries expire, lazily
 * and by the sweep), server failures and recoveries, weight changes, draining, servers added and
 * removed, with small flow tables (so they fill and fall back to the consistent hash). Each
 * control-plane change is made in the TypeScript and written into the image's memory
 * (switch-host.ts), as the board's control plane would. Frame by frame: the same verdict (port,
 * or drop with the same cause), the same path, byte-identical frames out, and the same
 * per-server flow counts (which least connections reads); at the end of each sequence the same
 * cluster, server, flow-table and switch counters. For ARP also each router's assigned servers
 * and answers, and the gateway each server was given. ARP replies that pass the checks are the
 * answers to the switch's own probes, which the TypeScript control plane matches: the C path
 * hands them back, and the test requires the TypeScript to have consumed them. Most sequences
 * call the decision alone (`main`) per frame; 50 more run each frame through the whole job (the
 * frame in a CPU buffer, the ring's interrupt: switch-host.ts `job`), with the same checks.
 *
 * Restricted to what the C path ports (switch-host.ts refuses anything else, and the test fails
 * then): balance mode with round robin, weighted round robin, (weighted) least connections and
 * consistent hash, and availability mode; not the optimal-workload policy; frames to the
 * clusters' virtual MACs, routers' and servers' MACs, and ARP (no probe answers);
 * no translator board (5A's path); one router pool, whose ports' traffic vectors read zero (the
 * harness's); weights are integers (as config.ts requires).
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DROP_CAUSES } from "../../../src/firmware/drop-causes.ts";
import type { SwitchConfigInput } from "../../../src/firmware/config.ts";
import { SwitchImage, type SwitchCall } from "../../../src/hw/cpu/isa/switch-host.ts";
import { IpProto, TcpFlag } from "../../../src/net/codec/l4.ts";
import type { Ipv4Payload } from "../../../src/net/codec/ipv4.ts";
import { harness, icmpError, ipFrame, ipPacket, quietConfig, ROUTER_IP, ROUTER_MAC, SERVER_PORT, tcp as tcpFrame } from "../../firmware/harness.ts";
import { ArpOp, writeArpFrame } from "../../../src/net/codec/arp.ts";
import { Verdict } from "../../../src/hw/cpu-board.ts";
import { BROADCAST_MAC } from "../../../src/net/mac.ts";
import type { FlowSwitch } from "../../../src/firmware/flow-switch.ts";
import { VERDICT_NOT_PORTED, type HostGateway, type HostRouter } from "../../../src/hw/cpu/isa/switch-host.ts";

const elf = readFileSync(new URL("../../../firmware/build/switchpath.elf", import.meta.url));
const VIPS = [0xc0000210, 0xc0000220];
const VMACS = [0x02005e000001, 0x02005e000002];
const CLIENT = (i: number) => 0xc6336400 + i; // 198.51.100.x
const POLICY = ["round-robin", "weighted-round-robin", "least-connections", "weighted-least-connections", "consistent-hash"] as const;

const configArb = fc.record({
  clusters: fc.array(fc.record({ mode: fc.constantFrom("balance", "balance", "availability") as fc.Arbitrary<"balance" | "availability">, policy: fc.constantFrom(...POLICY), servers: fc.integer({ min: 1, max: 5 }), weights: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 5, maxLength: 5 }), ipsecKey: fc.constantFrom("client", "spi") as fc.Arbitrary<"client" | "spi"> }), { minLength: 1, maxLength: 2 }),
  flowTableSize: fc.oneof(fc.integer({ min: 2, max: 40 }), fc.integer({ min: 100, max: 1000 })),
  sweep: fc.integer({ min: 1, max: 4 }),
  maglevSize: fc.constantFrom(13, 251) as fc.Arbitrary<number>,
  routers: fc.constantFrom(1, 1, 2, 3),
  routerPolicy: fc.constantFrom("traffic", "source-ip") as fc.Arbitrary<"traffic" | "source-ip">,
  // idle timeouts (ps): tcp, udp, esp, other, fin, syn, fragment, each from a few values, so a FIN's timeout is sometimes the longer one
  timeouts: fc.array(fc.constantFrom(2e8, 5e8, 1e9, 3e9), { minLength: 7, maxLength: 7 }),
});

type Kind = "toServer" | "toRouter" | "toSwitch" | "toGroup" | "toUnknown" | "syn2" | "tcp" | "udp" | "ike" | "esp" | "ah" | "echo" | "icmpErr" | "gre" | "firstFrag" | "laterFrag" | "notVip";
const frameArb = fc.record({
  op: fc.constant("frame" as const),
  kind: fc.constantFrom<Kind>("toServer", "toServer", "toRouter", "toRouter", "toSwitch", "toGroup", "toUnknown", "syn2", "tcp", "tcp", "tcp", "udp", "ike", "esp", "ah", "echo", "icmpErr", "gre", "firstFrag", "laterFrag", "notVip"),
  cluster: fc.integer({ min: 0, max: 1 }),
  client: fc.integer({ min: 0, max: 3 }),
  flow: fc.integer({ min: 0, max: 2 }),
  flags: fc.constantFrom(TcpFlag.SYN, TcpFlag.ACK, TcpFlag.ACK, TcpFlag.ACK | TcpFlag.PSH, TcpFlag.FIN | TcpFlag.ACK, TcpFlag.RST, TcpFlag.SYN | TcpFlag.ACK),
  id: fc.integer({ min: 1, max: 3 }),
  dtUs: fc.constantFrom(0, 0, 0, 1, 1, 10, 10, 100, 300, 1000),
  // how the frame is altered: none mostly; an 802.1Q tag, IP options, one byte from the IP header on set to `value`, or cut to `at` bytes
  alter: fc.constantFrom("none", "none", "none", "none", "none", "none", "vlan", "options", "byte", "cut"),
  at: fc.nat({ max: 120 }),
  value: fc.integer({ min: 0, max: 255 }),
});
type Gen<A> = A extends fc.Arbitrary<infer T> ? T : never;
type ConfigGen = Gen<typeof configArb>;
type FrameStep = Gen<typeof frameArb>;
/** An ARP frame: who sends it (a router, a server, a stranger on port 3), what it claims, what it asks, to whom. */
const arpArb = fc.record({
  op: fc.constant("arp" as const),
  from: fc.constantFrom("router", "server", "server", "stranger"),
  who: fc.nat({ max: 20 }),
  cluster: fc.integer({ min: 0, max: 1 }),
  senderMac: fc.constantFrom("own", "own", "own", "router", "server", "stranger"),
  senderIp: fc.constantFrom("own", "own", "vip", "router", "zero", "client"),
  target: fc.constantFrom("vip", "vip", "router", "router", "other"),
  arpOp: fc.constantFrom(ArpOp.Request, ArpOp.Request, ArpOp.Request, ArpOp.Reply, 3),
  dst: fc.constantFrom("broadcast", "broadcast", "broadcast", "server", "vmac", "router"),
});
type ArpStep = Gen<typeof arpArb>;
const controlArb = fc.record({
  op: fc.constantFrom("down" as const, "up" as const, "weight" as const, "drain" as const, "undrain" as const, "add" as const, "remove" as const, "routerDown" as const, "routerUp" as const),
  cluster: fc.integer({ min: 0, max: 1 }),
  server: fc.constantFrom(0, 0, 1, 2, 3, 4), // the first server more often: the primary, in availability mode
  weight: fc.integer({ min: 0, max: 4 }),
});
const stepsArb = fc.array(fc.oneof({ arbitrary: frameArb, weight: 8 }, { arbitrary: arpArb, weight: 2 }, { arbitrary: controlArb, weight: 1 }), { minLength: 20, maxLength: 200 });

function switchConfig(c: ConfigGen): SwitchConfigInput {
  let port = 4;
  const quiet = { intervalPs: 1e15, timeoutPs: 1e14 };
  return {
    clusters: c.clusters.map((k, ci) => ({
      name: `c${ci}`, vip: VIPS[ci]!, vmac: VMACS[ci]!, mode: k.mode, policy: k.policy, ipsecKey: k.ipsecKey, health: quiet,
      servers: Array.from({ length: k.servers }, (_, i) => ({ name: `c${ci}s${i}`, mac: 0x020000000200 + 16 * ci + i, port: port++, weight: k.weights[i]! })),
    })),
    routerPools: [{ name: "pool", health: quiet, policy: c.routerPolicy, routers: Array.from({ length: c.routers }, (_, i) => ({ name: `r${i}`, ip: ROUTER_IP(i), mac: ROUTER_MAC(i), port: i })) }],
    maglevSize: c.maglevSize,
    flowTableSize: c.flowTableSize,
    flowTableSweepSlots: c.sweep,
    // short timeouts, so entries expire within a sequence's simulated milliseconds
    timeouts: { tcpPs: c.timeouts[0]!, udpPs: c.timeouts[1]!, espPs: c.timeouts[2]!, otherPs: c.timeouts[3]!, finPs: c.timeouts[4]!, synPs: c.timeouts[5]!, fragmentPs: c.timeouts[6]! },
  };
}

/**
 * Frames not for a virtual MAC, and the port they arrive on: from a server to a router's MAC
 * (redirected when the router failed), to the switch's own MAC (not a probe answer), to a group
 * address, to a MAC nobody has. undefined for the other kinds.
 */
function otherFrame(f: FrameStep, fw: FlowSwitch): [Uint8Array, number] | undefined {
  const live = fw.clusters.flatMap((c) => c.servers.filter((x) => !x.removed)), srv = live[f.client % Math.max(1, live.length)];
  const pkt = ipPacket({ kind: "udp", udp: { srcPort: 53, dstPort: 1024 + f.flow, payload: new Uint8Array(8) } }, IpProto.UDP, 0x0a000001 + f.client, CLIENT(f.client));
  switch (f.kind) {
    case "toRouter": {
      const r = fw.routers[f.flow % fw.routers.length]!;
      return srv ? [ipFrame(pkt, r.mac, srv.mac), srv.port] : [ipFrame(pkt, r.mac, 0x020000000999), 3];
    }
    case "toSwitch": return [ipFrame(pkt, fw.config.switchMac), 0];
    case "toServer": {
      // to a server's MAC: from another server, or from the router side (for a virtual IP: a misled router)
      const dst = live[(f.client + 1) % Math.max(1, live.length)], r = fw.routers[f.flow % fw.routers.length]!;
      if (!dst) return undefined;
      const vip = fw.clusters[f.flow % fw.clusters.length]!.vip;
      const q = ipPacket({ kind: "tcp", tcp: { srcPort: 1024 + f.flow, dstPort: 80, seq: 1, ack: 1, flags: f.flags, window: 1, urgent: 0, options: new Uint8Array(0), payload: new Uint8Array(8) } }, IpProto.TCP, CLIENT(f.client), f.id === 3 ? CLIENT(9) : vip);
      return f.id === 1 && srv ? [ipFrame(pkt, dst.mac, srv.mac), srv.port] : [ipFrame(q, dst.mac, r.mac), r.port];
    }
    case "toGroup": return [ipFrame(pkt, f.flow & 1 ? BROADCAST_MAC : 0x01005e000001), 0];
    case "toUnknown": return [ipFrame(pkt, 0x020000000777), 0];
    default: return undefined;
  }
}

/** The frame `b` of step `f`, altered as it says (parse paths: tags, options, malformed and truncated headers). */
function alter(f: FrameStep, b: Uint8Array, switchIp: number): Uint8Array {
  switch (f.alter) {
    case "vlan": {
      const t = new Uint8Array(b.length + 4);
      t.set(b.subarray(0, 12));
      t.set([0x81, 0x00, 0x20 | (f.value >> 4), f.value], 12);
      t.set(b.subarray(12), 16);
      return t;
    }
    case "options": {
      // 4 bytes of IP options (NOPs): the header grows to 24 bytes
      const ihl = b[14]! & 15, total = (b[16]! << 8) | b[17]!;
      const t = new Uint8Array(b.length + 4);
      t.set(b.subarray(0, 14 + ihl * 4));
      t.set([1, 1, 1, 1], 14 + ihl * 4);
      t.set(b.subarray(14 + ihl * 4), 18 + ihl * 4);
      t[14] = 0x40 | (ihl + 1);
      t[16] = (total + 4) >> 8;
      t[17] = (total + 4) & 255;
      return t;
    }
    case "byte": {
      const t = b.slice(), at = 14 + (f.at % (b.length - 14));
      t[at] = f.value;
      // not to the switch's own address (probe answers: not the C path's)
      return ((t[30]! << 24) | (t[31]! << 16) | (t[32]! << 8) | t[33]!) >>> 0 === switchIp >>> 0 ? b : t;
    }
    case "cut":
      return b.slice(0, Math.min(b.length, f.at));
    default:
      return b;
  }
}

/** The ARP frame of step `a` and the port it arrives on. */
function arpFrame(a: ArpStep, fw: FlowSwitch): [Uint8Array, number] {
  const cls = fw.clusters, cl = cls[a.cluster % cls.length]!, rs = fw.routers;
  const live = cls.flatMap((c) => c.servers.filter((x) => !x.removed));
  const r = rs[a.who % rs.length]!, srv = live.length ? live[a.who % live.length]! : undefined;
  const [port, ownMac, ownIp] = a.from === "router" ? [r.port, r.mac, r.ip] : a.from === "server" && srv ? [srv.port, srv.mac, 0x0a000001 + (a.who % 4)] : [3, 0x020000000999, 0xcb007107];
  const otherSrv = live.length ? live[(a.who + 1) % live.length]! : undefined;
  const senderMac = a.senderMac === "own" ? ownMac : a.senderMac === "router" ? rs[(a.who + 1) % rs.length]!.mac : a.senderMac === "server" && otherSrv ? otherSrv.mac : 0x020000000999;
  const senderIp = a.senderIp === "own" ? ownIp : a.senderIp === "vip" ? cl.vip : a.senderIp === "router" ? rs[(a.who + 1) % rs.length]!.ip : a.senderIp === "zero" ? 0 : CLIENT(a.who);
  const targetIp = a.target === "vip" ? cl.vip : a.target === "router" ? r.ip : 0xcb007199;
  const dst = a.dst === "broadcast" ? BROADCAST_MAC : a.dst === "server" && srv ? srv.mac : a.dst === "vmac" ? cl.vmac : a.dst === "router" ? r.mac : BROADCAST_MAC;
  const buf = new Uint8Array(64);
  const n = writeArpFrame(buf, a.arpOp as 1 | 2, dst, ownMac === senderMac ? senderMac : ownMac, senderIp, a.arpOp === ArpOp.Request ? 0 : dst, targetIp);
  // the sender's hardware address field may differ from the frame's source (a forged claim)
  const t = buf.slice(0, n);
  for (let k = 0; k < 6; k++) t[22 + k] = Math.floor(senderMac / 2 ** (8 * (5 - k))) & 255;
  return [t, port];
}

function routersOf(fw: FlowSwitch): HostRouter[] {
  return fw.routers.map((r) => ({ ip: r.ip, mac: r.mac, port: r.port, up: r.up, pool: r.pool, assigned: r.assigned }));
}

/** flow-switch.ts's private gateway maps (the control plane's state the C path shares). */
function gatewaysOf(fw: FlowSwitch): HostGateway[] {
  const priv = fw as unknown as { gatewayOf: Map<number, { name: string }>; serverIpOf: Map<number, number> };
  const macs = new Set([...priv.gatewayOf.keys(), ...priv.serverIpOf.keys()]);
  return [...macs].map((mac) => ({ mac, router: fw.routers.findIndex((r) => r === priv.gatewayOf.get(mac)), serverIp: priv.serverIpOf.get(mac) ?? 0 }));
}

const byMac = (g: HostGateway[]) => [...g].sort((a, b) => a.mac - b.mac);

function baseFrame(f: FrameStep, cluster: number): Uint8Array {
  const client = CLIENT(f.client), vip = VIPS[cluster]!, vmac = VMACS[cluster]!, sport = 1024 + f.flow;
  const tcpSeg = (flags: number): Ipv4Payload => ({ kind: "tcp", tcp: { srcPort: sport, dstPort: 80, seq: 1, ack: 1, flags, window: 1000, urgent: 0, options: new Uint8Array(0), payload: new Uint8Array(8) } });
  const udp = (dport: number, n = 8): Ipv4Payload => ({ kind: "udp", udp: { srcPort: sport, dstPort: dport, payload: new Uint8Array(n) } });
  switch (f.kind) {
    case "tcp": return ipFrame(ipPacket(tcpSeg(f.flags), IpProto.TCP, client, vip), vmac);
    case "syn2": return ipFrame(ipPacket(tcpSeg(TcpFlag.SYN), IpProto.TCP, client, vip), vmac); // sent twice: a retransmitted SYN
    case "udp": return ipFrame(ipPacket(udp(53), IpProto.UDP, client, vip), vmac);
    case "ike": return ipFrame(ipPacket(udp(f.flow & 1 ? 500 : 4500), IpProto.UDP, client, vip), vmac);
    case "esp": return ipFrame(ipPacket({ kind: "esp", esp: { spi: 0x100 + f.flow, seq: 1, payload: new Uint8Array(16) } }, IpProto.ESP, client, vip), vmac);
    case "ah": return ipFrame(ipPacket({ kind: "ah", ah: { nextHeader: 6, spi: 0x200 + f.flow, seq: 1, icv: new Uint8Array(12), payload: new Uint8Array(8) } }, IpProto.AH, client, vip), vmac);
    case "echo": return ipFrame(ipPacket({ kind: "icmp", icmp: { type: 8, code: 0, rest: 1, data: new Uint8Array(8) } }, IpProto.ICMP, client, vip), vmac);
    case "icmpErr": {
      // a router's error about a packet the server sent (VIP -> client): quotes TCP, UDP or ESP
      const q = f.flow % 3 === 0 ? ipPacket({ kind: "tcp", tcp: { srcPort: 80, dstPort: sport, seq: 1, ack: 1, flags: TcpFlag.ACK, window: 1, urgent: 0, options: new Uint8Array(0), payload: new Uint8Array(0) } }, IpProto.TCP, vip, client)
        : f.flow % 3 === 1 ? ipPacket({ kind: "udp", udp: { srcPort: 53, dstPort: sport, payload: new Uint8Array(8) } }, IpProto.UDP, vip, client)
        : ipPacket({ kind: "esp", esp: { spi: 0x100 + f.flow, seq: 1, payload: new Uint8Array(8) } }, IpProto.ESP, vip, client);
      return icmpError(q, 0xcb007101, vip, vmac);
    }
    case "gre": return ipFrame(ipPacket({ kind: "gre", gre: { protocolType: 0x0800, checksumPresent: false, payload: new Uint8Array(20) } }, IpProto.GRE, client, vip), vmac);
    case "firstFrag": return ipFrame(ipPacket(udp(53, 40), IpProto.UDP, client, vip, { more: true, id: f.id }), vmac);
    case "laterFrag": return ipFrame(ipPacket({ kind: "opaque", bytes: new Uint8Array(24) }, IpProto.UDP, client, vip, { more: f.flow & 1 ? true : false, offset: 6, id: f.id }), vmac);
    case "notVip": return ipFrame(ipPacket(udp(53), IpProto.UDP, client, vip + 1), vmac);
    default: throw new Error(`${f.kind}: built by otherFrame`);
  }
}

describe("switchpath.c against the TypeScript firmware", () => {
  const img = new SwitchImage(elf);
  const call = {} as SwitchCall;
  /** How the image takes each frame: `main` per frame (the decision alone), or the whole job through the ring's interrupt. */
  let viaJob = false;
  const decide = (bytes: Uint8Array, ingress: number, now: number): SwitchCall => (viaJob ? img.job(bytes, ingress, now, call) : img.frame(bytes, ingress, now, call));
  const frameOut = (len: number): Uint8Array => (viaJob ? img.jobFrameOut(len) : img.frameOut(len));
  /** What the sequences exercised, over all runs (checked below, so the generator cannot silently stop covering a case). */
  const seen = new Map<string, number>();
  const tally = (k: string, n = 1) => seen.set(k, (seen.get(k) ?? 0) + n);

  /** One random configuration and sequence, through both sides, frame by frame. */
  const differential = (cfgGen: ConfigGen, steps: Gen<typeof stepsArb>): void => {
    const cfg = switchConfig(cfgGen);
    const h = harness(cfg);
    let now = 1e6;
    h.fw.now = () => now;
    const cls = h.fw.clusters;
    img.configure(h.fw.config, cls, routersOf(h.fw));
    if (viaJob) img.startInterrupts();
    for (const [n, st] of steps.entries()) {
      const ci = st.cluster % cls.length, cl = cls[ci]!;
      if (st.op === "arp") {
        const [bytes, port] = arpFrame(st, h.fw);
        const [verdict, after] = h.run(bytes, port);
        decide(bytes, port, now);
        const at = `step ${n} (arp ${JSON.stringify(st)})`;
        expect(call.path, `${at}: path`).toBe(h.fw.lastPath);
        if (call.verdict === VERDICT_NOT_PORTED) {
          // an ARP reply that passed the checks: a probe's answer, which the control plane matches
          expect(verdict, `${at}: handed back`).toBe(Verdict.Consumed);
          tally("arp:handedBack");
          continue;
        }
        expect(call.verdict, `${at}: verdict`).toBe(verdict);
        if (verdict === Verdict.Drop) expect(DROP_CAUSES[call.cause], `${at}: drop cause`).toBe(h.fw.lastDropCause);
        expect(frameOut(after.length), `${at}: frame out`).toEqual(after);
        h.fw.routers.forEach((r, i) => expect(img.router(i), `${at}: ${r.name}'s assigned servers, ARP answers, redirected frames`).toEqual([r.assigned, r.stats.arpAnswers, r.stats.redirectedFrames]));
        expect(byMac(img.gateways()), `${at}: gateways`).toEqual(byMac(gatewaysOf(h.fw)));
        tally(verdict === Verdict.Drop ? `arp:drop:${h.fw.lastDropCause}` : verdict === Verdict.Consumed ? "arp:consumed" : "arp:out");
        continue;
      }
      if (st.op === "routerDown" || st.op === "routerUp") {
        const r = h.fw.routers[st.server % h.fw.routers.length]!;
        if (st.op === "routerDown") h.fw.routerDown(r.name);
        else h.fw.routerUp(r.name);
        img.routing(routersOf(h.fw), gatewaysOf(h.fw));
        continue;
      }
      if (st.op !== "frame") {
        const s = cl.servers[st.server % cl.servers.length]!;
        const gens = cl.servers.map((x) => x.gen);
        // a removed server is named no more: the TypeScript refuses, and nothing changes
        if (s.removed && st.op !== "add") continue;
        if (st.op === "down") h.fw.serverDown(s.name, cl.name);
        else if (st.op === "up") h.fw.serverUp(s.name, cl.name);
        else if (st.op === "weight") h.fw.setWeight(s.name, st.weight, cl.name);
        else if (st.op === "remove") h.fw.removeServer(s.name, cl.name);
        else if (st.op === "add") {
          if (cl.servers.length >= 12) continue;
          const k = cl.servers.length;
          h.fw.addServer(cl.name, { name: `c${ci}a${k}`, mac: 0x020000000300 + 16 * ci + k, port: 40 + 16 * ci + k, weight: st.weight });
        } else h.fw.drain(s.name, st.op === "drain", cl.name);
        img.control(cl, ci, cl.servers.flatMap((x, i) => (x.gen !== gens[i] ? [i] : [])));
        continue;
      }
      now += st.dtUs * 1e6;
      const [base, ingress] = otherFrame(st, h.fw) ?? [baseFrame(st.kind === "toServer" ? { ...st, kind: "tcp" } : st, ci), 0];
      const bytes = alter(st, base, h.fw.config.switchIp);
      for (let k = st.kind === "syn2" ? 2 : 1; k > 0; k--) {
        const misdirected = h.fw.counts.misdirectedInbound;
        const [verdict, after] = h.run(bytes, ingress);
        decide(bytes, ingress, now);
        const at = `step ${n} (${st.kind}, cluster ${ci}, client ${st.client}, flow ${st.flow})`;
        expect(call.verdict, `${at}: verdict`).toBe(verdict);
        if (verdict < 0) expect(DROP_CAUSES[call.cause], `${at}: drop cause`).toBe(h.fw.lastDropCause);
        expect(call.path, `${at}: path`).toBe(h.fw.lastPath);
        tally(verdict < 0 ? `drop:${h.fw.lastDropCause}` : `path:${call.path}`);
        // a misled router is to get the virtual MAC re-announced (the control plane sends it)
        const misled = h.fw.counts.misdirectedInbound > misdirected ? h.fw.routers.reduce((last, r, i) => (r.port === ingress ? i : last), -1) : -1;
        expect(call.correctRouter, `${at}: router to correct`).toBe(misled);
        h.fw.routers.forEach((r, i) => expect(img.router(i)[2], `${at}: ${r.name}'s redirected frames`).toBe(r.stats.redirectedFrames));
        tally(`alter:${st.alter}`);
        expect(frameOut(after.length), `${at}: frame out`).toEqual(after);
        cl.servers.forEach((s, i) => expect(img.server(ci, i).slice(0, 2), `${at}: ${s.name}'s active, inactive flows`).toEqual([s.active, s.inactive]));
      }
    }
    cls.forEach((cl, ci) => {
      expect(img.cluster(ci), `${cl.name}'s packets, bytes, flows, drops`).toEqual([cl.stats.packets, cl.stats.bytes, cl.stats.flows, cl.stats.drops]);
      cl.servers.forEach((s, i) => expect(img.server(ci, i).slice(3), `${s.name}'s packets, bytes, flows`).toEqual([s.stats.packets, s.stats.bytes, s.stats.flows]));
    });
    const t = img.table(), r = h.fw.flows.read();
    expect({ live: t[0], inserts: t[2], expired: t[3], removed: t[4], fullRejects: t[5], swept: t[6] }).toEqual({ live: r.flows, inserts: r.inserts, expired: r.expired, removed: r.removed, fullRejects: r.fullRejects, swept: r.swept });
    for (const k of ["expired", "removed", "fullRejects"] as const) tally(k, r[k]);
    const c = img.counts();
    for (const k of ["maglevFallbacks", "synRetransmits", "icmpErrorsUnmatched"] as const) tally(k, c[k]);
    tally("misdirected", c.misdirectedInbound);
    for (const st of steps) if (st.op !== "frame" && st.op !== "arp") tally(`control:${st.op}`);
    for (const k of cfgGen.clusters) tally(k.mode === "availability" ? "mode:availability" : `policy:${k.policy}`);
    expect(c).toEqual({ serverToServer: h.fw.counts.serverToServer, misdirectedInbound: h.fw.counts.misdirectedInbound, outboundRedirected: h.fw.counts.outboundRedirected, arpReplies: h.fw.counts.arpReplies, inbound: h.fw.counts.inbound, newFlows: h.fw.counts.newFlows, maglevFallbacks: h.fw.counts.maglevFallbacks, synRetransmits: h.fw.counts.synRetransmits, icmpErrorsUnmatched: h.fw.counts.icmpErrorsUnmatched });
  };

  it("decides every frame as flow-switch.ts does: same port or drop cause, same path, byte-identical frames, same flow counts", () => {
    fc.assert(
      fc.property(configArb, stepsArb, differential),
      { numRuns: 150, seed: 1717 },
    );
    const want = ["path:0", "path:1", "path:4", "path:5", "drop:serverMacFromRouterSide", "misdirected", "drop:noLiveRouter", "drop:unknownDestination", "drop:broadcastIsolated", "drop:malformed", "alter:vlan", "alter:options", "alter:byte", "alter:cut", "drop:noLiveServer", "drop:notForVip", "drop:fragmentUnmatched", "expired", "removed", "fullRejects", "maglevFallbacks", "synRetransmits", "icmpErrorsUnmatched", "control:down", "control:up", "control:weight", "control:drain", "control:add", "control:remove", "control:routerDown", "control:routerUp", "mode:availability", "arp:out", "arp:consumed", "arp:handedBack", "arp:drop:arpSpoofRejected", "arp:drop:arpIsolated", "arp:drop:arpUnanswered", "arp:drop:noLiveRouter", ...POLICY.map((p) => `policy:${p}`)];
    expect(want.filter((k) => !seen.get(k)), `cases never exercised (seen: ${JSON.stringify(Object.fromEntries(seen))})`).toEqual([]);
  });

  it("with config.ts's default tables (65,536 flows, 65,537-entry Maglev tables, as isa:paths measures)", () => {
    fc.assert(fc.property(configArb.map((c) => ({ ...c, flowTableSize: 65_536, maglevSize: 65_537 })), stepsArb, differential), { numRuns: 4, seed: 1718 });
  });

  it("through the whole per-frame job (the ring's interrupt, the frame in a CPU buffer): the same decisions", () => {
    viaJob = true;
    try {
      fc.assert(fc.property(configArb, stepsArb, differential), { numRuns: 50, seed: 1719 });
    } finally {
      viaJob = false;
    }
  });

  it("availability mode: the primary takes every flow; a failed primary's successor keeps the role when it recovers (no pre-emption)", () => {
    const h = harness(quietConfig(3, { mode: "availability" }));
    h.fw.now = () => 1e6;
    img.configure(h.fw.config, h.fw.clusters);
    const cl = h.fw.clusters[0]!;
    const both = (f: Uint8Array) => {
      const [v, after] = h.run(f, 0);
      img.frame(f, 0, 1e6, call);
      expect(call.verdict).toBe(v);
      expect(frameOut(after.length)).toEqual(after);
      return v;
    };
    expect(both(tcpFrame(0x01020304, 1000))).toBe(SERVER_PORT(0));
    h.fw.serverDown("s0");
    img.control(cl, 0, [0]);
    expect(both(tcpFrame(0x01020304, 1000))).toBe(SERVER_PORT(1));
    h.fw.serverUp("s0");
    img.control(cl, 0);
    expect(both(tcpFrame(0x01020305, 1001))).toBe(SERVER_PORT(1));
  });
});
