/* SPDX-License-Identifier: MIT */
/* t_event: epoll (level, edge, one-shot, nested) over pipes, eventfd, timerfd and signalfd, with their errors. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#ifndef EPOLLEXCLUSIVE
#define EPOLLEXCLUSIVE (1u << 28)
#endif

/* strerrorname_np is glibc's; musl has none: name the few we expect. */
#ifndef __GLIBC__
static const char *strerrorname_np(int e)
{
	switch (e) {
	case EINVAL:
		return "EINVAL";
	case EBADF:
		return "EBADF";
	case EEXIST:
		return "EEXIST";
	case ENOENT:
		return "ENOENT";
	case EPERM:
		return "EPERM";
	case ELOOP:
		return "ELOOP";
	case EAGAIN:
		return "EAGAIN";
	case EFAULT:
		return "EFAULT";
	case EINTR:
		return "EINTR";
	default:
		return "other";
	}
}
#endif

static void res(const char *what, long r)
{
	if (r < 0)
		printf("%s: -1 %s\n", what, strerrorname_np(errno));
	else
		printf("%s: %ld\n", what, r);
}

static int ep_add(int ep, int fd, uint32_t ev, uint64_t data)
{
	struct epoll_event e = { .events = ev, .data.u64 = data };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
}

/* One epoll_wait: prints the count and each event. */
static void wait_print(const char *what, int ep, int max, int ms)
{
	struct epoll_event ev[8];
	int n = epoll_wait(ep, ev, max, ms);

	if (n < 0) {
		printf("%s: -1 %s\n", what, strerrorname_np(errno));
		return;
	}
	printf("%s: %d", what, n);
	for (int i = 0; i < n; i++)
		printf(" [%llu %#x]", (unsigned long long)ev[i].data.u64,
		       ev[i].events);
	printf("\n");
}

static void t_epoll_basic(void)
{
	int ep = epoll_create1(EPOLL_CLOEXEC), p[2], q[2];
	char c;

	res("epoll_create(0)", syscall(SYS_epoll_create, 0));
	res("epoll_create1(bad)", epoll_create1(1));
	res("epoll cloexec", fcntl(ep, F_GETFD));
	pipe(p);
	pipe(q);
	res("add p0 IN", ep_add(ep, p[0], EPOLLIN, 1));
	wait_print("lt empty", ep, 8, 0);
	write(p[1], "ab", 2);
	wait_print("lt data", ep, 8, 0);
	wait_print("lt again", ep, 8, 0);
	read(p[0], &c, 1);
	read(p[0], &c, 1);
	wait_print("lt drained", ep, 8, 0);
	/* Two ready files, one event per call: they take turns. */
	res("add q0 IN", ep_add(ep, q[0], EPOLLIN, 2));
	write(p[1], "x", 1);
	write(q[1], "y", 1);
	wait_print("max1 first", ep, 1, 0);
	wait_print("max1 second", ep, 1, 0);
	wait_print("max8 both", ep, 8, 0);
	read(p[0], &c, 1);
	read(q[0], &c, 1);
	/* The write end: writable; without readers, writable and in error. */
	res("add p1 OUT", ep_add(ep, p[1], EPOLLOUT, 3));
	wait_print("write end", ep, 8, 0);
	close(p[0]);
	wait_print("no readers", ep, 8, 0);
	close(p[1]);
	/* q's read end after its writer closes: HUP. */
	close(q[1]);
	wait_print("writer gone", ep, 8, 0);
	close(q[0]);
	wait_print("all closed", ep, 8, 0);
	/* The terminal (the guest's console; a pty on the host). */
	res("add stdout OUT", ep_add(ep, 1, EPOLLOUT, 10));
	wait_print("terminal writable", ep, 8, 0);
	close(ep);
}

static void t_epoll_modes(void)
{
	int ep = epoll_create(1), p[2], d;
	char buf[8];

	pipe(p);
	res("add ET", ep_add(ep, p[0], EPOLLIN | EPOLLET, 7));
	wait_print("et empty", ep, 8, 0);
	write(p[1], "a", 1);
	wait_print("et data", ep, 8, 0);
	wait_print("et again", ep, 8, 0);
	write(p[1], "b", 1);
	wait_print("et more data", ep, 8, 0);
	read(p[0], buf, sizeof(buf));
	wait_print("et drained", ep, 8, 0);
	write(p[1], "c", 1);
	wait_print("et refilled", ep, 8, 0);
	read(p[0], buf, sizeof(buf));

	struct epoll_event e = { .events = EPOLLIN | EPOLLONESHOT,
				 .data.u64 = 8 };
	res("mod oneshot", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &e));
	write(p[1], "d", 1);
	wait_print("oneshot", ep, 8, 0);
	wait_print("oneshot fired", ep, 8, 0);
	res("mod rearm", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &e));
	wait_print("oneshot rearmed", ep, 8, 0);
	read(p[0], buf, sizeof(buf));

	/* A registration lives as long as the open file, not the fd. */
	e.events = EPOLLIN;
	e.data.u64 = 9;
	res("mod plain", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &e));
	d = dup(p[0]);
	close(p[0]);
	write(p[1], "e", 1);
	wait_print("after close of a dup'd fd", ep, 8, 0);
	close(d);
	wait_print("after the last close", ep, 8, 0);
	close(p[1]);
	close(ep);
}

static void t_epoll_errors(void)
{
	int ep = epoll_create1(0), p[2], f, n;
	struct epoll_event e = { .events = EPOLLIN };

	pipe(p);
	res("add", ep_add(ep, p[0], EPOLLIN, 0));
	res("add twice", ep_add(ep, p[0], EPOLLIN, 0));
	res("mod absent", epoll_ctl(ep, EPOLL_CTL_MOD, p[1], &e));
	res("del absent", epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL));
	res("del", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	res("bad op", epoll_ctl(ep, 99, p[0], &e));
	res("bad fd", ep_add(ep, 250, EPOLLIN, 0));
	res("bad epfd", ep_add(250, p[0], EPOLLIN, 0));
	res("epfd not epoll", ep_add(p[1], p[0], EPOLLIN, 0));
	res("epfd itself", ep_add(ep, ep, EPOLLIN, 0));
	f = open("words.txt", O_RDONLY);
	res("regular file", ep_add(ep, f, EPOLLIN, 0));
	close(f);
	f = open("/dev/null", O_RDONLY);
	res("/dev/null", ep_add(ep, f, EPOLLIN, 0));
	close(f);
	res("exclusive", ep_add(ep, p[0], EPOLLIN | EPOLLEXCLUSIVE, 0));
	e.events = EPOLLIN | EPOLLEXCLUSIVE;
	res("mod exclusive", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &e));
	e.events = EPOLLIN;
	res("mod of exclusive", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &e));
	res("exclusive oneshot",
	    ep_add(ep, p[1], EPOLLOUT | EPOLLEXCLUSIVE | EPOLLONESHOT, 0));
	res("wait max 0", epoll_wait(ep, &e, 0, 0));
	res("wait bad fd", epoll_wait(250, &e, 1, 0));
	res("wait not epoll", epoll_wait(p[0], &e, 1, 0));
	res("ctl bad event ptr",
	    epoll_ctl(ep, EPOLL_CTL_ADD, p[1], (struct epoll_event *)8));
	n = (int)syscall(SYS_epoll_pwait, ep, &e, 1, 0, NULL, 8);
	res("pwait no mask", n);
	sigset_t m;
	sigemptyset(&m);
	res("pwait bad sigsetsize",
	    syscall(SYS_epoll_pwait, ep, &e, 1, 0, &m, 4));
#ifdef SYS_epoll_pwait2
	struct timespec ts = { 0, 2000000000 };
	res("pwait2 bad timeout",
	    syscall(SYS_epoll_pwait2, ep, &e, 1, &ts, NULL, 8));
	ts.tv_nsec = 1000000;
	res("pwait2 1ms", syscall(SYS_epoll_pwait2, ep, &e, 1, &ts, NULL, 8));
#endif
	close(p[0]);
	close(p[1]);
	close(ep);
}

static void t_epoll_nested(void)
{
	int inner = epoll_create1(0), outer = epoll_create1(0), p[2];
	char c;

	pipe(p);
	res("inner add pipe", ep_add(inner, p[0], EPOLLIN, 1));
	res("outer add inner", ep_add(outer, inner, EPOLLIN, 2));
	wait_print("outer idle", outer, 8, 0);
	write(p[1], "z", 1);
	wait_print("outer sees inner", outer, 8, 0);
	wait_print("inner", inner, 8, 0);
	res("inner add outer (loop)", ep_add(inner, outer, EPOLLIN, 3));
	read(p[0], &c, 1);
	wait_print("outer drained", outer, 8, 0);
	/* A blocking wait woken by a write from a child. */
	if (fork() == 0) {
		usleep(20000);
		write(p[1], "w", 1);
		_exit(0);
	}
	wait_print("outer blocking", outer, 8, -1);
	close(p[0]);
	close(p[1]);
	close(outer);
	close(inner);
}

static void t_eventfd(void)
{
	int e = eventfd(3, 0), s, ep = epoll_create1(0);
	uint64_t v = 0;
	int small;

	res("read", read(e, &v, 8));
	printf("value %llu\n", (unsigned long long)v);
	fcntl(e, F_SETFL, O_NONBLOCK);
	res("read empty", read(e, &v, 8));
	v = 5;
	write(e, &v, 8);
	v = 7;
	write(e, &v, 8);
	res("read sum", read(e, &v, 8));
	printf("value %llu\n", (unsigned long long)v);
	res("read short", read(e, &small, 4));
	v = UINT64_MAX;
	res("write max", write(e, &v, 8));
	v = UINT64_MAX - 1;
	res("write max-1", write(e, &v, 8));
	v = 1;
	res("write over", write(e, &v, 8));
	res("read", read(e, &v, 8));
	res("flags", eventfd(0, 0x10));
	close(e);

	s = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC);
	res("sem cloexec", fcntl(s, F_GETFD));
	res("sem read", read(s, &v, 8));
	printf("value %llu\n", (unsigned long long)v);
	res("sem read", read(s, &v, 8));
	res("sem read empty", read(s, &v, 8));
	res("add eventfd", ep_add(ep, s, EPOLLIN | EPOLLOUT, 5));
	wait_print("eventfd idle", ep, 8, 0);
	v = 1;
	write(s, &v, 8);
	wait_print("eventfd written", ep, 8, 0);
	close(s);
	close(ep);
}

static void t_timerfd(void)
{
	int t = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC), ep, e;
	struct itimerspec its = { 0 }, old;
	uint64_t v;
	struct timespec now;

	res("create bad clock", timerfd_create(99, 0));
	res("create bad flags", timerfd_create(CLOCK_MONOTONIC, 0x10));
	res("cloexec", fcntl(t, F_GETFD));
	its.it_value.tv_nsec = 1000000000;
	res("settime bad nsec", timerfd_settime(t, 0, &its, NULL));
	its.it_value.tv_nsec = 0;
	its.it_value.tv_sec = -1;
	res("settime negative", timerfd_settime(t, 0, &its, NULL));
	its.it_value.tv_sec = 0;
	res("settime bad flags", timerfd_settime(t, 8, &its, NULL));
	res("settime bad fd", timerfd_settime(250, 0, &its, NULL));
	e = eventfd(0, 0);
	res("settime not a timerfd", timerfd_settime(e, 0, &its, NULL));
	res("gettime not a timerfd", timerfd_gettime(e, &old));
	close(e);
	/* Relative one-shot: armed, then one expiration. */
	its.it_value.tv_nsec = 30000000;
	res("settime 30ms", timerfd_settime(t, 0, &its, NULL));
	timerfd_gettime(t, &old);
	printf("armed: %d\n", old.it_value.tv_sec == 0 &&
				      old.it_value.tv_nsec > 0 &&
				      old.it_value.tv_nsec <= 30000000);
	res("read (blocks)", read(t, &v, 8));
	printf("expirations %llu\n", (unsigned long long)v);
	timerfd_gettime(t, &old);
	printf("disarmed: %d\n",
	       old.it_value.tv_sec == 0 && old.it_value.tv_nsec == 0);
	fcntl(t, F_SETFL, O_NONBLOCK);
	res("read unarmed", read(t, &v, 8));
	/* Absolute, already past (1 ns after boot): expires at once. */
	its.it_value.tv_sec = 0;
	its.it_value.tv_nsec = 1;
	res("settime abs past",
	    timerfd_settime(t, TFD_TIMER_ABSTIME, &its, NULL));
	res("read", read(t, &v, 8));
	printf("expirations %llu\n", (unsigned long long)v);
	/* Periodic, through epoll. */
	its.it_value.tv_sec = 0;
	its.it_value.tv_nsec = 5000000;
	its.it_interval.tv_nsec = 5000000;
	timerfd_settime(t, 0, &its, NULL);
	ep = epoll_create1(0);
	ep_add(ep, t, EPOLLIN, 4);
	wait_print("periodic", ep, 8, -1);
	res("read", read(t, &v, 8));
	printf("expirations >= 1: %d\n", v >= 1);
	wait_print("periodic again", ep, 8, -1);
	its.it_value.tv_nsec = 0;
	res("disarm", timerfd_settime(t, 0, &its, &old));
	printf("old interval %ld ns\n", old.it_interval.tv_nsec);
	close(t);
	/* The wall clock, absolute. */
	t = timerfd_create(CLOCK_REALTIME, 0);
	clock_gettime(CLOCK_REALTIME, &now);
	its.it_interval.tv_nsec = 0;
	its.it_value = now;
	its.it_value.tv_nsec += 20000000;
	if (its.it_value.tv_nsec >= 1000000000) {
		its.it_value.tv_nsec -= 1000000000;
		its.it_value.tv_sec++;
	}
	res("realtime abs", timerfd_settime(t, TFD_TIMER_ABSTIME, &its, NULL));
	res("read (blocks)", read(t, &v, 8));
	printf("expirations %llu\n", (unsigned long long)v);
	res("read short", read(t, &v, 4));
	close(t);
	close(ep);
}

static void t_signalfd(void)
{
	sigset_t m;
	struct signalfd_siginfo si;
	int s, ep = epoll_create1(0), p[2];

	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	sigaddset(&m, SIGUSR2);
	sigprocmask(SIG_BLOCK, &m, NULL);
	s = signalfd(-1, &m, SFD_NONBLOCK);
	res("read none", read(s, &si, sizeof(si)));
	res("add signalfd", ep_add(ep, s, EPOLLIN, 6));
	wait_print("signalfd idle", ep, 8, 0);
	kill(getpid(), SIGUSR2);
	kill(getpid(), SIGUSR1);
	wait_print("signalfd pending", ep, 8, 0);
	res("read short", read(s, &si, 10));
	res("read", read(s, &si, sizeof(si)));
	printf("signo %u code %d pid ok %d\n", si.ssi_signo, si.ssi_code,
	       si.ssi_pid == (uint32_t)getpid());
	res("read", read(s, &si, sizeof(si)));
	printf("signo %u\n", si.ssi_signo);
	res("read none", read(s, &si, sizeof(si)));
	sigdelset(&m, SIGUSR2);
	res("update mask (same fd)", signalfd(s, &m, 0) == s);
	res("sizemask 4", syscall(SYS_signalfd4, -1, &m, 4, 0));
	res("bad flags", syscall(SYS_signalfd4, -1, &m, 8, 0x10));
	res("bad fd", signalfd(250, &m, 0));
	pipe(p);
	res("not a signalfd", signalfd(p[0], &m, 0));
	close(p[0]);
	close(p[1]);
	close(s);
	close(ep);
	sigprocmask(SIG_UNBLOCK, &m, NULL);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	t_epoll_basic();
	t_epoll_modes();
	t_epoll_errors();
	t_epoll_nested();
	t_eventfd();
	t_timerfd();
	t_signalfd();
	printf("done\n");
	return 0;
}
