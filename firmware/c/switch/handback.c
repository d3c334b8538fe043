/*
 * The hand-back: a BUFFER_REQUEST posted to the egress controller on the source's behalf (GT-48004
 * p.32, "CPU redirect path": the frame moves from the CPU buffer to its egress port), one uncached
 * write over PCI, posted by the GT-64010. The word's layout is an assumption (ring.h).
 */
OP static void hand_back(u32 buffer, u32 port, u32 len)
{
  RING_WRITE(BUFFER_REQ, (port << 24) | (buffer << 16) | (len & 0xffff));
  ring.handed_back++;
}
