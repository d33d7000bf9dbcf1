/* SPDX-License-Identifier: MIT */
/* p9_ring: the backend's end of one Xen 9pfs data ring: strict framing of requests, bounded copies, our own indices. */
#include <errno.h>
#include <string.h>

#include "lib/p9.h"
#include "p9_ring.h"

static RING_IDX shared_read(const volatile RING_IDX *p)
{
	return *p;
}

static void shared_write(volatile RING_IDX *p, RING_IDX v)
{
	*p = v;
}

void p9x_ring_init(struct p9x_ring *r, struct xen_9pfs_data_intf *intf,
		   void *data, unsigned order)
{
	r->intf = intf;
	r->size = (RING_IDX)XEN_FLEX_RING_SIZE(order);
	r->in = data;
	r->out = (unsigned char *)data + r->size;
	r->out_cons = shared_read(&intf->out_cons);
	r->in_prod = shared_read(&intf->in_prod);
}

int p9x_ring_request(struct p9x_ring *r, uint8_t *buf, uint32_t msize,
		     uint32_t *len_r)
{
	RING_IDX prod, queued, mcons;
	uint32_t size;

	prod = shared_read(&r->intf->out_prod);
	__atomic_thread_fence(__ATOMIC_ACQUIRE); /* indices before data */
	queued = xen_9pfs_queued(prod, r->out_cons, r->size);
	if (queued < P9_HDR_LEN)
		return 0;
	mcons = xen_9pfs_mask(r->out_cons, r->size);
	xen_9pfs_read_packet(buf, r->out, P9_HDR_LEN,
			     xen_9pfs_mask(prod, r->size), &mcons, r->size);
	size = p9_get32(buf);
	if (size < P9_HDR_LEN || size > msize || size > r->size)
		return -EPROTO;
	if (queued < size)
		return 0;
	/* The whole message from the start, header again: the copy is what
	 * gets decoded, so a frontend rewriting the ring meanwhile only
	 * garbles its own request (the size field is checked again). */
	mcons = xen_9pfs_mask(r->out_cons, r->size);
	xen_9pfs_read_packet(buf, r->out, size, xen_9pfs_mask(prod, r->size),
			     &mcons, r->size);
	__atomic_thread_fence(
		__ATOMIC_SEQ_CST); /* data read before cons moves */
	r->out_cons += size;
	shared_write(&r->intf->out_cons, r->out_cons);
	*len_r = size;
	return 1;
}

int p9x_ring_reply(struct p9x_ring *r, const uint8_t *buf, uint32_t len)
{
	RING_IDX cons, mprod;

	cons = shared_read(&r->intf->in_cons);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (len > r->size ||
	    r->size - xen_9pfs_queued(r->in_prod, cons, r->size) < len)
		return -EAGAIN;
	mprod = xen_9pfs_mask(r->in_prod, r->size);
	xen_9pfs_write_packet(r->in, buf, len, &mprod,
			      xen_9pfs_mask(cons, r->size), r->size);
	__atomic_thread_fence(__ATOMIC_RELEASE); /* data before the index */
	r->in_prod += len;
	shared_write(&r->intf->in_prod, r->in_prod);
	return 0;
}
