/* SPDX-License-Identifier: MIT */
/* heap.c: kmalloc: power-of-two size classes carved from pages, big blocks as pages. */
#include <stdint.h>

#include "arch/cpu.h"
#include "arch/paging.h"
#include "kernel/mm.h"
#include "kernel/panic.h"
#include "lib/string.h"

#define HDR 16u
#define MIN_SHIFT 5 /* 32-byte blocks */
#define MAX_SHIFT 11 /* 2048-byte blocks; bigger goes to pages */
#define NCLASS (MAX_SHIFT - MIN_SHIFT + 1)
#define MAGIC_SMALL 0x6b6d6131u
#define MAGIC_BIG 0x6b6d6132u
#define MAGIC_FREE 0x6b6d6130u

struct hdr {
	uint32_t magic;
	uint32_t size; /* class shift, or page count for big blocks */
	struct hdr *next; /* free list link while free */
};

static struct hdr *free_list[NCLASS];

static int refill(unsigned cls)
{
	uint64_t pa = page_alloc(1);
	size_t bs = (size_t)1 << (cls + MIN_SHIFT);
	uint8_t *p;

	if (!pa)
		return -1;
	p = phys_to_virt(pa);
	for (size_t off = 0; off + bs <= PAGE_SIZE; off += bs) {
		struct hdr *h = (struct hdr *)(p + off);

		h->magic = MAGIC_FREE;
		h->size = cls + MIN_SHIFT;
		h->next = free_list[cls];
		free_list[cls] = h;
	}
	return 0;
}

static void *alloc_big(size_t size)
{
	size_t pages = (size + HDR + PAGE_SIZE - 1) / PAGE_SIZE;
	uint64_t pa = page_alloc(pages);
	struct hdr *h;

	if (!pa)
		return NULL;
	h = phys_to_virt(pa);
	h->magic = MAGIC_BIG;
	h->size = (uint32_t)pages;
	return (uint8_t *)h + HDR;
}

void *kmalloc(size_t size)
{
	unsigned cls = 0;
	uint64_t fl;
	struct hdr *h;

	BKL_ASSERT();
	if (size > (1u << MAX_SHIFT) - HDR)
		return size > (1ull << 32) ? NULL : alloc_big(size);
	while (((size_t)1 << (cls + MIN_SHIFT)) - HDR < size)
		cls++;
	fl = irq_save();
	if (!free_list[cls] && refill(cls)) {
		irq_restore(fl);
		return NULL;
	}
	h = free_list[cls];
	free_list[cls] = h->next;
	irq_restore(fl);
	h->magic = MAGIC_SMALL;
	return (uint8_t *)h + HDR;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(void *p)
{
	struct hdr *h;
	uint64_t fl;

	BKL_ASSERT();
	if (!p)
		return;
	h = (struct hdr *)((uint8_t *)p - HDR);
	if (h->magic == MAGIC_BIG) {
		h->magic = MAGIC_FREE;
		page_free(virt_to_phys(h), h->size);
		return;
	}
	if (h->magic != MAGIC_SMALL || h->size < MIN_SHIFT ||
	    h->size > MAX_SHIFT)
		panic("kfree: bad pointer %p (double free or corruption)", p);
	h->magic = MAGIC_FREE;
	fl = irq_save();
	h->next = free_list[h->size - MIN_SHIFT];
	free_list[h->size - MIN_SHIFT] = h;
	irq_restore(fl);
}

size_t kmalloc_usable(const void *p)
{
	const struct hdr *h = (const struct hdr *)((const uint8_t *)p - HDR);

	if (h->magic == MAGIC_BIG)
		return (size_t)h->size * PAGE_SIZE - HDR;
	return ((size_t)1 << h->size) - HDR;
}

char *kstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = kmalloc(n);

	if (d)
		memcpy(d, s, n);
	return d;
}
