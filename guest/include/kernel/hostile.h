/* SPDX-License-Identifier: MIT */
/* hostile.h: hostile-guest test modes for the daemon's reliability tests. */
#ifndef GUEST_KERNEL_HOSTILE_H
#define GUEST_KERNEL_HOSTILE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Runs the hostile test mode named mode[0..len) (xs-garbage, xs-flood,
 * evtchn-storm, silent, panic, chan-mute, triple-fault; see
 * kernel/hostile.c); these never return.
 * Returns false for any other name, or a Xen-only mode without Xen.
 */
bool hostile_run(const char *mode, size_t len);

#endif
