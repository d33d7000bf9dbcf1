/* SPDX-License-Identifier: MIT */
/* time.h: Xen pvclock and the single-shot VCPU timer (VIRQ_TIMER). */
#ifndef GUEST_XENPLAT_TIME_H
#define GUEST_XENPLAT_TIME_H

/* Needs evtchn_init(). Registers the Xen clock back-end. 0 or -errno. */
int xen_time_init(void);
/* Binds vCPU cpu's VIRQ_TIMER (before it starts). 0 or -errno. */
int xen_time_bind_cpu(unsigned cpu);
/* On a started vCPU: no periodic timer, only its own deadlines. */
void xen_time_cpu_init(void);

#endif
