/* SPDX-License-Identifier: MIT */
/* test_chan_e2e: exec sessions end to end through the daemon core (control, rpc, pod_io, chan) with a fake guest on a socketpair. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "base64.h"
#include "chan.h"
#include "harness.h"
#include "json.h"
#include "pod_io.h"
#include "pod_internal.h"

static struct harness H;

/* ---- the daemon's transport: one end of a socketpair ---- */

static int sk_read(void *t, void *buf, size_t n)
{
	ssize_t r = recv(*(int *)t, buf, n, MSG_DONTWAIT);

	if (r < 0)
		return errno == EAGAIN ? 0 : -1;
	return r == 0 ? -1 : (int)r;
}

static int sk_write(void *t, const void *buf, size_t n)
{
	ssize_t r = send(*(int *)t, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL);

	if (r < 0)
		return errno == EAGAIN ? 0 : -1;
	return (int)r;
}

static int sk_state(void *t)
{
	(void)t;
	return 1;
}

static void sk_ack(void *t)
{
	(void)t;
}

static void sk_close(void *t)
{
	close(*(int *)t);
}

static const struct chan_io sock_io = { sk_read, sk_write, sk_state, sk_ack,
					sk_close };

/* ---- the fake guest: HELLO, and per stream "cat", "gen N" or "die" ---- */

struct gstream {
	uint16_t id;
	int kind; /* 1 cat, 2 gen */
	uint64_t gen_left, gen_off;
	uint32_t credit; /* stdout credit */
	uint8_t *pend; /* cat: stdin not yet echoed */
	size_t npend;
	uint32_t in_owed;
	bool in_eof, done;
};

static struct {
	int fd;
	pthread_t th;
	volatile int stop;
	struct gstream s[8];
	uint8_t rx[1 << 16];
	size_t rlen;
} g;

static uint8_t pattern(uint64_t i)
{
	return (uint8_t)((i * 7 + i / 4099 + 13) % 251);
}

static void g_send(uint8_t type, uint16_t stream, const void *p, uint32_t n)
{
	uint8_t f[PODIO_HDR_LEN + PODIO_MAX_PAYLOAD];
	int len = podio_frame(f, sizeof(f), type, stream, p, n);
	size_t off = 0;

	while (len > 0 && off < (size_t)len) {
		ssize_t r =
			send(g.fd, f + off, (size_t)len - off, MSG_NOSIGNAL);

		if (r <= 0)
			return;
		off += (size_t)r;
	}
}

static struct gstream *g_find(uint16_t id)
{
	size_t i;

	for (i = 0; i < 8; i++)
		if (g.s[i].id == id && (g.s[i].kind))
			return &g.s[i];
	return NULL;
}

static void g_exec(uint16_t id, const uint8_t *p, uint32_t len)
{
	static struct podio_exec_view v;
	struct gstream *s = NULL;
	uint8_t e[64];
	size_t i;
	int n;

	for (i = 0; i < 8 && !s; i++)
		if (!g.s[i].kind)
			s = &g.s[i];
	if (podio_exec_decode(p, len, &v) || !s)
		return;
	memset(s, 0, sizeof(*s));
	s->id = id;
	s->credit = PODIO_INITIAL_CREDIT;
	if (!strcmp(v.argv[0], "cat")) {
		s->kind = 1;
	} else if (!strcmp(v.argv[0], "gen") && v.argc == 2) {
		s->kind = 2;
		s->gen_left = strtoull(v.argv[1], NULL, 10);
	} else if (!strcmp(v.argv[0], "creds")) {
		/* Says what the EXEC carried of the process's credentials
		 * and limits, then ends (as cat at its end of input). */
		char t[PODIO_MAX_PAYLOAD];
		int k = snprintf(t, sizeof(t), "user=%s groups=%s rlimits=%s\n",
				 v.user ? v.user : "-",
				 v.groups ? v.groups : "-",
				 v.rlimits ? v.rlimits : "-");

		s->kind = 1;
		s->in_eof = true;
		s->pend = malloc((size_t)k);
		memcpy(s->pend, t, (size_t)k);
		s->npend = (size_t)k;
	} else if (!strcmp(v.argv[0], "die")) {
		/* The guest goes away mid-session: its end of the channel closes. */
		shutdown(g.fd, SHUT_RDWR);
		g.stop = 1;
	} else {
		n = podio_error_encode(e, sizeof(e), 127, "no such file");
		g_send(PODIO_ERROR, id, e, (uint32_t)n);
	}
}

static void g_frame(const struct podio_hdr *h, const uint8_t *p)
{
	struct gstream *s = g_find(h->stream);
	uint8_t fd;
	uint32_t n;

	switch (h->type) {
	case PODIO_HELLO:
		g_send(PODIO_HELLO, 0, p, 4);
		break;
	case PODIO_EXEC:
		g_exec(h->stream, p, h->len);
		break;
	case PODIO_STDIN:
		if (!s)
			break;
		s->pend = realloc(s->pend, s->npend + h->len);
		memcpy(s->pend + s->npend, p, h->len);
		s->npend += h->len;
		break;
	case PODIO_EOF:
		if (s)
			s->in_eof = true;
		break;
	case PODIO_CREDIT:
		if (s && !podio_credit_decode(p, h->len, &fd, &n) && fd == 1)
			s->credit += n;
		break;
	default:
		break;
	}
}

/* Sends what credit allows; ends streams that are done. */
static void g_progress(void)
{
	static uint8_t buf[PODIO_MAX_PAYLOAD];
	uint8_t ex[8], cr[8];
	size_t i, k, j;

	for (i = 0; i < 8; i++) {
		struct gstream *s = &g.s[i];

		if (!s->kind)
			continue;
		while (s->credit && s->kind == 2 && s->gen_left) {
			k = s->gen_left < sizeof(buf) ? s->gen_left :
							sizeof(buf);
			k = k < s->credit ? k : s->credit;
			for (j = 0; j < k; j++)
				buf[j] = pattern(s->gen_off + j);
			g_send(PODIO_STDOUT, s->id, buf, (uint32_t)k);
			s->gen_off += k;
			s->gen_left -= k;
			s->credit -= (uint32_t)k;
		}
		while (s->credit && s->kind == 1 && s->npend) {
			k = s->npend < PODIO_MAX_PAYLOAD ? s->npend :
							   PODIO_MAX_PAYLOAD;
			k = k < s->credit ? k : s->credit;
			g_send(PODIO_STDOUT, s->id, s->pend, (uint32_t)k);
			memmove(s->pend, s->pend + k, s->npend - k);
			s->npend -= k;
			s->credit -= (uint32_t)k;
			podio_credit_encode(cr, 0, (uint32_t)k); /* consumed */
			g_send(PODIO_CREDIT, s->id, cr, 8);
		}
		if ((s->kind == 2 && !s->gen_left) ||
		    (s->kind == 1 && s->in_eof && !s->npend)) {
			podio_exit_encode(ex, 0, 0);
			g_send(PODIO_EXIT, s->id, ex, 8);
			free(s->pend);
			memset(s, 0, sizeof(*s));
		}
	}
}

static void *g_main(void *arg)
{
	struct podio_hdr h;

	(void)arg;
	while (!g.stop) {
		struct pollfd pf = { g.fd, POLLIN, 0 };
		ssize_t r;

		if (poll(&pf, 1, 5) > 0) {
			r = recv(g.fd, g.rx + g.rlen, sizeof(g.rx) - g.rlen, 0);
			if (r <= 0)
				break;
			g.rlen += (size_t)r;
		}
		while (g.rlen >= PODIO_HDR_LEN && !podio_hdr_decode(g.rx, &h) &&
		       g.rlen >= PODIO_HDR_LEN + h.len) {
			g_frame(&h, g.rx + PODIO_HDR_LEN);
			memmove(g.rx, g.rx + PODIO_HDR_LEN + h.len,
				g.rlen - PODIO_HDR_LEN - h.len);
			g.rlen -= PODIO_HDR_LEN + h.len;
		}
		g_progress();
	}
	return NULL;
}

/* ---- the client: one connection, one session ---- */

struct client {
	int fd;
	char *in;
	size_t len;
	uint8_t *out; /* stdout received */
	size_t nout;
	uint64_t credit;
	struct json *reply;
};

static void c_write(struct client *c, const char *line)
{
	size_t n = strlen(line), off = 0;

	while (off < n) {
		ssize_t r = send(c->fd, line + off, n - off, MSG_DONTWAIT);

		if (r > 0)
			off += (size_t)r;
		else
			harness_run(1);
	}
}

static void c_line(struct client *c, const char *line, size_t n)
{
	static uint8_t buf[1 << 16];
	char err[128];
	struct json *root = json_parse(line, n, err, sizeof(err));
	const char *m;
	int64_t v;
	long k;

	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	m = json_str(json_get(root, "method"));
	if (m && !strcmp(m, "exec_output")) {
		k = b64_decode(
			json_str(json_get(json_get(root, "params"), "data")),
			buf, sizeof(buf));
		CU_ASSERT_FATAL(k >= 0);
		c->out = realloc(c->out, c->nout + (size_t)k);
		memcpy(c->out + c->nout, buf, (size_t)k);
		c->nout += (size_t)k;
	} else if (m && !strcmp(m, "exec_credit")) {
		CU_ASSERT_TRUE(json_int(
			json_get(json_get(root, "params"), "bytes"), &v));
		c->credit += (uint64_t)v;
	} else if (!m) {
		c->reply = root;
		return;
	}
	json_free(root);
}

static void c_pump(struct client *c)
{
	char *nl;
	ssize_t r;

	harness_run(1);
	c->in = realloc(c->in, c->len + 65536);
	r = recv(c->fd, c->in + c->len, 65536, MSG_DONTWAIT);
	if (r > 0)
		c->len += (size_t)r;
	while (!c->reply && (nl = memchr(c->in, '\n', c->len))) {
		size_t n = (size_t)(nl - c->in) + 1;

		c_line(c, c->in, n - 1);
		memmove(c->in, c->in + n, c->len - n);
		c->len -= n;
	}
}

/* Runs a session; input (may be NULL) is sent as stdin within credit. */
static void session(struct client *c, const char *params, const uint8_t *input,
		    size_t nin)
{
	static char line[70000];
	size_t sent = 0;
	int guard = 0;
	bool eof = false;

	memset(c, 0, sizeof(*c));
	c->fd = harness_connect(&H, false);
	c->credit = POD_IO_CLIENT_CREDIT;
	snprintf(
		line, sizeof(line),
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pod_exec\",\"params\":%s}\n",
		params);
	c_write(c, line);
	while (!c->reply && guard++ < 200000) {
		if (input && sent < nin && c->credit) {
			size_t k = nin - sent, o;

			k = k < 30000 ? k : 30000;
			k = k < c->credit ? k : c->credit;
			o = (size_t)sprintf(
				line,
				"{\"jsonrpc\":\"2.0\",\"method\":\"exec_input\",\"params\":{\"data\":\"");
			o += b64_encode(input + sent, k, line + o);
			strcpy(line + o, "\"}}\n");
			c_write(c, line);
			sent += k;
			c->credit -= k;
		} else if (input && sent == nin && !eof) {
			c_write(c,
				"{\"jsonrpc\":\"2.0\",\"method\":\"exec_input\",\"params\":{\"eof\":true}}\n");
			eof = true;
		}
		c_pump(c);
	}
	CU_ASSERT_PTR_NOT_NULL(c->reply);
	close(c->fd);
}

/* ---- tests ---- */

static struct pod *pod;
static int sv[2];

static void start_pod(void)
{
	struct json *r;
	char params[1024];

	CU_ASSERT_EQUAL_FATAL(harness_start(&H), 0);
	snprintf(
		params, sizeof(params),
		"{\"spec\":{\"name\":\"e1\",\"image\":\"%s\",\"command\":[\"/bin/sleep\"]}}",
		H.image_dir);
	r = harness_call(&H, "pod_create", params);
	json_free(r);
	r = harness_call(&H, "pod_start", "{\"name\":\"e1\"}");
	json_free(r);
	pod = pod_find("e1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(pod);
	CU_ASSERT_EQUAL_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	g.fd = sv[1];
	g.stop = 0;
	pthread_create(&g.th, NULL, g_main, NULL);
	CU_ASSERT_EQUAL_FATAL(pod_io_open_io(pod, &sock_io, &sv[0], sv[0]), 0);
	harness_run(200); /* HELLO both ways */
}

static void stop_pod(void)
{
	g.stop = 1;
	pthread_join(g.th, NULL);
	close(sv[1]);
	harness_stop(&H, true);
}

static int64_t exit_code(const struct client *c)
{
	int64_t v = -1;

	json_int(json_get(json_get(c->reply, "result"), "exit_code"), &v);
	return v;
}

static void test_gen(void)
{
	struct client c;
	size_t i, bad = 0;

	session(&c, "{\"name\":\"e1\",\"command\":[\"gen\",\"8388608\"]}", NULL,
		0);
	CU_ASSERT_EQUAL(exit_code(&c), 0);
	CU_ASSERT_EQUAL(c.nout, 8388608);
	for (i = 0; i < c.nout; i++)
		bad += c.out[i] != pattern(i);
	CU_ASSERT_EQUAL(bad, 0);
	json_free(c.reply);
	free(c.out);
	free(c.in);
}

static void test_cat(void)
{
	struct client c;
	size_t n = 8388608, i;
	uint8_t *in = malloc(n);

	for (i = 0; i < n; i++)
		in[i] = (uint8_t)(rand() >> 7);
	session(&c, "{\"name\":\"e1\",\"command\":[\"cat\"],\"stdin\":true}",
		in, n);
	CU_ASSERT_EQUAL(exit_code(&c), 0);
	CU_ASSERT_EQUAL_FATAL(c.nout, n);
	CU_ASSERT_EQUAL(memcmp(c.out, in, n), 0);
	json_free(c.reply);
	free(c.out);
	free(c.in);
	free(in);
}

/* The channel goes down while the daemon sends stdin (and reads): the
 * session ends with the reason, the daemon carries on (ASan: no use after
 * free of a session ended inside a send). */
static void test_guest_dies(void)
{
	static uint8_t in[300000];
	struct client c;
	const char *msg;

	session(&c, "{\"name\":\"e1\",\"command\":[\"die\"],\"stdin\":true}",
		in, sizeof(in));
	msg = json_str(json_get(json_get(c.reply, "error"), "message"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "I/O channel closed"));
	json_free(c.reply);
	free(c.out);
	free(c.in);
	json_free(harness_call(&H, "daemon_hello", NULL));
}

/* An exec's user, groups and rlimits reach the guest in its EXEC (the
 * pod's are used when it names none). */
static void test_creds(void)
{
	static const char want[] =
		"user=1000:1000 groups=10,wheel rlimits=7:100:200 1:inf:inf\n";
	struct client c;

	session(&c,
		"{\"name\":\"e1\",\"command\":[\"creds\"],\"user\":\"1000:1000\","
		"\"groups\":[\"10\",\"wheel\"],\"rlimits\":[{\"type\":"
		"\"RLIMIT_NOFILE\",\"soft\":100,\"hard\":200},{\"type\":"
		"\"RLIMIT_FSIZE\",\"soft\":-1,\"hard\":-1}]}",
		NULL, 0);
	CU_ASSERT_EQUAL(exit_code(&c), 0);
	CU_ASSERT_EQUAL_FATAL(c.nout, sizeof(want) - 1);
	CU_ASSERT_EQUAL(memcmp(c.out, want, c.nout), 0);
	json_free(c.reply);
	free(c.out);
	free(c.in);
	session(&c, "{\"name\":\"e1\",\"command\":[\"creds\"]}", NULL, 0);
	CU_ASSERT_EQUAL_FATAL(c.nout, 26);
	CU_ASSERT_EQUAL(memcmp(c.out, "user=- groups=- rlimits=-\n", 26), 0);
	json_free(c.reply);
	free(c.out);
	free(c.in);
}

/* Groups without a user, a bad group, a bad limit: refused before any
 * process, naming the field. */
static void test_creds_refused(void)
{
	static const char *const bad[][2] = {
		{ "\"groups\":[\"10\"]", "params.groups: needs params.user" },
		{ "\"user\":\"1\",\"groups\":[\"a,b\"]",
		  "params.groups[0]: expected a group name or number" },
		{ "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":2,"
		  "\"hard\":1}]",
		  "params.rlimits[0]" },
	};
	char params[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct client c;
		const char *msg;

		snprintf(params, sizeof(params),
			 "{\"name\":\"e1\",\"command\":[\"creds\"],%s}",
			 bad[i][0]);
		session(&c, params, NULL, 0);
		msg = json_str(json_get(json_get(c.reply, "error"), "message"));
		CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
		CU_ASSERT_PTR_NOT_NULL(strstr(msg, bad[i][1]));
		CU_ASSERT_EQUAL(c.nout, 0);
		json_free(c.reply);
		free(c.out);
		free(c.in);
	}
}

static void test_missing(void)
{
	struct client c;

	session(&c, "{\"name\":\"e1\",\"command\":[\"nope\"]}", NULL, 0);
	CU_ASSERT_EQUAL(exit_code(&c), 127);
	CU_ASSERT_STRING_EQUAL(
		json_str(json_get(json_get(c.reply, "result"), "error")),
		"no such file");
	json_free(c.reply);
	free(c.in);
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("chan_e2e", NULL, NULL);
	CU_add_test(s, "start", start_pod);
	CU_add_test(s, "missing", test_missing);
	CU_add_test(s, "creds", test_creds);
	CU_add_test(s, "creds_refused", test_creds_refused);
	CU_add_test(s, "gen_8mib", test_gen);
	CU_add_test(s, "cat_8mib", test_cat);
	CU_add_test(s, "guest_dies", test_guest_dies);
	CU_add_test(s, "stop", stop_pod);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
