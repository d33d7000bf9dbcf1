/* SPDX-License-Identifier: MIT */
/* time.h: monotonic clock, the tick (preemption) and one-shot timers, idle. */
#ifndef GUEST_KERNEL_TIME_H
#define GUEST_KERNEL_TIME_H

#include <stdint.h>

struct trap_frame;

/*
 * A clock/timer back-end: Xen (pvclock + VCPUOP_set_singleshot_timer) or
 * plain x86 (TSC + local APIC timer). Chosen by main.c.
 */
struct clock_ops {
	const char *name;
	uint64_t (*now_ns)(void);
	/* Requests one timer interrupt at (or soon after) deadline_ns; a new
	 * call replaces the previous request; 0 cancels it. The interrupt
	 * may come early for far deadlines (hardware limits): the caller
	 * re-arms. */
	void (*arm)(uint64_t deadline_ns);
	/* Converts a TSC delta to ns (for boot-time measurement). */
	uint64_t (*tsc_to_ns)(uint64_t tsc_delta);
};

void time_init(const struct clock_ops *ops);
/* Called by the back-end's interrupt handler. */
void time_tick_interrupt(struct trap_frame *f);

/* Nanoseconds since boot (monotonic). 0 before time_init(). */
uint64_t time_now_ns(void);
/* A TSC delta in ns (0 before time_init()). */
uint64_t clock_tsc_to_ns(uint64_t tsc_delta);
/* The TSC value at PVH entry, in ns from the clock's epoch. */
uint64_t time_boot_ns(void);

/*
 * Tick: fn runs in interrupt context (interrupts off) on every timer
 * interrupt, periodic or one-shot; it may switch tasks via the frame.
 */
void timer_set_tick_handler(void (*fn)(struct trap_frame *f));
/* Periodic tick every period_ns (0 stops it). Only the selftest uses
 * it: the scheduler is tickless. */
void timer_set_period(uint64_t period_ns);
/* The scheduler's one-shot interrupt at deadline_ns, replacing the
 * previous one (0: none). The tick handler sees it like any tick. */
void timer_set_oneshot(uint64_t deadline_ns);
/* The deadline the hardware timer holds (0: none), for debug dumps. */
uint64_t timer_armed_ns(void);

/* The wall clock (CLOCK_REALTIME), ns since the epoch: the RTC read at
 * first use (0 under Xen, where PVH has none) plus the monotonic clock;
 * settimeofday moves it. */
int64_t time_realtime_ns(void);
void time_set_realtime_ns(int64_t ns);

/* Busy-free sleep for kernel code running before/without a scheduler:
 * idles with interrupts on until the time has passed. */
void time_sleep_ns(uint64_t ns);

#endif
