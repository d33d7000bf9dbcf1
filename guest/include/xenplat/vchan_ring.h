/* SPDX-License-Identifier: MIT */
/* vchan_ring.h: one direction of a libxenvchan ring: index checks and copies (no kernel deps; host-tested). */
#ifndef GUEST_XENPLAT_VCHAN_RING_H
#define GUEST_XENPLAT_VCHAN_RING_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/errno.h"

#include <xen/io/libxenvchan.h>

/*
 * The other end owns half of each index pair and may write anything
 * there at any time. So our own index lives in `own` (never read back
 * from shared memory, only published), the other end's is read once per
 * operation, and prod - cons must stay within the ring size in 32-bit
 * unsigned arithmetic; a violation returns -EIO and the ring must not be
 * used again. Data is copied out before anyone looks at it.
 */
struct vchan_ring {
	struct ring_shared *shr; /* in the shared control page */
	uint8_t *buf; /* size bytes */
	uint32_t size; /* a power of two, 1024 .. 1 << 20 */
	uint32_t own; /* our index: prod when we write, cons when we read */
};

/* Starts using r: takes the current shared indices once as the starting
 * point (a fresh server has both at 0). write: true if we produce.
 * Returns 0 or -EIO if they are already inconsistent. */
int vchan_ring_attach(struct vchan_ring *r, struct ring_shared *shr, void *buf,
		      uint32_t size, int write);
/* Bytes ready to read, or -EIO. */
int vchan_ring_ready(const struct vchan_ring *r);
/* Copies up to n bytes out; returns the count (0 when empty) or -EIO. */
int vchan_ring_read(struct vchan_ring *r, void *dst, size_t n);
/* Free bytes, or -EIO. */
int vchan_ring_space(const struct vchan_ring *r);
/* Writes all n bytes or nothing: returns n, 0 when there is not room,
 * -EMSGSIZE if n exceeds the ring, -EIO. */
int vchan_ring_write(struct vchan_ring *r, const void *src, size_t n);

/* Shape of a vchan from its control page's orders (read once by the
 * caller): ring sizes, pages to map, in-page offsets (0 = own pages). */
struct vchan_shape {
	uint32_t wr_size, rd_size; /* client writes left, reads right */
	unsigned wr_pages, rd_pages; /* grants, left ones first */
	unsigned wr_off, rd_off; /* 1024/2048 for in-page rings, else 0 */
};
#define VCHAN_MIN_ORDER 10
#define VCHAN_MAX_ORDER 20
#define VCHAN_MAX_PAGES (1u << (VCHAN_MAX_ORDER - 12))
/* Checks the orders as libxenvchan's client does (10..20, not both
 * in-page at the same offset) and that the grant list fits the control
 * page without running into an in-page ring. 0 or -EINVAL. */
int vchan_shape(uint16_t left_order, uint16_t right_order,
		struct vchan_shape *s);

#endif
