/* SPDX-License-Identifier: MIT */
/* image_tree: the in-memory rootfs that image.c builds from any input, then writes as cpio. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>

#include "image_tree.h"
#include "log.h"

#define IMG_MAX_ENTRIES (1u << 20)
#define IMG_MAX_PATH 4096
#define IMG_WARN_MAX 5 /* skipped-entry warnings logged per image */
/* Unpacked file data per image: the guest holds its rootfs in RAM, and a
 * compression bomb must not fill the cache's disk. */
#define IMG_MAX_DATA (4ll << 30)

static const char wh_prefix[] = ".wh.";
static const char wh_opaque[] = ".wh..wh..opq";

int image_clean_path(const char *in, char *out, size_t outsz)
{
	const char *p = in, *e;
	size_t n = 0, len;

	if (!in || in[0] == '/')
		return -EINVAL;
	while (*p) {
		e = strchrnul(p, '/');
		len = (size_t)(e - p);
		if (len == 2 && p[0] == '.' && p[1] == '.')
			return -EINVAL;
		if (len && !(len == 1 && p[0] == '.')) {
			if (n + !!n + len + 1 > outsz)
				return -ENAMETOOLONG;
			if (n)
				out[n++] = '/';
			memcpy(out + n, p, len);
			n += len;
		}
		p = *e ? e + 1 : e;
	}
	if (outsz)
		out[n] = '\0';
	return n ? 0 : 1;
}

void img_init(struct img *img, const char *ref, char *err, size_t errsz)
{
	memset(img, 0, sizeof(*img));
	img->ref = ref;
	img->err = err;
	img->errsz = errsz;
	img->spool = -1;
}

static void img_ent_free(struct img_ent *e)
{
	if (!e)
		return;
	free(e->path);
	free(e->link);
	free(e);
}

void img_dispose(struct img *img)
{
	size_t i;

	for (i = 0; i < img->n; i++)
		img_ent_free(img->ents[i]);
	free(img->ents);
	free(img->hash);
	if (img->spool >= 0)
		close(img->spool);
	img->ents = NULL;
	img->hash = NULL;
	img->n = img->cap = img->live = img->hsize = 0;
	img->spool = -1;
}

/* Entry names come from the image: keep messages one printable line. */
static void img_printable(const char *in, char *out, size_t outsz)
{
	size_t n = 0;

	for (; *in && n + 1 < outsz; in++)
		out[n++] = (*in >= 0x20 && *in < 0x7f) ? *in : '?';
	out[n] = '\0';
}

int img_fail(struct img *img, int rc, const char *fmt, ...)
{
	char msg[512], ref[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	img_printable(img->ref ? img->ref : "?", ref, sizeof(ref));
	if (img->err && img->errsz)
		snprintf(img->err, img->errsz, "image %s: %s", ref, msg);
	return rc;
}

static int img_fail_entry(struct img *img, int rc, const char *path,
			  const char *why)
{
	char p[256];

	img_printable(path, p, sizeof(p));
	return img_fail(img, rc, "entry %s: %s", p, why);
}

void img_skip(struct img *img, const char *raw_path, const char *what)
{
	char p[256], ref[256];

	if (img->quiet || img->skipped++ >= IMG_WARN_MAX)
		return;
	img_printable(raw_path, p, sizeof(p));
	img_printable(img->ref, ref, sizeof(ref));
	log_warn("image %s: entry %s: %s skipped%s", ref, p, what,
		 img->skipped == IMG_WARN_MAX ? " (further skips not logged)" :
						"");
}

/* ---- path table ---- */

static size_t img_hashf(const char *s)
{
	size_t h = 14695981039346656037ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

struct img_ent *img_lookup(struct img *img, const char *path)
{
	struct img_ent *e;

	if (!img->hsize)
		return NULL;
	for (e = img->hash[img_hashf(path) & (img->hsize - 1)]; e; e = e->hnext)
		if (!strcmp(e->path, path))
			return e;
	return NULL;
}

static int img_rehash(struct img *img)
{
	size_t ns = img->hsize ? img->hsize * 2 : 1024, i;
	struct img_ent **nh = calloc(ns, sizeof(*nh));

	if (!nh)
		return -ENOMEM;
	for (i = 0; i < img->n; i++) {
		struct img_ent *e = img->ents[i];
		size_t b;

		if (e->dead)
			continue;
		b = img_hashf(e->path) & (ns - 1);
		e->hnext = nh[b];
		nh[b] = e;
	}
	free(img->hash);
	img->hash = nh;
	img->hsize = ns;
	return 0;
}

static void img_unhash(struct img *img, struct img_ent *e)
{
	struct img_ent **pp = &img->hash[img_hashf(e->path) & (img->hsize - 1)];

	for (; *pp; pp = &(*pp)->hnext)
		if (*pp == e) {
			*pp = e->hnext;
			break;
		}
	e->dead = true;
	img->live--;
}

static int img_insert(struct img *img, const char *path,
		      const struct img_ent *tmpl)
{
	struct img_ent *e;
	size_t b;

	if (img->n >= IMG_MAX_ENTRIES)
		return img_fail(img, -EFBIG, "more than %u entries",
				IMG_MAX_ENTRIES);
	if (img->n == img->cap) {
		size_t nc = img->cap ? img->cap * 2 : 256;
		struct img_ent **ne = realloc(img->ents, nc * sizeof(*ne));

		if (!ne)
			return -ENOMEM;
		img->ents = ne;
		img->cap = nc;
	}
	if (img->live * 2 >= img->hsize && img_rehash(img))
		return -ENOMEM;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	*e = *tmpl;
	e->path = strdup(path);
	e->link = tmpl->link ? strdup(tmpl->link) : NULL;
	e->layer = img->layer;
	e->dead = false;
	if (!e->path || (tmpl->link && !e->link)) {
		img_ent_free(e);
		return -ENOMEM;
	}
	b = img_hashf(path) & (img->hsize - 1);
	e->hnext = img->hash[b];
	img->hash[b] = e;
	img->ents[img->n++] = e;
	img->live++;
	return 0;
}

/* Remove everything strictly below dir (only from layers < below_layer). */
static void img_remove_under(struct img *img, const char *dir, int below_layer)
{
	size_t len = strlen(dir), i;

	for (i = 0; i < img->n; i++) {
		struct img_ent *e = img->ents[i];

		if (!e->dead && e->layer < below_layer &&
		    !strncmp(e->path, dir, len) && e->path[len] == '/')
			img_unhash(img, e);
	}
}

static void img_remove(struct img *img, struct img_ent *e, int below_layer)
{
	if (S_ISDIR(e->mode))
		img_remove_under(img, e->path, below_layer);
	img_unhash(img, e);
}

/* Every ancestor of path must be a directory; missing ones are made. */
static int img_parents(struct img *img, const char *path)
{
	static const struct img_ent dir = { .mode = S_IFDIR | 0755,
					    .synthetic = true };
	char buf[IMG_MAX_PATH];
	char *s;
	int rc;

	snprintf(buf, sizeof(buf), "%s", path);
	for (s = strchr(buf, '/'); s; s = strchr(s + 1, '/')) {
		struct img_ent *e;

		*s = '\0';
		e = img_lookup(img, buf);
		if (e && S_ISLNK(e->mode))
			return img_fail_entry(img, -EINVAL, path,
					      "below a symlink");
		if (e && !S_ISDIR(e->mode))
			return img_fail_entry(img, -EINVAL, path,
					      "below a non-directory");
		if (!e && (rc = img_insert(img, buf, &dir)))
			return rc;
		*s = '/';
	}
	return 0;
}

/* OCI whiteouts: .wh.NAME hides NAME, .wh..wh..opq hides the lower dir. */
static int img_whiteout(struct img *img, const char *path, const char *base)
{
	char target[IMG_MAX_PATH];
	size_t dirlen = (size_t)(base - path);
	const char *name = base + sizeof(wh_prefix) - 1;
	struct img_ent *e;
	int rc = img_parents(img, path);

	if (rc)
		return rc;
	if (!strcmp(base, wh_opaque)) {
		if (!dirlen)
			return 0; /* opaque root: nothing below to keep */
		snprintf(target, sizeof(target), "%.*s", (int)dirlen - 1, path);
		img_remove_under(img, target, img->layer);
		return 0;
	}
	if (!*name || !strcmp(name, ".") || !strcmp(name, "..") ||
	    !strncmp(name, wh_prefix, sizeof(wh_prefix) - 1))
		return img_fail_entry(img, -EINVAL, path, "bad whiteout");
	snprintf(target, sizeof(target), "%.*s%s", (int)dirlen, path, name);
	e = img_lookup(img, target);
	if (e && e->layer < img->layer)
		img_remove(img, e, img->layer);
	return 0;
}

int img_add(struct img *img, const char *raw_path, const struct img_ent *tmpl)
{
	char path[IMG_MAX_PATH];
	struct img_ent *old;
	const char *base;
	int rc = image_clean_path(raw_path, path, sizeof(path));

	if (rc == 1)
		return 0; /* the root directory itself */
	if (rc == -ENAMETOOLONG)
		return img_fail_entry(img, rc, raw_path, "path too long");
	if (rc)
		return img_fail_entry(img, rc, raw_path,
				      raw_path[0] == '/' ?
					      "absolute path refused" :
					      "\"..\" refused");
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (img->whiteouts && !strncmp(base, wh_prefix, sizeof(wh_prefix) - 1))
		return img_whiteout(img, path, base);
	rc = img_parents(img, path);
	if (rc)
		return rc;
	old = img_lookup(img, path);
	if (old && S_ISDIR(old->mode) && S_ISDIR(tmpl->mode)) {
		/* A directory listed again: new metadata, children stay. */
		old->mode = tmpl->mode;
		old->uid = tmpl->uid;
		old->gid = tmpl->gid;
		old->mtime = tmpl->mtime;
		old->ctime_ns = tmpl->ctime_ns;
		old->synthetic = false;
		return 0;
	}
	if (old)
		img_remove(img, old, img->layer + 1);
	return img_insert(img, path, tmpl);
}

/* ---- file data ---- */

/* File data waits in an unlinked file beside the cache (a disk, not tmpfs). */
static int img_spool_open(struct img *img)
{
	char path[4200];
	int fd;

	if (img->spool >= 0)
		return 0;
	snprintf(path, sizeof(path), "%s/.spool-XXXXXX",
		 img->spool_dir ? img->spool_dir : "/tmp");
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		return img_fail(img, -errno, "spool file %s: %s", path,
				strerror(errno));
	unlink(path);
	img->spool = fd;
	return 0;
}

static int img_spool_write(struct img *img, const void *buf, size_t len)
{
	const char *p = buf;

	if (img->spool_end + (int64_t)len > IMG_MAX_DATA)
		return img_fail(img, -EFBIG,
				"more than %lld GiB of file data unpacked",
				IMG_MAX_DATA >> 30);
	while (len) {
		ssize_t r = pwrite(img->spool, p, len, img->spool_end);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return img_fail(img, -errno, "spool file: %s",
					strerror(errno));
		p += r;
		len -= (size_t)r;
		img->spool_end += r;
	}
	return 0;
}

int img_spool_archive(struct img *img, struct archive *a, const char *path,
		      int64_t *off_r, int64_t *size_r)
{
	char buf[65536];
	la_ssize_t r;
	int rc = img_spool_open(img);

	if (rc)
		return rc;
	*off_r = img->spool_end;
	while ((r = archive_read_data(a, buf, sizeof(buf))) > 0) {
		rc = img_spool_write(img, buf, (size_t)r);
		if (rc)
			return rc;
	}
	if (r < 0)
		return img_fail_entry(img, -EIO, path, archive_error_string(a));
	*size_r = img->spool_end - *off_r;
	return 0;
}

int img_spool_fd(struct img *img, int fd, const char *path, int64_t *off_r,
		 int64_t *size_r)
{
	char buf[65536];
	ssize_t r;
	int rc = img_spool_open(img);

	if (rc)
		return rc;
	*off_r = img->spool_end;
	while ((r = read(fd, buf, sizeof(buf))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return img_fail_entry(img, -errno, path,
					      strerror(errno));
		rc = img_spool_write(img, buf, (size_t)r);
		if (rc)
			return rc;
	}
	*size_r = img->spool_end - *off_r;
	return 0;
}

static int img_cmp(const void *a, const void *b)
{
	const struct img_ent *x = *(struct img_ent *const *)a;
	const struct img_ent *y = *(struct img_ent *const *)b;

	return strcmp(x->path, y->path);
}

int img_sorted(struct img *img, struct img_ent ***list_r, size_t *n_r)
{
	struct img_ent **l = malloc((img->live ? img->live : 1) * sizeof(*l));
	size_t i, n = 0;

	if (!l)
		return -ENOMEM;
	for (i = 0; i < img->n; i++)
		if (!img->ents[i]->dead)
			l[n++] = img->ents[i];
	qsort(l, n, sizeof(*l), img_cmp);
	*list_r = l;
	*n_r = n;
	return 0;
}
