/* SPDX-License-Identifier: MIT */
/* lapic.h: local APIC timer + TSC clock back-end for running without Xen. */
#ifndef GUEST_ARCH_LAPIC_H
#define GUEST_ARCH_LAPIC_H

struct clock_ops;

/*
 * Maps the local APIC, calibrates the TSC and the APIC timer against the
 * PIT (4 ms), and returns the clock back-end (TSC time, APIC one-shot
 * timer on VEC_LAPIC_TIMER). Returns NULL if there is no usable APIC.
 */
const struct clock_ops *lapic_clock_init(void);
void lapic_eoi(void);

#endif
