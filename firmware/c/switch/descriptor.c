/*
 * The descriptor read: which CPU buffer the controller filled (the ring's index register, an
 * uncached read over PCI), its END_OF_PACKET header word (length, source port; a cached load: the
 * host invalidated the buffer's lines as after the controller's DMA) and the ring index checked
 * against the one expected. cpu-board.ts's FrameJob records the same: the header and the frame's
 * first lines after `descriptorRead`. 0: a frame (of any length: a short one is the decision's to
 * drop as malformed); 1: a buffer without END_OF_PACKET (spurious: only returned); -1: none.
 */
OP static int desc_read(struct job_desc *d)
{
  u32 k = RING_READ(RING_FILLED), hdr;
  if (k >= RING_BUFFERS) {
    ring.spurious++;
    return -1;
  }
  if (k != ring.next) ring.out_of_order++;
  hdr = *(volatile u32 *)(cpu_ring[k] + 4);
  d->buffer = k;
  if (!(hdr & EOP_VALID)) {
    ring.spurious++;
    return 1; /* no frame in it: returned to the free list, never decided */
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
