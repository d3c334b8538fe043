/**
 * The frame stream scripts/isa-paths.ts and scripts/op-costs.ts measure the C path on: TCP
 * connections to one virtual IP, each a SYN (the new-flow path), `segments` segments of 512 bytes
 * (the established path) and a FIN; connections overlap at random (seeded), up to `concurrent`
 * open at once; every 50th frame is the router's ARP request for the virtual IP (proxy ARP).
 */
import { ArpOp, writeArpFrame } from "../src/net/codec/arp.ts";
import { encodeFrame, EtherType } from "../src/net/codec/ethernet.ts";
import { IpProto, TcpFlag } from "../src/net/codec/l4.ts";
import type { Ipv4 } from "../src/net/ipv4-addr.ts";
import { BROADCAST_MAC, type Mac } from "../src/net/mac.ts";

export const VIP = 0xc000020a, VMAC = 0x02005e000001, ROUTER_MAC = 0x020000000100, ROUTER_IP = 0xc0000201;

export interface StreamOptions {
  connections: number;
  concurrent: number;
  segments: number;
  seed: number;
}

export function tcpFrame(client: number, sport: number, flags: number): Uint8Array {
  return encodeFrame({
    dst: VMAC as Mac, src: ROUTER_MAC as Mac, etherType: EtherType.IPv4,
    payload: { kind: "ipv4", ipv4: { dscp: 0, ecn: 0, id: 1, dontFragment: true, moreFragments: false, fragmentOffset: 0, ttl: 60, protocol: IpProto.TCP, src: client as Ipv4, dst: VIP as Ipv4, options: new Uint8Array(0), payload: { kind: "tcp", tcp: { srcPort: sport, dstPort: 80, seq: 1, ack: 1, flags, window: 8192, urgent: 0, options: new Uint8Array(0), payload: new Uint8Array(flags & TcpFlag.SYN ? 0 : 512) } } } },
  });
}

/** Router r0 asks for the virtual IP's MAC (its ARP cache expired). */
export function arpRequest(): Uint8Array {
  const b = new Uint8Array(64);
  return b.slice(0, writeArpFrame(b, ArpOp.Request, BROADCAST_MAC, ROUTER_MAC, ROUTER_IP, 0, VIP));
}

/** The stream's frames, each with the number of connections started so far (to skip a warm-up). */
export function* tcpStream(o: StreamOptions): Generator<{ bytes: Uint8Array; started: number }> {
  let s = o.seed >>> 0;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const open: { client: number; sport: number; left: number }[] = [];
  let started = 0, sent = 0;
  while (started < o.connections || open.length) {
    let bytes: Uint8Array;
    if (++sent % 50 === 0) bytes = arpRequest();
    else if (started < o.connections && (open.length < o.concurrent ? rand() < 0.5 || open.length === 0 : false)) {
      const c = { client: 0xc6336400 + (started % 50000), sport: 1024 + Math.floor(started / 50000), left: o.segments };
      started++;
      open.push(c);
      bytes = tcpFrame(c.client, c.sport, TcpFlag.SYN);
    } else {
      const k = Math.floor(rand() * open.length), c = open[k]!;
      if (c.left-- > 0) bytes = tcpFrame(c.client, c.sport, TcpFlag.ACK | TcpFlag.PSH);
      else {
        bytes = tcpFrame(c.client, c.sport, TcpFlag.FIN | TcpFlag.ACK);
        open[k] = open[open.length - 1]!;
        open.pop();
      }
    }
    yield { bytes, started };
  }
}
