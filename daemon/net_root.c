/* SPDX-License-Identifier: MIT */
/* net_root: a pod's own boot rootfs: the image's cpio as it is, then the pod's /etc files, which replace the image's in the guest. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/cpio.h"
#include "net.h"

#define ROOT_INO_BASE 0xfffff000u /* inode numbers no image entry uses */

struct scan {
	size_t end; /* where the trailer (or the end of the entries) starts */
	int etc_type; /* S_IFMT of the image's etc/, 0 if none */
	int file_type[8]; /* ... and of each file to write */
};

/* Walk the image as the guest's reader does (guest/lib/cpio.c). */
static int scan(const void *base, size_t len, const struct net_root_file *f,
		size_t n, struct scan *s, char *err, size_t errsz)
{
	struct cpio_reader r;
	struct cpio_entry e;
	char path[4096];
	const char *why = NULL;
	size_t start;
	int rc;

	memset(s, 0, sizeof(*s));
	cpio_init(&r, base, len);
	for (;;) {
		start = r.off;
		rc = cpio_next(&r, &e, &why);
		if (rc != 1)
			break;
		if (cpio_path_clean(e.name, path, sizeof(path), &why) < 0) {
			rc = -EINVAL;
			break;
		}
		if (!strcmp(path, "etc"))
			s->etc_type = (int)(e.mode & S_IFMT);
		for (size_t i = 0; i < n; i++)
			if (!strcmp(path, f[i].path))
				s->file_type[i] = (int)(e.mode & S_IFMT);
	}
	if (rc < 0) {
		snprintf(err, errsz, "the image's rootfs: %s",
			 why ? why : "unreadable");
		return -EINVAL;
	}
	s->end = start < len ? start : len;
	if (s->etc_type && s->etc_type != S_IFDIR) {
		snprintf(
			err, errsz,
			"the image's /etc is not a directory; the pod's /etc files cannot be written");
		return -ENOTDIR;
	}
	for (size_t i = 0; i < n; i++) {
		if (s->file_type[i] == S_IFDIR) {
			snprintf(err, errsz, "the image's /%s is a directory",
				 f[i].path);
			return -EISDIR;
		}
	}
	return 0;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* The image's entries, by the kernel (a reflink where the filesystem can). */
static int copy_head(int in, int out, const void *base, size_t len)
{
	off_t off_in = 0;

	while ((size_t)off_in < len) {
		ssize_t c = copy_file_range(in, &off_in, out, NULL,
					    len - (size_t)off_in, 0);

		if (c < 0 && errno == EINTR)
			continue;
		if (c <=
		    0) /* not across filesystems, or not at all: write it */
			return write_all(out, (const char *)base + off_in,
					 len - (size_t)off_in);
	}
	return 0;
}

/* One newc entry: header, name, data, each padded to 4 bytes. */
static int entry(int fd, uint32_t ino, uint32_t mode, int64_t mtime,
		 const char *name, const char *data, size_t size)
{
	static const char zero[4];
	char h[111];
	size_t nlen = strlen(name) + 1;
	int rc;

	if (size > UINT32_MAX || nlen > 4096)
		return -EFBIG;
	snprintf(h, sizeof(h),
		 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 ino, mode, 0u, 0u, mode & S_IFDIR ? 2u : 1u, (uint32_t)mtime,
		 (uint32_t)size, 0u, 0u, 0u, 0u, (uint32_t)nlen, 0u);
	rc = write_all(fd, h, 110);
	if (!rc)
		rc = write_all(fd, name, nlen);
	if (!rc)
		rc = write_all(fd, zero, (4 - (110 + nlen) % 4) % 4);
	if (!rc && size)
		rc = write_all(fd, data, size);
	if (!rc)
		rc = write_all(fd, zero, (4 - size % 4) % 4);
	return rc;
}

static int write_tail(int fd, const struct scan *s,
		      const struct net_root_file *f, size_t n)
{
	int64_t now = (int64_t)time(NULL);
	int rc = 0;

	if (!s->etc_type)
		rc = entry(fd, ROOT_INO_BASE, S_IFDIR | 0755, now, "etc", NULL,
			   0);
	for (size_t i = 0; i < n && !rc; i++)
		rc = entry(fd, ROOT_INO_BASE + 1 + (uint32_t)i, S_IFREG | 0644,
			   now, f[i].path, f[i].text, strlen(f[i].text));
	if (!rc)
		rc = entry(fd, 0, 0, 0, "TRAILER!!!", NULL, 0);
	return rc;
}

int net_root_write(const char *image, const char *out,
		   const struct net_root_file *f, size_t n, char *err,
		   size_t errsz)
{
	struct scan s;
	struct stat sb;
	void *base = MAP_FAILED;
	int in, fd = -1, rc;

	if (n > sizeof(s.file_type) / sizeof(s.file_type[0]))
		return -E2BIG;
	in = open(image, O_RDONLY | O_CLOEXEC);
	rc = in < 0 || fstat(in, &sb) < 0 ? -errno : 0;
	if (!rc && (!S_ISREG(sb.st_mode) || !sb.st_size))
		rc = -EINVAL;
	if (rc) {
		sb.st_size = 0;
		snprintf(err, errsz, "the image's rootfs %.300s: %s", image,
			 strerror(-rc));
		goto out;
	}
	base = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, in, 0);
	if (base == MAP_FAILED) {
		rc = -errno;
		snprintf(err, errsz, "the image's rootfs %.300s: %s", image,
			 strerror(-rc));
		goto out;
	}
	rc = scan(base, (size_t)sb.st_size, f, n, &s, err, errsz);
	if (rc)
		goto out;
	fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errsz, "%.300s: %s", out, strerror(-rc));
		goto out;
	}
	rc = copy_head(in, fd, base, s.end);
	if (!rc)
		rc = write_tail(fd, &s, f, n);
	if (close(fd) < 0 && !rc)
		rc = -errno;
	fd = -1;
	if (rc) {
		snprintf(err, errsz, "%.300s: %s", out, strerror(-rc));
		unlink(out);
	}
out:
	if (fd >= 0)
		close(fd);
	if (base != MAP_FAILED)
		munmap(base, (size_t)sb.st_size);
	if (in >= 0)
		close(in);
	return rc;
}
