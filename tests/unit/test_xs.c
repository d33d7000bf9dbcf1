/* SPDX-License-Identifier: MIT */
/* test_xs: strict parsing of guest-written xenstore values (docs/RELIABILITY.md R1). */
#include <errno.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "xs.h"

/* R1's garbage list, plus neighbours; none is a valid state or exit code. */
static const struct {
	const char *v;
	size_t len;
} garbage[] = {
	{ "", 0 },
	{ " 5", 2 },
	{ "5 ", 2 },
	{ "5abc", 4 },
	{ "-1", 2 },
	{ "+1", 2 },
	{ "0x10", 4 },
	{ "12345678901234567890", 20 },
	{ "99999999999999999999", 20 },
	{ "..", 2 },
	{ "5\0", 2 },
	{ "\0"
	  "5",
	  2 },
	{ "\xff\xfe", 2 },
	{ "\n", 1 },
	{ "running\n", 8 },
	{ "Running", 7 },
	{ "running\0", 8 },
	{ "exit", 4 },
	{ "exited ", 7 },
	{ "failedx", 7 },
};

static void test_state_valid(void)
{
	enum xs_guest_state s = XS_GUEST_NONE;

	CU_ASSERT_EQUAL(xs_parse_state("running", 7, &s), 0);
	CU_ASSERT_EQUAL(s, XS_GUEST_RUNNING);
	CU_ASSERT_EQUAL(xs_parse_state("exited", 6, &s), 0);
	CU_ASSERT_EQUAL(s, XS_GUEST_EXITED);
	CU_ASSERT_EQUAL(xs_parse_state("failed", 6, &s), 0);
	CU_ASSERT_EQUAL(s, XS_GUEST_FAILED);
}

static void test_state_garbage(void)
{
	char big[2048];
	enum xs_guest_state s = XS_GUEST_RUNNING;
	size_t i;

	for (i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
		s = XS_GUEST_RUNNING;
		CU_ASSERT_EQUAL(xs_parse_state(garbage[i].v, garbage[i].len,
					       &s),
				-EINVAL);
		CU_ASSERT_EQUAL(s, XS_GUEST_RUNNING); /* untouched */
	}
	memset(big, 'a', sizeof(big));
	memcpy(big, "running", 7);
	CU_ASSERT_EQUAL(xs_parse_state(big, sizeof(big), &s), -EINVAL);
	CU_ASSERT_EQUAL(xs_parse_state(NULL, 0, &s), -EINVAL);
}

static void test_exit_valid(void)
{
	static const struct {
		const char *v;
		int code;
	} ok[] = { { "0", 0 },	   { "1", 1 },	   { "7", 7 },
		   { "42", 42 },   { "128", 128 }, { "137", 137 },
		   { "255", 255 }, { "200", 200 }, { "10", 10 } };
	size_t i;
	int c;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		c = -1;
		CU_ASSERT_EQUAL(
			xs_parse_exit_code(ok[i].v, strlen(ok[i].v), &c), 0);
		CU_ASSERT_EQUAL(c, ok[i].code);
	}
}

static void test_exit_garbage(void)
{
	static const char *const more[] = { "00",   "007", "256", "999",
					    "1000", "1e2", "1.0", "٣" };
	char big[2048];
	size_t i;
	int c = 77;

	for (i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
		CU_ASSERT_NOT_EQUAL(xs_parse_exit_code(garbage[i].v,
						       garbage[i].len, &c),
				    0);
	}
	for (i = 0; i < sizeof(more) / sizeof(more[0]); i++)
		CU_ASSERT_NOT_EQUAL(
			xs_parse_exit_code(more[i], strlen(more[i]), &c), 0);
	memset(big, '1', sizeof(big));
	CU_ASSERT_NOT_EQUAL(xs_parse_exit_code(big, sizeof(big), &c), 0);
	CU_ASSERT_EQUAL(xs_parse_exit_code("256", 3, &c), -ERANGE);
	/* A length that stops before the garbage is what counts. */
	CU_ASSERT_EQUAL(xs_parse_exit_code("5abc", 1, &c), 0);
	CU_ASSERT_EQUAL(c, 5);
	c = 77;
	CU_ASSERT_NOT_EQUAL(xs_parse_exit_code(NULL, 0, &c), 0);
	CU_ASSERT_EQUAL(c, 77);
}

static void test_sanitize(void)
{
	char out[128], big[2048];
	size_t n;

	n = xs_sanitize_text("no such file", 12, out, sizeof(out));
	CU_ASSERT_EQUAL(n, 12);
	CU_ASSERT_STRING_EQUAL(out, "no such file");
	n = xs_sanitize_text("a\0b\nc\x1b[31m\xff", 11, out, sizeof(out));
	CU_ASSERT_EQUAL(n, 11);
	CU_ASSERT_STRING_EQUAL(out, "a?b?c?[31m?");
	memset(big, 'x', sizeof(big));
	n = xs_sanitize_text(big, sizeof(big), out, sizeof(out));
	CU_ASSERT_EQUAL(n, 127);
	CU_ASSERT_EQUAL(strlen(out), 127);
	n = xs_sanitize_text("", 0, out, sizeof(out));
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_EQUAL(xs_sanitize_text("abc", 3, out, 0), 0);
}

static struct xs_value val(const char *v, size_t len)
{
	struct xs_value x = { 0, v, len };

	return x;
}

static const struct xs_value absent = { -ENOENT, NULL, 0 };
static const struct xs_value oversized = { -E2BIG, NULL, 0 };

static void test_status_eval(void)
{
	struct xs_guest_status st;
	struct xs_value s, e;
	size_t i;

	xs_status_eval(&absent, &absent, &absent, &st);
	CU_ASSERT_EQUAL(st.state, XS_GUEST_NONE);
	s = val("running", 7);
	xs_status_eval(&s, &absent, &absent, &st);
	CU_ASSERT_EQUAL(st.state, XS_GUEST_RUNNING);
	s = val("exited", 6);
	e = val("137", 3);
	xs_status_eval(&s, &e, &absent, &st);
	CU_ASSERT_EQUAL(st.state, XS_GUEST_EXITED);
	CU_ASSERT_EQUAL(st.exit_code, 137);
	/* exited without an exit code: a guest bug, reported. */
	xs_status_eval(&s, &absent, &absent, &st);
	CU_ASSERT_EQUAL(st.state, XS_GUEST_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(st.error, "data/xenpod/exit"));
	xs_status_eval(&s, &oversized, &absent, &st);
	CU_ASSERT_EQUAL(st.state, XS_GUEST_INVALID);
	s = val("failed", 6);
	e = val("exec /bin/x: \x1b[2Jno such file\n",
		sizeof("exec /bin/x: \x1b[2Jno such file\n") - 1);
	xs_status_eval(&s, &absent, &e, &st);
	CU_ASSERT_EQUAL(st.state, XS_GUEST_FAILED);
	CU_ASSERT_STRING_EQUAL(st.error, "exec /bin/x: ?[2Jno such file?");
	xs_status_eval(&s, &absent, &absent, &st);
	CU_ASSERT_EQUAL(st.state, XS_GUEST_FAILED);
	CU_ASSERT_STRING_EQUAL(st.error, "(no reason given)");
	xs_status_eval(&s, &absent, &oversized, &st);
	CU_ASSERT_EQUAL(st.state, XS_GUEST_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(st.error, "data/xenpod/error"));
	/* failed: exit is the failure's status, 125 when absent (older guests) */
	e = val("x", 1);
	xs_status_eval(&s, &absent, &e, &st);
	CU_ASSERT_EQUAL(st.exit_code, XS_FAIL_OTHER);
	{
		struct xs_value ex = val("127", 3);

		xs_status_eval(&s, &ex, &e, &st);
		CU_ASSERT_EQUAL(st.state, XS_GUEST_FAILED);
		CU_ASSERT_EQUAL(st.exit_code, XS_FAIL_NOT_FOUND);
		ex = val("126", 3);
		xs_status_eval(&s, &ex, &e, &st);
		CU_ASSERT_EQUAL(st.exit_code, XS_FAIL_CANNOT_EXEC);
		/* only 125..127: anything else is the guest's garbage */
		ex = val("0", 1);
		xs_status_eval(&s, &ex, &e, &st);
		CU_ASSERT_EQUAL(st.state, XS_GUEST_INVALID);
		CU_ASSERT_PTR_NOT_NULL(strstr(st.error, "data/xenpod/exit"));
		ex = val("128", 3);
		xs_status_eval(&s, &ex, &e, &st);
		CU_ASSERT_EQUAL(st.state, XS_GUEST_INVALID);
		xs_status_eval(&s, &oversized, &e, &st);
		CU_ASSERT_EQUAL(st.state, XS_GUEST_INVALID);
	}
	/* R1: garbage in state or exit always ends as INVALID naming the node. */
	for (i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
		s = val(garbage[i].v, garbage[i].len);
		xs_status_eval(&s, &absent, &absent, &st);
		CU_ASSERT_EQUAL(st.state, XS_GUEST_INVALID);
		CU_ASSERT_PTR_NOT_NULL(strstr(st.error, "data/xenpod/state"));
		s = val("exited", 6);
		e = val(garbage[i].v, garbage[i].len);
		xs_status_eval(&s, &e, &absent, &st);
		CU_ASSERT_EQUAL(st.state, XS_GUEST_INVALID);
		CU_ASSERT_PTR_NOT_NULL(strstr(st.error, "data/xenpod/exit"));
	}
	xs_status_eval(&oversized, &absent, &absent, &st);
	CU_ASSERT_EQUAL(st.state, XS_GUEST_INVALID);
}

/* Deterministic random bytes: any accepted value must print back exactly. */
static void test_random(void)
{
	unsigned long long x = 0x9e3779b97f4a7c15ull;
	char buf[200], back[8], out[128];
	enum xs_guest_state st;
	size_t len, i;
	int round, c, accepted = 0, bad = 0;

	for (round = 0; round < 200000; round++) {
		len = (size_t)(round % 7 == 0 ? round % 200 : round % 5);
		for (i = 0; i < len; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			/* mostly digits, so that some values are accepted */
			buf[i] = (char)(x % 3 ? '0' + (x >> 8) % 10 : x >> 16);
		}
		if (!xs_parse_exit_code(buf, len, &c)) {
			accepted++;
			snprintf(back, sizeof(back), "%d", c);
			bad += !(c >= 0 && c <= 255 && strlen(back) == len &&
				 !memcmp(back, buf, len));
		}
		if (!xs_parse_state(buf, len, &st))
			bad += len < 6;
		bad += xs_sanitize_text(buf, len, out, sizeof(out)) !=
		       strlen(out);
		for (i = 0; out[i]; i++)
			bad += out[i] < 0x20 || out[i] >= 0x7f;
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(accepted > 100); /* the generator did reach valid codes */
}

static void test_tty(void)
{
	static const char *const bad[] = {
		"",
		"/dev/pts/",
		"/dev/pts/x",
		"/dev/pts/1a",
		"/etc/shadow",
		"/dev/pts/../1",
		"/dev/pts/01",
		"dev/pts/1",
		"/dev/pts/-1",
		"/dev/pts/1 ",
		"/dev/tty1",
		"/dev/pts/1/",
		"/dev/pts/12345678901",
	};
	size_t i;

	CU_ASSERT_EQUAL(xs_parse_tty("/dev/pts/0", 10), 0);
	CU_ASSERT_EQUAL(xs_parse_tty("/dev/pts/17", 11), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(xs_parse_tty(bad[i], strlen(bad[i])), -EINVAL);
	CU_ASSERT_EQUAL(xs_parse_tty("/dev/pts/1\0", 11), -EINVAL);
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("xs", NULL, NULL);
	CU_add_test(s, "state_valid", test_state_valid);
	CU_add_test(s, "state_garbage", test_state_garbage);
	CU_add_test(s, "exit_valid", test_exit_valid);
	CU_add_test(s, "exit_garbage", test_exit_garbage);
	CU_add_test(s, "sanitize", test_sanitize);
	CU_add_test(s, "status_eval", test_status_eval);
	CU_add_test(s, "random", test_random);
	CU_add_test(s, "tty", test_tty);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
