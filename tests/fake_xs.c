/* SPDX-License-Identifier: MIT */
/* fake_xs: an in-memory xenstore behind xs.h, driven by unit tests. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake_xs.h"

#define FX_DOMS 256
#define FX_WATCHES 256
#define FX_QUEUE 1024

struct xs {
	int pipe[2]; /* readable while events are queued */
};

struct fx_dom {
	uint32_t domid;
	bool used;
	char *spec;
	char tty[128];
	struct xs_guest_status st;
	unsigned p9_devs; /* bit N: device 9pfs/N written */
};

struct fx_watch {
	bool used;
	uint32_t domid;
	char token[80];
};

int fake_xs_fail_write_spec;
int fake_xs_9pfs_state = 2;
static char default_tty[128];

static struct xs the_xs = { { -1, -1 } };
static struct fx_dom doms[FX_DOMS];
static struct fx_watch watches[FX_WATCHES];
static char queue[FX_QUEUE][80];
static int q_head, q_len;

static struct fx_dom *fdom(uint32_t domid, bool create)
{
	struct fx_dom *free_slot = NULL;

	for (int i = 0; i < FX_DOMS; i++) {
		if (doms[i].used && doms[i].domid == domid)
			return &doms[i];
		if (!doms[i].used && !free_slot)
			free_slot = &doms[i];
	}
	if (!create || !free_slot)
		return NULL;
	memset(free_slot, 0, sizeof(*free_slot));
	free_slot->used = true;
	free_slot->domid = domid;
	return free_slot;
}

void fake_xs_reset(void)
{
	for (int i = 0; i < FX_DOMS; i++)
		free(doms[i].spec);
	memset(doms, 0, sizeof(doms));
	memset(watches, 0, sizeof(watches));
	q_head = q_len = 0;
	fake_xs_fail_write_spec = 0;
	fake_xs_9pfs_state = 2;
	default_tty[0] = '\0';
	if (the_xs.pipe[0] >= 0) {
		char b[256];

		while (read(the_xs.pipe[0], b, sizeof(b)) > 0)
			;
	}
}

int xs_connect(struct xs **xs_r)
{
	if (the_xs.pipe[0] < 0 &&
	    pipe2(the_xs.pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
	*xs_r = &the_xs;
	return 0;
}

void xs_disconnect(struct xs *xs)
{
}

int xs_write_spec(struct xs *xs, uint32_t domid, const char *spec)
{
	struct fx_dom *d;

	if (fake_xs_fail_write_spec)
		return fake_xs_fail_write_spec;
	d = fdom(domid, true);
	if (!d)
		return -ENOSPC;
	free(d->spec);
	d->spec = strdup(spec);
	return d->spec ? 0 : -ENOMEM;
}

/* The fake has no vchan: unit tests serve channels over chan_open_io. */
int xs_publish_vchan(void *xs, uint32_t domid, const char *dir,
		     uint32_t ring_ref, uint32_t port)
{
	(void)xs;
	(void)domid;
	(void)dir;
	(void)ring_ref;
	(void)port;
	return -ENOSYS;
}

const char *fake_xs_spec(uint32_t domid)
{
	struct fx_dom *d = fdom(domid, false);

	return d ? d->spec : NULL;
}

void fake_xs_set_default_tty(const char *path)
{
	snprintf(default_tty, sizeof(default_tty), "%s", path ? path : "");
}

void fake_xs_set_tty(uint32_t domid, const char *path)
{
	struct fx_dom *d = fdom(domid, true);

	if (d)
		snprintf(d->tty, sizeof(d->tty), "%s", path ? path : "");
}

static int status_reads;

int fake_xs_status_reads(void)
{
	return status_reads;
}

int xs_read_status(struct xs *xs, uint32_t domid, struct xs_guest_status *st_r)
{
	struct fx_dom *d = fdom(domid, false);

	status_reads++;
	if (!d) {
		memset(st_r, 0, sizeof(*st_r));
		return 0;
	}
	*st_r = d->st;
	return 0;
}

int xs_console_tty(struct xs *xs, uint32_t domid, char *buf, size_t bufsz)
{
	struct fx_dom *d = fdom(domid, false);

	const char *t = d && d->tty[0] ? d->tty : default_tty;

	if (!t[0])
		return -ENOENT;
	snprintf(buf, bufsz, "%s", t);
	return 0;
}

static void enqueue(const char *token)
{
	if (q_len == FX_QUEUE)
		return;
	snprintf(queue[(q_head + q_len) % FX_QUEUE], sizeof(queue[0]), "%s",
		 token);
	q_len++;
	if (write(the_xs.pipe[1], "w", 1) < 0) {
		/* A full pipe still means "readable": nothing is lost. */
	}
}

void fake_xs_set_status(uint32_t domid, const struct xs_guest_status *st)
{
	struct fx_dom *d = fdom(domid, true);

	if (!d)
		return;
	d->st = *st;
	for (int i = 0; i < FX_WATCHES; i++)
		if (watches[i].used && watches[i].domid == domid)
			enqueue(watches[i].token);
}

int xs_watch_status(struct xs *xs, uint32_t domid, const char *token)
{
	for (int i = 0; i < FX_WATCHES; i++) {
		if (watches[i].used)
			continue;
		watches[i].used = true;
		watches[i].domid = domid;
		snprintf(watches[i].token, sizeof(watches[i].token), "%s",
			 token);
		enqueue(token); /* xenstore fires a new watch once */
		return 0;
	}
	return -ENOSPC;
}

int xs_unwatch_status(struct xs *xs, uint32_t domid, const char *token)
{
	for (int i = 0; i < FX_WATCHES; i++) {
		if (watches[i].used && watches[i].domid == domid &&
		    strcmp(watches[i].token, token) == 0) {
			watches[i].used = false;
			return 0;
		}
	}
	return -ENOENT;
}

int fake_xs_watches(void)
{
	int n = 0;

	for (int i = 0; i < FX_WATCHES; i++)
		n += watches[i].used;
	return n;
}

int xs_fd(struct xs *xs)
{
	return xs->pipe[0];
}

int xs_next_watch(struct xs *xs, char *token, size_t tokensz)
{
	char b;

	if (!q_len) {
		while (read(xs->pipe[0], &b, 1) > 0)
			;
		return -EAGAIN;
	}
	if (read(xs->pipe[0], &b, 1) < 0) {
		/* The byte count may lag the queue; the queue is the truth. */
	}
	snprintf(token, tokensz, "%s", queue[q_head]);
	q_head = (q_head + 1) % FX_QUEUE;
	q_len--;
	return 0;
}

int xs_9pfs_add(struct xs *xs, const struct xs_9pfs_dev *d)
{
	struct fx_dom *fd = fdom(d->domid, true);

	(void)xs;
	if (!fd || d->devid >= 32)
		return -ENOSPC;
	fd->p9_devs |= 1u << d->devid;
	return 0;
}

int xs_9pfs_backend_state(struct xs *xs, uint32_t domid, uint32_t devid)
{
	struct fx_dom *fd = fdom(domid, false);

	(void)xs;
	if (!fd || devid >= 32 || !(fd->p9_devs & (1u << devid)))
		return -ENOENT;
	return fake_xs_9pfs_state;
}

int xs_9pfs_remove(struct xs *xs, uint32_t domid)
{
	struct fx_dom *fd = fdom(domid, false);

	(void)xs;
	if (fd)
		fd->p9_devs = 0;
	return 0;
}

unsigned fake_xs_9pfs_devs(uint32_t domid)
{
	struct fx_dom *fd = fdom(domid, false);

	return fd ? fd->p9_devs : 0;
}

/* A netns pod's vif nodes: how many are written and not yet removed. */
static int fx_vif_netns;

int xs_vif_netns_write(struct xs *xs, const char *vif, const char *netns,
		       const char *device)
{
	(void)xs;
	if (!vif[0] || netns[0] != '/' || !device[0])
		return -EINVAL;
	fx_vif_netns++;
	return 0;
}

int xs_vif_netns_remove(struct xs *xs, const char *vif)
{
	(void)xs;
	(void)vif;
	if (fx_vif_netns > 0)
		fx_vif_netns--;
	return 0;
}

int fake_xs_vif_netns_count(void)
{
	return fx_vif_netns;
}
