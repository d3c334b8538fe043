/*
 * The descriptor read: the CPU buffer the controller filled is the ring's next one (the controllers
 * take CPU buffers from the Empty List in the order the firmware returns them, and raise Int* only
 * after END_OF_PACKET is in the buffer's word 1: docs/hardware.md §3 "CPU options on an intervened frame"),
 * so no device register is read for it: its END_OF_PACKET header word (length, source port; a
 * cached load: the host invalidated the buffer's lines as after the controller's DMA) says whether
 * it holds a frame. cpu-board.ts's FrameJob records the same: the header and the frame's
 * first lines after `descriptorRead`. 0: a frame (of any length: a short one is the decision's to
 * drop as malformed); -1: none (the buffer expected holds no END_OF_PACKET: a spurious interrupt).
 */
OP static int desc_read(struct job_desc *d)
{
  u32 k = ring.next, hdr;
  hdr = *(volatile u32 *)(cpu_ring[k] + 4);
  d->buffer = k;
  if (!(hdr & EOP_VALID)) {
    ring.spurious++;
    return -1; /* an interrupt with no frame in the buffer expected: nothing taken */
  }
  d->len = hdr & 0xffff;
  if (d->len > RING_BUFFER_BYTES - RING_FRAME_OFFSET) d->len = RING_BUFFER_BYTES - RING_FRAME_OFFSET;
  d->ingress = (hdr >> 16) & 0xff;
  d->frame = cpu_ring[k] + RING_FRAME_OFFSET;
  io.len = d->len;
  io.ingress = d->ingress;
  ring.taken++;
  return 0;
}
