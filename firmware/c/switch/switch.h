/*
 * The switch's per-frame path in C: limits, codes and the memory the host shares with it.
 * Every table is HOST_INPUT (crt0 leaves it alone, so it persists between calls); the host
 * (test/hw/isa/switch-image.ts) writes the configuration and the control plane's decisions at the
 * addresses the linker map gives these symbols. Codes mirror src/firmware: DROP_CAUSES
 * (drop-causes.ts), FW_PATHS (paths.ts), POLICIES (config.ts).
 */
#ifndef SWITCH_H
#define SWITCH_H

#include "types.h"

#define MAX_CLUSTERS 4
#define MAX_ROUTERS 8
#define MAX_POOLS 4
#define MAX_GATEWAYS 64 /* physical servers that asked for a gateway */
#define MAX_SERVERS 16 /* per cluster */
#define MAX_SLOTS 131072 /* flow-table slots (a power of two; the host sets the mask): config.ts's default 65,536 flows */
#define MAX_MAGLEV 65537 /* entries per cluster (the host sets each cluster's prime size): config.ts's default */
#define FRAME_BYTES 1536

/* DROP_CAUSES indexes */
#define CAUSE_MALFORMED 0
#define CAUSE_NO_LIVE_SERVER 1
#define CAUSE_NO_LIVE_ROUTER 2
#define CAUSE_ARP_SPOOF_REJECTED 3
#define CAUSE_ARP_ISOLATED 4
#define CAUSE_ARP_UNANSWERED 5
#define CAUSE_UNKNOWN_DESTINATION 6
#define CAUSE_BROADCAST_ISOLATED 7
#define CAUSE_SERVER_MAC_FROM_ROUTER_SIDE 9
#define CAUSE_NOT_FOR_VIP 8
#define CAUSE_FRAGMENT_UNMATCHED 11
/* FW_PATHS indexes */
#define PATH_ESTABLISHED 0
#define PATH_NEW_FLOW 1
#define PATH_ARP 2
#define PATH_REDIRECT 4
#define PATH_OTHER 5
/* POLICIES indexes (config.ts) */
#define POLICY_OPTIMAL_WORKLOAD 0
#define POLICY_ROUND_ROBIN 1
#define POLICY_WRR 2
#define POLICY_LC 3
#define POLICY_WLC 4
#define POLICY_CONSISTENT_HASH 5

/* cluster modes, server roles (cluster.ts) */
#define MODE_BALANCE 0
#define MODE_AVAILABILITY 1
#define ROLE_PRIMARY 1

/* verdicts (io.verdict): a port number >= 0, or */
#define VERDICT_DROP -1
#define VERDICT_CONSUMED -2 /* cpu-board.ts Verdict.Consumed */
#define VERDICT_NOT_PORTED -3

/* IP protocols, TCP flags (src/net/codec/l4.ts) */
#define P_ICMP 1
#define P_TCP 6
#define P_UDP 17
#define P_ESP 50
#define P_AH 51
#define TCP_FIN 1
#define TCP_SYN 2
#define TCP_RST 4
#define TCP_ACK 16

/* flow-table entry flags (flow-table.ts FlowFlag) */
#define FLAG_SYN_ONLY 1
#define FLAG_CLOSING 2
#define FLAG_DATAGRAM 4

#define SOURCE_KEY 0
#define DATAGRAM_KEY 255

/* timeouts[] indexes (ps) */
enum { T_SYN, T_TCP, T_UDP, T_ESP, T_OTHER, T_FIN, T_FRAGMENT, T_COUNT };

/* The call: the host writes the frame (at frame_buf + 2, so the IP header is word-aligned) and its length, ingress and time; main() writes the rest. */
struct switch_io {
  u32 len;
  u32 ingress;
  u64 now; /* ps */
  s32 verdict; /* out: the egress port, VERDICT_DROP or VERDICT_NOT_PORTED */
  s32 cluster; /* out: the cluster (-1: none) */
  s32 server; /* out: the server index in it (-1: none) */
  u32 cause; /* out: the drop cause */
  u32 path; /* out: FW_PATHS */
  s32 correct_router; /* out: the router to re-announce the cluster's virtual MAC to (-1: none) */
  u32 pad;
};

/* Switch-wide configuration. */
struct switch_config {
  u32 clusters;
  u32 mask; /* flow-table slots - 1 */
  u32 capacity; /* flows held at most */
  u32 sweep_slots;
  u32 switch_ip;
  u32 switch_mac_hi, switch_mac_lo; /* top 16 bits, low 32 bits */
  u32 routers;
  u64 timeouts[T_COUNT];
};

/* Per cluster (host-written, except rr and the credits, which the path keeps). */
struct cluster {
  u32 vmac_hi, vmac_lo;
  u32 vip;
  u32 policy;
  u32 ipsec_by_client;
  u32 servers;
  u32 maglev_size;
  u32 rr; /* round robin's next server (the path's) */
  u32 packets, bytes, flows, drops; /* stats (the path's) */
  u32 mode; /* MODE_BALANCE or MODE_AVAILABILITY */
  u32 pad[3];
};

/* Per server (host-written: mac, port, weight, up, removed, draining, gen; the path's: the counts). */
struct server {
  u32 mac_hi, mac_lo;
  u32 port;
  u32 weight;
  u32 up;
  u32 removed;
  u32 draining;
  u32 gen;
  s32 active, inactive; /* flows in the table, as IPVS counts them */
  s32 wrr_credit; /* smooth WRR's credit */
  u32 packets, bytes, flows;
  u32 role; /* ROLE_PRIMARY or not (availability mode: the control plane's availability machine decides) */
  u32 pad;
};

/* Per router (host-written: ip, mac, port, up, pool, tx_bytes; the path's: assigned, arp_answers). */
struct router {
  u32 ip;
  u32 mac_hi, mac_lo;
  u32 port;
  u32 up;
  u32 pool;
  s32 assigned; /* servers pointed at it */
  u32 arp_answers;
  u64 tx_bytes; /* its port's transmitted bytes (the traffic vector), as the host last wrote them */
  u32 redirected; /* frames still sent to it after it failed, redirected (the path's) */
  u32 pad;
};

/* flow-switch.ts `gatewayOf` and `serverIpOf`: the router each physical server was pointed at. */
struct gateway {
  u32 used;
  u32 mac_hi, mac_lo;
  s32 router;
  u32 server_ip;
  u32 pad[3];
};

/*
 * The flow table, laid out as table-cost.ts records it (flow-table.ts's fields, one memory): an
 * entry of FLOW_ENTRY_BYTES (24) per slot from `entry`, then, from entry[cfg.mask + 1], a packed
 * array of EXPIRY_BYTES (8) per slot: when the entry expires (last seen + its idle timeout, ps).
 * An entry keeps its idle timeout as its timeouts[] index (every timeout the path sets is one of
 * cfg.timeouts), so that refreshing a flow writes one expiry word and the sweep reads only those.
 * The counters follow the room for the largest table.
 */
struct flow_entry {
  u32 src, dst, ports; /* the key: these and proto, 13 bytes */
  u8 proto;
  u8 state; /* EMPTY or LIVE */
  u8 flags;
  u8 tclass; /* its idle timeout: a timeouts[] index */
  s16 server, cluster;
  u32 gen;
};
typedef char flow_entry_is_24_bytes[sizeof(struct flow_entry) == 24 ? 1 : -1];

struct flow_table {
  struct flow_entry entry[MAX_SLOTS]; /* then the expiry words of cfg.mask + 1 slots */
  u64 expiry_room[MAX_SLOTS];
  u32 live, cursor;
  u32 inserts, expired, removed, full_rejects, swept;
};

/* What parse_frame finds (src/net/parse.ts ParsedFrame, the fields the path reads). */
struct parsed {
  u32 dst_hi, dst_lo;
  u32 src_hi, src_lo;
  u32 l3; /* offset of the ARP or IP header */
  u32 arp_op;
  u32 arp_sender_mac_hi, arp_sender_mac_lo, arp_sender_ip;
  u32 arp_target_ip;
  u32 ether_type;
  s32 ip_proto;
  u32 ip_src, ip_dst, ip_id;
  u32 frag_offset, more_fragments;
  s32 src_port, dst_port;
  u32 tcp_flags;
  s32 spi_valid;
  u32 spi;
  s32 inner_proto;
  u32 inner_src, inner_dst;
  s32 inner_src_port, inner_dst_port;
  s32 inner_spi_valid;
  u32 inner_spi;
};

struct flow_key {
  u32 proto, src, dst, ports;
};

HOST_INPUT struct switch_io io;
HOST_INPUT u8 frame_buf[FRAME_BYTES] __attribute__((aligned(32)));
HOST_INPUT struct switch_config cfg;
HOST_INPUT struct cluster clusters[MAX_CLUSTERS] __attribute__((aligned(32)));
HOST_INPUT struct server servers[MAX_CLUSTERS][MAX_SERVERS] __attribute__((aligned(32)));
HOST_INPUT struct router routers[MAX_ROUTERS] __attribute__((aligned(32)));
HOST_INPUT u32 pool_policy[MAX_POOLS]; /* 0 traffic, 1 source-ip */
HOST_INPUT struct gateway gateways[MAX_GATEWAYS] __attribute__((aligned(32)));
HOST_INPUT s16 maglev[MAX_CLUSTERS][MAX_MAGLEV] __attribute__((aligned(32)));
HOST_INPUT struct flow_table flows __attribute__((aligned(32)));
/* counts (flow-switch.ts `counts`, the ones this path moves) */
HOST_INPUT u32 counts[16];
enum { C_INBOUND, C_NEW_FLOWS, C_MAGLEV_FALLBACKS, C_SYN_RETRANSMITS, C_ICMP_UNMATCHED, C_ARP_REPLIES, C_OUTBOUND_REDIRECTED, C_SERVER_TO_SERVER, C_MISDIRECTED_INBOUND };

#endif
