/* SPDX-License-Identifier: MIT */
/* platform.c: power-off, crash and idle for init, on Xen or plain QEMU. */
#include <stdarg.h>

#include "arch/cpu.h"
#include "arch/io.h"
#include "arch/paging.h"
#include "arch/trap.h"
#include "kernel/boot.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "lib/fmt.h"
#include "platform.h"
#include "xenplat/console.h"
#include "xenplat/hypercall.h"

void crash_shutdown(void)
{
	irq_disable();
	if (xen_present()) {
		xen_shutdown(SHUTDOWN_crash);
	} else {
		debug_exit(PLATFORM_EXIT_CRASH);
	}
	cpu_halt_forever();
}

void crash_begin(void)
{
	/* On Xen, crash text also goes to port 0xE9 (Xen's log, `xl
	 * dmesg`), in case the console ring's reader is gone. */
	klog_flush(); /* the log so far, before the report */
	if (xen_present())
		console_set_mirror(debugcon_write);
}

void panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	uint64_t rbp;

	irq_disable();
	crash_begin();
	va_start(ap, fmt);
	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk("\nxenpod-kernel: PANIC: %s\n", buf);
	__asm__ volatile("mov %%rbp, %0" : "=r"(rbp));
	trap_backtrace((uint64_t)panic, rbp);
	crash_shutdown();
}

void platform_crash(const char *why)
{
	panic("%s", why);
}

void platform_poweroff(int exit_code)
{
	if ((exit_code < 0 || exit_code > 0x7d) &&
	    exit_code != PLATFORM_EXIT_TESTFAIL)
		exit_code = 0x7d;
	if (cpu_idle_early_wakes())
		pr_info("xenpod-kernel: %lu interrupts came before the idle "
			"halt (resumed past it)\n",
			cpu_idle_early_wakes());
	klog_flush();
	irq_disable();
	if (xen_present()) {
		xen_shutdown(SHUTDOWN_poweroff);
		printk("xenpod-kernel: SCHEDOP_shutdown failed\n");
	} else {
		debug_exit((uint8_t)exit_code);
		printk("xenpod-kernel: no isa-debug-exit device; halting\n");
	}
	cpu_halt_forever();
}

void platform_idle(void)
{
	klog_flush();
	cpu_idle();
}

int platform_rootfs(const void **data_r, size_t *size_r)
{
	const struct boot_module *m = boot_module(0);

	if (!m)
		return -ENOENT;
	*data_r = phys_to_virt(m->paddr);
	*size_r = m->size;
	return 0;
}
