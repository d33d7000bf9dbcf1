/* SPDX-License-Identifier: MIT */
/* evtchn.c: shared_info, 2-level event channels, the HVM callback vector upcall on every vCPU. */
#include <stddef.h>
#include <stdint.h>

#include "arch/cpu.h"
#include "arch/paging.h"
#include "arch/trap.h"
#include "kernel/errno.h"
#include "kernel/mm.h"
#include "kernel/printk.h"
#include "lib/string.h"
#include "xenplat/evtchn.h"
#include "xenplat/hypercall.h"

#define MAX_PORTS 1024
#define BITS (sizeof(xen_ulong_t) * 8)

struct port_slot {
	evtchn_handler_t fn;
	void *arg;
};

static struct shared_info *shared;
static struct port_slot ports[MAX_PORTS];
/* The ports each vCPU handles: those Xen binds to it. Pending bits are
 * shared, so a vCPU scanning a word leaves the other vCPUs' bits alone
 * (their own upcall takes them). Every port is vCPU 0's until bound to
 * another (a timer VIRQ or an IPI). */
static xen_ulong_t cpu_ports[CPU_MAX][MAX_PORTS / BITS];

struct shared_info *xen_shared_info(void)
{
	return shared;
}

static void upcall(struct trap_frame *f, void *arg)
{
	evtchn_poll(f);
}

void evtchn_poll(struct trap_frame *f)
{
	unsigned me = cpu_id();
	struct vcpu_info *v = &shared->vcpu_info[me];

	/* Xen re-injects the vector while upcall_pending is set: clear it
	 * first, then drain everything that is pending. */
	while (__atomic_exchange_n(&v->evtchn_upcall_pending, 0,
				   __ATOMIC_SEQ_CST)) {
		xen_ulong_t sel = __atomic_exchange_n(&v->evtchn_pending_sel, 0,
						      __ATOMIC_SEQ_CST);

		while (sel) {
			unsigned w = (unsigned)__builtin_ctzl(sel);
			xen_ulong_t pend;

			sel &= sel - 1;
			if (w >= MAX_PORTS / BITS)
				continue;
			pend = shared->evtchn_pending[w] &
			       ~shared->evtchn_mask[w] & cpu_ports[me][w];
			while (pend) {
				unsigned b = (unsigned)__builtin_ctzl(pend);
				evtchn_port_t port = w * BITS + b;

				pend &= pend - 1;
				__atomic_fetch_and(&shared->evtchn_pending[w],
						   ~(1ul << b),
						   __ATOMIC_SEQ_CST);
				if (port < MAX_PORTS && ports[port].fn)
					ports[port].fn(port, f,
						       ports[port].arg);
			}
		}
	}
}

int evtchn_init(void)
{
	struct xen_add_to_physmap xatp = {
		.domid = DOMID_SELF,
		.space = XENMAPSPACE_shared_info,
		.idx = 0,
	};
	uint64_t pa = page_alloc(1);
	long rc;

	if (!pa)
		return -ENOMEM;
	xatp.gpfn = pa >> PAGE_SHIFT;
	rc = hypercall_memory_op(XENMEM_add_to_physmap, &xatp);
	if (rc)
		return (int)rc;
	shared = phys_to_virt(pa);
	for (unsigned i = 0;
	     i < sizeof(shared->evtchn_mask) / sizeof(xen_ulong_t); i++)
		shared->evtchn_mask[i] = ~(xen_ulong_t)0;
	shared->vcpu_info[0].evtchn_upcall_mask = 0;
	memset(cpu_ports[0], 0xff, sizeof(cpu_ports[0]));
	rc = irq_register(VEC_XEN_UPCALL, upcall, NULL, false);
	if (rc)
		return (int)rc;
	return xen_hvm_set_param(HVM_PARAM_CALLBACK_IRQ,
				 ((uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR
				  << 56) |
					 VEC_XEN_UPCALL);
}

int evtchn_bind(evtchn_port_t port, evtchn_handler_t fn, void *arg)
{
	if (port >= MAX_PORTS || !fn)
		return -EINVAL;
	ports[port].arg = arg;
	barrier();
	ports[port].fn = fn;
	evtchn_unmask(port);
	return 0;
}

void evtchn_unbind(evtchn_port_t port)
{
	if (port >= MAX_PORTS)
		return;
	evtchn_mask(port);
	ports[port].fn = NULL;
}

/* Port p is handled by vCPU cpu from now on. */
static int port_to_cpu(evtchn_port_t p, unsigned cpu)
{
	if (p >= MAX_PORTS || cpu >= CPU_MAX)
		return -EINVAL;
	for (unsigned c = 0; c < CPU_MAX; c++)
		cpu_ports[c][p / BITS] &= ~(1ul << (p % BITS));
	cpu_ports[cpu][p / BITS] |= 1ul << (p % BITS);
	return 0;
}

int evtchn_bind_virq_cpu(uint32_t virq, unsigned cpu, evtchn_handler_t fn,
			 void *arg)
{
	struct evtchn_bind_virq b = { .virq = virq, .vcpu = cpu };
	long rc = hypercall_event_channel_op(EVTCHNOP_bind_virq, &b);

	if (rc)
		return (int)rc;
	rc = port_to_cpu(b.port, cpu);
	if (!rc)
		rc = evtchn_bind(b.port, fn, arg);
	return rc ? (int)rc : (int)b.port;
}

int evtchn_bind_virq(uint32_t virq, evtchn_handler_t fn, void *arg)
{
	return evtchn_bind_virq_cpu(virq, 0, fn, arg);
}

int evtchn_bind_ipi(unsigned cpu, evtchn_handler_t fn, void *arg)
{
	struct evtchn_bind_ipi b = { .vcpu = cpu };
	long rc = hypercall_event_channel_op(EVTCHNOP_bind_ipi, &b);

	if (rc)
		return (int)rc;
	rc = port_to_cpu(b.port, cpu);
	if (!rc)
		rc = evtchn_bind(b.port, fn, arg);
	return rc ? (int)rc : (int)b.port;
}

void evtchn_cpu_init(void)
{
	shared->vcpu_info[cpu_id()].evtchn_upcall_mask = 0;
}

int evtchn_alloc_unbound(domid_t remote_dom)
{
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF,
					  .remote_dom = remote_dom };
	long rc = hypercall_event_channel_op(EVTCHNOP_alloc_unbound, &a);

	return rc ? (int)rc : (int)a.port;
}

int evtchn_bind_interdomain(domid_t remote_dom, evtchn_port_t remote_port)
{
	struct evtchn_bind_interdomain b = { .remote_dom = remote_dom,
					     .remote_port = remote_port };
	long rc = hypercall_event_channel_op(EVTCHNOP_bind_interdomain, &b);

	return rc ? (int)rc : (int)b.local_port;
}

int evtchn_peer_bound(evtchn_port_t port)
{
	struct evtchn_status st = { .dom = DOMID_SELF, .port = port };
	long rc = hypercall_event_channel_op(EVTCHNOP_status, &st);

	if (rc)
		return (int)rc;
	return st.status == EVTCHNSTAT_interdomain;
}

int evtchn_close(evtchn_port_t port)
{
	struct evtchn_close c = { .port = port };

	evtchn_unbind(port);
	return (int)hypercall_event_channel_op(EVTCHNOP_close, &c);
}

void evtchn_mask(evtchn_port_t port)
{
	__atomic_fetch_or(&shared->evtchn_mask[port / BITS],
			  1ul << (port % BITS), __ATOMIC_SEQ_CST);
}

void evtchn_unmask(evtchn_port_t port)
{
	struct evtchn_unmask u = { .port = port };
	xen_ulong_t bit = 1ul << (port % BITS);

	/* Clearing the mask bit ourselves saves a hypercall (a costly exit,
	 * nested); an event after the clear is delivered as usual. One that
	 * arrived while masked needs Xen's unmask to raise the upcall, and
	 * Xen acts only on a set mask bit: set it again first (as Linux). */
	__atomic_fetch_and(&shared->evtchn_mask[port / BITS], ~bit,
			   __ATOMIC_SEQ_CST);
	if (!(__atomic_load_n(&shared->evtchn_pending[port / BITS],
			      __ATOMIC_SEQ_CST) &
	      bit))
		return;
	__atomic_fetch_or(&shared->evtchn_mask[port / BITS], bit,
			  __ATOMIC_SEQ_CST);
	hypercall_event_channel_op(EVTCHNOP_unmask, &u);
}

int evtchn_notify(evtchn_port_t port)
{
	struct evtchn_send s = { .port = port };

	return (int)hypercall_event_channel_op(EVTCHNOP_send, &s);
}

void evtchn_dump(void)
{
	for (unsigned c = 0; c < cpus_online; c++) {
		struct vcpu_info *v = &shared->vcpu_info[c];

		pr_info("xenpod-kernel: debug: evtchn vcpu %u upcall_pending "
			"%u upcall_mask %u pending_sel %#lx\n",
			c, v->evtchn_upcall_pending, v->evtchn_upcall_mask,
			(unsigned long)v->evtchn_pending_sel);
	}
	for (unsigned w = 0; w < MAX_PORTS / BITS; w++) {
		xen_ulong_t p = shared->evtchn_pending[w],
			    m = shared->evtchn_mask[w];

		if (w == 0 || p || ~m)
			pr_info("xenpod-kernel: debug: evtchn word %u pending "
				"%#lx mask %#lx\n",
				w, (unsigned long)p, (unsigned long)m);
	}
}

bool evtchn_pending(evtchn_port_t port)
{
	return __atomic_load_n(&shared->evtchn_pending[port / BITS],
			       __ATOMIC_SEQ_CST) &
	       (1ul << (port % BITS));
}

bool evtchn_test_and_clear(evtchn_port_t port)
{
	xen_ulong_t bit = 1ul << (port % BITS);

	return __atomic_fetch_and(&shared->evtchn_pending[port / BITS], ~bit,
				  __ATOMIC_SEQ_CST) &
	       bit;
}
