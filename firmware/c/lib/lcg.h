/* The test programs' pseudo-random numbers: Numerical Recipes' 32-bit LCG (the TypeScript tests use the same). */
#ifndef LCG_H
#define LCG_H
#include "isa.h"
static inline u32 lcg_next(u32 *state)
{
  *state = *state * 1664525u + 1013904223u;
  return *state;
}
#endif
