/* SPDX-License-Identifier: MIT */
/* paging.c: kernel page tables and per-process address spaces (4-level, 4 KiB leaves). */
#include <stdint.h>

#include "arch/cpu.h"
#include "arch/paging.h"
#include "kernel/boot.h"
#include "kernel/errno.h"
#include "kernel/mm.h"
#include "kernel/panic.h"
#include "lib/string.h"

#define ENTRIES 512
#define IDX(va, lvl) (((va) >> (12 + 9 * (lvl))) & 511)
#define LARGE_2M 0x200000ull
#define VMAP_STACKS_SIZE 0x40000000ull /* first GiB of vmap: kstacks */

extern const char __kernel_start[], __text_end[], __rodata_end[],
	__kernel_end[];

static pt_t kernel_pml4;
static uint64_t vmap_next = VMAP_BASE + VMAP_STACKS_SIZE;
static uint64_t nx_mask;

static uint64_t *table(uint64_t entry)
{
	return phys_to_virt(entry & PTE_ADDR);
}

static bool canonical(uint64_t va)
{
	return va < USER_TOP || va >= 0xffff800000000000ull;
}

/*
 * Returns the level-0 entry for va, creating tables when create is set.
 * Sets *large if a 2 MiB/1 GiB leaf covers va (then that entry is
 * returned). Kernel-half PML4 slots are never created here: they are
 * fixed at paging_init() so every address space shares them.
 */
static uint64_t *walk(pt_t pt, uint64_t va, bool create, bool *large)
{
	uint64_t *t = phys_to_virt(pt);
	bool user = va < USER_TOP;

	*large = false;
	for (int lvl = 3; lvl > 0; lvl--) {
		uint64_t *e = &t[IDX(va, lvl)];

		if (!(*e & PTE_P)) {
			uint64_t pa;

			if (!create || (lvl == 3 && !user))
				return NULL;
			pa = page_alloc_zeroed(1);
			if (!pa)
				return NULL;
			*e = pa | PTE_P | PTE_W | (user ? PTE_U : 0);
		} else if (*e & PTE_PS) {
			*large = true;
			return e;
		}
		t = table(*e);
	}
	return &t[IDX(va, 0)];
}

void (*tlb_flush_all_cpus_hook)(void);

void tlb_flush_page(uint64_t va)
{
	__asm__ volatile("invlpg (%0)" ::"r"(va) : "memory");
}

/* Is pt loaded on another CPU (its TLB may cache pt's entries)? Stable
 * under the BKL: CPUs switch page tables only while they hold it. */
static bool pt_live_elsewhere(pt_t pt)
{
	unsigned me = cpu_id();

	for (unsigned c = 0; c < cpus_online; c++)
		if (c != me && percpu[c].pt == pt)
			return true;
	return false;
}

/* After a mapping of pt at va was removed or downgraded: this CPU's TLB
 * entry goes, and every CPU's when another may hold one (docs/SMP.md). */
static void tlb_shoot(pt_t pt, uint64_t va)
{
	if (pt == pt_current() || va >= USER_TOP)
		tlb_flush_page(va);
	if (cpus_online > 1 && tlb_flush_all_cpus_hook &&
	    (va >= USER_TOP || pt_live_elsewhere(pt)))
		tlb_flush_all_cpus_hook();
}

pt_t pt_current(void)
{
	return read_cr3() & PTE_ADDR;
}

void pt_switch(pt_t pt)
{
	__asm__ volatile("mov %0, %%cr3" ::"r"(pt) : "memory");
	this_cpu()->pt = pt;
}

pt_t pt_kernel(void)
{
	return kernel_pml4;
}

int pt_map(pt_t pt, uint64_t va, uint64_t pa, uint64_t flags)
{
	uint64_t *e, fl = irq_save();
	bool large;
	int rc = 0;

	if ((va | pa) & 0xfff || !canonical(va))
		return irq_restore(fl), -EINVAL;
	e = walk(pt, va, true, &large);
	if (!e)
		rc = va < USER_TOP ? -ENOMEM : -EINVAL;
	else if (large || (*e & PTE_P))
		rc = -EEXIST;
	else
		*e = pa | ((flags | PTE_P) & (PTE_FLAGS & ~PTE_PS) &
			   ~(PTE_NX & ~nx_mask));
	irq_restore(fl);
	return rc;
}

int pt_unmap(pt_t pt, uint64_t va, uint64_t *pa_r)
{
	uint64_t *e, fl = irq_save();
	bool large;
	int rc = -ENOENT;

	e = walk(pt, va & ~0xfffull, false, &large);
	if (e && !large && (*e & PTE_P)) {
		if (pa_r)
			*pa_r = *e & PTE_ADDR;
		*e = 0;
		tlb_shoot(pt, va);
		rc = 0;
	}
	irq_restore(fl);
	return rc;
}

int pt_protect(pt_t pt, uint64_t va, uint64_t flags)
{
	uint64_t *e, fl = irq_save();
	bool large;
	int rc = -ENOENT;

	e = walk(pt, va & ~0xfffull, false, &large);
	if (e && !large && (*e & PTE_P)) {
		*e = (*e & PTE_ADDR) |
		     ((flags | PTE_P) & (PTE_FLAGS & ~PTE_PS) &
		      ~(PTE_NX & ~nx_mask));
		tlb_shoot(pt, va);
		rc = 0;
	}
	irq_restore(fl);
	return rc;
}

int pt_lookup(pt_t pt, uint64_t va, uint64_t *pa_r, uint64_t *flags_r)
{
	bool large;
	uint64_t *e;

	if (!canonical(va))
		return -ENOENT;
	e = walk(pt, va, false, &large);
	if (!e || !(*e & PTE_P))
		return -ENOENT;
	if (large) {
		/* only the direct map uses 2 MiB leaves */
		*pa_r = (*e & PTE_ADDR & ~(LARGE_2M - 1)) +
			(va & (LARGE_2M - 1) & ~0xfffull);
	} else {
		*pa_r = *e & PTE_ADDR;
	}
	*flags_r = *e & PTE_FLAGS;
	return 0;
}

pt_t pt_new(void)
{
	uint64_t pa = page_alloc_zeroed(1);
	uint64_t *dst, *src;

	if (!pa)
		return 0;
	dst = phys_to_virt(pa);
	src = phys_to_virt(kernel_pml4);
	memcpy(&dst[256], &src[256], 256 * sizeof(uint64_t));
	return pa;
}

static void free_level(uint64_t tpa, int lvl,
		       void (*leaf)(uint64_t, uint64_t, void *), void *arg)
{
	uint64_t *t = phys_to_virt(tpa);

	for (int i = 0; i < ENTRIES; i++) {
		if (!(t[i] & PTE_P))
			continue;
		if (lvl == 0 || (t[i] & PTE_PS)) {
			if (leaf)
				leaf(t[i] & PTE_ADDR, t[i] & PTE_FLAGS, arg);
			continue;
		}
		free_level(t[i] & PTE_ADDR, lvl - 1, leaf, arg);
	}
	page_free(tpa, 1);
}

void pt_destroy(pt_t pt, void (*leaf)(uint64_t pa, uint64_t flags, void *arg),
		void *arg)
{
	uint64_t *t = phys_to_virt(pt);

	if (pt == pt_current() || pt == kernel_pml4)
		panic("pt_destroy of a live address space");
	for (int i = 0; i < 256; i++)
		if (t[i] & PTE_P)
			free_level(t[i] & PTE_ADDR, 2, leaf, arg);
	page_free(pt, 1);
}

void *vmap_phys(uint64_t pa, uint64_t npages, uint64_t flags)
{
	uint64_t fl = irq_save(), va = vmap_next, off = pa & 0xfff;

	pa -= off;

	if (va + npages * PAGE_SIZE > VMAP_BASE + VMAP_SIZE) {
		irq_restore(fl);
		return NULL;
	}
	vmap_next += (npages + 1) * PAGE_SIZE; /* + a guard page */
	irq_restore(fl);
	for (uint64_t i = 0; i < npages; i++)
		if (pt_map(kernel_pml4, va + i * PAGE_SIZE, pa + i * PAGE_SIZE,
			   flags | PTE_NX | PTE_G))
			return NULL;
	return (void *)(va + off);
}

/* 2 MiB direct-map leaves over [start, end). */
static int map_direct(uint64_t start, uint64_t end)
{
	start &= ~(LARGE_2M - 1);
	for (uint64_t pa = start; pa < end; pa += LARGE_2M) {
		uint64_t va = DIRECT_MAP_BASE + pa;
		uint64_t *t = phys_to_virt(kernel_pml4);

		for (int lvl = 3; lvl > 1; lvl--) {
			uint64_t *e = &t[IDX(va, lvl)];

			if (!(*e & PTE_P)) {
				uint64_t n = page_alloc_zeroed(1);

				if (!n)
					return -ENOMEM;
				*e = n | PTE_P | PTE_W;
			}
			t = table(*e);
		}
		t[IDX(va, 1)] = pa | PTE_P | PTE_W | PTE_PS | PTE_G | nx_mask;
	}
	return 0;
}

static int map_image(void)
{
	uint64_t start = (uint64_t)__kernel_start, end = (uint64_t)__kernel_end;

	for (uint64_t va = start; va < end; va += PAGE_SIZE) {
		uint64_t fl = PTE_G;
		int rc;

		if (va >= (uint64_t)__rodata_end)
			fl |= PTE_W | PTE_NX;
		else if (va >= (uint64_t)__text_end)
			fl |= PTE_NX;
		rc = pt_map(kernel_pml4, va, va - KERNEL_VBASE, fl);
		if (rc)
			return rc;
	}
	return 0;
}

int paging_init(void)
{
	static const uint64_t slots[] = { DIRECT_MAP_BASE, VMAP_BASE,
					  KERNEL_VBASE };
	const struct boot_region *map;
	size_t n = boot_memmap(&map);
	uint64_t *pml4;
	int rc;

	nx_mask = cpu_has_nx() ? PTE_NX : 0;
	kernel_pml4 = page_alloc_zeroed(1);
	if (!kernel_pml4)
		return -ENOMEM;
	pml4 = phys_to_virt(kernel_pml4);
	for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
		uint64_t pdpt = page_alloc_zeroed(1);

		if (!pdpt)
			return -ENOMEM;
		pml4[IDX(slots[i], 3)] = pdpt | PTE_P | PTE_W;
	}
	for (size_t i = 0; i < n; i++) {
		if (map[i].type != BOOT_REGION_RAM)
			continue;
		rc = map_direct(map[i].addr, map[i].addr + map[i].size);
		if (rc)
			return rc;
	}
	rc = map_image();
	if (rc)
		return rc;
	pt_switch(kernel_pml4);
	return 0;
}
