/* SPDX-License-Identifier: MIT */
/* test_podio: the pod I/O frame codec (guest/lib/podio.c) with hostile headers and payloads. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "lib/podio.h"

static uint8_t buf[PODIO_MAX_PAYLOAD + 64];
static struct podio_exec_view view;

static void raw_hdr(uint8_t *h, uint8_t type, uint8_t flags, uint16_t stream,
		    uint32_t len)
{
	h[0] = type;
	h[1] = flags;
	podio_put16(h + 2, stream);
	podio_put32(h + 4, len);
}

static int hdr_check(uint8_t type, uint8_t flags, uint32_t len)
{
	struct podio_hdr h;
	uint8_t raw[PODIO_HDR_LEN];

	raw_hdr(raw, type, flags, 7, len);
	return podio_hdr_decode(raw, &h);
}

static void test_hdr_roundtrip(void)
{
	struct podio_hdr in = { PODIO_STDOUT, 0, 65535, PODIO_MAX_PAYLOAD };
	struct podio_hdr out;
	uint8_t raw[PODIO_HDR_LEN];

	podio_hdr_encode(raw, &in);
	CU_ASSERT_EQUAL(raw[0], PODIO_STDOUT);
	CU_ASSERT_EQUAL(podio_get16(raw + 2), 65535);
	CU_ASSERT_EQUAL(raw[4], 0x00);
	CU_ASSERT_EQUAL(raw[5], 0x40); /* 16384, little-endian */
	CU_ASSERT_EQUAL_FATAL(podio_hdr_decode(raw, &out), 0);
	CU_ASSERT_EQUAL(out.type, in.type);
	CU_ASSERT_EQUAL(out.stream, in.stream);
	CU_ASSERT_EQUAL(out.len, in.len);
}

static void test_hdr_hostile(void)
{
	CU_ASSERT_EQUAL(hdr_check(0, 0, 0), -EPROTO);
	CU_ASSERT_EQUAL(hdr_check(12, 0, 0), -EPROTO);
	CU_ASSERT_EQUAL(hdr_check(255, 0, 0), -EPROTO);
	CU_ASSERT_EQUAL(hdr_check(PODIO_STDIN, 1, 0), -EPROTO);
	CU_ASSERT_EQUAL(hdr_check(PODIO_STDIN, 0x80, 0), -EPROTO);
	CU_ASSERT_EQUAL(hdr_check(PODIO_STDOUT, 0, PODIO_MAX_PAYLOAD + 1),
			-EMSGSIZE);
	CU_ASSERT_EQUAL(hdr_check(PODIO_STDOUT, 0, 0xffffffffu), -EMSGSIZE);
	CU_ASSERT_EQUAL(hdr_check(PODIO_STDERR, 0, 0), 0);
	CU_ASSERT_EQUAL(hdr_check(PODIO_STDIN, 0, PODIO_MAX_PAYLOAD), 0);
}

static void test_hdr_fixed_sizes(void)
{
	static const struct {
		uint8_t type;
		uint32_t len;
	} fixed[] = {
		{ PODIO_HELLO, 4 }, { PODIO_RESIZE, 4 }, { PODIO_SIGNAL, 4 },
		{ PODIO_EOF, 1 },   { PODIO_EXIT, 8 },	 { PODIO_CREDIT, 8 },
	};
	size_t i;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		CU_ASSERT_EQUAL(hdr_check(fixed[i].type, 0, fixed[i].len), 0);
		CU_ASSERT_EQUAL(hdr_check(fixed[i].type, 0, fixed[i].len - 1),
				-EPROTO);
		CU_ASSERT_EQUAL(hdr_check(fixed[i].type, 0, fixed[i].len + 1),
				-EPROTO);
		CU_ASSERT_EQUAL(hdr_check(fixed[i].type, 0, 0), -EPROTO);
	}
	CU_ASSERT_EQUAL(hdr_check(PODIO_EXEC, 0, PODIO_EXEC_FIXED - 1),
			-EPROTO);
	CU_ASSERT_EQUAL(hdr_check(PODIO_EXEC, 0, PODIO_EXEC_FIXED + 2), 0);
	CU_ASSERT_EQUAL(hdr_check(PODIO_ERROR, 0, 3), -EPROTO);
	CU_ASSERT_EQUAL(hdr_check(PODIO_ERROR, 0, 4), 0);
	CU_ASSERT_EQUAL(hdr_check(PODIO_ERROR, 0, 4 + PODIO_ERROR_MAX_MSG), 0);
	CU_ASSERT_EQUAL(hdr_check(PODIO_ERROR, 0, 5 + PODIO_ERROR_MAX_MSG),
			-EPROTO);
}

static void test_frame(void)
{
	struct podio_hdr h;
	int n;

	n = podio_frame(buf, sizeof(buf), PODIO_STDIN, 3, "abc", 3);
	CU_ASSERT_EQUAL_FATAL(n, PODIO_HDR_LEN + 3);
	CU_ASSERT_EQUAL_FATAL(podio_hdr_decode(buf, &h), 0);
	CU_ASSERT_EQUAL(h.stream, 3);
	CU_ASSERT_EQUAL(h.len, 3);
	CU_ASSERT_EQUAL(memcmp(buf + PODIO_HDR_LEN, "abc", 3), 0);
	CU_ASSERT_EQUAL(podio_frame(buf, 10, PODIO_STDIN, 3, "abc", 3),
			-EMSGSIZE);
	CU_ASSERT_EQUAL(podio_frame(buf, 4, PODIO_EOF, 3, NULL, 0), -EMSGSIZE);
	CU_ASSERT_EQUAL(podio_frame(buf, sizeof(buf), PODIO_STDIN, 3, buf,
				    PODIO_MAX_PAYLOAD + 1),
			-EMSGSIZE);
	CU_ASSERT_EQUAL(podio_frame(buf, 8, PODIO_STDIN, 0, NULL, 0), 8);
}

static const char *argv3[] = { "/bin/sh", "-c", "echo hi" };
static const char *env2[] = { "A=1", "PATH=/bin" };

static int encode_std(int tty, const char *cwd)
{
	struct podio_exec req = { tty, 24, 80, 3, 2, argv3, env2, cwd };

	return podio_exec_encode(&req, buf, sizeof(buf));
}

static void test_exec_roundtrip(void)
{
	int n = encode_std(1, "/tmp");

	CU_ASSERT_FATAL(n > (int)PODIO_EXEC_FIXED);
	CU_ASSERT_EQUAL_FATAL(podio_exec_decode(buf, (size_t)n, &view), 0);
	CU_ASSERT_EQUAL(view.tty, 1);
	CU_ASSERT_EQUAL(view.rows, 24);
	CU_ASSERT_EQUAL(view.cols, 80);
	CU_ASSERT_EQUAL_FATAL(view.argc, 3);
	CU_ASSERT_STRING_EQUAL(view.argv[2], "echo hi");
	CU_ASSERT_PTR_NULL(view.argv[3]);
	CU_ASSERT_EQUAL_FATAL(view.envc, 2);
	CU_ASSERT_STRING_EQUAL(view.envp[1], "PATH=/bin");
	CU_ASSERT_PTR_NULL(view.envp[2]);
	CU_ASSERT_STRING_EQUAL(view.cwd, "/tmp");
	/* No cwd: the empty string, the pod's own. */
	n = encode_std(0, NULL);
	CU_ASSERT_EQUAL_FATAL(podio_exec_decode(buf, (size_t)n, &view), 0);
	CU_ASSERT_EQUAL(view.tty, 0);
	CU_ASSERT_STRING_EQUAL(view.cwd, "");
	CU_ASSERT_PTR_NULL(view.user);
}

/* exec --user: flagged, one more string after the working directory. */
static void test_exec_user(void)
{
	struct podio_exec req = { 0, 0, 0, 3, 2, argv3, env2, "/", "app:staff" };
	int n = podio_exec_encode(&req, buf, sizeof(buf));

	CU_ASSERT_FATAL(n > (int)PODIO_EXEC_FIXED);
	CU_ASSERT_EQUAL(buf[1], PODIO_EXEC_F_USER);
	CU_ASSERT_EQUAL_FATAL(podio_exec_decode(buf, (size_t)n, &view), 0);
	CU_ASSERT_STRING_EQUAL(view.cwd, "/");
	CU_ASSERT_STRING_EQUAL(view.user, "app:staff");
	/* the flag without the string, a string without the flag, an empty
	 * user, an unknown flag */
	CU_ASSERT_EQUAL(podio_exec_decode(buf, (size_t)n - 10, &view), -EPROTO);
	buf[1] = 0;
	CU_ASSERT_EQUAL(podio_exec_decode(buf, (size_t)n, &view), -EPROTO);
	buf[1] = 8;
	CU_ASSERT_EQUAL(podio_exec_decode(buf, (size_t)n, &view), -EPROTO);
	req.user = "";
	CU_ASSERT_EQUAL(podio_exec_encode(&req, buf, sizeof(buf)), -EINVAL);
	n = encode_std(0, "/");
	buf[1] = PODIO_EXEC_F_USER;
	CU_ASSERT_EQUAL(podio_exec_decode(buf, (size_t)n, &view), -EPROTO);
}

/* An exec's groups (with its user) and limits: flagged, in that order. */
static void test_exec_groups_rlimits(void)
{
	struct podio_exec req = { 0,
				  0,
				  0,
				  3,
				  2,
				  argv3,
				  env2,
				  "/",
				  "1:1",
				  "10,wheel",
				  "7:64:128 1:inf:inf" };
	int n = podio_exec_encode(&req, buf, sizeof(buf));

	CU_ASSERT_FATAL(n > (int)PODIO_EXEC_FIXED);
	CU_ASSERT_EQUAL(buf[1], PODIO_EXEC_F_USER | PODIO_EXEC_F_GROUPS |
					PODIO_EXEC_F_RLIMITS);
	CU_ASSERT_EQUAL_FATAL(podio_exec_decode(buf, (size_t)n, &view), 0);
	CU_ASSERT_STRING_EQUAL(view.user, "1:1");
	CU_ASSERT_STRING_EQUAL(view.groups, "10,wheel");
	CU_ASSERT_STRING_EQUAL(view.rlimits, "7:64:128 1:inf:inf");
	/* groups without the user flag, a missing last string */
	buf[1] = PODIO_EXEC_F_GROUPS | PODIO_EXEC_F_RLIMITS;
	CU_ASSERT_EQUAL(podio_exec_decode(buf, (size_t)n, &view), -EPROTO);
	buf[1] = PODIO_EXEC_F_ALL;
	CU_ASSERT_EQUAL(podio_exec_decode(buf, (size_t)n - 19, &view), -EPROTO);
	/* rlimits alone */
	req.user = req.groups = NULL;
	n = podio_exec_encode(&req, buf, sizeof(buf));
	CU_ASSERT_EQUAL(buf[1], PODIO_EXEC_F_RLIMITS);
	CU_ASSERT_EQUAL_FATAL(podio_exec_decode(buf, (size_t)n, &view), 0);
	CU_ASSERT_PTR_NULL(view.user);
	CU_ASSERT_PTR_NULL(view.groups);
	CU_ASSERT_STRING_EQUAL(view.rlimits, "7:64:128 1:inf:inf");
	/* groups need a user; none may be empty */
	req.groups = "10";
	CU_ASSERT_EQUAL(podio_exec_encode(&req, buf, sizeof(buf)), -EINVAL);
	req.user = "1";
	req.groups = "";
	CU_ASSERT_EQUAL(podio_exec_encode(&req, buf, sizeof(buf)), -EINVAL);
	req.groups = NULL;
	req.rlimits = "";
	CU_ASSERT_EQUAL(podio_exec_encode(&req, buf, sizeof(buf)), -EINVAL);
}

static void test_exec_encode_errors(void)
{
	static const char *bad_env[] = { "NOEQUALS" };
	static const char *empty_key[] = { "=v" };
	static const char *null_arg[] = { "a", NULL };
	static char big[PODIO_MAX_PAYLOAD];
	const char *bigv[] = { big };
	struct podio_exec req = { 0, 0, 0, 1, 0, argv3, NULL, NULL };

	req.argc = 0;
	CU_ASSERT_EQUAL(podio_exec_encode(&req, buf, sizeof(buf)), -EINVAL);
	req.argc = PODIO_EXEC_MAX_ARGS + 1;
	CU_ASSERT_EQUAL(podio_exec_encode(&req, buf, sizeof(buf)), -EINVAL);
	req.argc = 2;
	req.argv = null_arg;
	CU_ASSERT_EQUAL(podio_exec_encode(&req, buf, sizeof(buf)), -EINVAL);
	req.argc = 1;
	req.argv = argv3;
	req.envc = 1;
	req.envp = bad_env;
	CU_ASSERT_EQUAL(podio_exec_encode(&req, buf, sizeof(buf)), -EINVAL);
	req.envp = empty_key;
	CU_ASSERT_EQUAL(podio_exec_encode(&req, buf, sizeof(buf)), -EINVAL);
	req.envp = NULL;
	CU_ASSERT_EQUAL(podio_exec_encode(&req, buf, sizeof(buf)), -EINVAL);
	req.envc = PODIO_EXEC_MAX_ENV + 1;
	req.envp = env2;
	CU_ASSERT_EQUAL(podio_exec_encode(&req, buf, sizeof(buf)), -EINVAL);
	/* Too big for the payload cap, and for the caller's buffer. */
	memset(big, 'x', sizeof(big) - 1);
	req.envc = 0;
	req.argv = bigv;
	CU_ASSERT_EQUAL(podio_exec_encode(&req, buf, sizeof(buf)), -E2BIG);
	req.argv = argv3;
	CU_ASSERT_EQUAL(podio_exec_encode(&req, buf, 16), -E2BIG);
	CU_ASSERT_EQUAL(podio_exec_encode(&req, buf, 4), -E2BIG);
	CU_ASSERT_EQUAL(podio_exec_encode(&req, buf, 21), 21);
}

/* A valid payload from parts: fixed header fields, then raw string bytes. */
static size_t mk_exec(uint8_t tty, uint8_t pad1, uint16_t argc, uint16_t envc,
		      uint16_t pad2, const char *strs, size_t strs_len)
{
	memset(buf, 0, PODIO_EXEC_FIXED);
	buf[0] = tty;
	buf[1] = pad1;
	podio_put16(buf + 6, argc);
	podio_put16(buf + 8, envc);
	podio_put16(buf + 10, pad2);
	memcpy(buf + PODIO_EXEC_FIXED, strs, strs_len);
	return PODIO_EXEC_FIXED + strs_len;
}

#define S(lit) lit, sizeof(lit) - 1
static int dec(size_t len)
{
	return podio_exec_decode(buf, len, &view);
}

static void test_exec_decode_errors(void)
{
	/* argv "a", env "K=V", cwd "/" */
	CU_ASSERT_EQUAL(dec(mk_exec(0, 0, 1, 1, 0, S("a\0K=V\0/\0"))), 0);
	CU_ASSERT_EQUAL(dec(mk_exec(2, 0, 1, 1, 0, S("a\0K=V\0/\0"))), -EPROTO);
	CU_ASSERT_EQUAL(dec(mk_exec(0, 1, 1, 1, 0, S("a\0K=V\0/\0"))), -EPROTO);
	CU_ASSERT_EQUAL(dec(mk_exec(0, 0, 1, 1, 9, S("a\0K=V\0/\0"))), -EPROTO);
	CU_ASSERT_EQUAL(dec(mk_exec(0, 0, 0, 1, 0, S("K=V\0/\0"))), -EPROTO);
	CU_ASSERT_EQUAL(
		dec(mk_exec(0, 0, PODIO_EXEC_MAX_ARGS + 1, 0, 0, S("a\0/\0"))),
		-EPROTO);
	CU_ASSERT_EQUAL(dec(mk_exec(0, 0, 0xffff, 0, 0, S("a\0/\0"))), -EPROTO);
	CU_ASSERT_EQUAL(
		dec(mk_exec(0, 0, 1, PODIO_EXEC_MAX_ENV + 1, 0, S("a\0/\0"))),
		-EPROTO);
	/* Counts claiming more strings than there are. */
	CU_ASSERT_EQUAL(dec(mk_exec(0, 0, 3, 0, 0, S("a\0/\0"))), -EPROTO);
	CU_ASSERT_EQUAL(dec(mk_exec(0, 0, 1, 2, 0, S("a\0K=V\0/\0"))), -EPROTO);
	/* Missing NULs: last argument, environment entry, cwd. */
	CU_ASSERT_EQUAL(dec(mk_exec(0, 0, 1, 0, 0, S("a"))), -EPROTO);
	CU_ASSERT_EQUAL(dec(mk_exec(0, 0, 1, 1, 0, S("a\0K=V"))), -EPROTO);
	CU_ASSERT_EQUAL(dec(mk_exec(0, 0, 1, 1, 0, S("a\0K=V\0/"))), -EPROTO);
	CU_ASSERT_EQUAL(dec(mk_exec(0, 0, 1, 0, 0, S("a\0"))), -EPROTO);
	/* Trailing bytes after the cwd. */
	CU_ASSERT_EQUAL(dec(mk_exec(0, 0, 1, 0, 0, S("a\0/\0x"))), -EPROTO);
	CU_ASSERT_EQUAL(dec(mk_exec(0, 0, 1, 0, 0, S("a\0/\0\0"))), -EPROTO);
	/* Environment entries that are not KEY=VALUE. */
	CU_ASSERT_EQUAL(dec(mk_exec(0, 0, 1, 1, 0, S("a\0KV\0/\0"))), -EPROTO);
	CU_ASSERT_EQUAL(dec(mk_exec(0, 0, 1, 1, 0, S("a\0=V\0/\0"))), -EPROTO);
	CU_ASSERT_EQUAL(dec(mk_exec(0, 0, 1, 1, 0, S("a\0\0/\0"))), -EPROTO);
	/* Shorter than the fixed part; longer than the cap. */
	CU_ASSERT_EQUAL(dec(PODIO_EXEC_FIXED - 1), -EPROTO);
	CU_ASSERT_EQUAL(dec(0), -EPROTO);
	CU_ASSERT_EQUAL(dec(PODIO_MAX_PAYLOAD + 1), -EPROTO);
}

static void test_exec_limits(void)
{
	static char strs[PODIO_EXEC_MAX_ARGS + 2 * PODIO_EXEC_MAX_ENV * 4 + 1];
	size_t i, n = 0;

	/* 256 empty arguments and 256 "K=V" entries are in range. */
	for (i = 0; i < PODIO_EXEC_MAX_ARGS; i++)
		strs[n++] = '\0';
	for (i = 0; i < PODIO_EXEC_MAX_ENV; i++) {
		memcpy(strs + n, "K=V", 4);
		n += 4;
	}
	strs[n++] = '\0';
	CU_ASSERT_EQUAL(dec(mk_exec(1, 0, PODIO_EXEC_MAX_ARGS,
				    PODIO_EXEC_MAX_ENV, 0, strs, n)),
			0);
	CU_ASSERT_EQUAL(view.argc, PODIO_EXEC_MAX_ARGS);
	CU_ASSERT_PTR_NULL(view.argv[PODIO_EXEC_MAX_ARGS]);
	CU_ASSERT_PTR_NULL(view.envp[PODIO_EXEC_MAX_ENV]);
}

static void test_exec_truncation(void)
{
	int n = encode_std(1, "/work");
	int i;

	CU_ASSERT_FATAL(n > 0);
	for (i = 0; i < n; i++)
		CU_ASSERT_EQUAL(dec((size_t)i), -EPROTO);
	CU_ASSERT_EQUAL(dec((size_t)n), 0);
}

static void test_exit(void)
{
	int32_t code;
	uint32_t sig;

	CU_ASSERT_EQUAL(podio_exit_encode(buf, 137, 9), 8);
	CU_ASSERT_EQUAL(podio_exit_decode(buf, 8, &code, &sig), 0);
	CU_ASSERT_EQUAL(code, 137);
	CU_ASSERT_EQUAL(sig, 9);
	CU_ASSERT_EQUAL(podio_exit_decode(buf, 7, &code, &sig), -EPROTO);
	CU_ASSERT_EQUAL(podio_exit_decode(buf, 9, &code, &sig), -EPROTO);
	podio_exit_encode(buf, -1, 0);
	CU_ASSERT_EQUAL(podio_exit_decode(buf, 8, &code, &sig), -EPROTO);
	podio_exit_encode(buf, 256, 0);
	CU_ASSERT_EQUAL(podio_exit_decode(buf, 8, &code, &sig), -EPROTO);
	podio_exit_encode(buf, 0, 65);
	CU_ASSERT_EQUAL(podio_exit_decode(buf, 8, &code, &sig), -EPROTO);
}

static void test_credit(void)
{
	uint8_t fd;
	uint32_t n;

	CU_ASSERT_EQUAL(podio_credit_encode(buf, 2, 0xffffffffu), 8);
	CU_ASSERT_EQUAL(podio_credit_decode(buf, 8, &fd, &n), 0);
	CU_ASSERT_EQUAL(fd, 2);
	CU_ASSERT_EQUAL(n, 0xffffffffu);
	CU_ASSERT_EQUAL(podio_credit_decode(buf, 7, &fd, &n), -EPROTO);
	podio_credit_encode(buf, 3, 1);
	CU_ASSERT_EQUAL(podio_credit_decode(buf, 8, &fd, &n), -EPROTO);
	podio_credit_encode(buf, 0, 1);
	buf[2] = 1;
	CU_ASSERT_EQUAL(podio_credit_decode(buf, 8, &fd, &n), -EPROTO);
}

static void test_error(void)
{
	char msg[PODIO_ERROR_MAX_MSG + 1], small[4], longmsg[400];
	int32_t code;
	int n;

	n = podio_error_encode(buf, sizeof(buf), 127, "no such\tfile");
	CU_ASSERT_EQUAL_FATAL(n, 4 + 12);
	CU_ASSERT_EQUAL(
		podio_error_decode(buf, (size_t)n, &code, msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(code, 127);
	CU_ASSERT_STRING_EQUAL(msg, "no such?file");
	CU_ASSERT_EQUAL(podio_error_decode(buf, (size_t)n, &code, small,
					   sizeof(small)),
			0);
	CU_ASSERT_STRING_EQUAL(small, "no ");
	CU_ASSERT_EQUAL(podio_error_decode(buf, (size_t)n, &code, msg, 0),
			-EPROTO);
	/* A message with a NUL in it, a bad code, lengths out of range. */
	buf[6] = 0;
	CU_ASSERT_EQUAL(podio_error_decode(buf, (size_t)n, &code, msg,
					   sizeof(msg)),
			-EPROTO);
	podio_put32(buf, 0xffffffffu);
	CU_ASSERT_EQUAL(podio_error_decode(buf, 4, &code, msg, sizeof(msg)),
			-EPROTO);
	podio_put32(buf, 125);
	CU_ASSERT_EQUAL(podio_error_decode(buf, 4, &code, msg, sizeof(msg)), 0);
	CU_ASSERT_STRING_EQUAL(msg, "");
	CU_ASSERT_EQUAL(podio_error_decode(buf, 3, &code, msg, sizeof(msg)),
			-EPROTO);
	CU_ASSERT_EQUAL(podio_error_decode(buf, 4 + PODIO_ERROR_MAX_MSG + 1,
					   &code, msg, sizeof(msg)),
			-EPROTO);
	/* Long messages are cut at the cap; small buffers refused. */
	memset(longmsg, 'm', sizeof(longmsg) - 1);
	longmsg[sizeof(longmsg) - 1] = '\0';
	n = podio_error_encode(buf, sizeof(buf), 126, longmsg);
	CU_ASSERT_EQUAL(n, 4 + PODIO_ERROR_MAX_MSG);
	CU_ASSERT_EQUAL(podio_error_encode(buf, 10, 126, longmsg), -EMSGSIZE);
	CU_ASSERT_EQUAL(podio_error_encode(buf, 4, 126, NULL), 4);
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("podio", NULL, NULL);
	CU_add_test(s, "hdr_roundtrip", test_hdr_roundtrip);
	CU_add_test(s, "hdr_hostile", test_hdr_hostile);
	CU_add_test(s, "hdr_fixed_sizes", test_hdr_fixed_sizes);
	CU_add_test(s, "frame", test_frame);
	CU_add_test(s, "exec_roundtrip", test_exec_roundtrip);
	CU_add_test(s, "exec_user", test_exec_user);
	CU_add_test(s, "exec_groups_rlimits", test_exec_groups_rlimits);
	CU_add_test(s, "exec_encode_errors", test_exec_encode_errors);
	CU_add_test(s, "exec_decode_errors", test_exec_decode_errors);
	CU_add_test(s, "exec_limits", test_exec_limits);
	CU_add_test(s, "exec_truncation", test_exec_truncation);
	CU_add_test(s, "exit", test_exit);
	CU_add_test(s, "credit", test_credit);
	CU_add_test(s, "error", test_error);
	CU_basic_set_mode(CU_BRM_NORMAL);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
