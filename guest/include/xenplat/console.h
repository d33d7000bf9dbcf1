/* SPDX-License-Identifier: MIT */
/* console.h: the Xen PV console ring (xencons_interface). */
#ifndef GUEST_XENPLAT_CONSOLE_H
#define GUEST_XENPLAT_CONSOLE_H

#include <stddef.h>

/* Finds the ring via HVM params and maps it. 0 or -errno. */
int xencons_init(void);
/* Writes all of s; waits (yielding to Xen) while the ring is full. */
void xencons_write(const char *s, size_t n);
/* The console's event channel (for the evtchn-storm test), or -ENODEV. */
int xencons_event_port(void);

#endif
