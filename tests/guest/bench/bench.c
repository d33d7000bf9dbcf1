/* SPDX-License-Identifier: MIT */
/* bench.c: micro-benchmarks for the guest kernel: syscall, fork+exec+wait, pipe, file I/O, epoll ping-pong. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double bench_getpid(int n)
{
	double t = now();

	for (int i = 0; i < n; i++)
		syscall(SYS_getpid);
	return (now() - t) / n * 1e9; /* ns per call */
}

static double bench_spawn(const char *self, int n)
{
	double t = now();

	for (int i = 0; i < n; i++) {
		pid_t p = fork();

		if (p == 0) {
			execl(self, self, "noop", (char *)NULL);
			_exit(127);
		}
		waitpid(p, NULL, 0);
	}
	return (now() - t) / n * 1e6; /* us per fork+exec+wait */
}

static double bench_pipe(int mb)
{
	static char buf[65536];
	int fds[2];
	double t;
	pid_t p;

	if (pipe(fds))
		return -1;
	t = now();
	p = fork();
	if (p == 0) {
		close(fds[0]);
		for (int i = 0; i < mb * 16; i++)
			if (write(fds[1], buf, sizeof(buf)) < 0)
				_exit(1);
		_exit(0);
	}
	close(fds[1]);
	while (read(fds[0], buf, sizeof(buf)) > 0)
		;
	close(fds[0]);
	waitpid(p, NULL, 0);
	return mb / (now() - t); /* MB/s */
}

static double bench_file(int mb)
{
	static char buf[65536];
	double t = now();
	int fd = open("bench.tmp", O_CREAT | O_RDWR | O_TRUNC, 0600);

	if (fd < 0)
		return -1;
	for (int i = 0; i < mb * 16; i++)
		if (write(fd, buf, sizeof(buf)) < 0)
			return -1;
	lseek(fd, 0, SEEK_SET);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
	unlink("bench.tmp");
	return 2.0 * mb / (now() - t); /* MB/s written + read */
}

/* Two processes bounce a byte over two pipes, each waiting in
 * epoll_wait before every read: microseconds per round trip. */
static double bench_epoll(int n)
{
	int ab[2], ba[2];
	double t;
	char c = 'x';
	pid_t p;

	if (pipe(ab) || pipe(ba))
		return -1;
	p = fork();
	if (p == 0) {
		struct epoll_event ev = { .events = EPOLLIN };
		int ep = epoll_create1(0);

		if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, ab[0], &ev))
			_exit(1);
		for (int i = 0; i < n; i++)
			if (epoll_wait(ep, &ev, 1, -1) != 1 ||
			    read(ab[0], &c, 1) != 1 || write(ba[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	struct epoll_event ev = { .events = EPOLLIN };
	int ep = epoll_create1(0);

	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, ba[0], &ev))
		return -1;
	t = now();
	for (int i = 0; i < n; i++)
		if (write(ab[1], &c, 1) != 1 ||
		    epoll_wait(ep, &ev, 1, -1) != 1 || read(ba[0], &c, 1) != 1)
			return -1;
	t = now() - t;
	waitpid(p, NULL, 0);
	close(ep);
	return t / n * 1e6;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "noop"))
		return 0;
	printf("getpid_ns %.1f\n", bench_getpid(200000));
	printf("spawn_us %.1f\n", bench_spawn(argv[0], 50));
	printf("pipe_MBps %.1f\n", bench_pipe(64));
	printf("file_MBps %.1f\n", bench_file(64));
	printf("epoll_pingpong_us %.1f\n", bench_epoll(2000));
	return 0;
}
