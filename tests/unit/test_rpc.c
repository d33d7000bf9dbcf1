/* SPDX-License-Identifier: MIT */
/* test_rpc: golden request/response pairs (tests/data/rpc) and permission checks. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "harness.h"
#include "json.h"

static struct harness H;

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f)
		return NULL;
	n = getline(&buf, &cap, f);
	fclose(f);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return buf;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One case: send NAME.req, compare the reply with NAME.resp (or write it when updating). */
static void run_case(const char *dir, const char *base, bool update)
{
	char path[1024];
	char *req, *want, *got;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.req", dir, base);
	req = slurp(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(req);
	got = harness_raw(&H, H.cfd, req, 5000);
	CU_ASSERT_PTR_NOT_NULL(got);
	snprintf(path, sizeof(path), "%s/%s.resp", dir, base);
	if (update && got) {
		f = fopen(path, "w");
		fprintf(f, "%s\n", got);
		fclose(f);
	}
	want = slurp(path);
	if (!want || !got || strcmp(want, got) != 0) {
		fprintf(stderr, "\n%s:\n  want %s\n  got  %s\n", base,
			want ? want : "(no .resp)", got ? got : "(no reply)");
		CU_FAIL("golden response differs");
	}
	free(req);
	free(want);
	free(got);
}

static void test_golden(void)
{
	const char *srcdir = getenv("srcdir");
	bool update = getenv("XENPOD_GOLDEN_UPDATE") != NULL;
	char dir[512], *names[256] = { NULL };
	struct dirent *e;
	size_t n = 0, i, l;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/tests/data/rpc", srcdir ? srcdir : ".");
	d = opendir(dir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	while ((e = readdir(d)) && n < 256) {
		l = strlen(e->d_name);
		if (l > 4 && strcmp(e->d_name + l - 4, ".req") == 0)
			names[n++] = strndup(e->d_name, l - 4);
	}
	closedir(d);
	CU_ASSERT(n >= 30);
	qsort(names, n, sizeof(names[0]), cmp_str);
	CU_ASSERT_EQUAL_FATAL(harness_start(&H), 0);
	for (i = 0; i < n; i++) {
		run_case(dir, names[i], update);
		free(names[i]);
	}
	harness_stop(&H, true);
}

/* Group members (read-only) may query but not change pods; notifications get no reply. */
static void test_permissions(void)
{
	char *r;
	int ro;

	CU_ASSERT_EQUAL_FATAL(harness_start(&H), 0);
	ro = harness_connect(&H, true);
	CU_ASSERT_FATAL(ro >= 0);
	r = harness_raw(
		&H, ro,
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pod_create\",\"params\":{\"spec\":{\"image\":\"/x\"}}}",
		2000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_PTR_NOT_NULL(strstr(r, "\"code\":4"));
	free(r);
	r = harness_raw(
		&H, ro,
		"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"pod_list\"}", 2000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_STRING_EQUAL(
		r, "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"pods\":[]}}");
	free(r);
	/* A notification (no id) is executed silently: the next reply is for id 3. */
	r = harness_raw(
		&H, ro,
		"{\"jsonrpc\":\"2.0\",\"method\":\"daemon_hello\"}\n{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"pod_list\"}",
		2000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_PTR_NOT_NULL(strstr(r, "\"id\":3"));
	free(r);
	close(ro);
	harness_stop(&H, true);
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("rpc", NULL, NULL);
	CU_add_test(s, "golden", test_golden);
	CU_add_test(s, "permissions", test_permissions);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
