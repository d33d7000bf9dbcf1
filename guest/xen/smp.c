/* SPDX-License-Identifier: MIT */
/* smp.c: the other vCPUs under Xen PVH: VCPUOP_initialise/VCPUOP_up, per-vCPU timer and IPI ports, TLB flush. */
#include <stddef.h>
#include <stdint.h>

#include "arch/cpu.h"
#include "arch/paging.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "lib/string.h"
#include "platform.h"
#include "xenplat/evtchn.h"
#include "xenplat/hypercall.h"
#include "xenplat/time.h"

static int ipi_port[CPU_MAX];
static void (*ap_main)(void);

unsigned platform_cpus_possible(void)
{
	unsigned n = 1;

	if (!xen_present())
		return 1;
	/* VCPUOP_is_up answers 0 or 1 for a vCPU the domain has, -ENOENT
	 * past the last one. */
	while (n < CPU_MAX && hypercall_vcpu_op(VCPUOP_is_up, n, NULL) >= 0)
		n++;
	return n;
}

static void ipi_event(evtchn_port_t port, struct trap_frame *f, void *arg)
{
	/* The wake-up is the interrupt itself: its exit and the idle loop
	 * look at the run queue and the pending signals. */
	this_cpu()->kicked = false;
}

void platform_ipi(unsigned cpu)
{
	if (cpu < cpus_online && ipi_port[cpu] > 0)
		evtchn_notify((evtchn_port_t)ipi_port[cpu]);
}

/* HVMOP_flush_tlbs: Xen flushes every vCPU of the domain before it
 * returns. */
static void flush_all(void)
{
	long rc = hypercall_hvm_op(HVMOP_flush_tlbs, NULL);

	if (rc)
		panic("HVMOP_flush_tlbs failed: %ld", rc);
}

/* The first code a started vCPU runs, in long mode on the stack given,
 * with the kernel page table and interrupts off. */
static void ap_entry(unsigned id) __attribute__((noreturn, used));
static void ap_entry(unsigned id)
{
	cpu_init_id(id);
	evtchn_cpu_init();
	xen_time_cpu_init();
	ap_main();
	cpu_halt_forever();
}

int platform_cpu_start(unsigned id, uint64_t stack_top, void (*main)(void))
{
	struct vcpu_hvm_context ctx;
	struct vcpu_hvm_x86_64 *r = &ctx.cpu_regs.x86_64;
	uint64_t cr0, cr4;
	long rc;

	if (!xen_present() || id == 0 || id >= CPU_MAX)
		return -EINVAL;
	ap_main = main;
	rc = cpu_prepare(id);
	if (rc)
		return (int)rc;
	percpu[id].pt = pt_kernel();
	rc = evtchn_bind_ipi(id, ipi_event, NULL);
	if (rc < 0)
		return (int)rc;
	ipi_port[id] = (int)rc;
	rc = xen_time_bind_cpu(id);
	if (rc)
		return (int)rc;
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	memset(&ctx, 0, sizeof(ctx));
	ctx.mode = VCPU_HVM_MODE_64B;
	r->rip = (uint64_t)ap_entry;
	r->rdi = id;
	r->rsp = stack_top - 8; /* as if called: 16-byte aligned before */
	r->rflags = 2;
	r->cr0 = cr0;
	r->cr3 = pt_kernel();
	r->cr4 = cr4;
	r->efer = rdmsr(MSR_EFER);
	rc = hypercall_vcpu_op(VCPUOP_initialise, id, &ctx);
	if (rc)
		return (int)rc;
	rc = hypercall_vcpu_op(VCPUOP_up, id, NULL);
	if (rc)
		return (int)rc;
	tlb_flush_all_cpus_hook = flush_all;
	return 0;
}

int platform_cpu0_ipi_init(void)
{
	int rc;

	if (!xen_present())
		return 0;
	rc = evtchn_bind_ipi(0, ipi_event, NULL);
	if (rc < 0)
		return rc;
	ipi_port[0] = rc;
	return 0;
}
