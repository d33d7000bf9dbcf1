/* SPDX-License-Identifier: MIT */
/* hooks: run a container's OCI hooks in dom0 (path, args, env, timeout; the state JSON on stdin). */
#include "hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The child: stdin from the pipe, stdout to our stderr (the callers read
 * our stdout), default signals; exec's errno to the report pipe. */
static void child(const struct oci_hook *hk, int in, int report)
{
	char *argv0[] = { hk->path, NULL }, *env0[] = { NULL };
	sigset_t none;
	int e;

	if (dup2(in, STDIN_FILENO) < 0 ||
	    dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
		_exit(127);
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(hk->path, hk->args && hk->args[0] ? hk->args : argv0,
	       hk->env ? hk->env : env0);
	e = errno;
	if (write(report, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

/* Feed state to the hook and wait for it, at most timeout seconds. */
static int wait_hook(pid_t pid, int in, const char *state, int64_t timeout,
		     bool *timed_out)
{
	size_t off = 0, len = strlen(state);
	int64_t deadline = timeout ? now_ms() + timeout * 1000 : 0;
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	int status, rc, fail = 0;

	if (pidfd < 0) {
		fail = -errno;
		kill(pid, SIGKILL);
		goto reap;
	}
	fcntl(in, F_SETFL, O_NONBLOCK);
	for (;;) {
		struct pollfd p[2] = { { .fd = pidfd, .events = POLLIN },
				       { .fd = in, .events = POLLOUT } };
		int ms = -1;

		if (deadline) {
			int64_t left = deadline - now_ms();

			ms = left > 0 ? (int)left : 0;
		}
		rc = poll(p, in >= 0 ? 2 : 1, ms);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0) {
			fail = -errno;
			kill(pid, SIGKILL);
			break;
		}
		if (rc == 0) {
			*timed_out = true;
			kill(pid, SIGKILL);
			break;
		}
		if (p[0].revents)
			break;
		if (in >= 0 && p[1].revents) {
			ssize_t n = write(in, state + off, len - off);

			if (n > 0)
				off += (size_t)n;
			/* Done, or the hook closed its stdin (EPIPE): its
			 * business; its status says how it went. */
			if ((n < 0 && errno != EAGAIN && errno != EINTR) ||
			    off == len) {
				close(in);
				in = -1;
			}
		}
	}
reap:
	if (in >= 0)
		close(in);
	if (pidfd >= 0)
		close(pidfd);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return fail ? fail : status;
}

int oci_hook_run(const struct oci_hook *hk, const char *what, const char *state,
		 char *err, size_t errsz)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	int in[2], report[2], e = 0, status;
	bool timed_out = false;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) < 0) {
		snprintf(err, errsz, "%s: %s: pipe: %s", what, hk->path,
			 strerror(errno));
		return -1;
	}
	if (pipe2(report, O_CLOEXEC) < 0) {
		snprintf(err, errsz, "%s: %s: pipe: %s", what, hk->path,
			 strerror(errno));
		close(in[0]);
		close(in[1]);
		return -1;
	}
	/* A hook that does not read its stdin must not kill us. */
	sigaction(SIGPIPE, &ign, &old);
	pid = fork();
	if (pid == 0)
		child(hk, in[0], report[1]);
	close(in[0]);
	close(report[1]);
	if (pid < 0) {
		snprintf(err, errsz, "%s: %s: fork: %s", what, hk->path,
			 strerror(errno));
		close(in[1]);
		close(report[0]);
		sigaction(SIGPIPE, &old, NULL);
		return -1;
	}
	status = wait_hook(pid, in[1], state, hk->timeout, &timed_out);
	sigaction(SIGPIPE, &old, NULL);
	if (read(report[0], &e, sizeof(e)) != sizeof(e))
		e = 0;
	close(report[0]);
	if (e)
		snprintf(err, errsz, "%s: %s: %s", what, hk->path, strerror(e));
	else if (status < 0)
		snprintf(err, errsz, "%s: %s: %s", what, hk->path,
			 strerror(-status));
	else if (timed_out)
		snprintf(err, errsz, "%s: %s: timed out after %lld s", what,
			 hk->path, (long long)hk->timeout);
	else if (WIFSIGNALED(status))
		snprintf(err, errsz, "%s: %s: killed by signal %d", what,
			 hk->path, WTERMSIG(status));
	else if (WEXITSTATUS(status))
		snprintf(err, errsz, "%s: %s: exited %d", what, hk->path,
			 WEXITSTATUS(status));
	else
		return 0;
	return -1;
}

int oci_hooks_run(const struct oci_hooks *h, enum oci_hook_kind k,
		  const char *state, bool keep_going,
		  void (*warn)(const char *msg), char *err, size_t errsz)
{
	char what[64];
	int rc = 0;

	for (size_t i = 0; i < h->n[k]; i++) {
		snprintf(what, sizeof(what), "hooks.%s[%zu]", oci_hook_name(k),
			 i);
		if (!oci_hook_run(&h->h[k][i], what, state, err, errsz))
			continue;
		rc = -1;
		if (!keep_going)
			return rc;
		if (warn)
			warn(err);
	}
	return rc;
}
