/** Decoding never throws: it returns a value or a typed error naming the layer, field and byte offset. */
export interface DecodeError {
  kind: "truncated" | "malformed";
  layer: string;
  field: string;
  /** Byte offset in the frame where the problem is. */
  offset: number;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: DecodeError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });

export function truncated(layer: string, field: string, offset: number, need: number, have: number): { ok: false; error: DecodeError } {
  return { ok: false, error: { kind: "truncated", layer, field, offset, message: `${layer} ${field} at byte ${offset} needs ${need} bytes, ${have} left` } };
}

export function malformed(layer: string, field: string, offset: number, why: string): { ok: false; error: DecodeError } {
  return { ok: false, error: { kind: "malformed", layer, field, offset, message: `${layer} ${field} at byte ${offset}: ${why}` } };
}

export const u16 = (b: Uint8Array, o: number): number => (b[o]! << 8) | b[o + 1]!;
export const u32 = (b: Uint8Array, o: number): number => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
export function put16(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 8) & 0xff;
  b[o + 1] = v & 0xff;
}
export function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 24) & 0xff;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
