/* SPDX-License-Identifier: MIT */
/* fake_hv: an in-memory hypervisor behind hv.h, driven by unit tests. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ev.h"
#include "fake_hv.h"

#define FAKE_MAX 256

struct fdom {
	bool used;
	bool watched;
	struct hv_dominfo info;
};

struct hv {
	int dummy;
};

struct pending {
	void *cookie;
	int rc;
	uint32_t domid;
	uint32_t ev_domid;
	char uuid[HV_UUID_LEN + 1];
	enum hv_domain_state state;
	enum hv_shutdown_reason reason;
};

int fake_hv_fail_create_sync;
int fake_hv_fail_create_async;
bool fake_hv_obey_shutdown = true;

static struct hv the_hv;
static struct hv_callbacks cbs;
static void *cb_opaque;
static struct fdom doms[FAKE_MAX];
static uint32_t next_domid = 1;
static int shutdown_requests;

void (*fake_hv_on_unpause)(uint32_t domid);

void fake_hv_reset(void)
{
	memset(doms, 0, sizeof(doms));
	fake_hv_fail_create_sync = 0;
	fake_hv_fail_create_async = 0;
	fake_hv_obey_shutdown = true;
	shutdown_requests = 0;
}

static struct fdom *dom(uint32_t domid)
{
	for (int i = 0; i < FAKE_MAX; i++)
		if (doms[i].used && doms[i].info.domid == domid)
			return &doms[i];
	return NULL;
}

static struct fdom *dom_checked(uint32_t domid, const char *uuid)
{
	struct fdom *d = dom(domid);

	return d && strcasecmp(d->info.uuid, uuid) == 0 ? d : NULL;
}

size_t fake_hv_count(void)
{
	size_t n = 0;

	for (int i = 0; i < FAKE_MAX; i++)
		n += doms[i].used;
	return n;
}

const struct hv_dominfo *fake_hv_find(uint32_t domid)
{
	struct fdom *d = dom(domid);

	return d ? &d->info : NULL;
}

uint32_t fake_hv_add(const char *name, const char *uuid, bool paused)
{
	for (int i = 0; i < FAKE_MAX; i++) {
		if (doms[i].used)
			continue;
		memset(&doms[i], 0, sizeof(doms[i]));
		doms[i].used = true;
		doms[i].info.domid = next_domid++;
		snprintf(doms[i].info.uuid, sizeof(doms[i].info.uuid), "%s",
			 uuid);
		snprintf(doms[i].info.name, sizeof(doms[i].info.name), "%s",
			 name);
		doms[i].info.paused = paused;
		doms[i].info.state = HV_RUNNING;
		doms[i].info.memory_kib = 32768;
		return doms[i].info.domid;
	}
	return 0;
}

void fake_hv_vanish(uint32_t domid)
{
	struct fdom *d = dom(domid);

	if (d)
		d->used = false;
}

int fake_hv_shutdown_requests(void)
{
	return shutdown_requests;
}

int hv_open(struct hv **hv_r, const struct hv_callbacks *cb, void *opaque)
{
	cbs = *cb;
	cb_opaque = opaque;
	*hv_r = &the_hv;
	return 0;
}

void hv_close(struct hv *hv)
{
}

static void fire_create(void *arg)
{
	struct pending *p = arg;

	cbs.create_done(p->cookie, p->rc, p->domid,
			p->rc ? "fake create failure" : NULL);
	free(p);
}

int hv_create_paused(struct hv *hv, const struct hv_domain_config *cfg,
		     void *cookie)
{
	struct pending *p;

	if (fake_hv_fail_create_sync)
		return fake_hv_fail_create_sync;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->cookie = cookie;
	p->rc = fake_hv_fail_create_async;
	if (!p->rc) {
		p->domid = fake_hv_add(cfg->name, cfg->uuid, true);
		if (!p->domid)
			p->rc = -ENOSPC;
	}
	/* Like hv_xl.c: completion always comes from the loop, never from inside. */
	return ev_timer_add(ev_now_ms(), fire_create, p, NULL);
}

static void fire_event(void *arg)
{
	struct pending *p = arg;

	cbs.domain_event(cb_opaque, p->ev_domid, p->uuid, p->state, p->reason);
	free(p);
}

static void queue_event(struct fdom *d, enum hv_domain_state st,
			enum hv_shutdown_reason reason)
{
	struct pending *p = calloc(1, sizeof(*p));

	if (!p)
		return;
	p->ev_domid = d->info.domid;
	snprintf(p->uuid, sizeof(p->uuid), "%s", d->info.uuid);
	p->state = st;
	p->reason = reason;
	ev_timer_add(ev_now_ms(), fire_event, p, NULL);
}

int hv_watch(struct hv *hv, uint32_t domid, const char *uuid)
{
	struct fdom *d = dom_checked(domid, uuid);

	if (!d)
		return -ESRCH;
	d->watched = true;
	return 0;
}

int hv_unpause(struct hv *hv, uint32_t domid, const char *uuid)
{
	struct fdom *d = dom_checked(domid, uuid);

	if (!d)
		return -ESRCH;
	d->info.paused = 0;
	if (fake_hv_on_unpause)
		fake_hv_on_unpause(domid);
	return 0;
}

int hv_pause(struct hv *hv, uint32_t domid, const char *uuid)
{
	struct fdom *d = dom_checked(domid, uuid);

	if (!d)
		return -ESRCH;
	d->info.paused = 1;
	return 0;
}

void fake_hv_guest_shutdown(uint32_t domid, enum hv_shutdown_reason reason)
{
	struct fdom *d = dom(domid);

	if (!d)
		return;
	d->info.state = HV_SHUTDOWN;
	d->info.reason = reason;
	if (d->watched)
		queue_event(d, HV_SHUTDOWN, reason);
}

int hv_shutdown(struct hv *hv, uint32_t domid, const char *uuid)
{
	struct fdom *d = dom_checked(domid, uuid);

	if (!d)
		return -ESRCH;
	shutdown_requests++;
	if (fake_hv_obey_shutdown)
		fake_hv_guest_shutdown(domid, HV_REASON_POWEROFF);
	return 0;
}

int hv_destroy(struct hv *hv, uint32_t domid, const char *uuid)
{
	struct fdom *d = dom_checked(domid, uuid);

	if (!d)
		return -ESRCH;
	if (d->watched)
		queue_event(d, HV_DYING, HV_REASON_NONE);
	d->used = false;
	return 0;
}

int hv_list(struct hv *hv, struct hv_dominfo **list_r, size_t *n_r)
{
	struct hv_dominfo *l = calloc(FAKE_MAX, sizeof(*l));
	size_t n = 0;

	if (!l)
		return -ENOMEM;
	for (int i = 0; i < FAKE_MAX; i++)
		if (doms[i].used)
			l[n++] = doms[i].info;
	*list_r = l;
	*n_r = n;
	return 0;
}

int hv_domain_info(struct hv *hv, uint32_t domid, struct hv_dominfo *out)
{
	(void)hv;
	for (int i = 0; i < FAKE_MAX; i++)
		if (doms[i].used && doms[i].info.domid == domid) {
			*out = doms[i].info;
			return 0;
		}
	return -ESRCH;
}

int hv_check(char *why, size_t whysz)
{
	snprintf(why, whysz, "fake hypervisor");
	return 0;
}

const char *hv_reason_name(enum hv_shutdown_reason r)
{
	static const char *const n[] = { "none",       "poweroff", "reboot",
					 "suspend",    "crash",	   "watchdog",
					 "soft_reset", "unknown" };

	return r <= HV_REASON_UNKNOWN ? n[r] : "unknown";
}
