/** MAC addresses as 48-bit numbers (exact in a double), with text and byte conversions. */
export type Mac = number & { readonly __mac: unique symbol };

export const BROADCAST_MAC = 0xffff_ffff_ffff as Mac;

/** Parses "02:00:5e:00:01:01" (or with dashes). Throws on bad text: config-time only. */
export function mac(text: string): Mac {
  const m = /^([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})$/i.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a MAC address (expected six hex bytes like 02:00:5e:00:01:01)`);
  let v = 0;
  for (let i = 1; i <= 6; i++) v = v * 256 + parseInt(m[i]!, 16);
  return v as Mac;
}

export function macFromNumber(v: number): Mac {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff_ffff_ffff) throw new RangeError(`${v} is not a 48-bit MAC value`);
  return v as Mac;
}

export function formatMac(m: number): string {
  const out: string[] = [];
  for (let i = 5; i >= 0; i--) out.push((Math.floor(m / 2 ** (8 * i)) % 256).toString(16).padStart(2, "0"));
  return out.join(":");
}

export function readMac(buf: Uint8Array, off: number): Mac {
  return ((buf[off]! * 0x10000 + buf[off + 1]! * 0x100 + buf[off + 2]!) * 0x1000000 +
    (buf[off + 3]! * 0x10000 + buf[off + 4]! * 0x100 + buf[off + 5]!)) as Mac;
}

/** Writes a MAC given as its high and low 24 bits (small integers: they cross calls unboxed, where a 48-bit number is a heap number). */
export function writeMacHalves(buf: Uint8Array, off: number, hi: number, lo: number): void {
  buf[off] = hi >>> 16;
  buf[off + 1] = (hi >>> 8) & 0xff;
  buf[off + 2] = hi & 0xff;
  buf[off + 3] = lo >>> 16;
  buf[off + 4] = (lo >>> 8) & 0xff;
  buf[off + 5] = lo & 0xff;
}

export function writeMac(buf: Uint8Array, off: number, m: number): void {
  writeMacHalves(buf, off, Math.floor(m / 0x1000000), m % 0x1000000);
}

export const isBroadcast = (m: number): boolean => m === BROADCAST_MAC;
/** The group bit: the least significant bit of the first byte. */
export const isMulticast = (m: number): boolean => Math.floor(m / 2 ** 40) % 2 === 1;

/** Whether the MAC at `buf[off..off+6]` is a group address: `isMulticast(readMac(buf, off))` without the 48-bit number. */
export const isMulticastAt = (buf: Uint8Array, off: number): boolean => (buf[off]! & 1) === 1;
