/* A new flow's server: src/firmware/cluster.ts `choose` (all but the optimal-workload policy). */
static int eligible(const struct server *s)
{
  return !s->removed && s->up && !s->draining && s->weight > 0;
}

/* IPVS's connection count: an established flow weighs 256 inactive ones. */
static s32 connections(const struct server *s)
{
  return s->active * 256 + s->inactive;
}

OP static s32 choose(u32 c, u32 hash)
{
  struct cluster *cl = &clusters[c];
  struct server *ss = servers[c];
  u32 n = cl->servers, i;
  s32 best = -1;
  switch (cl->policy) {
  case POLICY_CONSISTENT_HASH:
    return maglev[c][hash % cl->maglev_size];
  case POLICY_ROUND_ROBIN:
    for (i = 0; i < n; i++) {
      u32 k = (cl->rr + i) % n;
      if (eligible(&ss[k])) {
        cl->rr = (k + 1) % n;
        return (s32)k;
      }
    }
    return -1;
  case POLICY_WRR: {
    /* smooth weighted round robin (nginx): add weights, take the largest credit, subtract the total */
    s32 total = 0;
    for (i = 0; i < n; i++) {
      if (!eligible(&ss[i])) continue;
      ss[i].wrr_credit += (s32)ss[i].weight;
      total += (s32)ss[i].weight;
      if (best < 0 || ss[i].wrr_credit > ss[best].wrr_credit) best = (s32)i;
    }
    if (best >= 0) ss[best].wrr_credit -= total;
    return best;
  }
  case POLICY_LC:
  case POLICY_WLC: {
    /* lowest connections (per weight: a/wa < b/wb as a x wb < b x wa, exact in integers) */
    int weighted = cl->policy == POLICY_WLC;
    s32 bc = 0, bw = 1;
    for (i = 0; i < n; i++) {
      s32 conn;
      if (!eligible(&ss[i])) continue;
      conn = connections(&ss[i]);
      if (best < 0 || (weighted ? (long long)conn * bw < (long long)bc * (s32)ss[i].weight : conn < bc)) {
        best = (s32)i;
        bc = conn;
        bw = (s32)ss[i].weight;
      }
    }
    return best;
  }
  default:
    return -1;
  }
}
