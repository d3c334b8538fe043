/*
 * The CPU-buffer ring as the firmware sees it: the GT-48002's CPU "take packet" path (docs/hardware.md
 * §3 "CPU options on an intervened frame"; the GT-48004 datasheet's p.32, ../shared's addendum §4:
 * "The first data word goes to buffer word 2, then END_OF_PACKET goes to word 1, then Int* is raised
 * and the Empty List bit cleared"). The register map and the field layouts are NOT in any source found
 * (addendum §4 "Message field layouts: not found"); the ones below are assumptions of this model,
 * mirrored by src/hw/cpu/isa/cpu-ring.ts:
 *
 *   RING_REGS (physical 0x12000000, the GT-64010's PCI memory window; reached uncached through kseg1)
 *     +0x0 RING_CAUSE    read: bit 0 = a CPU buffer holds a frame (the controllers' Int*, wired to Int0)
 *     +0x4 RING_FILLED   read: index of the oldest filled buffer (RING_NONE if none); the firmware
 *                        does not read it (a PCI round trip per frame): the buffer filled is the
 *                        ring's next, whose END_OF_PACKET word says so (descriptor.c)
 *     +0x8 RING_FREE     write: a buffer index handed back to the controllers' free list (the Empty List)
 *     +0xC BUFFER_REQ    write: BUFFER_REQUEST on the source's behalf: egress port << 24 | buffer << 16 | length
 *
 *   A CPU buffer (RING_BUFFER_BYTES each, in DRAM): word 0 reserved, word 1 the END_OF_PACKET header
 *   word (bit 31 set by the controller; bits 23-16 the source port; bits 15-0 the length), the frame
 *   from byte RING_FRAME_OFFSET (word 2 plus two bytes of padding, so the IP header is word-aligned).
 */
#ifndef RING_H
#define RING_H

#define RING_REGS 0xB2000000u
#define RING_CAUSE 0x0
#define RING_FILLED 0x4
#define RING_FREE 0x8
#define BUFFER_REQ 0xC
#define RING_NONE 0xffffffffu

#define RING_BUFFERS 32
#define RING_BUFFER_BYTES 2048
#define RING_FRAME_OFFSET 10
#define EOP_VALID 0x80000000u

#define RING_READ(r) (*(volatile u32 *)(RING_REGS + (r)))
#define RING_WRITE(r, v) (*(volatile u32 *)(RING_REGS + (r)) = (v))

#include "types.h"

/* The ring's buffers (the controllers write frames into them) and the firmware's side of it. */
HOST_INPUT u8 cpu_ring[RING_BUFFERS][RING_BUFFER_BYTES] __attribute__((aligned(32)));
struct ring_state {
  u32 next; /* the buffer expected next (the ring's consumer index) */
  u32 taken; /* frames taken off the ring */
  u32 returned; /* buffers handed back to the free list */
  u32 handed_back; /* frames handed to an egress controller (BUFFER_REQUEST) */
  u32 out_of_order; /* unused since the firmware takes the ring's next buffer (descriptor.c); kept for the layout */
  u32 spurious; /* an interrupt with no filled buffer, or a header without END_OF_PACKET */
  u32 other_interrupts; /* interrupts and exceptions that were not the ring's */
  u32 pad;
};
HOST_INPUT struct ring_state ring;

/* The frame the job is deciding. */
struct job_desc {
  u32 buffer;
  u8 *frame;
  u32 len;
  u32 ingress;
};

#endif
