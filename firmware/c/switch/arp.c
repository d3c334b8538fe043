/*
 * ARP: flow-switch.ts `handleArp` with `serverAt`, `memberAt`, `routerAnswer`, `spoofed`,
 * `reply`, `liveRouter` and `assign`: proxy ARP for the virtual IPs, router pooling's gateway
 * answers, broadcast isolation and the spoofing checks. ARP replies that pass the checks are the
 * answers to the switch's own ARP probes, which the control plane (TypeScript) matches: they are
 * handed back (VERDICT_NOT_PORTED).
 */
#define ARP_REQUEST 1
#define ARP_REPLY 2

/* A (not removed) server copy with this MAC on this port, in cluster `c` or (c < 0) any. */
static int server_at(s32 c, u32 port, u32 mac_hi, u32 mac_lo)
{
  u32 k, i;
  for (k = 0; k < cfg.clusters; k++) {
    if (c >= 0 && k != (u32)c) continue;
    for (i = 0; i < clusters[k].servers; i++) {
      const struct server *s = &servers[k][i];
      if (!s->removed && s->port == port && s->mac_lo == mac_lo && s->mac_hi == mac_hi) return 1;
    }
  }
  return 0;
}

/* The port of a (not removed) server with this MAC, or -1. */
static s32 server_mac_port(u32 mac_hi, u32 mac_lo)
{
  u32 k, i;
  for (k = 0; k < cfg.clusters; k++)
    for (i = 0; i < clusters[k].servers; i++) {
      const struct server *s = &servers[k][i];
      if (!s->removed && s->mac_lo == mac_lo && s->mac_hi == mac_hi) return (s32)s->port;
    }
  return -1;
}

static s32 cluster_by_vip(u32 ip)
{
  u32 k;
  for (k = 0; k < cfg.clusters; k++)
    if (clusters[k].vip == ip) return (s32)k;
  return -1;
}

/* The maps keep the last router with a key (flow-switch.ts builds them in order, later ones win). */
static s32 router_by_ip(u32 ip)
{
  s32 r, found = -1;
  for (r = 0; r < (s32)cfg.routers; r++)
    if (routers[r].ip == ip) found = r;
  return found;
}

static s32 router_by_mac(u32 hi, u32 lo)
{
  s32 r, found = -1;
  for (r = 0; r < (s32)cfg.routers; r++)
    if (routers[r].mac_lo == lo && routers[r].mac_hi == hi) found = r;
  return found;
}

static s32 router_on_port(u32 port)
{
  s32 r, found = -1;
  for (r = 0; r < (s32)cfg.routers; r++)
    if (routers[r].port == port) found = r;
  return found;
}

static int router_answer(u32 port)
{
  s32 r = router_on_port(port);
  const struct router *rt;
  if (pf.arp_op != ARP_REPLY || r < 0) return 0;
  rt = &routers[r];
  return rt->mac_hi == pf.arp_sender_mac_hi && rt->mac_lo == pf.arp_sender_mac_lo && rt->ip == pf.arp_sender_ip && pf.src_hi == rt->mac_hi && pf.src_lo == rt->mac_lo;
}

static int spoofed(u32 ingress, int srv)
{
  u32 ip = pf.arp_sender_ip, hi = pf.arp_sender_mac_hi, lo = pf.arp_sender_mac_lo;
  s32 c, r;
  if (srv) {
    if (router_by_ip(ip) >= 0) return 1;
    c = cluster_by_vip(ip);
    return c >= 0 && !server_at(c, ingress, hi, lo);
  }
  if (cluster_by_vip(ip) >= 0 || server_mac_port(hi, lo) >= 0) return 1;
  r = router_by_ip(ip);
  if (r < 0) r = router_by_mac(hi, lo);
  return r >= 0 && (routers[r].mac_hi != hi || routers[r].mac_lo != lo || routers[r].port != ingress || (ip != 0 && routers[r].ip != ip));
}

static s32 live_router(u32 pool, u32 server_ip)
{
  s32 r, best = -1;
  u32 live = 0;
  for (r = 0; r < (s32)cfg.routers; r++)
    if (routers[r].pool == pool && routers[r].up) live++;
  if (live == 0) return -1;
  if (pool_policy[pool] == 1) {
    u32 k = server_ip % live;
    for (r = 0; r < (s32)cfg.routers; r++)
      if (routers[r].pool == pool && routers[r].up && k-- == 0) return r;
  }
  for (r = 0; r < (s32)cfg.routers; r++) {
    if (routers[r].pool != pool || !routers[r].up) continue;
    if (best < 0 || routers[r].assigned < routers[best].assigned || (routers[r].assigned == routers[best].assigned && routers[r].tx_bytes < routers[best].tx_bytes)) best = r;
  }
  return best;
}

/* The gateway entry of physical server (mac), made if new; 0 when the table is full. */
static struct gateway *gateway_of(u32 hi, u32 lo)
{
  u32 g, free = MAX_GATEWAYS;
  for (g = 0; g < MAX_GATEWAYS; g++) {
    if (!gateways[g].used) {
      if (free == MAX_GATEWAYS) free = g;
      continue;
    }
    if (gateways[g].mac_lo == lo && gateways[g].mac_hi == hi) return &gateways[g];
  }
  if (free == MAX_GATEWAYS) return 0; /* the host sizes it for every server */
  gateways[free].used = 1;
  gateways[free].mac_hi = hi;
  gateways[free].mac_lo = lo;
  gateways[free].router = -1;
  return &gateways[free];
}

/* flow-switch.ts `assign`: points the server at router r. */
static void assign(struct gateway *g, s32 r)
{
  if (!g || g->router == r) return;
  if (g->router >= 0) routers[g->router].assigned--;
  routers[r].assigned++;
  g->router = r;
}

static void put_mac(u8 *b, u32 hi, u32 lo)
{
  b[0] = (u8)(hi >> 8);
  b[1] = (u8)hi;
  b[2] = (u8)(lo >> 24);
  b[3] = (u8)(lo >> 16);
  b[4] = (u8)(lo >> 8);
  b[5] = (u8)lo;
}

static void put32(u8 *b, u32 v)
{
  b[0] = (u8)(v >> 24);
  b[1] = (u8)(v >> 16);
  b[2] = (u8)(v >> 8);
  b[3] = (u8)v;
}

/* Turns the request into the reply (answer_mac has answer_ip), back out of its port. */
OP static s32 arp_reply(u8 *f, u32 ingress, u32 mac_hi, u32 mac_lo, u32 ip)
{
  u32 o = pf.l3, ahi = pf.arp_sender_mac_hi, alo = pf.arp_sender_mac_lo, aip = pf.arp_sender_ip;
  put_mac(f, ahi, alo);
  put_mac(f + 6, mac_hi, mac_lo);
  f[o + 6] = 0;
  f[o + 7] = ARP_REPLY;
  put_mac(f + o + 8, mac_hi, mac_lo);
  put32(f + o + 14, ip);
  put_mac(f + o + 18, ahi, alo);
  put32(f + o + 24, aip);
  counts[C_ARP_REPLIES]++;
  return (s32)ingress;
}

static s32 arp_drop(u32 cause)
{
  io.cause = cause;
  return VERDICT_DROP;
}

OP static s32 handle_arp(u8 *f, u32 ingress)
{
  int srv = server_at(-1, ingress, pf.arp_sender_mac_hi, pf.arp_sender_mac_lo);
  s32 c, r, port = server_mac_port(pf.dst_hi, pf.dst_lo);
  if (port >= 0) {
    /* ARP to a server: only a router's own answer, on its port, passes */
    if (!srv && router_answer(ingress)) return port;
    return arp_drop(srv ? CAUSE_ARP_ISOLATED : CAUSE_ARP_SPOOF_REJECTED);
  }
  if (spoofed(ingress, srv)) return arp_drop(CAUSE_ARP_SPOOF_REJECTED);
  if (pf.arp_op == ARP_REQUEST) {
    c = cluster_by_vip(pf.arp_target_ip);
    if (c >= 0) {
      /* proxy ARP: the virtual MAC, except to the cluster's own servers (isolation) */
      if (srv && server_at(c, ingress, pf.arp_sender_mac_hi, pf.arp_sender_mac_lo)) return arp_drop(CAUSE_ARP_ISOLATED);
      return arp_reply(f, ingress, clusters[c].vmac_hi, clusters[c].vmac_lo, clusters[c].vip);
    }
    r = router_by_ip(pf.arp_target_ip);
    if (r >= 0 && srv) {
      /* router pooling: the pool's router best able to take this server's load */
      struct gateway *g = gateway_of(pf.arp_sender_mac_hi, pf.arp_sender_mac_lo);
      s32 best;
      if (g) g->server_ip = pf.arp_sender_ip; /* the address it asks from (`serverIpOf`) */
      best = live_router(routers[r].pool, pf.arp_sender_ip);
      if (best < 0) return arp_drop(CAUSE_NO_LIVE_ROUTER);
      routers[best].arp_answers++;
      assign(g, best);
      return arp_reply(f, ingress, routers[best].mac_hi, routers[best].mac_lo, routers[r].ip);
    }
    return arp_drop(CAUSE_ARP_UNANSWERED);
  }
  if (pf.arp_op == ARP_REPLY) return VERDICT_NOT_PORTED; /* the answers to the switch's probes: the control plane's */
  return VERDICT_CONSUMED;
}
