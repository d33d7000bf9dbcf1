/* SPDX-License-Identifier: MIT */
/* trap.h: interrupt/exception frames, handlers, and the hooks for the user layer. */
#ifndef GUEST_ARCH_TRAP_H
#define GUEST_ARCH_TRAP_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Saved by arch/x86_64/entry.S on every interrupt and exception, lowest
 * address first. Handlers may modify it: iretq restores from it. The user
 * layer may also switch %rsp to another task's frame (see trap_return_hook).
 */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};
#define TRAP_FRAME_SIZE (22 * 8)

static inline bool trap_from_user(const struct trap_frame *f)
{
	return (f->cs & 3) == 3;
}

enum {
	VEC_DE = 0,
	VEC_DB = 1,
	VEC_NMI = 2,
	VEC_BP = 3,
	VEC_UD = 6,
	VEC_NM = 7,
	VEC_DF = 8,
	VEC_GP = 13,
	VEC_PF = 14,
	VEC_MF = 16,
	VEC_MC = 18,
	VEC_XM = 19,
	VEC_IRQ_BASE = 32,
	VEC_XEN_UPCALL = 0xf3, /* Xen event-channel upcall */
	VEC_LAPIC_TIMER = 0xf0,
	VEC_SPURIOUS = 0xff,
};

/* #PF error code bits */
#define PF_PRESENT 0x1
#define PF_WRITE 0x2
#define PF_USER 0x4
#define PF_RSVD 0x8
#define PF_INSN 0x10

/*
 * Exceptions (vectors 0..31) from ring 3 go to trap_user_hook if set; it
 * returns 0 when it handled the fault (e.g. demand paging, or it delivered
 * a signal / killed the task and arranged where to return), or -1 to get
 * the kernel crash report (only appropriate for kernel bugs). A user-mode
 * fault with no hook kills the machine with a crash report naming it.
 * Exceptions from ring 0 are kernel bugs unless the faulting RIP has an
 * EXTABLE fixup: crash report, then platform crash shutdown.
 */
extern int (*trap_user_hook)(struct trap_frame *f);

/*
 * Called with interrupts off just before returning to ring 3 from any
 * interrupt or exception (not from the syscall path, which the user layer
 * owns): the place to deliver signals or reschedule.
 */
extern void (*trap_return_hook)(struct trap_frame *f);

/*
 * Called with interrupts off after every interrupt (vectors from
 * VEC_IRQ_BASE), before trap_return_hook: interrupt handlers may make
 * tasks runnable, and the tickless scheduler then arms its time slice.
 */
extern void (*trap_irq_exit_hook)(void);

typedef void (*irq_handler_t)(struct trap_frame *f, void *arg);

/*
 * Installs a handler for an interrupt vector (32..255). lapic_eoi: send
 * the local APIC an EOI after the handler (vectors the LAPIC delivered).
 * Returns 0 or -EINVAL / -EBUSY.
 */
int irq_register(unsigned vector, irq_handler_t fn, void *arg, bool lapic_eoi);

/* Loads the IDT (every vector has a stub). */
void idt_init(void);

/* Prints a crash report for the frame and shuts down as a crash. */
void trap_crash(struct trap_frame *f, const char *why)
	__attribute__((noreturn));

/* Prints "  #n 0x..." lines walking the frame-pointer chain from rbp. */
void trap_backtrace(uint64_t rip, uint64_t rbp);

#endif
