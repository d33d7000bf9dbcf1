/* SPDX-License-Identifier: MIT */
/* pod: the pod registry and lifecycle state machine (no libxl types: hv.h, xs.h seams only). */
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

#include "console.h"
#include "control.h"
#include "ev.h"
#include "image.h"
#include "json.h"
#include "log.h"
#include "pod.h"
#include "pod_exec.h"
#include "pod_internal.h"
#include "rpc.h"
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

/* Copy a JSON array of strings (already checked) into a NULL-terminated vector. */
static char **strv_from_json(const struct json *arr)
{
	size_t i, n = json_len(arr);
	char **v = calloc(n + 1, sizeof(*v));

	if (!v)
		return NULL;
	for (i = 0; i < n; i++) {
		v[i] = strdup(json_str(json_at(arr, i)));
		if (!v[i]) {
			strv_free(v);
			return NULL;
		}
	}
	return v;
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

static void fmt_time(time_t t, char *buf, size_t sz)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sz, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static time_t parse_time(const char *s)
{
	struct tm tm = { 0 };
	const char *end;

	if (!s)
		return 0;
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!end || *end)
		return 0;
	return timegm(&tm);
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
	console_close(p->con);
	pod_io_close(p);
	strv_free(p->argv);
	strv_free(p->env);
	free(p->image);
	free(p->cwd);
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

/* ---- JSON ---- */

static void w_strv(struct json_writer *w, const char *key, char *const *v)
{
	json_w_key(w, key);
	json_w_array_open(w);
	for (; v && *v; v++)
		json_w_string(w, *v);
	json_w_array_close(w);
}

static void w_time(struct json_writer *w, const char *key, time_t t)
{
	char buf[32];

	json_w_key(w, key);
	if (!t) {
		json_w_null(w);
		return;
	}
	fmt_time(t, buf, sizeof(buf));
	json_w_string(w, buf);
}

/* The POD object of PROTOCOL.md; for_state adds what only the state file needs. */
void pod_write_json(struct json_writer *w, const struct pod *p, bool for_state)
{
	json_w_object_open(w);
	json_w_key(w, "name");
	json_w_string(w, p->name);
	json_w_key(w, "uuid");
	json_w_string(w, p->uuid);
	json_w_key(w, "domid");
	if (p->domid >= 0)
		json_w_int(w, p->domid);
	else
		json_w_null(w);
	json_w_key(w, "status");
	json_w_string(w, pod_status_name(p->status));
	json_w_key(w, "exit_code");
	if (p->has_exit)
		json_w_int(w, p->exit_code);
	else
		json_w_null(w);
	json_w_key(w, "reason");
	json_w_string(w, p->reason[0] ? p->reason : NULL);
	json_w_key(w, "image");
	json_w_string(w, p->image);
	json_w_key(w, "image_digest");
	json_w_string(w, p->digest);
	w_strv(w, "command", p->argv);
	w_strv(w, "env", p->env);
	json_w_key(w, "cwd");
	json_w_string(w, p->cwd);
	json_w_key(w, "kernel_args");
	json_w_string(w, p->kernel_args);
	/* What it was created with; unknown (null) for a pod from an older
	 * state file, and then left out of the state file. */
	if (!for_state || p->kernel[0]) {
		json_w_key(w, "kernel");
		json_w_string(w, p->kernel[0] ? p->kernel : NULL);
		json_w_key(w, "kernel_digest");
		json_w_string(w, p->kernel_digest[0] ? p->kernel_digest : NULL);
		json_w_key(w, "io_channel");
		if (p->chan == POD_CHAN_UNKNOWN)
			json_w_null(w);
		else
			json_w_bool(w, p->chan == POD_CHAN_IO);
	}
	/* Only when set in the state file, which an older daemon can then
	 * still read (it refuses keys it does not know). */
	if (!for_state || p->term) {
		json_w_key(w, "tty");
		json_w_bool(w, p->term);
	}
	if (!for_state || p->open_stdin) {
		json_w_key(w, "stdin");
		json_w_bool(w, p->open_stdin);
	}
	json_w_key(w, "console_tty");
	json_w_string(w, p->tty[0] ? p->tty : NULL);
	json_w_key(w, "memory_mib");
	json_w_int(w, p->memory_mib);
	json_w_key(w, "vcpus");
	json_w_int(w, p->vcpus);
	w_time(w, "created_at", p->created_at);
	w_time(w, "started_at", p->started_at);
	w_time(w, "finished_at", p->finished_at);
	json_w_key(w, "log_lost_bytes");
	json_w_int(w, (int64_t)(p->con ? console_lost_bytes(p->con) +
						 pod_io_lost_bytes(p) :
					 p->lost_bytes));
	if (for_state) {
		json_w_key(w, "cpio");
		json_w_string(w, p->cpio);
		if (p->stop_deadline)
			w_time(w, "stop_deadline", p->stop_deadline);
	}
	json_w_object_close(w);
}

/* Reply with the POD object. */
void pod_reply(struct rpc_req *req, const struct pod *p)
{
	struct json_writer *w = json_writer_new(false);
	const char *t;

	pod_write_json(w, p, false);
	t = json_writer_text(w, NULL);
	if (t)
		rpc_reply(req, t);
	else
		rpc_error(req, RPC_FAILED, "out of memory");
	json_writer_free(w);
}

int pod_persist(struct pod *p)
{
	struct json_writer *w = json_writer_new(false);
	const char *t;
	size_t len;
	int rc = -ENOMEM;

	if (p->con)
		p->lost_bytes =
			console_lost_bytes(p->con) + pod_io_lost_bytes(p);
	pod_write_json(w, p, true);
	t = json_writer_text(w, &len);
	if (t)
		rc = store_save(p->name, t, len);
	json_writer_free(w);
	if (rc)
		log_warn("pod %s: cannot save state: %s", p->name,
			 strerror(-rc));
	return rc;
}

void pod_event(const struct pod *p, const char *event)
{
	struct json_writer *w = json_writer_new(false);
	char ts[32];
	const char *t;
	bool final;

	fmt_time(time(NULL), ts, sizeof(ts));
	json_w_object_open(w);
	json_w_key(w, "name");
	json_w_string(w, p->name);
	json_w_key(w, "uuid");
	json_w_string(w, p->uuid);
	json_w_key(w, "event");
	json_w_string(w, event);
	json_w_key(w, "time");
	json_w_string(w, ts);
	/* How it ended (failed, exited, stopped): the same as the POD says. */
	final = pod_is_final(p) && strcmp(event, "removed") != 0;
	if (final && p->reason[0]) {
		json_w_key(w, "reason");
		json_w_string(w, p->reason);
	}
	if (final && p->has_exit) {
		json_w_key(w, "exit_code");
		json_w_int(w, p->exit_code);
	}
	json_w_object_close(w);
	t = json_writer_text(w, NULL);
	if (t)
		rpc_broadcast_event(t);
	json_writer_free(w);
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

int pod_spec_string(char *const *argv, char *const *env, const char *cwd,
		    const char *name, unsigned flags, char *buf, size_t bufsz)
{
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
	if (!rc && (flags & POD_SPEC_TTY))
		rc = spec_token(buf, cap, &off, "tty=1");
	if (!rc && (flags & POD_SPEC_STDIN))
		rc = spec_token(buf, cap, &off, "stdin=1");
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

/* image.c's KEY.key links lead to a cpio; drop those left dangling. */
static void drop_dangling_keys(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *e;
	struct stat sb;
	DIR *d = opendir(dir);

	while (d && (e = readdir(d))) {
		if (!is_key_name(e->d_name) ||
		    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >=
			    (int)sizeof(path))
			continue;
		if (stat(path, &sb) < 0 && errno == ENOENT)
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
		pod_reply(wt->req, p);
		free(wt);
	}
}

static void waiter_cancel(struct rpc_req *req, void *arg)
{
	struct pod_waiter *wt = arg;

	if (wt->prev)
		wt->prev->next = wt->next;
	else
		*wt->list = wt->next;
	if (wt->next)
		wt->next->prev = wt->prev;
	free(wt);
}

static int add_waiter(struct pod *p, struct pod_waiter **list,
		      struct rpc_req *req)
{
	struct pod_waiter *wt = calloc(1, sizeof(*wt));

	if (!wt)
		return -ENOMEM;
	wt->req = req;
	wt->pod = p;
	wt->list = list;
	wt->next = *list;
	if (*list)
		(*list)->prev = wt;
	*list = wt;
	rpc_set_cancel(req, waiter_cancel, wt);
	return 0;
}

int pod_add_waiter(struct pod *p, struct rpc_req *req)
{
	return add_waiter(p, &p->waiters, req);
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
		pod_reply(wt->req, p);
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
		if (p->status == POD_FAILED)
			rpc_error_status(wt->req, RPC_FAILED, status,
					 "pod %s: %s", p->name, p->reason);
		else
			rpc_error_status(
				wt->req, RPC_FAILED, status,
				"pod %s: %s before its program started (%s)",
				p->name, pod_status_name(p->status), p->reason);
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
	pod_persist(p);
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

/* ---- RPC: queries ---- */

static struct pod *find_or_fail(struct rpc_req *req, const char *name)
{
	struct pod *p = pod_find(name);

	if (!p)
		rpc_error(req, RPC_NOT_FOUND, "pod %s: not found", name);
	return p;
}

void pod_rpc_inspect(struct rpc_req *req, const char *name)
{
	struct pod *p = find_or_fail(req, name);

	if (p)
		pod_reply(req, p);
}

void pod_rpc_list(struct rpc_req *req, bool all)
{
	struct json_writer *w = json_writer_new(false);
	struct pod *p;
	const char *t;

	json_w_object_open(w);
	json_w_key(w, "pods");
	json_w_array_open(w);
	for (p = pod_ctx.pods; p; p = p->next)
		if (all || !pod_is_final(p))
			pod_write_json(w, p, false);
	json_w_array_close(w);
	json_w_object_close(w);
	t = json_writer_text(w, NULL);
	if (t)
		rpc_reply(req, t);
	else
		rpc_error(req, RPC_FAILED, "out of memory");
	json_writer_free(w);
}

void pod_rpc_wait(struct rpc_req *req, const char *name)
{
	struct pod *p = find_or_fail(req, name);

	if (!p)
		return;
	if (pod_is_final(p))
		pod_reply(req, p);
	else if (pod_add_waiter(p, req) < 0)
		rpc_error(req, RPC_FAILED, "out of memory");
}

/* ---- RPC: changes ---- */

static bool busy_creating(struct rpc_req *req, const struct pod *p)
{
	if (p->status != POD_CREATING)
		return false;
	rpc_error(req, RPC_BUSY, "pod %s: is being created", p->name);
	return true;
}

int pod_start(struct pod *p, char *err, size_t errsz)
{
	int rc;

	if (p->status == POD_CREATING) {
		snprintf(err, errsz, "pod %s: is being created", p->name);
		return RPC_BUSY;
	}
	if (p->status != POD_CREATED) {
		snprintf(err, errsz, "pod %s: is %s, not created", p->name,
			 pod_status_name(p->status));
		return RPC_CONFLICT;
	}
	rc = hv_unpause(pod_ctx.hv, (uint32_t)p->domid, p->uuid);
	if (rc) {
		snprintf(err, errsz, "pod %s: cannot unpause domain: %s",
			 p->name, strerror(-rc));
		return rpc_code_of(rc);
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
void pod_rpc_start(struct rpc_req *req, const char *name)
{
	struct pod *p = find_or_fail(req, name);
	char err[256];
	int code;

	if (!p)
		return;
	code = pod_start(p, err, sizeof(err));
	if (code) {
		rpc_error(req, code, "%s", err);
		return;
	}
	if (!p->start_pending)
		pod_reply(req, p); /* complete already */
	else if (add_waiter(p, &p->start_waiters, req) < 0)
		rpc_error(req, RPC_FAILED, "out of memory");
}

void pod_rpc_stop(struct rpc_req *req, const char *name, int64_t timeout_s)
{
	struct pod *p = find_or_fail(req, name);
	int rc;

	if (!p || busy_creating(req, p))
		return;
	if (pod_is_final(p)) {
		pod_reply(req, p);
		return;
	}
	if (pod_add_waiter(p, req) < 0) {
		rpc_error(req, RPC_FAILED, "out of memory");
		return;
	}
	if (p->stop_requested || p->finishing)
		return;
	p->stop_requested = true;
	if (p->status == POD_CREATED) {
		/* Never started: there is nobody to shut down cleanly. */
		pod_finish(p, POD_STOPPED, "stopped", false);
		return;
	}
	rc = hv_shutdown(pod_ctx.hv, (uint32_t)p->domid, p->uuid);
	if (rc) {
		log_warn("pod %s: shutdown request failed (%s); destroying it",
			 p->name, strerror(-rc));
		pod_finish(p, POD_STOPPED, "killed", false);
		return;
	}
	log_info("pod %s: power-off requested (timeout %lld s)", p->name,
		 (long long)timeout_s);
	p->stop_deadline = time(NULL) + (time_t)timeout_s;
	pod_persist(p);
	ev_timer_add(ev_now_ms() + (uint64_t)timeout_s * 1000, on_stop_timeout,
		     p, &p->stop_timer);
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

void pod_rpc_kill(struct rpc_req *req, const char *name)
{
	struct pod *p = find_or_fail(req, name);

	if (!p || busy_creating(req, p))
		return;
	if (!pod_is_final(p))
		pod_finish(p, POD_STOPPED, "killed", false);
	pod_reply(req, p);
}

void pod_rpc_rm(struct rpc_req *req, const char *name, bool force)
{
	struct pod *p = find_or_fail(req, name);
	int rc;

	if (!p || busy_creating(req, p))
		return;
	if (!pod_is_final(p) && !force) {
		rpc_error(req, RPC_CONFLICT,
			  "pod %s: is %s; stop it first or use force", p->name,
			  pod_status_name(p->status));
		return;
	}
	if (!pod_is_final(p))
		pod_finish(p, POD_STOPPED, "killed", false);
	rc = store_remove(p->name);
	if (rc) {
		rpc_error(req, RPC_FAILED,
			  "pod %s: cannot remove its state: %s", p->name,
			  strerror(-rc));
		return;
	}
	pod_logs_pod_removed(p);
	console_log_remove(pod_ctx.log_dir, p->name);
	pod_unlink(p);
	pod_event(p, "removed");
	log_info("pod %s: removed", p->name);
	pod_free(p);
	pod_gc_images();
	rpc_reply(req, "{}");
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

char **pod_strv_from_json(const struct json *arr)
{
	return strv_from_json(arr);
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

time_t pod_parse_time(const char *s)
{
	return parse_time(s);
}
