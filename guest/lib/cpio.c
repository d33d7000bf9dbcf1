/* SPDX-License-Identifier: MIT */
/* cpio.c: newc cpio reader; every length is checked against the archive end. */
#include "lib/cpio.h"

#include "lib/errno.h"

#define CPIO_HDR_LEN 110

void cpio_init(struct cpio_reader *r, const void *base, size_t len)
{
	r->base = base;
	r->len = len;
	r->off = 0;
	r->done = 0;
}

static int hex8(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		uint8_t c = p[i];

		if (c >= '0' && c <= '9')
			c -= '0';
		else if (c >= 'a' && c <= 'f')
			c -= 'a' - 10;
		else if (c >= 'A' && c <= 'F')
			c -= 'A' - 10;
		else
			return -EINVAL;
		v = v << 4 | c;
	}
	*out = v;
	return 0;
}

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static int cpio_fail(struct cpio_reader *r, const char **err_r, const char *msg)
{
	r->done = -1;
	*err_r = msg;
	return -EINVAL;
}

static int all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* Parses the 13 hex fields after the magic. */
static int cpio_fields(const uint8_t *h, struct cpio_entry *e,
		       uint32_t *namesize, uint32_t *filesize)
{
	uint32_t *dst[13] = { &e->ino,	     &e->mode,	    &e->uid,
			      &e->gid,	     &e->nlink,	    &e->mtime,
			      filesize,	     &e->devmajor,  &e->devminor,
			      &e->rdevmajor, &e->rdevminor, namesize,
			      NULL };
	uint32_t check;

	for (int i = 0; i < 13; i++)
		if (hex8(h + 6 + 8 * i, dst[i] ? dst[i] : &check))
			return -EINVAL;
	return 0;
}

static int name_ok(const char *name, uint32_t namesize)
{
	if (namesize == 0 || name[namesize - 1] != '\0')
		return 0;
	for (uint32_t i = 0; i + 1 < namesize; i++)
		if (name[i] == '\0')
			return 0;
	return 1;
}

int cpio_next(struct cpio_reader *r, struct cpio_entry *e, const char **err_r)
{
	const uint8_t *h;
	uint32_t namesize, filesize;
	size_t left, name_end, data_end;

	if (r->done < 0)
		return cpio_fail(r, err_r, "cpio: reader already failed");
	if (r->done)
		return 0;
	left = r->len - r->off;
	if (left == 0 || all_zero(r->base + r->off, left)) {
		r->done = 1; /* no trailer, but nothing left: accept */
		return 0;
	}
	if (left < CPIO_HDR_LEN)
		return cpio_fail(r, err_r, "cpio: truncated header");
	h = r->base + r->off;
	if (h[0] != '0' || h[1] != '7' || h[2] != '0' || h[3] != '7' ||
	    h[4] != '0' || (h[5] != '1' && h[5] != '2'))
		return cpio_fail(r, err_r, "cpio: bad magic (not newc)");
	if (cpio_fields(h, e, &namesize, &filesize))
		return cpio_fail(r, err_r, "cpio: bad hex field in header");
	if (namesize > CPIO_NAME_MAX || namesize > left - CPIO_HDR_LEN)
		return cpio_fail(r, err_r, "cpio: name past the end");
	if (!name_ok((const char *)h + CPIO_HDR_LEN, namesize))
		return cpio_fail(r, err_r,
				 "cpio: bad name (not NUL-terminated)");
	name_end = pad4(r->off + CPIO_HDR_LEN + namesize);
	if (name_end > r->len || filesize > r->len - name_end)
		return cpio_fail(r, err_r, "cpio: file data past the end");
	data_end = name_end + filesize;
	e->name = (const char *)h + CPIO_HDR_LEN;
	e->namelen = namesize - 1;
	e->data = r->base + name_end;
	e->size = filesize;
	r->off = pad4(data_end) <= r->len ? pad4(data_end) : r->len;
	if (namesize == 11 && !__builtin_memcmp(e->name, "TRAILER!!!", 11)) {
		r->done = 1;
		return 0;
	}
	return 1;
}

long cpio_path_clean(const char *name, char *out, size_t cap,
		     const char **err_r)
{
	size_t o = 0;
	const char *p = name;

	if (*p == '/') {
		*err_r = "absolute path in archive";
		return -EINVAL;
	}
	while (*p) {
		const char *c = p;
		size_t n;

		while (*p && *p != '/')
			p++;
		n = (size_t)(p - c);
		while (*p == '/')
			p++;
		if (n == 0 || (n == 1 && c[0] == '.'))
			continue;
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			*err_r = "\"..\" in archive path";
			return -EINVAL;
		}
		if (o + (o ? 1 : 0) + n + 1 > cap) {
			*err_r = "archive path too long";
			return -ENAMETOOLONG;
		}
		if (o)
			out[o++] = '/';
		__builtin_memcpy(out + o, c, n);
		o += n;
	}
	if (cap)
		out[o] = '\0';
	if (o == 0 && *name == '\0') {
		*err_r = "empty name in archive";
		return -EINVAL;
	}
	return (long)o;
}
