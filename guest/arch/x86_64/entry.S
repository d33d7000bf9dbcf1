/* SPDX-License-Identifier: MIT */
/* entry.S: interrupt/exception stubs for all 256 vectors -> trap_dispatch(frame). */

	.text
	.altmacro
	/* Vectors 8, 10-14, 17, 21, 29, 30: the CPU pushes an error code. */
	.macro stub v
	.balign 16
	.if \v == 8 || (\v >= 10 && \v <= 14) || \v == 17 || \v == 21 || \v == 29 || \v == 30
	.else
	pushq $0
	.endif
	pushq $\v
	jmp trap_common
	.endm

	.balign 16
	.globl trap_stubs
trap_stubs:
	.set v, 0
	.rept 256
	stub %v
	.set v, v + 1
	.endr

	/* Stack: vector, error, rip, cs, rflags, rsp, ss. */
trap_common:
	testb $3, 24(%rsp)
	jz 1f
	swapgs
1:	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	mov %rsp, %rdi
	/* A fake call frame {rbp, rip} of the interrupted code, so that
	 * backtraces walk through the interruption. */
	pushq 17*8(%rsp) /* frame rip */
	pushq 9*8(%rsp) /* frame rbp (8 * 8 + the push above) */
	mov %rsp, %rbp
	call trap_dispatch
	add $16, %rsp
	.globl trap_return
trap_return:
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	testb $3, 24(%rsp)
	jz 2f
	swapgs
2:	add $16, %rsp
	iretq

	/* void call_on_stack(uint64_t top, void (*fn)(void)): never returns. */
	.globl call_on_stack
call_on_stack:
	mov %rdi, %rsp
	xor %ebp, %ebp
	call *%rsi
	ud2
