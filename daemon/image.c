/* SPDX-License-Identifier: MIT */
/* image: turns an image (dir, tar[.gz|.zst], cpio, OCI layout) into a cached rootfs cpio. */
/*
 * Cache design: cache_dir/DIGEST.cpio is named by the sha256 of the cpio
 * itself. To find it again without converting, each input gets a key,
 * cache_dir/KEY.key, a symlink to "DIGEST.cpio":
 *   archive file  KEY = sha256(version, "file", the file's bytes)
 *   OCI layout    KEY = sha256(version, "oci", manifest digest) -- the
 *                 manifest names config and layers by digest, and every
 *                 blob is verified against its digest when converted
 *   directory     KEY = sha256(version, "dir", every entry's path, mode,
 *                 owner, size, mtime, ctime and link target, sorted) --
 *                 a stat walk; any write to a file changes its ctime
 * A second prepare of the same input costs one read (file), one small read
 * (OCI) or one stat walk (directory), and no conversion. Both the cpio and
 * the key are published with tmp + fsync + rename + directory fsync.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "image.h"
#include "fsutil.h"
#include "image_oci.h"
#include "image_tree.h"
#include "digest.h"

#define IMAGE_KEY_VERSION "xenpod-image-v1"
#define IMAGE_MAX_DEPTH 128

/* ---- archive input (tar, cpio; any compression libarchive knows) ---- */

static int image_entry_from_archive(struct img *img, struct archive *a,
				    struct archive_entry *ae)
{
	const char *path = archive_entry_pathname(ae);
	const char *hard = archive_entry_hardlink(ae);
	struct img_ent t = { 0 };
	int rc;

	if (!path)
		return img_fail(img, -EINVAL, "entry with an unreadable name");
	t.mode = archive_entry_mode(ae);
	t.uid = (uint32_t)archive_entry_uid(ae);
	t.gid = (uint32_t)archive_entry_gid(ae);
	t.mtime = archive_entry_mtime(ae);
	if (hard)
		return image_hardlink(img, path, hard);
	switch (archive_entry_filetype(ae)) {
	case AE_IFREG:
		rc = img_spool_archive(img, a, path, &t.off, &t.size);
		return rc ? rc : img_add(img, path, &t);
	case AE_IFDIR:
		return img_add(img, path, &t);
	case AE_IFLNK:
		t.link = (char *)archive_entry_symlink(ae);
		if (!t.link)
			return img_fail(img, -EINVAL,
					"symlink without a target");
		return img_add(img, path, &t);
	default:
		img_skip(img, path, "device node, fifo or socket");
		return 0;
	}
}

int image_hardlink(struct img *img, const char *path, const char *target)
{
	char clean[4096];
	struct img_ent t, *e;
	int rc = image_clean_path(target, clean, sizeof(clean));

	if (rc) {
		char msg[300];

		snprintf(msg, sizeof(msg), "hard link target %.200s escapes",
			 target);
		return img_fail(img, -EINVAL, "entry %.200s: %s", path, msg);
	}
	e = img_lookup(img, clean);
	if (!e || !S_ISREG(e->mode))
		return img_fail(img, -EINVAL,
				"entry %.200s: hard link to a missing file",
				path);
	/* The guest has no hard links: the entry gets its own copy. */
	t = *e;
	t.link = NULL;
	t.synthetic = false;
	return img_add(img, path, &t);
}

int image_read_archive(struct img *img, struct archive *a, const char **kind)
{
	struct archive_entry *ae;
	int r, rc;

	while ((r = archive_read_next_header(a, &ae)) == ARCHIVE_OK ||
	       r == ARCHIVE_WARN) {
		if (kind)
			*kind = (archive_format(a) &
				 ARCHIVE_FORMAT_BASE_MASK) ==
						ARCHIVE_FORMAT_CPIO ?
					"cpio" :
					"tar";
		rc = image_entry_from_archive(img, a, ae);
		if (rc)
			return rc;
	}
	if (r != ARCHIVE_EOF)
		return img_fail(img, -EINVAL, "%s", archive_error_string(a));
	return 0;
}

struct archive *image_archive_reader(void)
{
	struct archive *a = archive_read_new();

	if (!a)
		return NULL;
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	archive_read_support_format_cpio(a);
	return a;
}

/*
 * libarchive's cpio reader asks its read-ahead for a newc header's whole
 * name (namesize: 8 hex digits, up to 4 GiB) and allocates that much before
 * it finds the file is short (fuzz finding F3).  So the (decompressed)
 * stream of a newc archive is walked here first with a fixed buffer, and a
 * name longer than PATH_MAX is refused.
 */
struct raw_stream {
	struct archive *a;
	const uint8_t *p;
	size_t avail;
};

/* Next n bytes into dst (NULL: skip them); -ENODATA at the end. */
static int raw_take(struct raw_stream *r, void *dst, uint64_t n)
{
	while (n) {
		size_t k;

		if (!r->avail) {
			const void *b;
			int64_t off;

			int rc = archive_read_data_block(r->a, &b, &r->avail,
							 &off);
			if (rc == ARCHIVE_EOF)
				return -ENODATA;
			if (rc != ARCHIVE_OK)
				return -EIO;
			r->p = b;
		}
		k = r->avail < n ? r->avail : (size_t)n;
		if (dst) {
			memcpy(dst, r->p, k);
			dst = (uint8_t *)dst + k;
		}
		r->p += k;
		r->avail -= k;
		n -= k;
	}
	return 0;
}

static uint32_t newc_field(const char *h, size_t off)
{
	char f[9];

	memcpy(f, h + off, 8);
	f[8] = '\0';
	return (uint32_t)strtoul(f, NULL, 16);
}

static int newc_walk(struct img *img, struct raw_stream *r)
{
	char h[110];
	unsigned long n;

	for (n = 0;; n++) {
		uint32_t namesize, filesize;

		if (raw_take(r, h, sizeof(h)) < 0 ||
		    (memcmp(h, "070701", 6) && memcmp(h, "070702", 6)))
			return 0; /* libarchive reports what is wrong */
		namesize = newc_field(h, 94);
		filesize = newc_field(h, 54);
		if (namesize > PATH_MAX)
			return img_fail(img, -EINVAL,
					"cpio entry %lu: name of %" PRIu32
					" bytes (at most %d)",
					n, namesize, PATH_MAX);
		if (raw_take(r, NULL, ((110u + namesize + 3) & ~3u) - 110) ||
		    raw_take(r, NULL, ((uint64_t)filesize + 3) & ~3ull))
			return 0;
	}
}

static int image_cpio_precheck(struct img *img, int fd)
{
	struct raw_stream r = { .a = archive_read_new() };
	struct archive_entry *ae;
	char magic[6];
	int rc = 0;

	if (!r.a)
		return -ENOMEM;
	archive_read_support_filter_all(r.a);
	archive_read_support_format_raw(r.a);
	if (lseek(fd, 0, SEEK_SET) == 0 &&
	    archive_read_open_fd(r.a, fd, 65536) == ARCHIVE_OK &&
	    archive_read_next_header(r.a, &ae) == ARCHIVE_OK &&
	    raw_take(&r, magic, sizeof(magic)) == 0 &&
	    (!memcmp(magic, "070701", 6) || !memcmp(magic, "070702", 6))) {
		/* re-read from the start: the walk wants whole headers */
		archive_read_free(r.a);
		r = (struct raw_stream){ .a = archive_read_new() };
		if (!r.a)
			return -ENOMEM;
		archive_read_support_filter_all(r.a);
		archive_read_support_format_raw(r.a);
		if (lseek(fd, 0, SEEK_SET) == 0 &&
		    archive_read_open_fd(r.a, fd, 65536) == ARCHIVE_OK &&
		    archive_read_next_header(r.a, &ae) == ARCHIVE_OK)
			rc = newc_walk(img, &r);
	}
	archive_read_free(r.a);
	return rc;
}

/* tar or cpio? Only the first header is read. */
static void image_file_kind(int fd, char *kind, size_t kindsz)
{
	struct archive *a = image_archive_reader();
	struct archive_entry *ae;

	if (a && lseek(fd, 0, SEEK_SET) == 0 &&
	    archive_read_open_fd(a, fd, 65536) == ARCHIVE_OK &&
	    archive_read_next_header(a, &ae) == ARCHIVE_OK &&
	    (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) ==
		    ARCHIVE_FORMAT_CPIO)
		snprintf(kind, kindsz, "cpio");
	archive_read_free(a);
}

static int image_from_file(struct img *img, int fd, const char **kind)
{
	struct archive *a = image_archive_reader();
	int rc;

	if (!a)
		return -ENOMEM;
	if (lseek(fd, 0, SEEK_SET) < 0 ||
	    archive_read_open_fd(a, fd, 65536) != ARCHIVE_OK)
		rc = img_fail(img, -EINVAL, "%s", archive_error_string(a));
	else
		rc = image_read_archive(img, a, kind);
	archive_read_free(a);
	return rc;
}

/* ---- directory input ---- */

static int image_walk(struct img *img, int dfd, const char *rel, int depth,
		      bool data);

static int image_dir_entry(struct img *img, int dfd, const char *name,
			   const char *path, int depth, bool data)
{
	struct img_ent t = { 0 };
	char link[4096];
	struct stat st;
	ssize_t n;
	int fd, rc = 0;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return img_fail(img, -errno, "%.200s: %s", path,
				strerror(errno));
	t.mode = st.st_mode;
	t.uid = st.st_uid;
	t.gid = st.st_gid;
	t.mtime = st.st_mtim.tv_sec;
	t.ctime_ns = st.st_ctim.tv_sec * 1000000000ll + st.st_ctim.tv_nsec;
	t.size = st.st_size;
	if (S_ISLNK(st.st_mode)) {
		n = readlinkat(dfd, name, link, sizeof(link) - 1);
		if (n < 0)
			return img_fail(img, -errno, "%.200s: %s", path,
					strerror(errno));
		link[n] = '\0';
		t.link = link;
		return img_add(img, path, &t);
	}
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
		img_skip(img, path, "device node, fifo or socket");
		return 0;
	}
	fd = openat(dfd, name,
		    O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
			    (S_ISDIR(st.st_mode) ? O_DIRECTORY : 0));
	if (fd < 0)
		return img_fail(img, -errno, "%.200s: %s", path,
				strerror(errno));
	if (S_ISREG(st.st_mode) && data)
		rc = img_spool_fd(img, fd, path, &t.off, &t.size);
	if (!rc)
		rc = img_add(img, path, &t);
	if (!rc && S_ISDIR(st.st_mode))
		rc = image_walk(img, fd, path, depth + 1, data);
	close(fd);
	return rc;
}

/* Walk the directory dfd (path rel below the root) without following links. */
static int image_walk(struct img *img, int dfd, const char *rel, int depth,
		      bool data)
{
	char path[4096];
	struct dirent *de;
	DIR *d;
	int fd, rc = 0;

	if (depth > IMAGE_MAX_DEPTH)
		return img_fail(img, -ELOOP, "%.200s: nested too deeply", rel);
	fd = dup(dfd);
	if (fd < 0 || !(d = fdopendir(fd))) {
		rc = img_fail(img, -errno, "%.200s: %s", rel, strerror(errno));
		if (fd >= 0)
			close(fd);
		return rc;
	}
	while (!rc && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s%s%s", rel,
				     *rel ? "/" : "",
				     de->d_name) >= sizeof(path))
			rc = img_fail(img, -ENAMETOOLONG,
				      "%.200s: path too long", rel);
		else
			rc = image_dir_entry(img, dfd, de->d_name, path, depth,
					     data);
	}
	closedir(d);
	return rc;
}

static int image_from_dir(struct img *img, const char *dir, bool data)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	if (fd < 0)
		return img_fail(img, -errno, "%s", strerror(errno));
	rc = image_walk(img, fd, "", 0, data);
	close(fd);
	return rc;
}

/* Key of a directory: its sorted metadata (see the top of this file). */
static int image_dir_key(struct img *img, struct sha256_ctx *h)
{
	struct img_ent **l;
	size_t n, i;
	char line[128];
	int rc = img_sorted(img, &l, &n);

	if (rc)
		return rc;
	for (i = 0; i < n; i++) {
		digest_update(h, l[i]->path, strlen(l[i]->path) + 1);
		snprintf(line, sizeof(line), "%o %u %u %lld %lld %lld",
			 l[i]->mode, l[i]->uid, l[i]->gid,
			 (long long)l[i]->size, (long long)l[i]->mtime,
			 (long long)l[i]->ctime_ns);
		digest_update(h, line, strlen(line) + 1);
		if (l[i]->link)
			digest_update(h, l[i]->link, strlen(l[i]->link));
		digest_update(h, "", 1);
	}
	free(l);
	return 0;
}

/* ---- output ---- */

struct image_out {
	int fd;
	struct sha256_ctx h;
	int err;
};

static la_ssize_t image_out_write(struct archive *a, void *arg, const void *buf,
				  size_t len)
{
	struct image_out *o = arg;
	const char *p = buf;
	size_t left = len;

	while (left) {
		ssize_t r = write(o->fd, p, left);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			o->err = errno;
			archive_set_error(a, errno, "write: %s",
					  strerror(errno));
			return -1;
		}
		p += r;
		left -= (size_t)r;
	}
	digest_update(&o->h, buf, len);
	return (la_ssize_t)len;
}

static int image_write_data(struct img *img, struct archive *w,
			    const struct img_ent *e)
{
	char buf[65536];
	int64_t done = 0;

	while (done < e->size) {
		size_t want = e->size - done < (int64_t)sizeof(buf) ?
				      (size_t)(e->size - done) :
				      sizeof(buf);
		ssize_t r = pread(img->spool, buf, want, e->off + done);

		if (r <= 0)
			return img_fail(img, r < 0 ? -errno : -EIO,
					"spool file: short read");
		if (archive_write_data(w, buf, (size_t)r) != r)
			return img_fail(img, -EIO, "writing cpio: %s",
					archive_error_string(w));
		done += r;
	}
	return 0;
}

static int image_write_entry(struct img *img, struct archive *w,
			     struct archive_entry *ae, const struct img_ent *e)
{
	archive_entry_clear(ae);
	archive_entry_set_pathname(ae, e->path);
	archive_entry_set_mode(ae, e->mode);
	archive_entry_set_uid(ae, e->uid);
	archive_entry_set_gid(ae, e->gid);
	archive_entry_set_mtime(ae, e->mtime, 0);
	archive_entry_set_nlink(ae, S_ISDIR(e->mode) ? 2 : 1);
	archive_entry_set_size(ae, S_ISREG(e->mode) ? e->size : 0);
	if (S_ISLNK(e->mode))
		archive_entry_set_symlink(ae, e->link);
	if (archive_write_header(w, ae) != ARCHIVE_OK)
		return img_fail(img, -EINVAL, "entry %.200s: %s", e->path,
				archive_error_string(w));
	return S_ISREG(e->mode) ? image_write_data(img, w, e) : 0;
}

static int image_write_all(struct img *img, struct archive *w)
{
	struct archive_entry *ae = archive_entry_new();
	struct img_ent **l = NULL;
	size_t n = 0, i;
	int rc = ae ? img_sorted(img, &l, &n) : -ENOMEM;

	for (i = 0; !rc && i < n; i++)
		rc = image_write_entry(img, w, ae, l[i]);
	free(l);
	archive_entry_free(ae);
	return rc;
}

/* Write the tree as newc cpio to fd; the output's digest into hex. */
static int image_write_cpio(struct img *img, int fd, char *hex)
{
	struct image_out o = { .fd = fd };
	struct archive *w = archive_write_new();
	int rc;

	if (!w)
		return -ENOMEM;
	sha256_init(&o.h);
	archive_write_set_format_cpio_newc(w);
	archive_write_add_filter_none(w);
	archive_write_set_bytes_in_last_block(w, 1);
	if (archive_write_open(w, &o, NULL, image_out_write, NULL) !=
	    ARCHIVE_OK) {
		rc = img_fail(img, -EIO, "writing cpio: %s",
			      archive_error_string(w));
		archive_write_free(w);
		return rc;
	}
	rc = image_write_all(img, w);
	if (archive_write_close(w) != ARCHIVE_OK && !rc)
		rc = img_fail(img, o.err ? -o.err : -EIO, "writing cpio: %s",
			      archive_error_string(w));
	archive_write_free(w);
	if (!rc)
		digest_hex(&o.h, hex);
	return rc;
}

/* ---- cache ---- */

/* Is KEY.key a link to an existing DIGEST.cpio? 0 and digest, or -ENOENT. */
static int image_cache_lookup(const char *cache, const char *key, char *digest)
{
	char path[4200], target[128];
	struct stat st;
	ssize_t n;
	int i;

	snprintf(path, sizeof(path), "%s/%s.key", cache, key);
	n = readlink(path, target, sizeof(target) - 1);
	if (n != IMAGE_DIGEST_LEN + 5)
		return -ENOENT;
	target[n] = '\0';
	for (i = 0; i < IMAGE_DIGEST_LEN; i++)
		if (!strchr("0123456789abcdef", target[i]) || !target[i])
			return -ENOENT;
	if (strcmp(target + IMAGE_DIGEST_LEN, ".cpio"))
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/%s", cache, target);
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return -ENOENT;
	memcpy(digest, target, IMAGE_DIGEST_LEN);
	digest[IMAGE_DIGEST_LEN] = '\0';
	return 0;
}

static int image_cache_link(struct img *img, const char *cache, const char *key,
			    const char *digest)
{
	/* Each conversion runs in a thread of its own (image_async.c), and two may publish one
	 * key at once: each needs a temporary name of its own, or one's unlink takes the
	 * other's link away before its rename ("No such file or directory"). */
	static atomic_uint seq;
	char tmp[4200], path[4200], target[128];

	snprintf(target, sizeof(target), "%s.cpio", digest);
	snprintf(tmp, sizeof(tmp), "%s/.tmp-%s.%ld.%u.key", cache, key,
		 (long)getpid(), atomic_fetch_add(&seq, 1));
	snprintf(path, sizeof(path), "%s/%s.key", cache, key);
	unlink(tmp); /* a stray of an earlier daemon with this pid */
	if (symlink(target, tmp) < 0 || rename(tmp, path) < 0) {
		int e = errno;

		unlink(tmp);
		return img_fail(img, -e, "cache key %s: %s", path, strerror(e));
	}
	return fs_fsync_dir(cache);
}

/* Convert img's tree into cache/DIGEST.cpio atomically. */
static int image_publish(struct img *img, const char *cache, char *digest)
{
	char tmp[4200], path[4200];
	int fd, rc;

	snprintf(tmp, sizeof(tmp), "%s/.tmp-XXXXXX", cache);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return img_fail(img, -errno, "cache %s: %s", cache,
				strerror(errno));
	rc = image_write_cpio(img, fd, digest);
	if (!rc && (fchmod(fd, 0644) < 0 || fsync(fd) < 0))
		rc = img_fail(img, -errno, "cache: %s", strerror(errno));
	close(fd);
	snprintf(path, sizeof(path), "%s/%s.cpio", cache, digest);
	if (!rc && rename(tmp, path) < 0)
		rc = img_fail(img, -errno, "cache: %s", strerror(errno));
	if (rc) {
		unlink(tmp);
		return rc;
	}
	return fs_fsync_dir(cache);
}

static int image_key_file(struct img *img, int fd, struct sha256_ctx *h)
{
	char buf[65536];
	ssize_t r;

	while ((r = read(fd, buf, sizeof(buf))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return img_fail(img, -errno, "%s", strerror(errno));
		digest_update(h, buf, (size_t)r);
	}
	return 0;
}

static void image_key_start(struct sha256_ctx *h, const char *kind)
{
	sha256_init(h);
	digest_update(h, IMAGE_KEY_VERSION, sizeof(IMAGE_KEY_VERSION));
	digest_update(h, kind, strlen(kind) + 1);
}

/* ---- entry point ---- */

struct image_job {
	const char *ref, *cache;
	struct image_info *info;
	struct img img;
	char key[IMAGE_DIGEST_LEN + 1];
	int fd; /* archive file */
	struct image_oci oci;
};

/* Hit: fill info from the cache. Miss: convert and publish. */
static int image_finish(struct image_job *j)
{
	int rc = 0;

	if (image_cache_lookup(j->cache, j->key, j->info->digest)) {
		if (!strcmp(j->info->kind, "dir")) {
			img_dispose(&j->img);
			img_init(&j->img, j->ref, j->img.err, j->img.errsz);
			j->img.spool_dir = j->cache;
			rc = image_from_dir(&j->img, j->ref, true);
		} else if (!strcmp(j->info->kind, "oci")) {
			rc = image_oci_layers(&j->img, &j->oci);
		} else {
			const char *kind = "tar";

			rc = image_from_file(&j->img, j->fd, &kind);
			snprintf(j->info->kind, sizeof(j->info->kind), "%s",
				 kind);
		}
		if (!rc)
			rc = image_publish(&j->img, j->cache, j->info->digest);
		if (!rc)
			rc = image_cache_link(&j->img, j->cache, j->key,
					      j->info->digest);
	}
	if (!rc)
		snprintf(j->info->cpio_path, sizeof(j->info->cpio_path),
			 "%s/%s.cpio", j->cache, j->info->digest);
	return rc;
}

static int image_key(struct image_job *j)
{
	struct sha256_ctx h;
	struct stat st;
	int rc;

	if (stat(j->ref, &st) < 0)
		return img_fail(&j->img, -errno, "%s", strerror(errno));
	if (S_ISDIR(st.st_mode) && image_oci_is_layout(j->ref)) {
		snprintf(j->info->kind, sizeof(j->info->kind), "oci");
		rc = image_oci_open(&j->img, j->ref, &j->oci, j->info);
		image_key_start(&h, "oci");
		digest_update(&h, j->oci.manifest_digest,
			      strlen(j->oci.manifest_digest));
	} else if (S_ISDIR(st.st_mode)) {
		snprintf(j->info->kind, sizeof(j->info->kind), "dir");
		j->img.quiet = true;
		rc = image_from_dir(&j->img, j->ref, false);
		image_key_start(&h, "dir");
		if (!rc)
			rc = image_dir_key(&j->img, &h);
	} else if (S_ISREG(st.st_mode)) {
		snprintf(j->info->kind, sizeof(j->info->kind), "tar");
		j->fd = open(j->ref, O_RDONLY | O_CLOEXEC);
		if (j->fd < 0)
			return img_fail(&j->img, -errno, "%s", strerror(errno));
		image_key_start(&h, "file");
		rc = image_key_file(&j->img, j->fd, &h);
		if (!rc)
			rc = image_cpio_precheck(&j->img, j->fd);
		if (!rc)
			image_file_kind(j->fd, j->info->kind,
					sizeof(j->info->kind));
	} else {
		return img_fail(&j->img, -EINVAL,
				"not a directory or an archive file");
	}
	if (!rc)
		digest_hex(&h, j->key);
	return rc;
}

int image_prepare(const char *image_ref, const char *cache_dir,
		  struct image_info *info, char *err, size_t errsz)
{
	struct image_job j = {
		.ref = image_ref, .cache = cache_dir, .info = info, .fd = -1
	};
	int rc;

	memset(info, 0, sizeof(*info));
	if (err && errsz)
		err[0] = '\0';
	img_init(&j.img, image_ref, err, errsz);
	j.img.spool_dir = cache_dir;
	image_oci_init(&j.oci);
	if (mkdir(cache_dir, 0700) < 0 && errno != EEXIST) {
		rc = img_fail(&j.img, -errno, "cache %s: %s", cache_dir,
			      strerror(errno));
		goto out;
	}
	rc = image_key(&j);
	if (!rc)
		rc = image_finish(&j);
out:
	if (j.fd >= 0)
		close(j.fd);
	image_oci_dispose(&j.oci);
	img_dispose(&j.img);
	if (rc)
		image_info_dispose(info);
	return rc;
}

static void image_strv_free(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

void image_info_dispose(struct image_info *info)
{
	if (!info)
		return;
	image_strv_free(info->default_argv);
	image_strv_free(info->default_env);
	info->default_argv = NULL;
	info->default_env = NULL;
}
