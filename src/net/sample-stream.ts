/**
 * SampleStream: an endless stream of frames from the sample mix's templates (sample-mix.ts), as
 * a traffic source sends them: each copy of a template gets the fields that a real sender would
 * advance between packets, so that a capture reads as traffic to Wireshark instead of as the
 * same packets sent again (which it rightly flags: "DNS query retransmission", "Wrong Sequence
 * Number" for ESP, TCP "retransmission"). Per copy:
 *
 * - TCP SYN and FIN: a new source port (a new connection each time);
 * - TCP data: the sequence number advances by the segment's length (one contiguous stream per
 *   template's connection);
 * - DNS query: a new transaction id; ICMP echo: the next sequence number;
 * - ESP and AH: the next sequence number of the template's SPI (RFC 4303 §2.2, RFC 4302 §2.5).
 *
 * Checksums are updated incrementally (RFC 1624). Nothing is allocated per frame.
 */
import { csumUpdate16, csumUpdate32 } from "./checksum.ts";
import { IpProto } from "./codec/l4.ts";
import { ParsedFrame, ParseStatus, parseFrame } from "./parse.ts";
import { SAMPLE_KINDS, sampleMix } from "./sample-mix.ts";

const STAMP_SPORT = 1, STAMP_TCP_SEQ = 2, STAMP_DNS_ID = 3, STAMP_ICMP_SEQ = 4, STAMP_ESP_SEQ = 5, STAMP_AH_SEQ = 6;

export class SampleStream {
  readonly templates: Uint8Array[];
  private readonly stamp: Uint8Array;
  /** Offset of the L4 header and of its checksum (-1: none) in each template. */
  private readonly l4: Int32Array;
  private readonly csum: Int32Array;
  /** Bytes a TCP data segment carries (its sequence step). */
  private readonly step: Int32Array;
  /** Sends of each template so far. */
  private readonly sends: Float64Array;

  constructor(count: number, seed: number) {
    this.templates = sampleMix(count, seed);
    const n = this.templates.length;
    this.stamp = new Uint8Array(n);
    this.l4 = new Int32Array(n);
    this.csum = new Int32Array(n).fill(-1);
    this.step = new Int32Array(n);
    this.sends = new Float64Array(n);
    const p = new ParsedFrame();
    this.templates.forEach((t, i) => {
      if (parseFrame(t, 0, t.length, p) !== ParseStatus.Ok || p.ipProto < 0) return;
      const kind = SAMPLE_KINDS[i % SAMPLE_KINDS.length]!;
      const l4 = p.l4Offset;
      this.l4[i] = l4;
      if (p.ipProto === IpProto.TCP) {
        this.csum[i] = l4 + 16;
        this.stamp[i] = kind === "tcp-data" ? STAMP_TCP_SEQ : STAMP_SPORT;
        this.step[i] = p.l3Offset + p.ipTotalLen - (l4 + ((t[l4 + 12]! >> 4) << 2));
      } else if (p.ipProto === IpProto.UDP && kind === "udp") (this.stamp[i] = STAMP_DNS_ID), (this.csum[i] = l4 + 6);
      else if (p.ipProto === IpProto.ICMP && kind === "icmp-echo") (this.stamp[i] = STAMP_ICMP_SEQ), (this.csum[i] = l4 + 2);
      else if (p.ipProto === IpProto.ESP) this.stamp[i] = STAMP_ESP_SEQ;
      else if (p.ipProto === IpProto.AH) this.stamp[i] = STAMP_AH_SEQ;
    });
  }

  /** Copies template `i` into `dst` with this send's fields; returns its length. */
  copy(i: number, dst: Uint8Array): number {
    const t = this.templates[i]!;
    dst.set(t, 0);
    const k = this.sends[i]!++;
    const l4 = this.l4[i]!;
    switch (this.stamp[i]) {
      case STAMP_SPORT: // a new connection: ports 1024-65023 in turn from the template's
        this.set16(dst, i, l4, 1024 + ((((t[l4]! << 8) | t[l4 + 1]!) - 1024 + k * 7919) % 64000));
        break;
      case STAMP_TCP_SEQ:
        this.set32(dst, i, l4 + 4, (this.read32(t, l4 + 4) + k * this.step[i]!) % 4294967296);
        break;
      case STAMP_DNS_ID:
        this.set16(dst, i, l4 + 8, (((t[l4 + 8]! << 8) | t[l4 + 9]!) + k) & 0xffff);
        break;
      case STAMP_ICMP_SEQ:
        this.set16(dst, i, l4 + 6, (((t[l4 + 6]! << 8) | t[l4 + 7]!) + k) & 0xffff);
        break;
      case STAMP_ESP_SEQ:
        this.set32(dst, i, l4 + 4, (this.read32(t, l4 + 4) + k) % 4294967296);
        break;
      case STAMP_AH_SEQ:
        this.set32(dst, i, l4 + 8, (this.read32(t, l4 + 8) + k) % 4294967296);
        break;
    }
    return t.length;
  }

  private read32(b: Uint8Array, o: number): number {
    return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
  }

  private set16(b: Uint8Array, i: number, o: number, v: number): void {
    const c = this.csum[i]!, old = (b[o]! << 8) | b[o + 1]!;
    b[o] = v >> 8;
    b[o + 1] = v & 0xff;
    if (c >= 0) this.fixChecksum(b, c, csumUpdate16(this.checksumAt(b, c), old, v));
  }

  private set32(b: Uint8Array, i: number, o: number, v: number): void {
    const c = this.csum[i]!, old = this.read32(b, o);
    b[o] = v >>> 24;
    b[o + 1] = (v >>> 16) & 0xff;
    b[o + 2] = (v >>> 8) & 0xff;
    b[o + 3] = v & 0xff;
    if (c >= 0) this.fixChecksum(b, c, csumUpdate32(this.checksumAt(b, c), old, v));
  }

  private checksumAt(b: Uint8Array, c: number): number {
    return (b[c]! << 8) | b[c + 1]!;
  }

  /** Writes a checksum; 0 goes out as 0xFFFF, its one's-complement equal (UDP reserves 0 for "none"). */
  private fixChecksum(b: Uint8Array, c: number, v: number): void {
    if (v === 0) v = 0xffff;
    b[c] = v >> 8;
    b[c + 1] = v & 0xff;
  }
}
