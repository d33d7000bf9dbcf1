/* SPDX-License-Identifier: MIT */
/* image_tree: the in-memory rootfs that image.c builds from any input, then writes as cpio. */
#ifndef XENPOD_IMAGE_TREE_H
#define XENPOD_IMAGE_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct archive;

/* One file, directory or symlink of the rootfs. */
struct img_ent {
	char *path; /* clean, relative: "bin/sh" */
	uint32_t mode; /* type and permission bits */
	uint32_t uid, gid;
	int64_t mtime;
	int64_t ctime_ns; /* only for the cache key of directory inputs */
	char *link; /* symlink target (anything: it is resolved in the guest) */
	int64_t off, size; /* regular file data in the spool */
	int layer; /* OCI layer that added it */
	bool synthetic; /* a parent directory no input listed */
	bool dead;
	struct img_ent *hnext;
};

/* One conversion in progress. */
struct img {
	const char *ref; /* for messages */
	const char *spool_dir; /* where the unlinked spool file lives */
	char *err;
	size_t errsz;
	int spool; /* unlinked temp file holding file data, or -1 */
	int64_t spool_end;
	struct img_ent **ents;
	size_t n, cap, live;
	struct img_ent **hash;
	size_t hsize;
	int layer;
	bool whiteouts; /* OCI layers: .wh.* entries delete lower entries */
	bool quiet; /* a walk only for the cache key: do not log skips */
	unsigned skipped;
};

/*
 * Normalise an archive path: drop "./", empty and "." components and a
 * trailing '/'. 0 (out set), 1 for the root itself, -EINVAL for an absolute
 * path or a ".." component, -ENAMETOOLONG.
 */
int image_clean_path(const char *in, char *out, size_t outsz);

void img_init(struct img *img, const char *ref, char *err, size_t errsz);
void img_dispose(struct img *img);
/* Write "image REF: <msg>" into img->err; returns rc. */
int img_fail(struct img *img, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

struct img_ent *img_lookup(struct img *img, const char *path);
/*
 * Add an entry (path raw from the input; tmpl gives the metadata, link and
 * data location). Applies whiteouts when img->whiteouts. 0 or -errno with
 * img->err set.
 */
int img_add(struct img *img, const char *raw_path, const struct img_ent *tmpl);
/* Skip an unsupported entry (device node, fifo, socket) with a warning. */
void img_skip(struct img *img, const char *raw_path, const char *what);

/* Copy size bytes from an archive entry / an fd into the spool; *off_r. */
int img_spool_archive(struct img *img, struct archive *a, const char *path,
		      int64_t *off_r, int64_t *size_r);
int img_spool_fd(struct img *img, int fd, const char *path, int64_t *off_r,
		 int64_t *size_r);

/* Live entries sorted by path (parents first); free the array. */
int img_sorted(struct img *img, struct img_ent ***list_r, size_t *n_r);

#endif
