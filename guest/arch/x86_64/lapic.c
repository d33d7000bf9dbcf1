/* SPDX-License-Identifier: MIT */
/* lapic.c: TSC clock and local-APIC one-shot timer, calibrated against the PIT. */
#include <stdint.h>

#include "arch/cpu.h"
#include "arch/io.h"
#include "arch/lapic.h"
#include "arch/paging.h"
#include "arch/trap.h"
#include "kernel/boot.h"
#include "kernel/printk.h"
#include "kernel/time.h"

#define MSR_APIC_BASE 0x1b
#define LAPIC_TPR 0x80
#define LAPIC_EOI 0xb0
#define LAPIC_SVR 0xf0
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3e0
#define PIT_HZ 1193182u
#define CALIBRATE_MS 4u

static volatile uint32_t *lapic;
static uint64_t tsc_mult; /* ns = (tsc * tsc_mult) >> 32 */
static uint64_t lapic_mult; /* ticks = (ns * lapic_mult) >> 32 */

static uint32_t lapic_read(unsigned reg)
{
	return lapic[reg / 4];
}

static void lapic_write(unsigned reg, uint32_t v)
{
	lapic[reg / 4] = v;
}

void lapic_eoi(void)
{
	if (lapic)
		lapic_write(LAPIC_EOI, 0);
}

static uint64_t scale(uint64_t v, uint64_t mult)
{
	return (uint64_t)(((unsigned __int128)v * mult) >> 32);
}

static uint64_t x86_tsc_to_ns(uint64_t d)
{
	return scale(d, tsc_mult);
}

static uint64_t x86_now_ns(void)
{
	return scale(rdtsc() - boot_tsc, tsc_mult);
}

static void x86_arm(uint64_t deadline_ns)
{
	uint64_t now = x86_now_ns();
	uint64_t ticks =
		deadline_ns > now ? scale(deadline_ns - now, lapic_mult) : 1;

	if (!deadline_ns) {
		lapic_write(LAPIC_TIMER_INIT, 0); /* stops the count */
		return;
	}
	/* A far deadline fires early (at the counter's limit, about a
	 * minute); time.c re-arms. */
	if (ticks == 0)
		ticks = 1;
	if (ticks > 0xffffffffull)
		ticks = 0xffffffffull;
	lapic_write(LAPIC_TIMER_INIT, (uint32_t)ticks);
}

static void lapic_timer_irq(struct trap_frame *f, void *arg)
{
	time_tick_interrupt(f);
}

struct pit_sample {
	uint16_t count;
	uint64_t tsc; /* midpoint of the read */
	uint64_t span; /* TSC ticks the read took: its uncertainty */
};

/* Latches and reads PIT channel 2, bracketed by TSC reads; keeps the
 * tightest of a few tries (port I/O under emulation can stall). */
static struct pit_sample pit_sample(void)
{
	struct pit_sample best = { 0, 0, ~0ull };

	for (int i = 0; i < 5; i++) {
		uint64_t a = rdtsc(), b;
		uint8_t lo, hi;

		outb(0x43, 0x80); /* latch channel 2 */
		lo = inb(0x42);
		hi = inb(0x42);
		b = rdtsc();
		if (b - a < best.span) {
			best.count = (uint16_t)(lo | hi << 8);
			best.tsc = a + (b - a) / 2;
			best.span = b - a;
		}
	}
	return best;
}

/*
 * TSC ticks per CALIBRATE_MS, from PIT channel 2 counting down from
 * 0xffff (mode 0, 55 ms to wrap). Reads the counter itself rather than
 * polling the output bit, so a slow read only adds its measured span.
 * Returns 0 if the PIT does not count or the reads are too noisy.
 */
static uint64_t calibrate_tsc_once(void)
{
	uint32_t want = PIT_HZ / 1000 * CALIBRATE_MS;

	for (int attempt = 0; attempt < 5; attempt++) {
		struct pit_sample s0, s1;
		uint64_t spins = 0, dtsc;
		uint16_t dcount;

		outb(0x61,
		     (inb(0x61) & ~0x02) | 0x01); /* gate on, no speaker */
		outb(0x43, 0xb0); /* channel 2, lo/hi, mode 0 */
		outb(0x42, 0xff);
		outb(0x42, 0xff);
		s0 = pit_sample();
		do {
			s1 = pit_sample();
			dcount = (uint16_t)(s0.count - s1.count);
		} while (dcount < want && ++spins < 1000000);
		if (dcount < want || dcount > 0xf000)
			continue;
		dtsc = s1.tsc - s0.tsc;
		/* both reads' uncertainty within 0.2% of the interval */
		if ((s0.span + s1.span) * 500 > dtsc)
			continue;
		return dtsc * PIT_HZ / dcount / 1000 * CALIBRATE_MS;
	}
	return 0;
}

/*
 * Under emulation a single measurement is occasionally far off (seen:
 * 2x-4x under host load), so two consecutive ones must agree to 0.5%.
 */
static uint64_t calibrate_tsc(void)
{
	uint64_t prev = calibrate_tsc_once();

	for (int i = 0; i < 8; i++) {
		uint64_t cur = calibrate_tsc_once();

		if (cur && prev && cur * 200 > prev * 199 &&
		    cur * 199 < prev * 200)
			return cur;
		prev = cur;
	}
	return 0;
}

/* APIC timer ticks per CALIBRATE_MS, timed with the calibrated TSC. */
static uint32_t calibrate_apic(uint64_t tsc_per_period)
{
	uint64_t t0, t1;
	uint32_t c0, c1;

	lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
	t0 = rdtsc();
	c0 = lapic_read(LAPIC_TIMER_CUR);
	while (rdtsc() - t0 < tsc_per_period)
		cpu_relax();
	c1 = lapic_read(LAPIC_TIMER_CUR);
	t1 = rdtsc();
	lapic_write(LAPIC_TIMER_INIT, 0);
	if (c0 <= c1 || t1 <= t0)
		return 0;
	return (uint32_t)((uint64_t)(c0 - c1) * tsc_per_period / (t1 - t0));
}

static bool calibrate(uint64_t *tsc_r, uint32_t *apic_r)
{
	*tsc_r = calibrate_tsc();
	if (!*tsc_r)
		return false;
	*apic_r = calibrate_apic(*tsc_r);
	return *apic_r > 0;
}

static const struct clock_ops x86_clock = {
	.name = "tsc+lapic",
	.now_ns = x86_now_ns,
	.arm = x86_arm,
	.tsc_to_ns = x86_tsc_to_ns,
};

const struct clock_ops *lapic_clock_init(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);
	uint64_t tsc_ticks;
	uint32_t apic_ticks;

	wrmsr(MSR_APIC_BASE, base | (1u << 11)); /* global enable */
	lapic = vmap_phys(base & ~0xfffull, 1, PTE_W | PTE_PCD | PTE_PWT);
	if (!lapic)
		return NULL;
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_SVR, 0x100 | VEC_SPURIOUS);
	lapic_write(LAPIC_TIMER_DIV, 0x3); /* divide by 16 */
	lapic_write(LAPIC_LVT_TIMER, 1u << 16); /* masked while calibrating */
	if (!calibrate(&tsc_ticks, &apic_ticks)) {
		printk("xenpod-kernel: PIT calibration failed\n");
		return NULL;
	}
	/* tick rates per ns, as 32.32 fixed point */
	tsc_mult = ((uint64_t)CALIBRATE_MS * 1000000ull << 32) / tsc_ticks;
	lapic_mult = ((uint64_t)apic_ticks << 32) /
		     ((uint64_t)CALIBRATE_MS * 1000000ull);
	pr_info("xenpod-kernel: TSC %lu kHz, APIC timer %lu kHz\n",
		tsc_ticks / CALIBRATE_MS, (uint64_t)apic_ticks / CALIBRATE_MS);
	if (irq_register(VEC_LAPIC_TIMER, lapic_timer_irq, NULL, true))
		return NULL;
	lapic_write(LAPIC_LVT_TIMER, VEC_LAPIC_TIMER); /* one-shot */
	return &x86_clock;
}
