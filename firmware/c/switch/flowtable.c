/*
 * The flow table: src/firmware/flow-table.ts, the same open addressing with linear probing, the
 * same arrays, the same deletion without tombstones (Knuth's Algorithm R), lazy reclaiming and
 * the amortised sweep. Times are picoseconds in 64 bits (the TypeScript's doubles hold integers).
 */
#define EMPTY 0
#define LIVE 1

/* flow-switch.ts `evicted`: the entry in `slot` stops being live; its server counts one flow less. */
static void evicted(u32 slot)
{
  u32 c = (u32)(s32)flows.cluster[slot], i = (u32)(s32)flows.server[slot];
  struct server *s;
  if (flows.flags[slot] & FLAG_DATAGRAM) return;
  if (c >= cfg.clusters || i >= clusters[c].servers) return;
  s = &servers[c][i];
  if (flows.gen[slot] != s->gen) return;
  if (flows.flags[slot] & (FLAG_SYN_ONLY | FLAG_CLOSING)) s->inactive--;
  else s->active--;
}

static int is_expired(u32 i, u64 now)
{
  return now - flows.last_seen[i] > flows.timeout[i];
}

static int matches(u32 i, const struct flow_key *k)
{
  return flows.proto[i] == k->proto && flows.src[i] == k->src && flows.dst[i] == k->dst && flows.ports[i] == k->ports;
}

static void copy_entry(u32 from, u32 to)
{
  flows.state[to] = flows.state[from];
  flows.proto[to] = flows.proto[from];
  flows.src[to] = flows.src[from];
  flows.dst[to] = flows.dst[from];
  flows.ports[to] = flows.ports[from];
  flows.cluster[to] = flows.cluster[from];
  flows.server[to] = flows.server[from];
  flows.gen[to] = flows.gen[from];
  flows.flags[to] = flows.flags[from];
  flows.last_seen[to] = flows.last_seen[from];
  flows.timeout[to] = flows.timeout[from];
}

/* Deletes slot i: later entries of the run move back so no look-up is broken. */
static void evict(u32 i, int expired)
{
  u32 mask = cfg.mask, hole = i, j;
  evicted(i);
  flows.live--;
  if (expired) flows.expired++;
  flows.state[hole] = EMPTY;
  for (j = (hole + 1) & mask; flows.state[j] != EMPTY; j = (j + 1) & mask) {
    u32 home = key_hash(flows.proto[j], flows.src[j], flows.dst[j], flows.ports[j]) & mask;
    int between = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
    if (between) continue;
    copy_entry(j, hole);
    flows.state[j] = EMPTY;
    hole = j;
  }
}

/* The slot of the live entry for k, or -1 (an expired entry for k is reclaimed). */
OP static s32 ft_find(const struct flow_key *k, u32 hash, u64 now)
{
  u32 mask = cfg.mask, i = hash & mask, n;
  for (n = 1; n <= mask + 1; i = (i + 1) & mask, n++) {
    if (flows.state[i] == EMPTY) return -1;
    if (matches(i, k)) {
      if (!is_expired(i, now)) return (s32)i;
      evict(i, 1);
      return -1;
    }
  }
  return -1;
}

OP static s32 ft_insert(const struct flow_key *k, u32 hash, u32 cluster, u32 server, u32 gen, u32 fl, u64 now, u64 timeout)
{
  u32 mask = cfg.mask, i = hash & mask, n;
  for (n = 1; n <= mask + 1; i = (i + 1) & mask, n++) {
    int free = flows.state[i] == EMPTY;
    if (!free && !is_expired(i, now)) continue;
    if (!free) {
      /* an expired entry on the way: its slot is reused in place */
      evicted(i);
      flows.live--;
      flows.expired++;
    } else if (flows.live >= cfg.capacity) break;
    flows.state[i] = LIVE;
    flows.proto[i] = (u8)k->proto;
    flows.src[i] = k->src;
    flows.dst[i] = k->dst;
    flows.ports[i] = k->ports;
    flows.cluster[i] = (s16)cluster;
    flows.server[i] = (s16)server;
    flows.gen[i] = gen;
    flows.flags[i] = (u8)fl;
    flows.last_seen[i] = now;
    flows.timeout[i] = timeout;
    flows.live++;
    flows.inserts++;
    return (s32)i;
  }
  flows.full_rejects++;
  return -1;
}

static void ft_remove(u32 slot)
{
  if (flows.state[slot] == LIVE) {
    evict(slot, 0);
    flows.removed++;
  }
}

OP static void ft_sweep(u64 now, u32 n)
{
  u32 k;
  for (k = 0; k < n; k++) {
    u32 i = flows.cursor;
    if (flows.state[i] == LIVE && is_expired(i, now)) evict(i, 1);
    else flows.cursor = (i + 1) & cfg.mask;
  }
  flows.swept += n;
}
