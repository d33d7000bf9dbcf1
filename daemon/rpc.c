/* SPDX-License-Identifier: MIT */
/* rpc: JSON-RPC 2.0 over the control socket: request decoding, method table, replies. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "control.h"
#include "json.h"
#include "log.h"
#include "pod.h"
#include "pod_exec.h"
#include "rpc.h"

struct rpc_req {
	struct conn *conn;
	char *id; /* JSON text of the id; NULL for a notification (no reply) */
	const char *method;
	void (*cancel)(struct rpc_req *req, void *arg);
	void *cancel_arg;
};

/* Per-connection state. */
struct rpc_conn {
	struct rpc_req *
		pending; /* deferred request, at most one (replies stay in order) */
	bool subscribed;
	/* An exec/attach session owns the connection: only exec_* may follow. */
	bool streaming;
};

typedef void rpc_method_fn(struct rpc_req *req, const struct json *params);

struct rpc_method {
	const char *name;
	bool read_only;
	rpc_method_fn *fn;
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

static void req_free(struct rpc_req *req)
{
	struct rpc_conn *rc;

	if (!req)
		return;
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

void rpc_set_cancel(struct rpc_req *req,
		    void (*cancel)(struct rpc_req *req, void *arg), void *arg)
{
	struct rpc_conn *rc = req->conn ? control_data(req->conn) : NULL;

	req->cancel = cancel;
	req->cancel_arg = arg;
	if (rc)
		rc->pending = req;
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
		rpc_notify(c, "event", arg);
}

void rpc_broadcast_event(const char *params)
{
	control_foreach(notify_if_subscribed, (void *)params);
}

bool rpc_name_valid(const char *name)
{
	size_t i, n;

	if (!name)
		return false;
	n = strlen(name);
	if (n < 1 || n > 64)
		return false;
	for (i = 0; i < n; i++) {
		char ch = name[i];
		bool alnum = (ch >= 'a' && ch <= 'z') ||
			     (ch >= 'A' && ch <= 'Z') ||
			     (ch >= '0' && ch <= '9');

		if (!alnum && (i == 0 || (ch != '_' && ch != '.' && ch != '-')))
			return false;
	}
	return true;
}

/* ---- strict decoding ---- */

static const char *type_word(enum rpc_dec_type t)
{
	switch (t) {
	case RPC_DEC_STRING:
		return "a string";
	case RPC_DEC_INT:
		return "an integer";
	case RPC_DEC_BOOL:
		return "true or false";
	case RPC_DEC_STRINGS:
		return "an array of strings";
	default:
		return "an object";
	}
}

static int dec_strings(const struct json *v, const char *path,
		       const struct rpc_dec_field *f, char *err, size_t errsz)
{
	size_t i, n = json_len(v);

	if ((int64_t)n > f->min) {
		snprintf(err, errsz, "%s.%s: more than %lld items", path,
			 f->key, (long long)f->min);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		const char *s = json_str(json_at(v, i));

		if (!s) {
			snprintf(err, errsz, "%s.%s[%zu]: expected a string",
				 path, f->key, i);
			return -EINVAL;
		}
		if ((int64_t)strlen(s) > f->max) {
			snprintf(err, errsz,
				 "%s.%s[%zu]: longer than %lld bytes", path,
				 f->key, i, (long long)f->max);
			return -EINVAL;
		}
	}
	return 0;
}

static int dec_field(const struct json *v, const char *path,
		     const struct rpc_dec_field *f, void *out, char *err,
		     size_t errsz)
{
	char *dst = (char *)out + f->off;
	const char *s;
	int64_t n;
	bool b;

	switch (f->type) {
	case RPC_DEC_STRING:
		if (!(s = json_str(v)))
			break;
		if ((int64_t)strlen(s) < f->min ||
		    (int64_t)strlen(s) > f->max) {
			snprintf(err, errsz,
				 "%s.%s: length must be %lld..%lld bytes", path,
				 f->key, (long long)f->min, (long long)f->max);
			return -EINVAL;
		}
		memcpy(dst, &s, sizeof(s));
		return 0;
	case RPC_DEC_INT:
		if (!json_int(v, &n))
			break;
		if (n < f->min || n > f->max) {
			snprintf(err, errsz, "%s.%s: must be %lld..%lld", path,
				 f->key, (long long)f->min, (long long)f->max);
			return -EINVAL;
		}
		memcpy(dst, &n, sizeof(n));
		return 0;
	case RPC_DEC_BOOL:
		if (!json_bool(v, &b))
			break;
		memcpy(dst, &b, sizeof(b));
		return 0;
	case RPC_DEC_STRINGS:
		if (json_type(v) != JSON_ARRAY)
			break;
		if (dec_strings(v, path, f, err, errsz))
			return -EINVAL;
		memcpy(dst, &v, sizeof(v));
		return 0;
	case RPC_DEC_OBJECT:
		if (json_type(v) != JSON_OBJECT)
			break;
		memcpy(dst, &v, sizeof(v));
		return 0;
	}
	snprintf(err, errsz, "%s.%s: expected %s", path, f->key,
		 type_word(f->type));
	return -EINVAL;
}

static const struct rpc_dec_field *find_field(const struct rpc_dec_field *f,
					      const char *key)
{
	for (; f->key; f++)
		if (strcmp(f->key, key) == 0)
			return f;
	return NULL;
}

int rpc_decode(const struct json *obj, const char *path,
	       const struct rpc_dec_field *fields, void *out, char *err,
	       size_t errsz)
{
	const struct rpc_dec_field *f;
	const struct json *v;
	size_t i;

	if (json_type(obj) != JSON_OBJECT) {
		snprintf(err, errsz, "%s: expected an object", path);
		return -EINVAL;
	}
	for (i = 0; i < json_len(obj); i++) {
		const char *key = json_key_at(obj, i);

		f = find_field(fields, key);
		if (!f) {
			snprintf(err, errsz, "%s: unknown key \"%.64s\"", path,
				 key);
			return -EINVAL;
		}
		v = json_value_at(obj, i);
		if (json_type(v) == JSON_NULL && !f->required)
			continue;
		if (dec_field(v, path, f, out, err, errsz))
			return -EINVAL;
	}
	for (f = fields; f->key; f++) {
		v = json_get(obj, f->key);
		if (f->required && (!v || json_type(v) == JSON_NULL)) {
			snprintf(err, errsz, "%s.%s: required", path, f->key);
			return -EINVAL;
		}
	}
	return 0;
}

/* ---- methods ---- */

#define FIELD(k, t, req, st, m, lo, hi)            \
	{                                          \
		k, t, req, offsetof(st, m), lo, hi \
	}

static bool decode_params(struct rpc_req *req, const struct json *params,
			  const struct rpc_dec_field *fields, void *out)
{
	char err[512];

	if (rpc_decode(params, "params", fields, out, err, sizeof(err))) {
		rpc_error(req, RPC_INVALID_PARAMS, "%s", err);
		return false;
	}
	return true;
}

static void m_daemon_hello(struct rpc_req *req, const struct json *params)
{
	static const struct rpc_dec_field none[] = { { NULL } };
	char res[128];

	if (!decode_params(req, params, none, NULL))
		return;
	snprintf(res, sizeof(res), "{\"protocol\":%d,\"version\":\"%s\"}",
		 RPC_PROTOCOL_VERSION, PACKAGE_VERSION);
	rpc_reply(req, res);
}

static void m_events_subscribe(struct rpc_req *req, const struct json *params)
{
	static const struct rpc_dec_field none[] = { { NULL } };
	struct rpc_conn *rc;

	if (!decode_params(req, params, none, NULL))
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

struct p_name {
	const char *name;
	int64_t timeout;
	bool force, all, follow;
	int64_t tail;
	const struct json *spec;
	const char *stream;
};

#define NAME_FIELD \
	FIELD("name", RPC_DEC_STRING, true, struct p_name, name, 1, 64)

static bool decode_name(struct rpc_req *req, const struct json *params,
			const struct rpc_dec_field *fields, struct p_name *p)
{
	if (!decode_params(req, params, fields, p))
		return false;
	if (p->name && !rpc_name_valid(p->name)) {
		rpc_error(
			req, RPC_INVALID_PARAMS,
			"params.name: invalid pod name (allowed: [A-Za-z0-9][A-Za-z0-9_.-]{0,63})");
		return false;
	}
	return true;
}

static void m_pod_create(struct rpc_req *req, const struct json *params)
{
	static const struct rpc_dec_field f[] = {
		FIELD("spec", RPC_DEC_OBJECT, true, struct p_name, spec, 0, 0),
		{ NULL }
	};
	struct p_name p = { 0 };

	if (decode_params(req, params, f, &p))
		pod_rpc_create(req, p.spec);
}

static void m_pod_start(struct rpc_req *req, const struct json *params)
{
	static const struct rpc_dec_field f[] = { NAME_FIELD, { NULL } };
	struct p_name p = { 0 };

	if (decode_name(req, params, f, &p))
		pod_rpc_start(req, p.name);
}

static void m_pod_stop(struct rpc_req *req, const struct json *params)
{
	static const struct rpc_dec_field f[] = { NAME_FIELD,
						  FIELD("timeout", RPC_DEC_INT,
							false, struct p_name,
							timeout, 0, 86400),
						  { NULL } };
	struct p_name p = { .timeout = 10 };

	if (decode_name(req, params, f, &p))
		pod_rpc_stop(req, p.name, p.timeout);
}

static void m_pod_kill(struct rpc_req *req, const struct json *params)
{
	static const struct rpc_dec_field f[] = { NAME_FIELD, { NULL } };
	struct p_name p = { 0 };

	if (decode_name(req, params, f, &p))
		pod_rpc_kill(req, p.name);
}

static void m_pod_rm(struct rpc_req *req, const struct json *params)
{
	static const struct rpc_dec_field f[] = {
		NAME_FIELD,
		FIELD("force", RPC_DEC_BOOL, false, struct p_name, force, 0, 0),
		{ NULL }
	};
	struct p_name p = { 0 };

	if (decode_name(req, params, f, &p))
		pod_rpc_rm(req, p.name, p.force);
}

static void m_pod_list(struct rpc_req *req, const struct json *params)
{
	static const struct rpc_dec_field f[] = {
		FIELD("all", RPC_DEC_BOOL, false, struct p_name, all, 0, 0),
		{ NULL }
	};
	struct p_name p = { 0 };

	if (decode_params(req, params, f, &p))
		pod_rpc_list(req, p.all);
}

static void m_pod_inspect(struct rpc_req *req, const struct json *params)
{
	static const struct rpc_dec_field f[] = { NAME_FIELD, { NULL } };
	struct p_name p = { 0 };

	if (decode_name(req, params, f, &p))
		pod_rpc_inspect(req, p.name);
}

static void m_pod_wait(struct rpc_req *req, const struct json *params)
{
	static const struct rpc_dec_field f[] = { NAME_FIELD, { NULL } };
	struct p_name p = { 0 };

	if (decode_name(req, params, f, &p))
		pod_rpc_wait(req, p.name);
}

static void m_pod_logs(struct rpc_req *req, const struct json *params)
{
	static const struct rpc_dec_field f[] = {
		NAME_FIELD,
		FIELD("tail", RPC_DEC_INT, false, struct p_name, tail, 0,
		      INT32_MAX),
		FIELD("follow", RPC_DEC_BOOL, false, struct p_name, follow, 0,
		      0),
		FIELD("stream", RPC_DEC_STRING, false, struct p_name, stream, 1,
		      16),
		{ NULL }
	};
	struct p_name p = { .tail = -1 };

	if (decode_name(req, params, f, &p))
		pod_rpc_logs(req, p.name, p.tail, p.follow, p.stream);
}

struct p_exec {
	struct pod_exec_req x;
	const char *data;
	bool eof;
	int64_t signo, rows, cols;
};

#define X_FIELD(k, t, req, m, lo, hi) FIELD(k, t, req, struct p_exec, m, lo, hi)

static void m_pod_exec(struct rpc_req *req, const struct json *params)
{
	static const struct rpc_dec_field f[] = {
		X_FIELD("name", RPC_DEC_STRING, true, x.name, 1, 64),
		X_FIELD("command", RPC_DEC_STRINGS, true, x.command, 256, 4096),
		X_FIELD("env", RPC_DEC_STRINGS, false, x.env, 256, 4096),
		X_FIELD("cwd", RPC_DEC_STRING, false, x.cwd, 1, 4095),
		X_FIELD("tty", RPC_DEC_BOOL, false, x.tty, 0, 0),
		X_FIELD("stdin", RPC_DEC_BOOL, false, x.in, 0, 0),
		X_FIELD("rows", RPC_DEC_INT, false, x.rows, 0, 65535),
		X_FIELD("cols", RPC_DEC_INT, false, x.cols, 0, 65535),
		{ NULL }
	};
	struct p_exec p = { { 0 } };

	if (!decode_params(req, params, f, &p))
		return;
	if (!rpc_name_valid(p.x.name)) {
		rpc_error(req, RPC_INVALID_PARAMS,
			  "params.name: invalid pod name");
		return;
	}
	if (!json_len(p.x.command)) {
		rpc_error(req, RPC_INVALID_PARAMS,
			  "params.command: must not be empty");
		return;
	}
	pod_rpc_exec(req, &p.x);
}

#define A_FIELD(k, t, m, lo, hi) \
	FIELD(k, t, false, struct pod_attach_req, m, lo, hi)

static void m_pod_attach(struct rpc_req *req, const struct json *params)
{
	static const struct rpc_dec_field f[] = {
		FIELD("name", RPC_DEC_STRING, true, struct pod_attach_req, name,
		      1, 64),
		A_FIELD("stdin", RPC_DEC_BOOL, in, 0, 0),
		A_FIELD("close_stdin", RPC_DEC_BOOL, close_stdin, 0, 0),
		A_FIELD("start", RPC_DEC_BOOL, start, 0, 0),
		A_FIELD("rows", RPC_DEC_INT, rows, 0, 65535),
		A_FIELD("cols", RPC_DEC_INT, cols, 0, 65535),
		{ NULL }
	};
	struct pod_attach_req p = { 0 };

	if (decode_params(req, params, f, &p))
		pod_rpc_attach(req, &p);
}

static void m_pod_signal(struct rpc_req *req, const struct json *params)
{
	static const struct rpc_dec_field f[] = {
		X_FIELD("name", RPC_DEC_STRING, true, x.name, 1, 64),
		X_FIELD("signal", RPC_DEC_INT, true, signo, 1, 64),
		{ NULL }
	};
	struct p_exec p = { { 0 } };

	if (decode_params(req, params, f, &p))
		pod_rpc_signal(req, p.x.name, p.signo);
}

static void m_exec_input(struct rpc_req *req, const struct json *params)
{
	static const struct rpc_dec_field f[] = {
		X_FIELD("data", RPC_DEC_STRING, false, data, 0,
			CONTROL_LINE_MAX),
		X_FIELD("eof", RPC_DEC_BOOL, false, eof, 0, 0),
		{ NULL }
	};
	struct p_exec p = { { 0 } };

	if (decode_params(req, params, f, &p))
		pod_rpc_exec_input(req, p.data, p.eof);
}

static void m_exec_resize(struct rpc_req *req, const struct json *params)
{
	static const struct rpc_dec_field f[] = {
		X_FIELD("rows", RPC_DEC_INT, true, rows, 0, 65535),
		X_FIELD("cols", RPC_DEC_INT, true, cols, 0, 65535),
		{ NULL }
	};
	struct p_exec p = { { 0 } };

	if (decode_params(req, params, f, &p))
		pod_rpc_exec_resize(req, p.rows, p.cols);
}

static void m_exec_signal(struct rpc_req *req, const struct json *params)
{
	static const struct rpc_dec_field f[] = {
		X_FIELD("signal", RPC_DEC_INT, true, signo, 1, 64), { NULL }
	};
	struct p_exec p = { { 0 } };

	if (decode_params(req, params, f, &p))
		pod_rpc_exec_signal(req, p.signo);
}

static const struct rpc_method methods[] = {
	{ "daemon_hello", true, m_daemon_hello },
	{ "events_subscribe", true, m_events_subscribe },
	{ "pod_create", false, m_pod_create },
	{ "pod_start", false, m_pod_start },
	{ "pod_stop", false, m_pod_stop },
	{ "pod_kill", false, m_pod_kill },
	{ "pod_rm", false, m_pod_rm },
	{ "pod_list", true, m_pod_list },
	{ "pod_inspect", true, m_pod_inspect },
	{ "pod_wait", true, m_pod_wait },
	{ "pod_logs", true, m_pod_logs },
	{ "pod_exec", false, m_pod_exec },
	{ "pod_attach", false, m_pod_attach },
	{ "pod_signal", false, m_pod_signal },
	{ "exec_input", false, m_exec_input },
	{ "exec_resize", false, m_exec_resize },
	{ "exec_signal", false, m_exec_signal },
	{ NULL }
};

static const struct rpc_method *find_method(const char *name)
{
	const struct rpc_method *m;

	for (m = methods; m->name; m++)
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
		if (req->cancel)
			req->cancel(req, req->cancel_arg);
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

	control_set_hooks(&hooks);
}
