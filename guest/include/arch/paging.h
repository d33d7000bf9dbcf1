/* SPDX-License-Identifier: MIT */
/* paging.h: 4-level page tables for the kernel and per-process address spaces. */
#ifndef GUEST_ARCH_PAGING_H
#define GUEST_ARCH_PAGING_H

#include <stdint.h>

#include "arch/memlayout.h"

/* Page-table entry bits (x86-64). PTE_SW0..2 are free for the user layer
 * (e.g. copy-on-write) and are returned by pt_lookup(). */
#define PTE_P 0x1ull
#define PTE_W 0x2ull
#define PTE_U 0x4ull
#define PTE_PWT 0x8ull
#define PTE_PCD 0x10ull
#define PTE_A 0x20ull
#define PTE_D 0x40ull
#define PTE_PS 0x80ull
#define PTE_G 0x100ull
#define PTE_SW0 0x200ull
#define PTE_SW1 0x400ull
#define PTE_SW2 0x800ull
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull
#define PTE_FLAGS (~PTE_ADDR)

/* An address space: the physical address of its PML4 (what CR3 holds). */
typedef uint64_t pt_t;

static inline void *phys_to_virt(uint64_t pa)
{
	return (void *)(pa + DIRECT_MAP_BASE);
}

/* Works for direct-map and kernel-image addresses (not vmap). */
static inline uint64_t virt_to_phys(const void *va)
{
	uint64_t v = (uint64_t)va;

	if (v >= KERNEL_VBASE)
		return v - KERNEL_VBASE;
	return v - DIRECT_MAP_BASE;
}

/*
 * Builds the kernel's final page tables from the memory map: the direct
 * map of all RAM (NX), the image with text RX / rodata R / data RW,
 * PDPTs for every kernel PML4 slot; drops the boot identity map.
 * Needs page_init() first. Returns 0 or -ENOMEM.
 */
int paging_init(void);

/* The kernel's address space (kernel half only). */
pt_t pt_kernel(void);
/* A new address space with an empty user half sharing the kernel half.
 * Returns 0 when out of memory. */
pt_t pt_new(void);
/*
 * Frees the page-table pages of a user half and the PML4. For every
 * present user leaf, calls leaf(pa, flags, arg) first (may be NULL) so
 * the caller can free the frames. Must not be the current address space.
 */
void pt_destroy(pt_t pt, void (*leaf)(uint64_t pa, uint64_t flags, void *arg),
		void *arg);
/*
 * Maps one 4 KiB page. flags: PTE_W, PTE_U, PTE_NX, PTE_PCD, PTE_SW*;
 * PTE_P is implied. Returns 0, -EEXIST if va is already mapped, -EINVAL
 * for a misaligned or non-canonical address, -ENOMEM.
 */
int pt_map(pt_t pt, uint64_t va, uint64_t pa, uint64_t flags);
/* Unmaps one page; stores its old frame in *pa_r if not NULL.
 * Returns 0 or -ENOENT. Flushes the TLB entry if pt is current. */
int pt_unmap(pt_t pt, uint64_t va, uint64_t *pa_r);
/* Replaces the flags of a mapped page. Returns 0 or -ENOENT. */
int pt_protect(pt_t pt, uint64_t va, uint64_t flags);
/* Looks up va; stores frame and flags (incl. PTE_P). Returns 0 or -ENOENT. */
int pt_lookup(pt_t pt, uint64_t va, uint64_t *pa_r, uint64_t *flags_r);
/* Loads CR3 (flushes non-global TLB entries). */
void pt_switch(pt_t pt);
pt_t pt_current(void);
void tlb_flush_page(uint64_t va);
/* Flushes every CPU's TLB (the platform's: HVMOP_flush_tlbs on Xen); set
 * once more than one CPU runs. pt_unmap and pt_protect call it when the
 * page table may be live on another CPU. */
extern void (*tlb_flush_all_cpus_hook)(void);

/*
 * Maps physical pages (MMIO, Xen special pages) into the kernel's vmap
 * area. Returns the virtual address or NULL.
 */
void *vmap_phys(uint64_t pa, uint64_t npages, uint64_t flags);

#endif
