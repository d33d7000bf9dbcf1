/* SPDX-License-Identifier: MIT */
/* memlayout.h: the kernel's virtual address map (shared by C and assembly). */
#ifndef GUEST_ARCH_MEMLAYOUT_H
#define GUEST_ARCH_MEMLAYOUT_H

/*
 * Lower half (< USER_TOP): free for processes, one PML4 per address space.
 * Upper half (PML4 slots 256..511): the kernel, identical in every address
 * space because pt_new() copies these slots and they never change after
 * paging_init() (every kernel slot's PDPT is allocated up front).
 */
#define KERNEL_VBASE 0xffffffff80000000 /* image: KERNEL_VBASE + phys */
#define KERNEL_PHYS 0x100000 /* loaded at 1 MiB */
#define DIRECT_MAP_BASE 0xffff888000000000 /* all RAM, phys_to_virt() */
#define DIRECT_MAP_SIZE 0x8000000000 /* one PML4 slot: 512 GiB */
#define VMAP_BASE 0xffffc90000000000 /* kernel stacks, MMIO, shared pages */
#define VMAP_SIZE 0x8000000000
#define USER_TOP 0x0000800000000000

#define PAGE_SHIFT 12
#define PAGE_SIZE 4096

#endif
