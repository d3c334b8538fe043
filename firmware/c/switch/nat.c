/*
 * The prior-art NAT's per-packet rewrite (nat.ts `rewrite`, `translateQuote`): addressRewrite
 * replaces one IPv4 address (read the old one, write the new); checksumUpdate updates one 16-bit
 * checksum for it, RFC 1624 eqn. 3 on each half of the address (net/checksum.ts csumUpdate32),
 * a UDP checksum that comes out 0 sent as 0xffff. Both fields are word- and halfword-aligned in
 * the frame as the CPU buffer holds it (the IP header word-aligned: ring.h).
 */

/* addressRewrite: the address at `field` becomes `addr`; returns the old one */
OP u32 nat_address_rewrite(u8 *field, u32 addr)
{
  u32 old = *(u32a *)field;
  *(u32a *)field = addr;
  return old;
}

static inline u32 csum_update16(u32 hc, u32 m, u32 m1)
{
  u32 sum = (~hc & 0xffff) + (~m & 0xffff) + (m1 & 0xffff);
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  return ~sum & 0xffff;
}

/* checksumUpdate: the checksum at `field` after a 32-bit field went from old to addr (udp: a 0 result is sent as 0xffff) */
OP u32 nat_checksum_update(u8 *field, u32 old, u32 addr, u32 udp)
{
  u32 hc = *(u16a *)field;
  hc = csum_update16(csum_update16(hc, old >> 16, addr >> 16), old, addr);
  if (udp && hc == 0) hc = 0xffff;
  *(u16a *)field = (u16)hc;
  return hc;
}

HOST_INPUT u8 nat_packet[128] __attribute__((aligned(32)));

/*
 * nat.ts `rewrite` on the IPv4 packet at nat_packet: the address at offset `at` (12 source, 16
 * destination) becomes addr, the header checksum follows, and the TCP or UDP checksum at offset
 * l4csum (0: none; a UDP checksum of 0 is left alone).
 */
u32 nat_rewrite(u32 at, u32 addr, u32 l4csum, u32 udp)
{
  u8 *ip = nat_packet;
  u32 old = nat_address_rewrite(ip + at, addr);
  nat_checksum_update(ip + 10, old, addr, 0);
  if (l4csum && !(udp && *(u16a *)(ip + l4csum) == 0)) nat_checksum_update(ip + l4csum, old, addr, udp);
  return old;
}
