/*
 * Frame headers at the alignment they arrive with: an Ethernet header at a buffer offset of 2
 * puts the IPv4 addresses at odd halfwords, so GCC reads packed fields with LWL/LWR and writes
 * them with SWL/SWR. Parses Ethernet (and an 802.1Q tag), IPv4 and the TCP/UDP ports, rewrites
 * the destination MAC (the switch's only change to a frame), and sums signed bytes (LB) and
 * halfwords (LH) for sign-extension coverage.
 * In: frame[] (at offset 2 of buf), frame_len, new_mac[6]. Out: results[].
 */
#include "isa.h"

struct __attribute__((packed)) eth { u8 dst[6], src[6]; u16 type; };
struct __attribute__((packed)) ipv4 { u8 vhl, tos; u16 len, id, frag; u8 ttl, proto; u16 csum; u32 saddr, daddr; };
struct __attribute__((packed)) mac { u32 hi; u16 lo; };

HOST_INPUT u8 buf[2048] __attribute__((aligned(4)));
HOST_INPUT u32 frame_len;
HOST_INPUT u8 new_mac[8] __attribute__((aligned(4)));
u32 results[8];

int main(void)
{
  u8 *frame = buf + 2;
  struct eth *e = (struct eth *)frame;
  u32 off = sizeof(struct eth), type = e->type, i;
  struct ipv4 *ip;
  s32 sbytes = 0, shalves = 0;
  const signed char *sb = (const signed char *)frame;
  const short *sh = (const short *)(frame + 2);

  if (type == 0x8100) {
    type = *(u16 *)(frame + 16);
    off += 4;
  }
  ip = (struct ipv4 *)(frame + off);
  results[0] = type;
  results[1] = ip->saddr;
  results[2] = ip->daddr;
  if (type == 0x0800 && (ip->proto == 6 || ip->proto == 17)) {
    u32 l4 = off + (ip->vhl & 15) * 4;
    results[3] = ((struct __attribute__((packed)) { u32 p; } *)(frame + l4))->p;
  } else {
    results[3] = 0;
  }
  ((struct mac *)e->dst)->hi = *(u32 *)new_mac;
  ((struct mac *)e->dst)->lo = *(u16 *)(new_mac + 4);
  for (i = 0; i < frame_len; i++) sbytes += sb[i];
  for (i = 0; i + 1 < frame_len / 2; i++) shalves += sh[i];
  results[4] = (u32)sbytes;
  results[5] = (u32)shalves;
  results[6] = ip->ttl;
  results[7] = ip->proto;
  return (int)type;
}
