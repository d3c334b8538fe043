/**
 * The request/response flow kinds hosts speak, their ports, the 8-byte application header that
 * tells a server how much request to expect and how much to answer, and the frame plan: how many
 * frames and wire bytes a flow puts on the wire in each direction when nothing is lost. The plan
 * is separable (a fixed part, a part that depends on the request size, one on the response size),
 * so the expected load of a workload over any size distributions is exact. A test checks it
 * against the frames the hosts actually send.
 */
import { IpProto } from "../net/codec/l4.ts";
import { espLength, frameLength, get32, ICMP_HEADER, IPV4_HEADER, MAX_PAYLOAD, put32, TCP_HEADER, UDP_HEADER } from "../net/write.ts";

export const FlowKind = { Web: 0, Dns: 1, Radius: 2, Esp: 3, Ipip: 4, Ping: 5 } as const;
export type FlowKind = (typeof FlowKind)[keyof typeof FlowKind];
export const KIND_NAMES = ["web", "dns", "radius", "esp", "ipip", "ping"] as const;
export type KindName = (typeof KIND_NAMES)[number];
export const KIND_COUNT = KIND_NAMES.length;

/** The IP protocol each kind's packets carry. */
export const KIND_PROTO = [IpProto.TCP, IpProto.UDP, IpProto.UDP, IpProto.ESP, IpProto.IPIP, IpProto.ICMP] as const;
/** Server port of each kind (ESP: none; IP-in-IP: the inner UDP service; ping: none). */
export const KIND_PORT = [80, 53, 1812, 0, 5001, 0] as const;
/** Which payload layout (write.ts) each kind uses. */
export const KIND_LAYOUT = ["tcp", "udp", "udp", "esp", "ipip", "icmp"] as const;

/** Bytes of the application header at the start of every request (not ping). */
export const APP_HEADER = 8;
const APP_MAGIC = 0xf5;
/** Largest request or response a header can name: 2^24 - 1 bytes. */
export const MAX_APP_BYTES = 0xff_ffff;

/** Writes the header: magic, request length (24 bits), response length (32 bits). */
export function writeAppHeader(b: Uint8Array, o: number, requestBytes: number, responseBytes: number): void {
  put32(b, o, ((APP_MAGIC << 24) | requestBytes) >>> 0);
  put32(b, o + 4, responseBytes);
}

/** Reads a header: returns the request length and sets `out[0]` to the response length, or -1 when the bytes are not one. */
export function readAppHeader(b: Uint8Array, o: number, avail: number, out: Int32Array): number {
  if (avail < APP_HEADER) return -1;
  const w = get32(b, o);
  if (w >>> 24 !== APP_MAGIC) return -1;
  const resp = get32(b, o + 4);
  if (resp > MAX_APP_BYTES) return -1;
  out[0] = resp;
  return w & 0xff_ffff;
}

/** Request bytes on the wire for a drawn request size: at least the header (ping carries none); DNS and RADIUS messages are one datagram of their format (dns-radius.ts). */
export function requestBytes(kind: FlowKind, drawn: number): number {
  switch (kind) {
    case FlowKind.Ping:
      return Math.min(drawn, MAX_PAYLOAD.icmp);
    case FlowKind.Dns:
      return Math.min(MAX_PAYLOAD.udp, Math.max(60, drawn));
    case FlowKind.Radius:
      return Math.min(MAX_PAYLOAD.udp, Math.max(45, drawn));
    default:
      return Math.max(APP_HEADER, drawn);
  }
}

/** Response bytes for a drawn response size (DNS and RADIUS: one datagram of their format; ping mirrors the request). */
export function responseBytes(kind: FlowKind, drawn: number): number {
  switch (kind) {
    case FlowKind.Dns:
      return Math.min(MAX_PAYLOAD.udp, Math.max(48, drawn));
    case FlowKind.Radius: {
      const r = Math.min(MAX_PAYLOAD.udp, Math.max(20, drawn));
      return r > 20 && r < 28 ? 28 : r;
    }
    default:
      return drawn;
  }
}

/** Where the application header starts in a request message of each kind. */
export const APP_OFFSET = [0, 48, 37, 0, 0, 0] as const;

/** Application payload of one frame of each kind: what is left of the IP MTU. */
export function maxPayload(kind: FlowKind): number {
  return MAX_PAYLOAD[KIND_LAYOUT[kind]];
}

/** L4 bytes (after the outer IPv4 header) of a frame of `kind` carrying `payload` application bytes. */
export function l4Length(kind: FlowKind, payload: number): number {
  switch (kind) {
    case FlowKind.Web:
      return TCP_HEADER + payload;
    case FlowKind.Esp:
      return espLength(payload);
    case FlowKind.Ipip:
      return IPV4_HEADER + UDP_HEADER + payload;
    case FlowKind.Ping:
      return ICMP_HEADER + payload;
    default:
      return UDP_HEADER + payload;
  }
}

/** Wire bytes of a frame (FCS included) of `kind` with `payload` application bytes. */
export function wireBytes(kind: FlowKind, payload: number): number {
  return frameLength(l4Length(kind, payload)) + 4;
}

/** Frames and wire bytes in each direction (in: client to server). */
export interface PlanPart {
  inFrames: number;
  inBytes: number;
  outFrames: number;
  outBytes: number;
}

/** Segments (frames) to carry `n` bytes in MSS-sized pieces, and their wire bytes; at least one frame when `atLeastOne`. */
function segments(kind: FlowKind, n: number, atLeastOne: boolean): [frames: number, bytes: number] {
  const m = maxPayload(kind);
  const full = Math.floor(n / m), rest = n - full * m;
  let frames = full, bytes = full * wireBytes(kind, m);
  if (rest > 0 || (atLeastOne && full === 0)) {
    frames++;
    bytes += wireBytes(kind, rest);
  }
  return [frames, bytes];
}

const bare = (kind: FlowKind) => wireBytes(kind, 0);

/** The part of a flow's frames that does not depend on sizes. */
export function planFixed(kind: FlowKind): PlanPart {
  if (kind === FlowKind.Web) {
    // SYN in; SYN+ACK and the last ACK (of the client's FIN) out
    return { inFrames: 1, inBytes: bare(kind), outFrames: 2, outBytes: 2 * bare(kind) };
  }
  return { inFrames: 0, inBytes: 0, outFrames: 0, outBytes: 0 };
}

/** The part that depends on the request size (bytes on the wire, `requestBytes`). */
export function planRequest(kind: FlowKind, q: number): PlanPart {
  const [f, b] = segments(kind, q, true);
  if (kind === FlowKind.Web) return { inFrames: f, inBytes: b, outFrames: f, outBytes: f * bare(kind) }; // each request segment ACKed
  if (kind === FlowKind.Ping) return { inFrames: 1, inBytes: wireBytes(kind, q), outFrames: 1, outBytes: wireBytes(kind, q) }; // the echo mirrors it
  return { inFrames: f, inBytes: b, outFrames: 0, outBytes: 0 };
}

/** The part that depends on the response size. */
export function planResponse(kind: FlowKind, drawn: number): PlanPart {
  if (kind === FlowKind.Ping) return { inFrames: 0, inBytes: 0, outFrames: 0, outBytes: 0 };
  const r = responseBytes(kind, drawn);
  const [f, b] = segments(kind, r, true);
  // TCP: the last response segment carries FIN; the client ACKs the others and answers the last with FIN+ACK
  if (kind === FlowKind.Web) return { inFrames: f, inBytes: f * bare(kind), outFrames: f, outBytes: b };
  return { inFrames: 0, inBytes: 0, outFrames: f, outBytes: b };
}

export function addPlan(a: PlanPart, b: PlanPart): PlanPart {
  return { inFrames: a.inFrames + b.inFrames, inBytes: a.inBytes + b.inBytes, outFrames: a.outFrames + b.outFrames, outBytes: a.outBytes + b.outBytes };
}

/** A whole flow's plan (q: request bytes on the wire, r: the drawn response size). */
export function planFlow(kind: FlowKind, q: number, r: number): PlanPart {
  return addPlan(addPlan(planFixed(kind), planRequest(kind, q)), planResponse(kind, r));
}
