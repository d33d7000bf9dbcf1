/* SPDX-License-Identifier: MIT */
/* ev: the daemon's single-threaded poll(2) event loop (fds and timers). */
#ifndef XENPOD_EV_H
#define XENPOD_EV_H

#include <stdint.h>

struct ev_fd;
struct ev_timer;

/* Called when fd is ready; revents is poll(2)'s revents. */
typedef void ev_fd_cb(int fd, short revents, void *arg);
typedef void ev_timer_cb(void *arg);

/* Monotonic clock in milliseconds. */
uint64_t ev_now_ms(void);

int ev_init(void);
void ev_dispose(void);

/* Watch fd for events (POLLIN/POLLOUT). Returns 0 or -errno; *r is the handle. */
int ev_fd_add(int fd, short events, ev_fd_cb *cb, void *arg, struct ev_fd **r);
/* Change the events of a watched fd. */
void ev_fd_modify(struct ev_fd *h, short events);
/* Stop watching (does not close fd). Safe to call from inside a callback, also on h itself. NULL ok. */
void ev_fd_del(struct ev_fd *h);

/* One-shot timer at absolute ev_now_ms() time when_ms. Returns 0 or -errno. */
int ev_timer_add(uint64_t when_ms, ev_timer_cb *cb, void *arg,
		 struct ev_timer **r);
/* Cancel; safe from callbacks; NULL ok. A timer that fired is gone: do not delete it afterwards. */
void ev_timer_del(struct ev_timer *t);

/* Run one poll round (waits at most max_wait_ms, -1 = until something happens). */
int ev_run_once(int max_wait_ms);

#endif
