/* SPDX-License-Identifier: MIT */
/* rpc_stream: exec and attach sessions on the wire (pod_exec, pod_attach, pod_signal, exec_*) and the stream sink over a connection. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "control.h"
#include "json.h"
#include "json_dec.h"
#include "log.h"
#include "pod.h"
#include "protocol.h"
#include "rlimit.h"
#include "rpc.h"

/* ---- the sink: notifications on the request's connection ---- */

static struct conn *conn_of(pod_token t)
{
	struct rpc_req *req = rpc_req_of(t);

	return req ? rpc_req_conn(req) : NULL;
}

static void sink_output(pod_token t, int fd, const uint8_t *d, size_t n)
{
	struct conn *c = conn_of(t);
	char *buf;
	int k;

	if (!c)
		return;
	buf = malloc(32 + B64_LEN(n) + 1);
	if (!buf)
		return;
	k = sprintf(buf, "{\"fd\":%d,\"data\":\"", fd);
	k += (int)b64_encode(d, n, buf + k);
	memcpy(buf + k, "\"}", 3);
	rpc_notify(c, XP_N_EXEC_OUTPUT, buf);
	free(buf);
}

static void sink_credit(pod_token t, uint32_t n)
{
	struct conn *c = conn_of(t);
	char note[64];

	if (!c)
		return;
	snprintf(note, sizeof(note), "{\"bytes\":%u}", n);
	rpc_notify(c, XP_N_EXEC_CREDIT, note);
}

static int sink_log(pod_token t, const char *pod, const char *stream,
		    const char *data, size_t n)
{
	struct conn *c = conn_of(t);
	struct json_writer *w;
	const char *text;
	int rc = -ENOMEM;

	if (!c)
		return -ENOTCONN;
	w = json_writer_new(false);
	json_w_object_open(w);
	json_w_key(w, "name");
	json_w_string(w, pod);
	json_w_key(w, "stream");
	json_w_string(w, stream);
	json_w_key(w, "data");
	json_w_string_n(w, data, n);
	json_w_object_close(w);
	text = json_writer_text(w, NULL);
	if (text)
		rc = rpc_notify(c, XP_N_LOG, text);
	json_writer_free(w);
	return rc;
}

static bool sink_writable(pod_token t)
{
	struct conn *c = conn_of(t);

	return !c || control_outq(c) < CONTROL_OUT_LOW;
}

static size_t sink_queued(pod_token t)
{
	struct conn *c = conn_of(t);

	return c ? control_outq(c) : 0;
}

static void sink_on_writable(pod_token t, void (*cb)(void *arg), void *arg)
{
	struct conn *c = conn_of(t);

	if (c)
		control_on_drain(c, cb, arg);
}

const struct pod_sink rpc_stream_sink = {
	.output = sink_output,
	.credit = sink_credit,
	.log = sink_log,
	.writable = sink_writable,
	.queued = sink_queued,
	.on_writable = sink_on_writable,
};

void rpc_stream_reply_exit(pod_token t, int exit_code, unsigned signo,
			   const char *error)
{
	struct rpc_req *req = rpc_req_of(t);
	struct json_writer *w;
	const char *text;
	char res[512];

	if (!req)
		return;
	w = json_writer_new(false);
	json_w_object_open(w);
	json_w_key(w, "exit_code");
	json_w_int(w, exit_code);
	json_w_key(w, "signal");
	json_w_int(w, signo);
	if (error) {
		json_w_key(w, "error");
		json_w_string(w, error);
	}
	json_w_object_close(w);
	text = json_writer_text(w, NULL);
	snprintf(res, sizeof(res), "%s",
		 text ? text : "{\"exit_code\":125,\"signal\":0}");
	json_writer_free(w);
	rpc_reply(req, res);
}

/* ---- methods ---- */

struct p_exec {
	const char *name;
	const struct json *command, *env;
	const char *cwd;
	const char *user;
	const struct json *groups, *rlimits;
	bool tty, in, close_stdin, start;
	const char *data;
	bool eof;
	int64_t signo, rows, cols;
};

#define X_FIELD(k, t, req, m, lo, hi) \
	JSON_FIELD(k, t, req, struct p_exec, m, lo, hi)
#define X_NAME X_FIELD("name", JSON_DEC_STRING, true, name, 1, XP_NAME_MAX)

/* A deferred session request: streaming once the pod layer took it. */
static void session_answer(struct rpc_req *req, pod_token t, int rc,
			   const char *err)
{
	if (rc < 0) {
		rpc_fail(req, rc, err);
		return;
	}
	req = rpc_req_of(t); /* may be answered already */
	if (req)
		rpc_set_streaming(req);
}

static void m_pod_exec(struct rpc_req *req, const struct json *params)
{
	static const struct json_dec_field f[] = {
		X_NAME,
		X_FIELD("command", JSON_DEC_STRINGS, true, command,
			XP_EXEC_ARGS_MAX, XP_EXEC_ARG_LEN),
		X_FIELD("env", JSON_DEC_STRINGS, false, env, XP_EXEC_ARGS_MAX,
			XP_EXEC_ARG_LEN),
		X_FIELD("cwd", JSON_DEC_STRING, false, cwd, 1, XP_PATH_MAX),
		X_FIELD("user", JSON_DEC_STRING, false, user, 1, XP_USER_MAX),
		X_FIELD("groups", JSON_DEC_STRINGS, false, groups,
			XP_SPEC_GROUPS_MAX, XP_USER_MAX),
		X_FIELD("rlimits", JSON_DEC_ARRAY, false, rlimits,
			XP_RLIMITS_MAX, 0),
		X_FIELD("tty", JSON_DEC_BOOL, false, tty, 0, 0),
		X_FIELD("stdin", JSON_DEC_BOOL, false, in, 0, 0),
		X_FIELD("rows", JSON_DEC_INT, false, rows, 0, XP_TERM_SIZE_MAX),
		X_FIELD("cols", JSON_DEC_INT, false, cols, 0, XP_TERM_SIZE_MAX),
		{ NULL }
	};
	struct p_exec p = { 0 };
	struct pod_exec_req x = { .path = "params" };
	struct rlimit_arg rlimits[XP_RLIMITS_MAX];
	char **command = NULL, **env = NULL, **groups = NULL;
	char err[256];
	size_t i, n_rlimits = 0;
	pod_token t;
	int rc;

	if (!rpc_decode_params(req, params, f, &p))
		return;
	if (!xp_name_valid(p.name)) {
		rpc_error(req, RPC_INVALID_PARAMS,
			  "params.name: invalid pod name");
		return;
	}
	if (!json_len(p.command)) {
		rpc_error(req, RPC_INVALID_PARAMS,
			  "params.command: must not be empty");
		return;
	}
	if (p.user && !xp_user_valid(p.user)) {
		rpc_error(
			req, RPC_INVALID_PARAMS,
			"params.user: expected USER[:GROUP] (names or numbers)");
		return;
	}
	for (i = 0; i < json_len(p.groups); i++)
		if (!xp_group_valid(json_str(json_at(p.groups, i)))) {
			rpc_error(req, RPC_INVALID_PARAMS,
				  "params.groups[%zu]: expected a group name "
				  "or number",
				  i);
			return;
		}
	/* They are the user's groups: the pod's user has its own already. */
	if (json_len(p.groups) && !p.user) {
		rpc_error(req, RPC_INVALID_PARAMS,
			  "params.groups: needs params.user");
		return;
	}
	if (rlimit_decode(p.rlimits, "params.rlimits", rlimits, &n_rlimits, err,
			  sizeof(err))) {
		rpc_error(req, RPC_INVALID_PARAMS, "%s", err);
		return;
	}
	command = json_strv(p.command);
	env = p.env ? json_strv(p.env) : NULL;
	groups = json_len(p.groups) ? json_strv(p.groups) : NULL;
	x.name = p.name;
	x.command = command;
	x.env = env;
	x.cwd = p.cwd;
	x.user = p.user;
	x.groups = groups;
	x.rlimits = rlimits;
	x.n_rlimits = n_rlimits;
	x.tty = p.tty;
	x.in = p.in;
	x.rows = (uint16_t)p.rows;
	x.cols = (uint16_t)p.cols;
	t = rpc_defer(req);
	if (!command || (p.env && !env) || (json_len(p.groups) && !groups)) {
		snprintf(err, sizeof(err), "out of memory");
		rc = -ENOMEM;
	} else {
		rc = pod_exec(&x, t, err, sizeof(err));
	}
	json_strv_free(command);
	json_strv_free(env);
	json_strv_free(groups);
	session_answer(req, t, rc, err);
}

static void m_pod_attach(struct rpc_req *req, const struct json *params)
{
	static const struct json_dec_field f[] = {
		X_NAME,
		X_FIELD("stdin", JSON_DEC_BOOL, false, in, 0, 0),
		X_FIELD("close_stdin", JSON_DEC_BOOL, false, close_stdin, 0, 0),
		X_FIELD("start", JSON_DEC_BOOL, false, start, 0, 0),
		X_FIELD("rows", JSON_DEC_INT, false, rows, 0, XP_TERM_SIZE_MAX),
		X_FIELD("cols", JSON_DEC_INT, false, cols, 0, XP_TERM_SIZE_MAX),
		{ NULL }
	};
	struct p_exec p = { 0 };
	struct pod_attach_req a = { 0 };
	char err[256];
	pod_token t;
	int rc;

	if (!rpc_decode_params(req, params, f, &p))
		return;
	a.name = p.name;
	a.in = p.in;
	a.close_stdin = p.close_stdin;
	a.start = p.start;
	a.rows = (uint16_t)p.rows;
	a.cols = (uint16_t)p.cols;
	t = rpc_defer(req);
	rc = pod_attach(&a, t, err, sizeof(err));
	session_answer(req, t, rc, err);
}

static void m_pod_signal(struct rpc_req *req, const struct json *params)
{
	static const struct json_dec_field f[] = {
		X_NAME,
		X_FIELD("signal", JSON_DEC_INT, true, signo, 1, XP_SIGNAL_MAX),
		{ NULL }
	};
	struct p_exec p = { 0 };
	char err[256];
	int rc;

	if (!rpc_decode_params(req, params, f, &p))
		return;
	rc = pod_signal(p.name, (int)p.signo, err, sizeof(err));
	if (rc < 0)
		rpc_fail(req, rc, err);
	else
		rpc_reply(req, "{}");
}

/* The session on req's connection, or an error answer (0). */
static pod_token session_or_fail(struct rpc_req *req)
{
	pod_token t = rpc_session_of(req);

	if (!pod_session_pod(t)) {
		rpc_fail(req, -EBADFD,
			 "no exec or attach session on this connection");
		return 0;
	}
	return t;
}

static void m_exec_input(struct rpc_req *req, const struct json *params)
{
	static const struct json_dec_field f[] = {
		X_FIELD("data", JSON_DEC_STRING, false, data, 0, XP_LINE_MAX),
		X_FIELD("eof", JSON_DEC_BOOL, false, eof, 0, 0),
		{ NULL }
	};
	static uint8_t buf[XP_LINE_MAX / 4 * 3 + 3];
	struct p_exec p = { 0 };
	pod_token t;
	long n = 0;

	if (!rpc_decode_params(req, params, f, &p))
		return;
	t = session_or_fail(req);
	if (!t)
		return;
	rpc_reply(req, "{}");
	if (p.data)
		n = b64_decode(p.data, buf, sizeof(buf));
	if (n < 0) {
		size_t i, len = strlen(p.data);

		for (i = 0;
		     i < len && (b64_val(p.data[i]) >= 0 || p.data[i] == '=');
		     i++)
			;
		log_warn(
			"pod %s: exec_input of %zu bytes is not base64 (byte %zu is 0x%02x)",
			pod_session_pod(t), len, i,
			i < len ? (unsigned char)p.data[i] : 0);
		pod_session_violation(t, "exec_input: data is not base64");
		return;
	}
	pod_session_input(t, buf, (size_t)n, p.eof);
}

static void m_exec_resize(struct rpc_req *req, const struct json *params)
{
	static const struct json_dec_field f[] = {
		X_FIELD("rows", JSON_DEC_INT, true, rows, 0, XP_TERM_SIZE_MAX),
		X_FIELD("cols", JSON_DEC_INT, true, cols, 0, XP_TERM_SIZE_MAX),
		{ NULL }
	};
	struct p_exec p = { 0 };
	pod_token t;

	if (!rpc_decode_params(req, params, f, &p))
		return;
	t = session_or_fail(req);
	if (!t)
		return;
	pod_session_resize(t, (uint16_t)p.rows, (uint16_t)p.cols);
	rpc_reply(req, "{}");
}

static void m_exec_signal(struct rpc_req *req, const struct json *params)
{
	static const struct json_dec_field f[] = {
		X_FIELD("signal", JSON_DEC_INT, true, signo, 1, XP_SIGNAL_MAX),
		{ NULL }
	};
	struct p_exec p = { 0 };
	pod_token t;

	if (!rpc_decode_params(req, params, f, &p))
		return;
	t = session_or_fail(req);
	if (!t)
		return;
	pod_session_signal(t, (int)p.signo);
	rpc_reply(req, "{}");
}

const struct rpc_method rpc_stream_methods[] = {
	{ XP_M_POD_EXEC, false, m_pod_exec },
	{ XP_M_POD_ATTACH, false, m_pod_attach },
	{ XP_M_POD_SIGNAL, false, m_pod_signal },
	{ XP_M_EXEC_INPUT, false, m_exec_input },
	{ XP_M_EXEC_RESIZE, false, m_exec_resize },
	{ XP_M_EXEC_SIGNAL, false, m_exec_signal },
	{ NULL }
};
