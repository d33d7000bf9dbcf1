/* SPDX-License-Identifier: MIT */
/* vchan_ring.c: libxenvchan ring indices, read once and checked, and the copies in and out. */
#include "xenplat/vchan_ring.h"

#define PAGE_BYTES 4096u

/* Full barrier: our index update against the other end's reads. */
static inline void mb(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* rep movsb: the rings carry bulk data, and lib/string.c copies a byte
 * per loop iteration (plain x86-64, so the host tests run it too). */
static inline void copy(void *dst, const void *src, size_t n)
{
	__asm__ volatile("rep movsb"
			 : "+D"(dst), "+S"(src), "+c"(n)
			 :
			 : "memory");
}

static inline uint32_t load_once(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void publish(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

int vchan_ring_attach(struct vchan_ring *r, struct ring_shared *shr, void *buf,
		      uint32_t size, int write)
{
	r->shr = shr;
	r->buf = buf;
	r->size = size;
	r->own = load_once(write ? &shr->prod : &shr->cons);
	return (write ? vchan_ring_space(r) : vchan_ring_ready(r)) < 0 ? -EIO :
									 0;
}

int vchan_ring_ready(const struct vchan_ring *r)
{
	uint32_t ready = load_once(&r->shr->prod) - r->own;

	return ready > r->size ? -EIO : (int)ready;
}

int vchan_ring_space(const struct vchan_ring *r)
{
	uint32_t used = r->own - load_once(&r->shr->cons);

	return used > r->size ? -EIO : (int)(r->size - used);
}

int vchan_ring_read(struct vchan_ring *r, void *dst, size_t n)
{
	int ready = vchan_ring_ready(r);
	uint32_t idx, first;

	if (ready <= 0)
		return ready;
	if (n > (size_t)ready)
		n = (size_t)ready;
	idx = r->own & (r->size - 1);
	first = r->size - idx < n ? r->size - idx : (uint32_t)n;
	copy(dst, r->buf + idx, first);
	copy((uint8_t *)dst + first, r->buf, n - first);
	mb(); /* copied out before the space is handed back */
	r->own += (uint32_t)n;
	publish(&r->shr->cons, r->own);
	return (int)n;
}

int vchan_ring_write(struct vchan_ring *r, const void *src, size_t n)
{
	int space = vchan_ring_space(r);
	uint32_t idx, first;

	if (space < 0)
		return space;
	if (n > r->size)
		return -EMSGSIZE;
	if (n > (size_t)space)
		return 0;
	idx = r->own & (r->size - 1);
	first = r->size - idx < n ? r->size - idx : (uint32_t)n;
	mb(); /* the index was read before the data is written */
	copy(r->buf + idx, src, first);
	copy(r->buf, (const uint8_t *)src + first, n - first);
	r->own += (uint32_t)n;
	publish(&r->shr->prod, r->own); /* release: data before index */
	return (int)n;
}

/* One side: size, pages and in-page offset; -EINVAL if out of range. */
static int side(uint16_t order, uint32_t *size, unsigned *pages, unsigned *off)
{
	if (order < VCHAN_MIN_ORDER || order > VCHAN_MAX_ORDER)
		return -EINVAL;
	*size = 1u << order;
	*pages = order >= 12 ? 1u << (order - 12) : 0;
	*off = order == 10 ? 1024 : order == 11 ? 2048 : 0;
	return 0;
}

int vchan_shape(uint16_t left_order, uint16_t right_order,
		struct vchan_shape *s)
{
	size_t grants_end, limit = PAGE_BYTES;

	if (side(left_order, &s->wr_size, &s->wr_pages, &s->wr_off) ||
	    side(right_order, &s->rd_size, &s->rd_pages, &s->rd_off))
		return -EINVAL;
	/* Two in-page rings may not share their offset (1024 + 2048 is the
	 * only legal pair, as libxenvchan's server makes it). */
	if (s->wr_off && s->wr_off == s->rd_off)
		return -EINVAL;
	if (s->wr_off && s->wr_off < limit)
		limit = s->wr_off;
	if (s->rd_off && s->rd_off < limit)
		limit = s->rd_off;
	grants_end = sizeof(struct vchan_interface) +
		     sizeof(uint32_t) * (s->wr_pages + s->rd_pages);
	return grants_end > limit ? -EINVAL : 0;
}
