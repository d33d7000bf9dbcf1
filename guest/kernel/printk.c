/* SPDX-License-Identifier: MIT */
/* printk.c: the kernel console and kernel log: formatting and routing to the sinks. */
#include <stdarg.h>

#include "arch/cpu.h"
#include "arch/io.h"
#include "kernel/printk.h"
#include "lib/fmt.h"
#include "lib/string.h"

static console_sink_t early_sink, main_sink, mirror_sink;
static bool log_verbose;
/* Kernel log text not yet written to port 0xE9 (see klog_flush). */
static char klog_buf[1024];
static size_t klog_len;

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

void klog_set_verbose(bool verbose)
{
	log_verbose = verbose;
}

bool klog_verbose(void)
{
	return log_verbose;
}

/* Interrupts off. Returns true if the text also reached port 0xE9. */
static bool console_out(const char *s, size_t n)
{
	console_sink_t sink = main_sink ? main_sink : early_sink;

	if (sink)
		sink(s, n);
	if (mirror_sink && mirror_sink != sink)
		mirror_sink(s, n);
	return sink == debugcon_write || mirror_sink == debugcon_write;
}

void console_write(const char *s, size_t n)
{
	/* Interrupts off: lines from interrupt handlers never interleave. */
	uint64_t fl = irq_save();

	console_out(s, n);
	irq_restore(fl);
}

static size_t format(char *buf, size_t cap, const char *fmt, va_list ap)
{
	int n = fmt_vsnprintf(buf, cap, fmt, ap);

	return n >= (int)cap ? cap - 1 : (size_t)n;
}

void printk(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = format(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_write(buf, n);
}

void klog_flush(void)
{
	uint64_t fl = irq_save();

	debugcon_write(klog_buf, klog_len);
	klog_len = 0;
	irq_restore(fl);
}

/* Interrupts off. */
static void klog_put(const char *s, size_t n)
{
	if (klog_len + n > sizeof(klog_buf))
		klog_flush();
	if (n > sizeof(klog_buf)) {
		debugcon_write(s, n);
		return;
	}
	memcpy(klog_buf + klog_len, s, n);
	klog_len += n;
}

void pr_info(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	uint64_t fl;
	size_t n;

	va_start(ap, fmt);
	n = format(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fl = irq_save();
	/* Never twice on 0xE9 (early Xen console, xenpod.e9 mirror). */
	if (!(log_verbose && console_out(buf, n)))
		klog_put(buf, n);
	irq_restore(fl);
}
