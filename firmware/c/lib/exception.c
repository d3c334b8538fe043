/*
 * Default exception handler, called by crt0.S with the CP0 state at entry; returns the address
 * to resume at. This one counts what it saw in `isa_exceptions` (for tests that trap on purpose)
 * and resumes after the faulting instruction (after the branch and its delay slot when Cause.BD
 * is set). Interrupts resume where they were taken. A program that takes interrupts defines its
 * own isa_exception.
 */
#include "isa.h"

struct isa_exception_log isa_exceptions;

__attribute__((weak)) unsigned isa_exception(unsigned cause, unsigned epc, unsigned badvaddr, unsigned status)
{
  unsigned code = (cause >> 2) & 31;
  isa_exceptions.count++;
  isa_exceptions.last_cause = cause;
  isa_exceptions.last_epc = epc;
  isa_exceptions.last_badvaddr = badvaddr;
  isa_exceptions.last_status = status;
  if (code < 32) isa_exceptions.by_code[code]++;
  if (code == 0) return epc; /* interrupt: resume the interrupted instruction */
  return epc + ((cause & 0x80000000u) ? 8 : 4);
}
