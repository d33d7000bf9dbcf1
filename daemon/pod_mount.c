/* SPDX-License-Identifier: MIT */
/* pod_mount: a pod's volumes: their 9pfs device nodes (xs.h) and one xenpod-9pfsd per volume, started, supervised, stopped and re-adopted. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ev.h"
#include "log.h"
#include "pod.h"
#include "pod_internal.h"
#include "procstat.h"
#include "volstore.h"
#include "xs.h"

extern char **environ;

/* A backend asked to stop gets this long before SIGKILL, and as long again to die. */
#define BACKEND_TERM_MS 1000
/* XenbusState InitWait: the backend has published its nodes. */
#define BACKEND_PUBLISHED 2

static int pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static int pidfd_signal(int fd, int sig)
{
	return (int)syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0);
}

static const char *mount_name(const struct pod_mount *m)
{
	return m->volume[0] ? m->volume : m->source;
}

/* ---- resolving the spec's mounts ---- */

static int resolve_host(struct pod_mount *m, const struct mount_arg *a,
			const char *what, char *err, size_t errsz)
{
	struct stat sb;

	if (!realpath(a->source, m->source) || stat(m->source, &sb) < 0) {
		snprintf(err, errsz, "%s.source: %.300s: %s", what, a->source,
			 strerror(errno));
		return -errno;
	}
	if (!S_ISDIR(sb.st_mode)) {
		snprintf(err, errsz, "%s.source: %.300s: not a directory", what,
			 a->source);
		return -ENOTDIR;
	}
	return 0;
}

static int resolve_volume(struct pod *p, struct pod_mount *m,
			  const struct mount_arg *a, const char *what,
			  char *err, size_t errsz)
{
	struct volstore_info vi;
	int rc = volstore_get(a->source, &vi);

	if (rc == -ENOENT) {
		rc = volstore_create(a->source, &vi);
		if (rc == -EEXIST) /* made meanwhile */
			rc = volstore_get(a->source, &vi);
		else if (!rc)
			log_info("volume %s: created for pod %s", vi.name,
				 p->name);
	}
	if (rc) {
		snprintf(err, errsz, "%s.source: volume %s: %s", what,
			 a->source, strerror(-rc));
		return rc;
	}
	snprintf(m->source, sizeof(m->source), "%s", vi.path);
	snprintf(m->volume, sizeof(m->volume), "%s", vi.name);
	return 0;
}

int pod_mounts_resolve(struct pod *p, const struct mount_arg *a, size_t n,
		       const char *path, char *err, size_t errsz)
{
	char what[64];
	size_t i;
	int rc;

	if (n > XP_MOUNTS_MAX) {
		snprintf(err, errsz, "%s.mounts: more than %d", path,
			 XP_MOUNTS_MAX);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		struct pod_mount *m = &p->mounts[i];

		memset(m, 0, sizeof(*m));
		snprintf(what, sizeof(what), "%s.mounts[%zu]", path, i);
		rc = mount_source_is_host(a[i].source) ?
			     resolve_host(m, &a[i], what, err, errsz) :
			     resolve_volume(p, m, &a[i], what, err, errsz);
		if (rc)
			return rc;
		snprintf(m->dest, sizeof(m->dest), "%s", a[i].dest);
		m->read_only = a[i].read_only;
		m->devid = (unsigned)i;
	}
	p->n_mounts = n;
	return 0;
}

/* ---- the backend processes ---- */

/* Is pid's command line that of the backend of domid's device devid? */
static bool is_our_backend(pid_t pid, uint32_t domid, unsigned devid)
{
	char path[64], buf[8192], want_dom[16], want_dev[16];
	const char *args[64], *base;
	size_t n_args = 0, off = 0;
	bool dom = false, dev = false;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	while (off < (size_t)n && n_args < 64) {
		args[n_args++] = buf + off;
		off += strlen(buf + off) + 1;
	}
	base = strrchr(args[0], '/');
	base = base ? base + 1 : args[0];
	if (strcmp(base, "xenpod-9pfsd"))
		return false;
	snprintf(want_dom, sizeof(want_dom), "%u", domid);
	snprintf(want_dev, sizeof(want_dev), "%u", devid);
	for (size_t i = 1; i + 1 < n_args; i++) {
		dom |= !strcmp(args[i], "--domid") &&
		       !strcmp(args[i + 1], want_dom);
		dev |= !strcmp(args[i], "--devid") &&
		       !strcmp(args[i + 1], want_dev);
	}
	return dom && dev;
}

static void describe_status(int st, char *buf, size_t sz)
{
	if (WIFEXITED(st))
		snprintf(buf, sz, "exited with status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, sz, "was killed by signal %d", WTERMSIG(st));
	else
		snprintf(buf, sz, "ended");
}

/* Stop watching backend b; reap it if it is our child and gone. */
static void unwatch(struct pod_backend *b, char *how, size_t howsz)
{
	struct pod_mount *m = &b->pod->mounts[b->i];
	int st;

	snprintf(how, howsz, "ended");
	if (b->child && m->backend_pid > 0 &&
	    waitpid((pid_t)m->backend_pid, &st, WNOHANG) ==
		    (pid_t)m->backend_pid)
		describe_status(st, how, howsz);
	ev_fd_del(b->evh);
	b->evh = NULL;
	close(b->pidfd);
	b->pidfd = -1;
	b->child = false;
	m->backend_pid = 0;
	m->backend_start = 0;
}

static void on_backend_exit(int fd, short revents, void *arg)
{
	struct pod_backend *b = arg;
	struct pod *p = b->pod;
	struct pod_mount *m = &p->mounts[b->i];
	int64_t pid = m->backend_pid;
	char how[64];

	(void)fd, (void)revents;
	unwatch(b, how, sizeof(how));
	/* Once the pod is ending, its frontend closing ends the backend too. */
	if (p->finishing || pod_is_final(p))
		log_debug("pod %s: volume %s (device 9pfs/%u): backend %lld %s",
			  p->name, mount_name(m), m->devid, (long long)pid,
			  how);
	else
		log_warn(
			"pod %s: volume %s at %s (device 9pfs/%u): its backend xenpod-9pfsd (pid %lld) %s; the volume is dead in the pod",
			p->name, mount_name(m), m->dest, m->devid,
			(long long)pid, how);
	pod_persist(p);
}

static int watch(struct pod *p, unsigned i, int pidfd, bool child)
{
	struct pod_backend *b = &p->be[i];

	b->pod = p;
	b->i = i;
	b->pidfd = pidfd;
	b->child = child;
	return ev_fd_add(pidfd, POLLIN, on_backend_exit, b, &b->evh);
}

static int spawn(struct pod *p, struct pod_mount *m, pid_t *pid_r)
{
	char domid[16], devid[16];
	char *argv[12];
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	int n = 0, rc;

	snprintf(domid, sizeof(domid), "%lld", (long long)p->domid);
	snprintf(devid, sizeof(devid), "%u", m->devid);
	argv[n++] = pod_ctx.volume_backend;
	argv[n++] = (char *)"--domid";
	argv[n++] = domid;
	argv[n++] = (char *)"--devid";
	argv[n++] = devid;
	argv[n++] = (char *)"--root";
	argv[n++] = m->source;
	if (m->read_only)
		argv[n++] = (char *)"--readonly";
	/* It logs where the daemon does: stderr with -d, else syslog. */
	if (log_to_stderr())
		argv[n++] = (char *)"--foreground";
	argv[n] = NULL;
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	/* Its own session, default signals and mask, stdin /dev/null and no
	 * descriptor of ours (the control socket, other pods' channels). */
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
					      POSIX_SPAWN_SETSIGDEF |
					      POSIX_SPAWN_SETSID);
	rc = posix_spawn(pid_r, pod_ctx.volume_backend, &fa, &at, argv,
			 environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	return -rc;
}

static int start_one(struct pod *p, struct pod_mount *m, char *err,
		     size_t errsz)
{
	struct xs_9pfs_dev d = { .domid = (uint32_t)p->domid,
				 .devid = m->devid,
				 .tag = m->volume[0] ? m->volume : "host",
				 .mount_point = m->dest,
				 .read_only = m->read_only };
	pid_t pid;
	int rc, fd;

	rc = xs_9pfs_add(pod_ctx.xs, &d);
	if (rc) {
		snprintf(err, errsz,
			 "volume %s: cannot write its device nodes: %s",
			 mount_name(m), strerror(-rc));
		return rc;
	}
	rc = spawn(p, m, &pid);
	if (rc) {
		snprintf(err, errsz, "volume %s: cannot start %s: %s",
			 mount_name(m), pod_ctx.volume_backend, strerror(-rc));
		return rc;
	}
	/* Our unreaped child: its pid cannot be reused before the pidfd pins it. */
	fd = pidfd_open(pid);
	rc = fd < 0 ? -errno : 0;
	m->backend_pid = pid;
	m->backend_start = proc_start_time(pid, NULL);
	if (rc || watch(p, m->devid, fd, true) < 0) {
		rc = rc ? rc : -ENOMEM;
		if (fd >= 0)
			close(fd);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		m->backend_pid = 0;
		snprintf(err, errsz, "volume %s: cannot watch its backend: %s",
			 mount_name(m), strerror(-rc));
		return rc;
	}
	log_info("pod %s: volume %s at %s%s: device 9pfs/%u, backend pid %d",
		 p->name, mount_name(m), m->dest, m->read_only ? " (ro)" : "",
		 m->devid, (int)pid);
	return 0;
}

int pod_mounts_start(struct pod *p, char *err, size_t errsz)
{
	int rc;

	for (size_t i = 0; i < p->n_mounts; i++) {
		rc = start_one(p, &p->mounts[i], err, errsz);
		if (rc)
			return rc;
	}
	if (p->n_mounts)
		pod_persist(p); /* the pids, for a restarted daemon */
	return 0;
}

/* Has the process behind pidfd ended within ms? */
static bool ended_within(int pidfd, int ms)
{
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
	int rc;

	do
		rc = poll(&pfd, 1, ms);
	while (rc < 0 && errno == EINTR);
	return rc > 0;
}

int pod_mounts_ready(struct pod *p, char *err, size_t errsz)
{
	for (size_t i = 0; i < p->n_mounts; i++) {
		struct pod_mount *m = &p->mounts[i];
		int st;

		/* Ended, whether or not its exit event was seen yet. */
		if (!p->be[i].evh || ended_within(p->be[i].pidfd, 0)) {
			snprintf(
				err, errsz,
				"volume %s: its backend ended at start (the daemon's log says why)",
				mount_name(m));
			return -EIO;
		}
		st = xs_9pfs_backend_state(pod_ctx.xs, (uint32_t)p->domid,
					   m->devid);
		if (st < BACKEND_PUBLISHED)
			return 0;
	}
	return 1;
}

static void stop_one(struct pod *p, unsigned i)
{
	struct pod_backend *b = &p->be[i];
	struct pod_mount *m = &p->mounts[i];
	char how[64];

	if (!b->evh)
		return;
	/* The pidfd names our process, whoever has its pid by now. Blocking,
	 * but short: it exits at its next poll (docs/VOLUMES.md). */
	pidfd_signal(b->pidfd, SIGTERM);
	if (!ended_within(b->pidfd, BACKEND_TERM_MS)) {
		log_warn(
			"pod %s: volume %s: backend %lld ignored SIGTERM; killing it",
			p->name, mount_name(m), (long long)m->backend_pid);
		pidfd_signal(b->pidfd, SIGKILL);
		if (!ended_within(b->pidfd, BACKEND_TERM_MS))
			log_err("pod %s: volume %s: backend %lld survives SIGKILL; left behind",
				p->name, mount_name(m),
				(long long)m->backend_pid);
	}
	/* Reaped (if it is our child and has ended) without ever blocking. */
	unwatch(b, how, sizeof(how));
}

void pod_mounts_stop(struct pod *p)
{
	int rc;

	for (unsigned i = 0; i < p->n_mounts; i++)
		stop_one(p, i);
	/* Only once no backend can write them again. */
	if (p->n_mounts && p->domid >= 0) {
		rc = xs_9pfs_remove(pod_ctx.xs, (uint32_t)p->domid);
		if (rc)
			log_warn("pod %s: cannot remove its 9pfs nodes: %s",
				 p->name, strerror(-rc));
	}
}

void pod_mounts_adopt(struct pod *p)
{
	for (unsigned i = 0; i < p->n_mounts; i++) {
		struct pod_mount *m = &p->mounts[i];
		pid_t pid = (pid_t)m->backend_pid;
		int fd;

		if (pid <= 0 || p->be[i].evh)
			continue;
		/* Pin the process first, then check it is ours and still there. */
		fd = pidfd_open(pid);
		if (fd >= 0 &&
		    (proc_start_time(pid, NULL) != m->backend_start ||
		     !is_our_backend(pid, (uint32_t)p->domid, m->devid) ||
		     ended_within(fd, 0))) {
			close(fd);
			fd = -1;
		}
		if (fd < 0 || watch(p, i, fd, false) < 0) {
			if (fd >= 0)
				close(fd);
			log_warn(
				"pod %s: volume %s: its backend (pid %d) is gone; the volume is dead in the pod",
				p->name, mount_name(m), (int)pid);
			m->backend_pid = 0;
			m->backend_start = 0;
			continue;
		}
		log_info("pod %s: volume %s: re-adopted backend pid %d",
			 p->name, mount_name(m), (int)pid);
	}
}

void pod_mounts_forget(struct pod *p)
{
	for (unsigned i = 0; i < p->n_mounts; i++) {
		struct pod_backend *b = &p->be[i];

		if (!b->evh)
			continue;
		ev_fd_del(b->evh);
		b->evh = NULL;
		close(b->pidfd);
	}
}
