/* SPDX-License-Identifier: MIT */
/* pod_logs: streams a pod's console log to a client as `log` notifications (pod_logs). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "control.h"
#include "json.h"
#include "log.h"
#include "pod_internal.h"
#include "rpc.h"

#define LOG_CHUNK (64 * 1024)

struct logstream {
	struct logstream *next, *prev;
	struct pod *pod; /* NULL once the pod was removed */
	struct rpc_req *req;
	struct conn *conn;
	struct conlog_reader *r;
	bool follow;
	char name[65];
	char carry[4]; /* an incomplete UTF-8 sequence held for the next chunk */
	size_t ncarry;
};

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
}

static void finish(struct logstream *s, int rc)
{
	control_on_drain(s->conn, NULL, NULL);
	unlink_stream(s);
	if (rc)
		rpc_error(s->req, RPC_FAILED, "pod %s: reading its log: %s",
			  s->name, strerror(-rc));
	else
		rpc_reply(s->req, "{}");
	free(s);
}

static void on_cancel(struct rpc_req *req, void *arg)
{
	struct logstream *s = arg;

	unlink_stream(s);
	free(s);
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

static int send_chunk(struct logstream *s, const char *data, size_t n)
{
	struct json_writer *w = json_writer_new(false);
	const char *t;
	int rc = -ENOMEM;

	json_w_object_open(w);
	json_w_key(w, "name");
	json_w_string(w, s->name);
	json_w_key(w, "data");
	json_w_string_n(w, data, n);
	json_w_object_close(w);
	t = json_writer_text(w, NULL);
	if (t)
		rc = rpc_notify(s->conn, "log", t);
	json_writer_free(w);
	return rc;
}

static bool at_end(const struct logstream *s)
{
	return !s->follow || !s->pod || pod_is_final(s->pod);
}

static void pump(void *arg)
{
	struct logstream *s = arg;
	static char buf[LOG_CHUNK + 4];
	ssize_t r;
	size_t n, keep;

	for (;;) {
		if (control_outq(s->conn) >= CONTROL_OUT_LOW) {
			/* The client is behind: continue when its queue drains. */
			control_on_drain(s->conn, pump, s);
			return;
		}
		memcpy(buf, s->carry, s->ncarry);
		r = conlog_reader_read(s->r, buf + s->ncarry, LOG_CHUNK);
		if (r < 0) {
			finish(s, (int)r);
			return;
		}
		n = s->ncarry + (size_t)r;
		if (r == 0) {
			if (!at_end(s))
				return; /* more comes with pod_logs_pod_changed */
			if (n && send_chunk(s, buf, n) < 0)
				return;
			finish(s, 0);
			return;
		}
		keep = incomplete_tail((unsigned char *)buf, n);
		memcpy(s->carry, buf + n - keep, keep);
		s->ncarry = keep;
		if (send_chunk(s, buf, n - keep) < 0)
			return; /* connection closing: on_cancel frees s */
	}
}

void pod_rpc_logs(struct rpc_req *req, const char *name, int64_t tail,
		  bool follow)
{
	struct pod *p = pod_find(name);
	struct logstream *s;
	int rc;

	if (!p) {
		rpc_error(req, RPC_NOT_FOUND, "pod %s: not found", name);
		return;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		rpc_error(req, RPC_FAILED, "out of memory");
		return;
	}
	rc = conlog_reader_open(pod_ctx.log_dir, p->name, tail, &s->r);
	if (rc) {
		free(s);
		rpc_error(req, RPC_FAILED, "pod %s: cannot open its log: %s",
			  p->name, strerror(-rc));
		return;
	}
	s->pod = p;
	s->req = req;
	s->conn = rpc_req_conn(req);
	s->follow = follow;
	snprintf(s->name, sizeof(s->name), "%s", p->name);
	s->next = streams;
	if (streams)
		streams->prev = s;
	streams = s;
	rpc_set_cancel(req, on_cancel, s);
	pump(s);
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
