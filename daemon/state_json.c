/* SPDX-License-Identifier: MIT */
/* state_json: a pod's state file as JSON: encode and save it, load and decode every one (store.c keeps the files). */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "hv.h"
#include "json.h"
#include "json_dec.h"
#include "net.h"
#include "pod.h"
#include "pod_internal.h"
#include "protocol.h"
#include "state_json.h"
#include "store.h"

/* ---- encoding ---- */

/* The POD object's keys, and what only the state needs; keys unset in an
 * older daemon's state are left out, so that daemon can still read it (it
 * refuses keys it does not know). */
/* The pod's network as one line (net_pod_format), when it has one or a hostname. */
static void write_net(struct json_writer *w, const struct net_pod *np)
{
	char line[NET_STATE_TEXT_MAX];

	if (!np || (np->mode == NET_NONE && !np->hostname[0]) ||
	    net_pod_format(np, line, sizeof(line)))
		return;
	json_w_key(w, "network");
	json_w_string(w, line);
}

/* The pod's volumes and their backends (only when it has some). */
static void write_mounts(struct json_writer *w, const struct pod_info *p)
{
	if (!p->n_mounts)
		return;
	json_w_key(w, "mounts");
	json_w_array_open(w);
	for (size_t i = 0; i < p->n_mounts; i++) {
		const struct pod_mount *m = &p->mounts[i];

		json_w_object_open(w);
		json_w_key(w, "source");
		json_w_string(w, m->source);
		json_w_key(w, "destination");
		json_w_string(w, m->dest);
		json_w_key(w, "read_only");
		json_w_bool(w, m->read_only);
		json_w_key(w, "volume");
		json_w_string(w, m->volume[0] ? m->volume : NULL);
		json_w_key(w, "devid");
		json_w_int(w, m->devid);
		json_w_key(w, "backend_pid");
		if (m->backend_pid > 0)
			json_w_int(w, m->backend_pid);
		else
			json_w_null(w);
		json_w_key(w, "backend_start");
		json_w_int(w, (int64_t)m->backend_start);
		json_w_object_close(w);
	}
	json_w_array_close(w);
}

/* Its tmpfs mounts (only when it has some), as the spec gives them. */
static void write_tmpfs(struct json_writer *w, const struct pod_info *p)
{
	if (!p->n_tmpfs)
		return;
	json_w_key(w, "tmpfs");
	json_w_array_open(w);
	for (size_t i = 0; i < p->n_tmpfs; i++) {
		const struct tmpfs_arg *t = &p->tmpfs[i];

		json_w_object_open(w);
		json_w_key(w, "path");
		json_w_string(w, t->dest);
		if (t->size) {
			json_w_key(w, "size");
			json_w_int(w, (int64_t)t->size);
		}
		json_w_key(w, "mode");
		json_w_int(w, t->mode);
		json_w_key(w, "ro");
		json_w_bool(w, t->read_only);
		json_w_object_close(w);
	}
	json_w_array_close(w);
}

static void write_state(struct json_writer *w, const struct pod_info *p)
{
	json_w_object_open(w);
	json_w_key(w, "name");
	json_w_string(w, p->name);
	json_w_key(w, "uuid");
	json_w_string(w, p->uuid);
	json_w_key(w, "domid");
	if (p->domid >= 0)
		json_w_int(w, p->domid);
	else
		json_w_null(w);
	json_w_key(w, "status");
	json_w_string(w, pod_status_name(p->status));
	json_w_key(w, "exit_code");
	if (p->has_exit)
		json_w_int(w, p->exit_code);
	else
		json_w_null(w);
	json_w_key(w, "reason");
	json_w_string(w, p->reason[0] ? p->reason : NULL);
	json_w_key(w, "image");
	json_w_string(w, p->image);
	json_w_key(w, "image_digest");
	json_w_string(w, p->digest);
	json_w_strv(w, "command", p->argv);
	json_w_strv(w, "env", p->env);
	json_w_key(w, "cwd");
	json_w_string(w, p->cwd);
	if (p->user) {
		json_w_key(w, "user");
		json_w_string(w, p->user);
	}
	if (p->groups && p->groups[0])
		json_w_strv(w, "groups", p->groups);
	json_w_key(w, "kernel_args");
	json_w_string(w, p->kernel_args);
	if (p->kernel[0]) {
		json_w_key(w, "kernel");
		json_w_string(w, p->kernel);
		json_w_key(w, "kernel_digest");
		json_w_string(w, p->kernel_digest[0] ? p->kernel_digest : NULL);
		json_w_key(w, "io_channel");
		if (p->chan == POD_CHAN_UNKNOWN)
			json_w_null(w);
		else
			json_w_bool(w, p->chan == POD_CHAN_IO);
	}
	if (p->term) {
		json_w_key(w, "tty");
		json_w_bool(w, p->term);
	}
	if (p->open_stdin) {
		json_w_key(w, "stdin");
		json_w_bool(w, p->open_stdin);
	}
	if (p->paused) {
		json_w_key(w, "paused");
		json_w_bool(w, p->paused);
	}
	json_w_key(w, "console_tty");
	json_w_string(w, p->console_tty[0] ? p->console_tty : NULL);
	json_w_key(w, "memory_mib");
	json_w_int(w, p->memory_mib);
	json_w_key(w, "vcpus");
	json_w_int(w, p->vcpus);
	json_w_key(w, "created_at");
	json_w_time(w, p->created_at);
	json_w_key(w, "started_at");
	json_w_time(w, p->started_at);
	json_w_key(w, "finished_at");
	json_w_time(w, p->finished_at);
	json_w_key(w, "log_lost_bytes");
	json_w_int(w, (int64_t)p->log_lost_bytes);
	json_w_key(w, "cpio");
	json_w_string(w, p->cpio);
	if (p->stop_deadline) {
		json_w_key(w, "stop_deadline");
		json_w_time(w, p->stop_deadline);
	}
	write_net(w, p->net);
	write_mounts(w, p);
	write_tmpfs(w, p);
	if (p->read_only) {
		json_w_key(w, "read_only");
		json_w_bool(w, true);
	}
	json_w_object_close(w);
}

int state_json_save(const struct pod_info *pi)
{
	struct json_writer *w = json_writer_new(false);
	const char *t;
	size_t len;
	int rc = -ENOMEM;

	write_state(w, pi);
	t = json_writer_text(w, &len);
	if (t)
		rc = store_save(pi->name, t, len);
	json_writer_free(w);
	return rc;
}

/* ---- decoding ---- */

struct state_in {
	const char *name, *uuid, *status, *reason, *image, *digest, *cwd, *cpio;
	const char *kernel_args, *tty, *user;
	const char *created_at, *started_at, *finished_at, *stop_deadline;
	const char *kernel, *kernel_digest;
	const char *network;
	int64_t domid, exit_code, memory_mib, vcpus, lost;
	const struct json *command, *env, *groups, *mounts, *tmpfs;
	bool term, open_stdin, io_channel, paused, read_only;
};

#define ST(k, t, req, m, lo, hi) \
	JSON_FIELD(k, t, req, struct state_in, m, lo, hi)

static const struct json_dec_field state_fields[] = {
	ST("name", JSON_DEC_STRING, true, name, 1, XP_NAME_MAX),
	ST("uuid", JSON_DEC_STRING, true, uuid, HV_UUID_LEN, HV_UUID_LEN),
	ST("domid", JSON_DEC_INT, false, domid, 0, UINT32_MAX),
	ST("status", JSON_DEC_STRING, true, status, 1, 16),
	ST("exit_code", JSON_DEC_INT, false, exit_code, 0, 255),
	ST("reason", JSON_DEC_STRING, false, reason, 0, 191),
	ST("image", JSON_DEC_STRING, true, image, 1, 4095),
	ST("image_digest", JSON_DEC_STRING, true, digest, 0, 64),
	ST("command", JSON_DEC_STRINGS, true, command, 1024, 4096),
	ST("env", JSON_DEC_STRINGS, true, env, 1024, 4096),
	ST("cwd", JSON_DEC_STRING, true, cwd, 1, 255),
	ST("user", JSON_DEC_STRING, false, user, 1, XP_USER_MAX),
	ST("groups", JSON_DEC_STRINGS, false, groups, XP_SPEC_GROUPS_MAX,
	   XP_USER_MAX),
	ST("kernel_args", JSON_DEC_STRING, false, kernel_args, 0,
	   POD_KERNEL_ARGS_MAX),
	ST("console_tty", JSON_DEC_STRING, false, tty, 0, 31),
	ST("tty", JSON_DEC_BOOL, false, term, 0, 0),
	ST("stdin", JSON_DEC_BOOL, false, open_stdin, 0, 0),
	ST("paused", JSON_DEC_BOOL, false, paused, 0, 0),
	ST("memory_mib", JSON_DEC_INT, true, memory_mib, 4, 65536),
	ST("vcpus", JSON_DEC_INT, true, vcpus, 1, 64),
	ST("created_at", JSON_DEC_STRING, false, created_at, 0, 64),
	ST("started_at", JSON_DEC_STRING, false, started_at, 0, 64),
	ST("finished_at", JSON_DEC_STRING, false, finished_at, 0, 64),
	ST("log_lost_bytes", JSON_DEC_INT, false, lost, 0, INT64_MAX),
	ST("cpio", JSON_DEC_STRING, true, cpio, 0, PATH_MAX - 1),
	ST("stop_deadline", JSON_DEC_STRING, false, stop_deadline, 0, 64),
	/* Absent in state files from before they were recorded. */
	ST("kernel", JSON_DEC_STRING, false, kernel, 1, PATH_MAX - 1),
	ST("kernel_digest", JSON_DEC_STRING, false, kernel_digest,
	   DIGEST_HEX_LEN, DIGEST_HEX_LEN),
	ST("io_channel", JSON_DEC_BOOL, false, io_channel, 0, 0),
	ST("network", JSON_DEC_STRING, false, network, 1,
	   NET_STATE_TEXT_MAX - 1),
	ST("mounts", JSON_DEC_ARRAY, false, mounts, XP_MOUNTS_MAX, 0),
	ST("tmpfs", JSON_DEC_ARRAY, false, tmpfs, XP_TMPFS_MAX, 0),
	ST("read_only", JSON_DEC_BOOL, false, read_only, 0, 0),
	{ NULL }
};

struct tmpfs_in {
	const char *path;
	int64_t size, mode;
	bool ro;
};

#define TM(k, t, req, m, lo, hi) \
	JSON_FIELD(k, t, req, struct tmpfs_in, m, lo, hi)

static const struct json_dec_field tmpfs_fields[] = {
	TM("path", JSON_DEC_STRING, true, path, 1, XP_MOUNT_DEST_MAX),
	TM("size", JSON_DEC_INT, false, size, 1, (int64_t)XP_TMPFS_SIZE_MAX),
	TM("mode", JSON_DEC_INT, true, mode, 0, 07777),
	TM("ro", JSON_DEC_BOOL, false, ro, 0, 0),
	{ NULL }
};

/* state.tmpfs into out[]; checked as any input. */
static int decode_tmpfs(const struct json *arr, struct tmpfs_arg *out,
			size_t *n_r, char *why, size_t whysz)
{
	char path[48], w[160];

	*n_r = 0;
	for (size_t i = 0; i < json_len(arr); i++) {
		struct tmpfs_in in = { 0 };

		snprintf(path, sizeof(path), "state.tmpfs[%zu]", i);
		if (json_decode(json_at(arr, i), path, tmpfs_fields, &in, why,
				whysz))
			return -EINVAL;
		if (tmpfs_set(&out[i], in.path, (uint64_t)in.size,
			      (unsigned)in.mode, in.ro, w, sizeof(w)) ||
		    strcmp(out[i].dest, in.path)) {
			snprintf(why, whysz, "%s: not a tmpfs of ours", path);
			return -EINVAL;
		}
		*n_r = i + 1;
	}
	return 0;
}

struct mount_in {
	const char *source, *dest, *volume;
	bool read_only;
	int64_t devid, pid, start;
};

#define MT(k, t, req, m, lo, hi) \
	JSON_FIELD(k, t, req, struct mount_in, m, lo, hi)

static const struct json_dec_field mount_fields[] = {
	MT("source", JSON_DEC_STRING, true, source, 1, PATH_MAX - 1),
	MT("destination", JSON_DEC_STRING, true, dest, 1, XP_MOUNT_DEST_MAX),
	MT("read_only", JSON_DEC_BOOL, false, read_only, 0, 0),
	MT("volume", JSON_DEC_STRING, false, volume, XP_VOLUME_NAME_MIN,
	   XP_VOLUME_NAME_MAX),
	MT("devid", JSON_DEC_INT, true, devid, 0, XP_MOUNTS_MAX - 1),
	MT("backend_pid", JSON_DEC_INT, false, pid, 1, INT32_MAX),
	MT("backend_start", JSON_DEC_INT, false, start, 0, INT64_MAX),
	{ NULL }
};

/* state.mounts into out[]; our own file, but checked as any input. */
static int decode_mounts(const struct json *arr, struct pod_mount *out,
			 size_t *n_r, char *why, size_t whysz)
{
	char path[48], w[160];
	struct mount_arg a;

	*n_r = 0;
	for (size_t i = 0; i < json_len(arr); i++) {
		struct mount_in in = { 0 };
		struct pod_mount *m = &out[i];

		snprintf(path, sizeof(path), "state.mounts[%zu]", i);
		if (json_decode(json_at(arr, i), path, mount_fields, &in, why,
				whysz))
			return -EINVAL;
		if (in.source[0] != '/' || in.devid != (int64_t)i ||
		    (in.volume && !volume_name_valid(in.volume)) ||
		    mount_set(&a, in.source, in.dest, in.read_only, w,
			      sizeof(w)) ||
		    strcmp(a.dest, in.dest)) {
			snprintf(why, whysz, "%s: not a mount of ours", path);
			return -EINVAL;
		}
		memset(m, 0, sizeof(*m));
		snprintf(m->source, sizeof(m->source), "%s", in.source);
		snprintf(m->dest, sizeof(m->dest), "%s", in.dest);
		snprintf(m->volume, sizeof(m->volume), "%s",
			 in.volume ? in.volume : "");
		m->read_only = in.read_only;
		m->devid = (unsigned)i;
		m->backend_pid = in.pid;
		m->backend_start = (uint64_t)in.start;
		*n_r = i + 1;
	}
	return 0;
}

static int parse_status(const char *s, enum pod_status *r)
{
	enum pod_status st;

	for (st = POD_CREATING; st <= POD_FAILED; st++) {
		if (strcmp(pod_status_name(st), s) == 0) {
			*r = st;
			return 0;
		}
	}
	return -EINVAL;
}

static void info_of_state(const struct state_in *s, enum pod_status st,
			  struct pod_info *pi)
{
	memset(pi, 0, sizeof(*pi));
	pi->name = s->name;
	pi->uuid = s->uuid;
	pi->domid = s->domid;
	pi->status = st;
	pi->has_exit = s->exit_code >= 0;
	pi->exit_code = pi->has_exit ? (int)s->exit_code : 0;
	pi->reason = s->reason ? s->reason : "";
	pi->image = s->image;
	pi->digest = s->digest;
	pi->cwd = s->cwd;
	pi->user = s->user;
	pi->kernel_args = s->kernel_args;
	pi->kernel = s->kernel ? s->kernel : "";
	pi->kernel_digest = s->kernel_digest ? s->kernel_digest : "";
	pi->chan = !s->kernel	 ? POD_CHAN_UNKNOWN :
		   s->io_channel ? POD_CHAN_IO :
				   POD_CHAN_NONE;
	pi->term = s->term;
	pi->open_stdin = s->open_stdin;
	pi->paused = s->paused;
	pi->console_tty = s->tty ? s->tty : "";
	pi->memory_mib = (unsigned)s->memory_mib;
	pi->vcpus = (unsigned)s->vcpus;
	pi->created_at = json_time_parse(s->created_at);
	pi->started_at = json_time_parse(s->started_at);
	pi->finished_at = json_time_parse(s->finished_at);
	pi->stop_deadline = json_time_parse(s->stop_deadline);
	pi->log_lost_bytes = (uint64_t)s->lost;
	pi->cpio = s->cpio;
}

struct load_ctx {
	state_json_load_cb *cb;
	void *arg;
};

static int load_one(const char *file_name, struct json *root, void *arg,
		    char *why, size_t whysz)
{
	struct state_in s = { .domid = -1, .exit_code = -1 };
	const struct load_ctx *lc = arg;
	char **argv = NULL, **env = NULL, **groups = NULL;
	struct pod_info pi;
	struct net_pod np = { .mode = NET_NONE };
	struct pod_mount mounts[XP_MOUNTS_MAX];
	struct tmpfs_arg tmpfs[XP_TMPFS_MAX];
	size_t n_mounts = 0, n_tmpfs = 0;
	enum pod_status st;
	int rc;

	rc = json_decode(root, "state", state_fields, &s, why, whysz);
	if (!rc && s.mounts)
		rc = decode_mounts(s.mounts, mounts, &n_mounts, why, whysz);
	if (!rc && s.tmpfs)
		rc = decode_tmpfs(s.tmpfs, tmpfs, &n_tmpfs, why, whysz);
	if (!rc && s.network && net_pod_parse(s.network, &np)) {
		snprintf(why, whysz, "state.network: bad \"%.80s\"", s.network);
		rc = -EINVAL;
	}
	if (!rc && (strcmp(s.name, file_name) || !xp_name_valid(s.name))) {
		snprintf(why, whysz,
			 "state.name: does not match the file name");
		rc = -EINVAL;
	}
	if (!rc && parse_status(s.status, &st)) {
		snprintf(why, whysz, "state.status: unknown \"%.16s\"",
			 s.status);
		rc = -EINVAL;
	}
	if (!rc) {
		argv = json_strv(s.command);
		env = json_strv(s.env);
		groups = s.groups ? json_strv(s.groups) : NULL;
		if (!argv || !env || (s.groups && !groups))
			rc = -ENOMEM;
	}
	if (!rc) {
		info_of_state(&s, st, &pi);
		pi.argv = argv;
		pi.env = env;
		pi.groups = groups;
		pi.net = &np;
		pi.mounts = mounts;
		pi.n_mounts = n_mounts;
		pi.tmpfs = tmpfs;
		pi.n_tmpfs = n_tmpfs;
		pi.read_only = s.read_only;
		rc = lc->cb(&pi, lc->arg, why, whysz);
	}
	json_strv_free(argv);
	json_strv_free(env);
	json_strv_free(groups);
	json_free(root);
	return rc;
}

int state_json_load_all(state_json_load_cb *cb, void *arg)
{
	struct load_ctx lc = { cb, arg };

	return store_load_all(load_one, &lc);
}
