/* SPDX-License-Identifier: MIT */
/* t_misc: time, sleeping, identity, uname, getrandom, limits, /dev, /proc, poll and select. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHECK(c) printf("%-50s %s\n", #c, (c) ? "ok" : strerror(errno))

static long ms_since(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1000 +
	       (b.tv_nsec - a->tv_nsec) / 1000000;
}

int main(void)
{
	struct timespec t0, ts = { 0, 100000000 };
	struct timeval tv;
	struct utsname u;
	struct rlimit rl;
	struct pollfd pf[2];
	char buf[512];
	unsigned char r1[32], r2[32];
	int fd, fds[2];
	fd_set rs;
	long ms;

	CHECK(clock_gettime(CLOCK_MONOTONIC, &t0) == 0);
	CHECK(nanosleep(&ts, NULL) == 0);
	ms = ms_since(&t0);
	CHECK(ms >= 100 && ms < 2000);
	CHECK(gettimeofday(&tv, NULL) == 0 && tv.tv_sec > 1600000000);
	CHECK(time(NULL) > 1600000000);
	CHECK(clock_gettime(CLOCK_REALTIME, &ts) == 0 &&
	      ts.tv_sec > 1600000000);
	CHECK(uname(&u) == 0 && strcmp(u.sysname, "Linux") == 0 &&
	      strcmp(u.machine, "x86_64") == 0);
	CHECK(getuid() == 0 && geteuid() == 0 && getgid() == 0);
	CHECK(getrandom(r1, sizeof(r1), 0) == 32 &&
	      getrandom(r2, sizeof(r2), 0) == 32);
	CHECK(memcmp(r1, r2, 32) != 0);
	CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur >= 64);
	CHECK(getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur >= (1 << 20));
	fd = open("/dev/null", O_RDWR);
	CHECK(fd >= 0 && write(fd, "x", 1) == 1 && read(fd, buf, 1) == 0);
	close(fd);
	fd = open("/dev/zero", O_RDONLY);
	buf[0] = 1;
	CHECK(read(fd, buf, 100) == 100 && buf[0] == 0 && buf[99] == 0);
	close(fd);
	fd = open("/dev/full", O_WRONLY);
	CHECK(write(fd, "x", 1) == -1 && errno == ENOSPC);
	close(fd);
	fd = open("/dev/urandom", O_RDONLY);
	CHECK(read(fd, buf, 300) == 300);
	close(fd);
	CHECK(readlink("/proc/self/exe", buf, sizeof(buf)) > 0);
	fd = open("/proc/meminfo", O_RDONLY);
	CHECK(fd >= 0 && read(fd, buf, sizeof(buf)) > 0 &&
	      strncmp(buf, "MemTotal:", 9) == 0);
	close(fd);
	fd = open("/proc/uptime", O_RDONLY);
	CHECK(fd >= 0 && read(fd, buf, sizeof(buf)) > 0 &&
	      strtod(buf, NULL) >= 0);
	close(fd);
	CHECK(access("/proc/cpuinfo", R_OK) == 0);
	CHECK(access("/proc/self/fd/1", F_OK) == 0);
	CHECK(mkdir("/tmp/d", 0755) == 0 && rmdir("/tmp/d") == 0);
	CHECK(pipe(fds) == 0);
	pf[0] = (struct pollfd){ fds[0], POLLIN, 0 };
	pf[1] = (struct pollfd){ fds[1], POLLOUT, 0 };
	CHECK(poll(pf, 2, 0) == 1 && pf[1].revents == POLLOUT &&
	      pf[0].revents == 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(poll(pf, 1, 200) == 0);
	ms = ms_since(&t0);
	CHECK(ms >= 200 && ms < 2000);
	if (fork() == 0) {
		usleep(100000);
		write(fds[1], "x", 1);
		_exit(0);
	}
	CHECK(poll(pf, 1, 5000) == 1 && pf[0].revents == POLLIN);
	wait(NULL);
	FD_ZERO(&rs);
	FD_SET(fds[0], &rs);
	tv = (struct timeval){ 1, 0 };
	CHECK(select(fds[0] + 1, &rs, NULL, NULL, &tv) == 1 &&
	      FD_ISSET(fds[0], &rs));
	read(fds[0], buf, 1);
	FD_ZERO(&rs);
	FD_SET(fds[0], &rs);
	tv = (struct timeval){ 0, 100000 };
	CHECK(select(fds[0] + 1, &rs, NULL, NULL, &tv) == 0);
	close(fds[1]);
	pf[0].revents = 0;
	CHECK(poll(pf, 1, 0) == 1 && (pf[0].revents & POLLHUP));
	return 0;
}
