/* SPDX-License-Identifier: MIT */
/* selftest.c: the kernel's platform test modes (xenpod.test=MODE). */
#include <stdint.h>

#include "arch/cpu.h"
#include "arch/paging.h"
#include "arch/trap.h"
#include "kernel/boot.h"
#include "kernel/errno.h"
#include "kernel/hostile.h"
#include "kernel/mm.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/selftest.h"
#include "kernel/time.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "platform.h"
#include "xenplat/gnttab.h"
#include "xenplat/hypercall.h"

/*
 * Platform test modes, selected with xenpod.test=MODE on the kernel
 * command line (tests/guest/platform.sh on QEMU, platform-xen.sh in the
 * lab). Each prints "PASS: ..."/"FAIL: ..." lines and powers off with 0
 * or PLATFORM_EXIT_TESTFAIL unless noted:
 *
 *     boot      print "xenpod-kernel: test boot ok", power off with 0.
 *     selftest  in-kernel checks of the BKL, the allocators, paging, guard pages
 *               setup, clock and timer; prints "PASS: ..."/"FAIL: ..."
 *               lines; powers off with 0, or PLATFORM_EXIT_TESTFAIL.
 *     fault     writes to an unmapped address: crash report, shutdown
 *               reason crash (QEMU: exit status 253).
 *     stack     unbounded recursion on a guarded kernel stack: the guard
 *               page turns it into a #DF crash report.
 *     xs        (Xen) reads ~/xenpod/test-in (written by dom0), checks
 *               the other xenstore operations (mkdir, directory,
 *               transactions, rm, errors, big values, watches), writes
 *               "ok:VALUE" (or "failed:VALUE") to ~/data/xenpod/test-out,
 *               powers off.
 *     grant     (Xen) grants one page holding "xenpod-grant-test" to
 *               dom0 and checks revocation while mapped / after unmap
 *               (protocol at test_grant()), then idles.
 *     idle      waits for ~/control/shutdown (Xen), or forever.
 *   The hostile-guest modes for the daemon's reliability tests (xs-garbage,
 *   xs-flood, evtchn-storm, silent, panic, chan-mute, triple-fault) are in
 *   kernel/hostile.c.
 *   With no test mode, init_run() runs (it reads everything after "--").
 */

static int failures;

static void check(bool ok, const char *name)
{
	printk("%s: %s\n", ok ? "PASS" : "FAIL", name);
	if (!ok)
		failures++;
}

static volatile unsigned ticks;

static void count_tick(struct trap_frame *f)
{
	ticks++;
}

static void selftest_mm(void)
{
	void *small = kmalloc(40), *big = kzalloc(10000);
	size_t before = page_free_count();
	uint64_t a = page_alloc(3), b = page_alloc_zeroed(1);

	check(a && b && a != b, "page_alloc returns distinct pages");
	check(((uint8_t *)phys_to_virt(b))[100] == 0, "page_alloc_zeroed");
	check(small && big && kmalloc_usable(small) >= 40 &&
		      kmalloc_usable(big) >= 10000,
	      "kmalloc small and large");
	page_free(a, 3);
	page_free(b, 1);
	check(page_free_count() == before, "page counts restored after free");
	kfree(big);
	check(page_free_count() == before + 3, "kfree of a large block");
	kfree(small);
}

static void selftest_paging(void)
{
	pt_t pt = pt_new(), saved = pt_current();
	uint64_t frame = page_alloc_zeroed(1), pa = 0, fl = 0;
	const uint64_t va = 0x400000;

	check(pt != 0 && frame != 0, "pt_new");
	check(pt_map(pt, va, frame, PTE_W | PTE_U | PTE_NX) == 0, "pt_map");
	check(pt_map(pt, va, frame, PTE_W) == -EEXIST, "pt_map twice: -EEXIST");
	check(pt_lookup(pt, va, &pa, &fl) == 0 && pa == frame && (fl & PTE_U) &&
		      (fl & PTE_W),
	      "pt_lookup");
	pt_switch(pt);
	*(volatile uint32_t *)va = 0x5a5a5a5a; /* through the new mapping */
	pt_switch(saved);
	check(*(uint32_t *)phys_to_virt(frame) == 0x5a5a5a5a,
	      "user mapping reaches the frame, kernel half shared");
	check(pt_protect(pt, va, PTE_U) == 0 &&
		      pt_lookup(pt, va, &pa, &fl) == 0 && !(fl & PTE_W),
	      "pt_protect");
	check(pt_unmap(pt, va, &pa) == 0 && pa == frame &&
		      pt_lookup(pt, va, &pa, &fl) == -ENOENT,
	      "pt_unmap");
	pt_destroy(pt, NULL, NULL);
	page_free(frame, 1);
	check(pt_lookup(pt_current(), 0, &pa, &fl) == -ENOENT,
	      "page 0 unmapped in the kernel");
}

static void selftest_stack(void)
{
	uint64_t top = kstack_alloc(4), pa, fl;

	check(top != 0 && pt_lookup(pt_kernel(), top - 4096, &pa, &fl) == 0,
	      "kstack mapped");
	check(pt_lookup(pt_kernel(), top - 5 * 4096, &pa, &fl) == -ENOENT,
	      "kstack guard page unmapped");
	kstack_free(top);
}

static void selftest_time(void)
{
	uint64_t t0 = time_now_ns(), t1;

	timer_set_tick_handler(count_tick);
	timer_set_period(1000000); /* 1 ms */
	time_sleep_ns(50000000); /* 50 ms */
	timer_set_period(0);
	timer_set_tick_handler(NULL);
	t1 = time_now_ns();
	check(t1 - t0 >= 50000000 && t1 - t0 < 10000000000ull,
	      "time_sleep_ns(50 ms)");
	printk("ticks in 50 ms at 1 kHz: %u\n", ticks);
	check(ticks >= 3, "periodic tick runs");
}

/* The BKL's nesting (kernel code interrupted on the CPU that holds it)
 * and the idle loop's release and re-take. */
static void selftest_bkl(void)
{
	uint64_t fl = irq_save();
	unsigned depth;

	check(!bkl_held(), "bkl: not held at boot");
	bkl_lock();
	bkl_lock();
	check(bkl_held() && this_cpu()->bkl_depth == 2, "bkl: nests");
	bkl_unlock();
	check(bkl_held(), "bkl: held after the inner unlock");
	bkl_lock();
	depth = bkl_release_all();
	check(depth == 2 && !bkl_held(), "bkl: release_all");
	bkl_reacquire(depth);
	check(bkl_held() && this_cpu()->bkl_depth == 2, "bkl: reacquire");
	bkl_unlock();
	bkl_unlock();
	check(!bkl_held(), "bkl: free after the last unlock");
	irq_restore(fl);
}

static void test_selftest(void)
{
	selftest_bkl();
	selftest_mm();
	selftest_paging();
	selftest_stack();
	selftest_time();
	platform_poweroff(failures ? PLATFORM_EXIT_TESTFAIL : 0);
}

static int recurse(int n);
/* Called through a volatile pointer so the compiler cannot see (and
 * reject or optimise away) the unbounded recursion. */
static int (*volatile recurse_ptr)(int) = recurse;

static int recurse(int n)
{
	volatile char pad[256];

	pad[0] = (char)n;
	return recurse_ptr(n + 1) + pad[0];
}

static volatile unsigned watch_hits;

static void count_watch(const char *path, const char *token, void *arg)
{
	watch_hits++;
}

/* Waits (up to 30 s) until watch_hits reaches n. */
static bool wait_hits(unsigned n)
{
	uint64_t end = time_now_ns() + 30000000000ull;

	while (watch_hits < n && time_now_ns() < end)
		time_sleep_ns(1000000);
	return watch_hits >= n;
}

static int tx_increment(uint32_t tx, void *arg)
{
	char v[16];
	int n = xs_read(tx, "data/xenpod/t/a", v, sizeof(v));

	if (n != 1)
		return n < 0 ? n : -EINVAL;
	v[0]++;
	return xs_write(tx, "data/xenpod/t/a", v);
}

static void selftest_xs_ops(void)
{
	static char big[4100], back[4100];
	char names[64];

	check(xs_mkdir(0, "data/xenpod/t") == 0 &&
		      xs_write(0, "data/xenpod/t/a", "1") == 0 &&
		      xs_write(0, "data/xenpod/t/b", "2") == 0,
	      "xs: mkdir and write");
	check(xs_directory(0, "data/xenpod/t", names, sizeof(names)) == 2 &&
		      !strcmp(names, "a") && !strcmp(names + 2, "b"),
	      "xs: directory lists two children");
	check(xs_transact(tx_increment, NULL) == 0 &&
		      xs_read(0, "data/xenpod/t/a", names, sizeof(names)) ==
			      1 &&
		      names[0] == '2',
	      "xs: transaction read-modify-write");
	check(xs_rm(0, "data/xenpod/t") == 0 &&
		      xs_read(0, "data/xenpod/t/a", names, sizeof(names)) ==
			      -ENOENT,
	      "xs: rm, then read gives -ENOENT");
	check(xs_write(0, "xenpod/test-in", "x") == -EACCES,
	      "xs: read-only node gives -EACCES");
	/* xenstored caps an unprivileged domain's node size (C xenstored:
	 * 2048 bytes by default), below the 4096-byte protocol limit. */
	memset(big, 'v', 2000);
	check(xs_write_bytes(0, "data/xenpod/big", big, 2000) == 0 &&
		      xs_read(0, "data/xenpod/big", back, sizeof(back)) ==
			      2000 &&
		      !memcmp(big, back, 2000),
	      "xs: 2000-byte value round trip");
	check(xs_read(0, "data/xenpod/big", back, 100) == -E2BIG,
	      "xs: short buffer gives -E2BIG");
	check(xs_write_bytes(0, "data/xenpod/big", big, 4000) < 0,
	      "xs: value over xenstored's quota refused with an error");
	check(xs_write_bytes(0, "data/xenpod/big", big, 4097) == -E2BIG,
	      "xs: payload over 4096 bytes refused");
	xs_rm(0, "data/xenpod/big");
}

static void selftest_xs_watch(void)
{
	check(xs_watch("data/xenpod/w", "selftest", count_watch, NULL) == 0 &&
		      wait_hits(1),
	      "xs: watch fires once when set");
	xs_write(0, "data/xenpod/w", "1");
	check(wait_hits(2), "xs: watch fires on a write");
	check(xs_unwatch("data/xenpod/w", "selftest") == 0, "xs: unwatch");
	xs_write(0, "data/xenpod/w", "2");
	time_sleep_ns(200000000);
	check(watch_hits == 2, "xs: no event after unwatch");
	xs_rm(0, "data/xenpod/w");
}

static void test_xs(void)
{
	char in[256], out[300];
	int n = xs_read(0, "xenpod/test-in", in, sizeof(in));

	check(n >= 0, "xs: read a key dom0 wrote");
	if (n < 0)
		platform_poweroff(PLATFORM_EXIT_TESTFAIL);
	selftest_xs_ops();
	selftest_xs_watch();
	strlcpy(out, failures ? "failed:" : "ok:", sizeof(out));
	strlcat(out, in, sizeof(out));
	n = xs_write(0, "data/xenpod/test-out", out);
	check(n == 0, "xs: reply written under data/xenpod");
	platform_poweroff(failures ? PLATFORM_EXIT_TESTFAIL : 0);
}

/* Polls xenpod/test-in (written by dom0) until it equals want. */
static void wait_test_in(const char *want)
{
	char v[32];

	while (xs_read(0, "xenpod/test-in", v, sizeof(v)) < 0 ||
	       strcmp(v, want))
		time_sleep_ns(50000000);
}

/*
 * Grant protocol with dom0 (tests/guest/platform-xen.sh): we write the
 * ref to data/xenpod/test-out; dom0 maps it and writes test-in=mapped;
 * revoking must then fail with -EBUSY ("busy"); dom0 unmaps and writes
 * test-in=unmapped; revoking must then succeed ("revoked").
 */
/* More grants than one frame holds: the table grows, and every ref
 * comes back after revoking. */
static void selftest_grant_many(uint64_t pa)
{
	static int refs[600];
	unsigned before = gnttab_free_count();
	bool ok = true;

	for (int i = 0; i < 600; i++) {
		refs[i] = gnttab_grant(0, pa, true);
		ok = ok && refs[i] >= 0;
	}
	for (int i = 0; i < 600; i++)
		ok = ok && refs[i] >= 0 &&
		     gnttab_revoke((grant_ref_t)refs[i]) == 0;
	check(ok && gnttab_free_count() > before,
	      "grant: 600 grants grow the table, all revoked");
}

static void test_grant(void)
{
	uint64_t pa = page_alloc_zeroed(1);
	char ref[16];
	int r, rc;

	strlcpy(phys_to_virt(pa), "xenpod-grant-test", 64);
	selftest_grant_many(pa);
	r = gnttab_grant(0, pa, true);
	if (r < 0)
		panic("gnttab_grant: %d", r);
	fmt_snprintf(ref, sizeof(ref), "%d", r);
	printk("xenpod-kernel: granted page as ref %d\n", r);
	xs_write(0, "data/xenpod/test-out", ref);
	wait_test_in("mapped");
	rc = gnttab_revoke((grant_ref_t)r);
	check(rc == -EBUSY, "grant: revoke while mapped gives -EBUSY");
	xs_write(0, "data/xenpod/test-out", rc == -EBUSY ? "busy" : "error");
	wait_test_in("unmapped");
	rc = gnttab_revoke((grant_ref_t)r);
	check(rc == 0, "grant: revoke after unmap");
	xs_write(0, "data/xenpod/test-out", rc == 0 ? "revoked" : "error");
	for (;;)
		platform_idle();
}

bool selftest_run(void)
{
	size_t len;
	const char *m = boot_param("xenpod.test", &len);

#define IS(s) (len == sizeof(s) - 1 && !memcmp(m, s, len))
	if (!m)
		return false;
	if (IS("boot")) {
		printk("xenpod-kernel: test boot ok\n");
		platform_poweroff(0);
	} else if (IS("selftest")) {
		test_selftest();
	} else if (IS("fault")) {
		volatile uint64_t unmapped = 0x10;

		*(volatile int *)unmapped = 1;
	} else if (IS("stack")) {
		recurse(0);
	} else if (IS("xs") && xen_present()) {
		test_xs();
	} else if (IS("grant") && xen_present()) {
		test_grant();
	} else if (IS("idle")) {
		for (;;)
			platform_idle();
	} else {
		hostile_run(m, len); /* returns only if m is none of them */
	}
#undef IS
	printk("xenpod-kernel: unknown or unsupported test mode \"%.*s\"\n",
	       (int)len, m);
	platform_poweroff(PLATFORM_EXIT_TESTFAIL);
}
