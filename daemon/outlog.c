/* SPDX-License-Identifier: MIT */
/* outlog: the main process's stdout and stderr (from the pod's I/O channel) in LOG_DIR/NAME.out: records, rotation, reader. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "logfile.h"
#include "outlog.h"

struct outlog {
	struct logfile f;
};

#define OUT_SUFFIX "out"

static int out_paths(const char *dir, const char *name, char *p, char *p1)
{
	return logfile_paths(dir, name, OUT_SUFFIX, p, p1);
}

int outlog_open(const char *log_dir, const char *name, uint64_t lost,
		struct outlog **l_r)
{
	struct outlog *l = calloc(1, sizeof(*l));
	int rc;

	if (!l)
		return -ENOMEM;
	rc = logfile_open(&l->f, log_dir, name, OUT_SUFFIX, lost);
	if (rc) {
		free(l);
		return rc;
	}
	*l_r = l;
	return 0;
}

void outlog_append(struct outlog *l, int fd, const void *data, size_t n)
{
	uint8_t rec[4 + OUTLOG_REC_MAX];
	const uint8_t *p = data;
	size_t k;

	while (n) {
		k = n > OUTLOG_REC_MAX ? OUTLOG_REC_MAX : n;
		rec[0] = (uint8_t)fd;
		rec[1] = 0;
		rec[2] = (uint8_t)k;
		rec[3] = (uint8_t)(k >> 8);
		memcpy(rec + 4, p, k);
		/* One write per record, so a reader never sees half of one
		 * except at the very end of the file. */
		logfile_append(&l->f, rec, k + 4);
		p += k;
		n -= k;
	}
}

uint64_t outlog_lost_bytes(const struct outlog *l)
{
	return l ? l->f.lost : 0;
}

void outlog_close(struct outlog *l)
{
	if (!l)
		return;
	logfile_close(&l->f);
	free(l);
}

bool outlog_exists(const char *log_dir, const char *name)
{
	char p[PATH_MAX], p1[PATH_MAX];

	if (out_paths(log_dir, name, p, p1))
		return false;
	return access(p, F_OK) == 0 || access(p1, F_OK) == 0;
}

struct outlog_reader {
	char path[PATH_MAX];
	int fd[2]; /* NAME.out.1 (still to read), NAME.out as opened; or -1 */
	off_t off[2];
	unsigned mask;
	uint64_t skip_nl; /* newlines of the chosen fds still to skip (tail) */
};

/* One record at r->off[i] of file i: 1 (header in h), 0 at the end, -errno. */
static int rec_header(struct outlog_reader *r, int i, uint8_t h[4])
{
	ssize_t got = pread(r->fd[i], h, 4, r->off[i]);

	if (got < 0)
		return -errno;
	if (got < 4)
		return 0;
	if ((h[0] != 1 && h[0] != 2) || h[1])
		return -EBADMSG; /* not written by us: stop there */
	return 1;
}

/* Newlines (and whether the last byte ended a line) of the chosen fds in file i. */
static void count_lines(struct outlog_reader *r, int i, uint64_t *nl,
			int *last_nl)
{
	char buf[OUTLOG_REC_MAX];
	uint8_t h[4];
	off_t off = 0;
	size_t len, j;

	for (;;) {
		ssize_t got = pread(r->fd[i], h, 4, off);

		if (got < 4 || (h[0] != 1 && h[0] != 2) || h[1])
			return;
		len = (size_t)h[2] | (size_t)h[3] << 8;
		if (len > OUTLOG_REC_MAX ||
		    pread(r->fd[i], buf, len, off + 4) != (ssize_t)len)
			return;
		off += 4 + (off_t)len;
		if (!(r->mask & 1u << h[0]) || !len)
			continue;
		for (j = 0; j < len; j++)
			*nl += buf[j] == '\n';
		*last_nl = buf[len - 1] == '\n';
	}
}

int outlog_reader_open(const char *log_dir, const char *name, unsigned mask,
		       long tail, struct outlog_reader **r_r)
{
	struct outlog_reader *r = calloc(1, sizeof(*r));
	char p1[PATH_MAX];
	uint64_t nl = 0, lines;
	int last_nl = 1;

	if (!r)
		return -ENOMEM;
	if (out_paths(log_dir, name, r->path, p1)) {
		free(r);
		return -ENAMETOOLONG;
	}
	r->mask = mask;
	r->fd[0] = open(p1, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	r->fd[1] = open(r->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (tail >= 0) {
		count_lines(r, 0, &nl, &last_nl);
		count_lines(r, 1, &nl, &last_nl);
		lines = nl + !last_nl;
		r->skip_nl = lines > (uint64_t)tail ? lines - (uint64_t)tail :
						      0;
		/* tail 0: nothing of what is there now. */
		if (tail == 0)
			r->skip_nl = UINT64_MAX;
	}
	*r_r = r;
	return 0;
}

/* Applies the tail skip to a record's bytes; returns the offset to start at. */
static size_t skip_lines(struct outlog_reader *r, const char *buf, size_t n)
{
	size_t j;

	if (r->skip_nl == UINT64_MAX)
		return n;
	for (j = 0; j < n && r->skip_nl; j++)
		if (buf[j] == '\n')
			r->skip_nl--;
	return r->skip_nl ? n : j;
}

static bool out_rotated(struct outlog_reader *r)
{
	struct stat a, b;

	if (stat(r->path, &b) < 0)
		return false;
	if (r->fd[1] < 0)
		return true;
	return fstat(r->fd[1], &a) == 0 &&
	       (a.st_ino != b.st_ino || a.st_dev != b.st_dev);
}

/* The next record of file i: its length (0 at the end), or -errno. */
static ssize_t next_record(struct outlog_reader *r, int i, int *fd, char *buf)
{
	uint8_t h[4];
	size_t len;
	int rc;

	for (;;) {
		rc = rec_header(r, i, h);
		if (rc <= 0)
			return rc;
		len = (size_t)h[2] | (size_t)h[3] << 8;
		if (len > OUTLOG_REC_MAX)
			return -EBADMSG;
		if (pread(r->fd[i], buf, len, r->off[i] + 4) != (ssize_t)len)
			return 0; /* being written */
		r->off[i] += 4 + (off_t)len;
		if (len && (r->mask & 1u << h[0])) {
			*fd = h[0];
			return (ssize_t)len;
		}
	}
}

ssize_t outlog_reader_read(struct outlog_reader *r, int *fd, char *buf,
			   size_t n)
{
	ssize_t got;
	size_t start;

	if (n < OUTLOG_REC_MAX)
		return -EINVAL;
	for (;;) {
		int i = r->fd[0] >= 0 ? 0 : 1;

		got = r->fd[i] >= 0 ? next_record(r, i, fd, buf) : 0;
		if (got < 0 && got != -EBADMSG)
			return got;
		if (got > 0) {
			start = skip_lines(r, buf, (size_t)got);
			if (start == (size_t)got)
				continue;
			memmove(buf, buf + start, (size_t)got - start);
			return got - (ssize_t)start;
		}
		if (i ==
		    0) { /* NAME.out.1 done (or unusable): on to NAME.out */
			close(r->fd[0]);
			r->fd[0] = -1;
			continue;
		}
		if (!out_rotated(r))
			break;
		/* NAME.out became NAME.out.1: what we had open is complete. */
		r->fd[0] = r->fd[1];
		r->off[0] = r->off[1];
		r->fd[1] = open(r->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		r->off[1] = 0;
		if (r->fd[0] < 0 && r->fd[1] < 0)
			break;
	}
	if (r->skip_nl == UINT64_MAX)
		r->skip_nl = 0; /* tail 0: from now on everything */
	return 0;
}

void outlog_reader_close(struct outlog_reader *r)
{
	if (!r)
		return;
	if (r->fd[0] >= 0)
		close(r->fd[0]);
	if (r->fd[1] >= 0)
		close(r->fd[1]);
	free(r);
}

void outlog_remove(const char *log_dir, const char *name)
{
	logfile_remove(log_dir, name, OUT_SUFFIX);
}
