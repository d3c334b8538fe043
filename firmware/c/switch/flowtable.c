/*
 * The flow table: src/firmware/flow-table.ts, the same open addressing with linear probing, the
 * same deletion without tombstones (Knuth's Algorithm R), lazy reclaiming and the amortised
 * sweep, in table-cost.ts's layout (switch.h): an entry of 24 bytes per slot, then the packed
 * expiry words. An entry expires when now passes its expiry word, last seen + its idle timeout
 * in picoseconds (64 bits; the TypeScript's `now - lastSeen > timeout` on doubles holding integers).
 * An empty slot's expiry word is 0 (a live entry's is at least its timeout, > 0), so that the sweep
 * reads only the expiry words, as table-cost.ts records it; look-ups read the entry's state.
 */
#define EMPTY 0
#define LIVE 1

/* The expiry words: after the cfg.mask + 1 entries. */
static inline u64 *expiry_words(void)
{
  return (u64 *)(void *)&flows.entry[cfg.mask + 1];
}

/* flow-switch.ts `evicted`: the entry `e` stops being live; its server counts one flow less. */
static void evicted(const struct flow_entry *e)
{
  u32 c = (u32)(s32)e->cluster, i = (u32)(s32)e->server;
  struct server *s;
  if (e->flags & FLAG_DATAGRAM) return;
  if (c >= cfg.clusters || i >= clusters[c].servers) return;
  s = &servers[c][i];
  if (e->gen != s->gen) return;
  if (e->flags & (FLAG_SYN_ONLY | FLAG_CLOSING)) s->inactive--;
  else s->active--;
}

static int matches(const struct flow_entry *e, const struct flow_key *k)
{
  return e->proto == k->proto && e->src == k->src && e->dst == k->dst && e->ports == k->ports;
}

/* Deletes slot i: later entries of the run move back so no look-up is broken. */
static void evict(u32 i, int expired)
{
  u32 mask = cfg.mask, hole = i, j;
  u64 *ex = expiry_words();
  evicted(&flows.entry[i]);
  flows.live--;
  if (expired) flows.expired++;
  flows.entry[hole].state = EMPTY;
  for (j = (hole + 1) & mask; flows.entry[j].state != EMPTY; j = (j + 1) & mask) {
    const struct flow_entry *e = &flows.entry[j];
    u32 home = key_hash(e->proto, e->src, e->dst, e->ports) & mask;
    int between = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
    if (between) continue;
    flows.entry[hole] = *e;
    ex[hole] = ex[j];
    flows.entry[j].state = EMPTY;
    hole = j;
  }
  ex[hole] = 0;
}

/* The slot of the live entry for k, or -1 (an expired entry for k is reclaimed). */
OP static s32 ft_find(const struct flow_key *k, u32 hash, u64 now)
{
  u32 mask = cfg.mask, i = hash & mask, n;
  for (n = 1; n <= mask + 1; i = (i + 1) & mask, n++) {
    const struct flow_entry *e = &flows.entry[i];
    if (e->state == EMPTY) return -1;
    if (matches(e, k)) {
      if (now <= expiry_words()[i]) return (s32)i;
      evict(i, 1);
      return -1;
    }
  }
  return -1;
}

/* Inserts k with the idle timeout cfg.timeouts[tclass]. */
OP static s32 ft_insert(const struct flow_key *k, u32 hash, u32 cluster, u32 server, u32 gen, u32 fl, u64 now, u32 tclass)
{
  u32 mask = cfg.mask, i = hash & mask, n;
  u64 *ex = expiry_words();
  for (n = 1; n <= mask + 1; i = (i + 1) & mask, n++) {
    struct flow_entry *e = &flows.entry[i];
    int free = e->state == EMPTY;
    if (!free && now <= ex[i]) continue;
    if (!free) {
      /* an expired entry on the way: its slot is reused in place */
      evicted(e);
      flows.live--;
      flows.expired++;
    } else if (flows.live >= cfg.capacity) break;
    e->state = LIVE;
    e->proto = (u8)k->proto;
    e->src = k->src;
    e->dst = k->dst;
    e->ports = k->ports;
    e->cluster = (s16)cluster;
    e->server = (s16)server;
    e->gen = gen;
    e->flags = (u8)fl;
    e->tclass = (u8)tclass;
    ex[i] = now + cfg.timeouts[tclass];
    flows.live++;
    flows.inserts++;
    return (s32)i;
  }
  flows.full_rejects++;
  return -1;
}

/* flow-table.ts `touch`: the flow was seen at `now`. */
static void ft_touch(u32 slot, u64 now)
{
  expiry_words()[slot] = now + cfg.timeouts[flows.entry[slot].tclass];
}

/* The entry's idle timeout becomes cfg.timeouts[tclass] (flow-table.ts `setTimeout`), counted from when it was last seen. */
static void ft_set_timeout(u32 slot, u32 tclass)
{
  struct flow_entry *e = &flows.entry[slot];
  u64 *ex = expiry_words();
  ex[slot] = ex[slot] - cfg.timeouts[e->tclass] + cfg.timeouts[tclass];
  e->tclass = (u8)tclass;
}

static void ft_remove(u32 slot)
{
  if (flows.entry[slot].state == LIVE) {
    evict(slot, 0);
    flows.removed++;
  }
}

OP static void ft_sweep(u64 now, u32 n)
{
  u32 k;
  for (k = 0; k < n; k++) {
    u32 i = flows.cursor;
    u64 x = expiry_words()[i];
    if (x != 0 && now > x) evict(i, 1);
    else flows.cursor = (i + 1) & cfg.mask;
  }
  flows.swept += n;
}
