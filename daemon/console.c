/* SPDX-License-Identifier: MIT */
/* console: captures a pod's console pty into LOG_DIR/NAME.log (capped, rotated once) and reads it back. */
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
#include "logfile.h"
#include "outlog.h"

/* Read at most this much per wakeup, so one chatty pod cannot starve the others. */
#define CONSOLE_READ_BUDGET (64 * 1024)

struct console {
	struct logfile f; /* NAME.log */
	int tty_fd;
	uint64_t last_data;
	struct ev_fd *evh;
	console_data_cb *cb;
	void *arg;
};

#define LOG_SUFFIX "log"

static int log_paths(const char *dir, const char *name, char *p, char *p1)
{
	return logfile_paths(dir, name, LOG_SUFFIX, p, p1);
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
			logfile_append(&c->f, buf, (size_t)r);
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
	c->f.fd = -1;
	c->cb = cb;
	c->arg = arg;
	c->last_data = ev_now_ms();
	rc = logfile_open(&c->f, log_dir, name, LOG_SUFFIX, lost);
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
	logfile_close(&c->f);
	free(c);
}

uint64_t console_lost_bytes(const struct console *c)
{
	return c ? c->f.lost : 0;
}

uint64_t console_last_data_ms(const struct console *c)
{
	return c ? c->last_data : 0;
}

void console_log_remove(const char *log_dir, const char *name)
{
	logfile_remove(log_dir, name, LOG_SUFFIX);
	outlog_remove(log_dir, name);
}

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
