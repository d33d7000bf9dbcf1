/* SPDX-License-Identifier: MIT */
/* printk.h: kernel console output. */
#ifndef GUEST_KERNEL_PRINTK_H
#define GUEST_KERNEL_PRINTK_H

#include <stddef.h>

/*
 * Formats (lib/fmt.h conversions, 512-byte lines at most) and writes to
 * the console: the Xen PV console ring once it is up (port 0xE9 before),
 * or COM1 on plain QEMU. Safe from interrupt context.
 */
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

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
