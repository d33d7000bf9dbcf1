/* SPDX-License-Identifier: MIT */
/* syscall_entry.S: the SYSCALL entry point; builds a struct trap_frame and returns by iretq. */
/* GDT_UDS and GDT_UCS of arch/cpu.h (a C header). */
#define USER_SS (0x20 | 3)
#define USER_CS (0x28 | 3)

	.text
	.balign 16
	.globl syscall_entry
syscall_entry:
	swapgs
	movq %rsp, %gs:8		/* PERCPU_USER_RSP */
	movq %gs:0, %rsp		/* PERCPU_KERNEL_RSP */
	pushq $USER_SS		/* ss */
	pushq %gs:8			/* rsp */
	pushq %r11			/* rflags */
	pushq $USER_CS		/* cs */
	pushq %rcx			/* rip */
	pushq %rax			/* error: the syscall number, for restarts */
	pushq $256			/* vector: marks a syscall frame */
	pushq %rax
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
	movq %rsp, %rdi
	xorl %ebp, %ebp
	call syscall_dispatch
	jmp trap_return

	/* A new task's first run: context_switch "returns" here with the
	 * task's user trap frame at %rsp. */
	.globl task_first_return
task_first_return:
	call task_started
	jmp trap_return

	/*
	 * void context_switch(uint64_t *save_rsp, uint64_t new_rsp):
	 * saves the callee-saved registers on the current kernel stack,
	 * switches stacks, restores the other task's and returns into it.
	 */
	.globl context_switch
context_switch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

	.section .note.GNU-stack, "", @progbits
