/* SPDX-License-Identifier: MIT */
/* cpu.c: per-CPU GDT (kernel + SYSRET-ordered user segments), TSS with IST stacks, the BKL, CPU features. */
#include <stdint.h>

#include "arch/cpu.h"
#include "arch/paging.h"
#include "arch/trap.h"
#include "kernel/errno.h"
#include "kernel/mm.h"
#include "kernel/panic.h"
#include "lib/string.h"

#define IST_STACK_SIZE 8192

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

static struct tss tsss[CPU_MAX] __attribute__((aligned(16)));
/* The boot CPU's; the others' come from page_alloc (cpu_prepare). */
static uint8_t ist_stacks[3][IST_STACK_SIZE] __attribute__((aligned(16)));
static uint64_t gdts[CPU_MAX][8] __attribute__((aligned(16)));
struct percpu percpu[CPU_MAX];
unsigned cpus_online = 1;
static bool has_nx;
/* The CPU that holds the BKL, or -1. */
static int bkl_owner = -1;

struct __attribute__((packed)) desc_ptr {
	uint16_t limit;
	uint64_t base;
};

static void gdt_fill(uint64_t *gdt, const struct tss *tss)
{
	uint64_t base = (uint64_t)tss;
	uint64_t limit = sizeof(*tss) - 1;

	gdt[0] = 0;
	gdt[GDT_KCS / 8] = 0x00af9a000000ffff;
	gdt[GDT_KDS / 8] = 0x00cf92000000ffff;
	gdt[GDT_UCS32 / 8] = 0x00cffa000000ffff;
	gdt[GDT_UDS / 8] = 0x00cff2000000ffff;
	gdt[GDT_UCS / 8] = 0x00affa000000ffff;
	/* 64-bit available TSS (type 9), present, two slots. */
	gdt[GDT_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
			   (0x89ull << 40) | (((limit >> 16) & 0xf) << 48) |
			   (((base >> 24) & 0xff) << 56);
	gdt[GDT_TSS / 8 + 1] = base >> 32;
}

static void gdt_load(const uint64_t *gdt)
{
	struct desc_ptr p = { sizeof(uint64_t) * 8 - 1, (uint64_t)gdt };

	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "mov %2, %%ds\n\t"
			 "mov %2, %%es\n\t"
			 "mov %2, %%ss\n\t"
			 :
			 : "m"(p), "i"(GDT_KCS), "r"(GDT_KDS)
			 : "rax", "memory");
	__asm__ volatile("ltr %w0" ::"r"(GDT_TSS));
}

/* ist: three stacks of IST_STACK_SIZE bytes. */
static void tss_fill(struct tss *tss, uint8_t *ist)
{
	memset(tss, 0, sizeof(*tss));
	tss->ist[IST_DF - 1] = (uint64_t)ist + IST_STACK_SIZE;
	tss->ist[IST_NMI - 1] = (uint64_t)ist + 2 * IST_STACK_SIZE;
	tss->ist[IST_MC - 1] = (uint64_t)ist + 3 * IST_STACK_SIZE;
	tss->iomap_base =
		sizeof(*tss); /* no I/O bitmap: ring 3 gets no ports */
}

void tss_set_rsp0(uint64_t rsp0)
{
	tsss[cpu_id()].rsp[0] = rsp0;
}

bool cpu_has_nx(void)
{
	return has_nx;
}

/* NX, write-protect in ring 0, and SSE for user programs (the kernel
 * itself is built without SSE; the user layer saves FPU state). */
static void cpu_features(void)
{
	uint32_t r[4];
	uint64_t cr0, cr4;

	cpuid(0x80000000, 0, r);
	if (r[0] >= 0x80000001) {
		cpuid(0x80000001, 0, r);
		has_nx = r[3] & (1u << 20);
	}
	if (has_nx)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	cr0 &= ~(1ull << 2); /* EM */
	cr0 |= (1ull << 1) | (1ull << 5) | (1ull << 16); /* MP, NE, WP */
	__asm__ volatile("mov %0, %%cr0" ::"r"(cr0));
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	cr4 |= (1ull << 9) | (1ull << 10); /* OSFXSR, OSXMMEXCPT */
	__asm__ volatile("mov %0, %%cr4" ::"r"(cr4));
	__asm__ volatile("fninit");
}

int cpu_prepare(unsigned id)
{
	uint64_t pa;

	if (id == 0 || id >= CPU_MAX)
		return -EINVAL;
	pa = page_alloc(3 * IST_STACK_SIZE / PAGE_SIZE);
	if (!pa)
		return -ENOMEM;
	tss_fill(&tsss[id], phys_to_virt(pa));
	gdt_fill(gdts[id], &tsss[id]);
	percpu[id].id = id;
	percpu[id].self = &percpu[id];
	return 0;
}

void cpu_init_id(unsigned id)
{
	if (id == 0) {
		tss_fill(&tsss[0], &ist_stacks[0][0]);
		gdt_fill(gdts[0], &tsss[0]);
		percpu[0].self = &percpu[0];
	}
	gdt_load(gdts[id]);
	wrmsr(MSR_GS_BASE, (uint64_t)&percpu[id]);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	cpu_features();
	idt_init();
}

void cpu_init(void)
{
	cpu_init_id(0);
}

void bkl_lock(void)
{
	struct percpu *p = this_cpu();
	int none = -1;

	if (p->bkl_depth++)
		return;
	while (!__atomic_compare_exchange_n(&bkl_owner, &none, (int)p->id,
					    false, __ATOMIC_ACQUIRE,
					    __ATOMIC_RELAXED)) {
		none = -1;
		cpu_relax();
	}
}

void bkl_unlock(void)
{
	struct percpu *p = this_cpu();

	if (!p->bkl_depth)
		return;
	if (--p->bkl_depth == 0)
		__atomic_store_n(&bkl_owner, -1, __ATOMIC_RELEASE);
}

bool bkl_held(void)
{
	return this_cpu()->bkl_depth &&
	       __atomic_load_n(&bkl_owner, __ATOMIC_RELAXED) == (int)cpu_id();
}

void bkl_missing(const char *fn)
{
	panic("%s on CPU %u without the BKL", fn, cpu_id());
}

unsigned bkl_release_all(void)
{
	struct percpu *p = this_cpu();
	unsigned d = p->bkl_depth;

	if (d) {
		p->bkl_depth = 0;
		__atomic_store_n(&bkl_owner, -1, __ATOMIC_RELEASE);
	}
	return d;
}

void bkl_reacquire(unsigned depth)
{
	if (!depth)
		return;
	bkl_lock();
	this_cpu()->bkl_depth = depth;
}

/* The halt's address, labelled in cpu_idle's asm. */
extern const char cpu_idle_hlt[];
static uint64_t early_wakes;

void cpu_idle(void)
{
	uint64_t f = read_flags();

	/* Device events go to vCPU 0, whose handler needs the BKL: another
	 * CPU that holds it must not sleep waiting for one. It lets its own
	 * interrupts in (timer, IPI) and returns to its caller's check. */
	if (cpu_id() != 0 && this_cpu()->bkl_depth) {
		__asm__ volatile("sti; pause; cli" ::: "memory");
		if (f & RFLAGS_IF)
			irq_enable();
		return;
	}
	__asm__ volatile("sti\n"
			 ".globl cpu_idle_hlt\n"
			 "cpu_idle_hlt:\n\t"
			 "hlt" ::
				 : "memory");
	if (!(f & RFLAGS_IF))
		irq_disable();
}

uint64_t cpu_idle_resume_at(uint64_t rip)
{
	if (rip != (uint64_t)cpu_idle_hlt)
		return rip;
	early_wakes++;
	return rip + 1; /* hlt is one byte (f4) */
}

uint64_t cpu_idle_early_wakes(void)
{
	return early_wakes;
}

void cpu_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}
