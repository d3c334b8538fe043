/**
 * The flow a packet belongs to, from the zero-allocation parse (docs/firmware.md "Flow keys"):
 *   TCP and UDP: the 5-tuple; ESP and AH: source IP + SPI; anything else: source IP.
 *   ICMP errors: the flow named in the quoted header, seen from our side (its destination is the
 *   client, so the key is built with source and destination swapped), so they reach that flow's server.
 *   Fragments: every fragment of a datagram is keyed by source IP alone (a later fragment carries
 *   no ports), so all fragments reach one server; unfragmented datagrams of a source IP still use
 *   their 5-tuple. This is IPVS's and Katran's choice for non-first fragments (lb-anchors.md §3.11).
 * The key is four numbers held in a reusable object; `hash()` mixes them into 32 bits.
 */
import { IpProto } from "../net/codec/l4.ts";
import type { ParsedFrame } from "../net/parse.ts";

export class FlowKey {
  proto = 0;
  src = 0;
  dst = 0;
  /** srcPort << 16 | dstPort, or the SPI, or 0. */
  ports = 0;

  /** Fills the key from a parsed inbound frame; returns false for frames with no IPv4 flow. */
  fromFrame(p: ParsedFrame): boolean {
    if (p.ipProto < 0) return false;
    this.proto = p.ipProto;
    this.src = p.ipSrc;
    this.dst = p.ipDst;
    this.ports = 0;
    if (p.moreFragments || p.fragOffset !== 0) {
      this.proto = 0; // fragment policy: source IP only
      this.dst = 0;
      return true;
    }
    switch (p.ipProto) {
      case IpProto.TCP:
      case IpProto.UDP:
        this.ports = ((p.srcPort << 16) | p.dstPort) >>> 0;
        return true;
      case IpProto.ESP:
      case IpProto.AH:
        this.ports = p.spi >>> 0;
        this.dst = 0;
        return true;
      case IpProto.ICMP:
        if (p.innerProto >= 0) {
          // error about a packet we sent (server -> client): the flow is client -> server
          this.proto = p.innerProto;
          this.src = p.innerDst;
          this.dst = p.innerSrc;
          if (p.innerProto === IpProto.TCP || p.innerProto === IpProto.UDP) {
            if (p.innerSrcPort < 0) {
              this.proto = 0;
              this.dst = 0;
            } else this.ports = ((p.innerDstPort << 16) | p.innerSrcPort) >>> 0;
          } else if (p.innerProto !== IpProto.ESP && p.innerProto !== IpProto.AH) {
            this.proto = 0;
            this.dst = 0;
          }
          return true;
        }
        this.proto = 0;
        this.dst = 0;
        return true;
      default:
        this.proto = 0;
        this.dst = 0;
        return true;
    }
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
