/** IPv4 addresses as unsigned 32-bit numbers, with text and byte conversions. */
export type Ipv4 = number & { readonly __ipv4: unique symbol };

/** Parses dotted quad "10.0.0.1". Throws on bad text: config-time only. */
export function ipv4(text: string): Ipv4 {
  const parts = text.trim().split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    throw new Error(`"${text}" is not an IPv4 address (expected a dotted quad like 10.0.0.1)`);
  }
  return ((Number(parts[0]) * 2 ** 24 + Number(parts[1]) * 2 ** 16 + Number(parts[2]) * 256 + Number(parts[3])) >>> 0) as Ipv4;
}

export function ipv4FromNumber(v: number): Ipv4 {
  return (v >>> 0) as Ipv4;
}

export function formatIpv4(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

export function readIpv4(buf: Uint8Array, off: number): Ipv4 {
  return (((buf[off]! << 24) | (buf[off + 1]! << 16) | (buf[off + 2]! << 8) | buf[off + 3]!) >>> 0) as Ipv4;
}

export function writeIpv4(buf: Uint8Array, off: number, a: number): void {
  buf[off] = a >>> 24;
  buf[off + 1] = (a >>> 16) & 255;
  buf[off + 2] = (a >>> 8) & 255;
  buf[off + 3] = a & 255;
}
