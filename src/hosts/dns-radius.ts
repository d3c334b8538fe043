/**
 * Message formats of the DNS-like and RADIUS-like kinds, so Wireshark decodes them as what they
 * are. Each message is one datagram (no IP fragmentation), `n` bytes exactly; the 8-byte
 * application header sits where the format leaves room for opaque data:
 *
 * DNS (RFC 1035, EDNS(0) RFC 6891): a query "flowsim.example A IN" with an OPT record carrying
 *   a local option (code 65001, the application header) and a Padding option (RFC 7830, code 12)
 *   that brings the message to n bytes; the response (QR, RD, RA) repeats the question and pads
 *   the same way. Smallest query 60 bytes, smallest response 48.
 * RADIUS (RFC 2865): an Access-Request with User-Name "flowsim" and Vendor-Specific attributes
 *   (vendor 32473, RFC 5612's documentation number) of at most 255 bytes each, the first holding
 *   the application header; the answer an Access-Accept with Vendor-Specific padding. Smallest
 *   request 45 bytes, smallest answer 20 (or 28 with any padding).
 */
import { put16, put32 } from "../net/write.ts";
import { APP_HEADER, writeAppHeader } from "./app-header.ts";

const QNAME = [7, ..."flowsim".split("").map((c) => c.charCodeAt(0)), 7, ..."example".split("").map((c) => c.charCodeAt(0)), 0];
const QUESTION = QNAME.length + 4; // + QTYPE A, QCLASS IN
const OPT_FIXED = 11; // root name, TYPE, CLASS, TTL, RDLENGTH
/** Where the application header starts in a DNS query. */
export const DNS_APP_OFFSET = 12 + QUESTION + OPT_FIXED + 4;
export const DNS_MIN_QUERY = DNS_APP_OFFSET + APP_HEADER + 4;
export const DNS_MIN_RESPONSE = 12 + QUESTION + OPT_FIXED + 4;

const VENDOR = 32473;
const USER_NAME = [1, 9, ..."flowsim".split("").map((c) => c.charCodeAt(0))];
/** Where the application header starts in a RADIUS Access-Request. */
export const RADIUS_APP_OFFSET = 20 + USER_NAME.length + 8;
export const RADIUS_MIN_REQUEST = RADIUS_APP_OFFSET + APP_HEADER;
export const RADIUS_MIN_ANSWER = 20;
/** The smallest answer with padding: one Vendor-Specific attribute is at least 8 bytes. */
export const RADIUS_MIN_PADDED_ANSWER = RADIUS_MIN_ANSWER + 8;

/** A DNS query (`reqLen` >= 0: with the application header) or response of exactly n bytes at `o`. */
export function writeDns(b: Uint8Array, o: number, n: number, id: number, reqLen: number, respLen: number): void {
  b.fill(0, o, o + n);
  const query = reqLen >= 0;
  put16(b, o, id);
  put16(b, o + 2, query ? 0x0100 : 0x8180);
  put16(b, o + 4, 1); // QDCOUNT
  put16(b, o + 10, 1); // ARCOUNT: the OPT record
  let p = o + 12;
  for (const x of QNAME) b[p++] = x;
  put16(b, p, 1); // A
  put16(b, p + 2, 1); // IN
  p += 4;
  // OPT: root name (0), TYPE 41, CLASS = UDP payload size 4096, TTL 0, RDLENGTH
  b[p] = 0;
  put16(b, p + 1, 41);
  put16(b, p + 3, 4096);
  const rdlen = o + n - (p + OPT_FIXED);
  put16(b, p + 9, rdlen);
  p += OPT_FIXED;
  if (query) {
    put16(b, p, 65001);
    put16(b, p + 2, APP_HEADER);
    writeAppHeader(b, p + 4, reqLen, respLen);
    p += 4 + APP_HEADER;
  }
  put16(b, p, 12); // Padding
  put16(b, p + 2, o + n - (p + 4));
}

/** A RADIUS Access-Request (`reqLen` >= 0) or Access-Accept of exactly n bytes at `o`. */
export function writeRadius(b: Uint8Array, o: number, n: number, id: number, reqLen: number, respLen: number): void {
  b.fill(0, o, o + n);
  const request = reqLen >= 0;
  b[o] = request ? 1 : 2;
  b[o + 1] = id & 255;
  put16(b, o + 2, n);
  for (let i = 0; i < 16; i++) b[o + 4 + i] = (Math.imul(id + i, 0x9e3779b1) >>> 24) & 255; // authenticator
  let p = o + 20;
  if (request) for (const x of USER_NAME) b[p++] = x;
  let left = o + n - p, first = request;
  while (left > 0) {
    // Vendor-Specific: type 26, length, vendor id, then one sub-attribute in RFC 2865's
    // suggested format (vendor type 1, vendor length, opaque value); 8 <= length <= 255
    let len = Math.min(255, left);
    if (left - len > 0 && left - len < 8) len = left - 8;
    b[p] = 26;
    b[p + 1] = len;
    put32(b, p + 2, VENDOR);
    b[p + 6] = 1;
    b[p + 7] = len - 6;
    if (first) writeAppHeader(b, p + 8, reqLen, respLen);
    first = false;
    p += len;
    left -= len;
  }
}
