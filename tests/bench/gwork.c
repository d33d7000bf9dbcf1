/* SPDX-License-Identifier: MIT */
/* gwork: guest work micro-benchmarks (getpid, fork+exec+wait, pipe, file I/O), one result per line. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * usage: gwork [SCALE]   (SCALE divides the iteration counts; default 1)
 * Prints "gwork NAME VALUE UNIT" per test, or "gwork NAME n/a REASON", then
 * "gwork done". The per-operation units make runs of different SCALE
 * comparable. "gwork --noop" exits 0 at once (the exec target).
 */

#define CHUNK 65536

static char buf[CHUNK];
static const char *self;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void na(const char *name, const char *what)
{
	printf("gwork %s n/a %s: %s\n", name, what, strerror(errno));
}

static void bench_getpid(long n)
{
	double t = now_s();

	for (long i = 0; i < n; i++)
		syscall(SYS_getpid);
	printf("gwork getpid %.1f ns/op\n", (now_s() - t) * 1e9 / n);
}

static void bench_fork_exec(long n)
{
	double t = now_s();

	for (long i = 0; i < n; i++) {
		int st;
		pid_t pid = fork();

		if (pid < 0)
			return na("fork_exec", "fork");
		if (pid == 0) {
			execl(self, self, "--noop", (char *)NULL);
			_exit(127);
		}
		if (waitpid(pid, &st, 0) != pid)
			return na("fork_exec", "waitpid");
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			errno = ENOEXEC;
			return na("fork_exec", "child status");
		}
	}
	printf("gwork fork_exec %.1f us/op\n", (now_s() - t) * 1e6 / n);
}

static void bench_pipe(long mib)
{
	long total = mib << 20, got = 0;
	int fds[2], st;
	double t;
	pid_t pid;

	if (pipe(fds))
		return na("pipe", "pipe");
	t = now_s();
	pid = fork();
	if (pid < 0)
		return na("pipe", "fork");
	if (pid == 0) {
		close(fds[0]);
		for (long left = total; left > 0; left -= CHUNK)
			if (write(fds[1], buf, CHUNK) != CHUNK)
				_exit(1);
		_exit(0);
	}
	close(fds[1]);
	for (ssize_t r; (r = read(fds[0], buf, CHUNK)) > 0;)
		got += r;
	close(fds[0]);
	waitpid(pid, &st, 0);
	if (got != total) {
		errno = EIO;
		return na("pipe", "short transfer");
	}
	printf("gwork pipe %.1f MiB/s\n", mib / (now_s() - t));
}

/*
 * epoll ping-pong: a byte bounced n times between two processes over two pipes, each side
 * waiting in epoll_wait before its read; microseconds per round trip.
 */
static void bench_epoll(long n)
{
	int ab[2], ba[2], st, ep;
	struct epoll_event ev = { .events = EPOLLIN };
	char c = 'p';
	double t;
	pid_t pid;

	if (pipe(ab) || pipe(ba))
		return na("epoll", "pipe");
	pid = fork();
	if (pid < 0)
		return na("epoll", "fork");
	ep = epoll_create1(0);
	if (ep < 0) {
		if (pid == 0)
			_exit(1);
		return na("epoll", "epoll_create1");
	}
	ev.data.fd = pid == 0 ? ab[0] : ba[0];
	if (epoll_ctl(ep, EPOLL_CTL_ADD, ev.data.fd, &ev)) {
		if (pid == 0)
			_exit(1);
		return na("epoll", "epoll_ctl");
	}
	if (pid == 0) {
		for (long i = 0; i < n; i++)
			if (epoll_wait(ep, &ev, 1, -1) != 1 ||
			    read(ab[0], &c, 1) != 1 || write(ba[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	t = now_s();
	for (long i = 0; i < n; i++)
		if (write(ab[1], &c, 1) != 1 ||
		    epoll_wait(ep, &ev, 1, -1) != 1 || read(ba[0], &c, 1) != 1)
			return na("epoll", "round trip");
	t = now_s() - t;
	waitpid(pid, &st, 0);
	close(ep);
	close(ab[0]);
	close(ab[1]);
	close(ba[0]);
	close(ba[1]);
	printf("gwork epoll %.1f us/rt\n", t * 1e6 / n);
}

/* Write a 1 MiB file in 4 KiB writes, read it back, remove it; n times. */
static void bench_file(long n, const char *path)
{
	double t = now_s();

	for (long i = 0; i < n; i++) {
		int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);

		if (fd < 0)
			return na("file", path);
		for (int k = 0; k < 256; k++)
			if (write(fd, buf, 4096) != 4096)
				return na("file", "write");
		close(fd);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			return na("file", "reopen");
		while (read(fd, buf, 4096) > 0)
			;
		close(fd);
		unlink(path);
	}
	printf("gwork file %.1f MiB/s\n", 2.0 * n / (now_s() - t));
}

int main(int argc, char **argv)
{
	long scale = 1;

	if (argc > 1 && strcmp(argv[1], "--noop") == 0)
		return 0;
	if (argc > 1)
		scale = atol(argv[1]) > 0 ? atol(argv[1]) : 1;
	self = strchr(argv[0], '/') ? argv[0] : "/bin/gwork";
	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(buf, 'x', sizeof(buf));
	bench_getpid(200000 / scale);
	bench_fork_exec(200 / scale > 0 ? 200 / scale : 1);
	bench_pipe(64 / scale > 0 ? 64 / scale : 1);
	bench_file(32 / scale > 0 ? 32 / scale : 1,
		   argc > 2 ? argv[2] : "/tmp/gwork.tmp");
	bench_epoll(20000 / scale);
	printf("gwork done\n");
	return 0;
}
