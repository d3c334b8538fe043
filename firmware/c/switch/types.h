/*
 * The types and the op marker the switch's C shares (switch.h, ring.h, control.h): 64-bit and
 * signed 16-bit integers, word and halfword types that may alias the frame's bytes, and `OP`.
 */
#ifndef SWITCH_TYPES_H
#define SWITCH_TYPES_H

typedef unsigned long long u64;
typedef short s16;
typedef u32 __attribute__((may_alias)) u32a;
typedef u16 __attribute__((may_alias)) u16a;

/* An op of the frame job or of the control plane: a function of its own, so the op table's counts can be measured per op (scripts/op-costs.ts, op-profile.ts). */
#define OP __attribute__((noinline, noclone))

#endif
