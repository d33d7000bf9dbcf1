/* SPDX-License-Identifier: MIT */
/* pod_io: each pod's I/O channel: main stdout/stderr to the log, exec and attach sessions, signals. */
#ifndef XENPOD_POD_IO_H
#define XENPOD_POD_IO_H

#include <stdbool.h>
#include <stdint.h>

#include "pod.h"
#include "protocol.h"

struct pod;

/* The guest must answer HELLO this long after it was unpaused (R7). */
#define POD_IO_HELLO_MS 10000
/* Stdin a client may send before the daemon returns credit (exec_credit). */
#define POD_IO_CLIENT_CREDIT XP_EXEC_CREDIT

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

/* The requester of t went away: was it a session's? (Its process is killed.) */
bool pod_io_cancel(pod_token t);

#endif
