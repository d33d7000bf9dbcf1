/* SPDX-License-Identifier: MIT */
/* chan: one pod's I/O channel: the libxenvchan server (the seam) and the podio frame engine over it. */
#ifndef XENPOD_CHAN_H
#define XENPOD_CHAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/podio.h"

/* Exec streams open at once on one channel (plus the main stream 0). */
#define CHAN_MAX_STREAMS 64
/* Frames and bytes handled per channel per event-loop turn (R4). */
#define CHAN_FRAME_BUDGET 64
#define CHAN_BYTE_BUDGET (256 * 1024)
/* Wakeups of one channel per window before its fd is parked for the window (R4). */
#define CHAN_WAKE_WINDOW_MS 100
#define CHAN_WAKE_MAX 500
/* The safety net: the channel is also polled this often, events or not,
 * so a lost event notification costs a pause, never a hang (chan.c). */
#define CHAN_TICK_MS 20000
/* Until the guest's HELLO arrives the net runs this often: a lost notification
 * while connecting must not outlast the connect timeout (a few polls a pod). */
#define CHAN_CONNECT_TICK_MS 1000
/* Queued dom0 -> guest bytes; beyond this, stdin is refused (control frames still go). */
#define CHAN_OUT_MAX (512 * 1024)

struct chan;

/*
 * The transport under a channel: libxenvchan in the daemon, a fake in the
 * unit tests. read/write move up to n bytes without blocking (0: nothing
 * now; -1: closed); state is libxenvchan_is_open's (0 closed, 1 open, 2
 * no client yet); ack consumes the pending event notification.
 */
struct chan_io {
	int (*read)(void *t, void *buf, size_t n);
	int (*write)(void *t, const void *buf, size_t n);
	int (*state)(void *t);
	void (*ack)(void *t);
	void (*close)(void *t);
	void (*kick)(void *t); /* an event to the guest; may be NULL */
};

/* What the guest tells the channel's owner; every callback may call chan_*. */
struct chan_cb {
	void (*hello)(void *arg); /* the guest answered HELLO */
	/* STDOUT (fd 1) or STDERR (fd 2) data of a stream; the owner returns
	 * the credit with chan_grant once the bytes are delivered. */
	void (*output)(void *arg, uint16_t stream, int fd, const uint8_t *data,
		       size_t n);
	void (*eof)(void *arg, uint16_t stream, int fd);
	/* The stream ended: exit code and signal, or (error != NULL) the
	 * request failed before a process ran. The stream is closed after. */
	void (*exit)(void *arg, uint16_t stream, int code, unsigned signo,
		     const char *error);
	/* More stdin may be sent on the stream (the guest returned credit). */
	void (*writable)(void *arg, uint16_t stream);
	/* The channel is down (protocol violation, guest closed); why is one
	 * line. Every open stream is gone. The owner calls chan_close. */
	void (*down)(void *arg, const char *why);
};

/*
 * Serve a vchan to domid at /local/domain/DOMID/xenpod/chan (rings of
 * PODIO_RING_BYTES, non-blocking, its fd in the event loop); sends HELLO.
 * name is the pod's, for log lines. 0 or -errno.
 */
/*
 * dom0's gntalloc driver caps the pages all vchan servers may share
 * (module parameter "limit", 1024 by default: 31 pods of 33 pages). Raises
 * it to CHAN_GNTALLOC_PAGES if lower; logs what it did or why it could not.
 */
#define CHAN_GNTALLOC_PAGES 65536u
void chan_host_setup(void);

/* publish(xs, domid, dir, ring_ref, port) writes the xenstore nodes the
 * guest's client reads (xs_publish_vchan). -ENOSPC: dom0's gntalloc is out
 * of pages. On failure nothing is left shared, bound or written. */
typedef int (*chan_publish_fn)(void *xs, uint32_t domid, const char *dir,
			       uint32_t ring_ref, uint32_t port);
int chan_open(uint32_t domid, const char *name, chan_publish_fn publish,
	      void *xs, const struct chan_cb *cb, void *arg, struct chan **c_r);
/* The same over any transport t (tests); fd < 0: the caller drives chan_poll. */
int chan_open_io(const struct chan_io *io, void *t, int fd, const char *name,
		 const struct chan_cb *cb, void *arg, struct chan **c_r);
/* Close the transport (the guest sees the server go away). NULL ok. */
void chan_close(struct chan *c);
/* Handle what the transport has now, within the budget. */
void chan_poll(struct chan *c);
/* Handle everything the guest has sent (the pod is ending: no budget). */
void chan_drain(struct chan *c);
/* The guest answered HELLO and the channel is not down. */
bool chan_up(const struct chan *c);
/* One line on the channel's state and its streams' credit (xenpodd's SIGUSR1 dump). */
void chan_describe(const struct chan *c, char *buf, size_t sz);
/* Why the channel went down ("" while up). */
const char *chan_why(const struct chan *c);

/* A free exec stream id (1..65535), or -EBUSY at CHAN_MAX_STREAMS. */
int chan_stream_alloc(struct chan *c);
/* Send EXEC on a stream from chan_stream_alloc. 0 or -errno (-E2BIG). */
int chan_exec(struct chan *c, uint16_t stream, const struct podio_exec *req);
/* Queue stdin within the guest's credit; returns the bytes taken (may be
 * fewer than n, 0 when out of credit: wait for cb->writable), or -errno. */
int chan_stdin(struct chan *c, uint16_t stream, const void *data, size_t n);
/* Stdin bytes the guest would take now. */
size_t chan_stdin_room(const struct chan *c, uint16_t stream);
int chan_stdin_eof(struct chan *c, uint16_t stream);
int chan_resize(struct chan *c, uint16_t stream, uint16_t rows, uint16_t cols);
int chan_signal(struct chan *c, uint16_t stream, uint32_t signo);
/* Give the guest n more bytes of credit for fd (1, 2) of the stream. */
int chan_grant(struct chan *c, uint16_t stream, int fd, uint32_t n);
/* Is the stream open (EXEC sent or stream 0, no EXIT/ERROR yet)? */
bool chan_stream_open(const struct chan *c, uint16_t stream);

#endif
