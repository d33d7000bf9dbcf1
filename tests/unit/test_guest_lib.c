/* SPDX-License-Identifier: MIT */
/* test_guest_lib.c: host tests of the guest's freestanding string and printf code. */
#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>
#include <limits.h>
#include <stdint.h>

#include "lib/errno.h"
#include "lib/fmt.h"
#include "lib/string.h"

static void test_mem(void)
{
	char buf[16] = "abcdefghij";

	CU_ASSERT_PTR_EQUAL(memmove(buf + 2, buf, 5), buf + 2);
	CU_ASSERT_NSTRING_EQUAL(buf, "ababcdehij", 10);
	memmove(buf, buf + 2, 5);
	CU_ASSERT_NSTRING_EQUAL(buf, "abcdedehij", 10);
	memset(buf, 'x', 3);
	CU_ASSERT_NSTRING_EQUAL(buf, "xxxdedehij", 10);
	CU_ASSERT(memcmp("abc", "abd", 3) < 0);
	CU_ASSERT(memcmp("abd", "abc", 3) > 0);
	CU_ASSERT_EQUAL(memcmp("\xff", "\x01", 1) > 0, 1); /* unsigned */
	CU_ASSERT_PTR_EQUAL(memchr("hello", 'l', 5), (char *)"hello" + 2);
	CU_ASSERT_PTR_NULL(memchr("hello", 'z', 5));
}

static void test_str(void)
{
	char buf[8];

	CU_ASSERT_EQUAL(strlen(""), 0);
	CU_ASSERT_EQUAL(strnlen("abcdef", 3), 3);
	CU_ASSERT(strcmp("a", "b") < 0);
	CU_ASSERT(strcmp("b", "a") > 0);
	CU_ASSERT_EQUAL(strcmp("same", "same"), 0);
	CU_ASSERT(strcmp("ab", "abc") < 0);
	CU_ASSERT_EQUAL(strncmp("abcX", "abcY", 3), 0);
	CU_ASSERT_PTR_EQUAL(strrchr("a/b/c", '/'), (char *)"a/b/c" + 3);
	CU_ASSERT_PTR_EQUAL(strchr("abc", '\0'), (char *)"abc" + 3);
	CU_ASSERT_EQUAL(strlcpy(buf, "truncated!", sizeof(buf)), 10);
	CU_ASSERT_STRING_EQUAL(buf, "truncat");
	CU_ASSERT_EQUAL(strlcpy(buf, "ab", sizeof(buf)), 2);
	CU_ASSERT_EQUAL(strlcat(buf, "cdefgh", sizeof(buf)), 8);
	CU_ASSERT_STRING_EQUAL(buf, "abcdefg");
}

static void test_strtou64(void)
{
	unsigned long long v = 0;

	CU_ASSERT_EQUAL(strtou64("1234", 4, 10, ULLONG_MAX, &v), 0);
	CU_ASSERT_EQUAL(v, 1234);
	CU_ASSERT_EQUAL(strtou64("ff", 2, 16, ULLONG_MAX, &v), 0);
	CU_ASSERT_EQUAL(v, 255);
	CU_ASSERT_EQUAL(strtou64("", 0, 10, ULLONG_MAX, &v), -EINVAL);
	CU_ASSERT_EQUAL(strtou64(" 5", 2, 10, ULLONG_MAX, &v), -EINVAL);
	CU_ASSERT_EQUAL(strtou64("5abc", 4, 10, ULLONG_MAX, &v), -EINVAL);
	CU_ASSERT_EQUAL(strtou64("-1", 2, 10, ULLONG_MAX, &v), -EINVAL);
	CU_ASSERT_EQUAL(strtou64("0x10", 4, 16, ULLONG_MAX, &v), -EINVAL);
	CU_ASSERT_EQUAL(
		strtou64("18446744073709551615", 20, 10, ULLONG_MAX, &v), 0);
	CU_ASSERT_EQUAL(v, ULLONG_MAX);
	CU_ASSERT_EQUAL(strtou64("18446744073709551616", 20, 10, ULLONG_MAX,
				 &v),
			-ERANGE);
	CU_ASSERT_EQUAL(strtou64("256", 3, 10, 255, &v), -ERANGE);
	CU_ASSERT_EQUAL(strtou64("255", 3, 10, 255, &v), 0);
}

#define FMT(expect, ...)                                            \
	do {                                                        \
		char b_[128];                                       \
		int n_ = fmt_snprintf(b_, sizeof(b_), __VA_ARGS__); \
		CU_ASSERT_STRING_EQUAL(b_, expect);                 \
		CU_ASSERT_EQUAL(n_, (int)strlen(expect));           \
	} while (0)

/* The odd cases below (unknown conversion, NULL %s) are deliberate. */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#pragma GCC diagnostic ignored "-Wformat-overflow"

static void test_printf(void)
{
	FMT("42 -7 0", "%d %i %u", 42, -7, 0u);
	FMT("ff FF 0xff 777", "%x %X %#x %o", 255u, 255u, 255u, 0777u);
	FMT("[   5] [5   ] [00005]", "[%4d] [%-4d] [%05d]", 5, 5, 5);
	FMT("-9223372036854775808", "%ld", LONG_MIN);
	FMT("18446744073709551615", "%llu", ULLONG_MAX);
	FMT("ffffffffffffffff", "%lx", ~0ul);
	FMT("abc|ab|  abc", "%s|%.2s|%5s", "abc", "abc", "abc");
	FMT("(null)", "%s", (char *)NULL);
	FMT("x%", "%c%%", 'x');
	FMT("0x1000", "%p", (void *)0x1000);
	FMT("%q", "%q");
	FMT("  -3", "%*d", 4, -3);
	FMT("+3  3", "%+d %2d", 3, 3);
	FMT("12", "%zu", (size_t)12);
	FMT("-1 255", "%hhd %hhu", 255, 255);
}

static void test_printf_truncation(void)
{
	char b[5];

	CU_ASSERT_EQUAL(fmt_snprintf(b, sizeof(b), "%s", "hello world"), 11);
	CU_ASSERT_STRING_EQUAL(b, "hell");
	CU_ASSERT_EQUAL(fmt_snprintf(NULL, 0, "%d", 12345), 5);
	b[0] = 'z';
	CU_ASSERT_EQUAL(fmt_snprintf(b, 1, "abc"), 3);
	CU_ASSERT_EQUAL(b[0], '\0');
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("guest_lib", NULL, NULL);
	CU_add_test(s, "mem", test_mem);
	CU_add_test(s, "str", test_str);
	CU_add_test(s, "strtou64", test_strtou64);
	CU_add_test(s, "printf", test_printf);
	CU_add_test(s, "printf_truncation", test_printf_truncation);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
