/* SPDX-License-Identifier: MIT */
/* time.c: monotonic time and the wall clock, the preemption tick, one-shot wake-ups, over a clock back-end. */
#include <stdbool.h>
#include <stdint.h>

#include "arch/cpu.h"
#include "arch/io.h"
#include "kernel/boot.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "platform.h"

static const struct clock_ops *clock;
static void (*tick_fn)(struct trap_frame *f);
/*
 * Deadlines (0 = none): the periodic tick (selftest only), the
 * scheduler's one-shot, a kernel time_sleep_ns(). The hardware timer is
 * armed for the earliest; armed_ns caches what it holds, so unchanged
 * deadlines cost no hypercall.
 */
/* Each CPU's timer: what it wants and what it holds (a CPU arms only its
 * own one-shot timer, on Xen). */
struct cpu_timer {
	uint64_t period_ns, next_period_ns, oneshot_ns, ksleep_ns, armed_ns;
};
static struct cpu_timer timers[CPU_MAX];
#define period_ns (timers[cpu_id()].period_ns)
#define next_period_ns (timers[cpu_id()].next_period_ns)
#define oneshot_ns (timers[cpu_id()].oneshot_ns)
#define ksleep_ns (timers[cpu_id()].ksleep_ns)
#define armed_ns (timers[cpu_id()].armed_ns)

void time_init(const struct clock_ops *ops)
{
	clock = ops;
}

uint64_t time_now_ns(void)
{
	return clock ? clock->now_ns() : 0;
}

uint64_t clock_tsc_to_ns(uint64_t tsc_delta)
{
	return clock ? clock->tsc_to_ns(tsc_delta) : 0;
}

uint64_t time_boot_ns(void)
{
	uint64_t now, since;

	if (!clock)
		return 0;
	now = clock->now_ns();
	since = clock->tsc_to_ns(rdtsc() - boot_tsc);
	return now > since ? now - since : 0;
}

static uint64_t earliest(uint64_t a, uint64_t b)
{
	return !a || (b && b < a) ? b : a;
}

/* Interrupts off. Arms the timer for the earliest deadline, or disarms
 * it: with nothing due there are no timer interrupts at all. */
static void program(void)
{
	uint64_t d = earliest(period_ns ? next_period_ns : 0, oneshot_ns);

	d = earliest(d, ksleep_ns);
	if (!clock || d == armed_ns)
		return;
	armed_ns = d;
	clock->arm(d);
}

void time_tick_interrupt(struct trap_frame *f)
{
	uint64_t now = time_now_ns();

	armed_ns = 0; /* it fired (or fell short of a far deadline) */
	if (period_ns && now >= next_period_ns) {
		next_period_ns += period_ns;
		if (next_period_ns <= now)
			next_period_ns = now + period_ns;
	}
	if (oneshot_ns && now >= oneshot_ns)
		oneshot_ns = 0;
	if (ksleep_ns && now >= ksleep_ns)
		ksleep_ns = 0;
	program();
	if (tick_fn)
		tick_fn(f);
}

void timer_set_tick_handler(void (*fn)(struct trap_frame *f))
{
	tick_fn = fn;
}

void timer_set_period(uint64_t ns)
{
	uint64_t fl = irq_save();

	period_ns = ns;
	next_period_ns = time_now_ns() + ns;
	program();
	irq_restore(fl);
}

void timer_set_oneshot(uint64_t deadline_ns)
{
	uint64_t fl = irq_save();

	oneshot_ns = deadline_ns;
	program();
	irq_restore(fl);
}

uint64_t timer_armed_ns(void)
{
	return armed_ns;
}

void time_sleep_ns(uint64_t ns)
{
	uint64_t deadline = time_now_ns() + ns, fl = irq_save();

	/* Interrupts stay off from the check to the halt (cpu_idle enables
	 * them atomically with it), so the wake-up cannot be missed. */
	klog_flush();
	while (time_now_ns() < deadline) {
		ksleep_ns = deadline;
		program();
		cpu_idle();
	}
	ksleep_ns = 0;
	program();
	irq_restore(fl);
}

/* The wall clock: the CMOS RTC at boot (plain QEMU), then the monotonic clock. */

static int64_t boot_epoch_ns = -1;

static uint8_t cmos(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static int bcd(uint8_t v, bool binary)
{
	return binary ? v : (v & 15) + (v >> 4) * 10;
}

static int64_t days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int64_t rtc_read_ns(void)
{
	uint8_t sec, min, hour, day, mon, year, regb;
	bool bin;

	if (xen_present())
		return 0; /* PVH has no RTC */
	while (cmos(0x0a) & 0x80)
		cpu_relax();
	sec = cmos(0);
	min = cmos(2);
	hour = cmos(4);
	day = cmos(7);
	mon = cmos(8);
	year = cmos(9);
	regb = cmos(0x0b);
	if (sec == 0xff && year == 0xff)
		return 0;
	bin = regb & 4;
	return ((days_from_civil(2000 + bcd(year, bin), bcd(mon, bin),
				 bcd(day, bin)) *
			 86400 +
		 bcd(hour & 0x7f, bin) * 3600 + bcd(min, bin) * 60 +
		 bcd(sec, bin)) *
		1000000000ll) -
	       (int64_t)time_now_ns();
}

int64_t time_realtime_ns(void)
{
	if (boot_epoch_ns < 0)
		boot_epoch_ns = rtc_read_ns();
	return boot_epoch_ns + (int64_t)time_now_ns();
}

void time_set_realtime_ns(int64_t ns)
{
	boot_epoch_ns = ns - (int64_t)time_now_ns();
}
