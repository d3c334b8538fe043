/*
 * The control plane's C (issue 17, item 3): health probes and their deadlines (probes.ts), the
 * optimal-workload round (cluster.ts `balanceRound`), the prior-art NAT's rewrite (nat.ts) and
 * Fig 5C's CAM (flow-switch.ts `camLookup` / `camWrite`): what the R4700 runs for the op table's
 * rows healthProbe, timerTick, balanceRound, addressRewrite, checksumUpdate, camLookup and
 * camWrite. Built into firmware/build/control.elf (programs/control.c); the host calls each op's
 * function by name (src/hw/cpu/isa/control-host.ts), and scripts/op-costs-control.ts measures it.
 *
 * Device registers are uncached kseg1 accesses in the image's device space, as ring.h's are. Their
 * layouts are NOT in any source found (docs/hardware.md §A4); these are assumptions of this model,
 * mirrored by control-host.ts:
 *
 *   TX_REGS (physical 0x12000010, after ring.h's registers: the same GT-48002 CPU path)
 *     +0x0 TX_ADDR   write: physical address of a frame the CPU built (its lines written back)
 *     +0x4 TX_POST   write: egress port << 24 | length: the controller sends the frame at TX_ADDR
 *
 *   CAM_REGS (physical 0x12001000: Fig 5C's CAM on the CPU's bus)
 *     +0x00..+0x0C CAM_KEY0..3  write: the flow key's four words (proto, src, dst, ports)
 *     +0x10 CAM_MATCH  read: the match address (the flow-table slot) of the key written; bit 31: no match
 *     +0x14 CAM_ADDR   write: the entry's address for a write or clear cycle
 *     +0x18 CAM_CMD    write: 1 a write cycle (the key at CAM_ADDR), 2 a clear cycle (CAM_ADDR's word invalid)
 *     +0x1C CAM_STATUS read: 0 once the cycle is done (the read waits for it); bit 0: the command was refused
 */
#ifndef CONTROL_H
#define CONTROL_H

#include "types.h"

#define DEV32(a) (*(volatile u32 *)(a))

#define TX_REGS 0xB2000010u
#define TX_ADDR 0x0
#define TX_POST 0x4

#define CAM_REGS 0xB2001000u
#define CAM_KEY 0x00
#define CAM_MATCH 0x10
#define CAM_ADDR 0x14
#define CAM_CMD 0x18
#define CAM_STATUS 0x1C
#define CAM_NO_MATCH 0x80000000u
#define CAM_CMD_WRITE 1
#define CAM_CMD_CLEAR 2

/* Health probes (probes.ts) */
#define MAX_TARGETS 64
#define PROBE_RING 40 /* waiting probes a target may have: probes.ts's ceil(timeout / interval) + 1 + 4, at most 37 (config.ts MAX_TIMEOUT_INTERVALS 32); the host sets ring_len */
#define TOKEN_BITS 14
#define TOKENS (1 << TOKEN_BITS)
#define PROBE_PORT_BASE 49152
#define PROBE_ARP 0
#define PROBE_ICMP 1
#define PROBE_TCP 2
#define PROBE_LOAD 3
#define MAX_PORTS 32
#define TX_BUFFERS 16
#define TX_BUFFER_BYTES 128
#define TX_FRAME_OFFSET 2 /* the frame starts 2 bytes into its buffer: the IP header is word-aligned */

/* A monitored server or router (probes.ts ProbeTarget and its spec), word by word for the host (control-host.ts TARGET). */
struct probe_target {
  u32 mac_hi, mac_lo, ip, from_hi, from_lo, kind, port, l4port; /* 0-7: the spec */
  u32 timeout_hi, timeout_lo, rise, fall, ring_len, host_check, retired, id; /* 8-15 */
  u32 head, count, up, ok, failed, changes, timer_armed, pad; /* 16-23: the ring, the health machine, the timer */
  u64 timer; /* 24-25: the deadline the probe timer is set to */
  u32 sent, answered_n, failed_n, late, voided, excused, pad2[2]; /* 26-33: stats */
  u64 deadline[PROBE_RING];
  s32 token[PROBE_RING];
  u32 answered[PROBE_RING];
  u32 received0[PROBE_RING];
  u32 lost0[PROBE_RING];
};
_Static_assert(sizeof(struct probe_target) == 1096, "control-host.ts TARGET_WORDS");

/* A port's running counts (the board's portReceived / portLost), kept by the frame path. */
struct port_stat {
  u32 received, lost;
};

/* The optimal-workload round (cluster.ts): a server's inputs, a cluster's outputs. */
#define OW_MAX_SERVERS 16
#define OW_UP 1
#define OW_REMOVED 2
#define OW_DRAINING 4
#define OW_REPORTED 8
struct ow_server {
  u32 load_milli; /* the load agent's figure, thousandths (flow-switch.ts: load / 1000) */
  u32 active, inactive, weight, flags;
};
struct ow_cluster {
  u32 n;
  u32 by_load;
  u64 unit_q16; /* one flow's share of workload in workload units (below), 48.16 fixed point */
  /* each server's workload at the round: milli-load (by_load) or IPVS connections (active * 256 + inactive, 1/256 of a flow) */
  u32 base[OW_MAX_SERVERS];
  u32 given[OW_MAX_SERVERS];
  struct ow_server s[OW_MAX_SERVERS];
};
_Static_assert(sizeof(struct ow_cluster) == 464, "control-host.ts OW_WORDS");

/* The CAM's key: flowkey.c's struct flow_key. */
struct cam_key {
  u32 proto, src, dst, ports;
};

#endif
