/* SPDX-License-Identifier: MIT */
/* netdev.h: the kernel's one TCP/IP stack (guest/net) on the Xen vifs. */
#ifndef GUEST_KERNEL_NETDEV_H
#define GUEST_KERNEL_NETDEV_H

struct net_stack;

/*
 * Connects the vifs (netfront) and starts the stack on them with the
 * backend's addresses. Thread context, at boot. Returns the number of
 * interfaces (0: no vif, no stack) or -errno.
 */
int netdev_init(void);
/*
 * The stack, for the socket layer: call with interrupts off (irq_save),
 * which is the stack's lock; NULL when there is none.
 */
struct net_stack *netdev_stack(void);
/* Run the stack's due timers and re-arm its kernel timer (interrupts off). */
void netdev_poll(void);
/* Re-arm the kernel timer at the stack's next deadline, after a socket call
 * that may have set one (interrupts off). */
void netdev_rearm(void);
/* The wait channel every socket's readiness change wakes. */
extern const char netdev_chan;

#endif
