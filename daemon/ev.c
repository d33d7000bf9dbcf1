/* SPDX-License-Identifier: MIT */
/* ev: the daemon's single-threaded poll(2) event loop (fds and timers). */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "ev.h"

struct ev_fd {
	int fd;
	short events;
	bool dead; /* deleted; freed at the end of the round */
	ev_fd_cb *cb;
	void *arg;
};

struct ev_timer {
	uint64_t when;
	ev_timer_cb *cb;
	void *arg;
	struct ev_timer *next, *prev;
};

static struct {
	struct ev_fd **fds;
	size_t n, cap;
	size_t n_dead;
	struct ev_timer *timers; /* sorted by when, earliest first */
	struct pollfd *pfd; /* scratch for one round */
	struct ev_fd **round; /* handles matching pfd */
	size_t pcap;
} ev;

uint64_t ev_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int ev_init(void)
{
	return 0;
}

void ev_dispose(void)
{
	size_t i;

	while (ev.timers)
		ev_timer_del(ev.timers);
	for (i = 0; i < ev.n; i++)
		free(ev.fds[i]);
	free(ev.fds);
	free(ev.pfd);
	free(ev.round);
	ev.fds = NULL;
	ev.pfd = NULL;
	ev.round = NULL;
	ev.n = ev.cap = ev.pcap = ev.n_dead = 0;
}

int ev_fd_add(int fd, short events, ev_fd_cb *cb, void *arg, struct ev_fd **r)
{
	struct ev_fd *h;

	if (fd < 0 || !cb)
		return -EINVAL;
	if (ev.n == ev.cap) {
		size_t ncap = ev.cap ? ev.cap * 2 : 16;
		struct ev_fd **nf = realloc(ev.fds, ncap * sizeof(*nf));

		if (!nf)
			return -ENOMEM;
		ev.fds = nf;
		ev.cap = ncap;
	}
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->fd = fd;
	h->events = events;
	h->cb = cb;
	h->arg = arg;
	ev.fds[ev.n++] = h;
	if (r)
		*r = h;
	return 0;
}

void ev_fd_modify(struct ev_fd *h, short events)
{
	if (h && !h->dead)
		h->events = events;
}

void ev_fd_del(struct ev_fd *h)
{
	if (!h || h->dead)
		return;
	h->dead = true;
	ev.n_dead++;
}

static void reap_fds(void)
{
	size_t i, j = 0;

	if (!ev.n_dead)
		return;
	for (i = 0; i < ev.n; i++) {
		if (ev.fds[i]->dead)
			free(ev.fds[i]);
		else
			ev.fds[j++] = ev.fds[i];
	}
	ev.n = j;
	ev.n_dead = 0;
}

int ev_timer_add(uint64_t when_ms, ev_timer_cb *cb, void *arg,
		 struct ev_timer **r)
{
	struct ev_timer *t = calloc(1, sizeof(*t)), **pp, *prev = NULL;

	if (!t)
		return -ENOMEM;
	t->when = when_ms;
	t->cb = cb;
	t->arg = arg;
	/* Equal times keep insertion order, so timers fire in the order set. */
	for (pp = &ev.timers; *pp && (*pp)->when <= when_ms; pp = &(*pp)->next)
		prev = *pp;
	t->next = *pp;
	t->prev = prev;
	if (*pp)
		(*pp)->prev = t;
	*pp = t;
	if (r)
		*r = t;
	return 0;
}

void ev_timer_del(struct ev_timer *t)
{
	if (!t)
		return;
	if (t->prev)
		t->prev->next = t->next;
	else
		ev.timers = t->next;
	if (t->next)
		t->next->prev = t->prev;
	free(t);
}

static int grow_round(size_t n)
{
	struct pollfd *np;
	struct ev_fd **nr;

	if (n <= ev.pcap)
		return 0;
	np = realloc(ev.pfd, n * sizeof(*np));
	if (!np)
		return -ENOMEM;
	ev.pfd = np;
	nr = realloc(ev.round, n * sizeof(*nr));
	if (!nr)
		return -ENOMEM;
	ev.round = nr;
	ev.pcap = n;
	return 0;
}

static int poll_timeout(int max_wait_ms)
{
	uint64_t now, d;

	if (!ev.timers)
		return max_wait_ms;
	now = ev_now_ms();
	d = ev.timers->when > now ? ev.timers->when - now : 0;
	if (d > 60000)
		d = 60000;
	if (max_wait_ms >= 0 && (uint64_t)max_wait_ms < d)
		return max_wait_ms;
	return (int)d;
}

static void run_timers(void)
{
	uint64_t now = ev_now_ms();
	struct ev_timer *t;

	/* Only timers due at the start run now: a callback re-arming at "now" waits a round. */
	while ((t = ev.timers) && t->when <= now) {
		ev_timer_cb *cb = t->cb;
		void *arg = t->arg;

		ev.timers = t->next;
		if (ev.timers)
			ev.timers->prev = NULL;
		free(t);
		cb(arg);
	}
}

int ev_run_once(int max_wait_ms)
{
	size_t i, n = 0;
	int r;

	reap_fds();
	r = grow_round(ev.n ? ev.n : 1);
	if (r < 0)
		return r;
	for (i = 0; i < ev.n; i++) {
		ev.round[n] = ev.fds[i];
		/* events 0 means paused: poll must not report HUP/ERR either. */
		ev.pfd[n].fd = ev.fds[i]->events ? ev.fds[i]->fd : -1;
		ev.pfd[n].events = ev.fds[i]->events;
		ev.pfd[n].revents = 0;
		n++;
	}
	r = poll(ev.pfd, n, poll_timeout(max_wait_ms));
	if (r < 0 && errno != EINTR)
		return -errno;
	for (i = 0; r > 0 && i < n; i++) {
		struct ev_fd *h = ev.round[i];

		if (!ev.pfd[i].revents || h->dead)
			continue;
		h->cb(h->fd, ev.pfd[i].revents, h->arg);
	}
	run_timers();
	reap_fds();
	return 0;
}
