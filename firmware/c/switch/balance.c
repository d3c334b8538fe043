/*
 * balanceRound (cluster.ts `balanceRound`, flow-switch.ts's periodic CPU job): the patent's
 * optimal-workload routine (Fig 4B stage 435). Each server's workload is its load agent's figure
 * when every eligible server has reported one and they are not all zero, else the flows it holds
 * (IPVS's count: an established flow 256, a SYN-only or closing one 1); one flow's share of
 * workload is the total load over the total flows (over the servers when no flow is held; one
 * flow when counting flows). The R4700 has no FPU and the firmware no floating point: workloads
 * are integers (milli-load, or 1/256 flows) and the share is 48.16 fixed point: DIVU (32 bits)
 * for its integer part, shift and subtract for the fraction.
 */
HOST_INPUT struct ow_cluster ow_clusters[4] __attribute__((aligned(32)));

/*
 * floor(a * 2^s / d), a < 2^32, 0 < d, s <= 24: DIVU for the integer part and its remainder, then
 * the s fraction bits by shift and subtract on the remainder (r < d: r * 2 fits 33 bits, the
 * carry is the 33rd).
 */
static inline u64 div_shifted(u32 a, u32 s, u32 d)
{
  u32 q = a / d, r = a % d, f = 0, i, c;
  for (i = 0; i < s; i++) {
    c = r >> 31;
    r <<= 1;
    f <<= 1;
    if (c || r >= d) {
      r -= d;
      f |= 1;
    }
  }
  return ((u64)q << s) | f;
}

static inline u32 eligible(const struct ow_server *s)
{
  return (s->flags & (OW_UP | OW_REMOVED | OW_DRAINING)) == OW_UP && s->weight > 0;
}

/* One round for cluster c. Returns the share's integer part (workload units per flow). */
OP u32 balance_round(u32 c)
{
  struct ow_cluster *cl = &ow_clusters[c];
  u32 i, n = 0, reported = 1, load_sum = 0, conn_sum = 0, by_load;
  u64 q;
  for (i = 0; i < cl->n; i++) {
    const struct ow_server *s = &cl->s[i];
    if (!eligible(s)) continue;
    n++;
    if (!(s->flags & OW_REPORTED)) reported = 0;
    load_sum += s->load_milli;
    conn_sum += (s->active << 8) + s->inactive;
  }
  by_load = reported && n > 0 && load_sum > 0;
  if (!by_load) q = 256 << 16; /* one flow is 256 connection units */
  else if (conn_sum > 0) q = div_shifted(load_sum, 24, conn_sum); /* load per flow, 16.16: load_sum / (conn_sum / 256) */
  else q = div_shifted(load_sum, 16, n);
  cl->by_load = by_load;
  cl->unit_q16 = q;
  for (i = 0; i < cl->n; i++) {
    const struct ow_server *s = &cl->s[i];
    cl->base[i] = by_load ? s->load_milli : (s->active << 8) + s->inactive;
    cl->given[i] = 0;
  }
  return (u32)(q >> 16);
}
