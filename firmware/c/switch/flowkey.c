/* The flow key and its hash: src/firmware/flow-key.ts `fromFrame`, `datagram`, `hash`. */
#define IKE_PORT 500
#define IKE_NAT_T_PORT 4500

static int key_set(struct flow_key *k, u32 proto, u32 src, u32 dst, u32 ports)
{
  k->proto = proto;
  k->src = src;
  k->dst = dst;
  k->ports = ports;
  return 1;
}

static int key_datagram(struct flow_key *k, const struct parsed *p)
{
  return key_set(k, DATAGRAM_KEY, p->ip_src, p->ip_dst, (p->ip_id << 8) | (u32)p->ip_proto);
}

/* An ICMP error about a packet we sent (server -> client): the key of the flow client -> server. */
static int key_quoted(struct flow_key *k, const struct parsed *p, u32 ipsec_by_client)
{
  u32 client = p->inner_dst, vip = p->inner_src;
  switch (p->inner_proto) {
  case P_TCP:
  case P_UDP:
    if (p->inner_src_port < 0) return key_set(k, SOURCE_KEY, client, vip, 0);
    if (ipsec_by_client && p->inner_proto == P_UDP && (p->inner_src_port == IKE_PORT || p->inner_src_port == IKE_NAT_T_PORT)) return key_set(k, SOURCE_KEY, client, vip, 0);
    return key_set(k, p->inner_proto, client, vip, ((u32)p->inner_dst_port << 16) | (u32)p->inner_src_port);
  case P_ESP:
  case P_AH:
    if (ipsec_by_client || !p->inner_spi_valid) return key_set(k, SOURCE_KEY, client, vip, 0);
    return key_set(k, p->inner_proto, client, vip, p->inner_spi);
  default:
    return key_set(k, SOURCE_KEY, client, vip, 0);
  }
}

/* Fills the key from a parsed inbound frame; 0 for frames with no IPv4 flow. */
OP static int key_from_frame(struct flow_key *k, const struct parsed *p, u32 ipsec_by_client)
{
  if (p->ip_proto < 0) return 0;
  if (p->frag_offset != 0) return key_datagram(k, p);
  switch (p->ip_proto) {
  case P_TCP:
  case P_UDP:
    if (p->src_port < 0) return 0;
    if (ipsec_by_client && p->ip_proto == P_UDP && (p->dst_port == IKE_PORT || p->dst_port == IKE_NAT_T_PORT)) return key_set(k, SOURCE_KEY, p->ip_src, p->ip_dst, 0);
    return key_set(k, p->ip_proto, p->ip_src, p->ip_dst, ((u32)p->src_port << 16) | (u32)p->dst_port);
  case P_ESP:
  case P_AH:
    if (ipsec_by_client || !p->spi_valid) return key_set(k, SOURCE_KEY, p->ip_src, p->ip_dst, 0);
    return key_set(k, p->ip_proto, p->ip_src, p->ip_dst, p->spi);
  case P_ICMP:
    if (p->inner_proto >= 0) return key_quoted(k, p, ipsec_by_client);
    return key_set(k, SOURCE_KEY, p->ip_src, p->ip_dst, 0);
  default:
    return key_set(k, SOURCE_KEY, p->ip_src, p->ip_dst, 0);
  }
}

OP static u32 key_hash(u32 proto, u32 src, u32 dst, u32 ports)
{
  u32 h = (src ^ 0x9e3779b9u) * 0x85ebca6bu;
  h ^= (dst ^ (h >> 15)) * 0xc2b2ae35u;
  h ^= (ports ^ (h >> 13)) * 0x27d4eb2fu;
  h ^= ((proto + 0x165667b1u) * 0x9e3779b1u) ^ (h >> 16);
  h ^= h >> 15;
  return h;
}
