/* SPDX-License-Identifier: MIT */
/* store: the daemon's state directory; one atomically written JSON file per pod. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "log.h"
#include "store.h"

#define STORE_FILE_MAX JSON_MAX_TEXT

static struct {
	char pods[PATH_MAX];
	char images[PATH_MAX];
	char quarantine[PATH_MAX];
	int pods_fd; /* directory fd, for fsync after rename/unlink */
} st = { .pods_fd = -1 };

static int mkdir_p(const char *path, mode_t mode)
{
	if (mkdir(path, mode) == 0 || errno == EEXIST)
		return 0;
	return -errno;
}

/* Only names a pod may have: no '/', no leading '.'. pod.c checks the full grammar. */
static int name_ok(const char *name)
{
	return name && name[0] && name[0] != '.' && !strchr(name, '/') &&
	       strlen(name) <= 64;
}

static int fsync_dir(void)
{
	if (st.pods_fd >= 0 && fsync(st.pods_fd) < 0)
		return -errno;
	return 0;
}

static void remove_stray_tmp(void)
{
	DIR *d = opendir(st.pods);
	struct dirent *e;
	size_t n;

	if (!d)
		return;
	while ((e = readdir(d))) {
		n = strlen(e->d_name);
		if (e->d_name[0] == '.' && n > 4 &&
		    strcmp(e->d_name + n - 4, ".tmp") == 0) {
			log_info("state: removing stray %s/%s", st.pods,
				 e->d_name);
			unlinkat(st.pods_fd, e->d_name, 0);
		}
	}
	closedir(d);
	fsync_dir();
}

int store_init(const char *dir)
{
	int rc;

	store_dispose();
	if (snprintf(st.pods, sizeof(st.pods), "%s/pods", dir) >=
		    (int)sizeof(st.pods) ||
	    snprintf(st.images, sizeof(st.images), "%s/images", dir) >=
		    (int)sizeof(st.images) ||
	    snprintf(st.quarantine, sizeof(st.quarantine), "%s/quarantine",
		     dir) >= (int)sizeof(st.quarantine))
		return -ENAMETOOLONG;
	rc = mkdir_p(dir, 0700);
	if (!rc)
		rc = mkdir_p(st.pods, 0700);
	if (!rc)
		rc = mkdir_p(st.images, 0700);
	if (!rc)
		rc = mkdir_p(st.quarantine, 0700);
	if (rc)
		return rc;
	st.pods_fd = open(st.pods, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st.pods_fd < 0)
		return -errno;
	remove_stray_tmp();
	return 0;
}

void store_dispose(void)
{
	if (st.pods_fd >= 0)
		close(st.pods_fd);
	st.pods_fd = -1;
}

const char *store_images_dir(void)
{
	return st.images;
}

static int write_all(int fd, const char *p, size_t n)
{
	ssize_t r;

	while (n) {
		r = write(fd, p, n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

int store_save(const char *name, const char *text, size_t len)
{
	char tmp[NAME_MAX + 1], final[NAME_MAX + 1];
	int fd = -1, rc;

	if (!name_ok(name) || st.pods_fd < 0)
		return -EINVAL;
	snprintf(tmp, sizeof(tmp), ".%s.json.tmp", name);
	snprintf(final, sizeof(final), "%s.json", name);
	fd = openat(st.pods_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0600);
	if (fd < 0)
		return -errno;
	rc = write_all(fd, text, len);
	if (!rc)
		rc = write_all(fd, "\n", 1);
	if (!rc && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && !rc)
		rc = -errno;
	if (!rc && renameat(st.pods_fd, tmp, st.pods_fd, final) < 0)
		rc = -errno;
	if (rc) {
		unlinkat(st.pods_fd, tmp, 0);
		return rc;
	}
	return fsync_dir();
}

int store_remove(const char *name)
{
	char final[NAME_MAX + 1];

	if (!name_ok(name) || st.pods_fd < 0)
		return -EINVAL;
	snprintf(final, sizeof(final), "%s.json", name);
	if (unlinkat(st.pods_fd, final, 0) < 0 && errno != ENOENT)
		return -errno;
	return fsync_dir();
}

static void quarantine(const char *file, const char *why)
{
	char dst[PATH_MAX];
	int qfd;

	if (snprintf(dst, sizeof(dst), "%s/%s.%lld", st.quarantine, file,
		     (long long)time(NULL)) >= (int)sizeof(dst)) {
		log_warn("state: %s/%s is unusable (%s); removing it", st.pods,
			 file, why);
		unlinkat(st.pods_fd, file, 0);
		return;
	}
	log_warn("state: %s/%s is unusable (%s); moved to %s", st.pods, file,
		 why, dst);
	qfd = open(st.quarantine, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (renameat(st.pods_fd, file, AT_FDCWD, dst) < 0) {
		log_warn("state: cannot quarantine %s: %s; removing it", file,
			 strerror(errno));
		unlinkat(st.pods_fd, file, 0);
	}
	if (qfd >= 0) {
		fsync(qfd);
		close(qfd);
	}
	fsync_dir();
}

/* Read a whole regular file (at most STORE_FILE_MAX bytes). */
static int read_file(const char *file, char **buf_r, size_t *len_r)
{
	/* O_NONBLOCK: opening a FIFO named NAME.json must not hang start-up. */
	int fd = openat(st.pods_fd, file,
			O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	struct stat sb;
	char *buf = NULL;
	size_t len = 0;
	ssize_t r;
	int rc = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > STORE_FILE_MAX) {
		rc = -EINVAL;
		goto out;
	}
	buf = malloc((size_t)sb.st_size + 1);
	if (!buf) {
		rc = -ENOMEM;
		goto out;
	}
	while (len < (size_t)sb.st_size) {
		r = read(fd, buf + len, (size_t)sb.st_size - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			rc = r < 0 ? -errno : -EIO;
			goto out;
		}
		len += (size_t)r;
	}
	*buf_r = buf;
	*len_r = len;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return rc;
}

static void load_one(const char *file, store_load_cb *cb, void *arg)
{
	char name[NAME_MAX + 1], why[256] = "", err[200];
	char *text = NULL;
	size_t len = 0, n = strlen(file) - 5;
	struct json *root;
	int rc;

	memcpy(name, file, n);
	name[n] = '\0';
	rc = read_file(file, &text, &len);
	if (rc) {
		snprintf(why, sizeof(why), "cannot read: %s", strerror(-rc));
		quarantine(file, why);
		return;
	}
	root = json_parse(text, len, err, sizeof(err));
	free(text);
	if (!root || json_type(root) != JSON_OBJECT) {
		snprintf(why, sizeof(why), "%s", root ? "not an object" : err);
		json_free(root);
		quarantine(file, why);
		return;
	}
	rc = cb(name, root, arg, why, sizeof(why));
	if (rc)
		quarantine(file, why[0] ? why : strerror(-rc));
}

int store_load_all(store_load_cb *cb, void *arg)
{
	DIR *d = opendir(st.pods);
	struct dirent *e;
	size_t n;

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		n = strlen(e->d_name);
		if (e->d_name[0] == '.' || n <= 5 ||
		    strcmp(e->d_name + n - 5, ".json") != 0)
			continue;
		load_one(e->d_name, cb, arg);
	}
	closedir(d);
	return 0;
}
