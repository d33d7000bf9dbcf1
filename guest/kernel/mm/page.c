/* SPDX-License-Identifier: MIT */
/* page.c: physical page allocator: one bit per page over the boot memory map. */
#include <stdint.h>

#include "arch/cpu.h"
#include "arch/paging.h"
#include "kernel/boot.h"
#include "kernel/mm.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "lib/string.h"

extern const char __kernel_end[];

static uint8_t *bitmap; /* 1 = used or not RAM */
static uint64_t max_pfn;
static uint64_t hint;
static size_t nfree, ntotal;

static bool used(uint64_t pfn)
{
	return bitmap[pfn / 8] & (1u << (pfn % 8));
}

static void set_used(uint64_t pfn, bool u)
{
	if (u)
		bitmap[pfn / 8] |= (uint8_t)(1u << (pfn % 8));
	else
		bitmap[pfn / 8] &= (uint8_t) ~(1u << (pfn % 8));
}

static uint64_t ram_end(void)
{
	const struct boot_region *m;
	size_t n = boot_memmap(&m);
	uint64_t end = 0;

	for (size_t i = 0; i < n; i++)
		if (m[i].type == BOOT_REGION_RAM && m[i].addr + m[i].size > end)
			end = m[i].addr + m[i].size;
	return end;
}

/* Is [pa, pa+len) clear of the first MiB, the image and the modules? */
static uint64_t clash_end(uint64_t pa, uint64_t len)
{
	uint64_t kend = virt_to_phys(__kernel_end);

	if (pa < 0x100000)
		return 0x100000;
	if (pa < kend && pa + len > KERNEL_PHYS)
		return kend;
	for (size_t i = 0; i < boot_module_count(); i++) {
		const struct boot_module *m = boot_module(i);

		if (pa < m->paddr + m->size && pa + len > m->paddr)
			return m->paddr + m->size;
	}
	return 0;
}

/* Finds room for the bitmap in RAM; 0 if none. */
static uint64_t place_bitmap(uint64_t len)
{
	const struct boot_region *m;
	size_t n = boot_memmap(&m);

	for (size_t i = 0; i < n; i++) {
		uint64_t pa, end = m[i].addr + m[i].size, c;

		if (m[i].type != BOOT_REGION_RAM)
			continue;
		pa = (m[i].addr + 0xfff) & ~0xfffull;
		while ((c = clash_end(pa, len)) != 0)
			pa = (c + 0xfff) & ~0xfffull;
		if (pa + len <= end && pa + len <= 0x40000000) /* boot map */
			return pa;
	}
	return 0;
}

static void mark(uint64_t pa, uint64_t len, bool u)
{
	uint64_t first = u ? pa / PAGE_SIZE : (pa + 0xfff) / PAGE_SIZE;
	uint64_t last = u ? (pa + len + 0xfff) / PAGE_SIZE :
			    (pa + len) / PAGE_SIZE;

	for (uint64_t p = first; p < last && p < max_pfn; p++) {
		if (used(p) != u)
			nfree += u ? (size_t)-1 : 1;
		set_used(p, u);
	}
}

void page_reserve(uint64_t pa, uint64_t len)
{
	uint64_t fl = irq_save();

	mark(pa, len, true);
	irq_restore(fl);
}

void page_init(void)
{
	const struct boot_region *m;
	size_t n = boot_memmap(&m);
	uint64_t len, at;

	max_pfn = ram_end() / PAGE_SIZE;
	len = (max_pfn + 7) / 8;
	at = place_bitmap(len);
	if (!max_pfn || !at)
		panic("page_init: no usable RAM in the memory map");
	bitmap = phys_to_virt(at);
	memset(bitmap, 0xff, len);
	for (size_t i = 0; i < n; i++)
		if (m[i].type == BOOT_REGION_RAM)
			mark(m[i].addr, m[i].size, false);
	ntotal = nfree;
	mark(0, 0x100000, true);
	mark(KERNEL_PHYS, virt_to_phys(__kernel_end) - KERNEL_PHYS, true);
	for (size_t i = 0; i < boot_module_count(); i++)
		mark(boot_module(i)->paddr, boot_module(i)->size, true);
	mark(at, len, true);
	hint = 0;
}

static uint64_t find_run(uint64_t from, uint64_t to, size_t n)
{
	uint64_t run = 0;

	for (uint64_t p = from; p < to; p++) {
		run = used(p) ? 0 : run + 1;
		if (run == n)
			return p + 1 - n;
	}
	return 0;
}

uint64_t page_alloc(size_t n)
{
	uint64_t fl = irq_save(), p;

	BKL_ASSERT();
	if (n == 0 || n > nfree) {
		irq_restore(fl);
		return 0;
	}
	p = find_run(hint, max_pfn, n);
	if (!p)
		p = find_run(0, max_pfn, n);
	if (p) {
		for (uint64_t i = 0; i < n; i++)
			set_used(p + i, true);
		nfree -= n;
		hint = p + n;
	}
	irq_restore(fl);
	return p * PAGE_SIZE;
}

uint64_t page_alloc_zeroed(size_t n)
{
	uint64_t pa = page_alloc(n);

	if (pa)
		memset(phys_to_virt(pa), 0, n * PAGE_SIZE);
	return pa;
}

void page_free(uint64_t pa, size_t n)
{
	uint64_t fl = irq_save(), pfn = pa / PAGE_SIZE;

	BKL_ASSERT();
	if (pa & 0xfff || pfn + n > max_pfn)
		panic("page_free: bad address %#lx", pa);
	for (uint64_t i = 0; i < n; i++) {
		if (!used(pfn + i))
			panic("page_free: double free of %#lx",
			      (pfn + i) * PAGE_SIZE);
		set_used(pfn + i, false);
	}
	nfree += n;
	if (pfn < hint)
		hint = pfn;
	irq_restore(fl);
}

size_t page_free_count(void)
{
	return nfree;
}

size_t page_total_count(void)
{
	return ntotal;
}

uint64_t page_ram_end(void)
{
	return max_pfn * PAGE_SIZE;
}
