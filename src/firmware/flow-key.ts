/**
 * The flow a packet belongs to, from the zero-allocation parse (docs/firmware.md "Flow keys").
 * Every key holds the destination (the cluster's virtual IP), so one client's flows to two
 * clusters never share an entry:
 *   TCP and UDP: the 5-tuple;
 *   ESP and AH: by the cluster's IPsec keying (`ipsecByClient`): the client's address (the
 *     source key below, IPVS's choice: ESP, AH, the IKE exchange on UDP 500/4500 and the
 *     client's fragments all reach one server), or source IP + SPI;
 *   anything else: the source key (protocol 0, source IP, destination, no ports);
 *   fragments: a datagram's first fragment (offset 0) by the rules above, as its unfragmented
 *     form; a later fragment carries no ports: the datagram key (DATAGRAM_KEY, source,
 *     destination, IP id and protocol), whose entry the first fragment made, so every fragment of
 *     a datagram reaches the server its unfragmented form reaches (lb-anchors.md §3.11);
 *   ICMP errors: the flow named in the quoted header, seen from our side (the quoted packet went
 *     server -> client, so source and destination, and ports, are swapped), by the same rules, so
 *     an error reaches its flow's server. A quoted ESP packet carries the SPI of the server's
 *     outbound SA, which the switch never sees: only keying IPsec by client maps it exactly.
 * The key is four numbers held in a reusable object; `hash()` mixes them into 32 bits.
 */
import { IpProto } from "../net/codec/l4.ts";
import type { ParsedFrame } from "../net/parse.ts";

/** The protocol field of source keys (other protocols, IPsec keyed by client). */
export const SOURCE_KEY = 0;
/** The protocol field of datagram keys (a fragmented datagram: IP id and protocol in `ports`); 255 is IANA's reserved number. */
export const DATAGRAM_KEY = 255;
/** IKE's UDP ports (RFC 7296: 500, and 4500 for NAT traversal, which also carries ESP). */
const IKE_PORT = 500, IKE_NAT_T_PORT = 4500;

export class FlowKey {
  proto = 0;
  src = 0;
  dst = 0;
  /** srcPort << 16 | dstPort, or the SPI, or 0. */
  ports = 0;

  /** Fills the key from a parsed inbound frame; returns false for frames with no IPv4 flow. */
  fromFrame(p: ParsedFrame, ipsecByClient: boolean): boolean {
    if (p.ipProto < 0) return false;
    if (p.fragOffset !== 0) return this.datagram(p);
    switch (p.ipProto) {
      case IpProto.TCP:
      case IpProto.UDP:
        if (p.srcPort < 0) return false; // a first fragment too short to hold its ports (RFC 1858's tiny fragments)
        if (ipsecByClient && p.ipProto === IpProto.UDP && (p.dstPort === IKE_PORT || p.dstPort === IKE_NAT_T_PORT)) return this.source(p.ipSrc, p.ipDst);
        return this.set(p.ipProto, p.ipSrc, p.ipDst, ((p.srcPort << 16) | p.dstPort) >>> 0);
      case IpProto.ESP:
      case IpProto.AH:
        if (ipsecByClient || p.spi < 0) return this.source(p.ipSrc, p.ipDst);
        return this.set(p.ipProto, p.ipSrc, p.ipDst, p.spi >>> 0);
      case IpProto.ICMP:
        if (p.innerProto >= 0) return this.quoted(p, ipsecByClient);
        return this.source(p.ipSrc, p.ipDst);
      default:
        return this.source(p.ipSrc, p.ipDst);
    }
  }

  /** An ICMP error about a packet we sent (server -> client): the key of the flow client -> server. */
  private quoted(p: ParsedFrame, ipsecByClient: boolean): boolean {
    const client = p.innerDst, vip = p.innerSrc;
    switch (p.innerProto) {
      case IpProto.TCP:
      case IpProto.UDP:
        if (p.innerSrcPort < 0) return this.source(client, vip); // a quoted later fragment: no ports
        if (ipsecByClient && p.innerProto === IpProto.UDP && (p.innerSrcPort === IKE_PORT || p.innerSrcPort === IKE_NAT_T_PORT)) return this.source(client, vip);
        return this.set(p.innerProto, client, vip, ((p.innerDstPort << 16) | p.innerSrcPort) >>> 0);
      case IpProto.ESP:
      case IpProto.AH:
        if (ipsecByClient || p.innerSpi < 0) return this.source(client, vip);
        return this.set(p.innerProto, client, vip, p.innerSpi >>> 0);
      default:
        return this.source(client, vip);
    }
  }

  /** The key of the datagram `p` is a fragment of: source, destination, IP id and protocol. */
  datagram(p: ParsedFrame): boolean {
    return this.set(DATAGRAM_KEY, p.ipSrc, p.ipDst, ((p.ipId << 8) | p.ipProto) >>> 0);
  }

  /** The source key of `p` (protocol 0, source, destination): the NAT baseline keys every fragment so. */
  fromSource(p: ParsedFrame): boolean {
    return this.source(p.ipSrc, p.ipDst);
  }

  private source(src: number, dst: number): boolean {
    return this.set(SOURCE_KEY, src, dst, 0);
  }

  private set(proto: number, src: number, dst: number, ports: number): boolean {
    this.proto = proto;
    this.src = src >>> 0;
    this.dst = dst >>> 0;
    this.ports = ports;
    return true;
  }

  /** A second 32-bit mix, independent of `hash()`: with it, a 64-bit fingerprint of the key (the hardware look-up tables compare it). */
  hash2(): number {
    let h = Math.imul(this.proto ^ 0x7f4a7c15, 0x2c1b3c6d);
    h ^= Math.imul(this.ports ^ (h >>> 16), 0x297a2d39);
    h ^= Math.imul(this.dst ^ (h >>> 13), 0x85ebca6b);
    h ^= Math.imul(this.src + 0x6a09e667, 0xc2b2ae35) ^ (h >>> 15);
    h ^= h >>> 16;
    return h | 0;
  }

  hash(): number {
    let h = Math.imul(this.src ^ 0x9e3779b9, 0x85ebca6b);
    h ^= Math.imul(this.dst ^ (h >>> 15), 0xc2b2ae35);
    h ^= Math.imul(this.ports ^ (h >>> 13), 0x27d4eb2f);
    h ^= Math.imul(this.proto + 0x165667b1, 0x9e3779b1) ^ (h >>> 16);
    h ^= h >>> 15;
    return h >>> 0;
  }
}
