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
#define CALIBRATE_MS 10u

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

/* Counts TSC and APIC-timer ticks across CALIBRATE_MS of PIT channel 2.
 * Returns false if the PIT never fires. */
static bool calibrate(uint64_t *tsc_r, uint32_t *apic_r)
{
	uint32_t latch = PIT_HZ * CALIBRATE_MS / 1000;
	uint64_t t0, spins = 0;

	outb(0x61, (inb(0x61) & ~0x02) | 0x01); /* gate on, speaker off */
	outb(0x43, 0xb0); /* channel 2, lo/hi, mode 0 */
	outb(0x42, latch & 0xff);
	outb(0x42, latch >> 8);
	lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
	t0 = rdtsc();
	while (!(inb(0x61) & 0x20))
		if (++spins > 100000000ull)
			return false;
	*tsc_r = rdtsc() - t0;
	*apic_r = 0xffffffff - lapic_read(LAPIC_TIMER_CUR);
	lapic_write(LAPIC_TIMER_INIT, 0);
	return *tsc_r > 0 && *apic_r > 0;
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
	printk("xenpod-kernel: TSC %lu kHz, APIC timer %lu kHz\n",
	       tsc_ticks / CALIBRATE_MS, (uint64_t)apic_ticks / CALIBRATE_MS);
	if (irq_register(VEC_LAPIC_TIMER, lapic_timer_irq, NULL, true))
		return NULL;
	lapic_write(LAPIC_LVT_TIMER, VEC_LAPIC_TIMER); /* one-shot */
	return &x86_clock;
}
