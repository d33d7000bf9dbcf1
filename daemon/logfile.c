/* SPDX-License-Identifier: MIT */
/* logfile: an append-only log file capped at LOGFILE_MAX, rotated once to PATH.1, counting the bytes it loses. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "logfile.h"

int logfile_paths(const char *dir, const char *name, const char *suffix,
		  char *p, char *p1)
{
	if (snprintf(p, PATH_MAX, "%s/%s.%s", dir, name, suffix) >= PATH_MAX ||
	    snprintf(p1, PATH_MAX, "%s/%s.%s.1", dir, name, suffix) >= PATH_MAX)
		return -ENAMETOOLONG;
	return 0;
}

static int reopen(struct logfile *lf)
{
	struct stat sb;

	lf->fd = open(lf->path,
		      O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW,
		      0640);
	if (lf->fd < 0)
		return -errno;
	lf->size = fstat(lf->fd, &sb) == 0 ? (uint64_t)sb.st_size : 0;
	return 0;
}

int logfile_open(struct logfile *lf, const char *dir, const char *name,
		 const char *suffix, uint64_t lost)
{
	int rc;

	lf->fd = -1;
	lf->size = 0;
	lf->lost = lost;
	snprintf(lf->name, sizeof(lf->name), "%s", name);
	rc = logfile_paths(dir, name, suffix, lf->path, lf->path1);
	return rc ? rc : reopen(lf);
}

/* Current log full: it becomes PATH.1; the old .1 is what we lose. */
static void rotate(struct logfile *lf)
{
	struct stat sb;

	if (stat(lf->path1, &sb) == 0)
		lf->lost += (uint64_t)sb.st_size;
	if (rename(lf->path, lf->path1) < 0)
		log_warn("pod %s: cannot rotate %s: %s", lf->name, lf->path,
			 strerror(errno));
	close(lf->fd);
	lf->fd = -1;
	if (reopen(lf) < 0)
		log_warn("pod %s: cannot reopen %s: %s", lf->name, lf->path,
			 strerror(errno));
}

void logfile_append(struct logfile *lf, const void *data, size_t n)
{
	const char *buf = data;
	ssize_t r;

	if (lf->size + n > LOGFILE_MAX)
		rotate(lf);
	if (lf->fd < 0) {
		lf->lost += n;
		return;
	}
	while (n) {
		r = write(lf->fd, buf, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			lf->lost += n;
			return;
		}
		buf += r;
		n -= (size_t)r;
		lf->size += (uint64_t)r;
	}
}

void logfile_close(struct logfile *lf)
{
	if (lf->fd >= 0)
		close(lf->fd);
	lf->fd = -1;
}

void logfile_remove(const char *dir, const char *name, const char *suffix)
{
	char p[PATH_MAX], p1[PATH_MAX];

	if (!logfile_paths(dir, name, suffix, p, p1)) {
		unlink(p);
		unlink(p1);
	}
}
