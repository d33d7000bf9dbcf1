/* SPDX-License-Identifier: MIT */
/* volstore: the named volumes under the state directory: volumes/NAME/data, made and removed atomically. */
#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "fsutil.h"
#include "volstore.h"

#define DATA "data"

static char vdir[PATH_MAX];

/* A path under volumes/ into buf (PATH_MAX): 0, or -ENAMETOOLONG. */
__attribute__((format(printf, 2, 3))) static int vpath(char *buf,
						       const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, PATH_MAX, fmt, ap);
	va_end(ap);
	return n < 0 || n >= PATH_MAX ? -ENAMETOOLONG : 0;
}

static int rm_entry(const char *path, const struct stat *sb, int type,
		    struct FTW *ftw)
{
	(void)sb, (void)ftw;
	/* Depth first, never following a link: a guest wrote this tree. */
	if ((type == FTW_DP ? rmdir(path) : unlink(path)) < 0 &&
	    errno != ENOENT)
		return -errno;
	return 0;
}

/* Delete a tree; what cannot go (too deep for PATH_MAX) stays for the next start. */
static int rm_tree(const char *path)
{
	int rc = nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);

	if (rc)
		rc = rc < 0 && errno ? -errno : rc < 0 ? -EIO : rc;
	if (rc && rc != -ENOENT)
		log_warn("volumes: cannot remove all of %s: %s", path,
			 strerror(-rc));
	return rc == -ENOENT ? 0 : rc;
}

static bool is_leftover(const char *n)
{
	return !strncmp(n, ".new-", 5) || !strncmp(n, ".rm-", 4);
}

int volstore_init(const char *state_dir)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;

	if (vpath(vdir, "%s/volumes", state_dir))
		return -ENAMETOOLONG;
	if (mkdir(vdir, 0700) < 0 && errno != EEXIST)
		return -errno;
	d = opendir(vdir);
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (!is_leftover(e->d_name))
			continue;
		if (vpath(path, "%s/%s", vdir, e->d_name))
			continue;
		log_info("volumes: removing the leftover %s", path);
		rm_tree(path);
	}
	closedir(d);
	return 0;
}

static int info_of(const char *name, struct volstore_info *out)
{
	char top[PATH_MAX];
	struct stat sb;

	if (vpath(top, "%s/%s", vdir, name))
		return -ENAMETOOLONG;
	if (lstat(top, &sb) < 0)
		return -errno;
	if (!S_ISDIR(sb.st_mode))
		return -ENOENT; /* not one of ours */
	snprintf(out->name, sizeof(out->name), "%s", name);
	if (vpath(out->path, "%s/" DATA, top))
		return -ENAMETOOLONG;
	if (lstat(out->path, &sb) < 0)
		return -errno;
	if (!S_ISDIR(sb.st_mode))
		return -ENOTDIR;
	if (stat(top, &sb) == 0)
		out->created_at = sb.st_mtime;
	return 0;
}

int volstore_get(const char *name, struct volstore_info *out)
{
	if (!volume_name_valid(name))
		return -ENOENT;
	return info_of(name, out);
}

int volstore_create(const char *name, struct volstore_info *out)
{
	char tmp[PATH_MAX], data[PATH_MAX], dst[PATH_MAX];
	int rc;

	if (!volume_name_valid(name))
		return -EINVAL;
	if (vpath(dst, "%s/%s", vdir, name) ||
	    vpath(tmp, "%s/.new-XXXXXX", vdir) ||
	    vpath(data, "%s/.new-XXXXXX/" DATA, vdir))
		return -ENAMETOOLONG;
	if (access(dst, F_OK) == 0)
		return -EEXIST;
	if (!mkdtemp(tmp))
		return -errno;
	vpath(data, "%s/" DATA, tmp);
	rc = mkdir(data, 0755) < 0 ? -errno : 0;
	if (!rc)
		rc = fs_fsync_dir(tmp);
	/* renameat2 never replaces: of two creates of one name, one wins. */
	if (!rc && chmod(tmp, 0755) < 0)
		rc = -errno;
	if (!rc &&
	    renameat2(AT_FDCWD, tmp, AT_FDCWD, dst, RENAME_NOREPLACE) < 0)
		rc = errno == ENOTEMPTY ? -EEXIST : -errno;
	if (rc) {
		rm_tree(tmp);
		return rc;
	}
	fs_fsync_dir(vdir);
	return info_of(name, out);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int volstore_list(volstore_cb *cb, void *arg)
{
	struct volstore_info vi;
	char **names = NULL, **nn;
	size_t n = 0, cap = 0, i;
	struct dirent *e;
	int rc = 0;
	DIR *d = opendir(vdir);

	if (!d)
		return -errno;
	while ((e = readdir(d)) && !rc) {
		if (!volume_name_valid(e->d_name))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			nn = realloc(names, cap * sizeof(*names));
			if (!nn) {
				rc = -ENOMEM;
				break;
			}
			names = nn;
		}
		if (!(names[n] = strdup(e->d_name)))
			rc = -ENOMEM;
		else
			n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n; i++) {
		if (!rc && info_of(names[i], &vi) == 0)
			rc = cb(&vi, arg);
		free(names[i]);
	}
	free(names);
	return rc;
}

int volstore_remove(const char *name)
{
	char src[PATH_MAX], tmp[PATH_MAX];
	struct volstore_info vi;
	int rc = volstore_get(name, &vi);

	if (rc)
		return rc;
	/* The name is free at once; the data goes after. */
	if (vpath(src, "%s/%s", vdir, name) ||
	    vpath(tmp, "%s/.rm-XXXXXX", vdir))
		return -ENAMETOOLONG;
	if (!mkdtemp(tmp))
		return -errno;
	if (rename(src, tmp) < 0) {
		rc = -errno;
		rmdir(tmp);
		return rc;
	}
	fs_fsync_dir(vdir);
	rm_tree(tmp);
	return 0;
}
