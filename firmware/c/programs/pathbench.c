/*
 * A stand-in for the switch's per-frame path, for the interpreter's speed benchmark and the
 * cache tests (the real path will be ported from the TypeScript firmware later): frames are
 * written into a ring of buffers at offset 2 (as a controller would leave them), then each is
 * parsed (Ethernet, IPv4, ports), hashed, looked up in a flow table (inserted on a miss, with a
 * server chosen from the hash), its destination MAC rewritten from the server table, and
 * per-server and per-flow counters updated.
 * In: params[0] frames, params[1] distinct flows, params[2] seed, params[3] servers (<= 16).
 * Out: results[0] new flows, results[1] frames of known flows, results[2] a digest of the
 * rewritten frames; per_server[].
 */
#include "isa.h"
#include "lcg.h"

#define RING 32
#define BUFBYTES 256
#define BUCKETS 2048
#define POOL 4096

struct __attribute__((packed)) eth { u8 dst[6], src[6]; u16 type; };
struct __attribute__((packed)) ipv4 { u8 vhl, tos; u16 len, id, frag; u8 ttl, proto; u16 csum; u32 saddr, daddr; };
struct __attribute__((packed)) ports { u16 sport, dport; };
struct __attribute__((packed)) mac { u32 hi; u16 lo; };

struct flow {
  u32 saddr, daddr, ports;
  u32 server;
  u32 packets, bytes;
  struct flow *next;
};

HOST_INPUT u32 params[4];
u32 results[4];
u32 per_server[16];
u8 ring[RING][BUFBYTES] __attribute__((aligned(32)));
struct flow *buckets[BUCKETS];
struct flow pool[POOL];
u32 used;
u8 server_mac[16][8] __attribute__((aligned(4)));

static u32 hash3(u32 a, u32 b, u32 c)
{
  u32 h = a ^ (b << 7 | b >> 25) ^ c;
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  return h;
}

static void write_frame(u8 *f, u32 saddr, u32 daddr, u32 ports, u32 len)
{
  struct eth *e = (struct eth *)f;
  struct ipv4 *ip = (struct ipv4 *)(f + 14);
  struct ports *p = (struct ports *)(f + 34);
  ((struct mac *)e->dst)->hi = 0x02000000u;
  ((struct mac *)e->dst)->lo = 0x0001;
  ((struct mac *)e->src)->hi = saddr;
  ((struct mac *)e->src)->lo = 0x0002;
  e->type = 0x0800;
  ip->vhl = 0x45;
  ip->tos = 0;
  ip->len = (u16)(len - 14);
  ip->id = (u16)saddr;
  ip->frag = 0;
  ip->ttl = 64;
  ip->proto = 6;
  ip->csum = 0;
  ip->saddr = saddr;
  ip->daddr = daddr;
  p->sport = (u16)(ports >> 16);
  p->dport = (u16)ports;
}

static u32 handle_frame(u8 *f, u32 len, u32 servers)
{
  struct eth *e = (struct eth *)f;
  struct ipv4 *ip;
  struct flow *fl;
  u32 h, saddr, daddr, pt, b, s;
  if (e->type != 0x0800) return 0;
  ip = (struct ipv4 *)(f + 14);
  if ((ip->vhl >> 4) != 4 || ip->proto != 6) return 0;
  saddr = ip->saddr;
  daddr = ip->daddr;
  pt = ((struct __attribute__((packed)) { u32 v; } *)(f + 14 + (ip->vhl & 15) * 4))->v;
  h = hash3(saddr, daddr, pt);
  b = h & (BUCKETS - 1);
  for (fl = buckets[b]; fl; fl = fl->next)
    if (fl->saddr == saddr && fl->daddr == daddr && fl->ports == pt) break;
  if (!fl) {
    if (used == POOL) return 0;
    fl = &pool[used++];
    fl->saddr = saddr;
    fl->daddr = daddr;
    fl->ports = pt;
    fl->server = (h >> 16) % servers;
    fl->packets = 0;
    fl->bytes = 0;
    fl->next = buckets[b];
    buckets[b] = fl;
    results[0]++;
  } else {
    results[1]++;
  }
  fl->packets++;
  fl->bytes += len;
  s = fl->server;
  per_server[s]++;
  ((struct mac *)e->dst)->hi = *(u32 *)server_mac[s];
  ((struct mac *)e->dst)->lo = *(u16 *)(server_mac[s] + 4);
  return s + 1;
}

int main(void)
{
  u32 frames = params[0], flows = params[1], servers = params[3], i, digest = 0;
  u32 s = params[2];
  for (i = 0; i < servers; i++) {
    *(u32 *)server_mac[i] = 0x02aa0000u | i;
    *(u16 *)(server_mac[i] + 4) = (u16)(0x1000 + i);
  }
  for (i = 0; i < frames; i++) {
    u32 r = lcg_next(&s);
    u32 k = (r >> 8) % flows;
    u32 saddr = 0xc0a80000u + k, daddr = 0x0a000001u + (k & 3), pt = k * 2654435761u;
    u32 len = 64 + (r & 127);
    u8 *f = ring[i & (RING - 1)] + 2;
    write_frame(f, saddr, daddr, pt, len);
    digest = digest * 31 + handle_frame(f, len, servers);
    digest ^= *(u32 *)(f - 2) ^ *(u16 *)(f + 4);
  }
  results[2] = digest;
  return (int)results[0];
}
