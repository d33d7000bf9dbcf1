/* SPDX-License-Identifier: MIT */
/* console.c: the PV console ring with flow control; port 0xE9 before it is up. */
#include <stdint.h>

#include "arch/cpu.h"
#include "arch/io.h"
#include "arch/paging.h"
#include "kernel/errno.h"
#include "kernel/time.h"
#include "xenplat/console.h"
#include "xenplat/evtchn.h"
#include "xenplat/hypercall.h"

#include <xen/io/console.h>

/* If xenconsoled has not consumed anything for this long, output falls
 * back to port 0xE9 (Xen's log) rather than hanging the kernel. */
#define STALL_NS 10000000000ull

static struct xencons_interface *ring;
static evtchn_port_t port;
static bool stalled;

int xencons_init(void)
{
	uint64_t pfn, evt;
	int rc;

	rc = xen_hvm_get_param(HVM_PARAM_CONSOLE_PFN, &pfn);
	if (!rc)
		rc = xen_hvm_get_param(HVM_PARAM_CONSOLE_EVTCHN, &evt);
	if (rc)
		return rc;
	if (!pfn)
		return -ENODEV;
	ring = vmap_phys(pfn << PAGE_SHIFT, 1, PTE_W);
	if (!ring)
		return -ENOMEM;
	port = (evtchn_port_t)evt;
	return 0;
}

int xencons_event_port(void)
{
	return ring ? (int)port : -ENODEV;
}

/* Space in the out ring, or -1 if the indices are inconsistent. */
static long out_space(XENCONS_RING_IDX *prod_r)
{
	XENCONS_RING_IDX cons =
		__atomic_load_n(&ring->out_cons, __ATOMIC_ACQUIRE);
	XENCONS_RING_IDX prod = ring->out_prod;

	*prod_r = prod;
	if ((XENCONS_RING_IDX)(prod - cons) > sizeof(ring->out))
		return -1;
	return (long)(sizeof(ring->out) - (prod - cons));
}

/* Waits until the reader frees space. Interrupts may be off (printk),
 * so poll, yielding the CPU to dom0 between looks. */
static bool wait_space(void)
{
	uint64_t start = time_now_ns();
	XENCONS_RING_IDX prod;

	for (;;) {
		evtchn_notify(port);
		xen_yield();
		if (out_space(&prod) != 0)
			return true;
		if (time_now_ns() - start > STALL_NS)
			return false;
	}
}

void xencons_write(const char *s, size_t n)
{
	XENCONS_RING_IDX p;

	if (stalled && out_space(&p) > 0)
		stalled = false; /* the reader is back */
	while (n && !stalled) {
		XENCONS_RING_IDX prod;
		long space = out_space(&prod);
		size_t i = 0;

		if (space < 0)
			break; /* corrupt ring: use 0xE9 */
		if (space == 0) {
			if (!wait_space()) {
				static const char msg[] =
					"\nxenpod-kernel: console ring full for 10 s; "
					"output continues on port 0xE9 (xl dmesg)\n";

				stalled = true;
				debugcon_write(msg, sizeof(msg) - 1);
			}
			continue;
		}
		for (; i < n && i < (size_t)space; i++)
			ring->out[MASK_XENCONS_IDX(prod + i, ring->out)] = s[i];
		wmb();
		ring->out_prod = prod + (XENCONS_RING_IDX)i;
		evtchn_notify(port);
		s += i;
		n -= i;
	}
	if (n)
		debugcon_write(s, n);
}
