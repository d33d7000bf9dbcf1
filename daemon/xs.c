/* SPDX-License-Identifier: MIT */
/* xs: the only xenstore user: writes pod specs, reads guest status (hostile input). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "log.h"
#include "xenstore-paths.h"
#include "xs.h"

#define XS_VALUE_CAP 128 /* bytes read from any guest-writable node */
#define XS_SPEC_MAX 4096
#define XS_TXN_TRIES 16

struct xs {
	struct xs_handle *h;
};

/* ---- pure parsers (guest-written values are hostile) ---- */

/* val[0..len) must be exactly word: no NUL, no spaces, no prefix. */
static bool xs_is_word(const char *val, size_t len, const char *word)
{
	return len == strlen(word) && !memcmp(val, word, len);
}

int xs_parse_state(const char *val, size_t len, enum xs_guest_state *r)
{
	if (!val)
		return -EINVAL;
	if (xs_is_word(val, len, "running"))
		*r = XS_GUEST_RUNNING;
	else if (xs_is_word(val, len, "exited"))
		*r = XS_GUEST_EXITED;
	else if (xs_is_word(val, len, "failed"))
		*r = XS_GUEST_FAILED;
	else
		return -EINVAL;
	return 0;
}

/* Decimal 0..255, no sign, no leading zeros, no spaces, nothing else. */
int xs_parse_exit_code(const char *val, size_t len, int *r)
{
	int v = 0;
	size_t i;

	if (!val || len == 0 || len > 3)
		return -EINVAL;
	if (val[0] == '0' && len > 1)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (val[i] < '0' || val[i] > '9')
			return -EINVAL;
		v = v * 10 + (val[i] - '0');
	}
	if (v > 255)
		return -ERANGE;
	*r = v;
	return 0;
}

size_t xs_sanitize_text(const char *val, size_t len, char *out, size_t outsz)
{
	size_t i, n = 0;

	if (!outsz)
		return 0;
	for (i = 0; i < len && n + 1 < outsz; i++) {
		unsigned char c = (unsigned char)val[i];

		out[n++] = (c >= 0x20 && c <= 0x7e) ? (char)c : '?';
	}
	out[n] = '\0';
	return n;
}

/* Strict console pty path: /dev/pts/N; the guest can write ~/console. */
int xs_parse_tty(const char *val, size_t len)
{
	static const char pfx[] = "/dev/pts/";
	size_t i, p = sizeof(pfx) - 1;

	if (!val || len <= p || len > p + 9 || memcmp(val, pfx, p))
		return -EINVAL;
	if (val[p] == '0' && len > p + 1)
		return -EINVAL;
	for (i = p; i < len; i++)
		if (val[i] < '0' || val[i] > '9')
			return -EINVAL;
	return 0;
}

/* ---- xenstore access ---- */

int xs_connect(struct xs **xs_r)
{
	struct xs *xs = calloc(1, sizeof(*xs));

	if (!xs)
		return -ENOMEM;
	xs->h = xs_open(0);
	if (!xs->h) {
		int rc = -errno;

		free(xs);
		return rc ? rc : -EIO;
	}
	*xs_r = xs;
	return 0;
}

void xs_disconnect(struct xs *xs)
{
	if (!xs)
		return;
	xs_close(xs->h);
	free(xs);
}

int xs_fd(struct xs *xs)
{
	return xs_fileno(xs->h);
}

static int xs_path(char *buf, size_t bufsz, uint32_t domid, const char *rel)
{
	int n = snprintf(buf, bufsz, XSP_HOME_FMT "/%s", domid, rel);

	return n < 0 || (size_t)n >= bufsz ? -ENAMETOOLONG : 0;
}

/* dom0 owns it, the guest may read it, nobody else sees it. */
static bool xs_set_guest_ro(struct xs *xs, xs_transaction_t t, const char *path,
			    uint32_t domid)
{
	struct xs_permissions perms[2] = {
		{ .id = 0, .perms = XS_PERM_NONE },
		{ .id = domid, .perms = XS_PERM_READ },
	};

	return xs_set_permissions(xs->h, t, path, perms, 2);
}

int xs_publish_vchan(void *xsv, uint32_t domid, const char *dir,
		     uint32_t ring_ref, uint32_t port)
{
	struct xs *xs = xsv;
	char path[160], val[16];
	xs_transaction_t t;
	int rc;

	for (int tries = 0; tries < 8; tries++) {
		t = xs_transaction_start(xs->h);
		if (t == XBT_NULL)
			return errno ? -errno : -EIO;
		snprintf(path, sizeof(path), "%s/ring-ref", dir);
		snprintf(val, sizeof(val), "%u", ring_ref);
		if (xs_write(xs->h, t, path, val, strlen(val)) &&
		    xs_set_guest_ro(xs, t, path, domid)) {
			snprintf(path, sizeof(path), "%s/event-channel", dir);
			snprintf(val, sizeof(val), "%u", port);
			if (xs_write(xs->h, t, path, val, strlen(val)) &&
			    xs_set_guest_ro(xs, t, path, domid)) {
				if (xs_transaction_end(xs->h, t, false))
					return 0;
				if (errno == EAGAIN)
					continue;
				return errno ? -errno : -EIO;
			}
		}
		rc = errno ? -errno : -EIO;
		xs_transaction_end(xs->h, t, true);
		return rc;
	}
	return -EAGAIN;
}

static int xs_write_spec_txn(struct xs *xs, uint32_t domid, const char *dir,
			     const char *path, const char *spec)
{
	xs_transaction_t t = xs_transaction_start(xs->h);

	if (t == XBT_NULL)
		return -errno;
	if (!xs_mkdir(xs->h, t, dir) || !xs_set_guest_ro(xs, t, dir, domid) ||
	    !xs_write(xs->h, t, path, spec, strlen(spec)) ||
	    !xs_set_guest_ro(xs, t, path, domid)) {
		int rc = -errno;

		xs_transaction_end(xs->h, t, true);
		return rc ? rc : -EIO;
	}
	if (!xs_transaction_end(xs->h, t, false))
		return errno == EAGAIN ? -EAGAIN : -errno;
	return 0;
}

int xs_write_spec(struct xs *xs, uint32_t domid, const char *spec)
{
	char dir[64], path[80];
	int rc, i;

	if (strlen(spec) > XS_SPEC_MAX)
		return -E2BIG;
	if (xs_path(dir, sizeof(dir), domid, XSP_DIR_XENPOD) ||
	    xs_path(path, sizeof(path), domid, XSP_XENPOD_SPEC))
		return -ENAMETOOLONG;
	for (i = 0; i < XS_TXN_TRIES; i++) {
		rc = xs_write_spec_txn(xs, domid, dir, path, spec);
		if (rc != -EAGAIN)
			return rc;
	}
	return -EAGAIN;
}

/*
 * Read a guest-writable node into buf (NUL-terminated), at most cap bytes.
 * 0 and *len_r; -ENOENT if absent; -E2BIG if longer than cap.
 */
static int xs_read_capped(struct xs *xs, uint32_t domid, const char *rel,
			  char *buf, size_t cap, size_t *len_r)
{
	char path[80];
	unsigned int len = 0;
	char *v;

	if (xs_path(path, sizeof(path), domid, rel))
		return -ENAMETOOLONG;
	v = xs_read(xs->h, XBT_NULL, path, &len);
	if (!v)
		return errno ? -errno : -EIO;
	if (len > cap) {
		free(v);
		return -E2BIG;
	}
	memcpy(buf, v, len);
	buf[len] = '\0';
	free(v);
	*len_r = len;
	return 0;
}

static void xs_invalid(struct xs_guest_status *st, const char *node,
		       const char *why)
{
	st->state = XS_GUEST_INVALID;
	snprintf(st->error, sizeof(st->error), "guest wrote %s %s", why, node);
}

static void xs_eval_exit(const struct xs_value *exit,
			 struct xs_guest_status *st)
{
	if (exit->rc == -ENOENT)
		xs_invalid(st, "~/" XSP_DATA_XENPOD_EXIT,
			   "state exited without");
	else if (exit->rc ||
		 xs_parse_exit_code(exit->val, exit->len, &st->exit_code))
		xs_invalid(st, "~/" XSP_DATA_XENPOD_EXIT, "a malformed");
}

/* With state failed, exit is the failure's status: 127 not found, 126
 * cannot execute, 125 anything else (also when absent: older guests). */
static void xs_eval_fail_status(const struct xs_value *exit,
				struct xs_guest_status *st)
{
	st->exit_code = XS_FAIL_OTHER;
	if (exit->rc == -ENOENT)
		return;
	if (exit->rc ||
	    xs_parse_exit_code(exit->val, exit->len, &st->exit_code) ||
	    st->exit_code < XS_FAIL_OTHER || st->exit_code > XS_FAIL_NOT_FOUND)
		xs_invalid(st, "~/" XSP_DATA_XENPOD_EXIT,
			   "a failure status other than 125..127 in");
}

static void xs_eval_error(const struct xs_value *error,
			  struct xs_guest_status *st)
{
	if (error->rc == -ENOENT || (!error->rc && !error->len))
		snprintf(st->error, sizeof(st->error), "(no reason given)");
	else if (error->rc)
		xs_invalid(st, "~/" XSP_DATA_XENPOD_ERROR, "an oversized");
	else
		xs_sanitize_text(error->val, error->len, st->error,
				 sizeof(st->error));
}

void xs_status_eval(const struct xs_value *state, const struct xs_value *exit,
		    const struct xs_value *error, struct xs_guest_status *st_r)
{
	memset(st_r, 0, sizeof(*st_r));
	st_r->state = XS_GUEST_NONE;
	if (state->rc == -ENOENT)
		return;
	if (state->rc || xs_parse_state(state->val, state->len, &st_r->state)) {
		xs_invalid(st_r, "~/" XSP_DATA_XENPOD_STATE, "a malformed");
		return;
	}
	if (st_r->state == XS_GUEST_EXITED)
		xs_eval_exit(exit, st_r);
	else if (st_r->state == XS_GUEST_FAILED) {
		xs_eval_error(error, st_r);
		if (st_r->state == XS_GUEST_FAILED)
			xs_eval_fail_status(exit, st_r);
	}
}

/* Read a node for xs_status_eval: guest trouble stays in v->rc. */
static int xs_read_value(struct xs *xs, uint32_t domid, const char *rel,
			 char *buf, struct xs_value *v)
{
	v->val = buf;
	v->len = 0;
	v->rc = xs_read_capped(xs, domid, rel, buf, XS_VALUE_CAP, &v->len);
	return v->rc == -ENOENT || v->rc == -E2BIG ? 0 : v->rc;
}

int xs_read_status(struct xs *xs, uint32_t domid, struct xs_guest_status *st_r)
{
	char b_state[XS_VALUE_CAP + 1], b_exit[XS_VALUE_CAP + 1],
		b_error[XS_VALUE_CAP + 1];
	struct xs_value state, exit = { .rc = -ENOENT },
			       error = { .rc = -ENOENT };
	enum xs_guest_state guess = XS_GUEST_NONE;
	int rc = xs_read_value(xs, domid, XSP_DATA_XENPOD_STATE, b_state,
			       &state);

	if (rc)
		return rc;
	/* Read only what the state needs: keeps a chatty guest cheap. */
	if (!state.rc)
		xs_parse_state(state.val, state.len, &guess);
	if (guess == XS_GUEST_EXITED || guess == XS_GUEST_FAILED)
		rc = xs_read_value(xs, domid, XSP_DATA_XENPOD_EXIT, b_exit,
				   &exit);
	if (!rc && guess == XS_GUEST_FAILED)
		rc = xs_read_value(xs, domid, XSP_DATA_XENPOD_ERROR, b_error,
				   &error);
	if (rc)
		return rc;
	xs_status_eval(&state, &exit, &error, st_r);
	return 0;
}

int xs_console_tty(struct xs *xs, uint32_t domid, char *buf, size_t bufsz)
{
	char v[XS_VALUE_CAP + 1];
	size_t len;
	int rc;

	rc = xs_read_capped(xs, domid, XSP_CONSOLE_TTY, v, XS_VALUE_CAP, &len);
	if (rc == -E2BIG)
		return -EINVAL;
	if (rc)
		return rc;
	/* xenconsoled writes it, but the node is in the guest's console dir. */
	if (xs_parse_tty(v, len))
		return -EINVAL;
	if (len >= bufsz)
		return -ENAMETOOLONG;
	memcpy(buf, v, len + 1);
	return 0;
}

/* ---- watches ---- */

int xs_watch_status(struct xs *xs, uint32_t domid, const char *token)
{
	char path[80];

	if (xs_path(path, sizeof(path), domid, XSP_DATA_XENPOD_STATE))
		return -ENAMETOOLONG;
	if (!xs_watch(xs->h, path, token))
		return errno ? -errno : -EIO;
	return 0;
}

int xs_unwatch_status(struct xs *xs, uint32_t domid, const char *token)
{
	char path[80];

	if (xs_path(path, sizeof(path), domid, XSP_DATA_XENPOD_STATE))
		return -ENAMETOOLONG;
	if (!xs_unwatch(xs->h, path, token))
		return errno ? -errno : -EIO;
	return 0;
}

int xs_next_watch(struct xs *xs, char *token, size_t tokensz)
{
	char **vec;

	errno = 0;
	vec = xs_check_watch(xs->h);
	if (!vec)
		return errno == EAGAIN || !errno ? -EAGAIN : -errno;
	snprintf(token, tokensz, "%s", vec[XS_WATCH_TOKEN]);
	free(vec);
	return 0;
}

/* ---- 9pfs backend nodes (xenpod-9pfsd, docs/VOLUMES.md) ---- */

int xs_node_read(struct xs *xs, const char *path, char *buf, size_t cap)
{
	unsigned int len = 0;
	char *v;

	if (!cap)
		return -EINVAL;
	v = xs_read(xs->h, XBT_NULL, path, &len);
	if (!v)
		return errno ? -errno : -EIO;
	if (len >= cap || memchr(v, 0, len)) {
		free(v);
		return -E2BIG;
	}
	memcpy(buf, v, len);
	buf[len] = 0;
	free(v);
	return 0;
}

int xs_node_write(struct xs *xs, const char *path, const char *val)
{
	if (!xs_write(xs->h, XBT_NULL, path, val, strlen(val)))
		return errno ? -errno : -EIO;
	return 0;
}

int xs_node_watch(struct xs *xs, const char *path, const char *token)
{
	if (!xs_watch(xs->h, path, token))
		return errno ? -errno : -EIO;
	return 0;
}

/* ---- transactions of several nodes ---- */

/* fill(t, arg) in one transaction, again while it conflicts (EAGAIN), at
 * most XS_TXN_TRIES times. 0 or -errno. */
static int xs_txn(struct xs *xs,
		  bool (*fill)(struct xs *, xs_transaction_t, const void *),
		  const void *arg)
{
	xs_transaction_t t;
	int rc;

	for (int i = 0; i < XS_TXN_TRIES; i++) {
		t = xs_transaction_start(xs->h);
		if (t == XBT_NULL)
			return errno ? -errno : -EIO;
		if (!fill(xs, t, arg)) {
			rc = errno ? -errno : -EIO;
			xs_transaction_end(xs->h, t, true);
			return rc;
		}
		if (xs_transaction_end(xs->h, t, false))
			return 0;
		if (errno != EAGAIN)
			return errno ? -errno : -EIO;
	}
	return -EAGAIN;
}

/* ---- a vif in another's network namespace (vif-xenpod reads it) ---- */

struct vif_netns {
	const char *vif, *netns, *device;
};

static bool vif_netns_nodes(struct xs *xs, xs_transaction_t t, const void *arg)
{
	const struct vif_netns *v = arg;
	char path[128];

	snprintf(path, sizeof(path), XS_VIF_NETNS_DIR "/%s/netns", v->vif);
	if (!xs_write(xs->h, t, path, v->netns, strlen(v->netns)))
		return false;
	snprintf(path, sizeof(path), XS_VIF_NETNS_DIR "/%s/device", v->vif);
	return xs_write(xs->h, t, path, v->device, strlen(v->device));
}

int xs_vif_netns_write(struct xs *xs, const char *vif, const char *netns,
		       const char *device)
{
	const struct vif_netns v = { vif, netns, device };

	return xs_txn(xs, vif_netns_nodes, &v);
}

int xs_vif_netns_remove(struct xs *xs, const char *vif)
{
	char path[128];

	snprintf(path, sizeof(path), XS_VIF_NETNS_DIR "/%s", vif);
	if (!xs_rm(xs->h, XBT_NULL, path) && errno != ENOENT)
		return errno ? -errno : -EIO;
	return 0;
}

/* ---- a pod's 9pfs devices, the toolstack's side (docs/VOLUMES.md) ---- */

#define XS_9PFS_FE_FMT "/local/domain/%u/device/9pfs"
#define XS_9PFS_BE_FMT "/local/domain/0/backend/9pfs/%u"

/* owner first (its perms are everyone else's), then the reader. */
static bool xs_perms(struct xs *xs, xs_transaction_t t, const char *path,
		     uint32_t owner, uint32_t reader)
{
	struct xs_permissions perms[2] = {
		{ .id = owner, .perms = XS_PERM_NONE },
		{ .id = reader, .perms = XS_PERM_READ },
	};

	return xs_set_permissions(xs->h, t, path, perms, 2);
}

/* Write dir/key = val and give it dir's owner and reader. */
static bool xs_put(struct xs *xs, xs_transaction_t t, const char *dir,
		   const char *key, const char *val, uint32_t owner,
		   uint32_t reader)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	return xs_write(xs->h, t, path, val, strlen(val)) &&
	       xs_perms(xs, t, path, owner, reader);
}

static bool xs_9pfs_nodes(struct xs *xs, xs_transaction_t t,
			  const struct xs_9pfs_dev *d, const char *fe,
			  const char *be)
{
	char top[96], id[16], fid[16];
	uint32_t g = d->domid;

	snprintf(id, sizeof(id), "%u", d->domid);
	snprintf(fid, sizeof(fid), "0");
	snprintf(top, sizeof(top), XS_9PFS_FE_FMT, d->domid);
	/* The guest lists device/9pfs: it must own it (dom0 reads). */
	if (!xs_mkdir(xs->h, t, top) || !xs_perms(xs, t, top, g, 0))
		return false;
	snprintf(top, sizeof(top), XS_9PFS_BE_FMT, d->domid);
	if (!xs_mkdir(xs->h, t, top) || !xs_perms(xs, t, top, 0, g))
		return false;
	return xs_mkdir(xs->h, t, fe) && xs_perms(xs, t, fe, g, 0) &&
	       xs_put(xs, t, fe, "backend", be, g, 0) &&
	       xs_put(xs, t, fe, "backend-id", fid, g, 0) &&
	       xs_put(xs, t, fe, "state", "1", g, 0) &&
	       xs_put(xs, t, fe, "tag", d->tag, g, 0) &&
	       xs_put(xs, t, fe, "mount-point", d->mount_point, g, 0) &&
	       xs_put(xs, t, fe, "read-only", d->read_only ? "1" : "0", g, 0) &&
	       xs_mkdir(xs->h, t, be) && xs_perms(xs, t, be, 0, g) &&
	       xs_put(xs, t, be, "frontend", fe, 0, g) &&
	       xs_put(xs, t, be, "frontend-id", id, 0, g) &&
	       xs_put(xs, t, be, "online", "1", 0, g) &&
	       xs_put(xs, t, be, "state", "1", 0, g);
}

struct p9_nodes {
	const struct xs_9pfs_dev *d;
	const char *fe, *be;
};

static bool xs_9pfs_fill(struct xs *xs, xs_transaction_t t, const void *arg)
{
	const struct p9_nodes *n = arg;

	return xs_9pfs_nodes(xs, t, n->d, n->fe, n->be);
}

int xs_9pfs_add(struct xs *xs, const struct xs_9pfs_dev *d)
{
	char fe[96], be[96];
	const struct p9_nodes n = { d, fe, be };

	snprintf(fe, sizeof(fe), XS_9PFS_FE_FMT "/%u", d->domid, d->devid);
	snprintf(be, sizeof(be), XS_9PFS_BE_FMT "/%u", d->domid, d->devid);
	return xs_txn(xs, xs_9pfs_fill, &n);
}

int xs_9pfs_backend_state(struct xs *xs, uint32_t domid, uint32_t devid)
{
	char path[128], val[16];
	int rc, st;

	snprintf(path, sizeof(path), XS_9PFS_BE_FMT "/%u/state", domid, devid);
	rc = xs_node_read(xs, path, val, sizeof(val));
	if (rc == -E2BIG)
		return 0;
	if (rc)
		return rc;
	/* Our backend writes it, but the value is checked all the same. */
	if (strlen(val) != 1 || val[0] < '0' || val[0] > '9')
		return 0;
	st = val[0] - '0';
	return st;
}

int xs_9pfs_remove(struct xs *xs, uint32_t domid)
{
	char path[96];
	int rc = 0;

	snprintf(path, sizeof(path), XS_9PFS_BE_FMT, domid);
	if (!xs_rm(xs->h, XBT_NULL, path) && errno != ENOENT)
		rc = errno ? -errno : -EIO;
	snprintf(path, sizeof(path), XS_9PFS_FE_FMT, domid);
	if (!xs_rm(xs->h, XBT_NULL, path) && errno != ENOENT && !rc)
		rc = errno ? -errno : -EIO;
	return rc;
}
