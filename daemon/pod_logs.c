/* SPDX-License-Identifier: MIT */
/* pod_logs: streams a pod's logs (stdout/stderr records or the kernel console) through the sink of a logs request. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "outlog.h"
#include "log.h"
#include "pod.h"
#include "pod_internal.h"
#include "pod_io.h"

#define LOG_CHUNK (64 * 1024)

struct logstream {
	struct logstream *next, *prev;
	struct pod *pod; /* NULL once the pod was removed */
	pod_token tok; /* the logs request, whose sink the chunks go to */
	struct conlog_reader *r; /* the kernel console, or */
	struct outlog_reader *o; /* the main process's stdout/stderr */
	bool follow;
	char name[XP_NAME_MAX + 1];
	/* An incomplete UTF-8 sequence held for the next chunk, per fd
	 * ([0] the console). */
	char carry[3][4];
	size_t ncarry[3];
};

static const char *const stream_names[] = { "kernel", "stdout", "stderr" };

static struct logstream *streams;

static void unlink_stream(struct logstream *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		streams = s->next;
	if (s->next)
		s->next->prev = s->prev;
	conlog_reader_close(s->r);
	outlog_reader_close(s->o);
}

static void finish(struct logstream *s, int rc)
{
	char msg[256];

	pod_sink()->on_writable(s->tok, NULL, NULL);
	unlink_stream(s);
	if (rc) {
		snprintf(msg, sizeof(msg), "pod %s: reading its log: %s",
			 s->name, strerror(-rc));
		pod_reply_error(s->tok, -EIO, -1, msg);
	} else if (pod_ctx.ops && pod_ctx.ops->reply_done) {
		pod_ctx.ops->reply_done(s->tok);
	}
	free(s);
}

bool pod_logs_cancel(pod_token t)
{
	struct logstream *s;

	for (s = streams; s; s = s->next) {
		if (s->tok == t) {
			unlink_stream(s);
			free(s);
			return true;
		}
	}
	return false;
}

/* Bytes at the end of buf[0..n) that start a UTF-8 sequence not yet complete. */
static size_t incomplete_tail(const unsigned char *buf, size_t n)
{
	size_t i, need;

	for (i = 1; i <= 3 && i <= n; i++) {
		unsigned char c = buf[n - i];

		if ((c & 0xc0) == 0x80)
			continue;
		need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
		return need > i ? i : 0;
	}
	return 0;
}

static int send_chunk(struct logstream *s, int fd, const char *data, size_t n)
{
	return pod_sink()->log(s->tok, s->name, stream_names[fd], data, n);
}

static bool at_end(const struct logstream *s)
{
	return !s->follow || !s->pod || pod_is_final(s->pod);
}

/* The next chunk into buf + 4 (room for a carried sequence before it). */
static ssize_t read_chunk(struct logstream *s, char *buf, int *fd)
{
	*fd = 0;
	if (s->o)
		return outlog_reader_read(s->o, fd, buf + 4, LOG_CHUNK);
	return conlog_reader_read(s->r, buf + 4, LOG_CHUNK);
}

/* At the end: what is still carried goes out as it is. */
static int flush_carry(struct logstream *s)
{
	int fd;

	for (fd = 0; fd < 3; fd++) {
		if (s->ncarry[fd] &&
		    send_chunk(s, fd, s->carry[fd], s->ncarry[fd]) < 0)
			return -1;
		s->ncarry[fd] = 0;
	}
	return 0;
}

static void pump(void *arg)
{
	struct logstream *s = arg;
	static char buf[LOG_CHUNK + 4];
	char *start;
	ssize_t r;
	size_t n, keep;
	int fd;

	for (;;) {
		if (!pod_sink()->writable(s->tok)) {
			/* The client is behind: continue when it catches up. */
			pod_sink()->on_writable(s->tok, pump, s);
			return;
		}
		r = read_chunk(s, buf, &fd);
		if (r < 0) {
			finish(s, (int)r);
			return;
		}
		if (r == 0) {
			if (!at_end(s))
				return; /* more comes with pod_logs_pod_changed */
			if (flush_carry(s) < 0)
				return;
			finish(s, 0);
			return;
		}
		start = buf + 4 - s->ncarry[fd];
		memcpy(start, s->carry[fd], s->ncarry[fd]);
		n = s->ncarry[fd] + (size_t)r;
		keep = incomplete_tail((unsigned char *)start, n);
		memcpy(s->carry[fd], start + n - keep, keep);
		s->ncarry[fd] = keep;
		if (n > keep && send_chunk(s, fd, start, n - keep) < 0)
			return; /* the client is going: pod_cancel frees s */
	}
}

/* Which log: stdout, stderr, both, or the kernel console; by default stdout
 * and stderr when the pod's guest speaks the channel, else the console
 * (older kernels). */
static int open_reader(struct logstream *s, const struct pod *p,
		       enum pod_log_stream stream, int64_t tail)
{
	unsigned mask = 1u << OUTLOG_STDOUT | 1u << OUTLOG_STDERR;

	if (stream == POD_LOG_STDOUT)
		mask = 1u << OUTLOG_STDOUT;
	else if (stream == POD_LOG_STDERR)
		mask = 1u << OUTLOG_STDERR;
	else if (stream == POD_LOG_KERNEL)
		mask = 0;
	else if (!p->io && !pod_io_has_outlog(p))
		mask = 0;
	if (!mask)
		return conlog_reader_open(pod_ctx.log_dir, p->name, tail,
					  &s->r);
	return outlog_reader_open(pod_ctx.log_dir, p->name, mask, tail, &s->o);
}

int pod_logs(const char *name, int64_t tail, bool follow,
	     enum pod_log_stream stream, pod_token t, char *err, size_t errsz)
{
	struct pod *p = pod_find(name);
	struct logstream *s;
	int rc;

	if (!p) {
		snprintf(err, errsz, "pod %s: not found", name);
		return -ENOENT;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errsz, "out of memory");
		return -ENOMEM;
	}
	rc = open_reader(s, p, stream, tail);
	if (rc) {
		free(s);
		snprintf(err, errsz, "pod %s: cannot open its log: %s", p->name,
			 strerror(-rc));
		return -EIO; /* whatever the cause: the log could not be read */
	}
	s->pod = p;
	s->tok = t;
	s->follow = follow;
	snprintf(s->name, sizeof(s->name), "%s", p->name);
	s->next = streams;
	if (streams)
		streams->prev = s;
	streams = s;
	pump(s);
	return POD_DEFERRED;
}

void pod_logs_pod_changed(struct pod *p)
{
	struct logstream *s, *next;

	for (s = streams; s; s = next) {
		next = s->next;
		if (s->pod == p)
			pump(s);
	}
}

void pod_logs_pod_removed(struct pod *p)
{
	struct logstream *s, *next;

	for (s = streams; s; s = next) {
		next = s->next;
		if (s->pod == p) {
			s->pod = NULL;
			pump(s);
		}
	}
}

void pod_logs_dispose(void)
{
	struct logstream *s;

	/* Requests die with their connections (control_close); only our side is left. */
	while ((s = streams)) {
		unlink_stream(s);
		free(s);
	}
}
