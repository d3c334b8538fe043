/*
 * The per-frame counters (flow-switch.ts `countInbound` and `inbound`'s server counts): a frame
 * for a cluster counts in the switch's inbound count and the cluster's packets and bytes; a drop in
 * the cluster's drops; a frame sent to a server in the server's packets and bytes. Per-flow counts
 * (new flows) are the decision's. After the decision, as cpu-board.ts records `countersUpdate`.
 */
OP static void count_frame(u32 len)
{
  struct cluster *cl;
  if (io.cluster < 0) return;
  cl = &clusters[io.cluster];
  counts[C_INBOUND]++;
  cl->packets++;
  cl->bytes += len;
  if (io.server < 0) cl->drops++;
  else {
    struct server *s = &servers[io.cluster][io.server];
    s->packets++;
    s->bytes += len;
  }
}
