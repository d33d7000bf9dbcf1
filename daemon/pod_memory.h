/* SPDX-License-Identifier: MIT */
/* pod_memory: the memory a pod needs to run its program (xenpod-spec(5) "memory_mib"). */
#ifndef XENPOD_POD_MEMORY_H
#define XENPOD_POD_MEMORY_H

#include <stddef.h>
#include <stdint.h>

/*
 * What the guest holds in RAM besides the kernel image, the rootfs cpio
 * (the ramfs serves files from it, so it stays) and a page-cache copy of
 * the main program (and of its #! interpreter). Measured in the lab
 * (/proc/meminfo of a busybox pod running sleep, with an exec'd head):
 * 5992 KiB used, of which kernel 396 + rootfs 1966 + program 1936 KiB,
 * leaving 1694 KiB for the rest: the kernel's fixed part (the first MiB,
 * page tables, heap, kernel stacks, the I/O channel and pipes) and the
 * processes' stacks, heaps and page tables.
 */
#define POD_MEM_FIXED_KIB 1280
#define POD_MEM_PROG_KIB 512
/*
 * What the guest's client holds for each volume (guest/xen/p9front.c and
 * guest/kernel/p9fs.c): the ring it grants, 32 data pages (order 5) and the
 * interface page, 132 KiB; a request and a reply buffer of one msize each
 * (the ring half, 64 KiB), 128 KiB; the write bounce buffer, 64 KiB. Not
 * counted: the read-ahead window of each open file (64 KiB while a file is
 * read sequentially), like the rest of what processes use as they run.
 */
#define POD_MEM_VOLUME_KIB 324
/* A pod without memory_mib gets this, or what its image needs if more. */
#define POD_MEM_DEFAULT_MIB 32

struct pod_mem_need {
	uint64_t kernel_kib, rootfs_kib, prog_kib, fixed_kib, volumes_kib;
	unsigned total_mib; /* the sum, rounded up to whole MiB */
};

/*
 * The need of a pod booting kernel with rootfs cpio and running argv
 * (looked up in env's PATH, or the default, as the guest does). A program
 * not in the cpio counts nothing (the guest then says it is not found);
 * n_volumes volumes add POD_MEM_VOLUME_KIB each. 0, or -errno when the
 * kernel or the cpio cannot be read.
 */
int pod_memory_need(const char *kernel, const char *cpio, char *const *argv,
		    char *const *env, const char *cwd, size_t n_volumes,
		    struct pod_mem_need *need);

#endif
