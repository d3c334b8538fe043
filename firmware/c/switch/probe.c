/*
 * healthProbe (probes.ts HealthProbes `send`): build one probe frame of the target's kind in a
 * transmit buffer (ARP "who has", ICMP echo, TCP SYN, or the load agent's UDP query: net/write.ts's
 * and codec/arp.ts's frames, byte for byte), take a token for it, write its lines back, post it to
 * the target's port (TX_REGS, an assumed layout: control.h) and record its deadline
 * (ProbeTarget `record`). Tokens are 14 bits, owned by a target from the send until the answer or
 * the failure; token_owner holds the owner's id + 1 (0: free, so the image's zeroes start free).
 */

HOST_INPUT struct probe_target targets[MAX_TARGETS] __attribute__((aligned(32)));
HOST_INPUT struct port_stat port_stats[MAX_PORTS];
HOST_INPUT u16 token_owner[TOKENS];
HOST_INPUT u8 tx_buf[TX_BUFFERS][TX_BUFFER_BYTES] __attribute__((aligned(32)));
/* the transmit buffers free (a stack of indexes; the controller's transmit-done returns them) */
HOST_INPUT struct {
  u32 count;
  u32 free[TX_BUFFERS];
} tx_pool;
/* the switch's IP address, the probes' IP id, the next token to try, probes not sent for want of a buffer */
HOST_INPUT struct {
  u32 switch_ip, ip_id, next_token, no_buffer;
} probe_state;

static inline void put16(u8 *b, u32 o, u32 v)
{
  *(u16a *)(b + o) = (u16)v;
}

/* a MAC (hi: its top 16 bits) at a halfword-aligned offset */
static inline void put_mac(u8 *b, u32 o, u32 hi, u32 lo)
{
  put16(b, o, hi);
  put16(b, o + 2, lo >> 16);
  put16(b, o + 4, lo);
}

/* one's-complement sum of the halfwords of b[o, o + n) (n even, o even), added to sum, folded, complemented */
static u32 csum(const u8 *b, u32 o, u32 n, u32 sum)
{
  const u16a *w = (const u16a *)(b + o);
  for (; n > 0; n -= 2) sum += *w++;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return ~sum & 0xffff;
}

/* Ethernet II + a 20-byte IPv4 header (DF, TTL 64) with its checksum: net/write.ts writeEthIpv4. f: the frame. */
static void eth_ip(u8 *f, const struct probe_target *t, u32 proto, u32 l4len, u32 id)
{
  u32 src = probe_state.switch_ip;
  put_mac(f, 0, t->mac_hi, t->mac_lo);
  put_mac(f, 6, t->from_hi, t->from_lo);
  put16(f, 12, 0x0800);
  put16(f, 14, 0x4500);
  put16(f, 16, 20 + l4len);
  put16(f, 18, id);
  put16(f, 20, 0x4000);
  put16(f, 22, (64 << 8) | proto);
  put16(f, 24, 0);
  put16(f, 26, src >> 16);
  put16(f, 28, src);
  put16(f, 30, t->ip >> 16);
  put16(f, 32, t->ip);
  put16(f, 24, csum(f, 14, 20, 0));
}

/* zeroes f[from, 60): the padding to the Ethernet minimum */
static void pad60(u8 *f, u32 from)
{
  for (; from < 60; from += 2) put16(f, from, 0);
}

/* probes.ts `takeToken` */
static u32 take_token(u32 id)
{
  u32 t = probe_state.next_token, k;
  for (k = 0; k < TOKENS && token_owner[t] != 0; k++) t = (t + 1) & (TOKENS - 1);
  probe_state.next_token = (t + 1) & (TOKENS - 1);
  token_owner[t] = id + 1;
  return t;
}

/* health_fail (probetimer.c): the health machine's PROBE_FAIL */
static void health_fail(struct probe_target *t);
static void probe_fail(struct probe_target *t);

/* ProbeTarget `record`: a probe sent at now with `token`; a full ring fails its oldest probe first */
static void probe_record(struct probe_target *t, s32 token, u64 now)
{
  u32 n = t->ring_len, i;
  if (t->count == n) probe_fail(t);
  i = t->head + t->count;
  if (i >= n) i -= n;
  t->deadline[i] = now + (((u64)t->timeout_hi << 32) | t->timeout_lo);
  t->token[i] = token;
  t->answered[i] = 0;
  t->received0[i] = port_stats[t->port].received;
  t->lost0[i] = port_stats[t->port].lost;
  t->count++;
  t->sent++;
  if (t->count == 1) {
    t->timer = t->deadline[i];
    t->timer_armed = 1;
  }
}

/* Sends one probe to target `ti` at time now (ps, hi:lo). Returns the frame's length, 0 when none was sent. */
OP u32 probe_send(u32 ti, u32 now_hi, u32 now_lo)
{
  struct probe_target *t = &targets[ti];
  u8 *buf, *f;
  u32 b, id, a, o = 34;
  s32 token;
  if (t->retired) return 0;
  if (tx_pool.count == 0) {
    probe_state.no_buffer++; /* no buffer: this round's probe is not sent (and cannot fail) */
    return 0;
  }
  b = tx_pool.free[--tx_pool.count];
  buf = tx_buf[b];
  f = buf + TX_FRAME_OFFSET;
  token = t->kind == PROBE_ARP ? -1 : (s32)take_token(t->id);
  id = probe_state.ip_id = (probe_state.ip_id + 1) & 0xffff;
  switch (t->kind) {
  case PROBE_ARP:
    /* "who has <ip>?", unicast to the target, sender IP 0 (RFC 5227): codec/arp.ts writeArpFrame */
    put_mac(f, 0, t->mac_hi, t->mac_lo);
    put_mac(f, 6, t->from_hi, t->from_lo);
    put16(f, 12, 0x0806);
    put16(f, 14, 1);
    put16(f, 16, 0x0800);
    put16(f, 18, 0x0604);
    put16(f, 20, 1);
    put_mac(f, 22, t->from_hi, t->from_lo);
    put16(f, 28, 0);
    put16(f, 30, 0);
    put_mac(f, 32, 0, 0);
    put16(f, 38, t->ip >> 16);
    put16(f, 40, t->ip);
    pad60(f, 42);
    break;
  case PROBE_ICMP:
    /* echo request, identifier = token, sequence 1, 8 zero bytes: net/write.ts writeIcmpEcho */
    eth_ip(f, t, 1, 16, id);
    put16(f, o, 0x0800);
    put16(f, o + 2, 0);
    put16(f, o + 4, token);
    put16(f, o + 6, 1);
    pad60(f, o + 8);
    put16(f, o + 2, csum(f, o, 16, 0));
    break;
  case PROBE_TCP:
    /* SYN from port 49152 + token, sequence number token, window 1024: net/write.ts writeTcp */
    eth_ip(f, t, 6, 20, id);
    put16(f, o, PROBE_PORT_BASE + token);
    put16(f, o + 2, t->l4port);
    put16(f, o + 4, 0);
    put16(f, o + 6, token);
    put16(f, o + 8, 0);
    put16(f, o + 10, 0);
    put16(f, o + 12, 0x5002);
    put16(f, o + 14, 1024);
    put16(f, o + 16, 0);
    put16(f, o + 18, 0);
    pad60(f, o + 20);
    a = probe_state.switch_ip;
    put16(f, o + 16, csum(f, o, 20, (a >> 16) + (a & 0xffff) + (t->ip >> 16) + (t->ip & 0xffff) + 6 + 20));
    break;
  default:
    /* the load agent's query: UDP from port 49152 + token, 4 zero bytes: net/write.ts writeUdp */
    eth_ip(f, t, 17, 12, id);
    put16(f, o, PROBE_PORT_BASE + token);
    put16(f, o + 2, t->l4port);
    put16(f, o + 4, 12);
    put16(f, o + 6, 0);
    pad60(f, o + 8);
    a = probe_state.switch_ip;
    a = csum(f, o, 12, (a >> 16) + (a & 0xffff) + (t->ip >> 16) + (t->ip & 0xffff) + 17 + 12);
    put16(f, o + 6, a ? a : 0xffff);
    break;
  }
  /* the controller reads the frame from DRAM: write its lines back (CACHE Hit_Writeback_D), then post it */
  for (a = (u32)buf & ~31u; a < (u32)f + 60; a += 32) __asm__ volatile("cache 0x19, 0(%0)" : : "r"(a) : "memory");
  DEV32(TX_REGS + TX_ADDR) = (u32)f & 0x1fffffff;
  DEV32(TX_REGS + TX_POST) = (t->port << 24) | 60;
  probe_record(t, token, ((u64)now_hi << 32) | now_lo);
  return 60;
}
