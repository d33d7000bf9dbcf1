/* SPDX-License-Identifier: MIT */
/* fsutil: crash-safe file updates (write a temporary, fsync, rename, fsync the directory). */
#ifndef XENPOD_FSUTIL_H
#define XENPOD_FSUTIL_H

#include <stddef.h>
#include <sys/types.h>

/* fsync a directory, so a rename or create inside it survives a crash. 0 or -errno. */
int fs_fsync_dir(const char *dir);

/* fsync the directory that holds PATH ("/" for "/x", "." for a bare name). 0 or -errno. */
int fs_fsync_parent(const char *path);

/*
 * Replace PATH with LEN bytes of DATA (mode MODE): a new PATH.tmpXXXXXX written, fsynced
 * and renamed over PATH, then the directory fsynced. A crash leaves the old file or the new
 * one (and at worst a stray temporary); on an error PATH is unchanged and the temporary gone.
 * 0 or -errno.
 */
int fs_write_atomic(const char *path, const void *data, size_t len,
		    mode_t mode);

#endif
