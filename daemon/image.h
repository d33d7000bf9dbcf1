/* SPDX-License-Identifier: MIT */
/* image: turns an image (dir, tar[.gz|.zst], cpio, OCI layout) into a cached rootfs cpio. */
#ifndef XENPOD_IMAGE_H
#define XENPOD_IMAGE_H

#include <stddef.h>

#include "protocol.h"

#define IMAGE_DIGEST_LEN 64 /* sha256 hex */

struct image_info {
	char digest[IMAGE_DIGEST_LEN + 1]; /* of the resulting cpio */
	char cpio_path[4096]; /* cache_dir/DIGEST.cpio */
	char kind[16]; /* "dir", "tar", "cpio", "oci" */
	/* From an OCI config, if any (empty otherwise): default argv/env/cwd
	 * and user (config User, docker's USER[:GROUP]). */
	char **default_argv; /* NULL-terminated, or NULL */
	char **default_env;
	char default_cwd[256];
	char default_user[XP_USER_MAX + 1];
};

/*
 * Convert image_ref (a path) into cache_dir/DIGEST.cpio (newc), atomically;
 * reuse the cached file when the same content was converted before.
 * Refuses entries that escape the root (absolute, "..", links out of root).
 * Returns 0 or -errno with a one-line reason in err.
 */
int image_prepare(const char *image_ref, const char *cache_dir,
		  struct image_info *info, char *err, size_t errsz);
void image_info_dispose(struct image_info *info);

/*
 * image_prepare in a worker thread, so a big image does not stall the
 * daemon's event loop. done runs later from the ev loop (never from inside
 * this call) with the same results; info is valid during done only (copy
 * what you keep; it is disposed afterwards). 0 or -errno (then done is not
 * called).
 */
typedef void image_done_fn(void *arg, int rc, const struct image_info *info,
			   const char *err);
int image_prepare_async(const char *image_ref, const char *cache_dir,
			image_done_fn *done, void *arg);

#endif
