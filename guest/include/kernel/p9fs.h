/* SPDX-License-Identifier: MIT */
/* p9fs.h: the pod's volumes (9P2000.L over Xen's 9pfs transport) mounted into the VFS. */
#ifndef GUEST_KERNEL_P9FS_H
#define GUEST_KERNEL_P9FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct file;

/*
 * Connects every device/9pfs device and mounts it at its mount-point
 * (made like mkdir -p in the ramfs). Task context (after sched_init),
 * before the pod's program starts. Returns the count mounted, or -errno
 * with err naming the volume and what failed (the pod then fails).
 */
int p9fs_mount_all(char *err, size_t errcap);
/* Tfsync of a volume's open file (0 for other files). */
long p9fs_fsync(struct file *f, bool datasync);
/* Read a volume file's bytes into kernel memory (mmap's copy); -ENODEV for other files. */
long p9fs_pread_kernel(struct file *f, uint64_t off, void *buf, size_t n);

#endif
