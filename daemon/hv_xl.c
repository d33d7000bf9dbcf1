/* SPDX-License-Identifier: MIT */
/* hv_xl: the hypervisor seam on libxl; the only file that includes libxl.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <unistd.h>

#include <libxl.h>
#include <libxl_utils.h>
#include <xentoollog.h>

#include "ev.h"
#include "hv.h"
#include "log.h"

/* A domain whose shutdown/death we report. */
struct hv_watch {
	struct hv_watch *next;
	uint32_t domid;
	char uuid[HV_UUID_LEN + 1];
	libxl_evgen_domain_death *evgen;
};

/* One libxl_domain_create_new in flight; cfg and domid must outlive it. */
struct hv_create {
	struct hv *hv;
	void *cookie;
	libxl_domain_config cfg;
	uint32_t domid;
	int rc;
	struct ev_timer *done; /* deferred create_done */
	struct hv_create *next;
};

/* libxl's logger, forwarding to log.h. */
struct hv_logger {
	xentoollog_logger xtl;
};

struct hv {
	libxl_ctx *ctx;
	struct hv_logger lg;
	struct hv_callbacks cb;
	void *opaque;
	struct hv_watch *watches;
	struct hv_create *creates;
	unsigned inflight; /* libxl operations not yet completed */
};

#define HV_CLOSE_DRAIN_MS 10000
#define HV_MAXMEM_SLACK_KIB 1024 /* room for the builder's special pages */

/* One fd libxl asked us to poll. */
struct hv_osfd {
	struct hv *hv;
	void *for_libxl;
	struct ev_fd *ev;
	short events;
};

/* One timeout libxl asked for. */
struct hv_ostimer {
	struct hv *hv;
	void *for_libxl;
	struct ev_timer *ev;
};

/* An async operation whose outcome we only log. */
struct hv_aolog {
	struct hv *hv;
	const char *what;
	uint32_t domid;
};

int hv_errno(int libxl_rc)
{
	switch (libxl_rc) {
	case 0:
		return 0;
	case ERROR_NOMEM:
		return -ENOMEM;
	case ERROR_INVAL:
	case ERROR_VNUMA_CONFIG_INVALID:
	case ERROR_JSON_CONFIG_EMPTY:
		return -EINVAL;
	case ERROR_NI:
	case ERROR_FEATURE_REMOVED:
	case ERROR_NOPARAVIRT:
	case ERROR_CHECKPOINT_DEVICE_NOT_SUPPORTED:
		return -EOPNOTSUPP;
	case ERROR_TIMEDOUT:
	case ERROR_GUEST_TIMEDOUT:
		return -ETIMEDOUT;
	case ERROR_NOT_READY:
		return -EAGAIN;
	case ERROR_BUFFERFULL:
		return -ENOBUFS;
	case ERROR_LOCK_FAIL:
		return -ENOLCK;
	case ERROR_DEVICE_EXISTS:
		return -EEXIST;
	case ERROR_DOMAIN_NOTFOUND:
	case ERROR_DOMAIN_DESTROYED:
		return -ESRCH;
	case ERROR_NOTFOUND:
		return -ENOENT;
	case ERROR_ABORTED:
		return -ECANCELED;
	case ERROR_VERSION:
		return -EPROTO;
	default:
		/* ERROR_FAIL and the rest: libxl has logged the details. */
		return -EIO;
	}
}

/* ---- logging ---- */

static enum log_level hv_xtl_level(xentoollog_level l)
{
	if (l >= XTL_ERROR)
		return LOG_LEVEL_ERR;
	if (l == XTL_WARN)
		return LOG_LEVEL_WARN;
	if (l >= XTL_INFO)
		return LOG_LEVEL_INFO;
	return LOG_LEVEL_DEBUG;
}

static void hv_xtl_vmessage(xentoollog_logger *lg, xentoollog_level level,
			    int errnoval, const char *context,
			    const char *format, va_list al)
{
	enum log_level lvl = hv_xtl_level(level);
	char msg[1024];
	size_t n;

	if (lvl > log_get_level())
		return;
	vsnprintf(msg, sizeof(msg), format, al);
	n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	if (errnoval >= 0)
		log_msg(lvl, "%s: %s: %s", context ? context : "libxl", msg,
			strerror(errnoval));
	else
		log_msg(lvl, "%s: %s", context ? context : "libxl", msg);
}

static void hv_xtl_destroy(xentoollog_logger *lg)
{
	/* Embedded in struct hv: nothing to free. */
}

static void hv_logger_init(struct hv_logger *lg)
{
	memset(lg, 0, sizeof(*lg));
	lg->xtl.vmessage = hv_xtl_vmessage;
	lg->xtl.progress = NULL;
	lg->xtl.destroy = hv_xtl_destroy;
}

/* ---- libxl's fds and timers on ev ---- */

static void hv_fd_ready(int fd, short revents, void *arg)
{
	struct hv_osfd *o = arg;

	/* libxl may deregister (free o) inside; do not touch o afterwards. */
	libxl_osevent_occurred_fd(o->hv->ctx, o->for_libxl, fd, o->events,
				  revents);
}

static int hv_fd_register(void *user, int fd, void **reg_out, short events,
			  void *for_libxl)
{
	struct hv_osfd *o = calloc(1, sizeof(*o));

	if (!o)
		return ERROR_OSEVENT_REG_FAIL;
	o->hv = user;
	o->for_libxl = for_libxl;
	o->events = events;
	if (ev_fd_add(fd, events, hv_fd_ready, o, &o->ev) < 0) {
		free(o);
		return ERROR_OSEVENT_REG_FAIL;
	}
	*reg_out = o;
	return 0;
}

static int hv_fd_modify(void *user, int fd, void **reg_update, short events)
{
	struct hv_osfd *o = *reg_update;

	o->events = events;
	ev_fd_modify(o->ev, events);
	return 0;
}

static void hv_fd_deregister(void *user, int fd, void *reg)
{
	struct hv_osfd *o = reg;

	ev_fd_del(o->ev);
	free(o);
}

/* libxl's deadlines are gettimeofday() times; ev's are monotonic. */
static uint64_t hv_abs_to_ev(struct timeval abs)
{
	struct timeval now;
	int64_t ms;

	if (!abs.tv_sec && !abs.tv_usec)
		return ev_now_ms();
	gettimeofday(&now, NULL);
	ms = (int64_t)(abs.tv_sec - now.tv_sec) * 1000 +
	     (abs.tv_usec - now.tv_usec + 999) / 1000;
	return ev_now_ms() + (ms > 0 ? (uint64_t)ms : 0);
}

static void hv_timer_fired(void *arg)
{
	struct hv_ostimer *t = arg;
	struct hv *hv = t->hv;
	void *for_libxl = t->for_libxl;

	/* The registration ends here; libxl re-registers if it wants more. */
	free(t);
	libxl_osevent_occurred_timeout(hv->ctx, for_libxl);
}

static int hv_timeout_register(void *user, void **reg_out, struct timeval abs,
			       void *for_libxl)
{
	struct hv_ostimer *t = calloc(1, sizeof(*t));

	if (!t)
		return ERROR_OSEVENT_REG_FAIL;
	t->hv = user;
	t->for_libxl = for_libxl;
	if (ev_timer_add(hv_abs_to_ev(abs), hv_timer_fired, t, &t->ev) < 0) {
		free(t);
		return ERROR_OSEVENT_REG_FAIL;
	}
	*reg_out = t;
	return 0;
}

/* Only ever called with abs = {0,0}: fire as soon as possible. */
static int hv_timeout_modify(void *user, void **reg_update, struct timeval abs)
{
	struct hv_ostimer *t = *reg_update;
	struct ev_timer *nt;

	if (ev_timer_add(hv_abs_to_ev(abs), hv_timer_fired, t, &nt) < 0)
		return ERROR_OSEVENT_REG_FAIL;
	ev_timer_del(t->ev);
	t->ev = nt;
	return 0;
}

static void hv_timeout_deregister(void *user, void *reg)
{
	struct hv_ostimer *t = reg;

	ev_timer_del(t->ev);
	free(t);
}

static const libxl_osevent_hooks hv_osevent_hooks = {
	.fd_register = hv_fd_register,
	.fd_modify = hv_fd_modify,
	.fd_deregister = hv_fd_deregister,
	.timeout_register = hv_timeout_register,
	.timeout_modify = hv_timeout_modify,
	.timeout_deregister = hv_timeout_deregister,
};

/* ---- events ---- */

static enum hv_shutdown_reason hv_reason(int r)
{
	switch (r) {
	case LIBXL_SHUTDOWN_REASON_POWEROFF:
		return HV_REASON_POWEROFF;
	case LIBXL_SHUTDOWN_REASON_REBOOT:
		return HV_REASON_REBOOT;
	case LIBXL_SHUTDOWN_REASON_SUSPEND:
		return HV_REASON_SUSPEND;
	case LIBXL_SHUTDOWN_REASON_CRASH:
		return HV_REASON_CRASH;
	case LIBXL_SHUTDOWN_REASON_WATCHDOG:
		return HV_REASON_WATCHDOG;
	case LIBXL_SHUTDOWN_REASON_SOFT_RESET:
		return HV_REASON_SOFT_RESET;
	default:
		return HV_REASON_UNKNOWN;
	}
}

const char *hv_reason_name(enum hv_shutdown_reason r)
{
	static const char *const names[] = {
		[HV_REASON_NONE] = "none",
		[HV_REASON_POWEROFF] = "poweroff",
		[HV_REASON_REBOOT] = "reboot",
		[HV_REASON_SUSPEND] = "suspend",
		[HV_REASON_CRASH] = "crash",
		[HV_REASON_WATCHDOG] = "watchdog",
		[HV_REASON_SOFT_RESET] = "soft_reset",
		[HV_REASON_UNKNOWN] = "unknown",
	};

	if ((unsigned)r >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[r];
}

static struct hv_watch **hv_watch_find(struct hv *hv, struct hv_watch *w)
{
	struct hv_watch **pp;

	for (pp = &hv->watches; *pp; pp = &(*pp)->next)
		if (*pp == w)
			return pp;
	return NULL;
}

static void hv_watch_drop(struct hv *hv, struct hv_watch *w)
{
	struct hv_watch **pp = hv_watch_find(hv, w);

	if (!pp)
		return;
	*pp = w->next;
	libxl_evdisable_domain_death(hv->ctx, w->evgen);
	free(w);
}

static void hv_event_occurs(void *user, libxl_event *e)
{
	struct hv *hv = user;
	struct hv_watch *w = (struct hv_watch *)(uintptr_t)e->for_user;
	char uuid[HV_UUID_LEN + 1];
	uint32_t domid = e->domid;

	if (!w || !hv_watch_find(hv, w) || w->domid != domid) {
		log_debug("hv: event %d for unwatched domain %u", e->type,
			  domid);
		goto out;
	}
	memcpy(uuid, w->uuid, sizeof(uuid));
	switch (e->type) {
	case LIBXL_EVENT_TYPE_DOMAIN_SHUTDOWN:
		if (hv->cb.domain_event)
			hv->cb.domain_event(
				hv->opaque, domid, uuid, HV_SHUTDOWN,
				hv_reason(
					e->u.domain_shutdown.shutdown_reason));
		break;
	case LIBXL_EVENT_TYPE_DOMAIN_DEATH:
		/* libxl reports death once; the watch is finished. */
		hv_watch_drop(hv, w);
		if (hv->cb.domain_event)
			hv->cb.domain_event(hv->opaque, domid, uuid, HV_DYING,
					    HV_REASON_NONE);
		break;
	default:
		log_debug("hv: ignored libxl event %d for domain %u", e->type,
			  domid);
	}
out:
	libxl_event_free(hv->ctx, e);
}

static void hv_disaster(void *user, libxl_event_type type, const char *msg,
			int errnoval)
{
	/* libxl may have lost events; no libxl calls are allowed here. */
	log_err("hv: libxl event disaster (type %d): %s: %s", type, msg,
		strerror(errnoval));
}

static const libxl_event_hooks hv_event_hooks = {
	.event_occurs_mask = LIBXL_EVENTMASK_ALL,
	.event_occurs = hv_event_occurs,
	.disaster = hv_disaster,
};

/* libxl owns SIGCHLD but reaps only its own children (hotplug, bootloader). */
static const libxl_childproc_hooks hv_childproc_hooks = {
	.chldowner = libxl_sigchld_owner_libxl_always_selective_reap,
};

int hv_open(struct hv **hv_r, const struct hv_callbacks *cb, void *opaque)
{
	struct hv *hv = calloc(1, sizeof(*hv));
	int rc;

	if (!hv)
		return -ENOMEM;
	hv_logger_init(&hv->lg);
	if (cb)
		hv->cb = *cb;
	hv->opaque = opaque;
	rc = libxl_ctx_alloc(&hv->ctx, LIBXL_VERSION, 0, &hv->lg.xtl);
	if (rc) {
		free(hv);
		return hv_errno(rc);
	}
	libxl_osevent_register_hooks(hv->ctx, &hv_osevent_hooks, hv);
	libxl_childproc_setmode(hv->ctx, &hv_childproc_hooks, hv);
	libxl_event_register_callbacks(hv->ctx, &hv_event_hooks, hv);
	*hv_r = hv;
	return 0;
}

void hv_close(struct hv *hv)
{
	struct hv_create *c;

	uint64_t end;

	if (!hv)
		return;
	/* libxl must not be freed with operations (and their children) live. */
	end = ev_now_ms() + HV_CLOSE_DRAIN_MS;
	while (hv->inflight && ev_now_ms() < end)
		ev_run_once(100);
	if (hv->inflight)
		log_warn("hv: closing with %u libxl operations in flight",
			 hv->inflight);
	while (hv->watches)
		hv_watch_drop(hv, hv->watches);
	/* libxl may still use an in-flight create's config until it is freed. */
	libxl_ctx_free(hv->ctx);
	while ((c = hv->creates)) {
		hv->creates = c->next;
		ev_timer_del(c->done);
		libxl_domain_config_dispose(&c->cfg);
		free(c);
	}
	free(hv);
}

/* ---- domain identity ---- */

static void hv_uuid_text(const libxl_uuid *u, char *buf)
{
	snprintf(buf, HV_UUID_LEN + 1, LIBXL_UUID_FMT, LIBXL_UUID_BYTES(*u));
}

/*
 * Does domid exist, not dying, and carry uuid? 0, -ESRCH, or another -errno.
 * A dying domain is already being torn down: nothing more to do with it.
 */
static int hv_same_domain(struct hv *hv, uint32_t domid, const char *uuid,
			  libxl_dominfo *info_r)
{
	libxl_dominfo info;
	char have[HV_UUID_LEN + 1];
	int rc;

	if (!uuid)
		return -EINVAL;
	libxl_dominfo_init(&info);
	rc = libxl_domain_info(hv->ctx, &info, domid);
	if (rc) {
		libxl_dominfo_dispose(&info);
		return rc == ERROR_INVAL ? -ESRCH : hv_errno(rc);
	}
	hv_uuid_text(&info.uuid, have);
	rc = strcasecmp(have, uuid) || info.dying ? -ESRCH : 0;
	if (info_r && !rc)
		*info_r = info;
	else
		libxl_dominfo_dispose(&info);
	return rc;
}

/* ---- create ---- */

/* The pod's vif: a netback device with its MAC, address and name, on a bridge
 * or (no bridge: libxl's default is written, the script ignores it) joined
 * to a network namespace's interface by its script. */
static int hv_build_nic(const struct hv_domain_config *in,
			libxl_domain_config *c)
{
	libxl_device_nic *nic;
	unsigned m[6];

	if (!in->nic_mac)
		return 0;
	if (!in->nic_ip || !in->nic_ifname || !in->nic_script ||
	    sscanf(in->nic_mac, "%2x:%2x:%2x:%2x:%2x:%2x", &m[0], &m[1], &m[2],
		   &m[3], &m[4], &m[5]) != 6)
		return -EINVAL;
	c->nics = calloc(1, sizeof(*c->nics));
	if (!c->nics)
		return -ENOMEM;
	c->num_nics = 1;
	nic = &c->nics[0];
	libxl_device_nic_init(nic);
	nic->devid = 0;
	nic->nictype = LIBXL_NIC_TYPE_VIF;
	for (int i = 0; i < 6; i++)
		nic->mac[i] = (uint8_t)m[i];
	nic->bridge = in->nic_bridge ? strdup(in->nic_bridge) : NULL;
	nic->ip = strdup(in->nic_ip);
	nic->ifname = strdup(in->nic_ifname);
	nic->script = strdup(in->nic_script);
	if ((in->nic_bridge && !nic->bridge) || !nic->ip || !nic->ifname ||
	    !nic->script)
		return -ENOMEM;
	return 0;
}

/*
 * Build the libxl config of a pod: PVH, no disks, at most one nic; libxl adds the
 * PV console itself. Shutdown and crash are preserved so the daemon can
 * still read ~/data/xenpod after the guest stops (the daemon destroys).
 */
/* A bitmap of nbits zero bits (libxl_bitmap_alloc wants a ctx only for its
 * allocator); libxl frees it with the config. */
static int hv_bitmap_alloc(libxl_bitmap *m, unsigned nbits)
{
	libxl_bitmap_init(m);
	m->size = (nbits + 7) / 8;
	m->map = calloc(m->size, 1);
	return m->map ? 0 : -ENOMEM;
}

/* Every vCPU's hard affinity: the CPUs of in->cpu_mask (libxl frees the maps
 * with the config). */
static int hv_build_affinity(const struct hv_domain_config *in,
			     libxl_domain_build_info *b)
{
	b->vcpu_hard_affinity = calloc(in->vcpus, sizeof(libxl_bitmap));
	if (!b->vcpu_hard_affinity)
		return -ENOMEM;
	b->num_vcpu_hard_affinity = (int)in->vcpus;
	for (unsigned v = 0; v < in->vcpus; v++) {
		libxl_bitmap *m = &b->vcpu_hard_affinity[v];

		if (hv_bitmap_alloc(m, 64))
			return -ENOMEM;
		for (int cpu = 0; cpu < 64; cpu++)
			if (in->cpu_mask & (1ull << cpu))
				libxl_bitmap_set(m, cpu);
	}
	return 0;
}

static int hv_build_config(const struct hv_domain_config *in,
			   libxl_domain_config *c)
{
	libxl_domain_build_info *b = &c->b_info;
	unsigned i;

	if (!in->name || !*in->name || !in->uuid || !in->kernel ||
	    !in->ramdisk || !in->memory_mib || !in->vcpus || in->vcpus > 128 ||
	    in->memory_mib > 1024 * 1024)
		return -EINVAL;
	c->c_info.type = LIBXL_DOMAIN_TYPE_PVH;
	libxl_defbool_set(&c->c_info.hap, true);
	if (libxl_uuid_from_string(&c->c_info.uuid, in->uuid))
		return -EINVAL;
	c->c_info.name = strdup(in->name);
	libxl_domain_build_info_init_type(b, LIBXL_DOMAIN_TYPE_PVH);
	/*
	 * The domain builder allocates the special pages (console and
	 * xenstore rings, ...) on top of the guest's RAM: maxmem needs slack
	 * above target, or a small domain fails with "Could not allocate
	 * special pages" (measured in the lab with 16 MiB).
	 */
	b->target_memkb = (uint64_t)in->memory_mib * 1024;
	b->max_memkb = b->target_memkb + HV_MAXMEM_SLACK_KIB;
	/*
	 * libxl's default HAP pool size for domains under 16 MiB makes
	 * Xen refuse to set the paging mempool; 1 MiB is enough for them.
	 */
	if (in->memory_mib < 16)
		b->shadow_memkb = 1024;
	b->max_vcpus = (int)in->vcpus;
	hv_bitmap_alloc(&b->avail_vcpus, in->vcpus); /* map checked below */
	b->kernel = strdup(in->kernel);
	b->ramdisk = strdup(in->ramdisk);
	b->cmdline = strdup(in->cmdline ? in->cmdline : "");
	if (!c->c_info.name || !b->avail_vcpus.map || !b->kernel ||
	    !b->ramdisk || !b->cmdline)
		return -ENOMEM;
	for (i = 0; i < in->vcpus; i++)
		libxl_bitmap_set(&b->avail_vcpus, (int)i);
	if (in->cpu_mask && hv_build_affinity(in, b))
		return -ENOMEM;
	c->on_poweroff = LIBXL_ACTION_ON_SHUTDOWN_PRESERVE;
	c->on_reboot = LIBXL_ACTION_ON_SHUTDOWN_PRESERVE;
	c->on_watchdog = LIBXL_ACTION_ON_SHUTDOWN_PRESERVE;
	c->on_crash = LIBXL_ACTION_ON_SHUTDOWN_PRESERVE;
	c->on_soft_reset = LIBXL_ACTION_ON_SHUTDOWN_PRESERVE;
	return hv_build_nic(in, c);
}

int hv_config_describe(const struct hv_domain_config *in, char *buf,
		       size_t bufsz)
{
	libxl_domain_config c;
	char uuid[HV_UUID_LEN + 1];
	int rc, n = 0, i;

	libxl_domain_config_init(&c);
	rc = hv_build_config(in, &c);
	if (rc)
		goto out;
	for (i = 0; i < (int)c.b_info.avail_vcpus.size * 8; i++)
		n += libxl_bitmap_test(&c.b_info.avail_vcpus, i);
	hv_uuid_text(&c.c_info.uuid, uuid);
	snprintf(buf, bufsz,
		 "type=%s name=%s uuid=%s maxmem=%llu target=%llu "
		 "max_vcpus=%d avail=%d kernel=%s ramdisk=%s cmdline=%s "
		 "poweroff=%s crash=%s disks=%d nics=%d",
		 libxl_domain_type_to_string(c.b_info.type), c.c_info.name,
		 uuid, (unsigned long long)c.b_info.max_memkb,
		 (unsigned long long)c.b_info.target_memkb, c.b_info.max_vcpus,
		 n, c.b_info.kernel, c.b_info.ramdisk, c.b_info.cmdline,
		 libxl_action_on_shutdown_to_string(c.on_poweroff),
		 libxl_action_on_shutdown_to_string(c.on_crash), c.num_disks,
		 c.num_nics);
out:
	libxl_domain_config_dispose(&c);
	return rc;
}

static void hv_create_unlink(struct hv *hv, struct hv_create *c)
{
	struct hv_create **pp;

	for (pp = &hv->creates; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			return;
		}
}

static void hv_create_report(void *arg)
{
	struct hv_create *c = arg;
	struct hv *hv = c->hv;
	char err[160] = "";
	int rc = hv_errno(c->rc);

	hv_create_unlink(hv, c);
	if (c->rc)
		snprintf(err, sizeof(err),
			 "libxl could not build the domain (%s); "
			 "see the daemon log",
			 libxl_error_to_string(c->rc));
	if (hv->cb.create_done)
		hv->cb.create_done(c->cookie, rc, rc ? 0 : c->domid,
				   rc ? err : NULL);
	libxl_domain_config_dispose(&c->cfg);
	free(c);
}

static void hv_aolog_done(libxl_ctx *ctx, int rc, void *arg)
{
	struct hv_aolog *a = arg;

	a->hv->inflight--;
	if (rc)
		log_warn("hv: %s of domain %u failed: %s", a->what, a->domid,
			 libxl_error_to_string(rc));
	else
		log_debug("hv: %s of domain %u done", a->what, a->domid);
	free(a);
}

/* Start an async libxl op whose completion is only logged. */
typedef int hv_ao_fn(libxl_ctx *, uint32_t, const libxl_asyncop_how *);

static int hv_ao_start(struct hv *hv, hv_ao_fn *fn, const char *what,
		       uint32_t domid)
{
	struct hv_aolog *a = calloc(1, sizeof(*a));
	libxl_asyncop_how how = { .callback = hv_aolog_done };
	int rc;

	if (!a)
		return -ENOMEM;
	a->hv = hv;
	a->what = what;
	a->domid = domid;
	how.u.for_callback = a;
	hv->inflight++;
	rc = fn(hv->ctx, domid, &how);
	if (rc) {
		hv->inflight--;
		free(a);
		return hv_errno(rc);
	}
	return 0;
}

static int hv_destroy_fn(libxl_ctx *ctx, uint32_t domid,
			 const libxl_asyncop_how *how)
{
	return libxl_domain_destroy(ctx, domid, how);
}

static void hv_create_cb(libxl_ctx *ctx, int rc, void *arg)
{
	struct hv_create *c = arg;

	c->hv->inflight--;
	c->rc = rc;
	/*
	 * On failure libxl destroys the half-built domain itself, except
	 * after ERROR_ABORTED, when one may be left: remove it.
	 */
	if (rc == ERROR_ABORTED && c->domid != (uint32_t)INVALID_DOMID)
		hv_ao_start(c->hv, hv_destroy_fn, "destroy (aborted create)",
			    c->domid);
	/* Report from the main loop, never from inside hv_create_paused. */
	if (ev_timer_add(ev_now_ms(), hv_create_report, c, &c->done) < 0)
		hv_create_report(c);
}

int hv_create_paused(struct hv *hv, const struct hv_domain_config *cfg,
		     void *cookie)
{
	struct hv_create *c = calloc(1, sizeof(*c));
	libxl_asyncop_how how = { .callback = hv_create_cb };
	int rc;

	if (!c)
		return -ENOMEM;
	/* libxl would only say "fail" later; name the usual mistake now. */
	if ((cfg->kernel && access(cfg->kernel, R_OK) < 0) ||
	    (cfg->ramdisk && access(cfg->ramdisk, R_OK) < 0)) {
		free(c);
		return -errno;
	}
	c->hv = hv;
	c->cookie = cookie;
	c->domid = (uint32_t)INVALID_DOMID;
	libxl_domain_config_init(&c->cfg);
	rc = hv_build_config(cfg, &c->cfg);
	if (rc)
		goto fail;
	c->next = hv->creates;
	hv->creates = c;
	how.u.for_callback = c;
	hv->inflight++;
	rc = libxl_domain_create_new(hv->ctx, &c->cfg, &c->domid, &how, NULL);
	if (rc) {
		hv->inflight--;
		hv_create_unlink(hv, c);
		rc = hv_errno(rc);
		goto fail;
	}
	return 0;
fail:
	libxl_domain_config_dispose(&c->cfg);
	free(c);
	return rc;
}

/* ---- operations on existing domains ---- */

int hv_watch(struct hv *hv, uint32_t domid, const char *uuid)
{
	struct hv_watch *w;
	int rc;

	for (w = hv->watches; w; w = w->next)
		if (w->domid == domid)
			return strcasecmp(w->uuid, uuid) ? -EEXIST : 0;
	rc = hv_same_domain(hv, domid, uuid, NULL);
	if (rc)
		return rc;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->domid = domid;
	snprintf(w->uuid, sizeof(w->uuid), "%s", uuid);
	rc = libxl_evenable_domain_death(
		hv->ctx, domid, (libxl_ev_user)(uintptr_t)w, &w->evgen);
	if (rc) {
		free(w);
		return hv_errno(rc);
	}
	w->next = hv->watches;
	hv->watches = w;
	return 0;
}

static int hv_unpause_fn(libxl_ctx *ctx, uint32_t domid,
			 const libxl_asyncop_how *how)
{
	return libxl_domain_unpause(ctx, domid, how);
}

static int hv_pause_fn(libxl_ctx *ctx, uint32_t domid,
		       const libxl_asyncop_how *how)
{
	return libxl_domain_pause(ctx, domid, how);
}

static int hv_shutdown_fn(libxl_ctx *ctx, uint32_t domid,
			  const libxl_asyncop_how *how)
{
	return libxl_domain_shutdown(ctx, domid, how);
}

int hv_unpause(struct hv *hv, uint32_t domid, const char *uuid)
{
	int rc = hv_same_domain(hv, domid, uuid, NULL);

	return rc ? rc : hv_ao_start(hv, hv_unpause_fn, "unpause", domid);
}

int hv_pause(struct hv *hv, uint32_t domid, const char *uuid)
{
	int rc = hv_same_domain(hv, domid, uuid, NULL);

	/* libxl pauses at once (a hypercall); the ao only reports it. */
	return rc ? rc : hv_ao_start(hv, hv_pause_fn, "pause", domid);
}

int hv_shutdown(struct hv *hv, uint32_t domid, const char *uuid)
{
	int rc = hv_same_domain(hv, domid, uuid, NULL);

	/* Writes ~/control/shutdown = poweroff; libxl treats PVH as PV here. */
	return rc ? rc : hv_ao_start(hv, hv_shutdown_fn, "shutdown", domid);
}

int hv_destroy(struct hv *hv, uint32_t domid, const char *uuid)
{
	int rc = hv_same_domain(hv, domid, uuid, NULL);

	return rc ? rc : hv_ao_start(hv, hv_destroy_fn, "destroy", domid);
}

static void hv_dominfo_fill(struct hv *hv, const libxl_dominfo *d,
			    struct hv_dominfo *o)
{
	char *name = libxl_domid_to_name(hv->ctx, d->domid);

	memset(o, 0, sizeof(*o));
	o->domid = d->domid;
	hv_uuid_text(&d->uuid, o->uuid);
	snprintf(o->name, sizeof(o->name), "%s", name ? name : "");
	free(name);
	if (d->dying)
		o->state = HV_DYING;
	else if (d->shutdown)
		o->state = HV_SHUTDOWN;
	else
		o->state = HV_RUNNING;
	o->reason = d->shutdown ? hv_reason(d->shutdown_reason) :
				  HV_REASON_NONE;
	o->paused = d->paused;
	o->blocked = d->blocked;
	o->memory_kib = d->current_memkb;
	o->cpu_time_ns = d->cpu_time;
}

int hv_domain_info(struct hv *hv, uint32_t domid, struct hv_dominfo *out)
{
	libxl_dominfo d;
	int rc;

	libxl_dominfo_init(&d);
	rc = libxl_domain_info(hv->ctx, &d, domid);
	if (rc == ERROR_DOMAIN_NOTFOUND) {
		libxl_dominfo_dispose(&d);
		return -ESRCH;
	}
	if (rc) {
		libxl_dominfo_dispose(&d);
		return hv_errno(rc);
	}
	hv_dominfo_fill(hv, &d, out);
	libxl_dominfo_dispose(&d);
	return 0;
}

int hv_list(struct hv *hv, struct hv_dominfo **list_r, size_t *n_r)
{
	libxl_dominfo *l;
	struct hv_dominfo *out;
	int n, i;

	l = libxl_list_domain(hv->ctx, &n);
	if (!l)
		return -EIO;
	out = calloc(n ? (size_t)n : 1, sizeof(*out));
	if (!out) {
		libxl_dominfo_list_free(l, n);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		hv_dominfo_fill(hv, &l[i], &out[i]);
	libxl_dominfo_list_free(l, n);
	*list_r = out;
	*n_r = (size_t)n;
	return 0;
}

/* ---- host check ---- */

static int hv_check_caps_file(char *why, size_t whysz)
{
	char buf[256] = "";
	FILE *f = fopen("/proc/xen/capabilities", "re");
	size_t n;

	if (!f) {
		snprintf(why, whysz,
			 "not running on Xen: /proc/xen/capabilities: %s "
			 "(is xenfs mounted on /proc/xen?)",
			 strerror(errno));
		return -ENODEV;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	if (!strstr(buf, "control_d")) {
		snprintf(why, whysz,
			 "not the Xen control domain (dom0): "
			 "/proc/xen/capabilities lacks control_d");
		return -EPERM;
	}
	return 0;
}

static int hv_check_physinfo(libxl_ctx *ctx, char *why, size_t whysz)
{
	libxl_physinfo pi;
	int rc;

	libxl_physinfo_init(&pi);
	rc = libxl_get_physinfo(ctx, &pi);
	if (rc) {
		snprintf(why, whysz, "libxl cannot read Xen's physinfo (%s)",
			 libxl_error_to_string(rc));
		rc = hv_errno(rc);
	} else if (!pi.cap_hvm) {
		snprintf(why, whysz,
			 "Xen offers no HVM/PVH guests (virt_caps lacks hvm)");
		rc = -EOPNOTSUPP;
	} else if (!pi.cap_hap && !pi.cap_shadow) {
		snprintf(why, whysz,
			 "neither hap nor shadow paging available "
			 "(nested Xen needs SVM/VMX with nested paging)");
		rc = -EOPNOTSUPP;
	}
	libxl_physinfo_dispose(&pi);
	return rc;
}

int hv_check(char *why, size_t whysz)
{
	struct hv_logger lg;
	libxl_ctx *ctx = NULL;
	int rc;

	snprintf(why, whysz, "ok");
	rc = hv_check_caps_file(why, whysz);
	if (rc)
		return rc;
	hv_logger_init(&lg);
	rc = libxl_ctx_alloc(&ctx, LIBXL_VERSION, 0, &lg.xtl);
	if (rc) {
		snprintf(why, whysz,
			 "cannot open libxl (%s): are you root, and are "
			 "xenstored and /dev/xen/privcmd available?",
			 libxl_error_to_string(rc));
		return hv_errno(rc);
	}
	rc = hv_check_physinfo(ctx, why, whysz);
	libxl_ctx_free(ctx);
	return rc;
}
