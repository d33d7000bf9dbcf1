/* SPDX-License-Identifier: MIT */
/* p9fs.h: the pod's volumes (9P2000.L over Xen's 9pfs transport) mounted into the VFS. */
#ifndef GUEST_KERNEL_P9FS_H
#define GUEST_KERNEL_P9FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct file;
struct inode;

/*
 * Connects every device/9pfs device and mounts it at its mount-point
 * (made like mkdir -p in the ramfs). Task context (after sched_init),
 * before the pod's program starts. Returns the count mounted, or -errno
 * with err naming the volume and what failed (the pod then fails).
 */
int p9fs_mount_all(char *err, size_t errcap);
/* Each volume's exchange counts on the console (p9front_report): before the power-off. */
void p9fs_report(void);
/* Tfsync of a volume's open file (0 for other files). */
long p9fs_fsync(struct file *f, bool datasync);
/* Read a volume file's bytes into kernel memory (mmap's copy); -ENODEV for other files. */
long p9fs_pread_kernel(struct file *f, uint64_t off, void *buf, size_t n);

/*
 * A lock on a volume's file, on the server (Tlock on the open's fid: an
 * open file description lock in dom0, so pods sharing the volume exclude
 * each other). type is F_RDLCK/F_WRLCK/F_UNLCK (the 9P values are the
 * same), [start, end] inclusive, end INT64_MAX for "to the end". Retries
 * a BLOCKED answer every 50 ms if wait. 0, -EAGAIN, -ERESTARTSYS,
 * -ENODEV (not a volume's file), or the server's -errno.
 */
int p9fs_lock(struct file *f, int type, uint64_t start, uint64_t end,
	      bool wait);
/* Tgetlock: *type F_UNLCK if nothing conflicts, else the conflict's type and range. */
int p9fs_getlock(struct file *f, int *type, uint64_t *start, uint64_t *end);

/* statfs of the volume ino is on (dom0's figures); -ENODEV for other inodes. */
struct p9fs_statfs {
	uint64_t bsize, blocks, bfree, bavail, files, ffree, namelen;
};
int p9fs_statfs(struct inode *ino, struct p9fs_statfs *st);

#endif
