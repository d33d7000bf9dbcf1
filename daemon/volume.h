/* SPDX-License-Identifier: MIT */
/* volume: pure rules of pod mounts and named volumes (docker's -v syntax, volume names, mount points), shared by xenpodd and the CLI. */
#ifndef XENPOD_VOLUME_H
#define XENPOD_VOLUME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Mounts per pod: the guest's frontend serves this many devices (P9FRONT_MAX). */
#define XP_MOUNTS_MAX 8
/* Bytes of a mount point in the pod (the guest's P9FRONT_MOUNT_MAX, less its NUL). */
#define XP_MOUNT_DEST_MAX 255
/* Bytes of a host directory (PATH_MAX less its NUL). */
#define XP_MOUNT_SOURCE_MAX 4095
/* Volume names, docker's rule: [A-Za-z0-9][A-Za-z0-9_.-]+ ; at most 63
 * bytes, so the name fits the device's tag node the guest reads (64 with NUL). */
#define XP_VOLUME_NAME_MIN 2
#define XP_VOLUME_NAME_MAX 63
#define XP_VOLUME_NAME_PATTERN "[A-Za-z0-9][A-Za-z0-9_.-]+"

/* One mount as asked: a host directory or a named volume at dest. */
struct mount_arg {
	char source[XP_MOUNT_SOURCE_MAX +
		    1]; /* absolute: a host directory; else a volume name */
	char dest[XP_MOUNT_DEST_MAX +
		  1]; /* absolute, clean (no //, ., .., trailing /) */
	bool read_only;
};

/* Does name follow docker's volume-name rule (XP_VOLUME_NAME_PATTERN, 2..63 bytes)? */
bool volume_name_valid(const char *name);

/* Is source a host directory (absolute path) rather than a volume name? Docker's rule. */
static inline bool mount_source_is_host(const char *source)
{
	return source[0] == '/';
}

/*
 * Check source (a host path: absolute, at most XP_MOUNT_SOURCE_MAX bytes;
 * else a volume name) and clean dest into m (dest: absolute, not /, no .
 * or .. component, not /proc or below, at most XP_MOUNT_DEST_MAX bytes).
 * 0, or -EINVAL with why (no prefix: the caller names the value).
 */
int mount_set(struct mount_arg *m, const char *source, const char *dest,
	      bool read_only, char *why, size_t whysz);

/*
 * Parse docker's -v syntax, SOURCE:DEST[:ro|:rw], into m (mount_set's
 * rules). 0, or -EINVAL with why.
 */
int mount_parse(const char *arg, struct mount_arg *m, char *why, size_t whysz);

/* Is one of two clean mount points the other or inside it? */
bool mount_dest_overlap(const char *a, const char *b);

/*
 * Can m join the n mounts before it? Not if its mount point is one of
 * theirs, or one is inside the other (the guest mounts a volume only on a
 * directory of its own root file system). -1 if it can, else the index of
 * the mount in the way.
 */
int mount_conflict(const struct mount_arg *m, const struct mount_arg *prev,
		   size_t n);

/* tmpfs mounts per pod (the guest's SPEC_TMPFS_MAX). */
#define XP_TMPFS_MAX 8
/* The largest tmpfs size (the guest's SPEC_TMPFS_SIZE_MAX: 1 TiB). */
#define XP_TMPFS_SIZE_MAX (1ull << 40)
/* Mode of a tmpfs's root when none is given (Linux's). */
#define XP_TMPFS_MODE_DEFAULT 01777

/* One tmpfs mount as asked: a fresh ramfs instance in the guest. */
struct tmpfs_arg {
	char dest[XP_MOUNT_DEST_MAX + 1]; /* clean, as a mount's dest */
	uint64_t size; /* bytes, 1..XP_TMPFS_SIZE_MAX; 0: half the pod's memory */
	unsigned mode; /* of its root, at most 07777 */
	bool read_only;
};

/*
 * Check and clean a tmpfs mount point (a mount's rules: absolute, not /,
 * no . or .., not in /proc) into t with the given size (0: the default)
 * and mode. 0, or -EINVAL with why (no prefix).
 */
int tmpfs_set(struct tmpfs_arg *t, const char *dest, uint64_t size,
	      unsigned mode, bool read_only, char *why, size_t whysz);

/*
 * Parse docker's --tmpfs value, PODPATH[:OPTS], OPTS comma-separated:
 * size=N[k|m|g] (bytes, or KiB, MiB, GiB; docker's and mount's suffixes,
 * either case), mode=OCTAL, ro, rw; noexec, exec, nosuid, suid, nodev, dev
 * are accepted and have no effect (docs/VOLUMES.md). 0, or -EINVAL with why.
 */
int tmpfs_parse(const char *arg, struct tmpfs_arg *t, char *why, size_t whysz);

/* Does a tmpfs mount point clash with a mount's or another tmpfs's (the
 * same or nested)? -1 if not, else the index of the one in the way. */
int tmpfs_conflict(const char *dest, const struct tmpfs_arg *prev, size_t n);

#endif
