/*
 * The control plane's ops in C (firmware/c/switch/control.h): health probes (probe.c), their
 * deadlines (probetimer.c), the optimal-workload round (balance.c), the prior-art NAT's rewrite
 * (nat.c) and Fig 5C's CAM (cam.c). The host (src/hw/cpu/isa/control-host.ts) writes the state
 * into the HOST_INPUT tables and calls each op's function by name with its arguments in $a0-$a3
 * and $ra at the idle loop; scripts/op-costs-control.ts measures them for the op table.
 * docs/hardware.md "The op table, measured".
 */
#include "isa.h"
#include "../switch/control.h"
#include "../switch/probe.c"
#include "../switch/probetimer.c"
#include "../switch/balance.c"
#include "../switch/nat.c"
#include "../switch/cam.c"

/* cam_lookup / cam_write on the host's key i (the host passes an index, not a pointer) */
s32 cam_lookup_at(u32 i)
{
  return cam_lookup(&cam_keys[i]);
}

u32 cam_write_at(u32 i, u32 slot, u32 cmd)
{
  return cam_write(&cam_keys[i], slot, cmd);
}

int main(void)
{
  return 0;
}
