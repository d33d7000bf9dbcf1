/* SPDX-License-Identifier: MIT */
/* gnttab.h: grant table v1: grant/revoke our pages, map/unmap other domains' grants. */
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

/*
 * Foreign grants (another domain's pages mapped here). As an
 * auto-translated guest we map them at guest-physical addresses, which
 * must be a hole in our physmap (mapping over RAM would orphan the RAM
 * page): gnttab_window() hands out page-aligned ranges above all RAM and
 * below nothing else, once each (callers keep and reuse them).
 * Returns the guest-physical base, or 0.
 */
uint64_t gnttab_window(size_t npages);
/* GNTTABOP_map_grant_ref of dom's ref at guest-physical gpa (a window
 * page). Returns 0 with *handle_r, or -errno (-EINVAL bad ref/domain,
 * -EACCES not granted to us, -EAGAIN, -EIO). */
int gnttab_map(domid_t dom, grant_ref_t ref, uint64_t gpa, bool readonly,
	       grant_handle_t *handle_r);
/* GNTTABOP_unmap_grant_ref; the gfn is a hole again afterwards. */
int gnttab_unmap(uint64_t gpa, grant_handle_t handle);

#endif
