/*
 * Buffer management: the CPU buffer goes back to the controllers' free list (an uncached write of
 * its index: the Empty List), and the ring's consumer index moves past it, so the next interrupt
 * expects the next buffer. The controller re-arms the buffer when it writes its END_OF_PACKET word
 * again. cpu-board.ts records `bufferManage` and one uncached write.
 */
OP static void buffer_return(u32 buffer)
{
  RING_WRITE(RING_FREE, buffer);
  ring.next = buffer + 1 == RING_BUFFERS ? 0 : buffer + 1;
  ring.returned++;
}
