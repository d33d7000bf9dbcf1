/* SPDX-License-Identifier: MIT */
/* test_guest_spec: the guest's pod spec tokenizer, with hostile inputs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "lib/errno.h"
#include "lib/spec.h"

static char buf[8192];

static int parse(const char *s, struct spec *sp, const char **err)
{
	size_t n = strlen(s);

	memcpy(buf, s, n + 1);
	*err = NULL;
	return spec_parse(buf, n, sp, err);
}

static void test_basic(void)
{
	struct spec sp;
	const char *err;

	CU_ASSERT_EQUAL_FATAL(
		parse("env=A=1 env=PATH=/bin cwd=/tmp name=web -- "
		      "/bin/echo hello%20world x",
		      &sp, &err),
		0);
	CU_ASSERT_EQUAL(sp.argc, 3);
	CU_ASSERT_STRING_EQUAL(sp.argv[0], "/bin/echo");
	CU_ASSERT_STRING_EQUAL(sp.argv[1], "hello world");
	CU_ASSERT_STRING_EQUAL(sp.argv[2], "x");
	CU_ASSERT_PTR_NULL(sp.argv[3]);
	CU_ASSERT_EQUAL(sp.envc, 2);
	CU_ASSERT_STRING_EQUAL(sp.envp[0], "A=1");
	CU_ASSERT_STRING_EQUAL(sp.envp[1], "PATH=/bin");
	CU_ASSERT_PTR_NULL(sp.envp[2]);
	CU_ASSERT_STRING_EQUAL(sp.cwd, "/tmp");
	CU_ASSERT_STRING_EQUAL(sp.name, "web");
	CU_ASSERT_EQUAL(sp.nunknown, 0);
}

static void test_kernel_params_and_unknown(void)
{
	struct spec sp;
	const char *err;

	CU_ASSERT_EQUAL_FATAL(
		parse("  xenpod.test=abc console=ttyS0 bogus  --  "
		      "/p -- --x  ",
		      &sp, &err),
		0);
	CU_ASSERT_EQUAL(sp.nunknown, 2);
	CU_ASSERT_STRING_EQUAL(sp.unknown[0], "console=ttyS0");
	CU_ASSERT_STRING_EQUAL(sp.unknown[1], "bogus");
	CU_ASSERT_EQUAL(sp.argc, 3);
	CU_ASSERT_STRING_EQUAL(sp.argv[1], "--");
	CU_ASSERT_STRING_EQUAL(sp.argv[2], "--x");
}

static void test_escapes(void)
{
	struct spec sp;
	const char *err;

	CU_ASSERT_EQUAL_FATAL(
		parse("env=X=%25%7e%0a -- %2fbin%2Fsh a%20b%09", &sp, &err), 0);
	CU_ASSERT_STRING_EQUAL(sp.envp[0], "X=%~\n");
	CU_ASSERT_STRING_EQUAL(sp.argv[0], "/bin/sh");
	CU_ASSERT_STRING_EQUAL(sp.argv[1], "a b\t");
	/* An escaped "--" is an argument, not the separator. */
	CU_ASSERT_EQUAL_FATAL(parse("%2d%2d -- x", &sp, &err), 0);
	CU_ASSERT_EQUAL(sp.nunknown, 1);
	CU_ASSERT_STRING_EQUAL(sp.unknown[0], "--");
	/* "%-" is the empty token; "%-x" is a bad escape. */
	CU_ASSERT_EQUAL_FATAL(parse("-- /bin/sh -c %- x", &sp, &err), 0);
	CU_ASSERT_EQUAL(sp.argc, 4);
	CU_ASSERT_STRING_EQUAL(sp.argv[2], "");
	CU_ASSERT_STRING_EQUAL(sp.argv[3], "x");
	CU_ASSERT_NOT_EQUAL(parse("-- /bin/sh %-x", &sp, &err), 0);
	CU_ASSERT_NOT_EQUAL(parse("-- %-", &sp, &err), 0);
}

static void test_hostile(void)
{
	static const char *bad[] = {
		"",	  "   ",      "env=A=1",      "--",
		"-- ",	  "-- %",     "-- %4",	      "-- %zz",
		"-- a%0", "-- a%00b", "env==x -- /p", "env= -- /p",
		"-- %2",  "--%20 /p", "-- %",
	};
	struct spec sp;
	const char *err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = parse(bad[i], &sp, &err);

		CU_ASSERT(rc < 0);
		CU_ASSERT_PTR_NOT_NULL(err);
		if (rc >= 0)
			fprintf(stderr, "accepted: \"%s\"\n", bad[i]);
	}
}

static void test_limits(void)
{
	static char big[SPEC_ARGV_MAX * 3 + 64];
	struct spec sp;
	const char *err;
	size_t o = 0;

	o += (size_t)sprintf(big + o, "--");
	for (int i = 0; i < SPEC_ARGV_MAX; i++)
		o += (size_t)sprintf(big + o, " a");
	CU_ASSERT_EQUAL(parse(big, &sp, &err), 0);
	CU_ASSERT_EQUAL(sp.argc, SPEC_ARGV_MAX);
	sprintf(big + o, " b");
	CU_ASSERT(parse(big, &sp, &err) < 0);
	/* Embedded NUL ends the spec; no overrun past len. */
	memcpy(buf, "-- /a\0 b c", 10);
	CU_ASSERT_EQUAL(spec_parse(buf, 10, &sp, &err), 0);
	CU_ASSERT_EQUAL(sp.argc, 1);
}

static void test_user(void)
{
	struct spec sp;
	const char *err;

	CU_ASSERT_EQUAL_FATAL(
		parse("user=postgres:ssl%2Dcert -- /bin/id", &sp, &err), 0);
	CU_ASSERT_STRING_EQUAL(sp.user, "postgres:ssl-cert");
	CU_ASSERT_EQUAL(sp.nunknown, 0);
	CU_ASSERT_EQUAL_FATAL(parse("-- /bin/id", &sp, &err), 0);
	CU_ASSERT_PTR_NULL(sp.user);
	CU_ASSERT_EQUAL(parse("user= -- /bin/id", &sp, &err), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "user option without a user");
	CU_ASSERT_EQUAL(parse("user=%- -- /bin/id", &sp, &err), -EINVAL);
	CU_ASSERT_EQUAL_FATAL(
		parse("group=audio group=27 -- /bin/id", &sp, &err), 0);
	CU_ASSERT_EQUAL_FATAL(sp.ngroups, 2);
	CU_ASSERT_STRING_EQUAL(sp.groups[0], "audio");
	CU_ASSERT_STRING_EQUAL(sp.groups[1], "27");
	CU_ASSERT_EQUAL(parse("group= -- /bin/id", &sp, &err), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "group option without a group");
}

/* "rlimit=RES:SOFT:HARD": numbers or inf, soft <= hard, one per resource. */
static void test_rlimits(void)
{
	static const char *const bad[] = {
		"rlimit=7:1024 -- /bin/sh",
		"rlimit=16:1:1 -- /bin/sh",
		"rlimit=7:a:1 -- /bin/sh",
		"rlimit=7:1:1:1 -- /bin/sh",
		"rlimit=:1:1 -- /bin/sh",
		"rlimit=7::1 -- /bin/sh",
		"rlimit=7:01:1 -- /bin/sh",
		"rlimit=7:-1:1 -- /bin/sh",
		"rlimit=7:18446744073709551616:inf -- /bin/sh",
		"rlimit=7:infinity:inf -- /bin/sh",
		"rlimit= -- /bin/sh",
	};
	struct spec sp;
	const char *err;

	CU_ASSERT_EQUAL_FATAL(
		parse("rlimit=7:1024:2048 rlimit=3:inf:inf "
		      "rlimit=1:0:18446744073709551615 -- /bin/sh",
		      &sp, &err),
		0);
	CU_ASSERT_EQUAL_FATAL(sp.nrlimits, 3);
	CU_ASSERT_EQUAL(sp.rlimits[0].res, 7);
	CU_ASSERT_EQUAL(sp.rlimits[0].soft, 1024);
	CU_ASSERT_EQUAL(sp.rlimits[0].hard, 2048);
	CU_ASSERT_EQUAL(sp.rlimits[1].res, 3);
	CU_ASSERT_EQUAL(sp.rlimits[1].soft, SPEC_RLIM_INFINITY);
	CU_ASSERT_EQUAL(sp.rlimits[2].soft, 0);
	CU_ASSERT_EQUAL(sp.rlimits[2].hard, SPEC_RLIM_INFINITY);
	CU_ASSERT_EQUAL(sp.nunknown, 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(parse(bad[i], &sp, &err), -EINVAL);
		CU_ASSERT_STRING_EQUAL(err, "rlimit option: expected "
					    "RESOURCE:SOFT:HARD");
	}
	CU_ASSERT_EQUAL(parse("rlimit=7:2:1 -- /bin/sh", &sp, &err), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err,
			       "rlimit option: soft limit above the hard one");
	CU_ASSERT_EQUAL(parse("rlimit=7:1:1 rlimit=7:2:2 -- /bin/sh", &sp,
			      &err),
			-EINVAL);
	CU_ASSERT_STRING_EQUAL(err, "rlimit option: a resource given twice");
}

/* One limit of an exec's list (lib/podio.h): bounded by its length. */
static void test_rlimit_parse(void)
{
	static const char list[] = "7:64:128 1:inf:inf";
	struct spec_rlimit r;
	const char *err;

	CU_ASSERT_EQUAL_FATAL(spec_rlimit_parse(list, 8, &r, &err), 0);
	CU_ASSERT_EQUAL(r.res, 7);
	CU_ASSERT_EQUAL(r.soft, 64);
	CU_ASSERT_EQUAL(r.hard, 128);
	CU_ASSERT_EQUAL_FATAL(spec_rlimit_parse(list + 9, 9, &r, &err), 0);
	CU_ASSERT_EQUAL(r.res, 1);
	CU_ASSERT_EQUAL(r.soft, SPEC_RLIM_INFINITY);
	CU_ASSERT_EQUAL(spec_rlimit_parse(list, sizeof(list) - 1, &r, &err),
			-EINVAL);
	CU_ASSERT_EQUAL(spec_rlimit_parse(list, 6, &r, &err), -EINVAL);
	CU_ASSERT_EQUAL(spec_rlimit_parse(list, 0, &r, &err), -EINVAL);
	CU_ASSERT_EQUAL(spec_rlimit_parse("7:9:8", 5, &r, &err), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err,
			       "rlimit option: soft limit above the hard one");
}

static void test_user_groups_limit(void)
{
	static char text[SPEC_GROUPS_MAX * 12 + 64];
	struct spec sp;
	const char *err;
	size_t n = 0;

	for (int i = 0; i <= SPEC_GROUPS_MAX; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "group=%d ",
				      i);
	snprintf(text + n, sizeof(text) - n, "-- /bin/id");
	CU_ASSERT_EQUAL(parse(text, &sp, &err), -E2BIG);
	CU_ASSERT_STRING_EQUAL(err, "too many group options");
}

static void test_fuzz_no_crash(void)
{
	struct spec sp;
	const char *err;
	static const char alpha[] = "-%2aZ0= .\t/";

	srand(42);
	for (int it = 0; it < 20000; it++) {
		size_t n = (size_t)(rand() % 40);

		for (size_t i = 0; i < n; i++)
			buf[i] = alpha[rand() % (sizeof(alpha) - 1)];
		err = NULL;
		if (spec_parse(buf, n, &sp, &err) == 0) {
			CU_ASSERT(sp.argc > 0 && sp.argv[sp.argc] == NULL);
		} else {
			CU_ASSERT_PTR_NOT_NULL(err);
		}
	}
}

static void test_tmpfs_readonly(void)
{
	static const char *const bad[] = {
		"tmpfs=1,1777,0 -- /p", /* no path */
		"tmpfs=1,1777,0,run -- /p", /* not absolute */
		"tmpfs=,1777,0,/run -- /p", /* no size */
		"tmpfs=1,17778,0,/run -- /p", /* not octal */
		"tmpfs=1,17777,0,/run -- /p", /* above 07777 */
		"tmpfs=1,1777,2,/run -- /p", /* ro not 0/1 */
		"tmpfs=1099511627777,1777,0,/run -- /p", /* above 1 TiB */
		"tmpfs=99999999999999999999999,1,0,/r -- /p", /* overflow */
		"tmpfs=-1,1777,0,/run -- /p",
		"readonly=yes -- /p",
		"readonly=11 -- /p",
	};
	char many[1024] = "";
	struct spec sp;
	const char *err;

	CU_ASSERT_EQUAL_FATAL(
		parse("tmpfs=1048576,1777,0,/run tmpfs=0,750,1,/a,b%20c "
		      "readonly=1 -- /p",
		      &sp, &err),
		0);
	CU_ASSERT_EQUAL(sp.ntmpfs, 2);
	CU_ASSERT_STRING_EQUAL(sp.tmpfs[0].path, "/run");
	CU_ASSERT_EQUAL(sp.tmpfs[0].size, 1048576);
	CU_ASSERT_EQUAL(sp.tmpfs[0].mode, 01777);
	CU_ASSERT_EQUAL(sp.tmpfs[0].read_only, 0);
	CU_ASSERT_STRING_EQUAL(sp.tmpfs[1].path, "/a,b c");
	CU_ASSERT_EQUAL(sp.tmpfs[1].size, 0);
	CU_ASSERT_EQUAL(sp.tmpfs[1].mode, 0750);
	CU_ASSERT_EQUAL(sp.tmpfs[1].read_only, 1);
	CU_ASSERT_EQUAL(sp.read_only, 1);
	CU_ASSERT_EQUAL(sp.nunknown, 0);
	CU_ASSERT_EQUAL(parse("readonly=0 -- /p", &sp, &err), 0);
	CU_ASSERT_EQUAL(sp.read_only, 0);
	CU_ASSERT_EQUAL(parse("tmpfs=1099511627776,7777,1,/x -- /p", &sp, &err),
			0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(parse(bad[i], &sp, &err), -EINVAL);
		CU_ASSERT_PTR_NOT_NULL(err);
	}
	for (int i = 0; i < SPEC_TMPFS_MAX; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many),
			 "tmpfs=1,1777,0,/t%d ", i);
	strcat(many, "-- /p");
	CU_ASSERT_EQUAL(parse(many, &sp, &err), 0);
	CU_ASSERT_EQUAL(sp.ntmpfs, SPEC_TMPFS_MAX);
	memmove(many + 17, many, strlen(many) + 1);
	memcpy(many, "tmpfs=1,1,0,/t9 ", 17);
	many[16] = ' ';
	CU_ASSERT_EQUAL(parse(many, &sp, &err), -E2BIG);
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("guest_spec", NULL, NULL);
	CU_add_test(s, "basic", test_basic);
	CU_add_test(s, "kernel params and unknown",
		    test_kernel_params_and_unknown);
	CU_add_test(s, "escapes", test_escapes);
	CU_add_test(s, "hostile", test_hostile);
	CU_add_test(s, "limits", test_limits);
	CU_add_test(s, "user", test_user);
	CU_add_test(s, "user groups limit", test_user_groups_limit);
	CU_add_test(s, "tmpfs and readonly", test_tmpfs_readonly);
	CU_add_test(s, "rlimits", test_rlimits);
	CU_add_test(s, "rlimit_parse", test_rlimit_parse);
	CU_add_test(s, "fuzz", test_fuzz_no_crash);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
