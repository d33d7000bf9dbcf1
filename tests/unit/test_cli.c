/* SPDX-License-Identifier: MIT */
/* test_cli: the CLI's pure helpers: names, strict numbers, times, ages, run specs, exit statuses, tables. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "cli/output.h"
#include "cli/util.h"

static void test_names(void)
{
	char max[XP_NAME_MAX + 2];

	CU_ASSERT(xp_name_valid("a"));
	CU_ASSERT(xp_name_valid("web1"));
	CU_ASSERT(xp_name_valid("0ab_c.d-e"));
	CU_ASSERT(xp_name_valid("A-"));
	CU_ASSERT(!xp_name_valid(NULL));
	CU_ASSERT(!xp_name_valid(""));
	CU_ASSERT(!xp_name_valid("-a"));
	CU_ASSERT(!xp_name_valid("_a"));
	CU_ASSERT(!xp_name_valid(".a"));
	CU_ASSERT(!xp_name_valid(".."));
	CU_ASSERT(!xp_name_valid("a/b"));
	CU_ASSERT(!xp_name_valid("a b"));
	CU_ASSERT(!xp_name_valid("a\n"));
	CU_ASSERT(!xp_name_valid("caf\xc3\xa9"));
	memset(max, 'x', XP_NAME_MAX);
	max[XP_NAME_MAX] = '\0';
	CU_ASSERT(xp_name_valid(max));
	max[XP_NAME_MAX] = 'x';
	max[XP_NAME_MAX + 1] = '\0';
	CU_ASSERT(!xp_name_valid(max));
}

static void test_numbers(void)
{
	uint64_t v = 99;

	CU_ASSERT_EQUAL(cli_parse_uint("0", 0, 10, &v), 0);
	CU_ASSERT_EQUAL(v, 0);
	CU_ASSERT_EQUAL(cli_parse_uint("65536", 4, 65536, &v), 0);
	CU_ASSERT_EQUAL(v, 65536);
	CU_ASSERT_EQUAL(cli_parse_uint("007", 0, 10, &v), 0);
	CU_ASSERT_EQUAL(v, 7);
	CU_ASSERT_EQUAL(
		cli_parse_uint("18446744073709551615", 0, UINT64_MAX, &v), 0);
	CU_ASSERT_EQUAL(v, UINT64_MAX);
	v = 42;
	CU_ASSERT_EQUAL(cli_parse_uint("3", 4, 10, &v), -ERANGE);
	CU_ASSERT_EQUAL(cli_parse_uint("65537", 4, 65536, &v), -ERANGE);
	CU_ASSERT_EQUAL(cli_parse_uint("18446744073709551616", 0, UINT64_MAX,
				       &v),
			-ERANGE);
	CU_ASSERT_EQUAL(cli_parse_uint("99999999999999999999999", 0, 10, &v),
			-ERANGE);
	CU_ASSERT_EQUAL(v, 42); /* untouched on error */
	CU_ASSERT_EQUAL(cli_parse_uint("", 0, 10, &v), -EINVAL);
	CU_ASSERT_EQUAL(cli_parse_uint(NULL, 0, 10, &v), -EINVAL);
	CU_ASSERT_EQUAL(cli_parse_uint("-1", 0, 10, &v), -EINVAL);
	CU_ASSERT_EQUAL(cli_parse_uint("+1", 0, 10, &v), -EINVAL);
	CU_ASSERT_EQUAL(cli_parse_uint(" 1", 0, 10, &v), -EINVAL);
	CU_ASSERT_EQUAL(cli_parse_uint("1 ", 0, 10, &v), -EINVAL);
	CU_ASSERT_EQUAL(cli_parse_uint("5s", 0, 10, &v), -EINVAL);
	CU_ASSERT_EQUAL(cli_parse_uint("0x10", 0, 100, &v), -EINVAL);
	CU_ASSERT_EQUAL(cli_parse_uint("1e3", 0, 10000, &v), -EINVAL);
	CU_ASSERT_EQUAL(cli_parse_uint("99999999999999999999x", 0, 10, &v),
			-EINVAL);
	CU_ASSERT_EQUAL(v, 42);
}

static void test_times(void)
{
	time_t t = 0;

	CU_ASSERT_EQUAL(cli_parse_time("1970-01-01T00:00:00Z", &t), 0);
	CU_ASSERT_EQUAL(t, 0);
	CU_ASSERT_EQUAL(cli_parse_time("2026-11-26T18:20:20Z", &t), 0);
	CU_ASSERT_EQUAL(t, 1795717220);
	CU_ASSERT_EQUAL(cli_parse_time("2026-11-26T18:20:20.123456Z", &t), 0);
	CU_ASSERT_EQUAL(t, 1795717220);
	CU_ASSERT_EQUAL(cli_parse_time("2026-11-26T19:20:20+01:00", &t), 0);
	CU_ASSERT_EQUAL(t, 1795717220);
	CU_ASSERT_EQUAL(cli_parse_time("2026-11-26T17:50:20-00:30", &t), 0);
	CU_ASSERT_EQUAL(t, 1795717220);
	CU_ASSERT_EQUAL(cli_parse_time(NULL, &t), -EINVAL);
	CU_ASSERT_EQUAL(cli_parse_time("", &t), -EINVAL);
	CU_ASSERT_EQUAL(cli_parse_time("2026-11-26", &t), -EINVAL);
	CU_ASSERT_EQUAL(cli_parse_time("2026-11-26T18:20:20", &t), -EINVAL);
	CU_ASSERT_EQUAL(cli_parse_time("2026-11-26T18:20:20Zx", &t), -EINVAL);
	CU_ASSERT_EQUAL(cli_parse_time("2026-13-26T18:20:20Z", &t), -EINVAL);
	CU_ASSERT_EQUAL(cli_parse_time("2026-11-26T24:00:00Z", &t), -EINVAL);
	CU_ASSERT_EQUAL(cli_parse_time("2026-11-26T18:20:20.Z", &t), -EINVAL);
	CU_ASSERT_EQUAL(cli_parse_time("2026-1-26T18:20:20Z", &t), -EINVAL);
	CU_ASSERT_EQUAL(cli_parse_time("2026-11-26T18:20:20+0100", &t),
			-EINVAL);
}

static void age_is(int64_t secs, const char *want)
{
	char buf[16];

	cli_format_age(secs, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, want);
}

static void test_ages(void)
{
	age_is(-5, "0s"); /* clock skew */
	age_is(0, "0s");
	age_is(59, "59s");
	age_is(60, "1m");
	age_is(3599, "59m");
	age_is(3600, "1h");
	age_is(86399, "23h");
	age_is(86400, "1d");
	age_is(400 * 86400 + 5, "400d");
}

static void test_env(void)
{
	CU_ASSERT(cli_env_valid("A=1"));
	CU_ASSERT(cli_env_valid("A="));
	CU_ASSERT(cli_env_valid("A=b=c"));
	CU_ASSERT(!cli_env_valid("A"));
	CU_ASSERT(!cli_env_valid("=1"));
	CU_ASSERT(!cli_env_valid(""));
}

static void spec_is(const struct cli_run_opts *o, const char *want)
{
	char *got = cli_build_run_params(o);

	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	if (strcmp(got, want))
		fprintf(stderr, "\n got:  %s\n want: %s\n", got, want);
	CU_ASSERT_STRING_EQUAL(got, want);
	free(got);
}

static void test_run_spec(void)
{
	char a0[] = "/bin/sh", a1[] = "-c", a2[] = "echo \"$A\"";
	char *cmd[] = { a0, a1, a2, NULL };
	char *none[] = { NULL };
	const char *env[] = { "A=1", "B=x y" };
	struct cli_run_opts o = { .image = "/srv/img" };
	struct tmpfs_arg t[2];
	char why[200];

	spec_is(&o, "{\"spec\":{\"image\":\"/srv/img\"}}");
	o.command = none;
	spec_is(&o, "{\"spec\":{\"image\":\"/srv/img\"}}");
	o = (struct cli_run_opts){
		.name = "web1",
		.image = "/srv/img",
		.command = cmd,
		.env = env,
		.n_env = 2,
		.cwd = "/tmp",
		.memory_mib = 64,
		.vcpus = 2,
	};
	spec_is(&o, "{\"spec\":{\"name\":\"web1\",\"image\":\"/srv/img\","
		    "\"command\":[\"/bin/sh\",\"-c\",\"echo \\\"$A\\\"\"],"
		    "\"env\":[\"A=1\",\"B=x y\"],\"cwd\":\"/tmp\","
		    "\"memory_mib\":64,\"vcpus\":2}}");
	o = (struct cli_run_opts){ .image = "/srv/img", .user = "app:staff" };
	spec_is(&o,
		"{\"spec\":{\"image\":\"/srv/img\",\"user\":\"app:staff\"}}");
	/* --tmpfs (size only when given) and --read-only */
	CU_ASSERT_EQUAL_FATAL(
		tmpfs_parse("/run:size=1k", &t[0], why, sizeof(why)), 0);
	CU_ASSERT_EQUAL_FATAL(
		tmpfs_parse("/x:ro,mode=700", &t[1], why, sizeof(why)), 0);
	o = (struct cli_run_opts){
		.image = "/srv/img", .tmpfs = t, .n_tmpfs = 2, .read_only = true
	};
	spec_is(&o, "{\"spec\":{\"image\":\"/srv/img\",\"tmpfs\":["
		    "{\"path\":\"/run\",\"size\":1024,\"mode\":1023},"
		    "{\"path\":\"/x\",\"mode\":448,\"ro\":true}],"
		    "\"read_only\":true}}");
}

static void test_exit_status(void)
{
	CU_ASSERT_EQUAL(cli_exit_status("stopped", "poweroff", true, 0), 0);
	CU_ASSERT_EQUAL(cli_exit_status("stopped", "poweroff", true, 7), 7);
	CU_ASSERT_EQUAL(cli_exit_status("stopped", "poweroff", true, 256), 0);
	CU_ASSERT_EQUAL(cli_exit_status("stopped", "killed", false, 0), 137);
	CU_ASSERT_EQUAL(cli_exit_status("stopped", "killed", true, 3), 137);
	CU_ASSERT_EQUAL(cli_exit_status("stopped", "timeout", false, 0), 137);
	CU_ASSERT_EQUAL(cli_exit_status("stopped", "stopped", false, 0), 143);
	CU_ASSERT_EQUAL(cli_exit_status("stopped", "stopped", true, 0), 0);
	CU_ASSERT_EQUAL(cli_exit_status("stopped", "poweroff", false, 0), 143);
	CU_ASSERT_EQUAL(cli_exit_status("stopped", "crash", true, 0), 125);
	CU_ASSERT_EQUAL(cli_exit_status("failed", "failed: no init", false, 0),
			125);
	CU_ASSERT_EQUAL(cli_exit_status("failed", NULL, false, 0), 125);
	/* The guest kernel died (a triple fault, a panic): 137, as docker's killed. */
	CU_ASSERT_EQUAL(
		cli_exit_status(
			"failed",
			"crashed: the guest kernel rebooted (triple fault?)",
			true, 137),
		137);
	CU_ASSERT_EQUAL(cli_exit_status("failed", "crashed: x", false, 0), 137);
	CU_ASSERT_EQUAL(cli_exit_status("failed",
					"failed: the domain was suspended",
					false, 0),
			125);
	CU_ASSERT_EQUAL(cli_exit_status("stopped", NULL, false, 0), 125);
	CU_ASSERT_EQUAL(cli_exit_status(NULL, NULL, true, 5), 5);
}

static void test_table(void)
{
	static const char *const heads[] = { "NAME", ">ID", "IMAGE" };
	const char *r1[] = { "web1", "5", "/srv/a" };
	const char *r2[] = { "b", NULL, "/x" };
	struct table t;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	table_init(&t, 3, heads);
	CU_ASSERT_EQUAL(table_add(&t, r1), 0);
	CU_ASSERT_EQUAL(table_add(&t, r2), 0);
	table_print(&t, f);
	table_free(&t);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(text, "NAME  ID  IMAGE\n"
				     "web1   5  /srv/a\n"
				     "b      -  /x\n");
	free(text);
}

int main(void)
{
	unsigned fails;
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("cli", NULL, NULL);
	CU_add_test(s, "names", test_names);
	CU_add_test(s, "numbers", test_numbers);
	CU_add_test(s, "times", test_times);
	CU_add_test(s, "ages", test_ages);
	CU_add_test(s, "env", test_env);
	CU_add_test(s, "run_spec", test_run_spec);
	CU_add_test(s, "exit_status", test_exit_status);
	CU_add_test(s, "table", test_table);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
