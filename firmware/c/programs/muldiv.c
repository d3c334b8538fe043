/*
 * Multiply and divide: 32 x 32 -> 64-bit products (signed and unsigned), signed and unsigned
 * quotients and remainders with negative operands, division by constants (GCC's multiply-high),
 * and Euclid's gcd. Exercises MULT/MULTU/DIV/DIVU, MFHI/MFLO interlocks and the divide-by-zero
 * trap check GCC inserts (TEQ).
 * In: params[0] iterations, params[1] seed. Out: results[].
 */
#include "isa.h"
#include "lcg.h"

HOST_INPUT u32 params[2];
u32 results[8];

static u32 gcd(u32 a, u32 b)
{
  while (b) {
    u32 t = a % b;
    a = b;
    b = t;
  }
  return a;
}

int main(void)
{
  u32 s = params[1], i;
  u32 lo_sum = 0, hi_sum = 0, uhi_sum = 0, q_sum = 0, r_sum = 0, uq_sum = 0, c_sum = 0, g_sum = 0;
  for (i = 0; i < params[0]; i++) {
    s32 a = (s32)lcg_next(&s);
    s32 b = (s32)lcg_next(&s) >> (i & 15);
    u32 ua = (u32)a, ub = (u32)b;
    long long p = (long long)a * b;
    unsigned long long up = (unsigned long long)ua * ub;
    lo_sum += (u32)p;
    hi_sum += (u32)(p >> 32);
    uhi_sum += (u32)(up >> 32);
    if (b != 0) {
      q_sum += (u32)(a / b);
      r_sum += (u32)(a % b);
      uq_sum += ua / ub;
    }
    c_sum += ua / 10 + ua % 1000;
    g_sum += gcd(ua >> 20, ub >> 22);
  }
  results[0] = lo_sum;
  results[1] = hi_sum;
  results[2] = uhi_sum;
  results[3] = q_sum;
  results[4] = r_sum;
  results[5] = uq_sum;
  results[6] = c_sum;
  results[7] = g_sum;
  return lo_sum;
}
