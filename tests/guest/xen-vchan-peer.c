/* SPDX-License-Identifier: MIT */
/* xen-vchan-peer.c: dom0 test peer: a libxenvchan server speaking podio to a pod, like a tiny xenpodd. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libxenvchan.h>

#include "lib/podio.h"

/*
 * Usage: xen-vchan-peer [OPTIONS] DOMID [CMD [ARG...]]
 * Becomes the pod's channel server (/local/domain/DOMID/xenpod/chan),
 * sends HELLO, waits for the guest's. Stream 0 (the main process) output
 * goes to -m FILE (appended), or is dropped. With CMD, runs it with EXEC
 * on streams 1..N, copies its stdout/stderr to ours, and exits with its
 * status (the highest of N); without CMD, waits for stream 0's EXIT and
 * exits with it.
 *   -i         send our stdin as the session's stdin, then EOF
 *   -t         tty=1 (-r ROWS:COLS, default 24:80)
 *   -e K=V     environment (repeatable), -w DIR working directory
 *   -n N       N concurrent sessions of CMD (streams 1..N)
 *   -k SIG@MS  SIGNAL sig to stream 1 (or 0 without CMD) after MS ms
 *   -z R:C@MS  RESIZE stream 1 after MS ms
 *   -H KIND    hostile: after HELLO send a bad frame (flags, type, len,
 *              credit, exec, index) and exit 0 once the guest closed
 *   -T SECS    give up after SECS (default 120): exit 124
 *   -v         statistics on stderr (bytes, seconds, MiB/s, EXEC RTT)
 * Exit status: the session's, 128+signal, or 125 with a message.
 */

#define MAXS 64

static struct libxenvchan *vc;
static FILE *mainlog;
static int opt_stdin, opt_tty, opt_n = 1, opt_verbose;
static unsigned rows = 24, cols = 80;
static const char *envv[64], *cwd = "";
static unsigned envc;
static int sig_no, sig_ms = -1, rz_ms = -1;
static unsigned rz_r, rz_c;
static const char *hostile;
static double t0, exec_sent, first_reply = -1;
static unsigned long long out_bytes;
static int done[MAXS + 1], status[MAXS + 1], nleft;
static int main_exit = -1;
static uint32_t in_credit[MAXS + 1]; /* what we may still send on stdin */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The shared ring's state on stderr: what a hung channel looks like from
 * dom0 (indexes, notification requests, liveness, our credit). */
static void dump_ring(const char *why)
{
	struct vchan_interface *r;

	if (!vc)
		return;
	r = vc->ring;
	fprintf(stderr,
		"xen-vchan-peer: %s: guest->us prod %u cons %u, us->guest prod "
		"%u cons %u, cli_notify %#x srv_notify %#x, cli_live %u "
		"srv_live %u, stdin credit %u, %llu bytes out\n",
		why, vc->read.shr->prod, vc->read.shr->cons,
		vc->write.shr->prod, vc->write.shr->cons, r->cli_notify,
		r->srv_notify, r->cli_live, r->srv_live, in_credit[1],
		out_bytes);
}

static void die(const char *msg)
{
	fprintf(stderr, "xen-vchan-peer: %s\n", msg);
	if (!strncmp(msg, "no HELLO", 8))
		dump_ring("ring");
	exit(125);
}

/* Writes all of buf to the vchan (blocking on its event); 0, or -1 when
 * the channel failed. */
static int try_put(const void *buf, size_t n)
{
	size_t off = 0;

	while (off < n) {
		int w = libxenvchan_write(vc, (const char *)buf + off, n - off);

		if (w < 0)
			return -1;
		off += (size_t)w;
		if (off < n && libxenvchan_wait(vc) < 0)
			return -1;
	}
	return 0;
}

static void put(const void *buf, size_t n)
{
	if (try_put(buf, n))
		die("vchan write failed");
}

static void frame(uint8_t type, uint16_t stream, const void *p, uint32_t len,
		  uint8_t flags)
{
	uint8_t h[PODIO_HDR_LEN];

	h[0] = type;
	h[1] = flags;
	podio_put16(h + 2, stream);
	podio_put32(h + 4, len);
	put(h, sizeof(h));
	if (len)
		put(p, len);
}

static void send_u32(uint8_t type, uint16_t stream, uint32_t v)
{
	uint8_t p[4];

	podio_put32(p, v);
	frame(type, stream, p, 4, 0);
}

static void credit(uint16_t stream, uint8_t fd, uint32_t n)
{
	uint8_t p[8] = { fd, 0, 0, 0 };

	podio_put32(p + 4, n);
	frame(PODIO_CREDIT, stream, p, 8, 0);
}

/* EXEC payload, encoded here independently of guest/lib/podio.c. */
static void send_exec(uint16_t stream, int argc, char **argv)
{
	static uint8_t p[PODIO_MAX_PAYLOAD];
	size_t off = PODIO_EXEC_FIXED;

	memset(p, 0, PODIO_EXEC_FIXED);
	p[0] = (uint8_t)opt_tty;
	podio_put16(p + 2, (uint16_t)rows);
	podio_put16(p + 4, (uint16_t)cols);
	podio_put16(p + 6, (uint16_t)argc);
	podio_put16(p + 8, (uint16_t)envc);
	for (int i = 0; i < argc + (int)envc + 1; i++) {
		const char *s = i < argc	     ? argv[i] :
				i < argc + (int)envc ? envv[i - argc] :
						       cwd;
		size_t n = strlen(s) + 1;

		if (off + n > sizeof(p))
			die("EXEC request too big");
		memcpy(p + off, s, n);
		off += n;
	}
	frame(PODIO_EXEC, stream, p, (uint32_t)off, 0);
}

static void recv_all(void *buf, size_t n)
{
	size_t off = 0;

	while (off < n) {
		int r = libxenvchan_read(vc, (char *)buf + off, n - off);

		if (r < 0)
			die("vchan read failed (guest gone?)");
		off += (size_t)r;
		if (off < n && libxenvchan_wait(vc) < 0)
			die("vchan wait failed");
	}
}

static void out(uint16_t stream, int fd, const uint8_t *p, uint32_t n)
{
	if (stream == 0) {
		if (mainlog) {
			fwrite(p, 1, n, mainlog);
			fflush(mainlog);
		}
	} else {
		FILE *f = fd == 1 ? stdout : stderr;

		if (fwrite(p, 1, n, f) != n)
			die("write to stdout failed");
		out_bytes += n;
	}
	credit(stream, (uint8_t)fd, n);
}

static void ended(uint16_t stream, int code)
{
	if (stream == 0) {
		main_exit = code;
		return;
	}
	if (stream > opt_n || done[stream])
		die("EXIT/ERROR for an unknown stream");
	done[stream] = 1;
	status[stream] = code;
	nleft--;
}

/* Reads and handles one frame from the guest. */
static void handle_frame(void)
{
	static uint8_t p[PODIO_MAX_PAYLOAD + 1];
	uint8_t h[PODIO_HDR_LEN];
	uint16_t stream;
	uint32_t len;

	recv_all(h, sizeof(h));
	stream = podio_get16(h + 2);
	len = podio_get32(h + 4);
	if (h[1] || len > PODIO_MAX_PAYLOAD)
		die("bad frame header from the guest");
	recv_all(p, len);
	if (first_reply < 0 && stream)
		first_reply = now();
	switch (h[0]) {
	case PODIO_STDOUT:
	case PODIO_STDERR:
		out(stream, h[0] == PODIO_STDOUT ? 1 : 2, p, len);
		break;
	case PODIO_EXIT:
		if (len != 8)
			die("bad EXIT");
		ended(stream, (int)podio_get32(p));
		break;
	case PODIO_ERROR:
		if (len < 4)
			die("bad ERROR");
		p[len] = 0;
		fprintf(stderr, "%s\n", (char *)p + 4);
		ended(stream, (int)podio_get32(p));
		break;
	case PODIO_CREDIT:
		if (len != 8 || p[0] != 0 || stream > MAXS)
			die("bad CREDIT");
		in_credit[stream] += podio_get32(p + 4);
		break;
	case PODIO_EOF:
		break;
	default:
		fprintf(stderr, "xen-vchan-peer: frame type %u\n", h[0]);
		die("unexpected frame from the guest");
	}
}

/* Feeds our stdin to stream 1 within its credit; EOF at the end. */
static int feed_stdin(void)
{
	static uint8_t buf[PODIO_MAX_PAYLOAD];
	size_t max = in_credit[1] < sizeof(buf) ? in_credit[1] : sizeof(buf);
	ssize_t n;

	if (!max)
		return 0;
	n = read(0, buf, max);
	if (n <= 0) {
		uint8_t fd = 0;

		frame(PODIO_EOF, 1, &fd, 1, 0);
		return -1;
	}
	frame(PODIO_STDIN, 1, buf, (uint32_t)n, 0);
	in_credit[1] -= (uint32_t)n;
	return 0;
}

static void hello(double deadline)
{
	uint8_t h[PODIO_HDR_LEN + 4];

	send_u32(PODIO_HELLO, 0, PODIO_VERSION);
	while (libxenvchan_data_ready(vc) < (int)sizeof(h)) {
		struct pollfd pf = { libxenvchan_fd_for_select(vc), POLLIN, 0 };

		if (now() > deadline)
			die("no HELLO from the guest");
		if (poll(&pf, 1, 200) > 0)
			libxenvchan_wait(vc);
	}
	recv_all(h, sizeof(h));
	if (h[0] != PODIO_HELLO || podio_get16(h + 2) ||
	    podio_get32(h + 4) != 4 || podio_get32(h + 8) != PODIO_VERSION)
		die("bad HELLO from the guest");
}

/* Sends one malformed frame; success when the guest then closes. */
static int be_hostile(double deadline)
{
	uint8_t bad[PODIO_HDR_LEN] = { PODIO_STDIN, 0, 0, 0, 0, 0, 0, 0 };

	if (!strcmp(hostile, "flags")) {
		bad[1] = 1;
		put(bad, sizeof(bad));
	} else if (!strcmp(hostile, "type")) {
		bad[0] = 99;
		put(bad, sizeof(bad));
	} else if (!strcmp(hostile, "len")) {
		podio_put32(bad + 4, PODIO_MAX_PAYLOAD + 1);
		put(bad, sizeof(bad));
	} else if (!strcmp(hostile, "credit")) {
		static uint8_t junk[PODIO_HDR_LEN + PODIO_MAX_PAYLOAD];

		/* 80 KiB > the 64 KiB window; the guest may close the channel
		 * while the last frames are still being written. */
		junk[0] = PODIO_STDIN;
		podio_put32(junk + 4, PODIO_MAX_PAYLOAD);
		for (int i = 0; i < 5; i++)
			if (try_put(junk, sizeof(junk)))
				break;
	} else if (!strcmp(hostile, "exec")) {
		uint8_t p[PODIO_EXEC_FIXED + 2] = { 0 };

		podio_put16(p + 6, 1); /* argc 1, but no strings */
		frame(PODIO_EXEC, 1, p, PODIO_EXEC_FIXED, 0);
	} else if (!strcmp(hostile, "index")) {
		/* our producer index far beyond what the ring holds */
		vc->write.shr->prod += 1u << 30;
		libxenvchan_write(vc, "x", 1);
	} else {
		die("unknown -H kind");
	}
	while (now() < deadline) {
		if (vc->ring->cli_live == 0) {
			printf("guest closed the channel\n");
			return 0;
		}
		usleep(50000);
	}
	printf("guest did not close the channel\n");
	return 1;
}

static void timers(int stream)
{
	double t = (now() - t0) * 1000;

	if (sig_ms >= 0 && t >= sig_ms) {
		send_u32(PODIO_SIGNAL, (uint16_t)stream, (uint32_t)sig_no);
		sig_ms = -1;
	}
	if (rz_ms >= 0 && t >= rz_ms) {
		uint8_t p[4];

		podio_put16(p, (uint16_t)rz_r);
		podio_put16(p + 2, (uint16_t)rz_c);
		frame(PODIO_RESIZE, 1, p, 4, 0);
		rz_ms = -1;
	}
}

static int finish(int have_cmd)
{
	int worst = 0;

	if (!have_cmd)
		return main_exit;
	for (int i = 1; i <= opt_n; i++)
		if (status[i] > worst)
			worst = status[i];
	if (opt_verbose) {
		double secs = now() - exec_sent;

		fprintf(stderr,
			"xen-vchan-peer: %llu bytes in %.3f s (%.2f MiB/s); "
			"first reply after %.1f ms\n",
			out_bytes, secs, (double)out_bytes / 1048576.0 / secs,
			first_reply < 0 ? -1.0 :
					  (first_reply - exec_sent) * 1000);
	}
	return worst;
}

static int serve(int have_cmd, double deadline)
{
	int stdin_open = opt_stdin;

	for (;;) {
		struct pollfd pf[2] = {
			{ libxenvchan_fd_for_select(vc), POLLIN, 0 },
			{ 0, POLLIN, 0 },
		};
		int nfds = stdin_open && in_credit[1] ? 2 : 1;

		if (have_cmd ? nleft == 0 : main_exit >= 0)
			return finish(have_cmd);
		if (now() > deadline) {
			fprintf(stderr, "xen-vchan-peer: timed out\n");
			dump_ring("ring");
			return 124;
		}
		timers(have_cmd ? 1 : 0);
		while (libxenvchan_data_ready(vc) >= (int)PODIO_HDR_LEN)
			handle_frame();
		if (have_cmd ? nleft == 0 : main_exit >= 0)
			continue;
		if (poll(pf, (nfds_t)nfds, 50) < 0 && errno != EINTR)
			die("poll failed");
		if (pf[0].revents)
			libxenvchan_wait(vc);
		if (nfds == 2 && pf[1].revents && feed_stdin() < 0)
			stdin_open = 0;
		if (!libxenvchan_is_open(vc) && !libxenvchan_data_ready(vc))
			die("the guest closed the channel");
	}
}

static void options(int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "+ite:w:n:k:z:r:m:H:T:v")) != -1) {
		switch (c) {
		case 'i':
			opt_stdin = 1;
			break;
		case 't':
			opt_tty = 1;
			break;
		case 'e':
			if (envc < 64)
				envv[envc++] = optarg;
			break;
		case 'w':
			cwd = optarg;
			break;
		case 'n':
			opt_n = atoi(optarg);
			if (opt_n < 1 || opt_n > MAXS)
				die("-n: 1..64");
			break;
		case 'k':
			if (sscanf(optarg, "%d@%d", &sig_no, &sig_ms) != 2)
				die("-k SIG@MS");
			break;
		case 'z':
			if (sscanf(optarg, "%u:%u@%d", &rz_r, &rz_c, &rz_ms) !=
			    3)
				die("-z ROWS:COLS@MS");
			break;
		case 'r':
			if (sscanf(optarg, "%u:%u", &rows, &cols) != 2)
				die("-r ROWS:COLS");
			break;
		case 'm':
			mainlog = fopen(optarg, "a");
			if (!mainlog)
				die("cannot open the -m file");
			break;
		case 'H':
			hostile = optarg;
			break;
		case 'T':
			setenv("PEER_TIMEOUT", optarg, 1);
			break;
		case 'v':
			opt_verbose = 1;
			break;
		default:
			die("bad option (see the comment atop xen-vchan-peer.c)");
		}
	}
}

int main(int argc, char **argv)
{
	char path[64];
	double deadline;
	int domid, have_cmd, rc;

	signal(SIGPIPE, SIG_IGN);
	options(argc, argv);
	if (optind >= argc)
		die("usage: xen-vchan-peer [OPTIONS] DOMID [CMD [ARG...]]");
	domid = atoi(argv[optind]);
	have_cmd = optind + 1 < argc;
	t0 = now();
	deadline = t0 + (getenv("PEER_TIMEOUT") ? atof(getenv("PEER_TIMEOUT")) :
						  120.0);
	snprintf(path, sizeof(path), "/local/domain/%d/xenpod/chan", domid);
	vc = libxenvchan_server_init(NULL, domid, path, PODIO_RING_BYTES,
				     PODIO_RING_BYTES);
	if (!vc)
		die("libxenvchan_server_init failed");
	vc->blocking = 0;
	hello(deadline);
	if (hostile)
		return be_hostile(deadline);
	for (int i = 0; i <= MAXS; i++)
		in_credit[i] = PODIO_INITIAL_CREDIT;
	exec_sent = now();
	if (have_cmd) {
		nleft = opt_n;
		for (int s = 1; s <= opt_n; s++)
			send_exec((uint16_t)s, argc - optind - 1,
				  argv + optind + 1);
	}
	if (!opt_stdin && have_cmd)
		for (int s = 1; s <= opt_n; s++) {
			uint8_t fd = 0;

			frame(PODIO_EOF, (uint16_t)s, &fd, 1, 0);
		}
	rc = serve(have_cmd, deadline);
	libxenvchan_close(vc); /* srv_live = 0, the nodes removed */
	return rc;
}
