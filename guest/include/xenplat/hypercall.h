/* SPDX-License-Identifier: MIT */
/* hypercall.h: Xen detection, the hypercall page, and typed hypercall wrappers. */
#ifndef GUEST_XENPLAT_HYPERCALL_H
#define GUEST_XENPLAT_HYPERCALL_H

#include <stdbool.h>
#include <stdint.h>

#include "xenplat/xen.h"

/*
 * Looks for Xen's CPUID leaves (0x40000000 + n*0x100) and, if found,
 * installs the hypercall page through the MSR CPUID names.
 * Returns 0, or -ENODEV when not on Xen.
 */
int xen_detect(void);
bool xen_present(void);
/* Xen's version (major << 16 | minor), 0 if not on Xen. */
uint32_t xen_version(void);

/* Raw hypercalls: index into the hypercall page, up to 5 arguments. */
long hypercall__op(unsigned op, uint64_t a1, uint64_t a2, uint64_t a3,
		   uint64_t a4, uint64_t a5);

long hypercall_sched_op(int cmd, void *arg);
long hypercall_event_channel_op(int cmd, void *arg);
long hypercall_memory_op(unsigned cmd, void *arg);
long hypercall_hvm_op(unsigned cmd, void *arg);
long hypercall_vcpu_op(int cmd, unsigned vcpu, void *arg);
long hypercall_grant_table_op(unsigned cmd, void *arg, unsigned count);
long hypercall_xen_version(int cmd, void *arg);
long hypercall_console_io(int cmd, unsigned count, const char *buf);

/* HVMOP_get_param / HVMOP_set_param for DOMID_SELF. Return 0 or -errno. */
int xen_hvm_get_param(uint32_t idx, uint64_t *value_r);
int xen_hvm_set_param(uint32_t idx, uint64_t value);

/* SCHEDOP_shutdown with a SHUTDOWN_* reason; returns only on failure. */
void xen_shutdown(unsigned reason);
/* SCHEDOP_yield. */
void xen_yield(void);

#endif
