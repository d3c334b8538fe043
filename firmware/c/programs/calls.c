/*
 * Calls: a recursive function (stack frames, saved registers), calls through a table of
 * function pointers (JALR), a dense switch (a jump table: LW then JR), struct copies (GCC calls
 * memcpy) and a call chain several frames deep.
 * In: params[0] n for the recursion, params[1] iterations. Out: results[].
 */
#include "isa.h"

HOST_INPUT u32 params[2];
u32 results[4];

struct pair { u32 a, b, c, d, e, f; };

u32 fib(u32 n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static u32 op_add(u32 x, u32 y) { return x + y; }
static u32 op_xor(u32 x, u32 y) { return x ^ y; }
static u32 op_rot(u32 x, u32 y) { return x << (y & 31) | x >> ((32 - (y & 31)) & 31); }
static u32 op_sub(u32 x, u32 y) { return x - y; }
u32 (*const ops[4])(u32, u32) = { op_add, op_xor, op_rot, op_sub };

__attribute__((noinline)) u32 classify(u32 k)
{
  switch (k & 7) {
  case 0: return 11;
  case 1: return k * 3;
  case 2: return k >> 1;
  case 3: return ~k;
  case 4: return k ^ 0x5a5a;
  case 5: return k + 77;
  case 6: return k & 0xff;
  default: return 1;
  }
}

__attribute__((noinline)) struct pair mix(struct pair p, u32 k)
{
  struct pair q = p;
  q.a += k;
  q.f ^= q.a;
  return q;
}

__attribute__((noinline)) u32 leaf(u32 x) { return x * 5 + 1; }
__attribute__((noinline)) u32 mid(u32 x) { return leaf(x) + leaf(x + 1); }
__attribute__((noinline)) u32 top(u32 x) { return mid(x) ^ mid(x >> 1); }

int main(void)
{
  u32 acc = 0, sw = 0, i;
  struct pair p = { 1, 2, 3, 4, 5, 6 };
  results[0] = fib(params[0]);
  for (i = 0; i < params[1]; i++) {
    acc = ops[i & 3](acc, i);
    sw += classify(i * 2654435761u >> 7);
    p = mix(p, i);
    acc += top(i);
  }
  results[1] = acc;
  results[2] = sw;
  results[3] = p.a + p.b + p.c + p.d + p.e + p.f;
  return results[0];
}
