/* SPDX-License-Identifier: MIT */
/* pod_create: pod creation (spec → image → paused domain → spec in xenstore). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "console.h"
#include "ev.h"
#include "image.h"
#include "log.h"
#include "pod.h"
#include "pod_internal.h"
#include "pod_io.h"
#include "pod_memory.h"
#include "store.h"

/* The console pty appears once xenconsoled noticed the domain: poll for it this often/long. */
#define TTY_RETRY_MS 50
#define TTY_RETRIES 200
/* Volume backends publish their nodes within moments; poll this often/long. */
#define VOL_RETRY_MS 20
#define VOL_RETRIES 500

static bool env_has_key(char *const *env, const char *kv)
{
	size_t klen = (size_t)(strchr(kv, '=') - kv);

	for (; env && *env; env++)
		if (strncmp(*env, kv, klen + 1) == 0)
			return true;
	return false;
}

/* Undo a create completely: no domain, no state file, no log, no unused cpio.
 * rc: the -errno its request is answered with. */
static void create_abort(struct pod *p, int rc, const char *msg)
{
	char text[1024];
	int r;

	log_warn("pod %s: create failed: %s", p->name, msg);
	pod_net_root_done(p);
	pod_net_detach(p);
	ev_timer_del(p->vol_timer);
	p->vol_timer = NULL;
	pod_mounts_stop(p);
	if (p->domid < 0)
		pod_net_unplugged(p); /* no domain: no vif-xenpod offline */
	if (p->domid >= 0) {
		r = hv_destroy(pod_ctx.hv, (uint32_t)p->domid, p->uuid);
		if (r && r != -ESRCH)
			log_warn("pod %s: destroying domain %lld: %s", p->name,
				 (long long)p->domid, strerror(-r));
	}
	snprintf(text, sizeof(text), "pod %s: %s", p->name, msg);
	pod_reply_error(p->create_tok, rc, -1, text);
	p->create_tok = 0;
	ev_timer_del(p->tty_timer);
	p->tty_timer = NULL;
	store_remove(p->name);
	console_log_remove(pod_ctx.log_dir, p->name);
	pod_unlink_detached(p);
	pod_free_detached(p);
	pod_gc_images();
}

bool pod_create_cancel(pod_token t)
{
	struct pod *p;

	/* The client left; the create carries on (or rolls back) without it. */
	for (p = pod_ctx.pods; p; p = p->next) {
		if (p->create_tok == t) {
			p->create_tok = 0;
			return true;
		}
	}
	return false;
}

static void on_console_data(void *arg)
{
	pod_logs_pod_changed(arg);
}

static int console_try(struct pod *p)
{
	int rc;

	if (!p->tty[0]) {
		if (p->status != POD_CREATING)
			return -ENOENT; /* never trust the node of a running guest */
		rc = xs_console_tty(pod_ctx.xs, (uint32_t)p->domid, p->tty,
				    sizeof(p->tty));
		if (rc) {
			p->tty[0] = '\0';
			return rc;
		}
	}
	rc = console_open(pod_ctx.log_dir, p->name, p->tty, p->lost_bytes,
			  on_console_data, p, &p->con);
	if (rc)
		log_warn("pod %s: cannot capture console %s: %s", p->name,
			 p->tty, strerror(-rc));
	return rc ? rc : 0;
}

static void create_complete(struct pod *p);

static void on_vol_timer(void *arg)
{
	struct pod *p = arg;

	p->vol_timer = NULL;
	create_complete(p);
}

/* Complete once every volume's backend is up (so a backend that cannot
 * start fails the create, not the pod's first file access). */
static void create_complete(struct pod *p)
{
	char err[512], msg[600];
	int rc = pod_mounts_ready(p, err, sizeof(err));

	if (rc == 0 && ++p->vol_tries < VOL_RETRIES) {
		ev_timer_add(ev_now_ms() + VOL_RETRY_MS, on_vol_timer, p,
			     &p->vol_timer);
		return;
	}
	if (rc <= 0) {
		snprintf(
			msg, sizeof(msg), "%s",
			rc ? err :
			     "a volume's backend did not publish its nodes in time");
		create_abort(p, -EIO, msg);
		return;
	}
	p->status = POD_CREATED;
	pod_persist(p);
	log_info("pod %s: created (domain %lld, uuid %s)", p->name,
		 (long long)p->domid, p->uuid);
	pod_reply_pod(p->create_tok, p);
	p->create_tok = 0;
	pod_event(p, "created");
}

static void on_tty_timer(void *arg)
{
	struct pod *p = arg;
	int rc;

	p->tty_timer = NULL;
	rc = console_try(p);
	if (rc == -ENOENT && ++p->tty_tries < TTY_RETRIES) {
		ev_timer_add(ev_now_ms() + TTY_RETRY_MS, on_tty_timer, p,
			     &p->tty_timer);
		return;
	}
	if (rc)
		log_warn(
			"pod %s: no console pty (%s); its output is not logged",
			p->name, strerror(-rc));
	if (p->status == POD_CREATING)
		create_complete(p);
}

void pod_console_attach(struct pod *p)
{
	p->tty_tries = 0;
	if (p->con)
		return;
	on_tty_timer(p);
}

static unsigned spec_flags(const struct pod *p)
{
	return (p->term ? POD_SPEC_TTY : 0) |
	       (p->open_stdin ? POD_SPEC_STDIN : 0) |
	       (p->read_only ? POD_SPEC_READONLY : 0);
}

void pod_create_done(void *cookie, int rc, uint32_t domid, const char *err)
{
	struct pod *p = cookie;
	char spec[POD_SPEC_MAX + 1], msg[512];

	pod_net_root_done(p); /* libxl has loaded it into the domain */
	if (rc) {
		snprintf(msg, sizeof(msg), "cannot build the domain: %s",
			 err && err[0] ? err : strerror(-rc));
		create_abort(p, -EIO, msg);
		return;
	}
	p->domid = domid;
	pod_crash_point("after_domain_created");
	rc = hv_watch(pod_ctx.hv, domid, p->uuid);
	if (!rc)
		rc = pod_spec_string(p->argv, p->env, p->cwd,
				     pod_net_hostname(p), p->user, p->groups,
				     p->tmpfs, p->n_tmpfs, p->rlimits,
				     p->n_rlimits, spec_flags(p), spec,
				     sizeof(spec));
	if (!rc)
		rc = xs_write_spec(pod_ctx.xs, domid, spec);
	/* The channel is served before the guest runs, so it finds it at boot. */
	if (!rc)
		rc = pod_io_open(p);
	/* The volumes' backends run before the guest does, too. */
	if (!rc && pod_mounts_start(p, msg, sizeof(msg))) {
		char vmsg[600];

		snprintf(vmsg, sizeof(vmsg), "cannot set up domain %u: %s",
			 domid, msg);
		create_abort(p, -EIO, vmsg);
		return;
	}
	if (rc == -ENOSPC) {
		snprintf(
			msg, sizeof(msg),
			"cannot set up domain %u: its I/O channel: dom0's gntalloc is out of pages (raise /sys/module/xen_gntalloc/parameters/limit)",
			domid);
		create_abort(p, -EIO, msg);
		return;
	}
	if (rc) {
		snprintf(msg, sizeof(msg), "cannot set up domain %u: %s", domid,
			 strerror(-rc));
		create_abort(p, -EIO, msg);
		return;
	}
	pod_crash_point("after_spec_written");
	pod_watch_guest(p);
	/* The console is open before the reply, so no output of the pod is lost. */
	pod_console_attach(p);
}

static int check_spec_size(const struct pod *p, const char *path, char *err,
			   size_t errsz)
{
	char spec[POD_SPEC_MAX + 1];
	int rc = pod_spec_string(p->argv, p->env, p->cwd, pod_net_hostname(p),
				 p->user, p->groups, p->tmpfs, p->n_tmpfs,
				 p->rlimits, p->n_rlimits, spec_flags(p), spec,
				 sizeof(spec));

	if (rc == -E2BIG)
		snprintf(
			err, errsz,
			"%s: command, env and cwd together exceed %d bytes once encoded",
			path, POD_SPEC_MAX);
	else if (rc)
		snprintf(err, errsz, "%s: %s", path, strerror(-rc));
	return rc ? -EINVAL : 0;
}

/*
 * Image conversion can take seconds, so it runs in image.c's worker thread
 * (image_prepare_async); the pod stays with the main loop, reserved under
 * its name as "creating". A ticket carries the pod to the completion; it is
 * kept on a list so pod_dispose can orphan it (pod = NULL) safely.
 */
struct pod_prep {
	struct pod_prep *next, *prev;
	struct pod *pod; /* NULL once orphaned by pod_create_dispose */
	char **env; /* the spec's env (merged with the image's later) */
	const char *path; /* how messages name the spec */
};

static struct pod_prep *preps;

static void prep_unlink(struct pod_prep *j)
{
	if (j->prev)
		j->prev->next = j->next;
	else
		preps = j->next;
	if (j->next)
		j->next->prev = j->prev;
	pod_strv_free(j->env);
	free(j);
}

/* Image defaults first, then the spec's own; the spec wins for the same key. */
static char **merge_env(char *const *img, char **spec)
{
	size_t n = 0, i, ni = 0, ns = 0;
	char **out;

	while (img && img[ni])
		ni++;
	while (spec && spec[ns])
		ns++;
	out = calloc(ni + ns + 1, sizeof(*out));
	if (!out)
		return NULL;
	for (i = 0; i < ni; i++) {
		if (!strchr(img[i], '=') || env_has_key(spec, img[i]))
			continue;
		if (!(out[n++] = strdup(img[i])))
			goto oom;
	}
	for (i = 0; i < ns; i++)
		if (!(out[n++] = strdup(spec[i])))
			goto oom;
	return out;
oom:
	pod_strv_free(out);
	return NULL;
}

static double mib(uint64_t kib)
{
	return (double)kib / 1024.0;
}

/* Refuse less memory than the image needs (pod_memory.h); without
 * memory_mib in the spec, take the default or the need if that is more. */
static int check_memory(struct pod *p, char *err, size_t errsz)
{
	struct pod_mem_need n;
	int rc = pod_memory_need(pod_ctx.kernel, p->cpio, p->argv, p->env,
				 p->cwd, p->n_mounts, &n);

	if (rc) {
		snprintf(err, errsz, "cannot read the kernel or rootfs: %s",
			 strerror(-rc));
		return rc;
	}
	log_debug(
		"pod %s: needs %u MiB (kernel %llu + rootfs %llu + program %llu + fixed %llu + volumes %llu KiB)",
		p->name, n.total_mib, (unsigned long long)n.kernel_kib,
		(unsigned long long)n.rootfs_kib,
		(unsigned long long)n.prog_kib, (unsigned long long)n.fixed_kib,
		(unsigned long long)n.volumes_kib);
	if (!p->memory_mib) {
		p->memory_mib = n.total_mib > POD_MEM_DEFAULT_MIB ?
					n.total_mib :
					POD_MEM_DEFAULT_MIB;
		return 0;
	}
	if (p->memory_mib >= n.total_mib)
		return 0;
	if (n.volumes_kib)
		snprintf(
			err, errsz,
			"memory %u MiB is below the %u MiB this pod needs (kernel %.1f + rootfs %.1f + program %.1f + fixed %.1f + %zu volumes %.1f MiB; xenpod-spec(5))",
			p->memory_mib, n.total_mib, mib(n.kernel_kib),
			mib(n.rootfs_kib), mib(n.prog_kib), mib(n.fixed_kib),
			p->n_mounts, mib(n.volumes_kib));
	else
		snprintf(
			err, errsz,
			"memory %u MiB is below the %u MiB this image needs (kernel %.1f + rootfs %.1f + program %.1f + fixed %.1f MiB; xenpod-spec(5))",
			p->memory_mib, n.total_mib, mib(n.kernel_kib),
			mib(n.rootfs_kib), mib(n.prog_kib), mib(n.fixed_kib));
	return -EINVAL;
}

/* The image is ready: fill what the spec left to it (command, env, cwd,
 * user). */
static int apply_image(struct pod *p, const struct image_info *ii,
		       const struct pod_prep *j, char *err, size_t errsz)
{
	if (!p->argv && ii->default_argv && ii->default_argv[0])
		p->argv = pod_strv_dup(ii->default_argv);
	if (!p->argv) {
		snprintf(
			err, errsz,
			"%s.command: required (the image has no default command)",
			j->path);
		return -EINVAL;
	}
	if (!p->cwd)
		p->cwd = strdup(ii->default_cwd[0] ? ii->default_cwd : "/");
	if (!p->user && ii->default_user[0])
		p->user = strdup(ii->default_user);
	p->env = merge_env(ii->default_env, j->env);
	if (!p->cwd || !p->env || (ii->default_user[0] && !p->user)) {
		snprintf(err, errsz, "out of memory");
		return -ENOMEM;
	}
	snprintf(p->digest, sizeof(p->digest), "%s", ii->digest);
	snprintf(p->cpio, sizeof(p->cpio), "%s", ii->cpio_path);
	if (check_memory(p, err, errsz))
		return -EINVAL;
	/* Mark the cache entry used now: the cache drops least recently used ones. */
	utimensat(AT_FDCWD, p->cpio, NULL, 0);
	return check_spec_size(p, j->path, err, errsz);
}

/* State saved as "creating", then libxl builds the paused domain. */
static void create_build(struct pod *p)
{
	struct hv_domain_config dc = { 0 };
	struct pod_kernel_info ki;
	char dname[80], err[PATH_MAX + 64], mac[18], ip[48], root[PATH_MAX];
	int rc;

	/* Recorded with the pod: a later daemon may run with another kernel. */
	rc = pod_kernel_probe(pod_ctx.kernel, &ki);
	if (rc) {
		snprintf(err, sizeof(err), "guest kernel %.300s: %s",
			 pod_ctx.kernel, strerror(-rc));
		create_abort(p, -EIO, err);
		return;
	}
	snprintf(p->kernel, sizeof(p->kernel), "%s", pod_ctx.kernel);
	snprintf(p->kernel_digest, sizeof(p->kernel_digest), "%s", ki.digest);
	p->chan = ki.io_channel ? POD_CHAN_IO : POD_CHAN_NONE;
	/* Its address is leased and its rules are in before the domain
	 * exists: its vif never sends a frame unfiltered. */
	rc = pod_net_attach(p, err, sizeof(err));
	if (rc) {
		create_abort(p, rc == -EINVAL ? -EINVAL : -EIO, err);
		return;
	}
	rc = pod_persist(p);
	if (rc) {
		snprintf(err, sizeof(err), "cannot save its state: %s",
			 strerror(-rc));
		create_abort(p, -EIO, err);
		return;
	}
	pod_crash_point("after_state_creating");
	rc = pod_net_root(p, root, sizeof(root), err, sizeof(err));
	if (rc) {
		create_abort(p,
			     rc == -ENOTDIR || rc == -EISDIR ? -EINVAL : -EIO,
			     err);
		return;
	}
	snprintf(dname, sizeof(dname), "xenpod-%s", p->name);
	dc.name = dname;
	dc.cpu_mask = pod_ctx.pod_cpus;
	dc.uuid = p->uuid;
	dc.memory_mib = p->memory_mib;
	dc.vcpus = p->vcpus;
	dc.kernel = p->kernel;
	dc.ramdisk = root[0] ? root : p->cpio;
	dc.cmdline = p->kernel_args ? p->kernel_args : "";
	pod_net_nic(p, &dc, mac, ip);
	rc = hv_create_paused(pod_ctx.hv, &dc, p);
	if (rc) {
		snprintf(err, sizeof(err),
			 "cannot start building the domain: %s", strerror(-rc));
		create_abort(p, -EIO, err);
	}
}

static void prep_done(void *arg, int rc, const struct image_info *info,
		      const char *ierr)
{
	struct pod_prep *j = arg;
	struct pod *p = j->pod;
	char err[512];

	pod_ctx.n_preparing--;
	if (!p) {
		prep_unlink(j);
		return;
	}
	if (rc) {
		/* A bad image is not a bad request: it failed. */
		create_abort(p, rc == -EINVAL ? -EIO : rc,
			     ierr && ierr[0] ? ierr : strerror(-rc));
	} else {
		rc = apply_image(p, info, j, err, sizeof(err));
		if (rc)
			create_abort(p, rc == -EINVAL ? -EINVAL : -EIO, err);
		else
			create_build(p);
	}
	prep_unlink(j);
}

static int prep_start(struct pod *p, const char *image, char **env,
		      const char *path)
{
	struct pod_prep *j = calloc(1, sizeof(*j));
	int rc;

	if (!j)
		return -ENOMEM;
	j->pod = p;
	rc = image_prepare_async(image, store_images_dir(), prep_done, j);
	if (rc) {
		free(j);
		return rc;
	}
	j->env = env;
	j->path = path;
	j->next = preps;
	if (preps)
		preps->prev = j;
	preps = j;
	pod_ctx.n_preparing++;
	return 0;
}

void pod_create_dispose(void)
{
	struct pod_prep *j;

	/* Conversions still running finish later: their tickets no longer lead to a pod. */
	for (j = preps; j; j = j->next)
		j->pod = NULL;
}

/* The pod as far as the spec alone defines it, reserved under its name. */
static struct pod *pod_from_spec(const struct pod_spec *s, char *err,
				 size_t errsz)
{
	struct pod *p = calloc(1, sizeof(*p));

	if (!p)
		goto oom;
	p->domid = -1;
	p->status = POD_CREATING;
	if (s->name)
		snprintf(p->name, sizeof(p->name), "%s", s->name);
	else if (pod_random_name(p->name, sizeof(p->name)) < 0)
		goto oom;
	if (pod_make_uuid(p->uuid) < 0)
		goto oom;
	p->image = strdup(s->image);
	if (!p->image)
		goto oom;
	if (s->cwd && !(p->cwd = strdup(s->cwd)))
		goto oom;
	if (s->user && !(p->user = strdup(s->user)))
		goto oom;
	if (s->groups && s->groups[0] && !(p->groups = pod_strv_dup(s->groups)))
		goto oom;
	if (s->n_rlimits)
		memcpy(p->rlimits, s->rlimits,
		       s->n_rlimits * sizeof(*s->rlimits));
	p->n_rlimits = s->n_rlimits;
	if (s->kernel_args && s->kernel_args[0] &&
	    !(p->kernel_args = strdup(s->kernel_args)))
		goto oom;
	if (s->command && s->command[0] &&
	    !(p->argv = pod_strv_dup(s->command)))
		goto oom;
	p->memory_mib = s->memory_mib;
	p->vcpus = s->vcpus;
	p->term = s->tty;
	p->open_stdin = s->open_stdin;
	p->n_tmpfs = s->n_tmpfs <= XP_TMPFS_MAX ? s->n_tmpfs : 0;
	for (size_t i = 0; i < p->n_tmpfs; i++)
		p->tmpfs[i] = s->tmpfs[i];
	p->read_only = s->read_only;
	if (s->net) {
		p->net_req = *s->net;
		p->net_req.hostname = NULL;
		p->net.mode = s->net->mode;
		if (s->net->hostname)
			snprintf(p->net.hostname, sizeof(p->net.hostname), "%s",
				 s->net->hostname);
	}
	p->created_at = time(NULL);
	return p;
oom:
	pod_free_detached(p);
	snprintf(err, errsz, "out of memory");
	return NULL;
}

int pod_create(const struct pod_spec *s, pod_token t, char *err, size_t errsz)
{
	char **env = NULL;
	struct pod *p;
	int rc;

	if (s->name && pod_find(s->name)) {
		snprintf(err, errsz, "pod %s: already exists", s->name);
		return -EEXIST;
	}
	if (s->n_rlimits > XP_RLIMITS_MAX) {
		snprintf(err, errsz, "%s.rlimits: more than %d", s->path,
			 XP_RLIMITS_MAX);
		return -EINVAL;
	}
	if (access(pod_ctx.kernel, R_OK) < 0) {
		rc = -errno;
		snprintf(err, errsz, "guest kernel %.300s: %s", pod_ctx.kernel,
			 strerror(errno));
		return rc;
	}
	p = pod_from_spec(s, err, errsz);
	if (p && pod_find(p->name)) { /* a generated name already taken */
		pod_free_detached(p);
		p = NULL;
		snprintf(err, errsz, "generated pod name taken; try again");
	}
	if (p && s->env && !(env = pod_strv_dup(s->env))) {
		pod_free_detached(p);
		p = NULL;
		snprintf(err, errsz, "out of memory");
	}
	if (!p)
		return -EIO; /* out of memory, or the name: it failed */
	rc = pod_mounts_resolve(p, s->mounts, s->n_mounts,
				s->path ? s->path : "spec", err, errsz);
	if (rc) {
		pod_strv_free(env);
		pod_free_detached(p);
		return rc == -ENOMEM ? -EIO : rc;
	}
	pod_link(p);
	p->create_tok = t;
	log_info("pod %s: creating (image %s)", p->name, p->image);
	rc = prep_start(p, s->image, env, s->path ? s->path : "spec");
	if (rc) {
		pod_strv_free(env);
		create_abort(p, -EIO, strerror(-rc));
	}
	return POD_DEFERRED;
}
