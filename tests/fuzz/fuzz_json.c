/* SPDX-License-Identifier: MIT */
/* fuzz_json: the strict JSON parser (every request, state file and OCI blob goes through it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "json.h"

/* Touch every accessor on every node, as the decoders do. */
static void walk(const struct json *v, int depth)
{
	size_t i, n = json_len(v);
	int64_t iv;
	bool bv;

	if (depth > JSON_MAX_DEPTH + 1)
		abort(); /* the parser promised a depth limit */
	(void)json_str(v);
	(void)json_int(v, &iv);
	(void)json_bool(v, &bv);
	if (json_type(v) == JSON_ARRAY) {
		for (i = 0; i < n; i++)
			walk(json_at(v, i), depth + 1);
		if (json_at(v, n))
			abort();
	} else if (json_type(v) == JSON_OBJECT) {
		for (i = 0; i < n; i++) {
			const char *k = json_key_at(v, i);

			if (!k || json_get(v, k) != json_value_at(v, i))
				abort(); /* keys are unique: get finds this one */
			walk(json_value_at(v, i), depth + 1);
		}
		if (json_key_at(v, n) || json_value_at(v, n))
			abort();
	}
}

static char *write_value(const struct json *v, bool pretty)
{
	struct json_writer *w = json_writer_new(pretty);
	const char *t;
	char *copy;

	if (!w)
		abort();
	json_w_value(w, v);
	t = json_writer_text(w, NULL);
	if (!t)
		abort();
	copy = strdup(t);
	json_writer_free(w);
	return copy;
}

/* What the writer produces must parse again, to the same text. */
static void roundtrip(const struct json *v)
{
	char err[256], *t1, *t2;
	struct json *again;
	int pretty;

	for (pretty = 0; pretty < 2; pretty++) {
		t1 = write_value(v, pretty);
		again = json_parse(t1, strlen(t1), err, sizeof(err));
		if (!again) {
			fprintf(stderr,
				"writer output does not parse: %s\n%s\n", err,
				t1);
			abort();
		}
		t2 = write_value(again, pretty);
		if (strcmp(t1, t2)) {
			fprintf(stderr, "round trip differs:\n%s\n%s\n", t1,
				t2);
			abort();
		}
		json_free(again);
		free(t1);
		free(t2);
	}
}

/* Any bytes written as a counted string come back as one JSON string
 * (finding F1: NUL bytes once came out as \u0000, which the parser refuses). */
static void string_n(const uint8_t *data, size_t size)
{
	struct json_writer *w = json_writer_new(false);
	char err[256];
	const char *t;
	struct json *j;
	size_t len;

	json_w_string_n(w, (const char *)data, size);
	t = json_writer_text(w, &len);
	if (!t)
		abort();
	j = json_parse(t, len, err, sizeof(err));
	if (size <= JSON_MAX_TEXT / 8 && (!j || json_type(j) != JSON_STRING)) {
		fprintf(stderr, "json_w_string_n output rejected: %s\n", err);
		abort();
	}
	json_free(j);
	json_writer_free(w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	struct json *j;

	err[0] = '\0';
	j = json_parse((const char *)data, size, err, sizeof(err));
	if (j) {
		walk(j, 0);
		roundtrip(j);
		json_free(j);
	} else if (!err[0] || memchr(err, '\n', strlen(err))) {
		abort(); /* a rejection always says why, on one line */
	}
	string_n(data, size);
	return 0;
}
