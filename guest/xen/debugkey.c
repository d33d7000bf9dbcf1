/* SPDX-License-Identifier: MIT */
/* debugkey.c: on Xen's debug key 'q' (VIRQ_DEBUG) the guest logs its event, timer, task and pod-channel state. */
#include <stdint.h>

#include "arch/cpu.h"
#include "kernel/podio_guest.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/time.h"
#include "xenplat/debugkey.h"
#include "xenplat/evtchn.h"
#include "xenplat/xs.h"

/*
 * `xl debug-keys q` makes Xen dump every domain and send each vCPU
 * VIRQ_DEBUG. The lines go to Xen's log (port 0xE9), next to Xen's own
 * dump of the same moment: a guest that does not answer was not run.
 */
static void dump(evtchn_port_t port, struct trap_frame *f, void *arg)
{
	uint64_t now = time_now_ns();
	struct task *t;

	pr_info("xenpod-kernel: debug: now %lu ns, timer armed for %lu, %lu "
		"interrupts came before the idle halt\n",
		now, timer_armed_ns(), cpu_idle_early_wakes());
	evtchn_dump();
	for_each_task(t) {
		long wake = t->wake_at ? (long)(t->wake_at - now) / 1000000 : 0;

		pr_info("xenpod-kernel: debug: task %d %s state %d chan %p "
			"wake %s%ld ms\n",
			t->pid, t->comm, (int)t->state, t->wait_chan,
			t->wake_at ? "in " : "none ", wake);
	}
	xs_dump();
	podio_guest_dump();
	klog_flush();
}

int xen_debugkey_init(void)
{
	int port = evtchn_bind_virq(VIRQ_DEBUG, dump, NULL);

	return port < 0 ? port : 0;
}
