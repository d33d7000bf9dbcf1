/* SPDX-License-Identifier: MIT */
/* evtchn.h: shared_info, event channels (2-level ABI) and the upcall vector. */
#ifndef GUEST_XENPLAT_EVTCHN_H
#define GUEST_XENPLAT_EVTCHN_H

#include <stdbool.h>
#include <stdint.h>

#include "xenplat/xen.h"

struct trap_frame;

/* Maps shared_info, installs the upcall vector (HVM_PARAM_CALLBACK_IRQ),
 * masks every port. Returns 0 or -errno. */
int evtchn_init(void);
struct shared_info *xen_shared_info(void);

/* Handler for a port; runs in interrupt context. */
typedef void (*evtchn_handler_t)(evtchn_port_t port, struct trap_frame *f,
				 void *arg);
/* Installs the handler and unmasks the port. Returns 0 or -EINVAL. */
int evtchn_bind(evtchn_port_t port, evtchn_handler_t fn, void *arg);
/* EVTCHNOP_bind_virq on vcpu 0, then evtchn_bind. Returns port or -errno. */
int evtchn_bind_virq(uint32_t virq, evtchn_handler_t fn, void *arg);
/* The same for the VIRQ of vCPU cpu (per-vCPU VIRQs: VIRQ_TIMER); its
 * events are then handled on that vCPU. */
int evtchn_bind_virq_cpu(uint32_t virq, unsigned cpu, evtchn_handler_t fn,
			 void *arg);
/* EVTCHNOP_bind_ipi: a port that interrupts vCPU cpu when any vCPU
 * notifies it, handled there. Returns the port or -errno. */
int evtchn_bind_ipi(unsigned cpu, evtchn_handler_t fn, void *arg);
/* On a vCPU other than 0, before it takes events: unmasks its upcall. */
void evtchn_cpu_init(void);
/* EVTCHNOP_alloc_unbound for remote_dom. Returns the port or -errno. */
int evtchn_alloc_unbound(domid_t remote_dom);
/* EVTCHNOP_bind_interdomain to (remote_dom, remote_port). Returns the
 * local port or -errno. The handler is not bound: call evtchn_bind(). */
int evtchn_bind_interdomain(domid_t remote_dom, evtchn_port_t remote_port);
void evtchn_unbind(evtchn_port_t port);
/* EVTCHNOP_status: 1 while the other end of an interdomain channel is
 * bound (a backend that dies, even killed, closes its end), 0 if not,
 * or -errno. */
int evtchn_peer_bound(evtchn_port_t port);
int evtchn_close(evtchn_port_t port);
void evtchn_mask(evtchn_port_t port);
void evtchn_unmask(evtchn_port_t port);
int evtchn_notify(evtchn_port_t port);
/* True if the port is pending (not cleared). */
bool evtchn_pending(evtchn_port_t port);
/* True if the port is pending (for polling with interrupts off);
 * clears it. */
bool evtchn_test_and_clear(evtchn_port_t port);

/* Logs the upcall flags, the selector and every word with a pending or
 * unmasked bit (the debug key's dump). */
void evtchn_dump(void);
/* Runs the handlers of every pending port (the upcall body). */
void evtchn_poll(struct trap_frame *f);

#endif
