/*
 * Start-up and exception entry for C programs on the modelled R4700 (big-endian, o32, kseg0).
 *
 * Reset state as the instruction-level model leaves it after loading an ELF: kernel mode,
 * Status.BEV = 1, interrupts off, PC = _start. _start points the stack at the top of RAM,
 * clears .bss, clears BEV (exceptions go to the kseg0 vectors below), calls main() and stores
 * its result in __exit_value, then spins in `b .` (with a nop in its delay slot), which the model
 * recognises as the idle loop and stops on.
 *
 * Exceptions and interrupts (vector 0x80000180; TLB refill at 0x80000000 shares it): the handler
 * saves the registers C code may clobber on the stack, calls
 *     unsigned isa_exception(unsigned cause, unsigned epc, unsigned badvaddr, unsigned status)
 * and returns with ERET to the EPC it returns (from `__exception_return`: the restore). The saved
 * registers are the o32 caller-saved ones, HI and LO: the callee-saved s0-s8 are the C code's own to
 * keep, so an interrupt between instructions of any C function resumes it intact. lib/exception.c
 * has a weak default; switchpath's is firmware/c/switch/irq.c (the ring's interrupt on Int0).
 */
	.set	noreorder
	.set	noat

	.section .vectors, "ax"
	.globl	__vectors
__vectors:
	/* 0x80000000: TLB refill (unused: code runs unmapped in kseg0/kseg1) */
	j	__exception_common
	nop
	.org	0x180
	/* 0x80000180: general exception vector (interrupts, traps, syscalls, errors) */
	j	__exception_common
	nop

	.section .text.start, "ax"
	.globl	_start
	.ent	_start
_start:
	la	$sp, __stack_top
	la	$t0, __bss_start
	la	$t1, __bss_end
1:	beq	$t0, $t1, 2f
	nop
	sw	$zero, 0($t0)
	b	1b
	addiu	$t0, $t0, 4
2:	mtc0	$zero, $12		/* Status: BEV = 0, IE = 0, IM = 0 */
	jal	main
	nop
	la	$t0, __exit_value
	sw	$v0, 0($t0)
	.globl	__idle
__idle:					/* a host may call a function with $ra = __idle */
3:	b	3b			/* idle: the model stops here */
	nop
	.end	_start

	.bss
	.globl	__exit_value
	.align	2
__exit_value:
	.space	4

	.text
	.globl	__exception_common
	.ent	__exception_common
__exception_common:
	addiu	$sp, $sp, -88
	sw	$at, 16($sp)
	sw	$v0, 20($sp)
	sw	$v1, 24($sp)
	sw	$a0, 28($sp)
	sw	$a1, 32($sp)
	sw	$a2, 36($sp)
	sw	$a3, 40($sp)
	sw	$t0, 44($sp)
	sw	$t1, 48($sp)
	sw	$t2, 52($sp)
	sw	$t3, 56($sp)
	sw	$t4, 60($sp)
	sw	$t5, 64($sp)
	sw	$t6, 68($sp)
	sw	$t7, 72($sp)
	sw	$t8, 76($sp)
	sw	$t9, 80($sp)
	sw	$ra, 84($sp)
	mfhi	$t0
	mflo	$t1
	sw	$t0, 0($sp)
	sw	$t1, 4($sp)
	mfc0	$a0, $13		/* Cause */
	mfc0	$a1, $14		/* EPC */
	mfc0	$a2, $8			/* BadVAddr */
	jal	isa_exception
	mfc0	$a3, $12		/* Status (delay slot) */
	.globl	__exception_return
__exception_return:			/* the exit: restore and return (scripts/op-costs.ts measures entry and exit apart) */
	mtc0	$v0, $14		/* resume address */
	lw	$t0, 0($sp)
	lw	$t1, 4($sp)
	mthi	$t0
	mtlo	$t1
	lw	$at, 16($sp)
	lw	$v0, 20($sp)
	lw	$v1, 24($sp)
	lw	$a0, 28($sp)
	lw	$a1, 32($sp)
	lw	$a2, 36($sp)
	lw	$a3, 40($sp)
	lw	$t0, 44($sp)
	lw	$t1, 48($sp)
	lw	$t2, 52($sp)
	lw	$t3, 56($sp)
	lw	$t4, 60($sp)
	lw	$t5, 64($sp)
	lw	$t6, 68($sp)
	lw	$t7, 72($sp)
	lw	$t8, 76($sp)
	lw	$t9, 80($sp)
	lw	$ra, 84($sp)
	addiu	$sp, $sp, 88
	eret
	.end	__exception_common
