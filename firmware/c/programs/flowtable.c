/*
 * A flow table as the switch's per-frame path will use it: a 5-tuple hash (shifts, xors and one
 * multiply), bucket chains of entries from a static pool, insert on miss and look-up.
 * In: params[0] flows to insert, params[1] look-ups, params[2] seed, params[3] bucket mask
 * (a power of two minus one, at most BUCKETS - 1). Out: results[] (hits, misses, sum of the
 * servers found, longest chain walked).
 */
#include "isa.h"
#include "lcg.h"

#define BUCKETS 4096
#define POOL 8192

struct flow {
  u32 saddr, daddr;
  u16 sport, dport;
  u8 proto, pad[3];
  u32 server;
  u32 packets;
  struct flow *next;
};

HOST_INPUT u32 params[4];
u32 results[4];
struct flow *buckets[BUCKETS];
struct flow pool[POOL];
u32 used;

u32 flow_hash(u32 saddr, u32 daddr, u32 ports, u32 proto)
{
  u32 h = saddr ^ (daddr << 7 | daddr >> 25) ^ ports ^ (proto << 24);
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  return h;
}

static struct flow *lookup(u32 saddr, u32 daddr, u32 ports, u32 proto, u32 mask, u32 *walked)
{
  struct flow *f = buckets[flow_hash(saddr, daddr, ports, proto) & mask];
  u32 n = 0;
  for (; f; f = f->next) {
    n++;
    if (f->saddr == saddr && f->daddr == daddr && ((u32)f->sport << 16 | f->dport) == ports && f->proto == proto) break;
  }
  *walked = n;
  return f;
}

static struct flow *insert(u32 saddr, u32 daddr, u32 ports, u32 proto, u32 mask)
{
  struct flow *f;
  u32 b;
  if (used == POOL) return 0;
  f = &pool[used];
  f->saddr = saddr;
  f->daddr = daddr;
  f->sport = ports >> 16;
  f->dport = ports & 0xffff;
  f->proto = proto;
  f->server = used % 7;
  f->packets = 0;
  b = flow_hash(saddr, daddr, ports, proto) & mask;
  f->next = buckets[b];
  buckets[b] = f;
  used++;
  return f;
}

int main(void)
{
  u32 mask = params[3], seed = params[2], i, walked, longest = 0;
  u32 hits = 0, misses = 0, servers = 0;
  u32 s = seed;
  for (i = 0; i < params[0]; i++) {
    u32 saddr = lcg_next(&s), ports = lcg_next(&s);
    u32 daddr = 0x0a000001u + (saddr & 3);
    struct flow *f = lookup(saddr, daddr, ports, 6, mask, &walked);
    if (!f) insert(saddr, daddr, ports, 6, mask);
  }
  s = seed;
  for (i = 0; i < params[1]; i++) {
    /* every other look-up replays an inserted key; the rest are new keys */
    u32 saddr, ports, daddr;
    struct flow *f;
    if (i & 1) {
      saddr = lcg_next(&s);
      ports = lcg_next(&s);
    } else {
      saddr = 0xc0a80000u + i;
      ports = i * 2654435761u;
    }
    daddr = 0x0a000001u + (saddr & 3);
    f = lookup(saddr, daddr, ports, 6, mask, &walked);
    if (walked > longest) longest = walked;
    if (f) {
      hits++;
      servers += f->server;
      f->packets++;
    } else {
      misses++;
    }
  }
  results[0] = hits;
  results[1] = misses;
  results[2] = servers;
  results[3] = longest;
  return hits;
}
