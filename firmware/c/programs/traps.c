/*
 * Exceptions taken on purpose, each counted by the default handler (lib/exception.c) and
 * resumed after: SYSCALL, BREAK, a TEQ trap, ADD overflow, a misaligned load (AdEL) and a
 * misaligned store (AdES), a BREAK in a branch delay slot (Cause.BD), and a reserved
 * instruction. Also reads PRId and checks that Count advances.
 * Out: results[] (PRId, Count moved, the log's count, the last BadVAddr, a value the overflowing
 * ADD must not have written).
 */
#include "isa.h"

u32 results[6];
u32 words[4] = { 0x11223344, 0x55667788, 0, 0 };

int main(void)
{
  u32 c0 = mfc0(9), c1, v = 5;
  __asm__ volatile("syscall");
  __asm__ volatile("break 3");
  __asm__ volatile("teq %0, %0, 9" : : "r"(v));
  __asm__ volatile(".set push\n.set noreorder\nlui $8, 0x7fff\nori $8, $8, 0xffff\nli %0, 77\nadd %0, $8, $8\n.set pop" : "+r"(v) : : "$8");
  results[4] = v; /* 77: the overflowing ADD wrote nothing */
  {
    u32 off = 2, x;
    volatile u32 *p;
    __asm__ volatile("" : "+r"(off)); /* hide the misalignment from the compiler */
    p = (volatile u32 *)((u8 *)words + off);
    x = *p; /* AdEL */
    *p = x; /* AdES */
  }
  __asm__ volatile(".set push\n.set noreorder\nb 1f\nbreak 5\n1:\n.set pop");
  __asm__ volatile(".word 0x7c000000"); /* SPECIAL3 (MIPS32r2): reserved on MIPS III */
  c1 = mfc0(9);
  results[0] = mfc0(15);
  results[1] = c1 != c0;
  results[2] = isa_exceptions.count;
  results[3] = isa_exceptions.last_badvaddr;
  results[5] = isa_exceptions.last_cause;
  return (int)isa_exceptions.count;
}
