/* SPDX-License-Identifier: MIT */
/* kstack.c: kernel stacks in the vmap area, each with unmapped guard pages below. */
#include <stdint.h>

#include "arch/cpu.h"
#include "arch/paging.h"
#include "kernel/mm.h"
#include "kernel/panic.h"

#define SLOT_PAGES 16 /* 64 KiB of address space per stack */
#define SLOT_SIZE (SLOT_PAGES * PAGE_SIZE)
#define NSLOTS 1024

static uint8_t slot_used[NSLOTS / 8];

static int slot_get(void)
{
	uint64_t fl = irq_save();

	for (int i = 0; i < NSLOTS; i++) {
		if (!(slot_used[i / 8] & (1u << (i % 8)))) {
			slot_used[i / 8] |= (uint8_t)(1u << (i % 8));
			irq_restore(fl);
			return i;
		}
	}
	irq_restore(fl);
	return -1;
}

static void slot_put(int i)
{
	uint64_t fl = irq_save();

	slot_used[i / 8] &= (uint8_t) ~(1u << (i % 8));
	irq_restore(fl);
}

static void unmap_slot(uint64_t base)
{
	for (uint64_t va = base; va < base + SLOT_SIZE; va += PAGE_SIZE) {
		uint64_t pa;

		if (pt_unmap(pt_kernel(), va, &pa) == 0)
			page_free(pa, 1);
	}
}

uint64_t kstack_alloc(size_t pages)
{
	int slot;
	uint64_t base, top;

	if (pages == 0 || pages >= SLOT_PAGES)
		return 0;
	slot = slot_get();
	if (slot < 0)
		return 0;
	base = VMAP_BASE + (uint64_t)slot * SLOT_SIZE;
	top = base + SLOT_SIZE;
	for (uint64_t va = top - pages * PAGE_SIZE; va < top; va += PAGE_SIZE) {
		uint64_t pa = page_alloc(1);

		if (!pa ||
		    pt_map(pt_kernel(), va, pa, PTE_W | PTE_NX | PTE_G)) {
			if (pa)
				page_free(pa, 1);
			unmap_slot(base);
			slot_put(slot);
			return 0;
		}
	}
	return top;
}

void kstack_free(uint64_t top)
{
	uint64_t base = top - SLOT_SIZE;
	uint64_t slot = (base - VMAP_BASE) / SLOT_SIZE;

	if (top < VMAP_BASE + SLOT_SIZE || (top - VMAP_BASE) % SLOT_SIZE ||
	    slot >= NSLOTS)
		panic("kstack_free: bad stack top %#lx", top);
	unmap_slot(base);
	slot_put((int)slot);
}
