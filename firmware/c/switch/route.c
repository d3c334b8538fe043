/*
 * The decision: flow-switch.ts `handleFrame` for IPv4 to a cluster's virtual MAC, `inbound`,
 * `route` (balance and availability mode), `established`, `closing`, `firstFragment`,
 * `laterFragment`.
 */
static struct flow_key key, dg_key;
static u32 route_cause;

/* The idle timeout of a flow of `proto`: a timeouts[] index. */
static u32 timeout_for(u32 proto)
{
  return proto == P_TCP ? T_TCP : proto == P_UDP ? T_UDP : proto == P_ESP || proto == P_AH ? T_ESP : T_OTHER;
}

static s32 no_route(u32 cause)
{
  route_cause = cause;
  return -1;
}

/* A SYN-only entry sees its first other segment: the connection is established. */
static void established(u32 slot, struct server *s)
{
  flows.entry[slot].flags &= (u8)~FLAG_SYN_ONLY;
  if (flows.entry[slot].flags & FLAG_CLOSING) return;
  ft_set_timeout(slot, T_TCP);
  s->inactive--;
  s->active++;
}

/* A FIN or RST: the entry lives at most the FIN timeout more. */
static void closing(u32 slot)
{
  u32 f = flows.entry[slot].flags;
  if (!(f & (FLAG_CLOSING | FLAG_SYN_ONLY))) {
    struct server *s = &servers[(u32)(s32)flows.entry[slot].cluster][(u32)(s32)flows.entry[slot].server];
    s->active--;
    s->inactive++;
  }
  flows.entry[slot].flags |= FLAG_CLOSING;
  if (cfg.timeouts[T_FIN] < cfg.timeouts[flows.entry[slot].tclass]) ft_set_timeout(slot, T_FIN);
}

static int stale(u32 c, u32 slot)
{
  u32 i = (u32)(s32)flows.entry[slot].server;
  const struct server *s;
  if ((u32)(s32)flows.entry[slot].cluster != c || i >= clusters[c].servers) return 1;
  s = &servers[c][i];
  return !s->up || flows.entry[slot].gen != s->gen;
}

/* A datagram's first fragment went to `server`: the datagram's entry sends its later fragments there. */
static void first_fragment(u32 c, u32 server, u64 now)
{
  u32 hash;
  s32 slot;
  key_datagram(&dg_key, &pf);
  hash = key_hash(dg_key.proto, dg_key.src, dg_key.dst, dg_key.ports);
  slot = ft_find(&dg_key, hash, now);
  if (slot >= 0) {
    flows.entry[slot].server = (s16)server;
    flows.entry[slot].gen = servers[c][server].gen;
    flows.entry[slot].cluster = (s16)c;
    ft_touch((u32)slot, now);
    return;
  }
  ft_insert(&dg_key, hash, c, server, servers[c][server].gen, FLAG_DATAGRAM, now, T_FRAGMENT);
}

/* The server index for the parsed frame in cluster c, or -1 (cause in route_cause). */
OP static s32 route(u32 c, u64 now)
{
  struct cluster *cl = &clusters[c];
  u32 hash, is_tcp, is_syn;
  s32 slot, server = -1;
  io.path = PATH_ESTABLISHED;
  if (!key_from_frame(&key, &pf, cl->ipsec_by_client)) return no_route(pf.more_fragments ? CAUSE_FRAGMENT_UNMATCHED : CAUSE_MALFORMED);
  if (pf.ip_dst != cl->vip) return no_route(CAUSE_NOT_FOR_VIP);
  if (cl->mode == MODE_AVAILABILITY) {
    /* flow-switch.ts `primaryOf`: the primary, whatever the flow */
    u32 i;
    for (i = 0; i < cl->servers; i++)
      if (servers[c][i].role == ROLE_PRIMARY && !servers[c][i].removed) return (s32)i;
    return no_route(CAUSE_NO_LIVE_SERVER);
  }
  hash = key_hash(key.proto, key.src, key.dst, key.ports);
  if (pf.frag_offset != 0) {
    /* a later fragment: its datagram's server, from the entry its first fragment made */
    slot = ft_find(&key, hash, now);
    if (slot < 0 || stale(c, (u32)slot)) return no_route(CAUSE_FRAGMENT_UNMATCHED);
    return flows.entry[slot].server;
  }
  is_tcp = pf.ip_proto == P_TCP;
  is_syn = is_tcp && (pf.tcp_flags & (TCP_SYN | TCP_ACK)) == TCP_SYN;
  slot = ft_find(&key, hash, now);
  if (slot >= 0) {
    u32 fl = flows.entry[slot].flags;
    /* an entry whose server failed since or is gone ends; a SYN on an established entry is a new connection */
    if (stale(c, (u32)slot) || (is_syn && (fl & FLAG_SYN_ONLY) == 0)) {
      ft_remove((u32)slot);
      slot = -1;
    } else {
      server = flows.entry[slot].server;
      ft_touch((u32)slot, now);
      if (is_syn) counts[C_SYN_RETRANSMITS]++;
      else if (fl & FLAG_SYN_ONLY) established((u32)slot, &servers[c][server]);
    }
  }
  if (server < 0 && pf.ip_proto == P_ICMP && pf.inner_proto >= 0) {
    /* an ICMP error quoting no flow the table holds: placed by the consistent hash, no entry */
    counts[C_ICMP_UNMATCHED]++;
    server = maglev[c][hash % cl->maglev_size];
    return server >= 0 ? server : no_route(CAUSE_NO_LIVE_SERVER);
  }
  if (server < 0) {
    struct server *s;
    u32 proto;
    u32 t;
    io.path = PATH_NEW_FLOW;
    server = choose(c, hash);
    if (server < 0) return no_route(CAUSE_NO_LIVE_SERVER);
    ft_sweep(now, cfg.sweep_slots);
    s = &servers[c][server];
    proto = key.proto != SOURCE_KEY ? key.proto : pf.ip_proto == P_ICMP && pf.inner_proto >= 0 ? (u32)pf.inner_proto : (u32)pf.ip_proto;
    t = is_syn ? T_SYN : timeout_for(proto);
    slot = ft_insert(&key, hash, c, (u32)server, s->gen, is_syn ? FLAG_SYN_ONLY : 0, now, t);
    if (slot >= 0) {
      if (is_syn) s->inactive++;
      else s->active++;
      s->flows++;
      cl->flows++;
      counts[C_NEW_FLOWS]++;
    } else {
      /* table full: the consistent hash decides */
      counts[C_MAGLEV_FALLBACKS]++;
      server = maglev[c][hash % cl->maglev_size];
      if (server < 0) return no_route(CAUSE_NO_LIVE_SERVER);
    }
  }
  if (slot >= 0 && is_tcp && (pf.tcp_flags & (TCP_FIN | TCP_RST))) closing((u32)slot);
  if (pf.more_fragments) first_fragment(c, (u32)server, now);
  return server;
}

static int drop_frame(u32 cause)
{
  io.verdict = VERDICT_DROP;
  io.cause = cause;
  return 0;
}

/* A frame still sent to a router's MAC (flow-switch.ts `redirect`, Fig 4C stage 460): to a live router of its pool if it failed. */
static s32 redirect(u8 *f, s32 r)
{
  s32 live = -1;
  u32 g;
  if (routers[r].up) return (s32)routers[r].port; /* not failed (a stale intervention entry): unchanged */
  /* the sender's new router (given by gratuitous ARP), else one chosen for it now */
  for (g = 0; g < MAX_GATEWAYS; g++)
    if (gateways[g].used && gateways[g].mac_lo == pf.src_lo && gateways[g].mac_hi == pf.src_hi) {
      s32 x = gateways[g].router;
      if (x >= 0 && routers[x].up && routers[x].pool == routers[r].pool) live = x;
      break;
    }
  if (live < 0) live = live_router(routers[r].pool, pf.ip_proto >= 0 ? pf.ip_src : 0);
  if (live < 0) {
    io.cause = CAUSE_NO_LIVE_ROUTER;
    return VERDICT_DROP;
  }
  counts[C_OUTBOUND_REDIRECTED]++;
  routers[r].redirected++;
  mac_rewrite(f, routers[live].mac_hi, routers[live].mac_lo);
  return (s32)routers[live].port;
}

/* flow-switch.ts `inbound`: cluster c's server for the frame, written into the destination MAC (the counters: counters.c, after the decision). */
static int inbound(u8 *f, u32 c)
{
  s32 server;
  struct server *s;
  io.cluster = (s32)c;
  server = route(c, io.now);
  if (server < 0) {
    io.verdict = VERDICT_DROP;
    io.cause = route_cause;
    return 0;
  }
  s = &servers[c][server];
  mac_rewrite(f, s->mac_hi, s->mac_lo);
  io.server = server;
  io.verdict = (s32)s->port;
  return 1;
}

/*
 * flow-switch.ts `toServerMac`: a frame to a server's MAC. From a server: forwarded unchanged.
 * From the router side, for a virtual IP: balanced as inbound, and the router on that port is to
 * get the virtual MAC re-announced (io.correct_router: the control plane sends the gratuitous ARP,
 * at most once per probe interval); anything else dropped.
 */
static int to_server_mac(u8 *f, u32 ingress, s32 port)
{
  s32 c;
  if (server_at(-1, ingress, pf.src_hi, pf.src_lo)) {
    counts[C_SERVER_TO_SERVER]++;
    io.verdict = port;
    return 0;
  }
  c = pf.ip_proto >= 0 ? cluster_by_vip(pf.ip_dst) : -1;
  if (c < 0) return drop_frame(CAUSE_SERVER_MAC_FROM_ROUTER_SIDE);
  counts[C_MISDIRECTED_INBOUND]++;
  io.correct_router = router_on_port(ingress);
  return inbound(f, (u32)c);
}

/* The decision for the frame at f (len bytes, from io.ingress at io.now): io's outputs. */
OP static int switch_decide(u8 *f, u32 len)
{
  u32 c, own;
  s32 port;
  io.path = PATH_OTHER;
  io.cluster = io.server = io.correct_router = -1;
  io.cause = 0;
  if (parse_frame(f, len, &pf) != 0) {
    io.verdict = VERDICT_DROP;
    io.cause = CAUSE_MALFORMED;
    return 0;
  }
  if (pf.ether_type == 0x0806) {
    io.path = PATH_ARP;
    io.verdict = handle_arp(f, io.ingress);
    return 0;
  }
  for (c = 0; c < cfg.clusters; c++)
    if (clusters[c].vmac_lo == pf.dst_lo && clusters[c].vmac_hi == pf.dst_hi) break;
  own = pf.dst_lo == cfg.switch_mac_lo && pf.dst_hi == cfg.switch_mac_hi;
  if ((own || c < cfg.clusters) && pf.ip_proto >= 0 && pf.ip_dst == cfg.switch_ip) {
    io.verdict = VERDICT_NOT_PORTED; /* probe answers: the control plane's */
    return 0;
  }
  if (own) return drop_frame(CAUSE_UNKNOWN_DESTINATION);
  if (c == cfg.clusters) {
    s32 r = router_by_mac(pf.dst_hi, pf.dst_lo);
    if (r >= 0) {
      io.path = PATH_REDIRECT;
      io.verdict = redirect(f, r);
      return 0;
    }
    port = server_mac_port(pf.dst_hi, pf.dst_lo);
    if (port >= 0) return to_server_mac(f, io.ingress, port);
    return drop_frame(pf.dst_hi & 0x100 ? CAUSE_BROADCAST_ISOLATED : CAUSE_UNKNOWN_DESTINATION);
  }
  return inbound(f, c);
}
