/* SPDX-License-Identifier: MIT */
/* init.h: the hand-off from the kernel's ordered start-up to the C init. */
#ifndef GUEST_KERNEL_INIT_H
#define GUEST_KERNEL_INIT_H

/*
 * Called last by kernel_main() once every platform service is up (console,
 * memory, traps, timers, and on Xen: events, grant table, xenstore).
 * Reads the pod spec, starts the container, reports its exit, powers off.
 * Never returns.
 */
void init_run(void) __attribute__((noreturn));

#endif
