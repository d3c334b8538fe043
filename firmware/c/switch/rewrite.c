/* The one rewrite of a forwarded frame: its destination MAC (f is half-word aligned, f + 2 word aligned). */
OP static void mac_rewrite(u8 *f, u32 hi, u32 lo)
{
  *(u16a *)f = (u16)hi;
  *(u32a *)(f + 2) = lo;
}
