/* What C programs on the modelled R4700 share: CP0 access, the exception log, string helpers. */
#ifndef ISA_H
#define ISA_H

typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;
typedef int s32;

/* A variable the host (the TypeScript side) fills before the program runs: crt0 leaves it alone. */
#define HOST_INPUT __attribute__((section(".host_input")))

struct isa_exception_log {
  u32 count;
  u32 last_cause;
  u32 last_epc;
  u32 last_badvaddr;
  u32 last_status;
  u32 by_code[32];
};
extern struct isa_exception_log isa_exceptions;

#define CP0_BADVADDR 8
#define CP0_COUNT 9
#define CP0_COMPARE 11
#define CP0_STATUS 12
#define CP0_CAUSE 13
#define CP0_EPC 14
#define CP0_PRID 15

#define ISA_STR_(x) #x
#define ISA_STR(x) ISA_STR_(x)
#define mfc0(reg) ({ u32 __v; __asm__ volatile("mfc0 %0, $" ISA_STR(reg) : "=r"(__v)); __v; })
#define mtc0(reg, v) __asm__ volatile("mtc0 %0, $" ISA_STR(reg) : : "r"((u32)(v)))

void *memcpy(void *dst, const void *src, unsigned n);
void *memset(void *dst, int c, unsigned n);
int memcmp(const void *a, const void *b, unsigned n);

#endif
