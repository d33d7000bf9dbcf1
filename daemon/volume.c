/* SPDX-License-Identifier: MIT */
/* volume: pure rules of pod mounts and named volumes (docker's -v syntax, volume names, mount points), shared by xenpodd and the CLI. */
#include <errno.h>
#include <stdio.h>
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
