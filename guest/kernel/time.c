/* SPDX-License-Identifier: MIT */
/* time.c: monotonic time, the preemption tick, one-shot wake-ups, over a clock back-end. */
#include <stdint.h>

#include "arch/cpu.h"
#include "kernel/boot.h"
#include "kernel/time.h"

static const struct clock_ops *clock;
static void (*tick_fn)(struct trap_frame *f);
static uint64_t period_ns, next_period_ns, oneshot_ns;

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

/* Interrupts off. Requests the earliest pending deadline. */
static void program(void)
{
	uint64_t d = period_ns ? next_period_ns : 0;

	if (oneshot_ns && (!d || oneshot_ns < d))
		d = oneshot_ns;
	if (d && clock)
		clock->arm(d);
}

void time_tick_interrupt(struct trap_frame *f)
{
	uint64_t now = time_now_ns();

	if (period_ns && now >= next_period_ns) {
		next_period_ns += period_ns;
		if (next_period_ns <= now)
			next_period_ns = now + period_ns;
	}
	if (oneshot_ns && now >= oneshot_ns)
		oneshot_ns = 0;
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

	if (!oneshot_ns || !deadline_ns || deadline_ns < oneshot_ns ||
	    oneshot_ns <= time_now_ns())
		oneshot_ns = deadline_ns;
	program();
	irq_restore(fl);
}

void time_sleep_ns(uint64_t ns)
{
	uint64_t deadline = time_now_ns() + ns;

	while (time_now_ns() < deadline) {
		timer_set_oneshot(deadline);
		cpu_idle();
	}
}
