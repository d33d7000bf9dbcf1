/* SPDX-License-Identifier: MIT */
/* mm.h: physical page allocator, kernel heap, kernel stacks. */
#ifndef GUEST_KERNEL_MM_H
#define GUEST_KERNEL_MM_H

#include <stddef.h>
#include <stdint.h>

/*
 * Page allocator over the RAM in the boot memory map, minus the kernel
 * image, the boot modules, and the first MiB. All functions are safe from
 * interrupt context. Addresses are physical; use phys_to_virt() to touch.
 */
void page_init(void);
/* n contiguous pages; returns the physical address or 0 if none. */
uint64_t page_alloc(size_t n);
/* Same, zero-filled. */
uint64_t page_alloc_zeroed(size_t n);
/* Returns n pages from pa to the allocator (double frees are detected
 * and reported as a crash). */
void page_free(uint64_t pa, size_t n);
/* Counters, in pages. */
size_t page_free_count(void);
size_t page_total_count(void);
/* Highest RAM address + 1 (for the direct map). */
uint64_t page_ram_end(void);
/* Marks [pa, pa+len) as not allocatable (if it is RAM). */
void page_reserve(uint64_t pa, uint64_t len);

/* Kernel heap: 16-byte aligned; NULL when out of memory. IRQ-safe. */
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *p);
size_t kmalloc_usable(const void *p);
/* A kmalloc'd copy of a string, or NULL. */
char *kstrdup(const char *s);

/*
 * Kernel stacks in the vmap area, each below an unmapped guard page (an
 * overflow faults, and the #DF IST stack reports it). pages <= 15.
 * Returns the stack top (initial %rsp, 16-byte aligned) or 0.
 */
uint64_t kstack_alloc(size_t pages);
void kstack_free(uint64_t top);

#endif
