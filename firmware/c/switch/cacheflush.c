/*
 * The rewritten header goes to memory before a controller reads the frame from there: CACHE
 * Hit_Writeback_D (op 0x19, R4000 encoding) on each line of [p, p + n), which writes a dirty line
 * and keeps it valid. cpu-board.ts records `cacheFlush` and a write-back of the header's line.
 */
OP static void flush_lines(const u8 *p, u32 n)
{
  u32 a = (u32)p & ~31u, end = (u32)p + n;
  for (; a < end; a += 32) __asm__ volatile("cache 0x19, 0(%0)" : : "r"(a) : "memory");
}
