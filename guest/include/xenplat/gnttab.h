/* SPDX-License-Identifier: MIT */
/* gnttab.h: grant table v1: grant and revoke access to our pages. */
#ifndef GUEST_XENPLAT_GNTTAB_H
#define GUEST_XENPLAT_GNTTAB_H

#include <stdbool.h>
#include <stdint.h>

#include "xenplat/xen.h"

/* Maps the grant-table frames with XENMEM_add_to_physmap. 0 or -errno. */
int gnttab_init(void);
/* Grants dom access to the frame at physical pa. Returns ref or -ENOSPC. */
int gnttab_grant(domid_t dom, uint64_t pa, bool readonly);
/* Revokes; -EBUSY while the other side still has it mapped (retry). */
int gnttab_revoke(grant_ref_t ref);
/* Number of free grant references. */
unsigned gnttab_free_count(void);

#endif
