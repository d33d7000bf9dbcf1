/* SPDX-License-Identifier: MIT */
/* pod: the pod registry and lifecycle state machine behind pod.h (no libxl types: hv.h, xs.h seams only). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/passwd.h" /* the guest's limits on what "user" resolves to */
#include "lib/spec.h" /* the guest's limits on tmpfs tokens */

#include "console.h"
#include "ev.h"
#include "image.h"
#include "log.h"
#include "pod.h"
#include "pod_internal.h"
#include "pod_io.h"
#include "state_json.h"
#include "store.h"
#include "xs.h"

struct pod_ctx pod_ctx = { .xs_fd = -1,
			   .image_cache_keep = POD_IMAGE_CACHE_KEEP };

/* ---- small helpers ---- */

void pod_crash_point(const char *point)
{
	if (pod_ctx.crash_at && strcmp(pod_ctx.crash_at, point) == 0) {
		log_warn("XENPOD_CRASH_AT=%s: exiting now", point);
		_exit(137);
	}
}

static void strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

static size_t strv_len(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

static char **strv_dup(char *const *src)
{
	size_t i, n = strv_len(src);
	char **v = calloc(n + 1, sizeof(*v));

	if (!v)
		return NULL;
	for (i = 0; i < n; i++) {
		v[i] = strdup(src[i]);
		if (!v[i]) {
			strv_free(v);
			return NULL;
		}
	}
	return v;
}

static int random_hex(char *buf, size_t nbytes)
{
	unsigned char raw[16];
	size_t i;

	if (nbytes > sizeof(raw) ||
	    getrandom(raw, nbytes, 0) != (ssize_t)nbytes)
		return -EIO;
	for (i = 0; i < nbytes; i++)
		sprintf(buf + 2 * i, "%02x", raw[i]);
	return 0;
}

/* A random (version 4) UUID in lowercase text form. */
static int make_uuid(char out[HV_UUID_LEN + 1])
{
	unsigned char r[16];

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return -EIO;
	r[6] = (r[6] & 0x0f) | 0x40;
	r[8] = (r[8] & 0x3f) | 0x80;
	snprintf(
		out, HV_UUID_LEN + 1,
		"%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9],
		r[10], r[11], r[12], r[13], r[14], r[15]);
	return 0;
}

/* ---- registry ---- */

struct pod *pod_find(const char *name)
{
	struct pod *p;

	for (p = pod_ctx.pods; p; p = p->next)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

struct pod *pod_find_uuid(const char *uuid)
{
	struct pod *p;

	for (p = pod_ctx.pods; p; p = p->next)
		if (strcasecmp(p->uuid, uuid) == 0)
			return p;
	return NULL;
}

void pod_link(struct pod *p)
{
	p->next = pod_ctx.pods;
	p->prev = NULL;
	if (pod_ctx.pods)
		pod_ctx.pods->prev = p;
	pod_ctx.pods = p;
	pod_ctx.n_pods++;
}

static void pod_unlink(struct pod *p)
{
	if (p->prev)
		p->prev->next = p->next;
	else
		pod_ctx.pods = p->next;
	if (p->next)
		p->next->prev = p->prev;
	pod_ctx.n_pods--;
}

size_t pod_count(void)
{
	return pod_ctx.n_pods;
}

static void pod_free(struct pod *p)
{
	if (!p)
		return;
	ev_timer_del(p->tty_timer);
	ev_timer_del(p->stop_timer);
	ev_timer_del(p->drain_timer);
	ev_timer_del(p->status_timer);
	ev_timer_del(p->start_timer);
	ev_timer_del(p->vol_timer);
	console_close(p->con);
	pod_io_close(p);
	pod_mounts_forget(p);
	strv_free(p->argv);
	strv_free(p->env);
	free(p->image);
	free(p->cwd);
	free(p->user);
	strv_free(p->groups);
	free(p->kernel_args);
	free(p);
}

const char *pod_status_name(enum pod_status s)
{
	static const char *const names[] = { "creating", "created", "running",
					     "stopped", "failed" };

	return s <= POD_FAILED ? names[s] : "?";
}

bool pod_is_final(const struct pod *p)
{
	return p->status == POD_STOPPED || p->status == POD_FAILED;
}

/* ---- what a pod is ---- */

uint64_t pod_lost_bytes(const struct pod *p)
{
	return p->con ? console_lost_bytes(p->con) + pod_io_lost_bytes(p) :
			p->lost_bytes;
}

void pod_info(const struct pod *p, struct pod_info *out)
{
	out->name = p->name;
	out->uuid = p->uuid;
	out->domid = p->domid;
	out->status = p->status;
	out->has_exit = p->has_exit;
	out->exit_code = p->exit_code;
	out->reason = p->reason;
	out->image = p->image;
	out->digest = p->digest;
	out->argv = p->argv;
	out->env = p->env;
	out->cwd = p->cwd;
	out->user = p->user;
	out->groups = p->groups;
	out->rlimits = p->rlimits;
	out->n_rlimits = p->n_rlimits;
	out->kernel_args = p->kernel_args;
	out->kernel = p->kernel;
	out->kernel_digest = p->kernel_digest;
	out->chan = p->chan;
	out->term = p->term;
	out->open_stdin = p->open_stdin;
	out->console_tty = p->tty;
	out->memory_mib = p->memory_mib;
	out->vcpus = p->vcpus;
	out->created_at = p->created_at;
	out->started_at = p->started_at;
	out->finished_at = p->finished_at;
	out->stop_deadline = p->stop_deadline;
	out->log_lost_bytes = pod_lost_bytes(p);
	out->cpio = p->cpio;
	out->net = &p->net;
	out->net_attached = p->net_attached;
	out->paused = p->paused;
	out->mounts = p->mounts;
	out->n_mounts = p->n_mounts;
	out->tmpfs = p->tmpfs;
	out->n_tmpfs = p->n_tmpfs;
	out->read_only = p->read_only;
}

int pod_persist(struct pod *p)
{
	struct pod_info pi;
	int rc;

	if (p->con)
		p->lost_bytes =
			console_lost_bytes(p->con) + pod_io_lost_bytes(p);
	pod_info(p, &pi);
	rc = state_json_save(&pi);
	if (rc)
		log_warn("pod %s: cannot save state: %s", p->name,
			 strerror(-rc));
	return rc;
}

void pod_event(const struct pod *p, const char *event)
{
	struct pod_event e = { .name = p->name,
			       .uuid = p->uuid,
			       .event = event,
			       .time = time(NULL) };
	/* How it ended (failed, exited, stopped): the same as the POD says. */
	bool final = pod_is_final(p) && strcmp(event, "removed") != 0;

	if (final && p->reason[0])
		e.reason = p->reason;
	if (final && p->has_exit) {
		e.has_exit = true;
		e.exit_code = p->exit_code;
	}
	if (pod_ctx.ops && pod_ctx.ops->event)
		pod_ctx.ops->event(&e);
}

/* ---- answers ---- */

void pod_reply_pod(pod_token t, const struct pod *p)
{
	if (t && pod_ctx.ops && pod_ctx.ops->reply_pod)
		pod_ctx.ops->reply_pod(t, p);
}

void pod_reply_error(pod_token t, int neg_errno, int status, const char *msg)
{
	if (t && pod_ctx.ops && pod_ctx.ops->reply_error)
		pod_ctx.ops->reply_error(t, neg_errno, status, msg);
}

static void null_output(pod_token t, int fd, const uint8_t *d, size_t n)
{
	(void)t, (void)fd, (void)d, (void)n;
}

static void null_credit(pod_token t, uint32_t n)
{
	(void)t, (void)n;
}

static int null_log(pod_token t, const char *pod, const char *stream,
		    const char *d, size_t n)
{
	(void)t, (void)pod, (void)stream, (void)d, (void)n;
	return 0;
}

static bool null_writable(pod_token t)
{
	(void)t;
	return true;
}

static size_t null_queued(pod_token t)
{
	(void)t;
	return 0;
}

static void null_on_writable(pod_token t, void (*cb)(void *), void *arg)
{
	(void)t, (void)cb, (void)arg;
}

const struct pod_sink *pod_sink(void)
{
	static const struct pod_sink none = {
		.output = null_output,
		.credit = null_credit,
		.log = null_log,
		.writable = null_writable,
		.queued = null_queued,
		.on_writable = null_on_writable,
	};

	return pod_ctx.ops && pod_ctx.ops->sink ? pod_ctx.ops->sink : &none;
}

void pod_set_ops(const struct pod_ops *ops)
{
	pod_ctx.ops = ops;
}

/* ---- spec ---- */

static int spec_token(char *buf, size_t bufsz, size_t *off, const char *tok)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *s = (const unsigned char *)tok;

	if (*off) {
		if (*off + 1 >= bufsz)
			return -E2BIG;
		buf[(*off)++] = ' ';
	}
	/* An empty token would vanish between two spaces ("sh -c ''"):
	 * it is written as "%-", which no percent-encoding produces. */
	if (!*s) {
		if (*off + 2 >= bufsz)
			return -E2BIG;
		buf[(*off)++] = '%';
		buf[(*off)++] = '-';
	}
	for (; *s; s++) {
		bool esc = *s == '%' || *s < 0x21 || *s > 0x7e;

		if (*off + (esc ? 3 : 1) >= bufsz)
			return -E2BIG;
		if (esc) {
			buf[(*off)++] = '%';
			buf[(*off)++] = hex[*s >> 4];
			buf[(*off)++] = hex[*s & 15];
		} else {
			buf[(*off)++] = (char)*s;
		}
	}
	buf[*off] = '\0';
	return 0;
}

static int spec_opt(char *buf, size_t bufsz, size_t *off, const char *key,
		    const char *val)
{
	char *tok;
	int rc;

	if (asprintf(&tok, "%s=%s", key, val) < 0)
		return -ENOMEM;
	rc = spec_token(buf, bufsz, off, tok);
	free(tok);
	return rc;
}

_Static_assert(XP_SPEC_GROUPS_MAX == USER_GROUPS_MAX,
	       "the daemon passes on no more groups than the guest takes");

_Static_assert(XP_TMPFS_MAX == SPEC_TMPFS_MAX &&
		       XP_TMPFS_SIZE_MAX == SPEC_TMPFS_SIZE_MAX,
	       "the daemon passes on no more tmpfs mounts than the guest takes");

int pod_spec_string(char *const *argv, char *const *env, const char *cwd,
		    const char *name, const char *user, char *const *groups,
		    const struct tmpfs_arg *tmpfs, size_t n_tmpfs,
		    const struct rlimit_arg *rlimits, size_t n_rlimits,
		    unsigned flags, char *buf, size_t bufsz)
{
	char tok[XP_RLIMIT_TOKEN_MAX];
	size_t off = 0,
	       cap = bufsz < POD_SPEC_MAX + 1 ? bufsz : POD_SPEC_MAX + 1;
	int rc = 0;

	if (!argv || !argv[0] || cap == 0)
		return -EINVAL;
	buf[0] = '\0';
	for (; env && *env && !rc; env++)
		rc = spec_opt(buf, cap, &off, "env", *env);
	if (!rc && cwd)
		rc = spec_opt(buf, cap, &off, "cwd", cwd);
	if (!rc && name)
		rc = spec_opt(buf, cap, &off, "name", name);
	if (!rc && user)
		rc = spec_opt(buf, cap, &off, "user", user);
	for (; groups && *groups && !rc; groups++)
		rc = spec_opt(buf, cap, &off, "group", *groups);
	for (size_t i = 0; i < n_rlimits && !rc; i++)
		rc = rlimit_token(&rlimits[i], tok, sizeof(tok)) ?:
			     spec_opt(buf, cap, &off, "rlimit", tok);
	if (!rc && (flags & POD_SPEC_TTY))
		rc = spec_token(buf, cap, &off, "tty=1");
	if (!rc && (flags & POD_SPEC_STDIN))
		rc = spec_token(buf, cap, &off, "stdin=1");
	if (!rc && (flags & POD_SPEC_READONLY))
		rc = spec_token(buf, cap, &off, "readonly=1");
	for (size_t i = 0; i < n_tmpfs && !rc; i++) {
		char v[XP_MOUNT_DEST_MAX + 64];

		/* SIZE,MODE,RO,PATH: the path last, so it may hold commas */
		snprintf(v, sizeof(v), "%llu,%o,%d,%s",
			 (unsigned long long)tmpfs[i].size, tmpfs[i].mode,
			 tmpfs[i].read_only ? 1 : 0, tmpfs[i].dest);
		rc = spec_opt(buf, cap, &off, "tmpfs", v);
	}
	if (!rc)
		rc = spec_token(buf, cap, &off, "--");
	for (; *argv && !rc; argv++)
		rc = spec_token(buf, cap, &off, *argv);
	return rc;
}

/* ---- image cache ---- */

static bool cpio_in_use(const char *path)
{
	struct pod *p;

	for (p = pod_ctx.pods; p; p = p->next)
		if (strcmp(p->cpio, path) == 0)
			return true;
	return false;
}

static bool is_cache_name(const char *n)
{
	size_t i;

	if (strlen(n) != IMAGE_DIGEST_LEN + 5 ||
	    strcmp(n + IMAGE_DIGEST_LEN, ".cpio") != 0)
		return false;
	for (i = 0; i < IMAGE_DIGEST_LEN; i++)
		if (!strchr("0123456789abcdef", n[i]))
			return false;
	return true;
}

static bool is_key_name(const char *n)
{
	size_t len = strlen(n);

	return n[0] != '.' && len > 4 && strcmp(n + len - 4, ".key") == 0;
}

struct cache_ent {
	char path[PATH_MAX];
	struct timespec mtime;
};

static int cmp_newest_first(const void *a, const void *b)
{
	const struct cache_ent *x = a, *y = b;

	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? 1 : -1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? 1 : -1;
	return 0;
}

/* Unused cached rootfs files, newest first (at most 256 looked at per pass). */
static size_t unused_cpios(const char *dir, struct cache_ent *ents, size_t max)
{
	struct dirent *e;
	struct stat sb;
	DIR *d = opendir(dir);
	size_t n = 0;

	while (d && (e = readdir(d)) && n < max) {
		if (!is_cache_name(e->d_name))
			continue;
		snprintf(ents[n].path, sizeof(ents[n].path), "%s/%s", dir,
			 e->d_name);
		if (cpio_in_use(ents[n].path) || stat(ents[n].path, &sb) < 0)
			continue;
		ents[n++].mtime = sb.st_mtim;
	}
	if (d)
		closedir(d);
	qsort(ents, n, sizeof(*ents), cmp_newest_first);
	return n;
}

/*
 * image.c's KEY.key links lead to a cpio; drop those left dangling, and the
 * .tmp-* files of conversions a crash cut short (none runs now: the caller
 * checked).
 */
static void drop_dangling_keys(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *e;
	struct stat sb;
	DIR *d = opendir(dir);

	while (d && (e = readdir(d))) {
		bool stray = strncmp(e->d_name, ".tmp-", 5) == 0;

		if ((!stray && !is_key_name(e->d_name)) ||
		    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >=
			    (int)sizeof(path))
			continue;
		if (stray || (stat(path, &sb) < 0 && errno == ENOENT))
			unlink(path);
	}
	if (d)
		closedir(d);
}

/*
 * Keep the image_cache_keep most recently used rootfs files no pod refers
 * to (so running the same image again skips the conversion); drop the rest.
 */
void pod_gc_images(void)
{
	const char *dir = store_images_dir();
	struct cache_ent *ents;
	size_t n, i;

	if (pod_ctx.n_preparing > 0)
		return; /* a worker may be publishing a file no pod refers to yet */
	ents = calloc(256, sizeof(*ents));
	if (!ents)
		return;
	n = unused_cpios(dir, ents, 256);
	for (i = (size_t)pod_ctx.image_cache_keep; i < n; i++)
		if (unlink(ents[i].path) == 0)
			log_debug("image cache: removed %s", ents[i].path);
	free(ents);
	drop_dangling_keys(dir);
}

/* ---- xenstore watch ---- */

static void watch_token(const struct pod *p, char *buf, size_t sz)
{
	snprintf(buf, sz, "xenpod:%s", p->uuid);
}

int pod_watch_guest(struct pod *p)
{
	char tok[64];
	int rc;

	watch_token(p, tok, sizeof(tok));
	rc = xs_watch_status(pod_ctx.xs, (uint32_t)p->domid, tok);
	if (rc)
		log_warn("pod %s: cannot watch guest status: %s", p->name,
			 strerror(-rc));
	else
		p->watching = true;
	return rc;
}

static void unwatch_guest(struct pod *p)
{
	char tok[64];

	if (!p->watching)
		return;
	watch_token(p, tok, sizeof(tok));
	xs_unwatch_status(pod_ctx.xs, (uint32_t)p->domid, tok);
	p->watching = false;
}

/* Remember what the guest reported; a malformed report fails the pod (it is hostile input). */
void pod_read_guest(struct pod *p)
{
	struct xs_guest_status st;
	int rc;

	if (p->domid < 0)
		return;
	rc = xs_read_status(pod_ctx.xs, (uint32_t)p->domid, &st);
	if (rc) {
		log_debug("pod %s: reading guest status: %s", p->name,
			  strerror(-rc));
		return;
	}
	p->guest = st.state;
	if (st.state == XS_GUEST_EXITED || st.state == XS_GUEST_FAILED)
		p->guest_exit = st.exit_code;
	if (st.state == XS_GUEST_FAILED || st.state == XS_GUEST_INVALID)
		snprintf(p->guest_error, sizeof(p->guest_error), "%s",
			 st.error);
	if (st.state == XS_GUEST_RUNNING || st.state == XS_GUEST_EXITED) {
		p->prog_started = true;
		pod_check_started(p);
	}
	if (st.state == XS_GUEST_INVALID && !pod_is_final(p) &&
	    p->status != POD_CREATING) {
		log_warn(
			"pod %s: guest wrote an invalid status (%s); destroying it",
			p->name, st.error);
		pod_finish(p, POD_FAILED, "failed: invalid guest status",
			   false);
	}
}

static void on_status_timer(void *arg)
{
	struct pod *p = arg;

	p->status_timer = NULL;
	if (p->domid >= 0 && !p->finishing && !pod_is_final(p))
		pod_read_guest(p);
}

static void on_xs(int fd, short revents, void *arg)
{
	char tok[80];
	struct pod *p;
	int i;

	/*
	 * Bounded per wakeup, and a pod's status is read at most once per
	 * POD_STATUS_COALESCE_MS however often its guest fires the watch: a
	 * flooding guest costs the others next to nothing.
	 */
	for (i = 0; i < 64; i++) {
		if (xs_next_watch(pod_ctx.xs, tok, sizeof(tok)) < 0)
			break;
		if (strncmp(tok, "xenpod:", 7) != 0)
			continue;
		p = pod_find_uuid(tok + 7);
		if (!p || p->domid < 0 || p->finishing || p->status_timer)
			continue;
		ev_timer_add(ev_now_ms() + POD_STATUS_COALESCE_MS,
			     on_status_timer, p, &p->status_timer);
	}
}

/* ---- stopping ---- */

/* The first waiter of list, unlinked (its request still to answer), or NULL. */
static struct pod_waiter *waiter_pop(struct pod_waiter **list)
{
	struct pod_waiter *wt = *list;

	if (wt) {
		*list = wt->next;
		if (*list)
			(*list)->prev = NULL;
	}
	return wt;
}

static void reply_waiters(struct pod *p)
{
	struct pod_waiter *wt;

	while ((wt = waiter_pop(&p->waiters))) {
		pod_reply_pod(wt->tok, p);
		free(wt);
	}
}

static bool cancel_in(struct pod_waiter **list, pod_token t)
{
	struct pod_waiter *wt;

	for (wt = *list; wt; wt = wt->next) {
		if (wt->tok != t)
			continue;
		if (wt->prev)
			wt->prev->next = wt->next;
		else
			*wt->list = wt->next;
		if (wt->next)
			wt->next->prev = wt->prev;
		free(wt);
		return true;
	}
	return false;
}

bool pod_waiter_cancel(pod_token t)
{
	struct pod *p;

	for (p = pod_ctx.pods; p; p = p->next)
		if (cancel_in(&p->waiters, t) ||
		    cancel_in(&p->start_waiters, t))
			return true;
	return false;
}

static int add_waiter(struct pod *p, struct pod_waiter **list, pod_token t)
{
	struct pod_waiter *wt = calloc(1, sizeof(*wt));

	if (!wt)
		return -ENOMEM;
	wt->tok = t;
	wt->pod = p;
	wt->list = list;
	wt->next = *list;
	if (*list)
		(*list)->prev = wt;
	*list = wt;
	return 0;
}

/* ---- starting: answered once the program runs ---- */

/* The program runs (and the channel is up): now the pod has started. */
static void announce_started(struct pod *p)
{
	struct pod_waiter *wt;

	p->start_pending = false;
	ev_timer_del(p->start_timer);
	p->start_timer = NULL;
	log_info("pod %s: started (domain %lld)", p->name, (long long)p->domid);
	pod_event(p, "started");
	while ((wt = waiter_pop(&p->start_waiters))) {
		pod_reply_pod(wt->tok, p);
		free(wt);
	}
}

void pod_check_started(struct pod *p)
{
	if (p->start_pending && p->status == POD_RUNNING && p->prog_started &&
	    !pod_io_connecting(p))
		announce_started(p);
}

/*
 * The pod ended before its start was complete. If its program did run
 * (it exited at once, say), the start succeeded; otherwise each pending
 * pod_start gets the reason, with the status a shell or docker would
 * give: 127 not found, 126 cannot execute, 125 for anything else.
 */
static void finish_start(struct pod *p)
{
	struct pod_waiter *wt;
	int status = p->status == POD_FAILED && p->has_exit ? p->exit_code :
							      XS_FAIL_OTHER;

	if (!p->start_pending)
		return;
	if (p->prog_started) {
		announce_started(p);
		return;
	}
	p->start_pending = false;
	ev_timer_del(p->start_timer);
	p->start_timer = NULL;
	while ((wt = waiter_pop(&p->start_waiters))) {
		char msg[512];

		if (p->status == POD_FAILED)
			snprintf(msg, sizeof(msg), "pod %s: %s", p->name,
				 p->reason);
		else
			snprintf(msg, sizeof(msg),
				 "pod %s: %s before its program started (%s)",
				 p->name, pod_status_name(p->status),
				 p->reason);
		pod_reply_error(wt->tok, -ECANCELED, status, msg);
		free(wt);
	}
}

static void on_start_timeout(void *arg)
{
	struct pod *p = arg;

	p->start_timer = NULL;
	if (!p->start_pending || pod_is_final(p) || p->finishing)
		return;
	/* The channel's deadline is the same, and its reason says more;
	 * should it connect just in time, look again a second later. */
	if (pod_io_connecting(p)) {
		ev_timer_add(ev_now_ms() + 1000, on_start_timeout, p,
			     &p->start_timer);
		return;
	}
	log_warn(
		"pod %s: the guest did not start its program within %d s; destroying it",
		p->name, POD_IO_HELLO_MS / 1000);
	pod_finish(p, POD_FAILED,
		   "failed: the guest did not start its program in time",
		   false);
}

static const char *final_event(const struct pod *p)
{
	if (p->status == POD_FAILED)
		return "failed";
	if (!p->stop_requested && !strcmp(p->reason, "poweroff"))
		return "exited";
	return "stopped";
}

/*
 * The pod is over: record why (and its exit code, or -1 for none), destroy
 * its domain and keep its log. The stopped state is saved before the
 * destroy, so a crash in between is finished by the next start (it
 * destroys by UUID).
 */
static void finish_code(struct pod *p, enum pod_status st, const char *reason,
			int exit_code)
{
	int rc;

	ev_timer_del(p->stop_timer);
	ev_timer_del(p->drain_timer);
	ev_timer_del(p->tty_timer);
	ev_timer_del(p->status_timer);
	p->stop_timer = p->drain_timer = p->tty_timer = p->status_timer = NULL;
	p->status = st;
	p->paused = false;
	snprintf(p->reason, sizeof(p->reason), "%s", reason);
	p->has_exit = exit_code >= 0;
	p->exit_code = p->has_exit ? exit_code : 0;
	p->finished_at = time(NULL);
	p->finishing = false;
	/* The logs are about to close: keep their lost-bytes count (R5). */
	if (p->con)
		p->lost_bytes = console_lost_bytes(p->con);
	p->lost_bytes += pod_io_lost_bytes(p);
	console_close(p->con);
	p->con = NULL;
	pod_io_close(p);
	pod_net_detach(p);
	pod_persist(p);
	/* Saved stopped first: a daemon dying here still cleans them (reconcile). */
	pod_mounts_stop(p);
	/* A netns vif's nodes: vif-xenpod's offline removes them once its
	 * domain is destroyed; with no domain there is no offline. */
	if (p->domid < 0)
		pod_net_unplugged(p);
	if (p->domid >= 0) {
		unwatch_guest(p);
		pod_crash_point("before_destroy");
		rc = hv_destroy(pod_ctx.hv, (uint32_t)p->domid, p->uuid);
		if (rc && rc != -ESRCH)
			log_warn("pod %s: destroying domain %lld: %s", p->name,
				 (long long)p->domid, strerror(-rc));
		p->domid = -1;
		pod_persist(p);
		pod_crash_point("after_destroy");
	}
	if (p->has_exit)
		log_info("pod %s: %s (%s, exit code %d)", p->name,
			 pod_status_name(st), p->reason, p->exit_code);
	else
		log_info("pod %s: %s (%s)", p->name, pod_status_name(st),
			 p->reason);
	finish_start(p);
	reply_waiters(p);
	pod_logs_pod_changed(p);
	pod_event(p, final_event(p));
}

void pod_finish(struct pod *p, enum pod_status st, const char *reason,
		bool keep_exit)
{
	/* A failed start has a status too (125..127, xs.h XS_FAIL_*). */
	bool has_exit = keep_exit &&
			(p->guest == XS_GUEST_EXITED ||
			 (st == POD_FAILED && p->guest == XS_GUEST_FAILED));

	finish_code(p, st, reason, has_exit ? p->guest_exit : -1);
}

/*
 * What a domain's shutdown reason says about its guest. Our init powers off
 * once its program is over, and the kernel refuses reboot and suspend
 * requests, so only a power-off is a clean end and only a vanished domain
 * (destroyed behind our back) is merely lost. Xen turns a triple fault into
 * a reboot, a panic is a crash, a watchdog fires for a hung kernel, and a
 * soft reset is a kernel giving up on itself (kexec): the kernel died, and
 * the pod is failed, "crashed: ...", exit code POD_EXIT_CRASHED. A suspend
 * or a reason unknown to us fails the pod without an exit code. NULL: a
 * clean stop.
 */
static const char *shutdown_failure(enum hv_shutdown_reason r, bool *crashed)
{
	*crashed = true;
	switch (r) {
	case HV_REASON_NONE:
	case HV_REASON_POWEROFF:
		*crashed = false;
		return NULL;
	case HV_REASON_REBOOT:
		return "crashed: the guest kernel rebooted (triple fault?)";
	case HV_REASON_CRASH:
		return "crashed: the guest kernel crashed (panic or fatal fault)";
	case HV_REASON_WATCHDOG:
		return "crashed: the guest's watchdog fired (its kernel hung)";
	case HV_REASON_SOFT_RESET:
		return "crashed: the guest kernel asked for a soft reset";
	case HV_REASON_SUSPEND:
		*crashed = false;
		return "failed: the domain was suspended (a pod cannot resume)";
	default:
		*crashed = false;
		return "failed: the domain shut down for an unknown reason";
	}
}

/* The reason a pod gives after its domain shut down on its own (or on our request). */
static void finish_after_shutdown(struct pod *p)
{
	char reason[sizeof(p->reason)];
	const char *failure;
	bool crashed;

	if (p->guest == XS_GUEST_FAILED || p->guest == XS_GUEST_INVALID) {
		snprintf(reason, sizeof(reason), "failed: %s",
			 p->guest_error[0] ? p->guest_error : "init failed");
		pod_finish(p, POD_FAILED, reason, true);
		return;
	}
	failure = shutdown_failure(p->shutdown_reason, &crashed);
	if (failure) {
		log_warn("pod %s: domain %lld shut down with reason %s",
			 p->name, (long long)p->domid,
			 hv_reason_name(p->shutdown_reason));
		finish_code(p, POD_FAILED, failure,
			    crashed ? POD_EXIT_CRASHED : -1);
		return;
	}
	snprintf(reason, sizeof(reason), "%s",
		 p->shutdown_reason == HV_REASON_NONE ? "lost" : "poweroff");
	pod_finish(p, POD_STOPPED, reason, true);
}

/* After shutdown, wait until the console has been quiet a moment so no output is lost. */
static void on_drain_timer(void *arg)
{
	struct pod *p = arg;
	uint64_t now = ev_now_ms();

	p->drain_timer = NULL;
	console_drain(p->con);
	if (p->con && now - console_last_data_ms(p->con) < 300 &&
	    now - p->shutdown_at < 3000) {
		ev_timer_add(now + 100, on_drain_timer, p, &p->drain_timer);
		return;
	}
	finish_after_shutdown(p);
}

void pod_on_shutdown(struct pod *p, enum hv_shutdown_reason reason)
{
	if (p->finishing || pod_is_final(p))
		return;
	p->finishing = true;
	p->shutdown_reason = reason;
	p->shutdown_at = ev_now_ms();
	pod_read_guest(p);
	if (pod_is_final(p))
		return; /* pod_read_guest found garbage and finished it */
	log_debug("pod %s: domain %lld shut down (%s)", p->name,
		  (long long)p->domid, hv_reason_name(reason));
	if (ev_timer_add(ev_now_ms() + 100, on_drain_timer, p,
			 &p->drain_timer) < 0)
		finish_after_shutdown(p);
}

static void on_domain_event(void *opaque, uint32_t domid, const char *uuid,
			    enum hv_domain_state state,
			    enum hv_shutdown_reason reason)
{
	struct pod *p = uuid ? pod_find_uuid(uuid) : NULL;

	/* Domids are recycled: only an event whose domid and UUID both match counts. */
	if (!p || p->domid != (int64_t)domid) {
		log_debug("domain %u (%s): event for no pod of ours", domid,
			  uuid ? uuid : "?");
		return;
	}
	if (state == HV_RUNNING)
		return;
	if (state == HV_DYING && reason == HV_REASON_NONE) {
		/* Gone without a shutdown we saw (e.g. destroyed behind our back). */
		if (!pod_is_final(p))
			pod_on_shutdown(p, HV_REASON_NONE);
		return;
	}
	pod_on_shutdown(p, reason);
}

static void on_stop_timeout(void *arg)
{
	struct pod *p = arg;

	p->stop_timer = NULL;
	if (pod_is_final(p))
		return;
	log_info("pod %s: did not power off in time; destroying it", p->name);
	pod_finish(p, POD_STOPPED, "timeout", false);
}

/* ---- reading ---- */

bool pod_status_final(enum pod_status s)
{
	return s == POD_STOPPED || s == POD_FAILED;
}

static struct pod *find_or_fail(const char *name, char *err, size_t errsz)
{
	struct pod *p = pod_find(name);

	if (!p)
		snprintf(err, errsz, "pod %s: not found", name);
	return p;
}

int pod_get(const char *name, const struct pod **p_r, char *err, size_t errsz)
{
	*p_r = find_or_fail(name, err, errsz);
	return *p_r ? 0 : -ENOENT;
}

const struct pod *pod_first(void)
{
	return pod_ctx.pods;
}

const struct pod *pod_next(const struct pod *p)
{
	return p->next;
}

static int oom(char *err, size_t errsz)
{
	snprintf(err, errsz, "out of memory");
	return -ENOMEM;
}

int pod_wait(const char *name, pod_token t, const struct pod **p_r, char *err,
	     size_t errsz)
{
	struct pod *p = find_or_fail(name, err, errsz);

	*p_r = p;
	if (!p)
		return -ENOENT;
	if (pod_is_final(p))
		return 0;
	if (add_waiter(p, &p->waiters, t) < 0)
		return oom(err, errsz);
	return POD_DEFERRED;
}

/* ---- changes ---- */

static int busy_creating(const struct pod *p, char *err, size_t errsz)
{
	if (p->status != POD_CREATING)
		return 0;
	snprintf(err, errsz, "pod %s: is being created", p->name);
	return -EBUSY;
}

int pod_unpause(struct pod *p, char *err, size_t errsz)
{
	int rc;

	if (p->status == POD_CREATING) {
		snprintf(err, errsz, "pod %s: is being created", p->name);
		return -EBUSY;
	}
	if (p->status != POD_CREATED) {
		snprintf(err, errsz, "pod %s: is %s, not created", p->name,
			 pod_status_name(p->status));
		return -EBADFD;
	}
	rc = hv_unpause(pod_ctx.hv, (uint32_t)p->domid, p->uuid);
	if (rc) {
		snprintf(err, errsz, "pod %s: cannot unpause domain: %s",
			 p->name, strerror(-rc));
		return rc;
	}
	p->status = POD_RUNNING;
	p->started_at = time(NULL);
	p->start_pending = true;
	ev_timer_add(ev_now_ms() + POD_IO_HELLO_MS, on_start_timeout, p,
		     &p->start_timer);
	pod_io_started(p);
	pod_persist(p);
	log_info("pod %s: unpaused domain %lld; waiting for its program",
		 p->name, (long long)p->domid);
	return 0;
}

/* Answered once the program runs (PROTOCOL.md), or with why it did not. */
int pod_start(const char *name, pod_token t, const struct pod **p_r, char *err,
	      size_t errsz)
{
	struct pod *p = find_or_fail(name, err, errsz);
	int rc;

	*p_r = p;
	if (!p)
		return -ENOENT;
	rc = pod_unpause(p, err, errsz);
	if (rc)
		return rc;
	if (!p->start_pending)
		return 0; /* complete already */
	if (add_waiter(p, &p->start_waiters, t) < 0)
		return oom(err, errsz);
	return POD_DEFERRED;
}

/* A paused guest cannot power itself off: thaw it (docker does too). */
static void thaw_for_stop(struct pod *p)
{
	int rc;

	if (!p->paused)
		return;
	rc = hv_unpause(pod_ctx.hv, (uint32_t)p->domid, p->uuid);
	if (rc)
		log_warn("pod %s: cannot unpause it to stop it: %s", p->name,
			 strerror(-rc));
	p->paused = false;
	pod_event(p, "unpaused");
}

int pod_stop(const char *name, int64_t timeout_s, pod_token t,
	     const struct pod **p_r, char *err, size_t errsz)
{
	struct pod *p = find_or_fail(name, err, errsz);
	int rc;

	*p_r = p;
	if (!p)
		return -ENOENT;
	rc = busy_creating(p, err, errsz);
	if (rc)
		return rc;
	if (pod_is_final(p))
		return 0;
	if (add_waiter(p, &p->waiters, t) < 0)
		return oom(err, errsz);
	if (p->stop_requested || p->finishing)
		return POD_DEFERRED;
	p->stop_requested = true;
	thaw_for_stop(p);
	if (p->status == POD_CREATED) {
		/* Never started: there is nobody to shut down cleanly. */
		pod_finish(p, POD_STOPPED, "stopped", false);
		return POD_DEFERRED;
	}
	rc = hv_shutdown(pod_ctx.hv, (uint32_t)p->domid, p->uuid);
	if (rc) {
		log_warn("pod %s: shutdown request failed (%s); destroying it",
			 p->name, strerror(-rc));
		pod_finish(p, POD_STOPPED, "killed", false);
		return POD_DEFERRED;
	}
	log_info("pod %s: power-off requested (timeout %lld s)", p->name,
		 (long long)timeout_s);
	p->stop_deadline = time(NULL) + (time_t)timeout_s;
	pod_persist(p);
	ev_timer_add(ev_now_ms() + (uint64_t)timeout_s * 1000, on_stop_timeout,
		     p, &p->stop_timer);
	return POD_DEFERRED;
}

void pod_resume_stop(struct pod *p)
{
	time_t now = time(NULL);
	uint64_t left_s;

	if (!p->stop_deadline || pod_is_final(p) || p->stop_timer)
		return;
	left_s = p->stop_deadline > now ? (uint64_t)(p->stop_deadline - now) :
					  0;
	p->stop_requested = true;
	log_info("pod %s: a stop was pending at the restart (%llu s left)",
		 p->name, (unsigned long long)left_s);
	ev_timer_add(ev_now_ms() + left_s * 1000, on_stop_timeout, p,
		     &p->stop_timer);
}

int pod_kill(const char *name, const struct pod **p_r, char *err, size_t errsz)
{
	struct pod *p = find_or_fail(name, err, errsz);
	int rc;

	*p_r = p;
	if (!p)
		return -ENOENT;
	rc = busy_creating(p, err, errsz);
	if (rc)
		return rc;
	if (!pod_is_final(p))
		pod_finish(p, POD_STOPPED, "killed", false);
	return 0;
}

/* The pod that pause or unpause may change: running, started, not stopping. */
static struct pod *pausable(const char *name, const struct pod **p_r, char *err,
			    size_t errsz, int *rc)
{
	struct pod *p = find_or_fail(name, err, errsz);

	*p_r = p;
	*rc = -ENOENT;
	if (!p)
		return NULL;
	*rc = -EBADFD;
	if (p->status != POD_RUNNING) {
		snprintf(err, errsz, "pod %s: is %s, not running", p->name,
			 pod_status_name(p->status));
		return NULL;
	}
	if (p->start_pending) {
		snprintf(err, errsz, "pod %s: is still starting", p->name);
		return NULL;
	}
	if (p->stop_requested || p->finishing) {
		snprintf(err, errsz, "pod %s: is stopping", p->name);
		return NULL;
	}
	return p;
}

int pod_pause(const char *name, const struct pod **p_r, char *err, size_t errsz)
{
	int rc;
	struct pod *p = pausable(name, p_r, err, errsz, &rc);

	if (!p)
		return rc;
	if (p->paused) {
		snprintf(err, errsz, "pod %s: is already paused", p->name);
		return -EBADFD;
	}
	rc = hv_pause(pod_ctx.hv, (uint32_t)p->domid, p->uuid);
	if (rc) {
		snprintf(err, errsz, "pod %s: cannot pause domain %lld: %s",
			 p->name, (long long)p->domid, strerror(-rc));
		return rc;
	}
	p->paused = true;
	pod_persist(p);
	log_info("pod %s: paused domain %lld", p->name, (long long)p->domid);
	pod_event(p, "paused");
	return 0;
}

int pod_resume(const char *name, const struct pod **p_r, char *err,
	       size_t errsz)
{
	int rc;
	struct pod *p = pausable(name, p_r, err, errsz, &rc);

	if (!p)
		return rc;
	if (!p->paused) {
		snprintf(err, errsz, "pod %s: is not paused", p->name);
		return -EBADFD;
	}
	rc = hv_unpause(pod_ctx.hv, (uint32_t)p->domid, p->uuid);
	if (rc) {
		snprintf(err, errsz, "pod %s: cannot unpause domain %lld: %s",
			 p->name, (long long)p->domid, strerror(-rc));
		return rc;
	}
	p->paused = false;
	pod_persist(p);
	log_info("pod %s: unpaused domain %lld", p->name, (long long)p->domid);
	pod_event(p, "unpaused");
	return 0;
}

int pod_rm(const char *name, bool force, char *err, size_t errsz)
{
	struct pod *p = find_or_fail(name, err, errsz);
	int rc;

	if (!p)
		return -ENOENT;
	rc = busy_creating(p, err, errsz);
	if (rc)
		return rc;
	if (!pod_is_final(p) && !force) {
		snprintf(err, errsz,
			 "pod %s: is %s; stop it first or use force", p->name,
			 pod_status_name(p->status));
		return -EBADFD;
	}
	if (!pod_is_final(p))
		pod_finish(p, POD_STOPPED, "killed", false);
	rc = store_remove(p->name);
	if (rc) {
		snprintf(err, errsz, "pod %s: cannot remove its state: %s",
			 p->name, strerror(-rc));
		return -EIO; /* whatever the cause: the removal failed */
	}
	pod_logs_pod_removed(p);
	console_log_remove(pod_ctx.log_dir, p->name);
	pod_unlink(p);
	pod_event(p, "removed");
	log_info("pod %s: removed", p->name);
	pod_free(p);
	pod_gc_images();
	return 0;
}

void pod_cancel(pod_token t)
{
	if (!t)
		return;
	if (pod_waiter_cancel(t) || pod_create_cancel(t) || pod_io_cancel(t))
		return;
	pod_logs_cancel(t);
}

/* ---- init ---- */

const struct hv_callbacks pod_hv_callbacks = {
	.create_done = pod_create_done,
	.domain_event = on_domain_event,
};

int pod_init(const struct pod_config *cfg)
{
	int rc;

	pod_ctx.hv = cfg->hv;
	pod_ctx.xs = cfg->xs;
	snprintf(pod_ctx.log_dir, sizeof(pod_ctx.log_dir), "%s", cfg->log_dir);
	snprintf(pod_ctx.kernel, sizeof(pod_ctx.kernel), "%s", cfg->kernel);
	snprintf(pod_ctx.volume_backend, sizeof(pod_ctx.volume_backend), "%s",
		 cfg->volume_backend ? cfg->volume_backend : "xenpod-9pfsd");
	pod_ctx.pod_cpus = cfg->pod_cpus;
	pod_ctx.crash_at = getenv("XENPOD_CRASH_AT");
	pod_ctx.xs_fd = xs_fd(cfg->xs);
	if (pod_ctx.xs_fd < 0)
		return -EBADF;
	rc = ev_fd_add(pod_ctx.xs_fd, POLLIN, on_xs, NULL, &pod_ctx.xs_evh);
	return rc;
}

void pod_dispose(void)
{
	struct pod *p;

	pod_logs_dispose();
	pod_create_dispose();
	while ((p = pod_ctx.pods)) {
		pod_unlink(p);
		pod_free(p);
	}
	ev_fd_del(pod_ctx.xs_evh);
	pod_ctx.xs_evh = NULL;
	pod_ctx.xs_fd = -1;
}

void pod_free_detached(struct pod *p)
{
	pod_free(p);
}

void pod_unlink_detached(struct pod *p)
{
	pod_unlink(p);
}

char **pod_strv_dup(char *const *v)
{
	return strv_dup(v);
}

void pod_strv_free(char **v)
{
	strv_free(v);
}

int pod_make_uuid(char out[HV_UUID_LEN + 1])
{
	return make_uuid(out);
}

int pod_random_name(char *buf, size_t sz)
{
	char hex[9];

	if (random_hex(hex, 4) < 0)
		return -EIO;
	snprintf(buf, sz, "pod-%s", hex);
	return 0;
}
