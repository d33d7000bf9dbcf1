/* SPDX-License-Identifier: MIT */
/* gnttab.h: grant table v1: grant and revoke access to our pages. */
#ifndef GUEST_XENPLAT_GNTTAB_H
#define GUEST_XENPLAT_GNTTAB_H

#include <stdbool.h>
#include <stdint.h>

#include "xenplat/xen.h"

/* Maps the first grant-table frame with XENMEM_add_to_physmap (more,
 * up to 4, as references run out). 0 or -errno. */
int gnttab_init(void);
/* Grants dom access to the frame at physical pa. Returns the ref, or
 * -ENOSPC when all 4 frames (2040 refs) are in use. IRQ-safe. */
int gnttab_grant(domid_t dom, uint64_t pa, bool readonly);
/* Revokes; -EBUSY while the other side still has it mapped (retry). */
int gnttab_revoke(grant_ref_t ref);
/* Number of free grant references. */
unsigned gnttab_free_count(void);

#endif
