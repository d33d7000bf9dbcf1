/* SPDX-License-Identifier: MIT */
/* pod_create: pod creation (spec → image → paused domain → spec in xenstore) and restart reconciliation. */
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
#include "json.h"
#include "log.h"
#include "pod_exec.h"
#include "pod_internal.h"
#include "pod_memory.h"
#include "rpc.h"
#include "store.h"

/* The console pty appears once xenconsoled noticed the domain: poll for it this often/long. */
#define TTY_RETRY_MS 50
#define TTY_RETRIES 200

struct spec_in {
	const char *name;
	const char *image;
	const struct json *command;
	const struct json *env;
	const char *cwd;
	const char *kernel_args;
	int64_t memory_mib;
	int64_t vcpus;
	bool tty, open_stdin;
};

#define SF(k, t, req, m, lo, hi)                               \
	{                                                      \
		k, t, req, offsetof(struct spec_in, m), lo, hi \
	}

static const struct rpc_dec_field spec_fields[] = {
	SF("name", RPC_DEC_STRING, false, name, 1, 64),
	SF("image", RPC_DEC_STRING, true, image, 1, 4095),
	SF("command", RPC_DEC_STRINGS, false, command, 1024, 4096),
	SF("env", RPC_DEC_STRINGS, false, env, 1024, 4096),
	SF("cwd", RPC_DEC_STRING, false, cwd, 1, 255),
	SF("kernel_args", RPC_DEC_STRING, false, kernel_args, 0,
	   POD_KERNEL_ARGS_MAX),
	SF("memory_mib", RPC_DEC_INT, false, memory_mib, 4, 65536),
	SF("vcpus", RPC_DEC_INT, false, vcpus, 1, 64),
	SF("tty", RPC_DEC_BOOL, false, tty, 0, 0),
	SF("stdin", RPC_DEC_BOOL, false, open_stdin, 0, 0),
	{ NULL }
};

/* The kernel command line: printable ASCII only (it lands in a libxl
 * config and on the guest's console). */
static bool kernel_args_valid(const char *a)
{
	for (; *a; a++)
		if (*a < 0x20 || *a > 0x7e)
			return false;
	return true;
}

/* Semantic checks the table cannot express. */
static int spec_check(const struct spec_in *s, char *err, size_t errsz)
{
	size_t i;

	if (s->name && !rpc_name_valid(s->name)) {
		snprintf(
			err, errsz,
			"params.spec.name: invalid pod name (allowed: [A-Za-z0-9][A-Za-z0-9_.-]{0,63})");
		return -EINVAL;
	}
	if (s->image[0] != '/') {
		snprintf(err, errsz,
			 "params.spec.image: must be an absolute path");
		return -EINVAL;
	}
	if (s->cwd && s->cwd[0] != '/') {
		snprintf(err, errsz,
			 "params.spec.cwd: must be an absolute path");
		return -EINVAL;
	}
	if (s->command && json_len(s->command) &&
	    !json_str(json_at(s->command, 0))[0]) {
		snprintf(err, errsz,
			 "params.spec.command[0]: must not be empty");
		return -EINVAL;
	}
	if (s->kernel_args && !kernel_args_valid(s->kernel_args)) {
		snprintf(
			err, errsz,
			"params.spec.kernel_args: only printable ASCII is allowed");
		return -EINVAL;
	}
	for (i = 0; i < json_len(s->env); i++) {
		const char *e = json_str(json_at(s->env, i));
		const char *eq = strchr(e, '=');

		if (!eq || eq == e) {
			snprintf(err, errsz,
				 "params.spec.env[%zu]: expected KEY=VALUE", i);
			return -EINVAL;
		}
	}
	return 0;
}

static bool env_has_key(char *const *env, const char *kv)
{
	size_t klen = (size_t)(strchr(kv, '=') - kv);

	for (; env && *env; env++)
		if (strncmp(*env, kv, klen + 1) == 0)
			return true;
	return false;
}

/* Undo a create completely: no domain, no state file, no log, no unused cpio. */
static void create_abort(struct pod *p, int code, const char *msg)
{
	int rc;

	log_warn("pod %s: create failed: %s", p->name, msg);
	if (p->domid >= 0) {
		rc = hv_destroy(pod_ctx.hv, (uint32_t)p->domid, p->uuid);
		if (rc && rc != -ESRCH)
			log_warn("pod %s: destroying domain %lld: %s", p->name,
				 (long long)p->domid, strerror(-rc));
	}
	if (p->create_req)
		rpc_error(p->create_req, code, "pod %s: %s", p->name, msg);
	p->create_req = NULL;
	ev_timer_del(p->tty_timer);
	p->tty_timer = NULL;
	store_remove(p->name);
	console_log_remove(pod_ctx.log_dir, p->name);
	pod_unlink_detached(p);
	pod_free_detached(p);
	pod_gc_images();
}

static void create_cancel(struct rpc_req *req, void *arg)
{
	struct pod *p = arg;

	/* The client left; the create carries on (or rolls back) without it. */
	p->create_req = NULL;
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

static void create_complete(struct pod *p)
{
	p->status = POD_CREATED;
	pod_persist(p);
	log_info("pod %s: created (domain %lld, uuid %s)", p->name,
		 (long long)p->domid, p->uuid);
	if (p->create_req)
		pod_reply(p->create_req, p);
	p->create_req = NULL;
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
	       (p->open_stdin ? POD_SPEC_STDIN : 0);
}

void pod_create_done(void *cookie, int rc, uint32_t domid, const char *err)
{
	struct pod *p = cookie;
	char spec[POD_SPEC_MAX + 1], msg[512];

	if (rc) {
		snprintf(msg, sizeof(msg), "cannot build the domain: %s",
			 err && err[0] ? err : strerror(-rc));
		create_abort(p, RPC_FAILED, msg);
		return;
	}
	p->domid = domid;
	pod_crash_point("after_domain_created");
	rc = hv_watch(pod_ctx.hv, domid, p->uuid);
	if (!rc)
		rc = pod_spec_string(p->argv, p->env, p->cwd, p->name,
				     spec_flags(p), spec, sizeof(spec));
	if (!rc)
		rc = xs_write_spec(pod_ctx.xs, domid, spec);
	/* The channel is served before the guest runs, so it finds it at boot. */
	if (!rc)
		rc = pod_io_open(p);
	if (rc == -ENOSPC) {
		snprintf(
			msg, sizeof(msg),
			"cannot set up domain %u: its I/O channel: dom0's gntalloc is out of pages (raise /sys/module/xen_gntalloc/parameters/limit)",
			domid);
		create_abort(p, RPC_FAILED, msg);
		return;
	}
	if (rc) {
		snprintf(msg, sizeof(msg), "cannot set up domain %u: %s", domid,
			 strerror(-rc));
		create_abort(p, RPC_FAILED, msg);
		return;
	}
	pod_crash_point("after_spec_written");
	pod_watch_guest(p);
	/* The console is open before the reply, so no output of the pod is lost. */
	pod_console_attach(p);
}

static int check_spec_size(const struct pod *p, char *err, size_t errsz)
{
	char spec[POD_SPEC_MAX + 1];
	int rc = pod_spec_string(p->argv, p->env, p->cwd, p->name,
				 spec_flags(p), spec, sizeof(spec));

	if (rc == -E2BIG)
		snprintf(
			err, errsz,
			"params.spec: command, env and cwd together exceed %d bytes once encoded",
			POD_SPEC_MAX);
	else if (rc)
		snprintf(err, errsz, "params.spec: %s", strerror(-rc));
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
				 p->cwd, &n);

	if (rc) {
		snprintf(err, errsz, "cannot read the kernel or rootfs: %s",
			 strerror(-rc));
		return rc;
	}
	log_debug(
		"pod %s: needs %u MiB (kernel %llu + rootfs %llu + program %llu + fixed %llu KiB)",
		p->name, n.total_mib, (unsigned long long)n.kernel_kib,
		(unsigned long long)n.rootfs_kib,
		(unsigned long long)n.prog_kib,
		(unsigned long long)n.fixed_kib);
	if (!p->memory_mib) {
		p->memory_mib = n.total_mib > POD_MEM_DEFAULT_MIB ?
					n.total_mib :
					POD_MEM_DEFAULT_MIB;
		return 0;
	}
	if (p->memory_mib >= n.total_mib)
		return 0;
	snprintf(
		err, errsz,
		"memory %u MiB is below the %u MiB this image needs (kernel %.1f + rootfs %.1f + program %.1f + fixed %.1f MiB; xenpod-spec(5))",
		p->memory_mib, n.total_mib, mib(n.kernel_kib),
		mib(n.rootfs_kib), mib(n.prog_kib), mib(n.fixed_kib));
	return -EINVAL;
}

/* The image is ready: fill what the spec left to it (command, env, cwd). */
static int apply_image(struct pod *p, const struct image_info *ii,
		       char **spec_env, char *err, size_t errsz)
{
	if (!p->argv && ii->default_argv && ii->default_argv[0])
		p->argv = pod_strv_dup(ii->default_argv);
	if (!p->argv) {
		snprintf(
			err, errsz,
			"params.spec.command: required (the image has no default command)");
		return -EINVAL;
	}
	if (!p->cwd)
		p->cwd = strdup(ii->default_cwd[0] ? ii->default_cwd : "/");
	p->env = merge_env(ii->default_env, spec_env);
	if (!p->cwd || !p->env) {
		snprintf(err, errsz, "out of memory");
		return -ENOMEM;
	}
	snprintf(p->digest, sizeof(p->digest), "%s", ii->digest);
	snprintf(p->cpio, sizeof(p->cpio), "%s", ii->cpio_path);
	if (check_memory(p, err, errsz))
		return -EINVAL;
	/* Mark the cache entry used now: the cache drops least recently used ones. */
	utimensat(AT_FDCWD, p->cpio, NULL, 0);
	return check_spec_size(p, err, errsz);
}

/* State saved as "creating", then libxl builds the paused domain. */
static void create_build(struct pod *p)
{
	struct hv_domain_config dc = { 0 };
	struct pod_kernel_info ki;
	char dname[80], err[PATH_MAX + 64];
	int rc;

	/* Recorded with the pod: a later daemon may run with another kernel. */
	rc = pod_kernel_probe(pod_ctx.kernel, &ki);
	if (rc) {
		snprintf(err, sizeof(err), "guest kernel %.300s: %s",
			 pod_ctx.kernel, strerror(-rc));
		create_abort(p, RPC_FAILED, err);
		return;
	}
	snprintf(p->kernel, sizeof(p->kernel), "%s", pod_ctx.kernel);
	snprintf(p->kernel_digest, sizeof(p->kernel_digest), "%s", ki.digest);
	p->chan = ki.io_channel ? POD_CHAN_IO : POD_CHAN_NONE;
	rc = pod_persist(p);
	if (rc) {
		snprintf(err, sizeof(err), "cannot save its state: %s",
			 strerror(-rc));
		create_abort(p, RPC_FAILED, err);
		return;
	}
	pod_crash_point("after_state_creating");
	snprintf(dname, sizeof(dname), "xenpod-%s", p->name);
	dc.name = dname;
	dc.uuid = p->uuid;
	dc.memory_mib = p->memory_mib;
	dc.vcpus = p->vcpus;
	dc.kernel = p->kernel;
	dc.ramdisk = p->cpio;
	dc.cmdline = p->kernel_args ? p->kernel_args : "";
	rc = hv_create_paused(pod_ctx.hv, &dc, p);
	if (rc) {
		snprintf(err, sizeof(err),
			 "cannot start building the domain: %s", strerror(-rc));
		create_abort(p, RPC_FAILED, err);
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
		create_abort(p, rc == -EINVAL ? RPC_FAILED : rpc_code_of(rc),
			     ierr && ierr[0] ? ierr : strerror(-rc));
	} else {
		rc = apply_image(p, info, j->env, err, sizeof(err));
		if (rc)
			create_abort(p,
				     rc == -EINVAL ? RPC_INVALID_PARAMS :
						     RPC_FAILED,
				     err);
		else
			create_build(p);
	}
	prep_unlink(j);
}

static int prep_start(struct pod *p, const char *image, char **env)
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
static struct pod *pod_from_spec(const struct spec_in *s, char *err,
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
	if (s->kernel_args && s->kernel_args[0] &&
	    !(p->kernel_args = strdup(s->kernel_args)))
		goto oom;
	if (s->command && json_len(s->command) &&
	    !(p->argv = pod_strv_from_json(s->command)))
		goto oom;
	p->memory_mib = (unsigned)s->memory_mib;
	p->vcpus = (unsigned)s->vcpus;
	p->term = s->tty;
	p->open_stdin = s->open_stdin;
	p->created_at = time(NULL);
	return p;
oom:
	pod_free_detached(p);
	snprintf(err, errsz, "out of memory");
	return NULL;
}

static int create_check(const struct json *spec, struct spec_in *s, char *err,
			size_t errsz)
{
	int rc;

	rc = rpc_decode(spec, "params.spec", spec_fields, s, err, errsz);
	if (!rc)
		rc = spec_check(s, err, errsz);
	if (rc)
		return rc;
	if (s->name && pod_find(s->name)) {
		snprintf(err, errsz, "pod %s: already exists", s->name);
		return -EEXIST;
	}
	if (access(pod_ctx.kernel, R_OK) < 0) {
		rc = -errno;
		snprintf(err, errsz, "guest kernel %.300s: %s", pod_ctx.kernel,
			 strerror(errno));
		return rc;
	}
	return 0;
}

void pod_rpc_create(struct rpc_req *req, const struct json *spec)
{
	struct spec_in s = { .memory_mib = 0, .vcpus = 1 }; /* 0: the image's */
	char err[512] = "";
	char **env = NULL;
	struct pod *p;
	int rc;

	rc = create_check(spec, &s, err, sizeof(err));
	if (rc) {
		rpc_error(req,
			  rc == -EINVAL ? RPC_INVALID_PARAMS : rpc_code_of(rc),
			  "%s", err);
		return;
	}
	p = pod_from_spec(&s, err, sizeof(err));
	if (p && pod_find(p->name)) { /* a generated name already taken */
		pod_free_detached(p);
		p = NULL;
		snprintf(err, sizeof(err),
			 "generated pod name taken; try again");
	}
	if (p && s.env && !(env = pod_strv_from_json(s.env))) {
		pod_free_detached(p);
		p = NULL;
		snprintf(err, sizeof(err), "out of memory");
	}
	if (!p) {
		rpc_error(req, RPC_FAILED, "%s", err);
		return;
	}
	pod_link(p);
	p->create_req = req;
	rpc_set_cancel(req, create_cancel, p);
	log_info("pod %s: creating (image %s)", p->name, p->image);
	rc = prep_start(p, s.image, env);
	if (rc) {
		pod_strv_free(env);
		create_abort(p, RPC_FAILED, strerror(-rc));
	}
}

/* ---- loading state and reconciling ---- */

struct state_in {
	const char *name, *uuid, *status, *reason, *image, *digest, *cwd, *cpio;
	const char *kernel_args, *tty;
	const char *created_at, *started_at, *finished_at, *stop_deadline;
	const char *kernel, *kernel_digest;
	int64_t domid, exit_code, memory_mib, vcpus, lost;
	const struct json *command, *env;
	bool term, open_stdin, io_channel;
};

#define ST(k, t, req, m, lo, hi)                                \
	{                                                       \
		k, t, req, offsetof(struct state_in, m), lo, hi \
	}

static const struct rpc_dec_field state_fields[] = {
	ST("name", RPC_DEC_STRING, true, name, 1, 64),
	ST("uuid", RPC_DEC_STRING, true, uuid, HV_UUID_LEN, HV_UUID_LEN),
	ST("domid", RPC_DEC_INT, false, domid, 0, UINT32_MAX),
	ST("status", RPC_DEC_STRING, true, status, 1, 16),
	ST("exit_code", RPC_DEC_INT, false, exit_code, 0, 255),
	ST("reason", RPC_DEC_STRING, false, reason, 0, 191),
	ST("image", RPC_DEC_STRING, true, image, 1, 4095),
	ST("image_digest", RPC_DEC_STRING, true, digest, 0, 64),
	ST("command", RPC_DEC_STRINGS, true, command, 1024, 4096),
	ST("env", RPC_DEC_STRINGS, true, env, 1024, 4096),
	ST("cwd", RPC_DEC_STRING, true, cwd, 1, 255),
	ST("kernel_args", RPC_DEC_STRING, false, kernel_args, 0,
	   POD_KERNEL_ARGS_MAX),
	ST("console_tty", RPC_DEC_STRING, false, tty, 0, 31),
	ST("tty", RPC_DEC_BOOL, false, term, 0, 0),
	ST("stdin", RPC_DEC_BOOL, false, open_stdin, 0, 0),
	ST("memory_mib", RPC_DEC_INT, true, memory_mib, 4, 65536),
	ST("vcpus", RPC_DEC_INT, true, vcpus, 1, 64),
	ST("created_at", RPC_DEC_STRING, false, created_at, 0, 64),
	ST("started_at", RPC_DEC_STRING, false, started_at, 0, 64),
	ST("finished_at", RPC_DEC_STRING, false, finished_at, 0, 64),
	ST("log_lost_bytes", RPC_DEC_INT, false, lost, 0, INT64_MAX),
	ST("cpio", RPC_DEC_STRING, true, cpio, 0, PATH_MAX - 1),
	ST("stop_deadline", RPC_DEC_STRING, false, stop_deadline, 0, 64),
	/* Absent in state files from before they were recorded. */
	ST("kernel", RPC_DEC_STRING, false, kernel, 1, PATH_MAX - 1),
	ST("kernel_digest", RPC_DEC_STRING, false, kernel_digest,
	   DIGEST_HEX_LEN, DIGEST_HEX_LEN),
	ST("io_channel", RPC_DEC_BOOL, false, io_channel, 0, 0),
	{ NULL }
};

static int parse_status(const char *s, enum pod_status *r)
{
	enum pod_status st;

	for (st = POD_CREATING; st <= POD_FAILED; st++) {
		if (strcmp(pod_status_name(st), s) == 0) {
			*r = st;
			return 0;
		}
	}
	return -EINVAL;
}

static struct pod *pod_from_state(const struct state_in *s)
{
	struct pod *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	snprintf(p->name, sizeof(p->name), "%s", s->name);
	snprintf(p->uuid, sizeof(p->uuid), "%s", s->uuid);
	p->domid = s->domid;
	p->has_exit = s->exit_code >= 0;
	p->exit_code = p->has_exit ? (int)s->exit_code : 0;
	snprintf(p->reason, sizeof(p->reason), "%s",
		 s->reason ? s->reason : "");
	snprintf(p->digest, sizeof(p->digest), "%s", s->digest);
	snprintf(p->cpio, sizeof(p->cpio), "%s", s->cpio);
	/* Our own file, but it may be corrupt: a pts path or nothing. */
	if (s->tty && !strncmp(s->tty, "/dev/pts/", 9) && s->tty[9] &&
	    strspn(s->tty + 9, "0123456789") == strlen(s->tty + 9))
		snprintf(p->tty, sizeof(p->tty), "%s", s->tty);
	p->image = strdup(s->image);
	p->cwd = strdup(s->cwd);
	if (s->kernel_args && s->kernel_args[0])
		p->kernel_args = strdup(s->kernel_args);
	p->argv = pod_strv_from_json(s->command);
	p->env = pod_strv_from_json(s->env);
	p->memory_mib = (unsigned)s->memory_mib;
	p->vcpus = (unsigned)s->vcpus;
	p->term = s->term;
	p->open_stdin = s->open_stdin;
	p->created_at = pod_parse_time(s->created_at);
	p->started_at = pod_parse_time(s->started_at);
	p->finished_at = pod_parse_time(s->finished_at);
	p->stop_deadline = pod_parse_time(s->stop_deadline);
	p->lost_bytes = (uint64_t)s->lost;
	if (s->kernel) {
		snprintf(p->kernel, sizeof(p->kernel), "%s", s->kernel);
		p->chan = s->io_channel ? POD_CHAN_IO : POD_CHAN_NONE;
	}
	if (s->kernel_digest)
		snprintf(p->kernel_digest, sizeof(p->kernel_digest), "%s",
			 s->kernel_digest);
	if (!p->image || !p->cwd || !p->argv || !p->env ||
	    (s->kernel_args && s->kernel_args[0] && !p->kernel_args)) {
		pod_free_detached(p);
		return NULL;
	}
	return p;
}

static int load_one(const char *file_name, struct json *root, void *arg,
		    char *why, size_t whysz)
{
	struct state_in s = { .domid = -1, .exit_code = -1 };
	enum pod_status st;
	struct pod *p;
	int rc;

	rc = rpc_decode(root, "state", state_fields, &s, why, whysz);
	if (!rc && (strcmp(s.name, file_name) || !rpc_name_valid(s.name))) {
		snprintf(why, whysz,
			 "state.name: does not match the file name");
		rc = -EINVAL;
	}
	if (!rc && parse_status(s.status, &st)) {
		snprintf(why, whysz, "state.status: unknown \"%.16s\"",
			 s.status);
		rc = -EINVAL;
	}
	if (!rc && pod_find_uuid(s.uuid)) {
		snprintf(why, whysz, "state.uuid: used by another pod");
		rc = -EINVAL;
	}
	if (!rc) {
		p = pod_from_state(&s);
		if (!p) {
			rc = -ENOMEM;
		} else {
			p->status = st;
			pod_link(p);
		}
	}
	json_free(root);
	return rc;
}

static struct hv_dominfo *find_dom(struct hv_dominfo *l, size_t n,
				   const char *uuid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(l[i].uuid, uuid) == 0)
			return &l[i];
	return NULL;
}

/* Destroy a listed domain and strike it from the list (so it is not destroyed twice). */
static void destroy_dom(struct hv_dominfo *d, const char *why)
{
	int rc = 0;

	/* A dying domain is being destroyed already (e.g. just before a crash). */
	if (d->state != HV_DYING)
		rc = hv_destroy(pod_ctx.hv, d->domid, d->uuid);
	log_warn("domain %u (%s, %s): %s; destroy: %s", d->domid, d->name,
		 d->uuid, why,
		 d->state == HV_DYING ? "already dying" :
		 rc		      ? strerror(-rc) :
					"started");
	d->name[0] = '\0';
}

/* A pod that was alive when the daemon stopped. */
static void reconcile_alive(struct pod *p, const struct hv_dominfo *d)
{
	if (!d) {
		log_warn("pod %s: its domain is gone; marking it stopped",
			 p->name);
		p->domid = -1;
		pod_finish(p, POD_STOPPED, "lost", false);
		return;
	}
	if (p->domid != (int64_t)d->domid)
		log_info("pod %s: domain id %lld is now %u (same uuid)",
			 p->name, (long long)p->domid, d->domid);
	p->domid = d->domid;
	if (hv_watch(pod_ctx.hv, d->domid, p->uuid))
		log_warn("pod %s: cannot watch domain %u", p->name, d->domid);
	pod_watch_guest(p);
	pod_read_guest(p);
	if (pod_is_final(p))
		return;
	pod_console_attach(p);
	/* A new channel at the same path: the guest reconnects to it. */
	pod_io_open(p);
	pod_persist(p);
	log_info("pod %s: re-adopted (domain %u, %s)", p->name, d->domid,
		 pod_status_name(p->status));
	if (d->state != HV_RUNNING)
		pod_on_shutdown(p, d->state == HV_SHUTDOWN ? d->reason :
							     HV_REASON_NONE);
	else
		pod_resume_stop(p);
}

static void reconcile_pod(struct pod *p, struct hv_dominfo *l, size_t n)
{
	struct hv_dominfo *d = find_dom(l, n, p->uuid);

	switch (p->status) {
	case POD_CREATING:
		if (d)
			destroy_dom(d, "half-created pod");
		log_warn(
			"pod %s: was being created when the daemon stopped; removed",
			p->name);
		store_remove(p->name);
		console_log_remove(pod_ctx.log_dir, p->name);
		pod_unlink_detached(p);
		pod_free_detached(p);
		break;
	case POD_CREATED:
	case POD_RUNNING:
		reconcile_alive(p, d);
		break;
	default:
		if (d)
			destroy_dom(d, "stopped pod's domain still exists");
		if (p->domid >= 0) {
			p->domid = -1;
			pod_persist(p);
		}
		break;
	}
}

int pod_reconcile(void)
{
	struct hv_dominfo *l = NULL;
	struct pod *p, *next;
	size_t n = 0, i;
	int rc;

	rc = store_load_all(load_one, NULL);
	if (rc)
		return rc;
	rc = hv_list(pod_ctx.hv, &l, &n);
	if (rc)
		return rc;
	for (p = pod_ctx.pods; p; p = next) {
		next = p->next;
		reconcile_pod(p, l, n);
	}
	for (i = 0; i < n; i++) {
		if (strncmp(l[i].name, "xenpod-", 7) == 0 &&
		    !pod_find_uuid(l[i].uuid))
			destroy_dom(&l[i], "xenpod domain without a pod");
	}
	free(l);
	pod_gc_images();
	log_info("%zu pod(s) loaded", pod_count());
	return 0;
}
