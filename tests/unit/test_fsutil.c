/* SPDX-License-Identifier: MIT */
/* test_fsutil: the crash-safe file replace leaves the new file or the old one, never a temporary. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "fsutil.h"

static char dir[64];

static int count_entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void read_back(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, size - 1);

	buf[n < 0 ? 0 : n] = '\0';
	if (fd >= 0)
		close(fd);
}

static void test_replace(void)
{
	char path[128], buf[64];
	struct stat st;

	snprintf(path, sizeof(path), "%s/state", dir);
	CU_ASSERT_EQUAL(fs_write_atomic(path, "one", 3, 0600), 0);
	CU_ASSERT_EQUAL(fs_write_atomic(path, "second", 6, 0640), 0);
	read_back(path, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "second");
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0640);
	CU_ASSERT_EQUAL(count_entries(), 1); /* no temporary left */
	CU_ASSERT_EQUAL(fs_write_atomic(path, "", 0, 0600), 0);
	read_back(path, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "");
}

static void test_errors(void)
{
	char path[128], buf[64];

	/* A directory in the way: the rename fails, nothing is left. */
	snprintf(path, sizeof(path), "%s/sub", dir);
	CU_ASSERT_EQUAL(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/sub/x", dir);
	CU_ASSERT_EQUAL(mkdir(path, 0700), 0);
	CU_ASSERT_EQUAL(fs_write_atomic(path, "x", 1, 0600), -EISDIR);
	snprintf(path, sizeof(path), "%s/sub", dir);
	CU_ASSERT_EQUAL(fs_fsync_dir(path), 0);
	snprintf(path, sizeof(path), "%s/missing/x", dir);
	CU_ASSERT_EQUAL(fs_write_atomic(path, "x", 1, 0600), -ENOENT);
	CU_ASSERT_EQUAL(fs_fsync_dir(path), -ENOENT);
	CU_ASSERT_EQUAL(fs_fsync_parent("/x"), 0);
	CU_ASSERT_EQUAL(fs_fsync_parent("bare"), 0);
	snprintf(path, sizeof(path), "%s/state", dir);
	read_back(path, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "");
	snprintf(path, sizeof(path), "%s/sub/x", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/sub", dir);
	CU_ASSERT_EQUAL(rmdir(path), 0); /* empty: no temporary left in it */
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;
	char path[128];

	snprintf(dir, sizeof(dir), "/tmp/test_fsutil.XXXXXX");
	if (!mkdtemp(dir) || CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("fsutil", NULL, NULL);
	CU_add_test(s, "replace", test_replace);
	CU_add_test(s, "errors", test_errors);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	snprintf(path, sizeof(path), "%s/state", dir);
	unlink(path);
	rmdir(dir);
	return fails ? 1 : 0;
}
