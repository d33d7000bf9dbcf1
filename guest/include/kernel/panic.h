/* SPDX-License-Identifier: MIT */
/* panic.h: fatal kernel errors. */
#ifndef GUEST_KERNEL_PANIC_H
#define GUEST_KERNEL_PANIC_H

/* Prints "PANIC: ..." and a backtrace, then shuts down as a crash. */
void panic(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

/* Called first by every crash path: routes console output where it
 * survives the crash (on Xen also port 0xE9, i.e. Xen's log). */
void crash_begin(void);

/* Shuts down as a crash without printing (after a crash report):
 * Xen: SCHEDOP_shutdown(SHUTDOWN_crash); QEMU: debug-exit 0x7e. */
void crash_shutdown(void) __attribute__((noreturn));

#endif
