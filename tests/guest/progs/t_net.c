/* SPDX-License-Identifier: MIT */
/* t_net.c: a pod's end of the network lab test: TCP echo server, TCP sender, UDP echo, TCP timeouts (static, musl). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static int die(const char *what)
{
	printf("t_net: %s: %s\n", what, strerror(errno));
	fflush(stdout);
	exit(1);
}

static int listener(int type, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((unsigned short)port) };
	int s = socket(AF_INET, type, 0), one = 1;

	if (s < 0)
		die("socket");
	if (setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)))
		die("setsockopt SO_REUSEADDR");
	if (bind(s, (struct sockaddr *)&a, sizeof(a)))
		die("bind");
	if (type == SOCK_STREAM && listen(s, 4))
		die("listen");
	return s;
}

/* recvmsg and sendmsg with the buffer split over two iovecs (n > 2). */
static ssize_t recv_msg(int c, char *buf, size_t n)
{
	struct iovec v[2] = { { buf, 2 }, { buf + 2, n - 2 } };
	struct msghdr m = { .msg_iov = v, .msg_iovlen = 2 };

	return recvmsg(c, &m, 0);
}

static ssize_t send_msg(int c, char *buf, size_t n)
{
	struct iovec v[2] = { { buf, n / 2 }, { buf + n / 2, n - n / 2 } };
	struct msghdr m = { .msg_iov = v, .msg_iovlen = 2 };

	return sendmsg(c, &m, MSG_NOSIGNAL);
}

/* Echo everything back on each of n connections, until the client's EOF
 * (the first through recvmsg/sendmsg, the others through read/write). */
static void tcp_echo(int port, int n)
{
	static char buf[65536];
	int l = listener(SOCK_STREAM, port);

	printf("t_net: tcp echo on %d\n", port);
	fflush(stdout);
	for (int i = 0; i < n; i++) {
		struct sockaddr_in peer;
		socklen_t len = sizeof(peer);
		unsigned long total = 0;
		int c = accept(l, (struct sockaddr *)&peer, &len);
		ssize_t r;

		if (c < 0)
			die("accept");
		while ((r = i ? read(c, buf, sizeof(buf)) :
				recv_msg(c, buf, sizeof(buf))) > 0) {
			for (ssize_t off = 0; off < r;) {
				ssize_t w = i ? write(c, buf + off,
						      (size_t)(r - off)) :
						send_msg(c, buf + off,
							 (size_t)(r - off));

				if (w <= 0)
					die("write");
				off += w;
			}
			total += (unsigned long)r;
		}
		if (r < 0)
			die("read");
		printf("t_net: connection %d from %s:%d: %lu bytes echoed\n", i,
		       inet_ntoa(peer.sin_addr), ntohs(peer.sin_port), total);
		fflush(stdout);
		close(c);
	}
	close(l);
}

/* Connect to host:port and send bytes of a pattern, then close. */
static void tcp_send(const char *host, int port, unsigned long bytes)
{
	static char buf[32768];
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((unsigned short)port) };
	unsigned long sent = 0;
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	struct timespec t0, t1;
	long ms;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)('a' + i % 26);
	if (s < 0)
		die("socket");
	inet_aton(host, &a.sin_addr);
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (connect(s, (struct sockaddr *)&a, sizeof(a)))
		die("connect");
	while (sent < bytes) {
		size_t n = bytes - sent < sizeof(buf) ? bytes - sent :
							sizeof(buf);
		ssize_t w = write(s, buf, n);

		if (w <= 0)
			die("write");
		sent += (unsigned long)w;
	}
	close(s);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 +
	     (t1.tv_nsec - t0.tv_nsec) / 1000000;
	printf("t_net: sent %lu bytes to %s:%d in %ld ms\n", sent, host, port,
	       ms);
	fflush(stdout);
}

static void udp_echo(int port, int n)
{
	char buf[2048];
	int s = listener(SOCK_DGRAM, port);

	printf("t_net: udp echo on %d\n", port);
	fflush(stdout);
	for (int i = 0; i < n; i++) {
		struct sockaddr_in peer;
		socklen_t len = sizeof(peer);
		ssize_t r = recvfrom(s, buf, sizeof(buf), 0,
				     (struct sockaddr *)&peer, &len);

		if (r < 0)
			die("recvfrom");
		if (sendto(s, buf, (size_t)r, 0, (struct sockaddr *)&peer,
			   len) != r)
			die("sendto");
	}
	close(s);
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Does call fail with EAGAIN after at least lo seconds? Prints the answer. */
static int timed_out(const char *what, long r, double t0, double lo)
{
	double dt = now_s() - t0;
	int ok = r == -1 && errno == EAGAIN && dt >= lo;

	printf("tcp-timeo: %s %s (returned %ld, %s, after %.3f s)\n", what,
	       ok ? "times out" : "FAILS", r, strerror(errno), dt);
	return ok;
}

/* SO_RCVTIMEO on TCP over loopback: accept and recv give EAGAIN when it passes; an accepted
 * socket inherits the listener's (as Linux). Prints "tcp-timeo ok" if all hold. */
static void tcp_timeo(int port)
{
	struct timeval tv = { 0, 300000 }, got;
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((unsigned short)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(got);
	int l = listener(SOCK_STREAM, port), c, s, ok = 1;
	double t0;
	char b;

	if (setsockopt(l, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		die("setsockopt SO_RCVTIMEO");
	t0 = now_s();
	ok &= timed_out("accept", accept(l, NULL, NULL), t0, 0.29);
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)))
		die("connect");
	s = accept(l, NULL, NULL);
	if (s < 0)
		die("accept");
	ok &= !getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &got, &len) &&
	      got.tv_sec == 0 && got.tv_usec == 300000;
	t0 = now_s();
	ok &= timed_out("recv on the accepted socket", recv(s, &b, 1, 0), t0,
			0.29);
	if (setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		die("setsockopt SO_RCVTIMEO");
	t0 = now_s();
	ok &= timed_out("read on the client", read(c, &b, 1), t0, 0.29);
	ok &= write(s, "k", 1) == 1 && read(c, &b, 1) == 1 && b == 'k';
	printf("tcp-timeo %s\n", ok ? "ok" : "failed");
	fflush(stdout);
	close(c);
	close(s);
	close(l);
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "tcp-echo"))
		tcp_echo(atoi(argv[2]), atoi(argv[3]));
	else if (argc == 5 && !strcmp(argv[1], "tcp-send"))
		tcp_send(argv[2], atoi(argv[3]), strtoul(argv[4], NULL, 10));
	else if (argc == 4 && !strcmp(argv[1], "udp-echo"))
		udp_echo(atoi(argv[2]), atoi(argv[3]));
	else if (argc == 3 && !strcmp(argv[1], "tcp-timeo"))
		tcp_timeo(atoi(argv[2]));
	else {
		fprintf(stderr,
			"usage: t_net tcp-echo PORT N | tcp-send HOST "
			"PORT BYTES | udp-echo PORT N | tcp-timeo PORT\n");
		return 2;
	}
	return 0;
}
