/* SPDX-License-Identifier: MIT */
/* control: the control socket: accept, peer credentials, per-connection line buffers. */
#ifndef XENPOD_CONTROL_H
#define XENPOD_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "protocol.h"

#define CONTROL_SOCKET_NAME "xenpodd.sock"
#define CONTROL_LOCK_NAME "xenpodd.lock"
/* A request line may be this long (plus its newline). */
#define CONTROL_LINE_MAX XP_LINE_MAX
/*
 * Connection limits (R27). Non-root peers share CONTROL_MAX_CONNS; root has
 * CONTROL_ROOT_RESERVE more, so it is never locked out. One non-root uid holds
 * at most CONTROL_UID_MAX_CONNS. When a limit is reached, the longest-idle
 * connection (nothing pending, no subscription) of the uid holding the most
 * is closed to make room, if the newcomer's uid holds fewer; else the
 * newcomer is refused (code 5). Evictions are logged, at most once per
 * CONTROL_EVICT_LOG_MS.
 */
#define CONTROL_MAX_CONNS 128
#define CONTROL_ROOT_RESERVE 32
#define CONTROL_UID_MAX_CONNS 32
#define CONTROL_EVICT_LOG_MS 10000
/* A half-received request is dropped after this long without its newline. */
#define CONTROL_PARTIAL_TIMEOUT_MS 30000
/* An idle connection (nothing pending, no subscription) is closed after this long. */
#define CONTROL_IDLE_TIMEOUT_MS 600000
/* Output queued beyond this pauses producers (see control_on_drain)... */
#define CONTROL_OUT_LOW 65536
/* ... and beyond this the client is too slow: it is disconnected. */
#define CONTROL_OUT_MAX (32 * 1024 * 1024)

struct conn;

/*
 * Create run_dir (0750 root:GROUP) and take the single-instance lock
 * run_dir/xenpodd.lock. group may be NULL or not exist: then root only (with
 * a warning). Returns 0, -EWOULDBLOCK if another daemon holds the lock, or
 * -errno; err says why.
 */
int control_open(const char *run_dir, const char *group, char *err,
		 size_t errsz);
/* Create run_dir/xenpodd.sock (0660, umask set before bind) and accept clients. */
int control_listen(char *err, size_t errsz);
void control_close(void);

/* Queue text plus a newline for the peer. 0 or -errno (the connection is then closed soon). */
int control_send(struct conn *c, const char *text, size_t len);
/* Bytes queued for the peer. */
size_t control_outq(const struct conn *c);
/* Call cb(arg) (once) when the output queue is below CONTROL_OUT_LOW. */
void control_on_drain(struct conn *c, void (*cb)(void *arg), void *arg);
/* The request in progress finished: parse the next buffered line (soon, not now). */
void control_request_done(struct conn *c);
/* Peer may only call read-only methods. */
bool control_read_only(const struct conn *c);
/* Keep the connection out of the idle timeout (subscriptions). */
void control_set_persistent(struct conn *c, bool on);
/* Peer's identity for log messages ("uid 0 pid 123"). */
const char *control_peer(const struct conn *c);

/* Per-connection slot for the rpc layer. */
void control_set_data(struct conn *c, void *data);
void *control_data(const struct conn *c);

/* Call fn for every live connection. */
void control_foreach(void (*fn)(struct conn *c, void *arg), void *arg);

/* Hooks the rpc layer sets: a complete line arrived; a connection is going away. */
struct control_hooks {
	void (*line)(struct conn *c, const char *line, size_t len);
	void (*closed)(struct conn *c);
	/* A request line too long or otherwise unusable: an error reply text. */
	void (*overflow)(struct conn *c);
};
void control_set_hooks(const struct control_hooks *h);

/* For tests: serve an already connected socket as root (or read-only), whatever its peer. */
int control_adopt_fd(int fd, bool read_only, struct conn **c_r);
/* For tests: serve a connected socket as a member of the group with this uid (0: root). */
int control_adopt_fd_uid(int fd, uid_t uid, struct conn **c_r);
int control_count(void);

#endif
