/* SPDX-License-Identifier: MIT */
/* test_guest_passwd: docker's USER[:GROUP] against /etc/passwd and /etc/group texts, as the guest's init resolves it. */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "lib/passwd.h"

static const char passwd[] =
	"root:x:0:0:root:/root:/bin/sh\n"
	"# a comment\n"
	"\n"
	"daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
	"broken:x:notanumber:5:b:/b:/bin/sh\n"
	"short:x:7\n"
	"postgres:x:999:998:PostgreSQL:/var/lib/postgresql:/bin/bash\n"
	"nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin";
static const char group[] = "root:x:0:\n"
			    "daemon:x:1:postgres\n"
			    "postgres:x:998:\n"
			    "ssl-cert:x:101:postgres,other\n"
			    "users:x:100:otherpostgres\n"
			    "dup:x:101:\n"
			    "nogroup:x:65534:";

static enum user_error resolve(const char *spec, struct user_ids *u)
{
	memset(u, 0xa5, sizeof(*u));
	return user_resolve(spec, passwd, sizeof(passwd) - 1, group,
			    sizeof(group) - 1, u);
}

static void test_name(void)
{
	struct user_ids u;

	CU_ASSERT_EQUAL_FATAL(resolve("postgres", &u), USER_OK);
	CU_ASSERT_EQUAL(u.uid, 999);
	CU_ASSERT_EQUAL(u.gid, 998);
	CU_ASSERT_STRING_EQUAL(u.home, "/var/lib/postgresql");
	/* its gid, then every group listing it as a member (exact names) */
	CU_ASSERT_EQUAL_FATAL(u.ngroups, 3);
	CU_ASSERT_EQUAL(u.groups[0], 998);
	CU_ASSERT_EQUAL(u.groups[1], 1);
	CU_ASSERT_EQUAL(u.groups[2], 101);
	/* the last line needs no newline */
	CU_ASSERT_EQUAL_FATAL(resolve("nobody", &u), USER_OK);
	CU_ASSERT_EQUAL(u.uid, 65534);
	CU_ASSERT_STRING_EQUAL(u.home, "/nonexistent");
	CU_ASSERT_EQUAL(u.ngroups, 1);
	CU_ASSERT_EQUAL(u.groups[0], 65534);
}

static void test_numbers(void)
{
	struct user_ids u;

	/* a uid in passwd is that entry */
	CU_ASSERT_EQUAL_FATAL(resolve("999", &u), USER_OK);
	CU_ASSERT_EQUAL(u.gid, 998);
	CU_ASSERT_EQUAL(u.ngroups, 3);
	/* one that is not: gid 0, home "/", only group 0 (docker) */
	CU_ASSERT_EQUAL_FATAL(resolve("1000", &u), USER_OK);
	CU_ASSERT_EQUAL(u.uid, 1000);
	CU_ASSERT_EQUAL(u.gid, 0);
	CU_ASSERT_STRING_EQUAL(u.home, "/");
	CU_ASSERT_EQUAL(u.ngroups, 1);
	CU_ASSERT_EQUAL(u.groups[0], 0);
	/* docker compares "0999" with "999": no match, a bare number */
	CU_ASSERT_EQUAL_FATAL(resolve("0999", &u), USER_OK);
	CU_ASSERT_EQUAL(u.uid, 999);
	CU_ASSERT_EQUAL(u.gid, 0);
	CU_ASSERT_EQUAL(resolve("2147483647", &u), USER_OK);
	CU_ASSERT_EQUAL(resolve("2147483648", &u), USER_RANGE);
	CU_ASSERT_EQUAL(resolve("99999999999999999999", &u), USER_RANGE);
	CU_ASSERT_EQUAL(resolve("1000:2147483648", &u), USER_RANGE);
}

static void test_group(void)
{
	struct user_ids u;

	CU_ASSERT_EQUAL_FATAL(resolve("postgres:ssl-cert", &u), USER_OK);
	CU_ASSERT_EQUAL(u.uid, 999);
	CU_ASSERT_EQUAL(u.gid, 101); /* the first of the two 101s */
	CU_ASSERT_EQUAL(u.ngroups, 1); /* an explicit group: no others */
	CU_ASSERT_EQUAL(u.groups[0], 101);
	CU_ASSERT_EQUAL_FATAL(resolve("1000:1000", &u), USER_OK);
	CU_ASSERT_EQUAL(u.uid, 1000);
	CU_ASSERT_EQUAL(u.gid, 1000);
	CU_ASSERT_EQUAL_FATAL(resolve("nobody:0", &u), USER_OK);
	CU_ASSERT_EQUAL(u.gid, 0);
	CU_ASSERT_EQUAL(resolve("root:nosuch", &u), USER_NO_GROUP);
}

static void test_refused(void)
{
	struct user_ids u;

	CU_ASSERT_EQUAL(resolve("nosuch", &u), USER_NO_USER);
	/* broken entries match nothing */
	CU_ASSERT_EQUAL(resolve("broken", &u), USER_NO_USER);
	CU_ASSERT_EQUAL(resolve("short", &u), USER_NO_USER);
	CU_ASSERT_EQUAL(resolve("#", &u), USER_NO_USER);
	CU_ASSERT_EQUAL(resolve("", &u), USER_BAD);
	CU_ASSERT_EQUAL(resolve(":0", &u), USER_BAD);
	CU_ASSERT_EQUAL(resolve("root:", &u), USER_BAD);
	CU_ASSERT_EQUAL(resolve("-1", &u), USER_NO_USER);
}

static void test_more_groups(void)
{
	uint32_t gid = 7;

	CU_ASSERT_EQUAL(user_group("ssl-cert", group, sizeof(group) - 1, &gid),
			USER_OK);
	CU_ASSERT_EQUAL(gid, 101);
	CU_ASSERT_EQUAL(user_group("4242", group, sizeof(group) - 1, &gid),
			USER_OK);
	CU_ASSERT_EQUAL(gid, 4242);
	CU_ASSERT_EQUAL(user_group("wheel", group, sizeof(group) - 1, &gid),
			USER_NO_GROUP);
	CU_ASSERT_EQUAL(user_group("4294967296", NULL, 0, &gid), USER_RANGE);
	CU_ASSERT_EQUAL(user_group("", NULL, 0, &gid), USER_BAD);
}

static void test_no_files(void)
{
	struct user_ids u;

	CU_ASSERT_EQUAL(user_resolve("root", NULL, 0, NULL, 0, &u),
			USER_NO_USER);
	CU_ASSERT_EQUAL_FATAL(user_resolve("5:6", NULL, 0, NULL, 0, &u),
			      USER_OK);
	CU_ASSERT_EQUAL(u.uid, 5);
	CU_ASSERT_EQUAL(u.gid, 6);
	CU_ASSERT_EQUAL(user_resolve("5:wheel", NULL, 0, NULL, 0, &u),
			USER_NO_GROUP);
}

static void test_limits(void)
{
	static char big_group[USER_GROUPS_MAX * 16 + 64];
	static const char pw[] = "u:x:5:5::/home/u:/bin/sh\n";
	static char long_home[USER_HOME_MAX + 64];
	struct user_ids u;
	size_t n = 0;

	for (int i = 0; i <= USER_GROUPS_MAX; i++)
		n += (size_t)snprintf(big_group + n, sizeof(big_group) - n,
				      "g%d:x:%d:u\n", i, 100 + i);
	CU_ASSERT_EQUAL(user_resolve("u", pw, sizeof(pw) - 1, big_group, n, &u),
			USER_TOO_MANY_GROUPS);
	n = (size_t)snprintf(long_home, sizeof(long_home), "u:x:5:5::/");
	memset(long_home + n, 'h', USER_HOME_MAX);
	n += USER_HOME_MAX;
	memcpy(long_home + n, ":/bin/sh", 8);
	n += 8;
	CU_ASSERT_EQUAL(user_resolve("u", long_home, n, NULL, 0, &u), USER_BAD);
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("guest_passwd", NULL, NULL);
	CU_add_test(s, "name", test_name);
	CU_add_test(s, "numbers", test_numbers);
	CU_add_test(s, "group", test_group);
	CU_add_test(s, "refused", test_refused);
	CU_add_test(s, "more groups", test_more_groups);
	CU_add_test(s, "no files", test_no_files);
	CU_add_test(s, "limits", test_limits);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
