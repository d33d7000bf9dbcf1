/* SPDX-License-Identifier: MIT */
/* test_chan: the pod channel's frame engine (daemon/chan.c) over a fake transport, with a hostile guest. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "chan.h"
#include "ev.h"

/* The fake ring: what the guest wrote (we read) and what dom0 wrote. */
static struct {
	uint8_t to_dom0[1 << 20];
	size_t to_len, to_off;
	size_t read_max; /* bytes per read call (0: all) */
	uint8_t from_dom0[1 << 20];
	size_t from_len;
	size_t space; /* bytes the ring takes now */
	int state;
	int closed;
} f;

/* What the owner saw. */
static struct {
	int hello, down, writable, outputs;
	size_t out_bytes[3];
	uint16_t last_stream;
	int exit_code, exits;
	unsigned signo;
	char error[300];
	char why[200];
} seen;

static int fk_read(void *t, void *buf, size_t n)
{
	size_t k = f.to_len - f.to_off;

	(void)t;
	if (f.read_max && k > f.read_max)
		k = f.read_max;
	if (k > n)
		k = n;
	memcpy(buf, f.to_dom0 + f.to_off, k);
	f.to_off += k;
	return (int)k;
}

static int fk_write(void *t, const void *buf, size_t n)
{
	(void)t;
	if (n > f.space)
		n = f.space;
	memcpy(f.from_dom0 + f.from_len, buf, n);
	f.from_len += n;
	f.space -= n;
	return (int)n;
}

static int fk_state(void *t)
{
	(void)t;
	return f.state;
}

static void fk_ack(void *t)
{
	(void)t;
}

static void fk_close(void *t)
{
	(void)t;
	f.closed++;
}

static const struct chan_io fake_io = { fk_read, fk_write, fk_state, fk_ack,
					fk_close };

static void cb_hello(void *arg)
{
	(void)arg;
	seen.hello++;
}

static void cb_output(void *arg, uint16_t stream, int fd, const uint8_t *d,
		      size_t n)
{
	(void)arg;
	(void)d;
	seen.outputs++;
	seen.out_bytes[fd] += n;
	seen.last_stream = stream;
}

static void cb_eof(void *arg, uint16_t stream, int fd)
{
	(void)arg;
	(void)stream;
	(void)fd;
}

static void cb_exit(void *arg, uint16_t stream, int code, unsigned signo,
		    const char *error)
{
	(void)arg;
	seen.exits++;
	seen.last_stream = stream;
	seen.exit_code = code;
	seen.signo = signo;
	snprintf(seen.error, sizeof(seen.error), "%s", error ? error : "");
}

static void cb_writable(void *arg, uint16_t stream)
{
	(void)arg;
	(void)stream;
	seen.writable++;
}

static void cb_down(void *arg, const char *why)
{
	(void)arg;
	seen.down++;
	snprintf(seen.why, sizeof(seen.why), "%s", why);
}

static const struct chan_cb cbs = { cb_hello, cb_output,   cb_eof,
				    cb_exit,  cb_writable, cb_down };

static struct chan *c;

static void guest_frame(uint8_t type, uint16_t stream, const void *p,
			uint32_t len)
{
	int n = podio_frame(f.to_dom0 + f.to_len, sizeof(f.to_dom0) - f.to_len,
			    type, stream, p, len);

	CU_ASSERT_FATAL(n > 0);
	f.to_len += (size_t)n;
}

static void guest_raw(const void *p, size_t n)
{
	memcpy(f.to_dom0 + f.to_len, p, n);
	f.to_len += n;
}

static void guest_hello(uint32_t version)
{
	uint8_t v[4];

	podio_put32(v, version);
	guest_frame(PODIO_HELLO, 0, v, 4);
}

/* Polls until everything the guest wrote is handled (the budget splits it). */
static void drain(void)
{
	int i;

	for (i = 0; i < 10000 && !seen.down; i++) {
		chan_poll(c);
		if (f.to_off == f.to_len)
			break;
	}
	chan_poll(c);
}

static void setup(void)
{
	memset(&f, 0, sizeof(f));
	memset(&seen, 0, sizeof(seen));
	f.space = sizeof(f.from_dom0);
	f.state = 1;
	CU_ASSERT_EQUAL_FATAL(
		chan_open_io(&fake_io, NULL, -1, "t", &cbs, NULL, &c), 0);
}

static void up(void)
{
	setup();
	guest_hello(PODIO_VERSION);
	drain();
	CU_ASSERT_FATAL(chan_up(c));
}

static void teardown(void)
{
	chan_close(c);
	c = NULL;
	CU_ASSERT_EQUAL(f.closed, 1);
}

/* The n-th frame dom0 sent (header in h, payload pointer returned). */
static const uint8_t *dom0_frame(int n, struct podio_hdr *h)
{
	size_t off = 0;

	for (;;) {
		CU_ASSERT_FATAL(off + PODIO_HDR_LEN <= f.from_len);
		CU_ASSERT_EQUAL_FATAL(podio_hdr_decode(f.from_dom0 + off, h),
				      0);
		if (n-- == 0)
			return f.from_dom0 + off + PODIO_HDR_LEN;
		off += PODIO_HDR_LEN + h->len;
	}
}

static void test_hello(void)
{
	struct podio_hdr h;
	const uint8_t *p;

	setup();
	p = dom0_frame(0, &h);
	CU_ASSERT_EQUAL(h.type, PODIO_HELLO);
	CU_ASSERT_EQUAL(podio_get32(p), PODIO_VERSION);
	CU_ASSERT_FALSE(chan_up(c));
	guest_hello(PODIO_VERSION);
	drain();
	CU_ASSERT_EQUAL(seen.hello, 1);
	CU_ASSERT_TRUE(chan_up(c));
	/* A second HELLO is a violation. */
	guest_hello(PODIO_VERSION);
	drain();
	CU_ASSERT_EQUAL(seen.down, 1);
	CU_ASSERT_FALSE(chan_up(c));
	teardown();
}

static void test_bad_version(void)
{
	setup();
	guest_hello(2);
	drain();
	CU_ASSERT_EQUAL(seen.hello, 0);
	CU_ASSERT_EQUAL(seen.down, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen.why, "version"));
	teardown();
}

static void test_before_hello(void)
{
	setup();
	guest_frame(PODIO_STDOUT, 0, "x", 1);
	drain();
	CU_ASSERT_EQUAL(seen.down, 1);
	CU_ASSERT_EQUAL(seen.outputs, 0);
	teardown();
}

static void test_bad_headers(void)
{
	static const uint8_t bad[][8] = {
		{ PODIO_STDOUT, 1, 0, 0, 1, 0, 0, 0 }, /* flags */
		{ 0, 0, 0, 0, 0, 0, 0, 0 }, /* type 0 */
		{ 99, 0, 0, 0, 0, 0, 0, 0 }, /* unknown type */
		{ PODIO_STDOUT, 0, 0, 0, 0x01, 0x40, 0, 0 }, /* 16385 bytes */
		{ PODIO_STDOUT, 0, 0, 0, 0xff, 0xff, 0xff, 0xff },
		{ PODIO_EXIT, 0, 0, 0, 7, 0, 0, 0 }, /* fixed size wrong */
		{ PODIO_EXEC, 0, 1, 0, 12, 0, 0, 0 }, /* dom0 -> guest only */
		{ PODIO_STDIN, 0, 0, 0, 0, 0, 0, 0 }, /* dom0 -> guest only */
		{ PODIO_SIGNAL, 0, 0, 0, 4, 0, 0, 0 }, /* dom0 -> guest only */
	};
	uint8_t zero[16] = { 0 };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		up();
		guest_raw(bad[i], 8);
		guest_raw(zero, sizeof(zero));
		drain();
		CU_ASSERT_EQUAL(seen.down, 1);
		CU_ASSERT_EQUAL(seen.outputs, 0);
		teardown();
	}
}

static void test_output_credit(void)
{
	static uint8_t big[PODIO_MAX_PAYLOAD];
	int i;

	up();
	/* Exactly the initial credit on stdout, and on stderr, is fine. */
	for (i = 0; i < 4; i++) {
		guest_frame(PODIO_STDOUT, 0, big, sizeof(big));
		guest_frame(PODIO_STDERR, 0, big, sizeof(big));
	}
	drain();
	CU_ASSERT_EQUAL(seen.down, 0);
	CU_ASSERT_EQUAL(seen.out_bytes[1], PODIO_INITIAL_CREDIT);
	CU_ASSERT_EQUAL(seen.out_bytes[2], PODIO_INITIAL_CREDIT);
	/* Granted back: more may come. */
	CU_ASSERT_EQUAL(chan_grant(c, 0, 1, 100), 0);
	guest_frame(PODIO_STDOUT, 0, big, 100);
	drain();
	CU_ASSERT_EQUAL(seen.down, 0);
	CU_ASSERT_EQUAL(seen.out_bytes[1], PODIO_INITIAL_CREDIT + 100);
	/* One byte beyond: the channel closes. */
	guest_frame(PODIO_STDOUT, 0, big, 1);
	drain();
	CU_ASSERT_EQUAL(seen.down, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen.why, "credit"));
	teardown();
}

static void test_grant_caps(void)
{
	struct podio_hdr h;
	const uint8_t *p;
	uint8_t fd;
	uint32_t n;
	size_t before;

	up();
	before = f.from_len;
	/* The allowance never exceeds the initial window: nothing to send. */
	CU_ASSERT_EQUAL(chan_grant(c, 0, 1, 1000), 0);
	CU_ASSERT_EQUAL(f.from_len, before);
	CU_ASSERT_EQUAL(chan_grant(c, 0, 0, 1), -EINVAL);
	CU_ASSERT_EQUAL(chan_grant(c, 0, 3, 1), -EINVAL);
	CU_ASSERT_EQUAL(chan_grant(c, 7, 1, 1), -ENOENT);
	guest_frame(PODIO_STDOUT, 0, "abc", 3);
	drain();
	CU_ASSERT_EQUAL(chan_grant(c, 0, 1, 1000), 0);
	p = dom0_frame(1, &h);
	CU_ASSERT_EQUAL(h.type, PODIO_CREDIT);
	CU_ASSERT_EQUAL(podio_credit_decode(p, h.len, &fd, &n), 0);
	CU_ASSERT_EQUAL(fd, 1);
	CU_ASSERT_EQUAL(n, 3);
	teardown();
}

static void test_unknown_stream(void)
{
	up();
	guest_frame(PODIO_STDOUT, 9, "x", 1);
	drain();
	CU_ASSERT_EQUAL(seen.down, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen.why, "not open"));
	teardown();
}

static const char *argv_echo[] = { "/bin/echo", "hi" };

static int start_exec(void)
{
	struct podio_exec req = { 0, 0, 0, 2, 0, argv_echo, NULL, "" };
	int id = chan_stream_alloc(c);

	CU_ASSERT_FATAL(id > 0);
	CU_ASSERT_EQUAL_FATAL(chan_exec(c, (uint16_t)id, &req), 0);
	return id;
}

static void test_exec_exit(void)
{
	static struct podio_exec_view v;
	struct podio_exec again = { 0, 0, 0, 2, 0, argv_echo, NULL, "" };
	struct podio_hdr h;
	const uint8_t *p;
	uint8_t ex[8];
	int id;

	up();
	id = start_exec();
	CU_ASSERT_TRUE(chan_stream_open(c, (uint16_t)id));
	CU_ASSERT_EQUAL(chan_exec(c, (uint16_t)id, &again), -EEXIST);
	p = dom0_frame(1, &h);
	CU_ASSERT_EQUAL(h.type, PODIO_EXEC);
	CU_ASSERT_EQUAL(h.stream, id);
	CU_ASSERT_EQUAL_FATAL(podio_exec_decode(p, h.len, &v), 0);
	CU_ASSERT_STRING_EQUAL(v.argv[1], "hi");
	guest_frame(PODIO_STDOUT, (uint16_t)id, "hi\n", 3);
	podio_exit_encode(ex, 3, 0);
	guest_frame(PODIO_EXIT, (uint16_t)id, ex, 8);
	drain();
	CU_ASSERT_EQUAL(seen.out_bytes[1], 3);
	CU_ASSERT_EQUAL(seen.exits, 1);
	CU_ASSERT_EQUAL(seen.exit_code, 3);
	CU_ASSERT_EQUAL(seen.last_stream, id);
	CU_ASSERT_FALSE(chan_stream_open(c, (uint16_t)id));
	/* Anything on it after EXIT: the stream is not open. */
	guest_frame(PODIO_STDOUT, (uint16_t)id, "x", 1);
	drain();
	CU_ASSERT_EQUAL(seen.down, 1);
	teardown();
}

static void test_exec_error(void)
{
	uint8_t buf[64];
	int id, n;

	up();
	id = start_exec();
	n = podio_error_encode(buf, sizeof(buf), 127, "no\x1b such file");
	guest_frame(PODIO_ERROR, (uint16_t)id, buf, (uint32_t)n);
	drain();
	CU_ASSERT_EQUAL(seen.exits, 1);
	CU_ASSERT_EQUAL(seen.exit_code, 127);
	CU_ASSERT_STRING_EQUAL(seen.error, "no? such file");
	/* A bad exit code from the guest closes the channel. */
	id = start_exec();
	podio_exit_encode(buf, 300, 0);
	guest_frame(PODIO_EXIT, (uint16_t)id, buf, 8);
	drain();
	CU_ASSERT_EQUAL(seen.down, 1);
	CU_ASSERT_EQUAL(seen.exits, 1);
	teardown();
}

static void test_stdin_credit(void)
{
	static uint8_t big[3 * PODIO_INITIAL_CREDIT];
	uint8_t cr[8];
	int id, r;

	up();
	id = start_exec();
	CU_ASSERT_EQUAL(chan_stdin_room(c, (uint16_t)id), PODIO_INITIAL_CREDIT);
	r = chan_stdin(c, (uint16_t)id, big, sizeof(big));
	CU_ASSERT_EQUAL(r, PODIO_INITIAL_CREDIT);
	CU_ASSERT_EQUAL(chan_stdin(c, (uint16_t)id, big, 1), 0);
	podio_credit_encode(cr, 0, 10);
	guest_frame(PODIO_CREDIT, (uint16_t)id, cr, 8);
	drain();
	CU_ASSERT_EQUAL(seen.writable, 1);
	CU_ASSERT_EQUAL(chan_stdin(c, (uint16_t)id, big, 100), 10);
	/* Credit for stdout is not the guest's to give; overflow is hostile. */
	podio_credit_encode(cr, 1, 10);
	guest_frame(PODIO_CREDIT, (uint16_t)id, cr, 8);
	drain();
	CU_ASSERT_EQUAL(seen.down, 1);
	teardown();
	up();
	id = start_exec();
	/* Up to 2^31 outstanding is fine (initial 64 KiB + this). */
	podio_credit_encode(cr, 0, 0x80000000u - PODIO_INITIAL_CREDIT);
	guest_frame(PODIO_CREDIT, (uint16_t)id, cr, 8);
	drain();
	CU_ASSERT_EQUAL(seen.down, 0);
	podio_credit_encode(cr, 0, 1);
	guest_frame(PODIO_CREDIT, (uint16_t)id, cr, 8);
	drain();
	CU_ASSERT_EQUAL(seen.down, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(seen.why, "overflow"));
	teardown();
}

static void test_budget(void)
{
	int i;

	up();
	for (i = 0; i < 3 * CHAN_FRAME_BUDGET; i++)
		guest_frame(PODIO_STDOUT, 0, "x", 1);
	chan_poll(c);
	/* One turn handles one budget's worth; the rest waits for a timer. */
	CU_ASSERT_EQUAL(seen.outputs, CHAN_FRAME_BUDGET);
	for (i = 0; i < 100 && seen.outputs < 3 * CHAN_FRAME_BUDGET; i++)
		ev_run_once(10);
	CU_ASSERT_EQUAL(seen.outputs, 3 * CHAN_FRAME_BUDGET);
	teardown();
}

static void test_split_reads(void)
{
	uint8_t ex[8];
	int id;

	up();
	f.read_max = 1; /* a frame arrives a byte at a time */
	id = start_exec();
	guest_frame(PODIO_STDERR, (uint16_t)id, "oops", 4);
	podio_exit_encode(ex, 0, 9);
	guest_frame(PODIO_EXIT, (uint16_t)id, ex, 8);
	drain();
	CU_ASSERT_EQUAL(seen.down, 0);
	CU_ASSERT_EQUAL(seen.out_bytes[2], 4);
	CU_ASSERT_EQUAL(seen.signo, 9);
	teardown();
}

static void test_ring_full(void)
{
	struct podio_hdr h;
	int id;

	up();
	f.space = 3; /* the guest is not reading */
	id = start_exec();
	CU_ASSERT_EQUAL(chan_signal(c, (uint16_t)id, 15), 0);
	CU_ASSERT_EQUAL(chan_signal(c, (uint16_t)id, 0), -EINVAL);
	CU_ASSERT_EQUAL(chan_signal(c, (uint16_t)id, 65), -EINVAL);
	CU_ASSERT_EQUAL(chan_resize(c, 999, 1, 1), -ENOENT);
	f.space = sizeof(f.from_dom0);
	chan_poll(c);
	dom0_frame(2, &h);
	CU_ASSERT_EQUAL(h.type, PODIO_SIGNAL);
	teardown();
}

static void test_guest_closed(void)
{
	up();
	f.state = 0;
	chan_poll(c);
	CU_ASSERT_EQUAL(seen.down, 1);
	CU_ASSERT_EQUAL(chan_stream_alloc(c), -ENOTCONN);
	teardown();
}

static void test_stream_ids(void)
{
	int i, id;

	up();
	for (i = 0; i < CHAN_MAX_STREAMS; i++)
		start_exec();
	id = chan_stream_alloc(c);
	CU_ASSERT_TRUE(id > 0);
	CU_ASSERT_EQUAL(chan_exec(c, (uint16_t)id,
				  &(struct podio_exec){ 0, 0, 0, 2, 0,
							argv_echo, NULL, "" }),
			-EBUSY);
	teardown();
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	ev_init();
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("chan", NULL, NULL);
	CU_add_test(s, "hello", test_hello);
	CU_add_test(s, "bad_version", test_bad_version);
	CU_add_test(s, "before_hello", test_before_hello);
	CU_add_test(s, "bad_headers", test_bad_headers);
	CU_add_test(s, "output_credit", test_output_credit);
	CU_add_test(s, "grant_caps", test_grant_caps);
	CU_add_test(s, "unknown_stream", test_unknown_stream);
	CU_add_test(s, "exec_exit", test_exec_exit);
	CU_add_test(s, "exec_error", test_exec_error);
	CU_add_test(s, "stdin_credit", test_stdin_credit);
	CU_add_test(s, "budget", test_budget);
	CU_add_test(s, "split_reads", test_split_reads);
	CU_add_test(s, "ring_full", test_ring_full);
	CU_add_test(s, "guest_closed", test_guest_closed);
	CU_add_test(s, "stream_ids", test_stream_ids);
	CU_basic_set_mode(CU_BRM_NORMAL);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	ev_dispose();
	return fails ? 1 : 0;
}
