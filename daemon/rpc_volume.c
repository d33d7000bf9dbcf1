/* SPDX-License-Identifier: MIT */
/* rpc_volume: the wire form of volumes: spec.mounts decoded and checked, the POD's "mounts", the volume_* methods. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "json_dec.h"
#include "pod.h"
#include "protocol.h"
#include "rpc.h"
#include "rpc_volume.h"
#include "volume.h"

/* ---- spec.mounts ---- */

struct mount_in {
	const char *source, *dest;
	bool read_only;
};

#define MF(k, t, req, m, lo, hi) \
	JSON_FIELD(k, t, req, struct mount_in, m, lo, hi)

static const struct json_dec_field mount_fields[] = {
	MF("source", JSON_DEC_STRING, true, source, 1, XP_MOUNT_SOURCE_MAX),
	MF("destination", JSON_DEC_STRING, true, dest, 1, XP_MOUNT_DEST_MAX),
	MF("read_only", JSON_DEC_BOOL, false, read_only, 0, 0),
	{ NULL }
};

int rpc_volume_decode_mounts(const struct json *arr, struct mount_arg *out,
			     size_t *n_r, char *err, size_t errsz)
{
	char path[48], why[200];
	int other;

	*n_r = 0;
	for (size_t i = 0; i < json_len(arr); i++) {
		struct mount_in in = { 0 };

		snprintf(path, sizeof(path), "params.spec.mounts[%zu]", i);
		if (json_decode(json_at(arr, i), path, mount_fields, &in, err,
				errsz))
			return -EINVAL;
		if (mount_set(&out[i], in.source, in.dest, in.read_only, why,
			      sizeof(why))) {
			snprintf(err, errsz, "%s: %s", path, why);
			return -EINVAL;
		}
		other = mount_conflict(&out[i], out, i);
		if (other >= 0) {
			snprintf(err, errsz,
				 "%s.destination: %s overlaps mounts[%d]'s %s",
				 path, out[i].dest, other, out[other].dest);
			return -EINVAL;
		}
		*n_r = i + 1;
	}
	return 0;
}

/* ---- spec.tmpfs ---- */

struct tmpfs_in {
	const char *path;
	int64_t size, mode;
	bool ro;
};

#define TF(k, t, req, m, lo, hi) \
	JSON_FIELD(k, t, req, struct tmpfs_in, m, lo, hi)

static const struct json_dec_field tmpfs_fields[] = {
	TF("path", JSON_DEC_STRING, true, path, 1, XP_MOUNT_DEST_MAX),
	TF("size", JSON_DEC_INT, false, size, 1, (int64_t)XP_TMPFS_SIZE_MAX),
	TF("mode", JSON_DEC_INT, false, mode, 0, 07777),
	TF("ro", JSON_DEC_BOOL, false, ro, 0, 0),
	{ NULL }
};

int rpc_volume_decode_tmpfs(const struct json *arr,
			    const struct mount_arg *mounts, size_t n_mounts,
			    struct tmpfs_arg *out, size_t *n_r, char *err,
			    size_t errsz)
{
	char path[48], why[200];
	int other;

	*n_r = 0;
	for (size_t i = 0; i < json_len(arr); i++) {
		struct tmpfs_in in = { .mode = XP_TMPFS_MODE_DEFAULT };

		snprintf(path, sizeof(path), "params.spec.tmpfs[%zu]", i);
		if (json_decode(json_at(arr, i), path, tmpfs_fields, &in, err,
				errsz))
			return -EINVAL;
		if (tmpfs_set(&out[i], in.path, (uint64_t)in.size,
			      (unsigned)in.mode, in.ro, why, sizeof(why))) {
			snprintf(err, errsz, "%s.path: %s", path, why);
			return -EINVAL;
		}
		other = tmpfs_conflict(out[i].dest, out, i);
		if (other >= 0) {
			snprintf(err, errsz,
				 "%s.path: %s overlaps tmpfs[%d]'s %s", path,
				 out[i].dest, other, out[other].dest);
			return -EINVAL;
		}
		for (size_t j = 0; j < n_mounts; j++)
			if (mount_dest_overlap(out[i].dest, mounts[j].dest)) {
				snprintf(
					err, errsz,
					"%s.path: %s overlaps mounts[%zu]'s %s",
					path, out[i].dest, j, mounts[j].dest);
				return -EINVAL;
			}
		*n_r = i + 1;
	}
	return 0;
}

void rpc_volume_write_mounts(struct json_writer *w, const struct pod_info *p)
{
	json_w_key(w, "mounts");
	json_w_array_open(w);
	for (size_t i = 0; i < p->n_mounts; i++) {
		const struct pod_mount *m = &p->mounts[i];

		json_w_object_open(w);
		json_w_key(w, "type");
		json_w_string(w, m->volume[0] ? "volume" : "bind");
		json_w_key(w, "source");
		json_w_string(w, m->source);
		json_w_key(w, "destination");
		json_w_string(w, m->dest);
		json_w_key(w, "mode");
		json_w_string(w, m->read_only ? "ro" : "rw");
		json_w_key(w, "volume");
		json_w_string(w, m->volume[0] ? m->volume : NULL);
		json_w_key(w, "backend_pid");
		if (m->backend_pid > 0)
			json_w_int(w, m->backend_pid);
		else
			json_w_null(w);
		json_w_object_close(w);
	}
	for (size_t i = 0; i < p->n_tmpfs; i++) {
		const struct tmpfs_arg *t = &p->tmpfs[i];
		char octal[8];

		json_w_object_open(w);
		json_w_key(w, "type");
		json_w_string(w, "tmpfs");
		json_w_key(w, "source");
		json_w_string(w, "tmpfs");
		json_w_key(w, "destination");
		json_w_string(w, t->dest);
		json_w_key(w, "mode");
		json_w_string(w, t->read_only ? "ro" : "rw");
		json_w_key(w, "size"); /* null: half of the pod's memory */
		if (t->size)
			json_w_int(w, (int64_t)t->size);
		else
			json_w_null(w);
		snprintf(octal, sizeof(octal), "%04o", t->mode);
		json_w_key(w, "tmpfs_mode"); /* of its root, octal */
		json_w_string(w, octal);
		json_w_object_close(w);
	}
	json_w_array_close(w);
}

/* ---- the VOLUME object and the methods ---- */

static void write_volume(struct json_writer *w, const struct volstore_info *v)
{
	const struct pod *p;
	struct pod_info pi;

	json_w_object_open(w);
	json_w_key(w, "name");
	json_w_string(w, v->name);
	json_w_key(w, "mountpoint");
	json_w_string(w, v->path);
	json_w_key(w, "created_at");
	json_w_time(w, v->created_at);
	json_w_key(w, "used_by");
	json_w_array_open(w);
	for (p = pod_first(); p; p = pod_next(p)) {
		if (!pod_uses_volume(p, v->name))
			continue;
		pod_info(p, &pi);
		json_w_string(w, pi.name);
	}
	json_w_array_close(w);
	json_w_object_close(w);
}

static void reply_volume(struct rpc_req *req, const struct volstore_info *v)
{
	struct json_writer *w = json_writer_new(false);

	write_volume(w, v);
	rpc_reply_writer(req, w);
}

struct p_vol {
	const char *name;
	bool force;
};

#define PV(k, t, req, m, lo, hi) JSON_FIELD(k, t, req, struct p_vol, m, lo, hi)

/* A name in params is checked by the table's length, the rule here. */
static bool name_ok(struct rpc_req *req, const char *name)
{
	if (!name || volume_name_valid(name))
		return true;
	rpc_error(req, RPC_INVALID_PARAMS,
		  "params.name: invalid volume name (%d to %d of %s)",
		  XP_VOLUME_NAME_MIN, XP_VOLUME_NAME_MAX,
		  XP_VOLUME_NAME_PATTERN);
	return false;
}

static void m_volume_create(struct rpc_req *req, const struct json *params)
{
	static const struct json_dec_field f[] = {
		PV("name", JSON_DEC_STRING, false, name, 1, XP_VOLUME_NAME_MAX),
		{ NULL }
	};
	struct p_vol p = { 0 };
	struct volstore_info v;
	char err[512];
	int rc;

	if (!rpc_decode_params(req, params, f, &p) || !name_ok(req, p.name))
		return;
	rc = pod_volume_create(p.name, &v, err, sizeof(err));
	if (rc)
		rpc_fail(req, rc, err);
	else
		reply_volume(req, &v);
}

static int list_one(const struct volstore_info *v, void *arg)
{
	write_volume(arg, v);
	return 0;
}

static void m_volume_list(struct rpc_req *req, const struct json *params)
{
	static const struct json_dec_field f[] = { { NULL } };
	struct p_vol p = { 0 };
	struct json_writer *w;
	int rc;

	if (!rpc_decode_params(req, params, f, &p))
		return;
	w = json_writer_new(false);
	json_w_object_open(w);
	json_w_key(w, "volumes");
	json_w_array_open(w);
	rc = pod_volume_list(list_one, w);
	json_w_array_close(w);
	json_w_object_close(w);
	if (rc) {
		json_writer_free(w);
		rpc_error(req, RPC_FAILED, "cannot list the volumes: %s",
			  strerror(-rc));
		return;
	}
	rpc_reply_writer(req, w);
}

static void m_volume_inspect(struct rpc_req *req, const struct json *params)
{
	static const struct json_dec_field f[] = {
		PV("name", JSON_DEC_STRING, true, name, 1, XP_VOLUME_NAME_MAX),
		{ NULL }
	};
	struct p_vol p = { 0 };
	struct volstore_info v;
	char err[512];
	int rc;

	if (!rpc_decode_params(req, params, f, &p) || !name_ok(req, p.name))
		return;
	rc = pod_volume_get(p.name, &v, err, sizeof(err));
	if (rc)
		rpc_fail(req, rc, err);
	else
		reply_volume(req, &v);
}

static void m_volume_rm(struct rpc_req *req, const struct json *params)
{
	static const struct json_dec_field f[] = {
		PV("name", JSON_DEC_STRING, true, name, 1, XP_VOLUME_NAME_MAX),
		PV("force", JSON_DEC_BOOL, false, force, 0, 0),
		{ NULL }
	};
	struct p_vol p = { 0 };
	char err[512];
	int rc;

	if (!rpc_decode_params(req, params, f, &p) || !name_ok(req, p.name))
		return;
	rc = pod_volume_rm(p.name, p.force, err, sizeof(err));
	if (rc)
		rpc_fail(req, rc, err);
	else
		rpc_reply(req, "{}");
}

const struct rpc_method rpc_volume_methods[] = {
	{ XP_M_VOLUME_CREATE, false, m_volume_create },
	{ XP_M_VOLUME_LIST, true, m_volume_list },
	{ XP_M_VOLUME_INSPECT, true, m_volume_inspect },
	{ XP_M_VOLUME_RM, false, m_volume_rm },
	{ NULL }
};
