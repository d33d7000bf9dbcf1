/* SPDX-License-Identifier: MIT */
/* t_unix: AF_UNIX stream, datagram and seqpacket sockets: names, connections, data, SCM_RIGHTS, credentials, readiness, timeouts. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHECK(c) printf("%-64s %s\n", #c, (c) ? "ok" : strerror(errno))
/* A call that must fail with errno e. */
#define FAILS(call, e)                                                 \
	do {                                                           \
		errno = 0;                                             \
		long r_ = (long)(call);                                \
		printf("%-64s %s\n", #call " fails " #e,               \
		       r_ == -1 && errno == (e) ? "ok" :               \
		       r_ != -1			? "no: it succeeded" : \
						  strerror(errno));                    \
	} while (0)

static volatile int sigpipes, alarms;
static int restart_fd = -1;

static void on_pipe(int s)
{
	(void)s;
	sigpipes++;
}

/* SIGALRM: counts; with restart_fd set, feeds the restarted read. */
static void on_alarm(int s)
{
	(void)s;
	alarms++;
	if (restart_fd >= 0)
		(void)!write(restart_fd, "r", 1);
}

static socklen_t un_addr(struct sockaddr_un *a, const char *path)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	strcpy(a->sun_path, path);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
			   strlen(path) + 1);
}

/* An abstract name: sun_path starts with NUL; the length counts. */
static socklen_t abs_addr(struct sockaddr_un *a, const char *name)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	memcpy(a->sun_path + 1, name, strlen(name));
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
			   strlen(name));
}

static int listener(int type, const char *path, int backlog)
{
	struct sockaddr_un a;
	socklen_t len = un_addr(&a, path);
	int s = socket(AF_UNIX, type, 0);

	unlink(path);
	if (s < 0 || bind(s, (struct sockaddr *)&a, len) ||
	    listen(s, backlog)) {
		printf("listener %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return s;
}

static int connect_to(int type, const char *path, int flags)
{
	struct sockaddr_un a;
	socklen_t len = un_addr(&a, path);
	int c = socket(AF_UNIX, type | flags, 0);

	if (c < 0 || connect(c, (struct sockaddr *)&a, len))
		return -1;
	return c;
}

static unsigned revents(int fd, short events)
{
	struct pollfd p = { fd, events, 0 };

	return poll(&p, 1, 0) == 1 ? (unsigned)p.revents : 0;
}

/* Sends n fds (and one byte) over s. */
static ssize_t send_fds(int s, const int *fds, int n)
{
	char ctl[CMSG_SPACE(8 * sizeof(int))] = { 0 };
	struct iovec v = { "F", 1 };
	struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1 };
	struct cmsghdr *c;

	m.msg_control = ctl;
	m.msg_controllen = CMSG_SPACE((size_t)n * sizeof(int));
	c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN((size_t)n * sizeof(int));
	memcpy(CMSG_DATA(c), fds, (size_t)n * sizeof(int));
	return sendmsg(s, &m, 0);
}

/* Receives one byte and up to room fds: how many arrived (-1 on error);
 * *flags gets msg_flags. */
static int recv_fds(int s, int *fds, int room, int rflags, int *flags)
{
	char ctl[CMSG_SPACE(8 * sizeof(int))], b;
	struct iovec v = { &b, 1 };
	struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1 };
	struct cmsghdr *c;
	int n = 0;

	m.msg_control = ctl;
	m.msg_controllen = room ? CMSG_SPACE((size_t)room * sizeof(int)) : 0;
	if (recvmsg(s, &m, rflags) < 0)
		return -1;
	*flags = m.msg_flags;
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		memcpy(fds, CMSG_DATA(c), (size_t)n * sizeof(int));
	}
	return n;
}

static void stream_pair(void)
{
	int sv[2], v = 0, n = -1;
	socklen_t len = sizeof(v);
	struct sockaddr_un a;
	struct ucred cr;
	char buf[64];

	puts("-- stream socketpair");
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &len) == 0 &&
	      v == SOCK_STREAM);
	CHECK(getsockopt(sv[0], SOL_SOCKET, SO_DOMAIN, &v, &len) == 0 &&
	      v == AF_UNIX);
	CHECK(getsockopt(sv[0], SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == 0 &&
	      v == 0);
	CHECK(getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, &len) == 0 && v > 0);
	CHECK(getsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &v, &len) == 0 && v > 0);
	len = sizeof(cr);
	CHECK(getsockopt(sv[1], SOL_SOCKET, SO_PEERCRED, &cr, &len) == 0 &&
	      len == sizeof(cr) && cr.pid == getpid() && cr.uid == getuid() &&
	      cr.gid == getgid());
	len = sizeof(a);
	CHECK(getsockname(sv[0], (struct sockaddr *)&a, &len) == 0 &&
	      len == sizeof(sa_family_t) && a.sun_family == AF_UNIX);
	len = sizeof(a);
	CHECK(getpeername(sv[0], (struct sockaddr *)&a, &len) == 0 &&
	      len == sizeof(sa_family_t));
	CHECK(revents(sv[0], POLLIN | POLLOUT | POLLRDHUP) == POLLOUT);
	CHECK(write(sv[0], "hello", 5) == 5 && write(sv[0], " world", 6) == 6);
	CHECK(revents(sv[1], POLLIN | POLLOUT | POLLRDHUP) ==
	      (POLLIN | POLLOUT));
	CHECK(ioctl(sv[1], FIONREAD, &n) == 0 && n == 11);
	CHECK(recv(sv[1], buf, 5, MSG_PEEK) == 5 && !memcmp(buf, "hello", 5));
	CHECK(read(sv[1], buf, sizeof(buf)) == 11 &&
	      !memcmp(buf, "hello world", 11));
	FAILS(recv(sv[1], buf, 1, MSG_DONTWAIT), EAGAIN);
	CHECK(send(sv[1], "abc", 3, 0) == 3 && send(sv[1], "def", 3, 0) == 3);
	CHECK(recv(sv[0], buf, 6, MSG_WAITALL) == 6 &&
	      !memcmp(buf, "abcdef", 6));
	CHECK(shutdown(sv[1], SHUT_WR) == 0);
	CHECK(revents(sv[0], POLLIN | POLLRDHUP) == (POLLIN | POLLRDHUP));
	CHECK(read(sv[0], buf, sizeof(buf)) == 0);
	CHECK(write(sv[0], "back", 4) == 4 && read(sv[1], buf, 4) == 4);
	FAILS(write(sv[1], "x", 1), EPIPE);
	CHECK(sigpipes == 1);
	CHECK(close(sv[1]) == 0);
	CHECK(revents(sv[0], POLLIN | POLLOUT | POLLRDHUP) ==
	      (POLLIN | POLLOUT | POLLRDHUP | POLLHUP));
	CHECK(read(sv[0], buf, sizeof(buf)) == 0);
	FAILS(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
	CHECK(sigpipes == 1);
	FAILS(send(sv[0], "x", 1, 0), EPIPE);
	CHECK(sigpipes == 2);
	close(sv[0]);
}

static void dgram_pair(int type, const char *name)
{
	int sv[2];
	char buf[16];
	struct iovec v = { buf, 4 };
	struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1 };

	printf("-- %s socketpair\n", name);
	CHECK(socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv) == 0);
	CHECK(fcntl(sv[0], F_GETFD) == FD_CLOEXEC);
	CHECK(send(sv[0], "one", 3, 0) == 3 && send(sv[0], "two!", 4, 0) == 4 &&
	      send(sv[0], "three", 5, 0) == 5);
	CHECK(recv(sv[1], buf, sizeof(buf), MSG_PEEK) == 3);
	CHECK(recv(sv[1], buf, sizeof(buf), 0) == 3 && !memcmp(buf, "one", 3));
	CHECK(recv(sv[1], buf, 2, MSG_TRUNC) == 4 && !memcmp(buf, "tw", 2));
	CHECK(recvmsg(sv[1], &m, 0) == 4 && (m.msg_flags & MSG_TRUNC) &&
	      !memcmp(buf, "thre", 4));
	FAILS(recv(sv[1], buf, 1, MSG_DONTWAIT), EAGAIN);
	CHECK(send(sv[1], "", 0, 0) == 0 && recv(sv[0], buf, 1, 0) == 0);
	CHECK(revents(sv[0], POLLIN | POLLOUT) == POLLOUT);
	if (type == SOCK_SEQPACKET) {
		CHECK(close(sv[1]) == 0);
		CHECK(revents(sv[0], POLLIN | POLLRDHUP) ==
		      (POLLIN | POLLRDHUP | POLLHUP));
		CHECK(recv(sv[0], buf, 1, 0) == 0);
		FAILS(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
		CHECK(sigpipes == 2);
	} else {
		close(sv[1]);
	}
	close(sv[0]);
}

static void path_names(void)
{
	struct sockaddr_un a, b;
	socklen_t len = un_addr(&a, "sock-a"), blen;
	int s = socket(AF_UNIX, SOCK_STREAM, 0), t, c;
	struct stat st;

	puts("-- names in the filesystem");
	unlink("sock-a");
	CHECK(bind(s, (struct sockaddr *)&a, len) == 0);
	FAILS(bind(s, (struct sockaddr *)&a, len), EADDRINUSE);
	un_addr(&b, "sock-other");
	FAILS(bind(s, (struct sockaddr *)&b, len + 4), EINVAL);
	CHECK(stat("sock-a", &st) == 0 && S_ISSOCK(st.st_mode));
	FAILS(open("sock-a", O_RDONLY), ENXIO);
	t = socket(AF_UNIX, SOCK_STREAM, 0);
	FAILS(bind(t, (struct sockaddr *)&a, len), EADDRINUSE);
	blen = sizeof(b);
	CHECK(getsockname(s, (struct sockaddr *)&b, &blen) == 0 &&
	      blen == len && !strcmp(b.sun_path, "sock-a"));
	FAILS(connect(t, (struct sockaddr *)&a, len), ECONNREFUSED);
	FAILS(accept(s, NULL, NULL), EINVAL);
	CHECK(listen(s, 4) == 0);
	CHECK(revents(s, POLLIN | POLLOUT) == 0);
	CHECK(connect(t, (struct sockaddr *)&a, len) == 0);
	FAILS(connect(t, (struct sockaddr *)&a, len), EISCONN);
	CHECK(revents(s, POLLIN) == POLLIN);
	blen = sizeof(b);
	CHECK(getpeername(t, (struct sockaddr *)&b, &blen) == 0 &&
	      blen == len && !strcmp(b.sun_path, "sock-a"));
	blen = sizeof(b);
	c = accept4(s, (struct sockaddr *)&b, &blen, SOCK_NONBLOCK);
	CHECK(c >= 0 && blen == sizeof(sa_family_t));
	CHECK((fcntl(c, F_GETFL) & O_NONBLOCK) && fcntl(c, F_GETFD) == 0);
	FAILS(sendto(t, "x", 1, 0, (struct sockaddr *)&a, len), EISCONN);
	CHECK(unlink("sock-a") == 0);
	CHECK(write(t, "still", 5) == 5 && read(c, &b, 5) == 5);
	close(t);
	t = socket(AF_UNIX, SOCK_STREAM, 0);
	FAILS(connect(t, (struct sockaddr *)&a, len), ENOENT);
	len = un_addr(&a, "no-such-dir/sock");
	FAILS(connect(t, (struct sockaddr *)&a, len), ENOENT);
	FAILS(bind(t, (struct sockaddr *)&a, len), ENOENT);
	len = un_addr(&a, "words.txt");
	FAILS(connect(t, (struct sockaddr *)&a, len), ECONNREFUSED);
	a.sun_family = AF_INET;
	FAILS(connect(t, (struct sockaddr *)&a, len), EINVAL);
	FAILS(listen(t, 1), EINVAL);
	close(t);
	close(c);
	close(s);
}

static void other_names(void)
{
	struct sockaddr_un a, b;
	socklen_t len = abs_addr(&a, "xenpod-t_unix"), blen = sizeof(b);
	int s = socket(AF_UNIX, SOCK_DGRAM, 0),
	    t = socket(AF_UNIX, SOCK_DGRAM, 0);
	int u = socket(AF_UNIX, SOCK_STREAM, 0);
	char buf[8];

	puts("-- abstract names, autobind, datagrams by name");
	CHECK(bind(s, (struct sockaddr *)&a, len) == 0);
	FAILS(bind(t, (struct sockaddr *)&a, len), EADDRINUSE);
	CHECK(getsockname(s, (struct sockaddr *)&b, &blen) == 0 &&
	      blen == len && !b.sun_path[0] &&
	      !memcmp(b.sun_path + 1, "xenpod-t_unix", 13));
	/* Abstract names are per type: nothing of this one is bound. */
	FAILS(connect(u, (struct sockaddr *)&a, len), ECONNREFUSED);
	CHECK(sendto(t, "anon", 4, 0, (struct sockaddr *)&a, len) == 4);
	blen = sizeof(b);
	CHECK(recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&b, &blen) ==
		      4 &&
	      blen == 0);
	CHECK(bind(t, (struct sockaddr *)&b, sizeof(sa_family_t)) == 0);
	blen = sizeof(b);
	CHECK(getsockname(t, (struct sockaddr *)&b, &blen) == 0 &&
	      blen == sizeof(sa_family_t) + 6 && b.sun_path[0] == 0);
	CHECK(bind(t, (struct sockaddr *)&b, sizeof(sa_family_t)) == 0);
	CHECK(sendto(t, "auto", 4, 0, (struct sockaddr *)&a, len) == 4);
	{
		struct sockaddr_un c;
		socklen_t clen = sizeof(c);

		CHECK(recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&c,
			       &clen) == 4 &&
		      clen == blen && !memcmp(&c, &b, blen));
		/* A reply to the autobound name. */
		CHECK(sendto(s, "re", 2, 0, (struct sockaddr *)&c, clen) == 2 &&
		      recv(t, buf, sizeof(buf), 0) == 2);
	}
	CHECK(connect(t, (struct sockaddr *)&a, len) == 0);
	CHECK(send(t, "conn", 4, 0) == 4 && recv(s, buf, sizeof(buf), 0) == 4);
	FAILS(send(u, "x", 1, 0), ENOTCONN);
	close(s);
	FAILS(send(t, "gone", 4, 0), ECONNREFUSED);
	FAILS(send(t, "gone", 4, 0), ENOTCONN);
	close(t);
	close(u);
}

static void backlog(void)
{
	int s = listener(SOCK_STREAM, "sock-b", 1), c[4], n = 0, a;
	int ep = epoll_create1(0), d = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = s }, out;
	struct sockaddr_un sa;
	socklen_t len = un_addr(&sa, "sock-b");

	puts("-- backlog, nonblocking connect and accept, epoll");
	CHECK(fcntl(s, F_SETFL, O_NONBLOCK) == 0);
	FAILS(accept(s, NULL, NULL), EAGAIN);
	FAILS(connect(d, (struct sockaddr *)&sa, len), EPROTOTYPE);
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev) == 0);
	CHECK(epoll_wait(ep, &out, 1, 0) == 0);
	for (int i = 0; i < 4; i++) {
		c[i] = connect_to(SOCK_STREAM, "sock-b", SOCK_NONBLOCK);
		if (c[i] >= 0)
			n++;
		else if (errno != EAGAIN)
			printf("connect %d: %s\n", i, strerror(errno));
	}
	printf("%d of 4 connections fit a backlog of 1\n", n);
	CHECK(epoll_wait(ep, &out, 1, 0) == 1 && out.data.fd == s &&
	      out.events == EPOLLIN);
	{
		int v;
		socklen_t vl = sizeof(v);

		CHECK(getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl) == 0 &&
		      v == 1);
	}
	a = accept(s, NULL, NULL);
	CHECK(a >= 0);
	c[n] = connect_to(SOCK_STREAM, "sock-b", SOCK_NONBLOCK);
	CHECK(c[n] >= 0);
	close(a);
	while ((a = accept(s, NULL, NULL)) >= 0)
		close(a);
	CHECK(errno == EAGAIN && epoll_wait(ep, &out, 1, 0) == 0);
	for (int i = 0; i <= n; i++)
		if (c[i] >= 0)
			close(c[i]);
	close(ep);
	close(d);
	close(s);
	unlink("sock-b");
}

static void fill_and_drain(void)
{
	int sv[2], ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLET }, out;
	static char big[65536];
	long total = 0, got = 0;
	ssize_t r;

	puts("-- full buffers, edge-triggered epoll");
	CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == 0);
	ev.data.fd = sv[1];
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, sv[1], &ev) == 0);
	CHECK(epoll_wait(ep, &out, 1, 0) == 1 && out.events == EPOLLOUT);
	CHECK(epoll_wait(ep, &out, 1, 0) == 0);
	CHECK(write(sv[0], "e", 1) == 1);
	CHECK(epoll_wait(ep, &out, 1, 0) == 1 &&
	      out.events == (EPOLLIN | EPOLLOUT));
	CHECK(epoll_wait(ep, &out, 1, 0) == 0);
	CHECK(write(sv[0], "f", 1) == 1);
	CHECK(epoll_wait(ep, &out, 1, 0) == 1);
	while ((r = write(sv[0], big, sizeof(big))) > 0)
		total += r;
	CHECK(r == -1 && errno == EAGAIN && total > 0);
	CHECK(!(revents(sv[0], POLLOUT) & POLLOUT));
	while ((r = read(sv[1], big, sizeof(big))) > 0)
		got += r;
	CHECK(got == total + 2);
	CHECK(revents(sv[0], POLLOUT) == POLLOUT);
	close(sv[0]);
	close(sv[1]);
	close(ep);
	CHECK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv) == 0);
	total = 0;
	while (send(sv[0], big, 1024, 0) == 1024)
		total++;
	CHECK(errno == EAGAIN && total > 0);
	CHECK(!(revents(sv[0], POLLOUT) & POLLOUT));
	FAILS(send(sv[0], big, 4 << 20, 0), EMSGSIZE);
	close(sv[0]);
	close(sv[1]);
}

static void rights(void)
{
	int sv[2], p[2], q[2], fds[8], got[8], flags, n;
	char b;

	puts("-- SCM_RIGHTS");
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0 && pipe(p) == 0);
	CHECK(send_fds(sv[0], &p[0], 1) == 1);
	close(p[0]);
	n = recv_fds(sv[1], got, 1, 0, &flags);
	CHECK(n == 1 && flags == 0);
	CHECK(write(p[1], "P", 1) == 1 && read(got[0], &b, 1) == 1 && b == 'P');
	CHECK(fcntl(got[0], F_GETFD) == 0);
	close(got[0]);
	close(p[1]);

	/* A socket passed, and used. */
	CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, q) == 0);
	CHECK(send_fds(sv[0], &q[1], 1) == 1);
	close(q[1]);
	n = recv_fds(sv[1], got, 2, MSG_CMSG_CLOEXEC, &flags);
	CHECK(n == 1 && fcntl(got[0], F_GETFD) == FD_CLOEXEC);
	CHECK(send(got[0], "via", 3, 0) == 3 && recv(q[0], fds, 8, 0) == 3);
	close(got[0]);
	close(q[0]);

	/* Four files, room for two: MSG_CTRUNC, the other two closed. */
	CHECK(pipe(p) == 0);
	fds[0] = fds[1] = fds[2] = p[1];
	fds[3] = p[1];
	CHECK(send_fds(sv[0], fds, 4) == 1);
	close(p[1]);
	/* CMSG_SPACE of one int has room for two. */
	n = recv_fds(sv[1], got, 1, 0, &flags);
	CHECK(n == 2 && (flags & MSG_CTRUNC));
	close(got[0]);
	close(got[1]);
	CHECK(read(p[0], &b, 1) == 0);
	close(p[0]);

	/* No control buffer at all: all closed. */
	CHECK(pipe(p) == 0 && send_fds(sv[0], &p[1], 1) == 1);
	close(p[1]);
	n = recv_fds(sv[1], got, 0, 0, &flags);
	CHECK(n == 0 && (flags & MSG_CTRUNC) && read(p[0], &b, 1) == 0);
	close(p[0]);

	/* Peeked files are duplicates; the message keeps its own. */
	CHECK(pipe(p) == 0 && send_fds(sv[0], &p[1], 1) == 1);
	close(p[1]);
	CHECK(recv_fds(sv[1], got, 1, MSG_PEEK, &flags) == 1);
	close(got[0]);
	CHECK(recv_fds(sv[1], got, 1, 0, &flags) == 1);
	CHECK(write(got[0], "Q", 1) == 1 && read(p[0], &b, 1) == 1);
	close(got[0]);
	CHECK(read(p[0], &b, 1) == 0);
	close(p[0]);

	/* Files in flight, never received: closing the sockets closes them. */
	CHECK(pipe(p) == 0 && send_fds(sv[0], &p[1], 1) == 1);
	close(p[1]);
	fds[0] = 1000;
	FAILS(send_fds(sv[0], fds, 1), EBADF);
	close(sv[1]);
	close(sv[0]);
	CHECK(read(p[0], &b, 1) == 0);
	close(p[0]);
}

/* Sockets that hold themselves in flight: collected once unreachable. */
static void cycles(void)
{
	int a[2], b[2], p[2], fds[2], x[2];
	char c;

	puts("-- sockets in flight in their own queues");
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, a) == 0 && pipe(p) == 0);
	fds[0] = a[1];
	fds[1] = p[1];
	CHECK(send_fds(a[0], fds, 2) == 1); /* a[1] queued on itself */
	close(p[1]);
	close(a[0]);
	close(a[1]);
	CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, a) == 0 &&
	      socketpair(AF_UNIX, SOCK_DGRAM, 0, b) == 0);
	CHECK(send_fds(a[0], &b[1], 1) == 1 && send_fds(b[0], &a[1], 1) == 1);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
	/* Linux collects when a socket is released; so does a close here. */
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, x) == 0);
	close(x[0]);
	close(x[1]);
	alarm(10);
	CHECK(read(p[0], &c, 1) == 0);
	alarm(0);
	close(p[0]);
}

static void credentials(void)
{
	int sv[2], one = 1;
	struct ucred cr = { getpid(), getuid(), getgid() }, *got = NULL;
	char ctl[CMSG_SPACE(sizeof(cr))], b;
	struct iovec v = { "C", 1 };
	struct msghdr m = { .msg_iov = &v, .msg_iovlen = 1 };
	struct cmsghdr *c;

	puts("-- SCM_CREDENTIALS");
	CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
	CHECK(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) ==
	      0);
	m.msg_control = ctl;
	m.msg_controllen = sizeof(ctl);
	c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_CREDENTIALS;
	c->cmsg_len = CMSG_LEN(sizeof(cr));
	memcpy(CMSG_DATA(c), &cr, sizeof(cr));
	CHECK(sendmsg(sv[0], &m, 0) == 1);
	CHECK(send(sv[0], "D", 1, 0) == 1);
	for (int i = 0; i < 2; i++) {
		v.iov_base = &b;
		m.msg_control = ctl;
		m.msg_controllen = sizeof(ctl);
		CHECK(recvmsg(sv[1], &m, 0) == 1 &&
		      (c = CMSG_FIRSTHDR(&m)) != NULL &&
		      c->cmsg_type == SCM_CREDENTIALS);
		got = (struct ucred *)CMSG_DATA(c);
		CHECK(got->pid == getpid() && got->uid == getuid() &&
		      got->gid == getgid());
	}
	close(sv[0]);
	close(sv[1]);
}

/* A forked server and client over a bound path; the client blocks in
 * connect on a full backlog, the server in accept and read. */
static void forked(void)
{
	int s = listener(SOCK_STREAM, "sock-f", 0), st, c, first;
	char buf[32];
	pid_t pid;

	puts("-- forked server and client");
	first = connect_to(SOCK_STREAM, "sock-f", 0); /* fills the backlog */
	CHECK(first >= 0);
	pid = fork();
	if (pid == 0) {
		struct ucred cr;
		socklen_t len = sizeof(cr);

		close(s);
		c = connect_to(SOCK_STREAM, "sock-f", 0); /* blocks */
		if (c < 0 || write(c, "ping", 4) != 4 ||
		    read(c, buf, sizeof(buf)) != 4 || memcmp(buf, "pong", 4))
			_exit(1);
		if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cr, &len) ||
		    cr.pid != getppid())
			_exit(2);
		_exit(read(c, buf, 1) == 0 ? 0 : 3);
	}
	c = accept(s, NULL, NULL); /* the first: the child's connect goes on */
	CHECK(c >= 0);
	close(c);
	close(first);
	c = accept(s, NULL, NULL);
	{
		struct ucred cr;
		socklen_t len = sizeof(cr);

		CHECK(c >= 0 &&
		      getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cr, &len) == 0 &&
		      cr.pid == pid);
	}
	CHECK(read(c, buf, 4) == 4 && !memcmp(buf, "ping", 4));
	CHECK(write(c, "pong", 4) == 4);
	close(c);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	      WEXITSTATUS(st) == 0);
	close(s);
	unlink("sock-f");
}

/* Sleepers in poll, select and read woken by a child's writes. */
static void wakeups(void)
{
	int sv[2], st;
	char b;
	fd_set r;
	struct pollfd p;
	pid_t pid;

	puts("-- wake-ups of poll, select, read; signals");
	CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
	pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 3; i++)
			if (read(sv[1], &b, 1) != 1 ||
			    write(sv[1], "w", 1) != 1)
				_exit(1);
		_exit(0);
	}
	close(sv[1]);
	p.fd = sv[0];
	p.events = POLLIN;
	CHECK(write(sv[0], "1", 1) == 1 && poll(&p, 1, -1) == 1 &&
	      p.revents == POLLIN && read(sv[0], &b, 1) == 1);
	FD_ZERO(&r);
	FD_SET(sv[0], &r);
	CHECK(write(sv[0], "2", 1) == 1 &&
	      select(sv[0] + 1, &r, NULL, NULL, NULL) == 1 &&
	      read(sv[0], &b, 1) == 1);
	CHECK(write(sv[0], "3", 1) == 1 && read(sv[0], &b, 1) == 1);
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	      WEXITSTATUS(st) == 0);
	CHECK(read(sv[0], &b, 1) == 0);
	close(sv[0]);

	/* SIGALRM during a blocking read: EINTR, or a restart with
	 * SA_RESTART (the handler then writes what the read gets). */
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	{
		struct sigaction sa = { .sa_handler = on_alarm };

		sigaction(SIGALRM, &sa, NULL);
		alarm(1);
		FAILS(read(sv[1], &b, 1), EINTR);
		sa.sa_flags = SA_RESTART;
		sigaction(SIGALRM, &sa, NULL);
		restart_fd = sv[0];
		alarm(1);
		CHECK(read(sv[1], &b, 1) == 1 && b == 'r' && alarms == 2);
		restart_fd = -1;
	}
	close(sv[0]);
	close(sv[1]);
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int set_timeo(int fd, int opt, long sec, long usec)
{
	struct timeval tv = { sec, usec };

	return setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof(tv));
}

/* Did call fail with EAGAIN after waiting at least lo s (and not hang: under hi s)? */
#define TIMES_OUT(call, lo, hi)                                            \
	do {                                                               \
		double t0_ = now_s(), dt_;                                 \
		long r_;                                                   \
		errno = 0;                                                 \
		r_ = (long)(call);                                         \
		dt_ = now_s() - t0_;                                       \
		printf("%-64s %s\n", #call " times out",                   \
		       r_ == -1 && errno == EAGAIN && dt_ >= (lo) &&       \
				       dt_ < (hi) ?                        \
			       "ok" :                                      \
			       "no");                                      \
		if (!(r_ == -1 && errno == EAGAIN && dt_ >= (lo) &&        \
		      dt_ < (hi)))                                         \
			printf("  (returned %ld, %s, after %.3f s)\n", r_, \
			       strerror(errno), dt_);                      \
	} while (0)

/* SO_RCVTIMEO and SO_SNDTIMEO: the value round trip, Linux's checks, and blocking calls
 * that give EAGAIN when it passes (EINTR on a signal even with SA_RESTART). */
static void timeouts(void)
{
	int sv[2], l, flags;
	struct timeval tv;
	socklen_t len = sizeof(tv);
	char buf[4096], b;

	puts("-- SO_RCVTIMEO, SO_SNDTIMEO");
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	CHECK(getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, &len) == 0 &&
	      len == sizeof(tv) && tv.tv_sec == 0 && tv.tv_usec == 0);
	CHECK(set_timeo(sv[0], SO_RCVTIMEO, 0, 200000) == 0);
	len = sizeof(tv);
	CHECK(getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, &len) == 0 &&
	      tv.tv_sec == 0 && tv.tv_usec == 200000);
	FAILS(set_timeo(sv[0], SO_RCVTIMEO, 1, 1000000), EDOM);
	FAILS(set_timeo(sv[0], SO_SNDTIMEO, 0, -1), EDOM);
	FAILS(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, 8), EINVAL);
	TIMES_OUT(recv(sv[0], buf, 1, 0), 0.19, 20);
	TIMES_OUT(read(sv[0], buf, 1), 0.19, 20);
	CHECK(write(sv[1], "x", 1) == 1 && read(sv[0], &b, 1) == 1 && b == 'x');
	/* A negative timeout times out at once; {0, 0} waits forever again. */
	CHECK(set_timeo(sv[0], SO_RCVTIMEO, -1, 0) == 0);
	TIMES_OUT(recv(sv[0], buf, 1, 0), 0, 1);
	CHECK(set_timeo(sv[0], SO_RCVTIMEO, 0, 0) == 0);
	len = sizeof(tv);
	CHECK(getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, &len) == 0 &&
	      tv.tv_sec == 0 && tv.tv_usec == 0);

	/* A send into a full peer waits SO_SNDTIMEO, then EAGAIN. */
	flags = fcntl(sv[1], F_GETFL);
	fcntl(sv[1], F_SETFL, flags | O_NONBLOCK);
	memset(buf, 'f', sizeof(buf));
	while (write(sv[1], buf, sizeof(buf)) > 0)
		;
	fcntl(sv[1], F_SETFL, flags);
	CHECK(set_timeo(sv[1], SO_SNDTIMEO, 0, 150000) == 0);
	TIMES_OUT(send(sv[1], buf, sizeof(buf), 0), 0.14, 20);

	/* A signal during a timed wait: EINTR, though SA_RESTART is set. */
	{
		struct sigaction sa = { .sa_handler = on_alarm,
					.sa_flags = SA_RESTART };

		sigaction(SIGALRM, &sa, NULL);
		CHECK(set_timeo(sv[1], SO_RCVTIMEO, 30, 0) == 0);
		alarm(1);
		FAILS(read(sv[1], &b, 1), EINTR);
		signal(SIGALRM, SIG_DFL);
	}
	close(sv[0]);
	close(sv[1]);

	/* accept waits SO_RCVTIMEO; datagram receive too. */
	l = listener(SOCK_STREAM, "sock-t", 4);
	CHECK(set_timeo(l, SO_RCVTIMEO, 0, 100000) == 0);
	TIMES_OUT(accept(l, NULL, NULL), 0.09, 20);
	close(l);
	unlink("sock-t");
	CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
	CHECK(set_timeo(sv[0], SO_RCVTIMEO, 0, 100000) == 0);
	TIMES_OUT(recvfrom(sv[0], buf, 1, 0, NULL, NULL), 0.09, 20);
	close(sv[0]);
	close(sv[1]);
}

/* The leak check's round (tests/guest/leak.sh): everything that holds
 * kernel memory, n times. */
static void leak_round(int n)
{
	for (int i = 0; i < n; i++) {
		int s = listener(SOCK_STREAM, "sock-l", 4), sv[2], p[2], fds[2];

		if (connect_to(SOCK_STREAM, "sock-l", 0) < 0 ||
		    socketpair(AF_UNIX, SOCK_STREAM, 0, sv) || pipe(p))
			exit(1);
		fds[0] = sv[1];
		fds[1] = p[1];
		send_fds(sv[0], fds, 2); /* sv[1] in its own queue */
		send_fds(sv[1], &s, 1); /* the listener too */
		for (int fd = 3; fd < 16; fd++)
			close(fd); /* the pending connection, the lot */
		unlink("sock-l");
	}
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, on_pipe);
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 2 && !strcmp(argv[1], "leak")) {
		leak_round(atoi(argv[2]));
		return 0;
	}
	FAILS(socket(AF_UNIX, SOCK_PACKET, 0), ESOCKTNOSUPPORT);
	FAILS(socket(AF_UNIX, SOCK_STREAM, 6), EPROTONOSUPPORT);
	FAILS(socket(AF_UNIX, SOCK_STREAM | 0x100000, 0), EINVAL);
	stream_pair();
	dgram_pair(SOCK_DGRAM, "datagram");
	dgram_pair(SOCK_SEQPACKET, "seqpacket");
	path_names();
	other_names();
	backlog();
	fill_and_drain();
	rights();
	cycles();
	credentials();
	forked();
	wakeups();
	timeouts();
	return 0;
}
