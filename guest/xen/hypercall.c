/* SPDX-License-Identifier: MIT */
/* hypercall.c: Xen detection by CPUID, the hypercall page, typed wrappers. */
#include <stddef.h>
#include <stdint.h>

#include "arch/cpu.h"
#include "arch/paging.h"
#include "lib/string.h"
#include "xenplat/hypercall.h"

extern char hypercall_page[];
static bool on_xen;
static uint32_t version;

int xen_detect(void)
{
	uint32_t r[4];

	for (uint32_t base = 0x40000000; base < 0x40010000; base += 0x100) {
		cpuid(base, 0, r);
		if (r[1] != 0x566e6558 || r[2] != 0x65584d4d ||
		    r[3] != 0x4d4d566e || r[0] - base < 2)
			continue; /* not "XenVMMXenVMM" */
		cpuid(base + 1, 0, r);
		version = r[0];
		cpuid(base + 2, 0, r);
		/* r[0] = number of hypercall pages (we need 1), r[1] = MSR */
		if (r[0] < 1)
			return -ENODEV;
		wrmsr(r[1], virt_to_phys(hypercall_page));
		on_xen = true;
		return 0;
	}
	return -ENODEV;
}

bool xen_present(void)
{
	return on_xen;
}

uint32_t xen_version(void)
{
	return version;
}

long hypercall__op(unsigned op, uint64_t a1, uint64_t a2, uint64_t a3,
		   uint64_t a4, uint64_t a5)
{
	register uint64_t r10 __asm__("r10") = a4;
	register uint64_t r8 __asm__("r8") = a5;
	long ret;

	__asm__ volatile("call *%[entry]"
			 : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10),
			   "+r"(r8)
			 : [entry] "r"(hypercall_page + op * 32)
			 : "memory", "rcx", "r11");
	return ret;
}

long hypercall_sched_op(int cmd, void *arg)
{
	return hypercall__op(__HYPERVISOR_sched_op, (uint64_t)cmd,
			     (uint64_t)arg, 0, 0, 0);
}

long hypercall_event_channel_op(int cmd, void *arg)
{
	return hypercall__op(__HYPERVISOR_event_channel_op, (uint64_t)cmd,
			     (uint64_t)arg, 0, 0, 0);
}

long hypercall_memory_op(unsigned cmd, void *arg)
{
	return hypercall__op(__HYPERVISOR_memory_op, cmd, (uint64_t)arg, 0, 0,
			     0);
}

long hypercall_hvm_op(unsigned cmd, void *arg)
{
	return hypercall__op(__HYPERVISOR_hvm_op, cmd, (uint64_t)arg, 0, 0, 0);
}

long hypercall_vcpu_op(int cmd, unsigned vcpu, void *arg)
{
	return hypercall__op(__HYPERVISOR_vcpu_op, (uint64_t)cmd, vcpu,
			     (uint64_t)arg, 0, 0);
}

long hypercall_grant_table_op(unsigned cmd, void *arg, unsigned count)
{
	return hypercall__op(__HYPERVISOR_grant_table_op, cmd, (uint64_t)arg,
			     count, 0, 0);
}

long hypercall_xen_version(int cmd, void *arg)
{
	return hypercall__op(__HYPERVISOR_xen_version, (uint64_t)cmd,
			     (uint64_t)arg, 0, 0, 0);
}

long hypercall_console_io(int cmd, unsigned count, const char *buf)
{
	return hypercall__op(__HYPERVISOR_console_io, (uint64_t)cmd, count,
			     (uint64_t)buf, 0, 0);
}

int xen_hvm_get_param(uint32_t idx, uint64_t *value_r)
{
	struct xen_hvm_param p = { .domid = DOMID_SELF, .index = idx };
	long rc = hypercall_hvm_op(HVMOP_get_param, &p);

	if (rc)
		return (int)rc;
	*value_r = p.value;
	return 0;
}

int xen_hvm_set_param(uint32_t idx, uint64_t value)
{
	struct xen_hvm_param p = { .domid = DOMID_SELF,
				   .index = idx,
				   .value = value };

	return (int)hypercall_hvm_op(HVMOP_set_param, &p);
}

void xen_shutdown(unsigned reason)
{
	struct sched_shutdown s = { .reason = reason };

	hypercall_sched_op(SCHEDOP_shutdown, &s);
}

void xen_yield(void)
{
	hypercall_sched_op(SCHEDOP_yield, NULL);
}
