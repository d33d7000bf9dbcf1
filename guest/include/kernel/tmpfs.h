/* SPDX-License-Identifier: MIT */
/* tmpfs.h: the pod's tmpfs mounts (fresh, size-limited ramfs instances) and its read-only root. */
#ifndef GUEST_KERNEL_TMPFS_H
#define GUEST_KERNEL_TMPFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The most tmpfs mounts a pod has (lib/spec.h's SPEC_TMPFS_MAX). */
#define TMPFS_MAX 8

/*
 * Mounts a fresh ramfs instance at path (absolute; its parents made like
 * mkdir -p in the root file system; an existing directory there is
 * covered, as Linux's mount hides what is under it). size: bytes, rounded
 * up to pages, 0 for Linux's default, half the pod's memory; its inodes
 * are limited to half the pod's pages, as Linux's nr_inodes. mode: of its
 * root (uid and gid 0). 0 or -errno: -ENOTDIR (a file, a symlink, /proc
 * or a volume in the way), -EBUSY (path is /), -ENOSPC (TMPFS_MAX),
 * -ENOMEM.
 */
int tmpfs_mount(const char *path, uint64_t size, uint32_t mode, bool ro);

/*
 * Makes the root file system read-only (EROFS for every change, as a
 * read-only mount: vfs_fs_writable). /dev stays writable (an instance of
 * its own, as docker's /dev is a tmpfs), /proc and the mounts keep their
 * own mode.
 */
void tmpfs_root_read_only(void);

/* The mounts' lines of /proc/mounts ("tmpfs PATH tmpfs rw,size=Nk,mode=M
 * 0 0"): the length written, at most cap - 1, NUL-terminated. */
size_t tmpfs_mounts_text(char *buf, size_t cap);

#endif
