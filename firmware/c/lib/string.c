/* The three string functions GCC may call on its own for struct copies and clears (freestanding). */
#include "isa.h"

void *memcpy(void *dst, const void *src, unsigned n)
{
  u8 *d = dst;
  const u8 *s = src;
  while (n--) *d++ = *s++;
  return dst;
}

void *memset(void *dst, int c, unsigned n)
{
  u8 *d = dst;
  while (n--) *d++ = (u8)c;
  return dst;
}

int memcmp(const void *a, const void *b, unsigned n)
{
  const u8 *x = a, *y = b;
  for (; n; n--, x++, y++)
    if (*x != *y) return *x - *y;
  return 0;
}
