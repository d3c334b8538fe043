/*
 * The per-frame job, as cpu-board.ts's FrameJob runs it between the interrupt's entry and exit:
 * the descriptor read, the decision (switch_decide: parse, flow key and hash, look-up and insert,
 * the scheduling decision, the MAC rewrite, ARP), the counters, and for a frame that leaves
 * (verdict a port) the write-back of its rewritten lines and the hand-back; then the buffer goes
 * back to the free list. A frame the C path does not port (VERDICT_NOT_PORTED) is left to the host's
 * control plane, which reads it from the buffer before the next frame.
 */
static struct job_desc job;

OP static void frame_job(void)
{
  struct job_desc *d = &job;
  int r = desc_read(d);
  if (r < 0) return;
  if (r == 0) {
    switch_decide(d->frame, d->len);
    count_frame(d->len);
    if (io.verdict >= 0) {
      /* the destination MAC; an ARP reply is rewritten through its target address (pf.l3 + 28) */
      flush_lines(d->frame, io.path == PATH_ARP ? pf.l3 + 28 : 6);
      hand_back(d->buffer, (u32)io.verdict, d->len);
    }
  }
  buffer_return(d->buffer);
}
