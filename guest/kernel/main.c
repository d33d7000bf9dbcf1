/* SPDX-License-Identifier: MIT */
/* main.c: the kernel's one ordered start-up, from PVH entry to init_run(). */
#include <stdint.h>

#include "arch/cpu.h"
#include "arch/io.h"
#include "arch/lapic.h"
#include "arch/paging.h"
#include "arch/trap.h"
#include "kernel/boot.h"
#include "kernel/errno.h"
#include "kernel/init.h"
#include "kernel/netdev.h"
#include "kernel/mm.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/selftest.h"
#include "kernel/time.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "platform.h"
#include "xenplat/console.h"
#include "xenplat/debugkey.h"
#include "xenplat/evtchn.h"
#include "xenplat/gnttab.h"
#include "xenplat/hypercall.h"
#include "xenplat/time.h"
#include "xenplat/xs.h"

/*
 * Kernel command line: "[OPTION...] [-- PROGRAM ARG...]"; the kernel reads
 * only options before "--" (init reads the rest, see platform.h).
 *
 *   xenpod.verbose     informational kernel messages (boot progress and
 *                      timings) also on the console; without it they go
 *                      only to the kernel log, port 0xE9 (see printk.h).
 *   xenpod.e9          also copy all console output to port 0xE9 (Xen's
 *                      log with guest_loglvl=all).
 *   xenpod.test=MODE   a platform test instead of init_run(): boot,
 *                      selftest, fault, stack, xs, grant, idle; see
 *                      kernel/selftest.c.
 */

static uint64_t main_stack_top;
/* TSC at start-up milestones, for the set-up time line on Xen. */
enum { MARK_CPU, MARK_DETECT, MARK_INFO, MARK_PAGE, MARK_PAGING, MARKS };
static uint64_t boot_marks[MARKS];

static void early_console(void)
{
	if (xen_detect() == 0) {
		console_set_early(debugcon_write);
	} else {
		serial_init();
		console_set_early(serial_write);
		pic_disable();
	}
}

static void must(int rc, const char *what)
{
	if (rc < 0)
		panic("%s failed: %d", what, rc);
}

static uint64_t us_tsc(uint64_t tsc_delta)
{
	return clock_tsc_to_ns(tsc_delta) / 1000;
}

static void xen_services(void)
{
	uint64_t t[5];

	must(evtchn_init(), "event channel set-up");
	must(xen_time_init(), "Xen clock");
	t[0] = time_now_ns();
	if (xencons_init() == 0) {
		console_set_sink(xencons_write);
		if (boot_flag("xenpod.e9"))
			console_set_mirror(debugcon_write);
	}
	t[1] = time_now_ns();
	must(gnttab_init(), "grant table");
	t[2] = time_now_ns();
	must(xs_init(), "xenstore");
	irq_enable();
	t[3] = time_now_ns();
	must(xen_control_init(), "control/shutdown watch");
	if (xen_debugkey_init())
		printk("xenpod-kernel: no debug key dump (VIRQ_DEBUG)\n");
	t[4] = time_now_ns();
	if (netdev_init() < 0)
		printk("xenpod-kernel: no network (see above)\n");
	/* Two lines: Xen splits guest lines at 200 characters. */
	pr_info("xenpod-kernel: Xen %u.%u; set-up (us): entry+cpu %lu, detect "
		"%lu, boot info %lu, page_init %lu, paging_init %lu\n",
		xen_version() >> 16, xen_version() & 0xffff,
		us_tsc(boot_marks[MARK_CPU] - boot_tsc),
		us_tsc(boot_marks[MARK_DETECT] - boot_marks[MARK_CPU]),
		us_tsc(boot_marks[MARK_INFO] - boot_marks[MARK_DETECT]),
		us_tsc(boot_marks[MARK_PAGE] - boot_marks[MARK_INFO]),
		us_tsc(boot_marks[MARK_PAGING] - boot_marks[MARK_PAGE]));
	pr_info("xenpod-kernel: set-up (us): events+clock %lu, console %lu, "
		"grants %lu, xenstore %lu, control watch %lu\n",
		(t[0] - time_boot_ns()) / 1000 -
			us_tsc(boot_marks[MARK_PAGING] - boot_tsc),
		(t[1] - t[0]) / 1000, (t[2] - t[1]) / 1000,
		(t[3] - t[2]) / 1000, (t[4] - t[3]) / 1000);
}

static void plain_services(void)
{
	const struct clock_ops *clk = lapic_clock_init();

	if (!clk)
		panic("no usable local APIC timer");
	time_init(clk);
	irq_enable();
}

/* Runs on a guarded kernel stack. */
static void kernel_main_stack(void)
{
	if (xen_present())
		xen_services();
	else
		plain_services();
	pr_info("xenpod-kernel: boot to init in %lu us (%s clock, %zu KiB "
		"free)\n",
		(time_now_ns() - time_boot_ns()) / 1000,
		xen_present() ? "xen-pvclock" : "tsc", page_free_count() * 4);
	if (!selftest_run())
		init_run();
	platform_poweroff(PLATFORM_EXIT_TESTFAIL);
}

void kernel_main(uint32_t start_info_pa);
void kernel_main(uint32_t start_info_pa)
{
	int rc;

	cpu_init();
	boot_marks[MARK_CPU] = rdtsc();
	early_console();
	boot_marks[MARK_DETECT] = rdtsc();
	rc = boot_info_copy(start_info_pa);
	if (rc == -EINVAL)
		panic("bad PVH start_info at %#x", start_info_pa);
	klog_set_verbose(boot_flag("xenpod.verbose"));
	pr_info("xenpod-kernel: PVH boot on %s, cmdline \"%s\"\n",
		xen_present() ? "Xen" : "plain x86", boot_cmdline());
	if (rc)
		printk("xenpod-kernel: start_info truncated (%d)\n", rc);
	boot_marks[MARK_INFO] = rdtsc();
	page_init();
	boot_marks[MARK_PAGE] = rdtsc();
	must(paging_init(), "paging");
	boot_marks[MARK_PAGING] = rdtsc();
	main_stack_top = kstack_alloc(8);
	if (!main_stack_top)
		panic("no memory for the main kernel stack");
	tss_set_rsp0(main_stack_top);
	call_on_stack(main_stack_top, kernel_main_stack);
}
