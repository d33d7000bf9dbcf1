/* SPDX-License-Identifier: MIT */
/* pod_exec: each pod's I/O channel: main stdout/stderr to the log, exec and attach sessions, signals. */
#ifndef XENPOD_POD_EXEC_H
#define XENPOD_POD_EXEC_H

#include <stdbool.h>
#include <stdint.h>

struct json;
struct pod;
struct rpc_req;

/* The guest must answer HELLO this long after it was unpaused (R7). */
#define POD_IO_HELLO_MS 10000
/* Stdin a client may send before the daemon returns credit (exec_credit). */
#define POD_IO_CLIENT_CREDIT 65536

/* pod_exec parameters (PROTOCOL.md). */
struct pod_exec_req {
	const char *name;
	const struct json *command,
		*env; /* arrays of strings; env may be NULL */
	const char *cwd; /* NULL: the pod's */
	bool tty, in; /* a terminal; stdin from the client (else EOF at once) */
	int64_t rows, cols;
};

/*
 * Serve the pod's channel (after its domain is built, before it runs; or
 * on re-adoption). A guest kernel that does not know the channel gets
 * none (its output stays on the console). 0 or -errno.
 */
int pod_io_open(struct pod *p);
/* Tests: serve the channel over transport t (chan_open_io) instead of a vchan. */
struct chan_io;
int pod_io_open_io(struct pod *p, const struct chan_io *io, void *t, int fd);
/* The domain was unpaused: the guest has POD_IO_HELLO_MS to connect. */
void pod_io_started(struct pod *p);
/* Is the pod's channel served but not yet connected (no HELLO yet)? */
bool pod_io_connecting(const struct pod *p);
/* The pod is over: end its sessions, close the channel and the log. Idempotent. */
void pod_io_close(struct pod *p);
/* Bytes of main-process output lost to log rotation since the log was opened. */
uint64_t pod_io_lost_bytes(const struct pod *p);
/* Does the pod have a stdout/stderr log (its guest used the channel)? */
bool pod_io_has_outlog(const struct pod *p);

/* Host set-up the channels need (dom0's gntalloc limit: chan_host_setup). */
void pod_io_host_setup(void);
/* Logs every pod's channel and sessions (xenpodd's SIGUSR1). */
void pod_io_dump(void);

void pod_rpc_exec(struct rpc_req *req, const struct pod_exec_req *x);
/* pod_attach: join the main process; with start, a created pod is started
 * once the session is in place (no output missed). */
struct pod_attach_req {
	const char *name;
	bool in; /* stdin from the client */
	bool close_stdin; /* the client's eof closes the main process's stdin */
	bool start;
	int64_t rows, cols; /* the terminal's size (0: unknown) */
};

void pod_rpc_attach(struct rpc_req *req, const struct pod_attach_req *a);
void pod_rpc_signal(struct rpc_req *req, const char *name, int64_t signo);
/* Notifications on a connection with an exec or attach session. */
void pod_rpc_exec_input(struct rpc_req *req, const char *data, bool eof);
void pod_rpc_exec_resize(struct rpc_req *req, int64_t rows, int64_t cols);
void pod_rpc_exec_signal(struct rpc_req *req, int64_t signo);

#endif
