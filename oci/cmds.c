/* SPDX-License-Identifier: MIT */
/* cmds: xenpod-oci's commands (create, start, state, kill, delete, exec, ps, list, features, pause). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "cli/util.h"
#include "bundle.h"
#include "fsutil.h"
#include "hooks.h"
#include "json.h"
#include "oci.h"

#define BIND_FILE_MAX (16 * 1024 * 1024)

/* ---- helpers ---- */

static int usage_err(const char *cmd, const char *why)
{
	oci_err("%s: %s", cmd, why);
	return OCI_USAGE;
}

/* Options of a command (single-dash long options too, as runc takes). */
static int next_opt(int argc, char **argv, const char *cmd,
		    const char *shortopts, const struct option *lo)
{
	static char prog[64];

	snprintf(prog, sizeof(prog), "xenpod-oci %s", cmd);
	argv[0] = prog;
	opterr = 1;
	return getopt_long_only(argc, argv, shortopts, lo, NULL);
}

/* The one ID operand. Returns it, or NULL after logging why. */
static const char *one_id(int argc, char **argv, const char *cmd, bool more_ok)
{
	if (optind >= argc) {
		oci_err("%s: missing container id", cmd);
		return NULL;
	}
	if (!more_ok && argc - optind > 1) {
		oci_err("%s: too many arguments", cmd);
		return NULL;
	}
	if (!oci_id_valid(argv[optind])) {
		oci_err("%s: invalid container id '%s': expected 1 to 64 "
			"letters, digits, '_', '.' or '-', starting with a "
			"letter or digit",
			cmd, argv[optind]);
		return NULL;
	}
	return argv[optind];
}

static int connect_daemon(void)
{
	int rc;

	if (oci.cli.client.fd >= 0)
		return 0;
	rc = client_connect(&oci.cli.client, oci.cli.socket);
	if (rc < 0)
		oci_err("%s", oci.cli.client.err);
	return rc;
}

/* Call method; params is consumed. Errors are left in client.err. */
static int call(const char *method, char *params, struct json **root_r,
		const struct json **result_r)
{
	int rc;

	if (!params) {
		snprintf(oci.cli.client.err, sizeof(oci.cli.client.err),
			 "out of memory");
		return -ENOMEM;
	}
	rc = connect_daemon();
	if (!rc)
		rc = client_call(&oci.cli.client, method, params, NULL, NULL,
				 root_r, result_r);
	free(params);
	return rc;
}

static char *name_params(const char *id)
{
	return params_close(params_open(id));
}

/* The pod's status into buf; -ENOENT if there is no such pod. */
static int pod_status(const char *id, char *buf, size_t size)
{
	const struct json *result;
	struct json *root = NULL;
	const char *st;
	bool paused;
	int rc = call("pod_inspect", name_params(id), &root, &result);

	if (rc == -ENOENT)
		return rc;
	if (rc) {
		oci_err("container %s: %s", id, oci.cli.client.err);
		return rc;
	}
	st = json_str(json_get(result, "status"));
	if (json_bool(json_get(result, "paused"), &paused) && paused)
		st = "paused";
	snprintf(buf, size, "%s", st ? st : "unknown");
	json_free(root);
	return 0;
}

/* The container's status, loading its state; NULL after logging why. */
static const char *container_status(const char *id, struct oci_state *st)
{
	char ps[32];
	int rc;

	if (oci_state_load(id, st) < 0)
		return NULL;
	rc = pod_status(id, ps, sizeof(ps));
	if (rc && rc != -ENOENT) {
		oci_state_free(st);
		return NULL;
	}
	return oci_status(rc ? NULL : ps);
}

static int write_pid_file(const char *path, pid_t pid)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%ld", (long)pid), rc;

	if (!path)
		return 0;
	rc = fs_write_atomic(path, buf, (size_t)n, 0644);
	if (rc)
		oci_err("--pid-file %s: %s", path, strerror(-rc));
	return rc;
}

static void remove_state_dir(const char *id)
{
	static const char *const leaves[] = { "state.json", "start.fifo",
					      "guard.lock", "hooks.json" };
	char path[4200];
	size_t i;

	for (i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++)
		if (!oci_path(path, sizeof(path), id, leaves[i]))
			unlink(path);
	if (!oci_path(path, sizeof(path), id, NULL))
		rmdir(path);
}

/* The guard (holder.c) has done its work once its lock is free. */
static void wait_guard(const char *id)
{
	char path[4200];
	int fd;

	if (oci_path(path, sizeof(path), id, "guard.lock") == 0 &&
	    (fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW)) >= 0) {
		while (flock(fd, LOCK_EX) < 0 && errno == EINTR)
			;
		close(fd);
	}
}

static int read_file(const char *path, size_t max, char **buf_r, size_t *len_r)
{
	struct stat st;
	char *buf;
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		return -EFBIG;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -errno : -EIO;
			break;
		}
		len += (size_t)n;
	}
	close(fd);
	if (rc) {
		free(buf);
		return rc;
	}
	buf[len] = '\0';
	*buf_r = buf;
	*len_r = len;
	return 0;
}

/* openat2 with the path resolved as if dir were "/". */
static int open_in_root(int dir, const char *rel, int flags, mode_t mode)
{
	struct open_how how = { .flags = (uint64_t)flags | O_CLOEXEC,
				.mode = mode,
				.resolve = RESOLVE_IN_ROOT |
					   RESOLVE_NO_MAGICLINKS };

	return (int)syscall(SYS_openat2, dir, rel, &how, sizeof(how));
}

/*
 * Make the missing directories above rel (podman binds /run/.containerenv
 * into images without /run), each inside the root: the parent is opened
 * resolved in it, and mkdirat never follows the last component.
 */
static int mkdir_in_root(int root, const char *rel)
{
	char buf[4096], *p;
	int parent, rc;

	if (snprintf(buf, sizeof(buf), "%s", rel) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (p = strchr(buf, '/'); p; p = strchr(p + 1, '/')) {
		char *name;

		*p = '\0';
		name = strrchr(buf, '/');
		if (name) {
			*name = '\0';
			parent = open_in_root(root, buf, O_PATH | O_DIRECTORY,
					      0);
			*name++ = '/';
		} else {
			parent = open_in_root(root, ".", O_PATH | O_DIRECTORY,
					      0);
			name = buf;
		}
		if (parent < 0)
			return -errno;
		rc = mkdirat(parent, name, 0755) < 0 && errno != EEXIST ?
			     -errno :
			     0;
		close(parent);
		if (rc)
			return rc;
		*p = '/';
	}
	return 0;
}

/*
 * A file bind mount: copy source to destination inside the root, resolved
 * as if root were "/" (a symlink in the image cannot lead out of it).
 */
static int copy_bind(const char *rootfs, const struct oci_mount *m, size_t i)
{
	char *data = NULL;
	size_t len = 0, off = 0;
	int dir, fd, rc;

	rc = read_file(m->source, BIND_FILE_MAX, &data, &len);
	if (rc) {
		oci_err("mounts[%zu]: %s: %s", i, m->source,
			rc == -EINVAL ? "not a regular file" :
			rc == -EFBIG  ? "larger than 16 MiB" :
					strerror(-rc));
		return rc;
	}
	dir = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	rc = dir < 0 ? -errno : mkdir_in_root(dir, m->destination + 1);
	fd = rc ? -1 :
		  open_in_root(dir, m->destination + 1,
			       O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);
	if (!rc && fd < 0)
		rc = -errno;
	if (dir >= 0)
		close(dir);
	while (!rc && off < len) {
		ssize_t n = write(fd, data + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			rc = n < 0 ? -errno : -EIO;
		else
			off += (size_t)n;
	}
	if (fd >= 0 && close(fd) < 0 && !rc)
		rc = -errno;
	free(data);
	if (rc)
		oci_err("mounts[%zu]: cannot copy %s to %s in the root: %s", i,
			m->source, m->destination, strerror(-rc));
	return rc;
}

/*
 * Which bind mounts are of directories (the pod's host-directory volumes)
 * and which of files (copied in): stat each source, then check the
 * volumes. config (the file's path) names the error.
 */
static int classify_binds(struct oci_config *c, const char *config)
{
	char err[512];
	struct stat st;

	for (size_t i = 0; i < c->n_mounts; i++) {
		struct oci_mount *m = &c->mounts[i];

		if (m->kind != OCI_MOUNT_BIND)
			continue;
		if (stat(m->source, &st) < 0) {
			oci_err("mounts[%zu]: %s: %s", i, m->source,
				strerror(errno));
			return -errno;
		}
		m->dir = S_ISDIR(st.st_mode);
	}
	if (oci_config_check_mounts(c, err, sizeof(err))) {
		oci_err("%s: %s", config, err);
		return -EINVAL;
	}
	return 0;
}

static int mkdir_p(const char *path, mode_t mode)
{
	char buf[4096];
	char *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* ---- hooks ---- */

static void w_state(struct json_writer *w, const struct oci_state *st,
		    const char *status);

/* The state JSON a hook reads on its stdin. */
static char *state_text(const struct oci_state *st, const char *status)
{
	struct json_writer *w = json_writer_new(false);
	const char *t;
	char *out = NULL;

	if (!w)
		return NULL;
	w_state(w, st, status);
	t = json_writer_text(w, NULL);
	if (t)
		out = strdup(t);
	json_writer_free(w);
	return out;
}

static void hook_warn(const char *msg)
{
	oci_log("warning", "%s (ignored, as the runtime spec says)", msg);
}

/*
 * Run the hooks of kind k with the container's state (status). fatal:
 * a failure is the command's (logged as an error, -1); else each failure
 * is a warning and the lifecycle goes on.
 */
static int run_hooks(const struct oci_hooks *h, enum oci_hook_kind k,
		     const struct oci_state *st, const char *status, bool fatal)
{
	char err[4400], *state;
	int rc;

	if (!h->n[k])
		return 0;
	state = state_text(st, status);
	if (!state) {
		oci_err("container %s: out of memory", st->id);
		return -1;
	}
	rc = oci_hooks_run(h, k, state, !fatal, hook_warn, err, sizeof(err));
	free(state);
	if (rc && fatal)
		oci_err("container %s: %s", st->id, err);
	return fatal ? rc : 0;
}

/* The poststart and poststop hooks, kept at create in ROOT/ID/hooks.json. */
static int save_hooks(const char *id, const struct oci_hooks *h)
{
	unsigned mask = 1u << OCI_HOOK_POSTSTART | 1u << OCI_HOOK_POSTSTOP;
	char path[4200], *text;
	int rc;

	if (!h->n[OCI_HOOK_POSTSTART] && !h->n[OCI_HOOK_POSTSTOP])
		return 0;
	text = oci_hooks_text(h, mask);
	if (!text || oci_path(path, sizeof(path), id, "hooks.json")) {
		free(text);
		oci_err("container %s: cannot keep its hooks: %s", id,
			text ? "path too long" : "out of memory");
		return -1;
	}
	rc = fs_write_atomic(path, text, strlen(text), 0600);
	free(text);
	if (rc)
		oci_err("container %s: cannot write %s: %s", id, path,
			strerror(-rc));
	return rc;
}

/* Load them back; none if the file is not there (a config without them). */
static void load_hooks(const char *id, struct oci_hooks *h)
{
	char path[4200], err[512], *text = NULL;
	size_t len;
	int rc;

	memset(h, 0, sizeof(*h));
	if (oci_path(path, sizeof(path), id, "hooks.json"))
		return;
	rc = read_file(path, OCI_CONFIG_MAX, &text, &len);
	if (rc == -ENOENT)
		return;
	if (rc || oci_hooks_parse(text, len, h, err, sizeof(err)))
		oci_log("warning",
			"container %s: %s: %s; its hooks are not run", id, path,
			rc ? strerror(-rc) : err);
	free(text);
}

/* ---- create ---- */

static int create_pod(const char *id, const struct oci_config *c)
{
	const struct json *result;
	struct json *root = NULL;
	int rc = call("pod_create", oci_config_pod_params(c, id), &root,
		      &result);

	if (rc) {
		oci_err("container %s: cannot create its pod: %s", id,
			oci.cli.client.err);
		return rc;
	}
	json_free(root);
	return 0;
}

static void rm_pod(const char *id)
{
	struct json_writer *w = params_open(id);
	const struct json *result;
	struct json *root = NULL;

	if (w) {
		json_w_key(w, "force");
		json_w_bool(w, true);
	}
	if (!call("pod_rm", params_close(w), &root, &result))
		json_free(root);
}

int oci_cmd_create(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "pid-file", required_argument, NULL, 'p' },
		{ "console-socket", required_argument, NULL, 'c' },
		{ "no-pivot", no_argument, NULL, 'n' },
		{ "no-new-keyring", no_argument, NULL, 'k' },
		{ "preserve-fds", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *bundle_arg = ".", *pid_file = NULL, *console = NULL, *id;
	char bundle[PATH_MAX], path[4200], err[512], *text = NULL;
	struct oci_config c;
	struct oci_state st = { 0 };
	size_t len, i;
	uint64_t n;
	int opt, rc;

	while ((opt = next_opt(argc, argv, "create", "b:h", lo)) != -1) {
		switch (opt) {
		case 'b':
			bundle_arg = optarg;
			break;
		case 'p':
			pid_file = optarg;
			break;
		case 'c':
			console = optarg;
			break;
		case 'n':
		case 'k':
			break; /* a pod has its own root and keyrings */
		case 'f':
			if (cli_parse_uint(optarg, 0, 1024, &n))
				return usage_err("create", "--preserve-fds: "
							   "expected a number");
			if (n)
				oci_log("warning",
					"--preserve-fds %s: descriptors "
					"cannot be passed into a pod; ignored",
					optarg);
			break;
		case 'h':
			printf("usage: xenpod-oci create [--bundle DIR] "
			       "[--pid-file FILE] [--console-socket SOCKET] "
			       "ID\n");
			return OCI_OK;
		default:
			return OCI_USAGE;
		}
	}
	id = one_id(argc, argv, "create", false);
	if (!id)
		return OCI_USAGE;
	if (!realpath(bundle_arg, bundle)) {
		oci_err("--bundle %s: %s", bundle_arg, strerror(errno));
		return OCI_ERR;
	}
	if (snprintf(path, sizeof(path), "%s/config.json", bundle) >=
	    (int)sizeof(path)) {
		oci_err("--bundle %s: path too long", bundle);
		return OCI_ERR;
	}
	rc = read_file(path, OCI_CONFIG_MAX, &text, &len);
	if (rc) {
		oci_err("%s: %s", path,
			rc == -EFBIG  ? "larger than 1 MiB" :
			rc == -EINVAL ? "not a regular file" :
					strerror(-rc));
		return OCI_ERR;
	}
	rc = oci_config_parse(text, len, bundle, &c, err, sizeof(err));
	free(text);
	if (rc) {
		oci_err("%s: %s", path, err);
		return OCI_ERR;
	}
	if (c.ignored[0])
		oci_log("warning",
			"container %s: config.json: ignored (see "
			"xenpod-oci(1)): %s",
			id, c.ignored);
	if (classify_binds(&c, path))
		goto fail_config;
	/* These run inside the container's namespaces, which a pod has not
	 * (gVisor skips them too). */
	for (int k = OCI_HOOK_CREATE_CONTAINER; k <= OCI_HOOK_START_CONTAINER;
	     k++)
		if (c.hooks.n[k])
			oci_log("warning",
				"container %s: hooks.%s: skipped (%zu): they "
				"run in the container's namespaces, and a pod "
				"is a VM",
				id, oci_hook_name(k), c.hooks.n[k]);
	if (c.process.terminal && !console) {
		oci_err("container %s: process.terminal needs --console-socket",
			id);
		goto fail_config;
	}
	if (!c.process.terminal && console) {
		oci_err("container %s: --console-socket without "
			"process.terminal",
			id);
		goto fail_config;
	}
	rc = mkdir_p(oci.root, 0711);
	if (rc) {
		oci_err("--root %s: %s", oci.root, strerror(-rc));
		goto fail_config;
	}
	if (oci_path(path, sizeof(path), id, NULL) || mkdir(path, 0700) < 0) {
		if (errno == EEXIST)
			oci_err("container with id exists: %s", id);
		else
			oci_err("container %s: cannot make %s: %s", id, path,
				strerror(errno));
		goto fail_config;
	}
	for (i = 0; i < c.n_mounts; i++)
		if (c.mounts[i].kind == OCI_MOUNT_BIND && !c.mounts[i].dir &&
		    copy_bind(c.root_path, &c.mounts[i], i))
			goto fail_dir;
	if (oci_path(path, sizeof(path), id, "start.fifo") ||
	    mkfifo(path, 0600) < 0) {
		oci_err("container %s: cannot make %s: %s", id, path,
			strerror(errno));
		goto fail_dir;
	}
	if (create_pod(id, &c))
		goto fail_dir;
	if (oci_holder_spawn(id, c.process.terminal, console, &st.pid))
		goto fail_pod;
	st.pid_start = oci_proc_start(st.pid);
	snprintf(st.id, sizeof(st.id), "%s", id);
	snprintf(st.bundle, sizeof(st.bundle), "%s", bundle);
	snprintf(st.rootfs, sizeof(st.rootfs), "%s", c.root_path);
	oci_now(st.created, sizeof(st.created));
	st.annotations = c.annotations;
	rc = oci_state_save(&st);
	if (rc) {
		oci_err("container %s: cannot write its state: %s", id,
			strerror(-rc));
		goto fail_holder;
	}
	/* The runtime's environment exists (the pod, paused, and its pid):
	 * prestart and createRuntime run now; a failure undoes it all. */
	if (save_hooks(id, &c.hooks) ||
	    run_hooks(&c.hooks, OCI_HOOK_PRESTART, &st, "creating", true) ||
	    run_hooks(&c.hooks, OCI_HOOK_CREATE_RUNTIME, &st, "creating", true))
		goto fail_holder;
	/* Last: the caller takes a pid file as "created". */
	if (write_pid_file(pid_file, st.pid))
		goto fail_holder;
	oci_config_free(&c);
	return OCI_OK;
fail_holder:
	/* Its guard kills the pod; it must be done before the pod and the
	 * directory (its lock) go, or it could hit a later container of
	 * this id. */
	kill(st.pid, SIGKILL);
	wait_guard(id);
fail_pod:
	rm_pod(id);
fail_dir:
	remove_state_dir(id);
fail_config:
	oci_config_free(&c);
	return OCI_ERR;
}

/* ---- start ---- */

struct start_wait {
	const char *id;
	char event[32];
	char reason[256];
};

static int on_event(void *arg, const char *method, const struct json *params)
{
	struct start_wait *w = arg;
	const char *name = json_str(json_get(params, "name"));
	const char *ev = json_str(json_get(params, "event"));
	const char *reason = json_str(json_get(params, "reason"));

	if (strcmp(method, "event") || !name || !ev || strcmp(name, w->id))
		return 0;
	if (strcmp(ev, "started") && strcmp(ev, "failed") &&
	    strcmp(ev, "stopped") && strcmp(ev, "exited") &&
	    strcmp(ev, "removed"))
		return 0;
	snprintf(w->event, sizeof(w->event), "%s", ev);
	snprintf(w->reason, sizeof(w->reason), "%s", reason ? reason : ev);
	return -ECANCELED;
}

static struct oci_state *watched;
static void on_alarm(int sig)
{
	(void)sig;
}

/*
 * While waiting for the start: give up if the holder is gone and the pod
 * was never started (a started one's events are on their way).
 */
static int check_holder(void *arg)
{
	char ps[32];

	(void)arg;
	if (oci_holder_alive(watched))
		return 0;
	if (pod_status(watched->id, ps, sizeof(ps)) == 0 &&
	    strcmp(ps, "created"))
		return 0;
	return -ESRCH;
}

int oci_cmd_start(int argc, char **argv)
{
	static const struct option lo[] = { { NULL, 0, NULL, 0 } };
	struct start_wait w = { 0 };
	struct oci_hooks hooks;
	struct itimerval tv = { { 1, 0 }, { 1, 0 } };
	struct sigaction sa = { .sa_handler = on_alarm };
	struct oci_state st;
	struct client ev;
	struct json *root = NULL;
	const struct json *result;
	const char *id, *status;
	sigset_t block, old;
	char path[4200];
	int fd, rc;

	if (next_opt(argc, argv, "start", "", lo) != -1)
		return OCI_USAGE;
	id = one_id(argc, argv, "start", false);
	if (!id)
		return OCI_USAGE;
	status = container_status(id, &st);
	if (!status)
		return OCI_ERR;
	if (strcmp(status, "created")) {
		oci_err("cannot start %s container %s",
			!strcmp(status, "running") ? "an already running" :
						     "a stopped",
			id);
		goto fail;
	}
	if (!oci_holder_alive(&st)) {
		oci_err("container %s: its pid holder %ld is gone", id,
			(long)st.pid);
		goto fail;
	}
	/* Subscribe before the trigger, so no event can be missed. */
	client_init(&ev);
	if (client_connect(&ev, oci.cli.socket) < 0 ||
	    client_call(&ev, "events_subscribe", NULL, NULL, NULL, &root,
			&result) < 0) {
		oci_err("container %s: %s", id, ev.err);
		client_close(&ev);
		goto fail;
	}
	json_free(root);
	if (oci_path(path, sizeof(path), id, "start.fifo") ||
	    (fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
		oci_err("container %s: cannot open %s: %s", id, path,
			strerror(errno));
		client_close(&ev);
		goto fail;
	}
	rc = write(fd, "1", 1) == 1 ? 0 : -errno;
	close(fd);
	if (rc) {
		oci_err("container %s: cannot signal its pid holder: %s", id,
			strerror(-rc));
		client_close(&ev);
		goto fail;
	}
	w.id = id;
	watched = &st;
	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	sigprocmask(SIG_BLOCK, &block, &old);
	sigaction(SIGALRM, &sa, NULL);
	sigdelset(&old, SIGALRM);
	ev.wait_mask = &old;
	ev.on_intr = check_holder;
	setitimer(ITIMER_REAL, &tv, NULL);
	rc = client_wait(&ev, 0, on_event, &w, &root, &result);
	memset(&tv, 0, sizeof(tv));
	setitimer(ITIMER_REAL, &tv, NULL);
	client_close(&ev);
	if (rc == -ESRCH) {
		oci_err("container %s: its pid holder exited before the "
			"container started",
			id);
		goto fail;
	}
	if (rc != -ECANCELED) {
		oci_err("container %s: %s", id, ev.err);
		goto fail;
	}
	if (!strcmp(w.event, "failed") || !strcmp(w.event, "removed") ||
	    (!strcmp(w.event, "stopped"))) {
		oci_err("container %s: cannot start: %s", id, w.reason);
		goto fail;
	}
	load_hooks(id, &hooks);
	run_hooks(&hooks, OCI_HOOK_POSTSTART, &st, "running", false);
	oci_hooks_free(&hooks);
	oci_state_free(&st);
	return OCI_OK;
fail:
	oci_state_free(&st);
	return OCI_ERR;
}

/* ---- state, list, ps ---- */

static void w_state(struct json_writer *w, const struct oci_state *st,
		    const char *status)
{
	bool live = strcmp(status, "stopped") && oci_holder_alive(st);

	json_w_object_open(w);
	json_w_key(w, "ociVersion");
	json_w_string(w, OCI_VERSION);
	json_w_key(w, "id");
	json_w_string(w, st->id);
	json_w_key(w, "status");
	json_w_string(w, status);
	json_w_key(w, "pid");
	json_w_int(w, live ? st->pid : 0);
	json_w_key(w, "bundle");
	json_w_string(w, st->bundle);
	json_w_key(w, "rootfs");
	json_w_string(w, st->rootfs);
	json_w_key(w, "created");
	json_w_string(w, st->created);
	json_w_key(w, "owner");
	json_w_string(w, "");
	json_w_key(w, "annotations");
	json_w_raw(w, st->annotations ? st->annotations : "{}");
	json_w_object_close(w);
}

static int print_writer(struct json_writer *w)
{
	const char *t = w ? json_writer_text(w, NULL) : NULL;

	if (!t) {
		oci_err("out of memory");
		json_writer_free(w);
		return OCI_ERR;
	}
	printf("%s\n", t);
	json_writer_free(w);
	return OCI_OK;
}

int oci_cmd_state(int argc, char **argv)
{
	static const struct option lo[] = { { NULL, 0, NULL, 0 } };
	struct json_writer *w;
	struct oci_state st;
	const char *id, *status;

	if (next_opt(argc, argv, "state", "", lo) != -1)
		return OCI_USAGE;
	id = one_id(argc, argv, "state", false);
	if (!id)
		return OCI_USAGE;
	status = container_status(id, &st);
	if (!status)
		return OCI_ERR;
	w = json_writer_new(true);
	if (w)
		w_state(w, &st, status);
	oci_state_free(&st);
	return print_writer(w);
}

static bool format_json(const char *cmd, const char *f, bool *json)
{
	if (!strcmp(f, "json") || !strcmp(f, "table")) {
		*json = !strcmp(f, "json");
		return true;
	}
	oci_err("%s: --format %s: expected table or json", cmd, f);
	return false;
}

int oci_cmd_list(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	struct json_writer *w = NULL;
	bool json = false, quiet = false;
	struct dirent *de;
	DIR *d;
	int opt;

	while ((opt = next_opt(argc, argv, "list", "f:q", lo)) != -1) {
		if (opt == 'f' && format_json("list", optarg, &json))
			continue;
		if (opt == 'q') {
			quiet = true;
			continue;
		}
		return OCI_USAGE;
	}
	if (optind != argc)
		return usage_err("list", "too many arguments");
	if (json && !(w = json_writer_new(false)))
		return print_writer(NULL);
	if (w)
		json_w_array_open(w);
	else if (!quiet)
		printf("%-24s %-8s %-10s %-40s %s\n", "ID", "PID", "STATUS",
		       "BUNDLE", "CREATED");
	d = opendir(oci.root);
	while (d && (de = readdir(d))) {
		struct oci_state st;
		const char *status;

		if (de->d_name[0] == '.' || !oci_id_valid(de->d_name))
			continue;
		status = container_status(de->d_name, &st);
		if (!status)
			continue;
		if (w)
			w_state(w, &st, status);
		else if (quiet)
			printf("%s\n", st.id);
		else
			printf("%-24s %-8ld %-10s %-40s %s\n", st.id,
			       strcmp(status, "stopped") ? (long)st.pid : 0L,
			       status, st.bundle, st.created);
		oci_state_free(&st);
	}
	if (d)
		closedir(d);
	if (!w)
		return OCI_OK;
	json_w_array_close(w);
	return print_writer(w);
}

int oci_cmd_ps(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct oci_state st;
	const char *id, *status;
	bool json = false, live;
	int opt;

	while ((opt = next_opt(argc, argv, "ps", "+f:", lo)) != -1) {
		if (opt == 'f' && format_json("ps", optarg, &json))
			continue;
		return OCI_USAGE;
	}
	id = one_id(argc, argv, "ps", true);
	if (!id)
		return OCI_USAGE;
	status = container_status(id, &st);
	if (!status)
		return OCI_ERR;
	/* The pod's processes are in the guest; dom0 has the holder. */
	live = strcmp(status, "stopped") && oci_holder_alive(&st);
	if (json && live)
		printf("[%ld]\n", (long)st.pid);
	else if (json)
		printf("[]\n");
	else {
		printf("PID CMD\n");
		if (live)
			printf("%ld xenpod-oci (pid holder of pod %s)\n",
			       (long)st.pid, id);
	}
	oci_state_free(&st);
	return OCI_OK;
}

/* ---- kill, delete ---- */

static int signal_pod(const char *id, int sig)
{
	struct json_writer *w = params_open(id);
	const struct json *result;
	struct json *root = NULL;
	int rc;

	if (w) {
		json_w_key(w, "signal");
		json_w_int(w, sig);
	}
	rc = call("pod_signal", params_close(w), &root, &result);
	if (rc) {
		oci_err("container %s: %s", id,
			rc == -EEXIST ? "container not running" :
					oci.cli.client.err);
		return rc;
	}
	json_free(root);
	return 0;
}

int oci_cmd_kill(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	struct oci_state st;
	const char *id, *status, *sigarg = "SIGTERM";
	int opt, sig, rc = OCI_OK;

	while ((opt = next_opt(argc, argv, "kill", "a", lo)) != -1)
		if (opt != 'a') /* --all: the pod is one container */
			return OCI_USAGE;
	id = one_id(argc, argv, "kill", true);
	if (!id)
		return OCI_USAGE;
	if (argc - optind > 2)
		return usage_err("kill", "too many arguments");
	if (argc - optind == 2)
		sigarg = argv[optind + 1];
	sig = cli_parse_signal(sigarg);
	if (sig < 0) {
		oci_err("kill: invalid signal: %s", sigarg);
		return OCI_USAGE;
	}
	status = container_status(id, &st);
	if (!status)
		return OCI_ERR;
	if (!strcmp(status, "stopped")) {
		oci_err("container %s: container not running", id);
		rc = OCI_ERR;
	} else if (!strcmp(status, "created")) {
		/* Its holder stands for the init that has not run yet. */
		if (!oci_holder_alive(&st) || kill(st.pid, sig) < 0) {
			oci_err("container %s: container not running", id);
			rc = OCI_ERR;
		}
	} else if (signal_pod(id, sig)) {
		rc = OCI_ERR;
	}
	oci_state_free(&st);
	return rc;
}

int oci_cmd_delete(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct json_writer *w;
	struct json *root = NULL;
	const struct json *result;
	struct oci_state st;
	struct oci_hooks hooks;
	const char *id, *status;
	bool force = false;
	int opt, rc;

	while ((opt = next_opt(argc, argv, "delete", "f", lo)) != -1) {
		if (opt != 'f')
			return OCI_USAGE;
		force = true;
	}
	id = one_id(argc, argv, "delete", false);
	if (!id)
		return OCI_USAGE;
	status = container_status(id, &st);
	if (!status)
		return OCI_ERR;
	if (!strcmp(status, "running") && !force) {
		oci_err("cannot delete container %s that is not stopped: "
			"running",
			id);
		oci_state_free(&st);
		return OCI_ERR;
	}
	/* A stopping holder is left to finish: its status is the caller's. */
	if (strcmp(status, "stopped") && oci_holder_alive(&st))
		kill(st.pid, SIGKILL);
	wait_guard(id);
	w = params_open(id);
	if (w) {
		json_w_key(w, "force");
		json_w_bool(w, true);
	}
	rc = call("pod_rm", params_close(w), &root, &result);
	if (rc && rc != -ENOENT) {
		oci_err("container %s: cannot remove its pod: %s", id,
			oci.cli.client.err);
		oci_state_free(&st);
		return OCI_ERR;
	}
	json_free(root);
	/* The container is gone: poststop, then its state. */
	load_hooks(id, &hooks);
	run_hooks(&hooks, OCI_HOOK_POSTSTOP, &st, "stopped", false);
	oci_hooks_free(&hooks);
	oci_state_free(&st);
	remove_state_dir(id);
	return OCI_OK;
}

/* ---- exec ---- */

/* An exec's limit as `xenpod exec --ulimit` takes it: "nofile=SOFT:HARD"
 * (docker's lower-case name, -1 for unlimited). */
static void ulimit_text(const struct rlimit_arg *r, char *buf, size_t size)
{
	const char *name = rlimit_name(r->res) + strlen("RLIMIT_");
	char low[32], v[2][24];
	size_t i;

	for (i = 0; name[i] && i + 1 < sizeof(low); i++)
		low[i] = (char)(name[i] - 'A' + 'a');
	low[i] = '\0';
	for (i = 0; i < 2; i++) {
		uint64_t x = i ? r->hard : r->soft;

		if (x == XP_RLIM_INFINITY)
			snprintf(v[i], sizeof(v[i]), "-1");
		else
			snprintf(v[i], sizeof(v[i]), "%llu",
				 (unsigned long long)x);
	}
	snprintf(buf, size, "%s=%s:%s", low, v[0], v[1]);
}

int oci_cmd_exec(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "process", required_argument, NULL, 'p' },
		{ "pid-file", required_argument, NULL, 'P' },
		{ "detach", no_argument, NULL, 'd' },
		{ "console-socket", required_argument, NULL, 'c' },
		{ "tty", no_argument, NULL, 't' },
		{ "cwd", required_argument, NULL, 'w' },
		{ "env", required_argument, NULL, 'e' },
		{ "user", required_argument, NULL, 'u' },
		{ "no-new-privs", no_argument, NULL, 'N' },
		{ "cap", required_argument, NULL, 'C' },
		{ "preserve-fds", required_argument, NULL, 'F' },
		{ "process-label", required_argument, NULL, 'L' },
		{ "apparmor", required_argument, NULL, 'A' },
		{ "ignore-paused", no_argument, NULL, 'I' },
		{ NULL, 0, NULL, 0 },
	};
	const char *process = NULL, *pid_file = NULL, *console = NULL;
	const char *cwd = "/", *id, *status;
	struct oci_process p = { 0 };
	struct oci_state st;
	char **xargv = NULL, **env = NULL, err[512], *text = NULL;
	char user[32]; /* process.json's "UID:GID" for exec -u */
	char(*gids)[12] = NULL; /* its additionalGids, for --group-add */
	char(*lims)[80] = NULL; /* its rlimits, for --ulimit */
	size_t n_env = 0, len, k = 0, i;
	bool detach = false, tty = false;
	pid_t pid = 0;
	int opt, rc = OCI_ERR;

	env = calloc((size_t)argc + 1, sizeof(*env));
	if (!env) {
		oci_err("out of memory");
		return OCI_ERR;
	}
	while ((opt = next_opt(argc, argv, "exec", "+p:dtu:e:", lo)) != -1) {
		switch (opt) {
		case 'p':
			process = optarg;
			break;
		case 'P':
			pid_file = optarg;
			break;
		case 'd':
			detach = true;
			break;
		case 'c':
			console = optarg;
			break;
		case 't':
			tty = true;
			break;
		case 'w':
			cwd = optarg;
			break;
		case 'e':
			env[n_env++] = optarg;
			break;
		case 'u':
			if (strcmp(optarg, "0") && strcmp(optarg, "0:0")) {
				oci_err("exec: --user %s: only 0 is supported "
					"(the guest runs programs as root)",
					optarg);
				free(env);
				return OCI_ERR;
			}
			break;
		case 'N':
		case 'C':
		case 'F':
		case 'L':
		case 'A':
		case 'I':
			break; /* no meaning in a pod */
		default:
			free(env);
			return OCI_USAGE;
		}
	}
	id = one_id(argc, argv, "exec", true);
	if (!id) {
		free(env);
		return OCI_USAGE;
	}
	if (process) {
		rc = read_file(process, OCI_CONFIG_MAX, &text, &len);
		if (!rc)
			rc = oci_process_parse(text, len, &p, err, sizeof(err));
		else
			snprintf(err, sizeof(err), "%s", strerror(-rc));
		free(text);
		if (rc) {
			oci_err("exec: --process %s: %s", process, err);
			free(env);
			return OCI_ERR;
		}
		tty = p.terminal;
		cwd = p.cwd;
	} else if (argc - optind < 2) {
		free(env);
		return usage_err("exec", "missing the command (or --process)");
	}
	rc = OCI_ERR;
	if (tty && !console && !isatty(STDIN_FILENO)) {
		oci_err("exec: a terminal needs --console-socket");
		goto out;
	}
	status = container_status(id, &st);
	if (!status)
		goto out;
	oci_state_free(&st);
	if (strcmp(status, "running")) {
		oci_err("container %s: container not running", id);
		goto out;
	}
	/* A `xenpod exec` command line, run by the CLI's own code. */
	xargv = calloc(10 + 2 * (p.n_env + n_env + p.n_gids + p.n_rlimits) +
			       (size_t)argc + p.n_args,
		       sizeof(*xargv));
	gids = calloc(p.n_gids + 1, sizeof(*gids));
	lims = calloc(p.n_rlimits + 1, sizeof(*lims));
	if (!xargv || !gids || !lims) {
		oci_err("out of memory");
		goto out;
	}
	xargv[k++] = (char *)"exec";
	xargv[k++] = (char *)"-i";
	if (tty)
		xargv[k++] = (char *)"-t";
	xargv[k++] = (char *)"-w";
	xargv[k++] = (char *)cwd;
	for (i = 0; i < p.n_env; i++) {
		xargv[k++] = (char *)"-e";
		xargv[k++] = p.env[i];
	}
	for (i = 0; i < n_env; i++) {
		xargv[k++] = (char *)"-e";
		xargv[k++] = env[i];
	}
	if (p.has_user) {
		snprintf(user, sizeof(user), "%u:%u", p.uid, p.gid);
		xargv[k++] = (char *)"-u";
		xargv[k++] = user;
		/* The exec's own groups and limits (runc sets them on the
		 * process it starts). */
		for (i = 0; i < p.n_gids; i++) {
			snprintf(gids[i], sizeof(gids[i]), "%u", p.gids[i]);
			xargv[k++] = (char *)"--group-add";
			xargv[k++] = gids[i];
		}
	}
	for (i = 0; i < p.n_rlimits; i++) {
		ulimit_text(&p.rlimits[i], lims[i], sizeof(lims[i]));
		xargv[k++] = (char *)"--ulimit";
		xargv[k++] = lims[i];
	}
	xargv[k++] = (char *)"--";
	xargv[k++] = (char *)id;
	if (process)
		for (i = 0; i < p.n_args; i++)
			xargv[k++] = p.args[i];
	else
		for (i = (size_t)optind + 1; i < (size_t)argc; i++)
			xargv[k++] = argv[i];
	if (detach) {
		rc = oci_exec_session(xargv, tty, console, true, &pid);
		rc = rc ? OCI_ERR : write_pid_file(pid_file, pid) ? OCI_ERR : 0;
		if (rc && pid > 0)
			kill(pid, SIGKILL);
	} else if (write_pid_file(pid_file, getpid())) {
		rc = OCI_ERR;
	} else {
		rc = oci_exec_session(xargv, tty, console, false, &pid);
	}
out:
	free(xargv);
	free(gids);
	free(lims);
	free(env);
	oci_process_free(&p);
	return rc;
}

/* ---- features, pause ---- */

int oci_cmd_features(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("{\n"
	       "  \"ociVersionMin\": \"1.0.0\",\n"
	       "  \"ociVersionMax\": \"" OCI_VERSION "\",\n"
	       /* createContainer and startContainer are skipped */
	       "  \"hooks\": [\"prestart\", \"createRuntime\", "
	       "\"poststart\", \"poststop\"],\n"
	       "  \"mountOptions\": [\"bind\", \"rbind\", \"ro\", \"rw\"],\n"
	       "  \"linux\": {\n"
	       "    \"namespaces\": [],\n"
	       "    \"capabilities\": [],\n"
	       "    \"cgroup\": { \"v1\": false, \"v2\": false, "
	       "\"systemd\": false, \"systemdUser\": false },\n"
	       "    \"seccomp\": { \"enabled\": false },\n"
	       "    \"apparmor\": { \"enabled\": false },\n"
	       "    \"selinux\": { \"enabled\": false }\n"
	       "  },\n"
	       "  \"annotations\": {\n"
	       "    \"org.xenpod.runtime\": \"xenpod-oci\",\n"
	       "    \"org.xenpod.isolation\": \"xen-pvh\",\n"
	       "    \"" OCI_ANN_MEMORY "\": \"4..65536\",\n"
	       "    \"" OCI_ANN_VCPUS "\": \"1..64\"\n"
	       "  }\n"
	       "}\n");
	return OCI_OK;
}

/* runc's pause and resume: the pod's domain is paused and unpaused. */
int oci_cmd_pause(int argc, char **argv)
{
	static const struct option lo[] = { { NULL, 0, NULL, 0 } };
	bool pause = strcmp(argv[0], "resume") != 0;
	const char *cmd = pause ? "pause" : "resume";
	const char *id, *status;
	const struct json *result;
	struct json *root = NULL;
	struct oci_state st;

	if (next_opt(argc, argv, cmd, "", lo) != -1)
		return OCI_USAGE;
	id = one_id(argc, argv, cmd, false);
	if (!id)
		return OCI_USAGE;
	status = container_status(id, &st);
	if (!status)
		return OCI_ERR;
	oci_state_free(&st);
	/* runc's words, which callers match */
	if (strcmp(status, pause ? "running" : "paused")) {
		oci_err(pause ? "container not running" :
				"container not paused");
		return OCI_ERR;
	}
	if (call(pause ? XP_M_POD_PAUSE : XP_M_POD_UNPAUSE, name_params(id),
		 &root, &result)) {
		oci_err("container %s: %s", id, oci.cli.client.err);
		return OCI_ERR;
	}
	json_free(root);
	return OCI_OK;
}
