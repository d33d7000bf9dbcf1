/* SPDX-License-Identifier: MIT */
/* rpc_pod: the pod lifecycle methods: params and spec decoding, the POD object, events, deferred answers. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "json_dec.h"
#include "pod.h"
#include "protocol.h"
#include "rpc.h"
#include "rpc_net.h"
#include "rpc_volume.h"

/* ---- the POD object (PROTOCOL.md) ---- */

static void write_pod(struct json_writer *w, const struct pod *pod)
{
	struct pod_info p;

	pod_info(pod, &p);
	json_w_object_open(w);
	json_w_key(w, "name");
	json_w_string(w, p.name);
	json_w_key(w, "uuid");
	json_w_string(w, p.uuid);
	json_w_key(w, "domid");
	if (p.domid >= 0)
		json_w_int(w, p.domid);
	else
		json_w_null(w);
	json_w_key(w, "status");
	json_w_string(w, pod_status_name(p.status));
	json_w_key(w, "paused");
	json_w_bool(w, p.paused);
	json_w_key(w, "exit_code");
	if (p.has_exit)
		json_w_int(w, p.exit_code);
	else
		json_w_null(w);
	json_w_key(w, "reason");
	json_w_string(w, p.reason[0] ? p.reason : NULL);
	json_w_key(w, "image");
	json_w_string(w, p.image);
	json_w_key(w, "image_digest");
	json_w_string(w, p.digest);
	json_w_strv(w, "command", p.argv);
	json_w_strv(w, "env", p.env);
	json_w_key(w, "cwd");
	json_w_string(w, p.cwd);
	if (p.user) { /* absent: root, as before users existed */
		json_w_key(w, "user");
		json_w_string(w, p.user);
	}
	if (p.groups && p.groups[0])
		json_w_strv(w, "groups", p.groups);
	if (p.n_rlimits) { /* absent: the guest's defaults */
		json_w_key(w, "rlimits");
		json_w_array_open(w);
		for (size_t i = 0; i < p.n_rlimits; i++)
			rlimit_write(w, &p.rlimits[i]);
		json_w_array_close(w);
	}
	json_w_key(w, "kernel_args");
	json_w_string(w, p.kernel_args);
	/* What it was created with; unknown (null) for a pod from an older state file. */
	json_w_key(w, "kernel");
	json_w_string(w, p.kernel[0] ? p.kernel : NULL);
	json_w_key(w, "kernel_digest");
	json_w_string(w, p.kernel_digest[0] ? p.kernel_digest : NULL);
	json_w_key(w, "io_channel");
	if (p.chan == POD_CHAN_UNKNOWN)
		json_w_null(w);
	else
		json_w_bool(w, p.chan == POD_CHAN_IO);
	json_w_key(w, "tty");
	json_w_bool(w, p.term);
	json_w_key(w, "stdin");
	json_w_bool(w, p.open_stdin);
	json_w_key(w, "read_only");
	json_w_bool(w, p.read_only);
	json_w_key(w, "console_tty");
	json_w_string(w, p.console_tty[0] ? p.console_tty : NULL);
	json_w_key(w, "memory_mib");
	json_w_int(w, p.memory_mib);
	json_w_key(w, "vcpus");
	json_w_int(w, p.vcpus);
	json_w_key(w, "created_at");
	json_w_time(w, p.created_at);
	json_w_key(w, "started_at");
	json_w_time(w, p.started_at);
	json_w_key(w, "finished_at");
	json_w_time(w, p.finished_at);
	json_w_key(w, "log_lost_bytes");
	json_w_int(w, (int64_t)p.log_lost_bytes);
	rpc_net_write(w, &p);
	rpc_volume_write_mounts(w, &p);
	json_w_object_close(w);
}

/* Reply with the POD object. */
static void reply_pod(struct rpc_req *req, const struct pod *p)
{
	struct json_writer *w = json_writer_new(false);

	write_pod(w, p);
	rpc_reply_writer(req, w);
}

/* The answer of an operation that returns the pod (or defers). */
static void answer_pod(struct rpc_req *req, int rc, const struct pod *p,
		       const char *err)
{
	if (rc == POD_DEFERRED)
		return; /* req is answered through rpc_pod_reply_* */
	if (rc < 0)
		rpc_fail(req, rc, err);
	else
		reply_pod(req, p);
}

/* ---- deferred answers and events (pod_ops) ---- */

void rpc_pod_reply_pod(pod_token t, const struct pod *p)
{
	struct rpc_req *req = rpc_req_of(t);

	if (req)
		reply_pod(req, p);
}

void rpc_pod_reply_error(pod_token t, int neg_errno, int status,
			 const char *msg)
{
	struct rpc_req *req = rpc_req_of(t);

	if (!req)
		return;
	if (status >= 0)
		rpc_error_status(req, rpc_code_of(neg_errno), status, "%s",
				 msg);
	else
		rpc_error(req, rpc_code_of(neg_errno), "%s", msg);
}

void rpc_pod_reply_done(pod_token t)
{
	struct rpc_req *req = rpc_req_of(t);

	if (req)
		rpc_reply(req, "{}");
}

void rpc_pod_event(const struct pod_event *e)
{
	struct json_writer *w = json_writer_new(false);
	const char *t;

	json_w_object_open(w);
	json_w_key(w, "name");
	json_w_string(w, e->name);
	json_w_key(w, "uuid");
	json_w_string(w, e->uuid);
	json_w_key(w, "event");
	json_w_string(w, e->event);
	json_w_key(w, "time");
	json_w_time(w, e->time);
	if (e->reason) {
		json_w_key(w, "reason");
		json_w_string(w, e->reason);
	}
	if (e->has_exit) {
		json_w_key(w, "exit_code");
		json_w_int(w, e->exit_code);
	}
	json_w_object_close(w);
	t = json_writer_text(w, NULL);
	if (t)
		rpc_broadcast_event(t);
	json_writer_free(w);
}

/* ---- params ---- */

struct p_name {
	const char *name;
	int64_t timeout;
	bool force, all, follow;
	int64_t tail;
	const struct json *spec;
	const char *stream;
};

#define P_FIELD(k, t, req, m, lo, hi) \
	JSON_FIELD(k, t, req, struct p_name, m, lo, hi)
#define NAME_FIELD P_FIELD("name", JSON_DEC_STRING, true, name, 1, XP_NAME_MAX)

static bool decode_name(struct rpc_req *req, const struct json *params,
			const struct json_dec_field *fields, struct p_name *p)
{
	if (!rpc_decode_params(req, params, fields, p))
		return false;
	if (!xp_name_valid(p->name)) { /* "name" is required */
		rpc_error(req, RPC_INVALID_PARAMS,
			  "params.name: invalid pod name (allowed: %s)",
			  XP_NAME_PATTERN);
		return false;
	}
	return true;
}

/* ---- pod_create: the spec ---- */

struct spec_in {
	const char *name;
	const char *image;
	const struct json *command;
	const struct json *env;
	const char *cwd;
	const char *user;
	const struct json *groups;
	const char *kernel_args;
	int64_t memory_mib;
	int64_t vcpus;
	bool tty, open_stdin;
	const struct json *network, *mounts, *tmpfs, *rlimits;
	bool read_only;
};

#define SF(k, t, req, m, lo, hi) \
	JSON_FIELD(k, t, req, struct spec_in, m, lo, hi)

static const struct json_dec_field spec_fields[] = {
	SF("name", JSON_DEC_STRING, false, name, 1, XP_NAME_MAX),
	SF("image", JSON_DEC_STRING, true, image, 1, XP_PATH_MAX),
	SF("command", JSON_DEC_STRINGS, false, command, XP_SPEC_ARGS_MAX,
	   XP_SPEC_ARG_LEN),
	SF("env", JSON_DEC_STRINGS, false, env, XP_SPEC_ARGS_MAX,
	   XP_SPEC_ARG_LEN),
	SF("cwd", JSON_DEC_STRING, false, cwd, 1, XP_SPEC_CWD_MAX),
	SF("user", JSON_DEC_STRING, false, user, 1, XP_USER_MAX),
	SF("groups", JSON_DEC_STRINGS, false, groups, XP_SPEC_GROUPS_MAX,
	   XP_USER_MAX),
	SF("kernel_args", JSON_DEC_STRING, false, kernel_args, 0,
	   XP_KERNEL_ARGS_MAX),
	SF("memory_mib", JSON_DEC_INT, false, memory_mib, XP_MEMORY_MIB_MIN,
	   XP_MEMORY_MIB_MAX),
	SF("vcpus", JSON_DEC_INT, false, vcpus, 1, XP_VCPUS_MAX),
	SF("tty", JSON_DEC_BOOL, false, tty, 0, 0),
	SF("stdin", JSON_DEC_BOOL, false, open_stdin, 0, 0),
	SF("network", JSON_DEC_OBJECT, false, network, 0, 0),
	SF("mounts", JSON_DEC_ARRAY, false, mounts, XP_MOUNTS_MAX, 0),
	SF("tmpfs", JSON_DEC_ARRAY, false, tmpfs, XP_TMPFS_MAX, 0),
	SF("read_only", JSON_DEC_BOOL, false, read_only, 0, 0),
	SF("rlimits", JSON_DEC_ARRAY, false, rlimits, XP_RLIMITS_MAX, 0),
	{ NULL }
};

/* The kernel command line: printable ASCII only (it lands in a libxl
 * config and on the guest's console). */
static bool kernel_args_valid(const char *a)
{
	for (; *a; a++)
		if (*a < 0x20 || *a > 0x7e)
			return false;
	return true;
}

/* Semantic checks the table cannot express. */
static int spec_check(const struct spec_in *s, char *err, size_t errsz)
{
	size_t i;

	if (s->name && !xp_name_valid(s->name)) {
		snprintf(err, errsz,
			 "params.spec.name: invalid pod name (allowed: %s)",
			 XP_NAME_PATTERN);
		return -EINVAL;
	}
	if (s->image[0] != '/') {
		snprintf(err, errsz,
			 "params.spec.image: must be an absolute path");
		return -EINVAL;
	}
	if (s->cwd && s->cwd[0] != '/') {
		snprintf(err, errsz,
			 "params.spec.cwd: must be an absolute path");
		return -EINVAL;
	}
	if (s->user && !xp_user_valid(s->user)) {
		snprintf(
			err, errsz,
			"params.spec.user: expected USER[:GROUP] (names or numbers)");
		return -EINVAL;
	}
	for (i = 0; i < json_len(s->groups); i++)
		if (!xp_group_valid(json_str(json_at(s->groups, i)))) {
			snprintf(
				err, errsz,
				"params.spec.groups[%zu]: expected a group name or number",
				i);
			return -EINVAL;
		}
	if (s->command && json_len(s->command) &&
	    !json_str(json_at(s->command, 0))[0]) {
		snprintf(err, errsz,
			 "params.spec.command[0]: must not be empty");
		return -EINVAL;
	}
	if (s->kernel_args && !kernel_args_valid(s->kernel_args)) {
		snprintf(
			err, errsz,
			"params.spec.kernel_args: only printable ASCII is allowed");
		return -EINVAL;
	}
	for (i = 0; i < json_len(s->env); i++) {
		const char *e = json_str(json_at(s->env, i));
		const char *eq = strchr(e, '=');

		if (!eq || eq == e) {
			snprintf(err, errsz,
				 "params.spec.env[%zu]: expected KEY=VALUE", i);
			return -EINVAL;
		}
	}
	return 0;
}

static void m_pod_create(struct rpc_req *req, const struct json *params)
{
	static const struct json_dec_field f[] = {
		P_FIELD("spec", JSON_DEC_OBJECT, true, spec, 0, 0), { NULL }
	};
	struct p_name p = { 0 };
	struct spec_in s = { .memory_mib = 0, .vcpus = 1 }; /* 0: the image's */
	struct pod_spec ps = { .path = "params.spec" };
	struct net_spec net;
	struct mount_arg mounts[XP_MOUNTS_MAX];
	struct tmpfs_arg tmpfs[XP_TMPFS_MAX];
	struct rlimit_arg rlimits[XP_RLIMITS_MAX];
	size_t n_mounts = 0, n_tmpfs = 0, n_rlimits = 0;
	char **command = NULL, **env = NULL, **groups = NULL;
	char err[512] = "";
	int rc;

	if (!rpc_decode_params(req, params, f, &p))
		return;
	rc = json_decode(p.spec, "params.spec", spec_fields, &s, err,
			 sizeof(err));
	if (!rc)
		rc = spec_check(&s, err, sizeof(err));
	if (!rc)
		rc = rpc_net_decode(s.network, &net, err, sizeof(err));
	if (!rc)
		rc = rpc_volume_decode_mounts(s.mounts, mounts, &n_mounts, err,
					      sizeof(err));
	if (!rc)
		rc = rpc_volume_decode_tmpfs(s.tmpfs, mounts, n_mounts, tmpfs,
					     &n_tmpfs, err, sizeof(err));
	if (!rc)
		rc = rlimit_decode(s.rlimits, "params.spec.rlimits", rlimits,
				   &n_rlimits, err, sizeof(err));
	if (rc) {
		rpc_fail(req, rc, err);
		return;
	}
	if ((s.command && !(command = json_strv(s.command))) ||
	    (s.env && !(env = json_strv(s.env))) ||
	    (s.groups && !(groups = json_strv(s.groups)))) {
		json_strv_free(command);
		json_strv_free(env);
		rpc_error(req, RPC_FAILED, "out of memory");
		return;
	}
	ps.name = s.name;
	ps.image = s.image;
	ps.command = command;
	ps.env = env;
	ps.cwd = s.cwd;
	ps.user = s.user;
	ps.groups = groups;
	ps.rlimits = rlimits;
	ps.n_rlimits = n_rlimits;
	ps.kernel_args = s.kernel_args;
	ps.memory_mib = (unsigned)s.memory_mib;
	ps.vcpus = (unsigned)s.vcpus;
	ps.tty = s.tty;
	ps.open_stdin = s.open_stdin;
	ps.net = &net;
	ps.mounts = mounts;
	ps.n_mounts = n_mounts;
	ps.tmpfs = tmpfs;
	ps.n_tmpfs = n_tmpfs;
	ps.read_only = s.read_only;
	rc = pod_create(&ps, rpc_defer(req), err, sizeof(err));
	json_strv_free(command);
	json_strv_free(env);
	json_strv_free(groups);
	if (rc < 0)
		rpc_fail(req, rc, err);
}

/* ---- the other lifecycle methods ---- */

static void m_pod_start(struct rpc_req *req, const struct json *params)
{
	static const struct json_dec_field f[] = { NAME_FIELD, { NULL } };
	struct p_name p = { 0 };
	const struct pod *pod;
	char err[512];
	int rc;

	if (!decode_name(req, params, f, &p))
		return;
	rc = pod_start(p.name, rpc_defer(req), &pod, err, sizeof(err));
	answer_pod(req, rc, pod, err);
}

static void m_pod_stop(struct rpc_req *req, const struct json *params)
{
	static const struct json_dec_field f[] = {
		NAME_FIELD,
		P_FIELD("timeout", JSON_DEC_INT, false, timeout, 0,
			XP_STOP_TIMEOUT_MAX),
		{ NULL }
	};
	struct p_name p = { .timeout = XP_STOP_TIMEOUT_DEFAULT };
	const struct pod *pod;
	char err[512];
	int rc;

	if (!decode_name(req, params, f, &p))
		return;
	rc = pod_stop(p.name, p.timeout, rpc_defer(req), &pod, err,
		      sizeof(err));
	answer_pod(req, rc, pod, err);
}

/* pod_kill, pod_pause and pod_unpause: {"name":N}, answered at once with
 * the pod. */
typedef int pod_name_fn(const char *name, const struct pod **p_r, char *err,
			size_t errsz);

static void name_op(struct rpc_req *req, const struct json *params,
		    pod_name_fn *op)
{
	static const struct json_dec_field f[] = { NAME_FIELD, { NULL } };
	struct p_name p = { 0 };
	const struct pod *pod;
	char err[512];
	int rc;

	if (!decode_name(req, params, f, &p))
		return;
	rc = op(p.name, &pod, err, sizeof(err));
	answer_pod(req, rc, pod, err);
}

static void m_pod_kill(struct rpc_req *req, const struct json *params)
{
	name_op(req, params, pod_kill);
}

static void m_pod_pause(struct rpc_req *req, const struct json *params)
{
	name_op(req, params, pod_pause);
}

static void m_pod_unpause(struct rpc_req *req, const struct json *params)
{
	name_op(req, params, pod_resume);
}

static void m_pod_rm(struct rpc_req *req, const struct json *params)
{
	static const struct json_dec_field f[] = {
		NAME_FIELD,
		P_FIELD("force", JSON_DEC_BOOL, false, force, 0, 0),
		{ NULL }
	};
	struct p_name p = { 0 };
	char err[512];
	int rc;

	if (!decode_name(req, params, f, &p))
		return;
	rc = pod_rm(p.name, p.force, err, sizeof(err));
	if (rc < 0)
		rpc_fail(req, rc, err);
	else
		rpc_reply(req, "{}");
}

static void m_pod_list(struct rpc_req *req, const struct json *params)
{
	static const struct json_dec_field f[] = {
		P_FIELD("all", JSON_DEC_BOOL, false, all, 0, 0), { NULL }
	};
	struct p_name p = { 0 };
	struct json_writer *w;
	const struct pod *pod;
	struct pod_info pi;

	if (!rpc_decode_params(req, params, f, &p))
		return;
	w = json_writer_new(false);
	json_w_object_open(w);
	json_w_key(w, "pods");
	json_w_array_open(w);
	for (pod = pod_first(); pod; pod = pod_next(pod)) {
		pod_info(pod, &pi);
		if (p.all || !pod_status_final(pi.status))
			write_pod(w, pod);
	}
	json_w_array_close(w);
	json_w_object_close(w);
	rpc_reply_writer(req, w);
}

static void m_pod_inspect(struct rpc_req *req, const struct json *params)
{
	static const struct json_dec_field f[] = { NAME_FIELD, { NULL } };
	struct p_name p = { 0 };
	const struct pod *pod;
	char err[512];
	int rc;

	if (!decode_name(req, params, f, &p))
		return;
	rc = pod_get(p.name, &pod, err, sizeof(err));
	answer_pod(req, rc, pod, err);
}

static void m_pod_wait(struct rpc_req *req, const struct json *params)
{
	static const struct json_dec_field f[] = { NAME_FIELD, { NULL } };
	struct p_name p = { 0 };
	const struct pod *pod;
	char err[512];
	int rc;

	if (!decode_name(req, params, f, &p))
		return;
	rc = pod_wait(p.name, rpc_defer(req), &pod, err, sizeof(err));
	answer_pod(req, rc, pod, err);
}

static void m_pod_logs(struct rpc_req *req, const struct json *params)
{
	static const struct json_dec_field f[] = {
		NAME_FIELD,
		P_FIELD("tail", JSON_DEC_INT, false, tail, 0, INT32_MAX),
		P_FIELD("follow", JSON_DEC_BOOL, false, follow, 0, 0),
		P_FIELD("stream", JSON_DEC_STRING, false, stream, 1, 16),
		{ NULL }
	};
	struct p_name p = { .tail = -1 };
	enum pod_log_stream stream = POD_LOG_DEFAULT;
	const struct pod *pod;
	char err[512];
	int rc;

	if (!decode_name(req, params, f, &p))
		return;
	rc = pod_get(p.name, &pod, err, sizeof(err));
	if (rc < 0) {
		rpc_fail(req, rc, err);
		return;
	}
	if (p.stream && !strcmp(p.stream, "stdout"))
		stream = POD_LOG_STDOUT;
	else if (p.stream && !strcmp(p.stream, "stderr"))
		stream = POD_LOG_STDERR;
	else if (p.stream && !strcmp(p.stream, "kernel"))
		stream = POD_LOG_KERNEL;
	else if (p.stream) {
		rpc_error(req, RPC_INVALID_PARAMS,
			  "params.stream: expected stdout, stderr or kernel");
		return;
	}
	rc = pod_logs(p.name, p.tail, p.follow, stream, rpc_defer(req), err,
		      sizeof(err));
	if (rc < 0)
		rpc_fail(req, rc, err);
}

const struct rpc_method rpc_pod_methods[] = {
	{ XP_M_POD_CREATE, false, m_pod_create },
	{ XP_M_POD_START, false, m_pod_start },
	{ XP_M_POD_STOP, false, m_pod_stop },
	{ XP_M_POD_KILL, false, m_pod_kill },
	{ XP_M_POD_PAUSE, false, m_pod_pause },
	{ XP_M_POD_UNPAUSE, false, m_pod_unpause },
	{ XP_M_POD_RM, false, m_pod_rm },
	{ XP_M_POD_LIST, true, m_pod_list },
	{ XP_M_POD_INSPECT, true, m_pod_inspect },
	{ XP_M_POD_WAIT, true, m_pod_wait },
	{ XP_M_POD_LOGS, true, m_pod_logs },
	{ NULL }
};
