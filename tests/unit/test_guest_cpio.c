/* SPDX-License-Identifier: MIT */
/* test_guest_cpio: the guest's newc cpio reader and path checks, with hostile archives. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "lib/cpio.h"

static unsigned char ar[65536];
static size_t arlen;

static void pad(void)
{
	while (arlen % 4)
		ar[arlen++] = 0;
}

static void add(const char *name, unsigned mode, const char *data, size_t n)
{
	size_t nl = strlen(name) + 1;

	arlen += (size_t)sprintf(
		(char *)ar + arlen,
		"070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
		7u, mode, 0u, 0u, 1u, 1234u, n, 0u, 0u, 0u, 0u, nl, 0u);
	memcpy(ar + arlen, name, nl);
	arlen += nl;
	pad();
	memcpy(ar + arlen, data, n);
	arlen += n;
	pad();
}

static void build_good(void)
{
	arlen = 0;
	add(".", 040755, "", 0);
	add("bin", 040755, "", 0);
	add("bin/hello", 0100755, "HELLO", 5);
	add("bin/sh", 0120777, "hello", 5);
	add("TRAILER!!!", 0, "", 0);
}

static void test_good(void)
{
	struct cpio_reader r;
	struct cpio_entry e;
	const char *err = NULL;

	build_good();
	cpio_init(&r, ar, arlen);
	CU_ASSERT_EQUAL(cpio_next(&r, &e, &err), 1);
	CU_ASSERT_STRING_EQUAL(e.name, ".");
	CU_ASSERT_EQUAL(cpio_next(&r, &e, &err), 1);
	CU_ASSERT_STRING_EQUAL(e.name, "bin");
	CU_ASSERT_EQUAL(e.mode, 040755);
	CU_ASSERT_EQUAL(cpio_next(&r, &e, &err), 1);
	CU_ASSERT_STRING_EQUAL(e.name, "bin/hello");
	CU_ASSERT_EQUAL(e.size, 5);
	CU_ASSERT_EQUAL(memcmp(e.data, "HELLO", 5), 0);
	CU_ASSERT_EQUAL(e.mtime, 1234);
	CU_ASSERT_EQUAL(cpio_next(&r, &e, &err), 1);
	CU_ASSERT_EQUAL(e.mode, 0120777);
	CU_ASSERT_EQUAL(cpio_next(&r, &e, &err), 0);
	CU_ASSERT_EQUAL(cpio_next(&r, &e, &err), 0);
}

static void expect_fail(const char *what)
{
	struct cpio_reader r;
	struct cpio_entry e;
	const char *err = NULL;
	int rc;

	cpio_init(&r, ar, arlen);
	while ((rc = cpio_next(&r, &e, &err)) == 1)
		;
	CU_ASSERT_EQUAL(rc, -22);
	CU_ASSERT_PTR_NOT_NULL(err);
	if (rc != -22)
		fprintf(stderr, "%s: not rejected\n", what);
}

static void test_truncations(void)
{
	size_t full;

	build_good();
	full = arlen;
	/* Every truncation point inside an entry is rejected, never read
	 * past; cutting exactly between entries is accepted (no trailer). */
	for (size_t cut = 1; cut < full; cut++) {
		struct cpio_reader r;
		struct cpio_entry e;
		const char *err = NULL;
		unsigned char *copy = malloc(cut);
		int rc;

		memcpy(copy, ar, cut);
		cpio_init(&r, copy, cut);
		while ((rc = cpio_next(&r, &e, &err)) == 1)
			CU_ASSERT((const unsigned char *)e.data + e.size <=
				  copy + cut);
		CU_ASSERT(rc == 0 || (rc == -22 && err));
		free(copy);
	}
}

static void test_hostile_headers(void)
{
	build_good();
	ar[0] = 'X';
	expect_fail("bad magic");
	build_good();
	ar[6 + 8 * 6] = 'g'; /* filesize field */
	expect_fail("bad hex");
	arlen = 0;
	add("a", 0100644, "abc", 3);
	memcpy(ar + 6 + 8 * 6, "7FFFFFFF", 8); /* size past the end */
	expect_fail("size past end");
	arlen = 0;
	add("a", 0100644, "abc", 3);
	memcpy(ar + 6 + 8 * 11, "FFFFFFFF", 8); /* namesize huge */
	expect_fail("namesize");
	arlen = 0;
	add("a", 0100644, "abc", 3);
	memcpy(ar + 6 + 8 * 11, "00000000", 8); /* namesize 0 */
	expect_fail("namesize 0");
	arlen = 0;
	add("ab", 0100644, "", 0);
	ar[110 + 2] = 'x'; /* name not NUL-terminated */
	expect_fail("name nul");
	arlen = 0;
	add("ab", 0100644, "", 0);
	ar[110] = '\0'; /* embedded NUL */
	expect_fail("embedded nul");
	arlen = 0;
	add("a", 0100644, "", 0);
	memset(ar + arlen, 'z', 50); /* garbage tail */
	arlen += 50;
	expect_fail("garbage tail");
}

static long clean(const char *in, char *out)
{
	const char *err = NULL;
	long n = cpio_path_clean(in, out, 64, &err);

	if (n < 0)
		CU_ASSERT_PTR_NOT_NULL(err);
	return n;
}

static void test_paths(void)
{
	char out[64];

	CU_ASSERT_EQUAL(clean("./bin//sh/", out), 6);
	CU_ASSERT_STRING_EQUAL(out, "bin/sh");
	CU_ASSERT_EQUAL(clean(".", out), 0);
	CU_ASSERT_EQUAL(clean("a/./b", out), 3);
	CU_ASSERT_STRING_EQUAL(out, "a/b");
	CU_ASSERT_EQUAL(clean("..a/b..", out), 7);
	CU_ASSERT(clean("/etc/passwd", out) < 0);
	CU_ASSERT(clean("..", out) < 0);
	CU_ASSERT(clean("a/../../b", out) < 0);
	CU_ASSERT(clean("a/..", out) < 0);
	CU_ASSERT(clean("", out) < 0);
	CU_ASSERT(
		clean("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		      out) < 0);
}

static void test_fuzz(void)
{
	srand(7);
	for (int it = 0; it < 3000; it++) {
		struct cpio_reader r;
		struct cpio_entry e;
		const char *err = NULL;
		unsigned char *copy;
		int rc, k;

		build_good();
		for (k = rand() % 6; k >= 0; k--)
			ar[rand() % arlen] = (unsigned char)rand();
		copy = malloc(arlen);
		memcpy(copy, ar, arlen);
		cpio_init(&r, copy, arlen);
		while ((rc = cpio_next(&r, &e, &err)) == 1)
			CU_ASSERT((const unsigned char *)e.data + e.size <=
				  copy + arlen);
		free(copy);
	}
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("guest_cpio", NULL, NULL);
	CU_add_test(s, "good archive", test_good);
	CU_add_test(s, "truncations", test_truncations);
	CU_add_test(s, "hostile headers", test_hostile_headers);
	CU_add_test(s, "paths", test_paths);
	CU_add_test(s, "fuzz", test_fuzz);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
