/* SPDX-License-Identifier: MIT */
/* console: captures a pod's console pty into LOG_DIR/NAME.log (capped, rotated once). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "console.h"
#include "ev.h"
#include "log.h"

/* Read at most this much per wakeup, so one chatty pod cannot starve the others. */
#define CONSOLE_READ_BUDGET (64 * 1024)

struct console {
	char name[65];
	char path[PATH_MAX]; /* NAME.log */
	char path1[PATH_MAX]; /* NAME.log.1 */
	int tty_fd;
	int log_fd;
	uint64_t log_size;
	uint64_t lost;
	uint64_t last_data;
	struct ev_fd *evh;
	console_data_cb *cb;
	void *arg;
};

static int log_paths(const char *dir, const char *name, char *p, char *p1)
{
	if (snprintf(p, PATH_MAX, "%s/%s.log", dir, name) >= PATH_MAX ||
	    snprintf(p1, PATH_MAX, "%s/%s.log.1", dir, name) >= PATH_MAX)
		return -ENAMETOOLONG;
	return 0;
}

static int open_log(struct console *c)
{
	struct stat sb;

	c->log_fd = open(c->path,
			 O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW,
			 0640);
	if (c->log_fd < 0)
		return -errno;
	c->log_size = fstat(c->log_fd, &sb) == 0 ? (uint64_t)sb.st_size : 0;
	return 0;
}

/* Current log full: it becomes NAME.log.1; the old .1 is what we lose. */
static void rotate(struct console *c)
{
	struct stat sb;

	if (stat(c->path1, &sb) == 0)
		c->lost += (uint64_t)sb.st_size;
	if (rename(c->path, c->path1) < 0)
		log_warn("pod %s: cannot rotate %s: %s", c->name, c->path,
			 strerror(errno));
	close(c->log_fd);
	c->log_fd = -1;
	if (open_log(c) < 0)
		log_warn("pod %s: cannot reopen %s: %s", c->name, c->path,
			 strerror(errno));
}

static void append(struct console *c, const char *buf, size_t n)
{
	ssize_t r;

	if (c->log_size + n > CONSOLE_LOG_MAX)
		rotate(c);
	if (c->log_fd < 0) {
		c->lost += n;
		return;
	}
	while (n) {
		r = write(c->log_fd, buf, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			c->lost += n;
			return;
		}
		buf += r;
		n -= (size_t)r;
		c->log_size += (uint64_t)r;
	}
}

static void stop_tty(struct console *c)
{
	ev_fd_del(c->evh);
	c->evh = NULL;
	if (c->tty_fd >= 0)
		close(c->tty_fd);
	c->tty_fd = -1;
}

/* Returns the bytes read; stops the capture when the pty is gone (EIO/HUP). */
static size_t pump(struct console *c, size_t budget)
{
	char buf[8192];
	size_t total = 0;
	ssize_t r;

	while (c->tty_fd >= 0 && total < budget) {
		r = read(c->tty_fd, buf, sizeof(buf));
		if (r > 0) {
			append(c, buf, (size_t)r);
			total += (size_t)r;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			break;
		/* EOF or EIO: xenconsoled closed its side (domain gone). */
		stop_tty(c);
	}
	if (total) {
		c->last_data = ev_now_ms();
		if (c->cb)
			c->cb(c->arg);
	}
	return total;
}

static void on_tty(int fd, short revents, void *arg)
{
	struct console *c = arg;

	pump(c, CONSOLE_READ_BUDGET);
	if (c->tty_fd >= 0 && (revents & (POLLHUP | POLLERR)) &&
	    !(revents & POLLIN))
		stop_tty(c);
}

static int open_tty(struct console *c, const char *tty)
{
	struct termios t;

	if (strncmp(tty, "/dev/", 5) != 0)
		return -EINVAL;
	c->tty_fd = open(tty, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (c->tty_fd < 0)
		return -errno;
	/* Raw: no echo back to the guest, no CR/LF translation of its output. */
	if (tcgetattr(c->tty_fd, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(c->tty_fd, TCSANOW, &t);
	}
	return ev_fd_add(c->tty_fd, POLLIN, on_tty, c, &c->evh);
}

int console_open(const char *log_dir, const char *name, const char *tty,
		 uint64_t lost, console_data_cb *cb, void *arg,
		 struct console **c_r)
{
	struct console *c = calloc(1, sizeof(*c));
	int rc;

	if (!c)
		return -ENOMEM;
	c->tty_fd = -1;
	c->log_fd = -1;
	c->lost = lost;
	c->cb = cb;
	c->arg = arg;
	c->last_data = ev_now_ms();
	snprintf(c->name, sizeof(c->name), "%s", name);
	rc = log_paths(log_dir, name, c->path, c->path1);
	if (!rc)
		rc = open_log(c);
	if (!rc)
		rc = open_tty(c, tty);
	if (rc) {
		console_close(c);
		return rc;
	}
	*c_r = c;
	return 0;
}

void console_drain(struct console *c)
{
	if (c)
		pump(c, SIZE_MAX);
}

void console_close(struct console *c)
{
	if (!c)
		return;
	c->cb = NULL;
	pump(c, 4 * CONSOLE_READ_BUDGET);
	stop_tty(c);
	if (c->log_fd >= 0)
		close(c->log_fd);
	free(c);
}

uint64_t console_lost_bytes(const struct console *c)
{
	return c ? c->lost : 0;
}

uint64_t console_last_data_ms(const struct console *c)
{
	return c ? c->last_data : 0;
}

static int out_paths(const char *dir, const char *name, char *p, char *p1)
{
	if (snprintf(p, PATH_MAX, "%s/%s.out", dir, name) >= PATH_MAX ||
	    snprintf(p1, PATH_MAX, "%s/%s.out.1", dir, name) >= PATH_MAX)
		return -ENAMETOOLONG;
	return 0;
}

void console_log_remove(const char *log_dir, const char *name)
{
	char p[PATH_MAX], p1[PATH_MAX];

	if (!log_paths(log_dir, name, p, p1)) {
		unlink(p);
		unlink(p1);
	}
	if (!out_paths(log_dir, name, p, p1)) {
		unlink(p);
		unlink(p1);
	}
}

/* ---- the main process's stdout/stderr records ---- */

struct outlog {
	struct console c; /* the file half of a console: paths, size, lost */
};

int outlog_open(const char *log_dir, const char *name, uint64_t lost,
		struct outlog **l_r)
{
	struct outlog *l = calloc(1, sizeof(*l));
	int rc;

	if (!l)
		return -ENOMEM;
	l->c.tty_fd = -1;
	l->c.log_fd = -1;
	l->c.lost = lost;
	snprintf(l->c.name, sizeof(l->c.name), "%s", name);
	rc = out_paths(log_dir, name, l->c.path, l->c.path1);
	if (!rc)
		rc = open_log(&l->c);
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
		append(&l->c, (const char *)rec, k + 4);
		p += k;
		n -= k;
	}
}

uint64_t outlog_lost_bytes(const struct outlog *l)
{
	return l ? l->c.lost : 0;
}

void outlog_close(struct outlog *l)
{
	if (!l)
		return;
	if (l->c.log_fd >= 0)
		close(l->c.log_fd);
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

/* ---- reader ---- */

struct conlog_reader {
	char path[PATH_MAX];
	int old_fd; /* NAME.log.1 still to read, or -1 */
	int cur_fd; /* NAME.log as opened, or -1 */
};

/*
 * Offset in fd where its last *lines lines start (*lines > 0). *lines is
 * left at the number still wanted from the file before this one.
 */
static off_t tail_start(int fd, long *lines)
{
	char buf[4096];
	off_t end = lseek(fd, 0, SEEK_END), pos = end, base;
	ssize_t r, i;

	if (end <= 0)
		return 0;
	while (pos > 0) {
		size_t n = pos > (off_t)sizeof(buf) ? sizeof(buf) : (size_t)pos;

		base = pos - (off_t)n;
		r = pread(fd, buf, n, base);
		if (r != (ssize_t)n)
			return 0;
		for (i = r - 1; i >= 0; i--) {
			/* A final newline ends the last line; it does not start one. */
			if (buf[i] != '\n' || base + i == end - 1)
				continue;
			if (--(*lines) == 0)
				return base + i + 1;
		}
		pos = base;
	}
	(*lines)--; /* the file's first line */
	return 0;
}

static void reader_seek_tail(struct conlog_reader *r, long tail)
{
	long left = tail;
	off_t off;

	if (tail == 0) {
		if (r->cur_fd >= 0)
			lseek(r->cur_fd, 0, SEEK_END);
		left = 0;
	} else if (r->cur_fd >= 0) {
		off = tail_start(r->cur_fd, &left);
		lseek(r->cur_fd, off, SEEK_SET);
	}
	if (r->old_fd >= 0 && left <= 0) {
		close(r->old_fd);
		r->old_fd = -1;
	} else if (r->old_fd >= 0) {
		off = tail_start(r->old_fd, &left);
		lseek(r->old_fd, off, SEEK_SET);
	}
}

int conlog_reader_open(const char *log_dir, const char *name, long tail,
		       struct conlog_reader **r_r)
{
	struct conlog_reader *r = calloc(1, sizeof(*r));
	char p1[PATH_MAX];

	if (!r)
		return -ENOMEM;
	if (log_paths(log_dir, name, r->path, p1)) {
		free(r);
		return -ENAMETOOLONG;
	}
	r->old_fd = open(p1, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	r->cur_fd = open(r->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (tail >= 0)
		reader_seek_tail(r, tail);
	*r_r = r;
	return 0;
}

/* Has NAME.log been replaced (rotated) since we opened cur_fd? */
static bool rotated(struct conlog_reader *r)
{
	struct stat a, b;

	if (stat(r->path, &b) < 0)
		return false;
	if (r->cur_fd < 0)
		return true;
	return fstat(r->cur_fd, &a) == 0 &&
	       (a.st_ino != b.st_ino || a.st_dev != b.st_dev);
}

ssize_t conlog_reader_read(struct conlog_reader *r, char *buf, size_t n)
{
	ssize_t got;

	if (r->old_fd >= 0) {
		got = read(r->old_fd, buf, n);
		if (got != 0)
			return got < 0 ? -errno : got;
		close(r->old_fd);
		r->old_fd = -1;
	}
	if (r->cur_fd >= 0) {
		got = read(r->cur_fd, buf, n);
		if (got != 0)
			return got < 0 ? -errno : got;
	}
	if (!rotated(r))
		return 0;
	if (r->cur_fd >= 0)
		close(r->cur_fd);
	r->cur_fd = open(r->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (r->cur_fd < 0)
		return 0;
	got = read(r->cur_fd, buf, n);
	return got < 0 ? -errno : got;
}

void conlog_reader_close(struct conlog_reader *r)
{
	if (!r)
		return;
	if (r->old_fd >= 0)
		close(r->old_fd);
	if (r->cur_fd >= 0)
		close(r->cur_fd);
	free(r);
}
