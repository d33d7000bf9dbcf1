/* SPDX-License-Identifier: MIT */
/* cpu.c: GDT (kernel + SYSRET-ordered user segments), TSS with IST stacks, CPU features. */
#include <stdint.h>

#include "arch/cpu.h"
#include "arch/trap.h"
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

static struct tss tss __attribute__((aligned(16)));
static uint8_t ist_stacks[3][IST_STACK_SIZE] __attribute__((aligned(16)));
static uint64_t gdt[8] __attribute__((aligned(16)));
struct percpu percpu0;
static bool has_nx;

struct __attribute__((packed)) desc_ptr {
	uint16_t limit;
	uint64_t base;
};

static void gdt_fill(void)
{
	uint64_t base = (uint64_t)&tss;
	uint64_t limit = sizeof(tss) - 1;

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

static void gdt_load(void)
{
	struct desc_ptr p = { sizeof(gdt) - 1, (uint64_t)gdt };

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

static void tss_fill(void)
{
	memset(&tss, 0, sizeof(tss));
	tss.ist[IST_DF - 1] = (uint64_t)ist_stacks[0] + IST_STACK_SIZE;
	tss.ist[IST_NMI - 1] = (uint64_t)ist_stacks[1] + IST_STACK_SIZE;
	tss.ist[IST_MC - 1] = (uint64_t)ist_stacks[2] + IST_STACK_SIZE;
	tss.iomap_base = sizeof(tss); /* no I/O bitmap: ring 3 gets no ports */
}

void tss_set_rsp0(uint64_t rsp0)
{
	tss.rsp[0] = rsp0;
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

void cpu_init(void)
{
	tss_fill();
	gdt_fill();
	gdt_load();
	wrmsr(MSR_GS_BASE, (uint64_t)&percpu0);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	cpu_features();
	idt_init();
}

/* The halt's address, labelled in cpu_idle's asm. */
extern const char cpu_idle_hlt[];
static uint64_t early_wakes;

void cpu_idle(void)
{
	uint64_t f = read_flags();

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
