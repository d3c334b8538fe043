/** A switch firmware on a fake board: frames in, verdicts out, no timing. */
import type { BoardApi } from "../../src/hw/boards/board.ts";
import { CostTrace } from "../../src/hw/cpu/cost-trace.ts";
import { BoardSchema } from "../../src/hw/boards/schema.ts";
import { PRESETS } from "../../src/hw/boards/presets.ts";
import { ArpOp } from "../../src/net/codec/arp.ts";
import { EtherType, encodeFrame } from "../../src/net/codec/ethernet.ts";
import type { Ipv4Payload } from "../../src/net/codec/ipv4.ts";
import { IpProto, TcpFlag } from "../../src/net/codec/l4.ts";
import { FramePool } from "../../src/net/frame-pool.ts";
import { ipv4, type Ipv4 } from "../../src/net/ipv4-addr.ts";
import { BROADCAST_MAC, mac, readMac, type Mac } from "../../src/net/mac.ts";
import { Simulator } from "../../src/sim/simulator.ts";
import { FlowSwitch } from "../../src/firmware/flow-switch.ts";
import type { SwitchConfigInput } from "../../src/firmware/config.ts";

export const VIP = ipv4("192.0.2.10");
export const VMAC = mac("02:00:5e:00:00:01");
export const ROUTER_IP = (i: number) => (ipv4("192.0.2.1") + i) as Ipv4;
export const ROUTER_MAC = (i: number) => (0x0200_0000_0100 + i) as Mac;
export const SERVER_MAC = (i: number) => (0x0200_0000_0200 + i) as Mac;
export const SERVER_PORT = (i: number) => 4 + i;
export const SERVER_IP = (i: number) => (ipv4("10.0.0.1") + i) as Ipv4;

export function config(servers: number, extra: Partial<SwitchConfigInput["clusters"][number]> = {}, routers = 2): SwitchConfigInput {
  return {
    clusters: [{ name: "web", vip: VIP, vmac: VMAC, servers: Array.from({ length: servers }, (_, i) => ({ name: `s${i}`, mac: SERVER_MAC(i), port: SERVER_PORT(i), weight: 1 })), ...extra }],
    routerPools: [{ name: "pool", routers: Array.from({ length: routers }, (_, i) => ({ name: `r${i}`, ip: ROUTER_IP(i), mac: ROUTER_MAC(i), port: i })) }],
    maglevSize: 251,
    flowTableSize: 4096,
  };
}

export function harness(cfg: SwitchConfigInput) {
  const sim = new Simulator();
  const pool = new FramePool({ slots: 256 });
  const entries = new Map<number, { port: number; intervention: boolean }>();
  const sent: { port: number; bytes: Uint8Array }[] = [];
  const board: BoardApi = {
    sim, pool, spec: BoardSchema.parse(PRESETS["5A"]), portCount: 16, hasTranslator: false, hasCam: false,
    setAddressEntry: (m, port, intervention) => entries.set(m, { port, intervention }),
    portCounters: () => ({ txFrames: 0, txBytes: 0, rxFrames: 0, rxBytes: 0 }),
    runOnCpu: (task) => {
      task(new CostTrace());
      return true;
    },
    transmit: (h, port) => {
      sent.push({ port, bytes: pool.bytes(h).slice(0, pool.length(h)) });
      pool.free(h);
    },
  };
  const fw = new FlowSwitch(cfg);
  fw.attach(board);
  /** Runs a frame through the CPU path; returns [verdict, the frame's bytes after]. */
  const run = (bytes: Uint8Array, ingress = 0): [number, Uint8Array] => {
    const h = pool.allocFrom(bytes);
    const v = fw.handleFrame(h, ingress, undefined);
    const after = pool.bytes(h).slice(0, pool.length(h));
    pool.free(h);
    return [v, after];
  };
  return { sim, pool, fw, entries, sent, run, serverOf: (out: Uint8Array) => readMac(out, 0) - 0x0200_0000_0200 };
}

export function inboundFrame(payload: Ipv4Payload, protocol: number, src: number, opts: { more?: boolean; offset?: number } = {}): Uint8Array {
  return encodeFrame({
    dst: VMAC, src: ROUTER_MAC(0), etherType: EtherType.IPv4,
    payload: { kind: "ipv4", ipv4: { dscp: 0, ecn: 0, id: 7, dontFragment: !opts.more && !opts.offset, moreFragments: !!opts.more, fragmentOffset: opts.offset ?? 0, ttl: 60, protocol, src: src as Ipv4, dst: VIP, options: new Uint8Array(0), payload } },
  });
}

export function tcp(src: number, sport: number, flags: number = TcpFlag.ACK, data = 20): Uint8Array {
  return inboundFrame({ kind: "tcp", tcp: { srcPort: sport, dstPort: 80, seq: 1, ack: 1, flags, window: 1000, urgent: 0, options: new Uint8Array(0), payload: new Uint8Array(data) } }, IpProto.TCP, src);
}

export function arpRequest(senderMac: number, senderIp: number, targetIp: number): Uint8Array {
  return encodeFrame({ dst: BROADCAST_MAC, src: senderMac as Mac, etherType: EtherType.ARP, payload: { kind: "arp", arp: { op: ArpOp.Request, senderMac: senderMac as Mac, senderIp: senderIp as Ipv4, targetMac: 0 as Mac, targetIp: targetIp as Ipv4 } } });
}
