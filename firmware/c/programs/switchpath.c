/*
 * The switch's per-frame decision (src/firmware/flow-switch.ts `handleFrame` -> `inbound` ->
 * `route`), ported to C for the modelled R4700: the frame parse (src/net/parse.ts), the flow key
 * and its hash (flow-key.ts), the flow table's find / insert / touch / sweep / delete with
 * Algorithm R (flow-table.ts, in table-cost.ts's layout: 24-byte entries, packed expiry words), the new-flow policies round
 * robin, smooth weighted round robin, (weighted) least connections and consistent hash (cluster.ts
 * `choose`; the Maglev table is filled by the host), TCP SYN / FIN / RST handling, fragments (the
 * datagram entries), ICMP errors (the quoted flow), and the one rewrite: the destination MAC;
 * availability mode (the primary the host's control plane names); ARP (proxy ARP for the
 * virtual IPs, router pooling's gateway answers, isolation and the spoofing checks). Not ported
 * (the frame is handed back with VERDICT_NOT_PORTED): ARP replies that pass the checks (the
 * probes' answers), probe answers, frames to a router's or a server's MAC, broadcast; the
 * optimal-workload policy (floating point).
 *
 * One memory, two sides: every table lives in HOST_INPUT memory (not cleared by crt0, so it
 * survives from one call to the next); the host (TypeScript) writes the configuration, the
 * control plane's decisions (server state, weight, generation, the Maglev table) and each frame,
 * then calls main(), which decides one frame (at frame_buf + 2) and returns. Or the whole job:
 * after irq_init() the CPU idles; a frame in a CPU buffer raises Int0 and the interrupt runs the
 * job (irq.c, job.c: descriptor, decision, counters, write-back, hand-back, buffer return) and
 * returns to the idle loop. docs/hardware.md "The per-frame path in C" gives the layout, the
 * ring's registers (assumed) and the measured cost per path.
 */
#include "isa.h"
#include "../switch/switch.h"
#include "../switch/ring.h"
#include "../switch/parse.c"
#include "../switch/flowkey.c"
#include "../switch/flowtable.c"
#include "../switch/schedule.c"
#include "../switch/arp.c"
#include "../switch/rewrite.c"
#include "../switch/route.c"
#include "../switch/counters.c"
#include "../switch/cacheflush.c"
#include "../switch/handback.c"
#include "../switch/buffers.c"
#include "../switch/descriptor.c"
#include "../switch/job.c"
#include "../switch/irq.c"

/* One decision, the host calling it with the frame at frame_buf + 2 (the differential test, isa:paths): no interrupt, no ring. */
int main(void)
{
  switch_decide(frame_buf + 2, io.len);
  count_frame(io.len);
  return 0;
}
