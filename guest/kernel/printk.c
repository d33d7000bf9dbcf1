/* SPDX-License-Identifier: MIT */
/* printk.c: the kernel console: formatting and routing to the active sink. */
#include <stdarg.h>

#include "arch/cpu.h"
#include "kernel/printk.h"
#include "lib/fmt.h"

static console_sink_t early_sink, main_sink, mirror_sink;

void console_set_early(console_sink_t sink)
{
	early_sink = sink;
}

void console_set_sink(console_sink_t sink)
{
	main_sink = sink;
}

void console_set_mirror(console_sink_t sink)
{
	mirror_sink = sink;
}

void console_write(const char *s, size_t n)
{
	/* Interrupts off: lines from interrupt handlers never interleave. */
	uint64_t fl = irq_save();
	console_sink_t sink = main_sink ? main_sink : early_sink;

	if (sink)
		sink(s, n);
	if (mirror_sink && mirror_sink != sink)
		mirror_sink(s, n);
	irq_restore(fl);
}

void printk(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	console_write(buf, (size_t)n);
}
