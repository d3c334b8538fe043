/**
 * The request/response flow kinds hosts speak, their ports, the 8-byte application header that
 * tells a server how much request to expect and how much to answer, and the frame plan: how many
 * frames and wire bytes a flow puts on the wire in each direction when nothing is lost. The plan
 * is separable (a fixed part, a part that depends on the request size, one on the response size),
 * so the expected load of a workload over any size distributions is exact. A test checks it
 * against the frames the hosts actually send.
 */
import { IpProto } from "../net/codec/l4.ts";
import { espLength, frameLength, ICMP_HEADER, IPV4_HEADER, MAX_PAYLOAD, TCP_HEADER, UDP_HEADER } from "../net/write.ts";
import { APP_HEADER } from "./app-header.ts";
import { DNS_APP_OFFSET, DNS_MIN_QUERY, DNS_MIN_RESPONSE, RADIUS_APP_OFFSET, RADIUS_MIN_ANSWER, RADIUS_MIN_PADDED_ANSWER, RADIUS_MIN_REQUEST } from "./dns-radius.ts";

export { APP_HEADER, MAX_APP_BYTES, readAppHeader, writeAppHeader } from "./app-header.ts";

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

/** Request bytes on the wire for a drawn request size: at least the header (ping carries none); DNS and RADIUS messages are one datagram of their format (dns-radius.ts). */
export function requestBytes(kind: FlowKind, drawn: number): number {
  switch (kind) {
    case FlowKind.Ping:
      return Math.min(drawn, MAX_PAYLOAD.icmp);
    case FlowKind.Dns:
      return Math.min(MAX_PAYLOAD.udp, Math.max(DNS_MIN_QUERY, drawn));
    case FlowKind.Radius:
      return Math.min(MAX_PAYLOAD.udp, Math.max(RADIUS_MIN_REQUEST, drawn));
    default:
      return Math.max(APP_HEADER, drawn);
  }
}

/** Response bytes for a drawn response size (DNS and RADIUS: one datagram of their format; ping mirrors the request). */
export function responseBytes(kind: FlowKind, drawn: number): number {
  switch (kind) {
    case FlowKind.Dns:
      return Math.min(MAX_PAYLOAD.udp, Math.max(DNS_MIN_RESPONSE, drawn));
    case FlowKind.Radius: {
      const r = Math.min(MAX_PAYLOAD.udp, Math.max(RADIUS_MIN_ANSWER, drawn));
      return r > RADIUS_MIN_ANSWER && r < RADIUS_MIN_PADDED_ANSWER ? RADIUS_MIN_PADDED_ANSWER : r;
    }
    default:
      return drawn;
  }
}

/** Where the application header starts in a request message of each kind. */
export const APP_OFFSET = [0, DNS_APP_OFFSET, RADIUS_APP_OFFSET, 0, 0, 0] as const;

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
