/* SPDX-License-Identifier: MIT */
/* rpc: JSON-RPC 2.0 over the control socket: envelope, method table, replies, the errno-to-code mapping. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "control.h"
#include "json.h"
#include "json_dec.h"
#include "log.h"
#include "pod.h"
#include "protocol.h"
#include "rpc.h"

struct rpc_req {
	struct conn *conn;
	char *id; /* JSON text of the id; NULL for a notification (no reply) */
	const char *method;
	/* Deferred (rpc_defer): its token, and its place among the pending. */
	pod_token tok;
	struct rpc_req *dnext, *dprev;
};

/* Deferred requests, found by token. */
static struct rpc_req *deferred;
static pod_token last_token;

/* Per-connection state. */
struct rpc_conn {
	struct rpc_req *
		pending; /* deferred request, at most one (replies stay in order) */
	bool subscribed;
	/* An exec/attach session owns the connection: only exec_* may follow. */
	bool streaming;
};

static struct rpc_conn *rconn(struct conn *c)
{
	struct rpc_conn *rc = control_data(c);

	if (!rc) {
		rc = calloc(1, sizeof(*rc));
		control_set_data(c, rc);
	}
	return rc;
}

static void undefer(struct rpc_req *req)
{
	if (!req->tok)
		return;
	if (req->dprev)
		req->dprev->dnext = req->dnext;
	else
		deferred = req->dnext;
	if (req->dnext)
		req->dnext->dprev = req->dprev;
	req->tok = 0;
}

static void req_free(struct rpc_req *req)
{
	struct rpc_conn *rc;

	if (!req)
		return;
	undefer(req);
	if (req->conn) {
		rc = control_data(req->conn);
		if (rc && rc->pending == req) {
			rc->pending = NULL;
			rc->streaming = false;
		}
		control_request_done(req->conn);
	}
	free(req->id);
	free(req);
}

static void send_response(struct rpc_req *req, const char *member,
			  const char *value)
{
	struct json_writer *w;
	const char *text;
	size_t len;

	if (!req->conn || !req->id)
		return;
	w = json_writer_new(false);
	json_w_object_open(w);
	json_w_key(w, "jsonrpc");
	json_w_string(w, "2.0");
	json_w_key(w, "id");
	json_w_raw(w, req->id);
	json_w_key(w, member);
	json_w_raw(w, value);
	json_w_object_close(w);
	text = json_writer_text(w, &len);
	if (text)
		control_send(req->conn, text, len);
	else
		log_warn("rpc: out of memory answering %s",
			 control_peer(req->conn));
	json_writer_free(w);
}

void rpc_reply(struct rpc_req *req, const char *result)
{
	send_response(req, "result", result ? result : "{}");
	req_free(req);
}

void rpc_reply_writer(struct rpc_req *req, struct json_writer *w)
{
	const char *t = json_writer_text(w, NULL);

	if (t)
		rpc_reply(req, t);
	else
		rpc_error(req, RPC_FAILED, "out of memory");
	json_writer_free(w);
}

/* status >= 0: "data":{"exit_code":STATUS} as well. */
static void error_text(int code, const char *msg, int status, char *buf,
		       size_t bufsz)
{
	struct json_writer *w = json_writer_new(false);
	const char *t;

	json_w_object_open(w);
	json_w_key(w, "code");
	json_w_int(w, code);
	json_w_key(w, "message");
	json_w_string(w, msg);
	if (status >= 0) {
		json_w_key(w, "data");
		json_w_object_open(w);
		json_w_key(w, "exit_code");
		json_w_int(w, status);
		json_w_object_close(w);
	}
	json_w_object_close(w);
	t = json_writer_text(w, NULL);
	snprintf(buf, bufsz, "%s",
		 t ? t : "{\"code\":1,\"message\":\"out of memory\"}");
	json_writer_free(w);
}

static void verror(struct rpc_req *req, int code, int status, const char *fmt,
		   va_list ap)
{
	char msg[1024], text[2048];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	for (char *p = msg; *p; p++)
		if (*p == '\n')
			*p = ' ';
	if (req->conn)
		log_debug("rpc: %s %s: error %d: %s", control_peer(req->conn),
			  req->method ? req->method : "?", code, msg);
	error_text(code, msg, status, text, sizeof(text));
	send_response(req, "error", text);
	req_free(req);
}

void rpc_error(struct rpc_req *req, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(req, code, -1, fmt, ap);
	va_end(ap);
}

void rpc_error_status(struct rpc_req *req, int code, int status,
		      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(req, code, status, fmt, ap);
	va_end(ap);
}

int rpc_code_of(int neg_errno)
{
	switch (-neg_errno) {
	case ENOENT:
	case ESRCH:
		return RPC_NOT_FOUND;
	case EEXIST:
	case EISCONN:
	case EBADFD: /* the pod layer: the wrong state for the request */
		return RPC_CONFLICT;
	case EACCES:
	case EPERM:
		return RPC_DENIED;
	case EBUSY:
	case EAGAIN:
		return RPC_BUSY;
	case EINVAL:
		return RPC_INVALID_PARAMS;
	default:
		return RPC_FAILED;
	}
}

void rpc_fail(struct rpc_req *req, int neg_errno, const char *msg)
{
	rpc_error(req, rpc_code_of(neg_errno), "%s", msg);
}

pod_token rpc_defer(struct rpc_req *req)
{
	struct rpc_conn *rc = req->conn ? control_data(req->conn) : NULL;

	if (!req->tok) {
		req->tok = ++last_token;
		req->dprev = NULL;
		req->dnext = deferred;
		if (deferred)
			deferred->dprev = req;
		deferred = req;
	}
	if (rc)
		rc->pending = req;
	return req->tok;
}

struct rpc_req *rpc_req_of(pod_token t)
{
	struct rpc_req *req;

	for (req = t ? deferred : NULL; req; req = req->dnext)
		if (req->tok == t)
			return req;
	return NULL;
}

void rpc_set_streaming(struct rpc_req *req)
{
	struct rpc_conn *rc = req->conn ? control_data(req->conn) : NULL;

	if (!rc || rc->pending != req)
		return;
	rc->streaming = true;
	/* A quiet session (a long sleep) is not an idle connection. */
	control_set_persistent(req->conn, true);
	control_request_done(req->conn);
}

pod_token rpc_session_of(const struct rpc_req *req)
{
	struct rpc_conn *rc = req->conn ? control_data(req->conn) : NULL;

	return rc && rc->streaming && rc->pending ? rc->pending->tok : 0;
}

struct conn *rpc_req_conn(const struct rpc_req *req)
{
	return req->conn;
}

int rpc_notify(struct conn *c, const char *method, const char *params)
{
	struct json_writer *w = json_writer_new(false);
	const char *text;
	size_t len;
	int rc = -ENOMEM;

	json_w_object_open(w);
	json_w_key(w, "jsonrpc");
	json_w_string(w, "2.0");
	json_w_key(w, "method");
	json_w_string(w, method);
	json_w_key(w, "params");
	json_w_raw(w, params);
	json_w_object_close(w);
	text = json_writer_text(w, &len);
	if (text)
		rc = control_send(c, text, len);
	json_writer_free(w);
	return rc;
}

static void notify_if_subscribed(struct conn *c, void *arg)
{
	struct rpc_conn *rc = control_data(c);

	if (rc && rc->subscribed)
		rpc_notify(c, XP_N_EVENT, arg);
}

void rpc_broadcast_event(const char *params)
{
	control_foreach(notify_if_subscribed, (void *)params);
}

/* ---- methods ---- */

bool rpc_decode_params(struct rpc_req *req, const struct json *params,
		       const struct json_dec_field *fields, void *out)
{
	char err[512];

	if (json_decode(params, "params", fields, out, err, sizeof(err))) {
		rpc_error(req, RPC_INVALID_PARAMS, "%s", err);
		return false;
	}
	return true;
}

static void m_daemon_hello(struct rpc_req *req, const struct json *params)
{
	static const struct json_dec_field none[] = { { NULL } };
	char res[128];

	if (!rpc_decode_params(req, params, none, NULL))
		return;
	snprintf(res, sizeof(res), "{\"protocol\":%d,\"version\":\"%s\"}",
		 XP_PROTOCOL_VERSION, PACKAGE_VERSION);
	rpc_reply(req, res);
}

static void m_events_subscribe(struct rpc_req *req, const struct json *params)
{
	static const struct json_dec_field none[] = { { NULL } };
	struct rpc_conn *rc;

	if (!rpc_decode_params(req, params, none, NULL))
		return;
	rc = rconn(req->conn);
	if (!rc) {
		rpc_error(req, RPC_FAILED, "out of memory");
		return;
	}
	rc->subscribed = true;
	control_set_persistent(req->conn, true);
	rpc_reply(req, "{}");
}

static const struct rpc_method core_methods[] = {
	{ XP_M_DAEMON_HELLO, true, m_daemon_hello },
	{ XP_M_EVENTS_SUBSCRIBE, true, m_events_subscribe },
	{ NULL }
};

static const struct rpc_method *find_method(const char *name)
{
	static const struct rpc_method *const tables[] = {
		core_methods, rpc_pod_methods, rpc_stream_methods,
		rpc_volume_methods, rpc_network_methods
	};
	const struct rpc_method *m;
	size_t i;

	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		for (m = tables[i]; m->name; m++)
			if (strcmp(m->name, name) == 0)
				return m;
	return NULL;
}

/* id must be an integer or a string (null/absent: a notification). */
static int take_id(struct rpc_req *req, const struct json *id)
{
	struct json_writer *w;
	const char *t;

	if (!id || json_type(id) == JSON_NULL)
		return 0;
	if (json_type(id) != JSON_INT && json_type(id) != JSON_STRING)
		return -EINVAL;
	w = json_writer_new(false);
	json_w_value(w, id);
	t = json_writer_text(w, NULL);
	req->id = t ? strdup(t) : NULL;
	json_writer_free(w);
	return req->id ? 0 : -ENOMEM;
}

/* Checks the envelope; on error answers (with id if one was usable) and returns false. */
static bool check_envelope(struct rpc_req *req, const struct json *root,
			   const struct rpc_method **m_r)
{
	const struct json *params = json_get(root, "params");
	const char *method, *ver;
	size_t i;

	if (json_type(root) != JSON_OBJECT) {
		req->id = strdup("null"); /* JSON-RPC: id null when unknown */
		rpc_error(req, RPC_INVALID_REQUEST,
			  "request: expected an object");
		return false;
	}
	if (take_id(req, json_get(root, "id"))) {
		free(req->id);
		req->id = strdup("null");
		rpc_error(req, RPC_INVALID_REQUEST,
			  "id: expected an integer or a string");
		return false;
	}
	for (i = 0; i < json_len(root); i++) {
		const char *k = json_key_at(root, i);

		if (strcmp(k, "jsonrpc") && strcmp(k, "id") &&
		    strcmp(k, "method") && strcmp(k, "params")) {
			rpc_error(req, RPC_INVALID_REQUEST,
				  "request: unknown key \"%.64s\"", k);
			return false;
		}
	}
	ver = json_str(json_get(root, "jsonrpc"));
	if (!ver || strcmp(ver, "2.0") != 0) {
		rpc_error(req, RPC_INVALID_REQUEST, "jsonrpc: must be \"2.0\"");
		return false;
	}
	method = json_str(json_get(root, "method"));
	if (!method) {
		rpc_error(req, RPC_INVALID_REQUEST,
			  "method: expected a string");
		return false;
	}
	if (params && json_type(params) != JSON_OBJECT) {
		rpc_error(req, RPC_INVALID_PARAMS,
			  "params: expected an object");
		return false;
	}
	*m_r = find_method(method);
	if (!*m_r) {
		rpc_error(req, RPC_METHOD_NOT_FOUND,
			  "method \"%.64s\" not found", method);
		return false;
	}
	req->method = (*m_r)->name;
	return true;
}

static void on_line(struct conn *c, const char *line, size_t len)
{
	static const char empty_obj[] = "{}";
	struct rpc_req *req = calloc(1, sizeof(*req));
	const struct rpc_method *m = NULL;
	struct json *root, *empty = NULL;
	const struct json *params;
	char err[256];

	if (!req) {
		control_request_done(c);
		return;
	}
	req->conn = c;
	/* rconn() attaches the state to c (freed with it), so nothing leaks. */
	/* cppcheck-suppress leakReturnValNotUsed */
	if (!rconn(c)) {
		req->id = strdup("null");
		rpc_error(req, RPC_FAILED, "out of memory");
		return;
	}
	root = json_parse(line, len, err, sizeof(err));
	if (!root) {
		req->id = strdup("null");
		rpc_error(req, RPC_PARSE_ERROR, "%s", err);
		return;
	}
	if (check_envelope(req, root, &m)) {
		params = json_get(root, "params");
		if (!params)
			params = empty =
				json_parse(empty_obj, 2, err, sizeof(err));
		if (rconn(c)->streaming && strncmp(m->name, "exec_", 5))
			rpc_error(
				req, RPC_BUSY,
				"%s: this connection carries an exec or attach session; only exec_* may follow",
				m->name);
		else if (!m->read_only && control_read_only(c))
			rpc_error(
				req, RPC_DENIED,
				"%s: permission denied (only root may change pods)",
				m->name);
		else
			m->fn(req, params);
	}
	json_free(empty);
	json_free(root);
}

static void on_closed(struct conn *c)
{
	struct rpc_conn *rc = control_data(c);
	struct rpc_req *req;

	if (!rc)
		return;
	req = rc->pending;
	if (req) {
		rc->pending = NULL;
		req->conn = NULL;
		/* Withdrawn first: the pod layer no longer answers or streams to it. */
		pod_cancel(req->tok);
		undefer(req);
		free(req->id);
		free(req);
	}
	free(rc);
	control_set_data(c, NULL);
}

static void on_overflow(struct conn *c)
{
	char text[256], line[512];
	int n;

	error_text(RPC_PARSE_ERROR, "request larger than 1 MiB", -1, text,
		   sizeof(text));
	n = snprintf(line, sizeof(line),
		     "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":%s}", text);
	control_send(c, line, (size_t)n);
}

void rpc_init(void)
{
	static const struct control_hooks hooks = {
		.line = on_line,
		.closed = on_closed,
		.overflow = on_overflow,
	};
	static const struct pod_ops ops = {
		.reply_pod = rpc_pod_reply_pod,
		.reply_error = rpc_pod_reply_error,
		.reply_exit = rpc_stream_reply_exit,
		.reply_done = rpc_pod_reply_done,
		.event = rpc_pod_event,
		.sink = &rpc_stream_sink,
	};

	control_set_hooks(&hooks);
	pod_set_ops(&ops);
}
