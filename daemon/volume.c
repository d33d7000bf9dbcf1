/* SPDX-License-Identifier: MIT */
/* volume: pure rules of pod mounts and named volumes (docker's -v syntax, volume names, mount points), shared by xenpodd and the CLI. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "volume.h"

static bool name_char(char c, bool first)
{
	bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		     (c >= '0' && c <= '9');

	return alnum || (!first && (c == '_' || c == '.' || c == '-'));
}

bool volume_name_valid(const char *name)
{
	size_t i, n = name ? strlen(name) : 0;

	if (n < XP_VOLUME_NAME_MIN || n > XP_VOLUME_NAME_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!name_char(name[i], i == 0))
			return false;
	return true;
}

/* dest without repeated or trailing slashes into out; . and .. refused. */
static int clean_dest(const char *dest, char *out, size_t outsz, char *why,
		      size_t whysz)
{
	size_t n = 0;
	const char *p = dest;

	if (dest[0] != '/') {
		snprintf(why, whysz,
			 "the mount point must be an absolute path");
		return -EINVAL;
	}
	while (*p) {
		const char *c;
		size_t len;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		c = p;
		while (*p && *p != '/')
			p++;
		len = (size_t)(p - c);
		if ((len == 1 && c[0] == '.') ||
		    (len == 2 && c[0] == '.' && c[1] == '.')) {
			snprintf(why, whysz,
				 "the mount point must not hold . or ..");
			return -EINVAL;
		}
		if (n + 1 + len >= outsz) {
			snprintf(why, whysz,
				 "the mount point is longer than %d bytes",
				 XP_MOUNT_DEST_MAX);
			return -EINVAL;
		}
		out[n++] = '/';
		memcpy(out + n, c, len);
		n += len;
	}
	out[n] = '\0';
	if (!n) {
		snprintf(why, whysz, "the mount point must not be /");
		return -EINVAL;
	}
	/* The guest's /proc is its own, not a directory a volume may cover. */
	if (!strcmp(out, "/proc") || !strncmp(out, "/proc/", 6)) {
		snprintf(why, whysz, "the mount point must not be in /proc");
		return -EINVAL;
	}
	return 0;
}

int mount_set(struct mount_arg *m, const char *source, const char *dest,
	      bool read_only, char *why, size_t whysz)
{
	memset(m, 0, sizeof(*m));
	if (!source[0]) {
		snprintf(why, whysz, "the source is empty");
		return -EINVAL;
	}
	if (mount_source_is_host(source)) {
		if (strlen(source) > XP_MOUNT_SOURCE_MAX) {
			snprintf(why, whysz,
				 "the host directory is longer than %d bytes",
				 XP_MOUNT_SOURCE_MAX);
			return -EINVAL;
		}
	} else if (!volume_name_valid(source)) {
		snprintf(
			why, whysz,
			"the source is neither an absolute path nor a volume name (%d to %d of %s)",
			XP_VOLUME_NAME_MIN, XP_VOLUME_NAME_MAX,
			XP_VOLUME_NAME_PATTERN);
		return -EINVAL;
	}
	snprintf(m->source, sizeof(m->source), "%s", source);
	m->read_only = read_only;
	return clean_dest(dest, m->dest, sizeof(m->dest), why, whysz);
}

int mount_parse(const char *arg, struct mount_arg *m, char *why, size_t whysz)
{
	char buf[XP_MOUNT_SOURCE_MAX + XP_MOUNT_DEST_MAX + 8];
	char *dest, *mode;
	bool ro = false;

	if (strlen(arg) >= sizeof(buf)) {
		snprintf(why, whysz, "too long");
		return -EINVAL;
	}
	snprintf(buf, sizeof(buf), "%s", arg);
	dest = strchr(buf, ':');
	if (!dest) {
		snprintf(why, whysz, "expected SOURCE:DEST[:ro|:rw]");
		return -EINVAL;
	}
	*dest++ = '\0';
	mode = strchr(dest, ':');
	if (mode) {
		*mode++ = '\0';
		if (!strcmp(mode, "ro")) {
			ro = true;
		} else if (strcmp(mode, "rw")) {
			snprintf(why, whysz,
				 "unknown mode \"%.16s\" (expected ro or rw)",
				 mode);
			return -EINVAL;
		}
	}
	return mount_set(m, buf, dest, ro, why, whysz);
}

bool mount_dest_overlap(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), n = la < lb ? la : lb;

	/* Clean paths: equal, or the shorter one a prefix ending at a '/'. */
	if (strncmp(a, b, n))
		return false;
	return la == lb || (la < lb ? b[n] : a[n]) == '/';
}

int mount_conflict(const struct mount_arg *m, const struct mount_arg *prev,
		   size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (mount_dest_overlap(m->dest, prev[i].dest))
			return (int)i;
	return -1;
}

int tmpfs_set(struct tmpfs_arg *t, const char *dest, uint64_t size,
	      unsigned mode, bool read_only, char *why, size_t whysz)
{
	memset(t, 0, sizeof(*t));
	if (size > XP_TMPFS_SIZE_MAX) {
		snprintf(why, whysz, "the size is above %llu bytes (1 TiB)",
			 (unsigned long long)XP_TMPFS_SIZE_MAX);
		return -EINVAL;
	}
	if (mode > 07777) {
		snprintf(why, whysz, "the mode %o is above 07777", mode);
		return -EINVAL;
	}
	t->size = size;
	t->mode = mode;
	t->read_only = read_only;
	return clean_dest(dest, t->dest, sizeof(t->dest), why, whysz);
}

/* size=N[k|m|g]: 1 byte .. XP_TMPFS_SIZE_MAX. */
static int parse_size(const char *v, uint64_t *out, char *why, size_t whysz)
{
	uint64_t n = 0, mul = 1;
	const char *p = v;

	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > (XP_TMPFS_SIZE_MAX - (uint64_t)(*p - '0')) / 10)
			goto big;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	if (p == v)
		goto bad;
	if (*p) {
		if (p[1])
			goto bad;
		switch (*p) {
		case 'k':
		case 'K':
			mul = 1ull << 10;
			break;
		case 'm':
		case 'M':
			mul = 1ull << 20;
			break;
		case 'g':
		case 'G':
			mul = 1ull << 30;
			break;
		default:
			goto bad;
		}
	}
	if (n > XP_TMPFS_SIZE_MAX / mul)
		goto big;
	if (!n) {
		snprintf(why, whysz,
			 "size=%.32s: must be at least 1 byte (Linux's "
			 "unlimited 0 is not offered)",
			 v);
		return -EINVAL;
	}
	*out = n * mul;
	return 0;
bad:
	snprintf(why, whysz,
		 "size=%.32s: expected a number of bytes with an "
		 "optional k, m or g",
		 v);
	return -EINVAL;
big:
	snprintf(why, whysz, "size=%.32s: above 1 TiB", v);
	return -EINVAL;
}

int tmpfs_parse(const char *arg, struct tmpfs_arg *t, char *why, size_t whysz)
{
	char buf[XP_MOUNT_DEST_MAX + 256], *opts, *o, *save = NULL;
	uint64_t size = 0;
	unsigned mode = XP_TMPFS_MODE_DEFAULT;
	bool ro = false;

	if (strlen(arg) >= sizeof(buf)) {
		snprintf(why, whysz, "too long");
		return -EINVAL;
	}
	snprintf(buf, sizeof(buf), "%s", arg);
	opts = strchr(buf, ':');
	if (opts)
		*opts++ = '\0';
	for (o = opts ? strtok_r(opts, ",", &save) : NULL; o;
	     o = strtok_r(NULL, ",", &save)) {
		if (!strncmp(o, "size=", 5)) {
			if (parse_size(o + 5, &size, why, whysz))
				return -EINVAL;
		} else if (!strncmp(o, "mode=", 5)) {
			char *end;
			unsigned long m;

			errno = 0;
			m = strtoul(o + 5, &end, 8);
			if (!o[5] || *end || errno || m > 07777 ||
			    o[5] == '-' || o[5] == '+' || o[5] == ' ') {
				snprintf(why, whysz,
					 "mode=%.32s: expected octal 0 to 7777",
					 o + 5);
				return -EINVAL;
			}
			mode = (unsigned)m;
		} else if (!strcmp(o, "ro")) {
			ro = true;
		} else if (!strcmp(o, "rw")) {
			ro = false;
		} else if (strcmp(o, "noexec") && strcmp(o, "exec") &&
			   strcmp(o, "nosuid") && strcmp(o, "suid") &&
			   strcmp(o, "nodev") && strcmp(o, "dev")) {
			snprintf(
				why, whysz,
				"unknown option \"%.32s\" (expected size=N[k|m|g], "
				"mode=OCTAL, ro, rw, noexec, nosuid or nodev)",
				o);
			return -EINVAL;
		}
	}
	return tmpfs_set(t, buf, size, mode, ro, why, whysz);
}

int tmpfs_conflict(const char *dest, const struct tmpfs_arg *prev, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (mount_dest_overlap(dest, prev[i].dest))
			return (int)i;
	return -1;
}
