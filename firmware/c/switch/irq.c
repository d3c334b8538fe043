/*
 * Interrupt dispatch (the C half of crt0.S's exception entry, which saves what the o32 ABI lets a
 * C function clobber, calls isa_exception with Cause, EPC, BadVAddr and Status, then restores and
 * returns with ERET from `__exception_return`). An interrupt on Int0 (Cause.IP2) whose ring reports
 * a filled CPU buffer runs the per-frame job; anything else is counted and resumed after (the
 * faulting instruction, or the branch and its delay slot). docs/hardware.md "The per-frame path in C".
 */
#define CAUSE_IP2 (1u << 10)
#define STATUS_IM2 (1u << 10)
#define STATUS_IE 1u



/* Unmasks Int0 and enables interrupts: the host calls it once, then the CPU idles until a frame comes. */
void irq_init(void)
{
  mtc0(CP0_STATUS, STATUS_IM2 | STATUS_IE);
}

unsigned isa_exception(unsigned cause, unsigned epc, unsigned badvaddr, unsigned status)
{
  (void)badvaddr;
  (void)status;
  if ((cause & 0x7c) == 0 && (cause & CAUSE_IP2)) {
    /* the controllers' interrupt: read the ring's cause register (uncached, over PCI) */
    if (RING_READ(RING_CAUSE) & 1) frame_job();
    else ring.spurious++;
    return epc;
  }
  ring.other_interrupts++;
  if ((cause & 0x7c) == 0) return epc;
  return epc + ((cause & 0x80000000u) ? 8 : 4);
}
