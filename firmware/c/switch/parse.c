/* The frame parse: src/net/parse.ts `parseFrame`, the fields the path reads. 0: Ok; else not Ok. */
#define U16(o) (*(const u16a *)(f + (o)))
#define U32(o) (*(const u32a *)(f + (o)))

/* the frame being decided, parsed */
static struct parsed pf;

static void parse_inner(const u8 *f, u32 o, u32 end, struct parsed *p)
{
  u32 hl, frag, proto, l4;
  if (end - o < 20 || end < o) return;
  if (f[o] >> 4 != 4) return;
  hl = (f[o] & 15) * 4;
  if (hl < 20 || end - o < hl) return;
  frag = U16(o + 6);
  proto = f[o + 9];
  p->inner_proto = proto;
  p->inner_src = U32(o + 12);
  p->inner_dst = U32(o + 16);
  l4 = o + hl;
  if ((frag & 0x1fff) != 0) return;
  if ((proto == P_TCP || proto == P_UDP) && end - l4 >= 4) {
    p->inner_src_port = U16(l4);
    p->inner_dst_port = U16(l4 + 2);
  } else if (proto == P_ESP && end - l4 >= 4) {
    p->inner_spi_valid = 1;
    p->inner_spi = U32(l4);
  } else if (proto == P_AH && end - l4 >= 8) {
    p->inner_spi_valid = 1;
    p->inner_spi = U32(l4 + 4);
  }
}

OP static int parse_frame(const u8 *f, u32 len, struct parsed *p)
{
  u32 type, o = 14, hl, total, frag, l4, n, proto;
  /* the frame starts 2 bytes past a word (frame_buf + 2; a CPU buffer's RING_FRAME_OFFSET), so the IP header is word-aligned */
  f = __builtin_assume_aligned(f, 4, 2);
  p->ip_proto = -1;
  p->src_port = p->dst_port = -1;
  p->tcp_flags = 0;
  p->spi_valid = 0;
  p->inner_proto = -1;
  p->inner_src_port = p->inner_dst_port = -1;
  p->inner_spi_valid = 0;
  p->frag_offset = p->more_fragments = 0;
  if (len < 14) return 1;
  p->dst_hi = U16(0);
  p->dst_lo = U32(2);
  p->src_hi = U16(6);
  p->src_lo = U32(8);
  type = U16(12);
  if (type == 0x8100) {
    if (len < 18) return 1;
    type = U16(16);
    o = 18;
    if (type == 0x8100) return 2;
  }
  p->ether_type = type;
  p->l3 = o;
  if (type == 0x0806) {
    if (len - o < 28) return 1;
    if (U16(o) != 1 || U16(o + 2) != 0x0800 || f[o + 4] != 6 || f[o + 5] != 4) return 2;
    p->arp_op = U16(o + 6);
    p->arp_sender_mac_hi = U16(o + 8);
    p->arp_sender_mac_lo = (u32)U16(o + 10) << 16 | U16(o + 12); /* half-word aligned only */
    p->arp_sender_ip = (u32)U16(o + 14) << 16 | U16(o + 16);
    p->arp_target_ip = U32(o + 24);
    return 0;
  }
  if (type != 0x0800) return 0;
  if (len - o < 20) return 1;
  if (f[o] >> 4 != 4) return 2;
  hl = (f[o] & 15) * 4;
  if (hl < 20) return 2;
  if (len - o < hl) return 1;
  total = U16(o + 2);
  frag = U16(o + 6);
  proto = f[o + 9];
  if (total < hl) return 2;
  if (total > len - o) return 1;
  if (frag & 0x8000) return 2;
  p->ip_proto = proto;
  p->ip_src = U32(o + 12);
  p->ip_dst = U32(o + 16);
  p->ip_id = U16(o + 4);
  p->more_fragments = (frag & 0x2000) != 0;
  p->frag_offset = frag & 0x1fff;
  if (p->frag_offset != 0) return 0;
  l4 = o + hl;
  n = o + total - l4;
  switch (proto) {
  case P_TCP:
    if (p->more_fragments && n < 20) return 0;
    if (n < 20) return 1;
    if ((f[l4 + 12] >> 4) * 4 < 20) return 2;
    if ((u32)(f[l4 + 12] >> 4) * 4 > n && !p->more_fragments) return 1;
    p->src_port = U16(l4);
    p->dst_port = U16(l4 + 2);
    p->tcp_flags = f[l4 + 13];
    return 0;
  case P_UDP:
    if (n < 8) return p->more_fragments ? 0 : 1;
    if (!p->more_fragments) {
      u32 ulen = U16(l4 + 4);
      if (ulen < 8) return 2;
      if (ulen > n) return 1;
    }
    p->src_port = U16(l4);
    p->dst_port = U16(l4 + 2);
    return 0;
  case P_ESP:
    if (n < 8) return p->more_fragments ? 0 : 1;
    p->spi_valid = 1;
    p->spi = U32(l4);
    return 0;
  case P_AH:
    if (n < 12) return p->more_fragments ? 0 : 1;
    if ((u32)(f[l4 + 1] + 2) * 4 > n && !p->more_fragments) return 1;
    p->spi_valid = 1;
    p->spi = U32(l4 + 4);
    return 0;
  case P_ICMP: {
    u32 t;
    if (n < 8) return p->more_fragments ? 0 : 1;
    t = f[l4];
    if (t == 3 || t == 4 || t == 5 || t == 11 || t == 12) parse_inner(f, l4 + 8, o + total, p);
    return 0;
  }
  default:
    return 0;
  }
}
