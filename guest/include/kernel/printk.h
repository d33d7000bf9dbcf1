/* SPDX-License-Identifier: MIT */
/* printk.h: kernel console output (printk) and the kernel log (pr_info). */
#ifndef GUEST_KERNEL_PRINTK_H
#define GUEST_KERNEL_PRINTK_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The console is the pod's output (`xenpod run` and `xenpod logs` show
 * it), so the kernel writes there only what the user must see: crash
 * reports, panics, fatal errors, the once-per-name "unimplemented
 * syscall" report. Everything else is informational and goes to the
 * kernel log with pr_info().
 *
 * Both format with lib/fmt.h conversions (512-byte lines at most) and
 * are safe from interrupt context.
 */

/* To the console: the Xen PV console ring once it is up (port 0xE9
 * before), or COM1 on plain QEMU. */
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * To the kernel log: port 0xE9 (Xen shows it as "(dN)" lines in its own
 * log, `xl dmesg`; QEMU captures it with -debugcon), and also to the
 * console when the command line has xenpod.verbose.
 */
void pr_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * pr_info() text is held back (1 KiB) and written to port 0xE9 here:
 * under Xen each line costs the guest a trap into Xen's emulator and
 * Xen's own console output (1-2 ms per line nested), which is better
 * spent when idle than on the way to init. Called when the CPU idles,
 * on power-off and on crashes (before the report).
 */
void klog_flush(void);

/* Set once from the command line (xenpod.verbose) by main.c. */
void klog_set_verbose(bool verbose);
bool klog_verbose(void);

/* Raw console output; blocks (never drops) while the ring is full. */
void console_write(const char *s, size_t n);

/*
 * Console back-end selection, called by the ordered start-up in main.c:
 * console_set_sink(fn) routes all output to fn; fn == NULL restores the
 * early sink.
 */
typedef void (*console_sink_t)(const char *s, size_t n);
void console_set_early(console_sink_t sink);
void console_set_sink(console_sink_t sink);
/* Also copy everything to this sink (e.g. port 0xE9 for crash reports). */
void console_set_mirror(console_sink_t sink);

#endif
