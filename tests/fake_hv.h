/* SPDX-License-Identifier: MIT */
/* fake_hv: an in-memory hypervisor behind hv.h, driven by unit tests. */
#ifndef XENPOD_FAKE_HV_H
#define XENPOD_FAKE_HV_H

#include <stdbool.h>
#include <stddef.h>

#include "hv.h"

/* Failure injection: 0 = succeed. */
extern int fake_hv_fail_create_sync; /* hv_create_paused returns this */
extern int fake_hv_fail_create_async; /* create_done gets this */
extern bool fake_hv_obey_shutdown; /* hv_shutdown makes the guest power off */
/* Called after each unpause (the harness reports the guest's program
 * running there, as a real init soon does); NULL: nothing. */
extern void (*fake_hv_on_unpause)(uint32_t domid);

void fake_hv_reset(void);
size_t fake_hv_count(void);
const struct hv_dominfo *fake_hv_find(uint32_t domid);
/* Add a domain behind the daemon's back (e.g. left over from a crash). */
uint32_t fake_hv_add(const char *name, const char *uuid, bool paused);
/* Remove a domain behind the daemon's back (no event). */
void fake_hv_vanish(uint32_t domid);
/* The guest shuts down with reason: sets the state and sends the event (from the loop). */
void fake_hv_guest_shutdown(uint32_t domid, enum hv_shutdown_reason reason);
int fake_hv_shutdown_requests(void);

#endif
