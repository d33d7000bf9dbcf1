/* SPDX-License-Identifier: MIT */
/* cpio.h: newc ("070701"/"070702") cpio archive reader with path safety checks. */
#ifndef GUEST_LIB_CPIO_H
#define GUEST_LIB_CPIO_H

#include <stddef.h>
#include <stdint.h>

#define CPIO_NAME_MAX 4096

struct cpio_entry {
	const char *name; /* NUL-terminated, inside the archive */
	size_t namelen; /* without the NUL */
	uint32_t ino, mode, uid, gid, nlink, mtime;
	uint32_t devmajor, devminor, rdevmajor, rdevminor;
	const void
		*data; /* file contents or symlink target, inside the archive */
	size_t size;
};

struct cpio_reader {
	const uint8_t *base;
	size_t len;
	size_t off; /* next header */
	int done;
};

void cpio_init(struct cpio_reader *r, const void *base, size_t len);

/*
 * Reads the next entry. Returns 1 with *e filled, 0 at the trailer (or
 * at the end of the data when only zero padding follows), or -EINVAL
 * with *err_r set (bad magic, bad hex field, truncated header, name or
 * data past the end, name not NUL-terminated or with an embedded NUL).
 * After an error the reader stays failed. The offset of the bad header
 * is r->off.
 */
int cpio_next(struct cpio_reader *r, struct cpio_entry *e, const char **err_r);

/*
 * Normalises an archive path into out (cap bytes): strips leading "./"
 * and repeated or trailing slashes. Returns the length (0 for the root
 * itself, "." or "./"), or -EINVAL with *err_r set for an absolute path,
 * a ".." component, or an empty name; -ENAMETOOLONG if it does not fit.
 */
long cpio_path_clean(const char *name, char *out, size_t cap,
		     const char **err_r);

#endif
