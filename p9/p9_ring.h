/* SPDX-License-Identifier: MIT */
/* p9_ring: the backend's end of one Xen 9pfs data ring (io/9pfs.h): framed requests out, replies in; the frontend's indices are hostile. */
#ifndef XENPOD_P9_RING_H
#define XENPOD_P9_RING_H

#include <stddef.h>
#include <stdint.h>

#include <xen/io/9pfs.h>

/* Largest ring order we accept (Xen's limit: 512 refs fit the index page). */
#define P9X_MAX_ORDER 9u

struct p9x_ring {
	struct xen_9pfs_data_intf *intf; /* shared index page */
	unsigned char *in; /* replies: we produce */
	unsigned char *out; /* requests: the frontend produces */
	RING_IDX size; /* bytes of each half */
	/* Our own indices: what the guest writes into ours is never read back. */
	RING_IDX out_cons, in_prod;
};

/*
 * Set r up over a mapped index page and its 1 << order mapped data pages
 * (order is the value we validated and mapped with, never re-read from
 * the shared page). Takes the current indices as the starting point.
 */
void p9x_ring_init(struct p9x_ring *r, struct xen_9pfs_data_intf *intf,
		   void *data, unsigned order);

/*
 * Copy the next whole request into buf (msize bytes): 1 and *len_r, 0 if
 * no whole request is queued yet, -EPROTO if its size field is below the
 * 9P header or above msize or the ring (the connection is then dead).
 */
int p9x_ring_request(struct p9x_ring *r, uint8_t *buf, uint32_t msize,
		     uint32_t *len_r);

/* Queue a reply: 0, or -EAGAIN while the frontend has not made room for len bytes. */
int p9x_ring_reply(struct p9x_ring *r, const uint8_t *buf, uint32_t len);

#endif
