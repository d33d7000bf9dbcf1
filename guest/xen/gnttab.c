/* SPDX-License-Identifier: MIT */
/* gnttab.c: grant table v1 frames via XENMEM_add_to_physmap; grant/revoke; foreign maps. */
#include <stdint.h>

#include "arch/cpu.h"
#include "arch/paging.h"
#include "kernel/errno.h"
#include "kernel/mm.h"
#include "xenplat/gnttab.h"
#include "xenplat/hypercall.h"

#define WANT_FRAMES 4u
#define PER_FRAME (PAGE_SIZE / sizeof(grant_entry_v1_t))

static grant_entry_v1_t *table;
static uint64_t table_pa;
static unsigned nr_frames, max_frames;
static grant_ref_t *free_next; /* free-list links, indexed by ref */
static grant_ref_t free_head;
static unsigned nfree;

/* Adds the grant entries of one frame to the free list. */
static void add_free(unsigned first, unsigned end)
{
	for (unsigned r = end; r-- > first;) {
		free_next[r] = free_head;
		free_head = r;
		nfree++;
	}
}

/* Maps the next grant-table frame (each XENMEM_add_to_physmap is costly
 * under nested virtualisation, so frames are added as refs run out). */
static int grow(void)
{
	struct xen_add_to_physmap x = {
		.domid = DOMID_SELF,
		.space = XENMAPSPACE_grant_table,
		.idx = nr_frames,
		.gpfn = (table_pa >> PAGE_SHIFT) + nr_frames,
	};
	long rc;

	if (nr_frames == max_frames)
		return -ENOSPC;
	rc = hypercall_memory_op(XENMEM_add_to_physmap, &x);
	if (rc)
		return (int)rc;
	nr_frames++;
	/* refs below GNTTAB_NR_RESERVED_ENTRIES belong to the toolstack */
	add_free(nr_frames == 1 ? GNTTAB_NR_RESERVED_ENTRIES :
				  (nr_frames - 1) * PER_FRAME,
		 nr_frames * PER_FRAME);
	return 0;
}

int gnttab_init(void)
{
	struct gnttab_query_size q = { .dom = DOMID_SELF };
	long rc;

	rc = hypercall_grant_table_op(GNTTABOP_query_size, &q, 1);
	if (rc || q.status != GNTST_okay)
		return rc ? (int)rc : -EIO;
	max_frames = q.max_nr_frames < WANT_FRAMES ? q.max_nr_frames :
						     WANT_FRAMES;
	if (max_frames == 0)
		return -ENODEV;
	/* RAM pages whose gfns the grant frames take over */
	table_pa = page_alloc(max_frames);
	free_next = kmalloc(max_frames * PER_FRAME * sizeof(*free_next));
	if (!table_pa || !free_next)
		return -ENOMEM;
	table = phys_to_virt(table_pa);
	return grow();
}

int gnttab_grant(domid_t dom, uint64_t pa, bool readonly)
{
	uint64_t fl = irq_save();
	grant_ref_t ref;

	if (!nfree && grow() < 0) {
		irq_restore(fl);
		return -ENOSPC;
	}
	ref = free_head;
	free_head = free_next[ref];
	nfree--;
	irq_restore(fl);
	table[ref].domid = dom;
	table[ref].frame = (uint32_t)(pa >> PAGE_SHIFT);
	wmb(); /* domid and frame before the flags that publish them */
	table[ref].flags = GTF_permit_access | (readonly ? GTF_readonly : 0);
	return (int)ref;
}

int gnttab_revoke(grant_ref_t ref)
{
	uint16_t flags;
	uint64_t fl;

	if (ref < GNTTAB_NR_RESERVED_ENTRIES || ref >= nr_frames * PER_FRAME)
		return -EINVAL;
	flags = __atomic_load_n(&table[ref].flags, __ATOMIC_ACQUIRE);
	do {
		if (!(flags & GTF_permit_access))
			return -EINVAL; /* not granted */
		if (flags & (GTF_reading | GTF_writing))
			return -EBUSY;
	} while (!__atomic_compare_exchange_n(&table[ref].flags, &flags, 0,
					      false, __ATOMIC_SEQ_CST,
					      __ATOMIC_SEQ_CST));
	fl = irq_save();
	free_next[ref] = free_head;
	free_head = ref;
	nfree++;
	irq_restore(fl);
	return 0;
}

unsigned gnttab_free_count(void)
{
	return nfree;
}

/* The foreign-mapping windows start 1 GiB above the end of RAM (the
 * Xen special pages and the LAPIC sit below 4 GiB, so never below it). */
#define WINDOW_GAP (1ull << 30)
#define WINDOW_FLOOR (4ull << 30)
static uint64_t window_next;

uint64_t gnttab_window(size_t npages)
{
	uint64_t fl = irq_save(), base;

	if (!window_next) {
		window_next = page_ram_end() + WINDOW_GAP;
		window_next = (window_next + WINDOW_GAP - 1) &
			      ~(WINDOW_GAP - 1);
		if (window_next < WINDOW_FLOOR)
			window_next = WINDOW_FLOOR;
	}
	base = window_next;
	window_next += (npages + 1) * PAGE_SIZE; /* + a hole between windows */
	irq_restore(fl);
	return base;
}

static int gntst_errno(int16_t st)
{
	switch (st) {
	case GNTST_okay:
		return 0;
	case GNTST_bad_domain:
	case GNTST_bad_gntref:
	case GNTST_bad_handle:
	case GNTST_bad_virt_addr:
	case GNTST_bad_page:
		return -EINVAL;
	case GNTST_permission_denied:
		return -EACCES;
	case GNTST_eagain:
		return -EAGAIN;
	case GNTST_no_space:
	case GNTST_no_device_space:
		return -ENOSPC;
	default:
		return -EIO;
	}
}

int gnttab_map(domid_t dom, grant_ref_t ref, uint64_t gpa, bool readonly,
	       grant_handle_t *handle_r)
{
	struct gnttab_map_grant_ref m = {
		.host_addr = gpa,
		.flags = GNTMAP_host_map | (readonly ? GNTMAP_readonly : 0),
		.ref = ref,
		.dom = dom,
	};
	long rc = hypercall_grant_table_op(GNTTABOP_map_grant_ref, &m, 1);

	if (rc)
		return (int)rc;
	if (m.status != GNTST_okay)
		return gntst_errno(m.status);
	*handle_r = m.handle;
	return 0;
}

int gnttab_unmap(uint64_t gpa, grant_handle_t handle)
{
	struct gnttab_unmap_grant_ref u = { .host_addr = gpa,
					    .handle = handle };
	long rc = hypercall_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1);

	if (rc)
		return (int)rc;
	return gntst_errno(u.status);
}
