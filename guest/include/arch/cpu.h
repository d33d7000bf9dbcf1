/* SPDX-License-Identifier: MIT */
/* cpu.h: x86-64 CPU primitives: registers, MSRs, CPUID, GDT selectors, TSS. */
#ifndef GUEST_ARCH_CPU_H
#define GUEST_ARCH_CPU_H

#include <stdbool.h>
#include <stdint.h>

/* GDT selectors. User selectors are laid out in SYSRET order:
 * STAR[63:48] = GDT_UCS32 | 3 gives SS = +8 (UDS) and 64-bit CS = +16. */
#define GDT_KCS 0x08
#define GDT_KDS 0x10
#define GDT_UCS32 0x18
#define GDT_UDS 0x20
#define GDT_UCS 0x28
#define GDT_TSS 0x30

/* IST slots (1-based as in the IDT gate). */
#define IST_DF 1
#define IST_NMI 2
#define IST_MC 3

#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_FMASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define EFER_SCE (1u << 0)
#define EFER_NXE (1u << 11)

#define RFLAGS_IF (1u << 9)

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v),
			 "d"((uint32_t)(v >> 32)));
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t read_cr2(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr3(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_flags(void)
{
	uint64_t f;

	__asm__ volatile("pushfq; popq %0" : "=r"(f));
	return f;
}

static inline void irq_enable(void)
{
	__asm__ volatile("sti" ::: "memory");
}

static inline void irq_disable(void)
{
	__asm__ volatile("cli" ::: "memory");
}

/* Returns the previous flags, for irq_restore(). */
static inline uint64_t irq_save(void)
{
	uint64_t f = read_flags();

	irq_disable();
	return f;
}

static inline void irq_restore(uint64_t flags)
{
	if (flags & RFLAGS_IF)
		irq_enable();
}

static inline bool irq_enabled(void)
{
	return read_flags() & RFLAGS_IF;
}

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

#define barrier() __asm__ volatile("" ::: "memory")
#define mb() __asm__ volatile("mfence" ::: "memory")
#define rmb() __asm__ volatile("lfence" ::: "memory")
#define wmb() __asm__ volatile("sfence" ::: "memory")

/*
 * Sleep until the next interrupt. Enables interrupts atomically with the
 * halt (sti's one-instruction shadow), so a wake-up that becomes pending
 * after the caller checked its condition with interrupts off is not lost.
 * Returns with interrupts in the state the caller had.
 */
void cpu_idle(void);

/*
 * Called by the interrupt path with the interrupted frame's RIP: when it is
 * cpu_idle's hlt itself, the interrupt came in sti's shadow, before the halt
 * ran (real CPUs never do that; nested emulation under QEMU does). Returns
 * the address to resume at: past the hlt, so the woken caller re-checks its
 * condition instead of halting with its wake-up already handled.
 */
uint64_t cpu_idle_resume_at(uint64_t rip);
/* How many interrupts cpu_idle_resume_at moved past the hlt. */
uint64_t cpu_idle_early_wakes(void);

/* Halts forever with interrupts off. */
void cpu_halt_forever(void) __attribute__((noreturn));

/* The most vCPUs the guest runs on: Xen's shared_info holds this many
 * vcpu_info slots (XEN_LEGACY_MAX_VCPUS); a pod with more runs on these. */
#define CPU_MAX 32

/*
 * Per-CPU data at %gs:0 in the kernel (KERNEL_GS_BASE holds the user's
 * %gs base while in user mode; every entry from ring 3 does swapgs).
 * Offsets are part of the contract with the syscall entry code.
 */
struct percpu {
	uint64_t kernel_rsp; /* %gs:0, loaded by the syscall entry */
	uint64_t user_rsp; /* %gs:8, scratch for the syscall entry */
	void *cur_task; /* %gs:16, the user layer's current task */
	struct percpu *self; /* %gs:24 */
	unsigned id; /* 0 is the boot CPU */
	volatile bool need_resched; /* the user layer's: switch at exit */
	volatile bool idle; /* halted in the scheduler without the BKL */
	volatile bool kicked; /* an IPI is on its way to this CPU */
	uint64_t pt; /* the page table loaded (pt_switch) */
	uint64_t slice_end_ns, run_start_ns; /* the user layer's */
	void *idle_task; /* the user layer's */
	unsigned bkl_depth; /* how many times this CPU holds the BKL */
	uint64_t user_ns; /* time it ran user tasks (the user layer's) */
};
#define PERCPU_KERNEL_RSP 0
#define PERCPU_USER_RSP 8
#define PERCPU_CURRENT 16

extern struct percpu percpu[CPU_MAX];
/* CPUs running (1 until the platform starts the others). */
extern unsigned cpus_online;

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;

	__asm__ volatile("movq %%gs:24, %0" : "=r"(p));
	return p;
}

static inline unsigned cpu_id(void)
{
	return this_cpu()->id;
}

/*
 * The big kernel lock: every CPU holds it while it runs kernel code, so
 * the kernel's structures need no other lock (docs/SMP.md). Taken on each
 * entry from user mode and by an idle CPU's interrupts, released on the
 * return to user mode and around the idle halt. Recursive per CPU (an
 * interrupt of kernel code on the CPU that holds it). Interrupts off.
 */
void bkl_lock(void);
void bkl_unlock(void);
bool bkl_held(void);
/* Checks that the caller holds the BKL once other CPUs run (the
 * scheduler and the allocators call it); a kernel bug panics. */
#define BKL_ASSERT()                                \
	do {                                        \
		if (cpus_online > 1 && !bkl_held()) \
			bkl_missing(__func__);      \
	} while (0)
void bkl_missing(const char *fn) __attribute__((noreturn));
/* Releases every level this CPU holds (for the idle halt); returns them. */
unsigned bkl_release_all(void);
void bkl_reacquire(unsigned depth);

/* On the boot CPU: CPU id's TSS, IST stacks and GDT. 0 or -errno. */
int cpu_prepare(unsigned id);
/* Sets up CPU id's GDT, TSS, IDT, %gs and features (the boot CPU: 0). */
void cpu_init_id(unsigned id);

/* Loads GDT, TSS, IDT, enables NX, sets %gs for CPU 0. */
void cpu_init(void);
/* Stack the CPU switches to on an interrupt or exception from ring 3. */
void tss_set_rsp0(uint64_t rsp0);
/* Switches to a new stack (top, 16-byte aligned) and calls fn there. */
void call_on_stack(uint64_t top, void (*fn)(void)) __attribute__((noreturn));
/* True if the CPU supports NX (EFER.NXE is set by cpu_init). */
bool cpu_has_nx(void);

#endif
