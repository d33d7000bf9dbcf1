/* SPDX-License-Identifier: MIT */
/* time.c: Xen pvclock (each vCPU's vcpu_time_info) and each vCPU's single-shot timer on its VIRQ_TIMER. */
#include <stddef.h>
#include <stdint.h>

#include "arch/cpu.h"
#include "kernel/errno.h"
#include "kernel/time.h"
#include "xenplat/evtchn.h"
#include "xenplat/hypercall.h"
#include "xenplat/time.h"

struct pvclock {
	uint64_t tsc_timestamp, system_time;
	uint32_t mul;
	int8_t shift;
};

static void pvclock_read(struct pvclock *c, uint64_t *tsc_r)
{
	volatile struct vcpu_time_info *t =
		&xen_shared_info()->vcpu_info[cpu_id()].time;
	uint32_t ver;

	do {
		ver = t->version;
		rmb();
		c->tsc_timestamp = t->tsc_timestamp;
		c->system_time = t->system_time;
		c->mul = t->tsc_to_system_mul;
		c->shift = t->tsc_shift;
		*tsc_r = rdtsc();
		rmb();
	} while ((ver & 1) || ver != t->version);
}

static uint64_t pvclock_scale(uint64_t delta, const struct pvclock *c)
{
	if (c->shift < 0)
		delta >>= -c->shift;
	else
		delta <<= c->shift;
	return (uint64_t)(((unsigned __int128)delta * c->mul) >> 32);
}

/* The latest time read on any vCPU: each reads its own pvclock, and two
 * vCPUs' may differ by a little; time never goes back across them. */
static uint64_t last_ns;

static uint64_t xen_now_ns(void)
{
	struct pvclock c;
	uint64_t tsc, ns, seen;

	pvclock_read(&c, &tsc);
	ns = c.system_time + pvclock_scale(tsc - c.tsc_timestamp, &c);
	if (cpus_online == 1)
		return ns;
	seen = __atomic_load_n(&last_ns, __ATOMIC_RELAXED);
	do {
		if (ns <= seen)
			return seen;
	} while (!__atomic_compare_exchange_n(
		&last_ns, &seen, ns, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	return ns;
}

static uint64_t xen_tsc_to_ns(uint64_t d)
{
	struct pvclock c;
	uint64_t tsc;

	pvclock_read(&c, &tsc);
	return pvclock_scale(d, &c);
}

static void xen_arm(uint64_t deadline_ns)
{
	struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = deadline_ns,
					       .flags = 0 };

	if (!deadline_ns) {
		hypercall_vcpu_op(VCPUOP_stop_singleshot_timer, cpu_id(), NULL);
		return;
	}
	/* A deadline in the past fires at once (no VCPU_SSHOTTMR_future).
	 * Xen arms only the calling vCPU's timer. */
	hypercall_vcpu_op(VCPUOP_set_singleshot_timer, cpu_id(), &t);
}

static void timer_virq(evtchn_port_t port, struct trap_frame *f, void *arg)
{
	time_tick_interrupt(f);
}

static const struct clock_ops xen_clock = {
	.name = "xen-pvclock",
	.now_ns = xen_now_ns,
	.arm = xen_arm,
	.tsc_to_ns = xen_tsc_to_ns,
};

int xen_time_init(void)
{
	int port;

	/* Only our own deadlines: no periodic 100 Hz timer from Xen. */
	hypercall_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
	port = evtchn_bind_virq(VIRQ_TIMER, timer_virq, NULL);
	if (port < 0)
		return port;
	time_init(&xen_clock);
	return 0;
}

int xen_time_bind_cpu(unsigned cpu)
{
	int port = evtchn_bind_virq_cpu(VIRQ_TIMER, cpu, timer_virq, NULL);

	return port < 0 ? port : 0;
}

void xen_time_cpu_init(void)
{
	hypercall_vcpu_op(VCPUOP_stop_periodic_timer, cpu_id(), NULL);
}
