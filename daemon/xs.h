/* SPDX-License-Identifier: MIT */
/* xs: the only xenstore user: writes pod specs, reads guest status (hostile input). */
/*
 * CONTRACT CHANGE (seams helper): libxenstore itself exports xs_open, xs_close
 * and xs_read_watch, so ours are named xs_connect, xs_disconnect and
 * xs_next_watch. Everything else is unchanged.
 */
#ifndef XENPOD_XS_H
#define XENPOD_XS_H

#include <stddef.h>
#include <stdint.h>

struct xs;

/* What the guest has reported under ~/data/xenpod/ (see xenstore-schema/). */
enum xs_guest_state {
	XS_GUEST_NONE, /* nothing reported yet */
	XS_GUEST_RUNNING, /* init started the container */
	XS_GUEST_EXITED, /* container exited; exit_code valid */
	XS_GUEST_FAILED, /* init failed; error holds the guest's reason */
	XS_GUEST_INVALID, /* the guest wrote something malformed; error says what */
};

/* The status of a failed start (state failed), as docker's. */
#define XS_FAIL_OTHER 125 /* init's own trouble, or out of memory */
#define XS_FAIL_CANNOT_EXEC 126 /* found, but cannot be executed */
#define XS_FAIL_NOT_FOUND 127

struct xs_guest_status {
	enum xs_guest_state state;
	/* 0..255 when XS_GUEST_EXITED; XS_FAIL_* when XS_GUEST_FAILED */
	int exit_code;
	char error[128];
};

int xs_connect(struct xs **xs_r);
void xs_disconnect(struct xs *xs);

/* Write the pod spec (xenstore-schema: ~/xenpod/spec), read-only to the guest. */
int xs_write_spec(struct xs *xs, uint32_t domid, const char *spec);
/* Publish a vchan server's DIR/ring-ref and DIR/event-channel (what a
 * libxenvchan client reads), dom0's and read-only to the guest. xs is a
 * struct xs *, untyped so it fits chan_open's publish hook. */
int xs_publish_vchan(void *xs, uint32_t domid, const char *dir,
		     uint32_t ring_ref, uint32_t port);
/* Read and strictly parse the guest's status nodes. Guest garbage is not an
 * error: it yields 0 with state XS_GUEST_INVALID and error naming the node;
 * -errno only when xenstore itself fails. */
int xs_read_status(struct xs *xs, uint32_t domid, struct xs_guest_status *st_r);
/* Path of the console pty (~/console/tty) into buf; -ENOENT if not there (yet);
 * -EINVAL if it is not /dev/pts/N (the guest can write that node). */
int xs_console_tty(struct xs *xs, uint32_t domid, char *buf, size_t bufsz);

/*
 * Watch ~/data/xenpod/state of domid (the guest writes it last), not the directory: writes
 * elsewhere under ~/data/xenpod never wake the daemon. Events arrive on xs_fd(); token must be
 * unique.
 */
int xs_watch_status(struct xs *xs, uint32_t domid, const char *token);
int xs_unwatch_status(struct xs *xs, uint32_t domid, const char *token);
int xs_fd(struct xs *xs);
/* After xs_fd() is readable: read one watch event; copies its token. -EAGAIN if none. */
int xs_next_watch(struct xs *xs, char *token, size_t tokensz);

/* Pure helpers (no xenstore), unit-tested: parse guest-written values. */
int xs_parse_state(const char *val, size_t len, enum xs_guest_state *r);
int xs_parse_exit_code(const char *val, size_t len, int *r);
/* Copy val into out as printable ASCII ('?' for other bytes), NUL-terminated,
 * truncated to outsz - 1; returns the length written. */
size_t xs_sanitize_text(const char *val, size_t len, char *out, size_t outsz);
/* A node's value as read: rc 0 (val[0..len) valid), -ENOENT (absent) or
 * -E2BIG (longer than the 128-byte cap). */
struct xs_value {
	int rc;
	const char *val;
	size_t len;
};
/* What xs_read_status concludes from the nodes (exit/error matter only for
 * state exited/failed). Never fails: garbage gives XS_GUEST_INVALID. */
void xs_status_eval(const struct xs_value *state, const struct xs_value *exit,
		    const struct xs_value *error, struct xs_guest_status *st_r);
/* 0 if val is exactly "/dev/pts/N" (the only console path we open). */
int xs_parse_tty(const char *val, size_t len);

/*
 * Raw nodes by absolute path, for xenpod-9pfsd's device handshake
 * (docs/VOLUMES.md). xs_node_read copies a value into buf NUL-terminated:
 * 0, -ENOENT, or -E2BIG if it does not fit cap - 1 bytes or holds a NUL.
 */
int xs_node_read(struct xs *xs, const char *path, char *buf, size_t cap);
int xs_node_write(struct xs *xs, const char *path, const char *val);
int xs_node_watch(struct xs *xs, const char *path, const char *token);

/*
 * A pod's volume device as the toolstack writes it (docs/VOLUMES.md, "The
 * device and its handshake"): the frontend directory
 * /local/domain/D/device/9pfs/N (the guest's, dom0 may read) with backend,
 * backend-id, state 1, tag, mount-point and read-only; the backend
 * directory /local/domain/0/backend/9pfs/D/N (dom0's, the guest may read)
 * with frontend, frontend-id, online, state 1. One transaction. 0 or -errno.
 */
struct xs_9pfs_dev {
	uint32_t domid, devid;
	const char *tag, *mount_point;
	int read_only;
};
int xs_9pfs_add(struct xs *xs, const struct xs_9pfs_dev *d);

/*
 * A vif that joins another's network namespace (docs/NETWORK.md): what
 * vif-xenpod reads when libxl plugs it, XS_VIF_NETNS_DIR/VIFNAME/netns (the
 * namespace's file) and .../device (its interface). dom0's only; written
 * before the domain is built, removed when its network is given back.
 */
#define XS_VIF_NETNS_DIR "/tool/xenpod/vif"
int xs_vif_netns_write(struct xs *xs, const char *vif, const char *netns,
		       const char *device);
int xs_vif_netns_remove(struct xs *xs, const char *vif);
/* The backend's state node of device devid (XenbusState, 0 if unreadable), or -errno. */
int xs_9pfs_backend_state(struct xs *xs, uint32_t domid, uint32_t devid);
/* Remove every 9pfs node of domid, frontend and backend side (absent: 0). */
int xs_9pfs_remove(struct xs *xs, uint32_t domid);

#endif
