/*
 * The CP0 timer interrupt: Compare is armed Count + interval ahead, Status.IE and IM7 enabled,
 * and main spins until the handler has seen `ticks` interrupts; the handler re-arms Compare
 * (which clears the interrupt) and records Count at each entry.
 * In: params[0] interval (Count ticks), params[1] ticks. Out: results[], stamps[].
 */
#include "isa.h"

HOST_INPUT u32 params[2];
u32 results[4];
u32 stamps[16];
volatile u32 seen;
u32 other;

unsigned isa_exception(unsigned cause, unsigned epc, unsigned badvaddr, unsigned status)
{
  (void)badvaddr;
  (void)status;
  if (((cause >> 2) & 31) == 0 && (cause & 0x8000)) {
    u32 now = mfc0(CP0_COUNT);
    if (seen < 16) stamps[seen] = now;
    seen++;
    mtc0(CP0_COMPARE, mfc0(CP0_COMPARE) + params[0]);
    return epc;
  }
  other++;
  return epc + 4;
}

int main(void)
{
  u32 spins = 0;
  mtc0(CP0_COMPARE, mfc0(CP0_COUNT) + params[0]);
  mtc0(CP0_STATUS, 0x8001); /* IM7 | IE */
  while (seen < params[1]) spins++;
  mtc0(CP0_STATUS, 0);
  results[0] = seen;
  results[1] = spins;
  results[2] = other;
  results[3] = mfc0(CP0_CAUSE);
  return (int)seen;
}
