/* SPDX-License-Identifier: MIT */
/* test_json: strictness of the JSON parser and correctness of the writer. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "base64.h"
#include "json.h"

static struct json *parse(const char *s, char *err, size_t errsz)
{
	return json_parse(s, strlen(s), err, errsz);
}

static void expect_reject(const char *s, const char *reason_part)
{
	char err[256] = "";
	struct json *j = parse(s, err, sizeof(err));

	CU_ASSERT_PTR_NULL(j);
	json_free(j);
	CU_ASSERT(err[0] != '\0');
	if (reason_part && !strstr(err, reason_part)) {
		fprintf(stderr, "input %s: err \"%s\" lacks \"%s\"\n", s, err,
			reason_part);
		CU_FAIL("error text");
	}
}

static void test_parse_basic(void)
{
	char err[256];
	struct json *j = parse(
		"{\"a\":1,\"b\":[true,null,\"x\"],\"c\":-9223372036854775808,"
		"\"d\":1.5,\"e\":99999999999999999999}",
		err, sizeof(err));
	int64_t n;
	bool b;

	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT_EQUAL(json_type(j), JSON_OBJECT);
	CU_ASSERT_EQUAL(json_len(j), 5);
	CU_ASSERT(json_int(json_get(j, "a"), &n) && n == 1);
	CU_ASSERT_EQUAL(json_len(json_get(j, "b")), 3);
	CU_ASSERT(json_bool(json_at(json_get(j, "b"), 0), &b) && b);
	CU_ASSERT_EQUAL(json_type(json_at(json_get(j, "b"), 1)), JSON_NULL);
	CU_ASSERT_STRING_EQUAL(json_str(json_at(json_get(j, "b"), 2)), "x");
	CU_ASSERT(json_int(json_get(j, "c"), &n) && n == INT64_MIN);
	CU_ASSERT_EQUAL(json_type(json_get(j, "d")), JSON_NUMBER);
	CU_ASSERT_EQUAL(json_type(json_get(j, "e")), JSON_NUMBER);
	CU_ASSERT_FALSE(json_int(json_get(j, "d"), &n));
	CU_ASSERT_PTR_NULL(json_get(j, "zz"));
	CU_ASSERT_PTR_NULL(json_str(json_get(j, "a")));
	CU_ASSERT_STRING_EQUAL(json_key_at(j, 1), "b");
	CU_ASSERT_PTR_NULL(json_key_at(j, 5));
	json_free(j);
}

static void test_parse_rejects(void)
{
	expect_reject("{\"a\":1,\"a\":2}", "duplicate key");
	expect_reject("{\"x\":{\"b\":1,\"c\":2,\"b\":3}}", "duplicate key");
	expect_reject("{\"a\":1} x", NULL);
	expect_reject("{\"a\":1}{}", NULL);
	expect_reject("", NULL);
	expect_reject("   ", NULL);
	expect_reject("{\"a\":1", NULL);
	expect_reject("{\"a\":\"\\u0000\"}", "NUL");
	expect_reject("{\"a\\u0000\":1}", "NUL");
	expect_reject("{\"a\":\"\xff\"}", NULL);
	expect_reject("{\"a\":\"\xc0\xaf\"}", NULL);
	expect_reject("// c\n{}", NULL);
	expect_reject("{'a':1}", NULL);
	expect_reject("[1,]", NULL);
	expect_reject("{\"a\":01}", NULL);
}

static void test_depth(void)
{
	char buf[256], err[256];
	struct json *j;
	int i;

	for (i = 0; i < JSON_MAX_DEPTH; i++)
		buf[i] = '[';
	for (i = 0; i < JSON_MAX_DEPTH; i++)
		buf[JSON_MAX_DEPTH + i] = ']';
	buf[2 * JSON_MAX_DEPTH] = '\0';
	j = parse(buf, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL(j);
	json_free(j);
	for (i = 0; i <= JSON_MAX_DEPTH; i++)
		buf[i] = '[';
	for (i = 0; i <= JSON_MAX_DEPTH; i++)
		buf[JSON_MAX_DEPTH + 1 + i] = ']';
	buf[2 * JSON_MAX_DEPTH + 2] = '\0';
	expect_reject(buf, "deeper");
}

static void test_size_cap(void)
{
	size_t n = JSON_MAX_TEXT + 1;
	char *s = malloc(n + 1), err[256];
	struct json *j;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	memset(s, ' ', n);
	s[0] = '"';
	memset(s + 1, 'a', n - 2);
	s[n - 1] = '"';
	s[n] = '\0';
	j = json_parse(s, n, err, sizeof(err));
	CU_ASSERT_PTR_NULL(j);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "larger"));
	/* One byte less: accepted. */
	s[n - 2] = '"';
	j = json_parse(s, n - 1, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL(j);
	CU_ASSERT_EQUAL(strlen(json_str(j)), n - 3);
	json_free(j);
	free(s);
}

static void test_writer(void)
{
	struct json_writer *w = json_writer_new(false);
	const char *t;
	size_t len;

	json_w_object_open(w);
	json_w_key(w, "s");
	json_w_string(w, "a\"b\\c\n\x01\xff\xe2\x82\xac");
	json_w_key(w, "n");
	json_w_int(w, -5);
	json_w_key(w, "a");
	json_w_array_open(w);
	json_w_bool(w, true);
	json_w_null(w);
	json_w_array_open(w);
	json_w_array_close(w);
	json_w_array_close(w);
	json_w_key(w, "z");
	json_w_string_n(w, "x\0y", 3);
	json_w_key(w, "o");
	json_w_object_open(w);
	json_w_object_close(w);
	json_w_object_close(w);
	t = json_writer_text(w, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_STRING_EQUAL(
		t,
		"{\"s\":\"a\\\"b\\\\c\\n\\u0001\xef\xbf\xbd\xe2\x82\xac\","
		"\"n\":-5,\"a\":[true,null,[]],\"z\":\"x\xef\xbf\xbdy\",\"o\":{}}");
	CU_ASSERT_EQUAL(len, strlen(t));
	json_writer_free(w);
}

/* parse(write(parse(x))) is stable, and the writer output is valid JSON. */
static void test_roundtrip(void)
{
	const char *in =
		"{\"a\":[1,2.5e3,\"\\u00e9\",{\"b\":false}],\"c\":null}";
	char err[256];
	struct json *j = parse(in, err, sizeof(err)), *j2;
	struct json_writer *w = json_writer_new(false),
			   *pw = json_writer_new(true);
	const char *t;

	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	json_w_value(w, j);
	t = json_writer_text(w, NULL);
	CU_ASSERT_STRING_EQUAL(
		t, "{\"a\":[1,2.5e3,\"\xc3\xa9\",{\"b\":false}],\"c\":null}");
	json_w_value(pw, j);
	j2 = parse(json_writer_text(pw, NULL), err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL(j2);
	CU_ASSERT_PTR_NOT_NULL(strchr(json_writer_text(pw, NULL), '\n'));
	json_free(j2);
	json_free(j);
	json_writer_free(w);
	json_writer_free(pw);
}

/* Random mutations of a request never crash the parser, and accepted text round-trips. */
static void test_mutations(void)
{
	static const char seed[] =
		"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"pod_create\",\"params\":"
		"{\"spec\":{\"name\":\"a\",\"image\":\"/i\",\"command\":[\"/x\",\"\\u00e9\"],"
		"\"memory_mib\":32,\"f\":-1.5e3,\"n\":null,\"t\":true}}}";
	char buf[sizeof(seed)], err[256];
	unsigned int rnd = 12345;
	int i, j, accepted = 0;

	for (i = 0; i < 20000; i++) {
		memcpy(buf, seed, sizeof(seed));
		for (j = 0; j < 1 + i % 4; j++) {
			rnd = rnd * 1103515245u + 12345u;
			buf[(rnd >> 8) % (sizeof(seed) - 1)] =
				(char)(rnd >> 16);
		}
		struct json *v =
			json_parse(buf, sizeof(seed) - 1, err, sizeof(err));

		if (v) {
			struct json_writer *w = json_writer_new(false);
			const char *t;
			struct json *v2;

			json_w_value(w, v);
			t = json_writer_text(w, NULL);
			CU_ASSERT_PTR_NOT_NULL_FATAL(t);
			v2 = json_parse(t, strlen(t), err, sizeof(err));
			CU_ASSERT_PTR_NOT_NULL(v2);
			json_free(v2);
			json_writer_free(w);
			accepted++;
		} else {
			CU_ASSERT(err[0] != '\0' && !strchr(err, '\n'));
		}
		json_free(v);
	}
	CU_ASSERT(accepted > 0);
}

/* base64 rides in the same JSON lines (exec stdio): RFC 4648 vectors, strictness. */
static void test_base64(void)
{
	static const char *const vec[][2] = {
		{ "", "" },
		{ "f", "Zg==" },
		{ "fo", "Zm8=" },
		{ "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" },
		{ "fooba", "Zm9vYmE=" },
		{ "foobar", "Zm9vYmFy" },
	};
	static const char *const bad[] = { "Zg=",      "Zg=a",	   "Z===",
					   "Zm9v!A==", "Zg==Zg==", "Zm 9" };
	uint8_t bytes[256], back[256];
	char text[B64_LEN(256) + 1];
	size_t i;

	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		size_t n = strlen(vec[i][0]);

		CU_ASSERT_EQUAL(b64_encode((const uint8_t *)vec[i][0], n, text),
				strlen(vec[i][1]));
		CU_ASSERT_STRING_EQUAL(text, vec[i][1]);
		CU_ASSERT_EQUAL(b64_decode(vec[i][1], back, sizeof(back)),
				(long)n);
		CU_ASSERT_EQUAL(memcmp(back, vec[i][0], n), 0);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(b64_decode(bad[i], back, sizeof(back)),
				-EINVAL);
	for (i = 0; i < sizeof(bytes); i++)
		bytes[i] = (uint8_t)(255 - i);
	CU_ASSERT_EQUAL(b64_encode(bytes, sizeof(bytes), text), B64_LEN(256));
	CU_ASSERT_EQUAL(b64_decode(text, back, sizeof(back)), 256);
	CU_ASSERT_EQUAL(memcmp(back, bytes, sizeof(bytes)), 0);
	CU_ASSERT_EQUAL(b64_decode(text, back, 100), -E2BIG);
	CU_ASSERT_EQUAL(b64_val('='), -1);
	CU_ASSERT_EQUAL(b64_val('/'), 63);
}

int main(void)
{
	CU_pSuite s;
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("json", NULL, NULL);
	CU_add_test(s, "parse_basic", test_parse_basic);
	CU_add_test(s, "parse_rejects", test_parse_rejects);
	CU_add_test(s, "depth", test_depth);
	CU_add_test(s, "size_cap", test_size_cap);
	CU_add_test(s, "writer", test_writer);
	CU_add_test(s, "roundtrip", test_roundtrip);
	CU_add_test(s, "mutations", test_mutations);
	CU_add_test(s, "base64", test_base64);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
