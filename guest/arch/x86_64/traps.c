/* SPDX-License-Identifier: MIT */
/* traps.c: IDT, exception/interrupt dispatch, crash reports with backtraces. */
#include <stddef.h>
#include <stdint.h>

#include "arch/cpu.h"
#include "arch/extable.h"
#include "arch/lapic.h"
#include "arch/paging.h"
#include "arch/trap.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/printk.h"

struct idt_gate {
	uint16_t off_lo;
	uint16_t sel;
	uint8_t ist;
	uint8_t type;
	uint16_t off_mid;
	uint32_t off_hi;
	uint32_t zero;
} __attribute__((packed));

struct irq_slot {
	irq_handler_t fn;
	void *arg;
	bool eoi;
};

extern const char trap_stubs[];
extern const struct extable_entry __ex_table_start[], __ex_table_end[];
extern const char __kernel_start[], __text_end[];

static struct idt_gate idt[256] __attribute__((aligned(16)));
static struct irq_slot irqs[256];
int (*trap_user_hook)(struct trap_frame *f);
void (*trap_return_hook)(struct trap_frame *f);
void (*trap_irq_exit_hook)(void);
static int crashing;

static const char *const exc_names[32] = {
	"divide error",
	"debug",
	"NMI",
	"breakpoint",
	"overflow",
	"bound range",
	"invalid opcode",
	"device not available",
	"double fault",
	"coprocessor overrun",
	"invalid TSS",
	"segment not present",
	"stack fault",
	"general protection",
	"page fault",
	"reserved",
	"x87 FP error",
	"alignment check",
	"machine check",
	"SIMD FP error",
	"virtualization",
	"control protection",
};

static void idt_set(unsigned v, uint64_t addr, unsigned ist, unsigned dpl)
{
	idt[v].off_lo = addr & 0xffff;
	idt[v].sel = GDT_KCS;
	idt[v].ist = ist;
	idt[v].type = 0x8e | (dpl << 5); /* present interrupt gate */
	idt[v].off_mid = (addr >> 16) & 0xffff;
	idt[v].off_hi = addr >> 32;
	idt[v].zero = 0;
}

void idt_init(void)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} p = { sizeof(idt) - 1, (uint64_t)idt };

	for (unsigned v = 0; v < 256; v++)
		idt_set(v, (uint64_t)trap_stubs + v * 16, 0, 0);
	/* #PF stays on the current stack so the user layer may sleep in its
	 * fault handler; a kernel stack overflow escalates to #DF, which
	 * has its own stack and reports the guard-page address in CR2. */
	idt_set(VEC_DF, (uint64_t)trap_stubs + VEC_DF * 16, IST_DF, 0);
	idt_set(VEC_NMI, (uint64_t)trap_stubs + VEC_NMI * 16, IST_NMI, 0);
	idt_set(VEC_MC, (uint64_t)trap_stubs + VEC_MC * 16, IST_MC, 0);
	__asm__ volatile("lidt %0" ::"m"(p));
}

int irq_register(unsigned vector, irq_handler_t fn, void *arg, bool lapic_eoi)
{
	if (vector < VEC_IRQ_BASE || vector > 255 || !fn)
		return -EINVAL;
	if (irqs[vector].fn)
		return -EBUSY;
	irqs[vector].arg = arg;
	irqs[vector].eoi = lapic_eoi;
	barrier();
	irqs[vector].fn = fn;
	return 0;
}

uint64_t extable_find(uint64_t rip)
{
	/* linker symbols: compare addresses, not pointers to objects */
	size_t n = ((uintptr_t)__ex_table_end - (uintptr_t)__ex_table_start) /
		   sizeof(struct extable_entry);

	for (size_t i = 0; i < n; i++)
		if (__ex_table_start[i].insn == rip)
			return __ex_table_start[i].fixup;
	return 0;
}

/* A frame pointer is followed only if both words are mapped kernel
 * memory, so a corrupt chain cannot fault inside the crash report. */
static bool frame_readable(uint64_t p)
{
	uint64_t pa, fl;

	if (p & 7 || p < 0xffff800000000000ull)
		return false;
	return pt_lookup(pt_current(), p & ~0xfffull, &pa, &fl) == 0 &&
	       pt_lookup(pt_current(), (p + 8) & ~0xfffull, &pa, &fl) == 0;
}

void trap_backtrace(uint64_t rip, uint64_t rbp)
{
	printk("backtrace:\n  #0 %#lx\n", rip);
	for (int i = 1; i < 24 && frame_readable(rbp); i++) {
		uint64_t *fp = (uint64_t *)rbp;

		if (!fp[1])
			break;
		printk("  #%d %#lx\n", i, fp[1]);
		if (fp[0] <= rbp)
			break; /* frames grow upwards; anything else is garbage */
		rbp = fp[0];
	}
}

static void dump_regs(const struct trap_frame *f)
{
	printk("RIP %016lx CS %04lx RFLAGS %016lx\n", f->rip, f->cs, f->rflags);
	printk("RSP %016lx SS %04lx CR2 %016lx CR3 %016lx\n", f->rsp, f->ss,
	       read_cr2(), read_cr3());
	printk("RAX %016lx RBX %016lx RCX %016lx\n", f->rax, f->rbx, f->rcx);
	printk("RDX %016lx RSI %016lx RDI %016lx\n", f->rdx, f->rsi, f->rdi);
	printk("RBP %016lx R8  %016lx R9  %016lx\n", f->rbp, f->r8, f->r9);
	printk("R10 %016lx R11 %016lx R12 %016lx\n", f->r10, f->r11, f->r12);
	printk("R13 %016lx R14 %016lx R15 %016lx\n", f->r13, f->r14, f->r15);
}

void trap_crash(struct trap_frame *f, const char *why)
{
	const char *name = f->vector < 32 && exc_names[f->vector] ?
				   exc_names[f->vector] :
				   "interrupt";

	irq_disable();
	if (crashing++) {
		printk("xenpod-kernel: fault during crash report (vector %lu "
		       "at %#lx)\n",
		       f->vector, f->rip);
		crash_shutdown();
	}
	crash_begin();
	printk("\nxenpod-kernel: CRASH: %s: %s (vector %lu, error %#lx) in %s "
	       "mode\n",
	       why ? why : "unhandled exception", name, f->vector, f->error,
	       trap_from_user(f) ? "user" : "kernel");
	dump_regs(f);
	if (!trap_from_user(f))
		trap_backtrace(f->rip, f->rbp);
	crash_shutdown();
}

static void exception(struct trap_frame *f)
{
	uint64_t fix;

	if (trap_from_user(f)) {
		if (trap_user_hook && trap_user_hook(f) == 0)
			return;
		trap_crash(f, "unhandled user-mode exception");
	}
	if (f->vector == VEC_PF || f->vector == VEC_GP) {
		fix = extable_find(f->rip);
		if (fix) {
			f->rip = fix;
			return;
		}
	}
	if (f->vector == VEC_DF)
		trap_crash(f, "double fault (kernel stack overflow?)");
	trap_crash(f, NULL);
}

static void interrupt(struct trap_frame *f)
{
	struct irq_slot *s = &irqs[f->vector];
	static bool warned[256];

	if (s->fn)
		s->fn(f, s->arg);
	else if (f->vector != VEC_SPURIOUS && !warned[f->vector]) {
		warned[f->vector] = true;
		printk("xenpod-kernel: unexpected interrupt, vector %lu\n",
		       f->vector);
	}
	if (s->eoi)
		lapic_eoi();
}

void trap_dispatch(struct trap_frame *f);
void trap_dispatch(struct trap_frame *f)
{
	/* From user mode, or an idle CPU's halt: take the BKL; kernel code
	 * interrupted on this CPU holds it already (bkl_lock nests). */
	bkl_lock();
	if (f->vector < VEC_IRQ_BASE) {
		exception(f);
	} else {
		/* A wake-up delivered before the idle halt ran must not be
		 * followed by that halt (docs/WAKEUPS.md). */
		f->rip = cpu_idle_resume_at(f->rip);
		interrupt(f);
		if (trap_irq_exit_hook)
			trap_irq_exit_hook();
	}
	if (trap_from_user(f) && trap_return_hook) {
		irq_disable();
		trap_return_hook(f);
	}
	irq_disable();
	bkl_unlock();
}
