/* SPDX-License-Identifier: MIT */
/* fake_xs: an in-memory xenstore behind xs.h, driven by unit tests. */
#ifndef XENPOD_FAKE_XS_H
#define XENPOD_FAKE_XS_H

#include <stddef.h>
#include <stdint.h>

#include "xs.h"

extern int fake_xs_fail_write_spec; /* xs_write_spec returns this (0 = succeed) */
/* What xs_9pfs_backend_state says of a device that was added (default 2: published). */
extern int fake_xs_9pfs_state;
/* Bit N: device 9pfs/N of domid has its nodes. */
unsigned fake_xs_9pfs_devs(uint32_t domid);
/* The netns vifs whose xenstore nodes are written and not removed. */
int fake_xs_vif_netns_count(void);

void fake_xs_reset(void);
/* The spec written for domid, or NULL. */
const char *fake_xs_spec(uint32_t domid);
/* What ~/console/tty holds for domid (NULL: absent). */
void fake_xs_set_tty(uint32_t domid, const char *path);
/* ~/console/tty of every domain without its own. */
void fake_xs_set_default_tty(const char *path);
/* The guest reports a status: fires the watches on domid. */
void fake_xs_set_status(uint32_t domid, const struct xs_guest_status *st);
/* xs_read_status calls so far. */
int fake_xs_status_reads(void);
/* Number of watches registered. */
int fake_xs_watches(void);

#endif
