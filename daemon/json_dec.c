/* SPDX-License-Identifier: MIT */
/* json_dec: strict decoding of JSON objects against a table of keys, and timestamps (over json.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "json_dec.h"

/* ---- strict decoding ---- */

static const char *type_word(enum json_dec_type t)
{
	switch (t) {
	case JSON_DEC_STRING:
		return "a string";
	case JSON_DEC_INT:
		return "an integer";
	case JSON_DEC_BOOL:
		return "true or false";
	case JSON_DEC_STRINGS:
		return "an array of strings";
	case JSON_DEC_ARRAY:
		return "an array";
	default:
		return "an object";
	}
}

static int dec_strings(const struct json *v, const char *path,
		       const struct json_dec_field *f, char *err, size_t errsz)
{
	size_t i, n = json_len(v);

	if ((int64_t)n > f->min) {
		snprintf(err, errsz, "%s.%s: more than %lld items", path,
			 f->key, (long long)f->min);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		const char *s = json_str(json_at(v, i));

		if (!s) {
			snprintf(err, errsz, "%s.%s[%zu]: expected a string",
				 path, f->key, i);
			return -EINVAL;
		}
		if ((int64_t)strlen(s) > f->max) {
			snprintf(err, errsz,
				 "%s.%s[%zu]: longer than %lld bytes", path,
				 f->key, i, (long long)f->max);
			return -EINVAL;
		}
	}
	return 0;
}

static int dec_field(const struct json *v, const char *path,
		     const struct json_dec_field *f, void *out, char *err,
		     size_t errsz)
{
	char *dst = (char *)out + f->off;
	const char *s;
	int64_t n;
	bool b;

	switch (f->type) {
	case JSON_DEC_STRING:
		if (!(s = json_str(v)))
			break;
		if ((int64_t)strlen(s) < f->min ||
		    (int64_t)strlen(s) > f->max) {
			snprintf(err, errsz,
				 "%s.%s: length must be %lld..%lld bytes", path,
				 f->key, (long long)f->min, (long long)f->max);
			return -EINVAL;
		}
		memcpy(dst, &s, sizeof(s));
		return 0;
	case JSON_DEC_INT:
		if (!json_int(v, &n))
			break;
		if (n < f->min || n > f->max) {
			snprintf(err, errsz, "%s.%s: must be %lld..%lld", path,
				 f->key, (long long)f->min, (long long)f->max);
			return -EINVAL;
		}
		memcpy(dst, &n, sizeof(n));
		return 0;
	case JSON_DEC_BOOL:
		if (!json_bool(v, &b))
			break;
		memcpy(dst, &b, sizeof(b));
		return 0;
	case JSON_DEC_STRINGS:
		if (json_type(v) != JSON_ARRAY)
			break;
		if (dec_strings(v, path, f, err, errsz))
			return -EINVAL;
		memcpy(dst, &v, sizeof(v));
		return 0;
	case JSON_DEC_OBJECT:
		if (json_type(v) != JSON_OBJECT)
			break;
		memcpy(dst, &v, sizeof(v));
		return 0;
	case JSON_DEC_ARRAY:
		if (json_type(v) != JSON_ARRAY)
			break;
		if ((int64_t)json_len(v) > f->min) {
			snprintf(err, errsz, "%s.%s: more than %lld items",
				 path, f->key, (long long)f->min);
			return -EINVAL;
		}
		memcpy(dst, &v, sizeof(v));
		return 0;
	}
	snprintf(err, errsz, "%s.%s: expected %s", path, f->key,
		 type_word(f->type));
	return -EINVAL;
}

static const struct json_dec_field *find_field(const struct json_dec_field *f,
					       const char *key)
{
	for (; f->key; f++)
		if (strcmp(f->key, key) == 0)
			return f;
	return NULL;
}

int json_decode(const struct json *obj, const char *path,
		const struct json_dec_field *fields, void *out, char *err,
		size_t errsz)
{
	const struct json_dec_field *f;
	const struct json *v;
	size_t i;

	if (json_type(obj) != JSON_OBJECT) {
		snprintf(err, errsz, "%s: expected an object", path);
		return -EINVAL;
	}
	for (i = 0; i < json_len(obj); i++) {
		const char *key = json_key_at(obj, i);

		f = find_field(fields, key);
		if (!f) {
			snprintf(err, errsz, "%s: unknown key \"%.64s\"", path,
				 key);
			return -EINVAL;
		}
		v = json_value_at(obj, i);
		if (json_type(v) == JSON_NULL && !f->required)
			continue;
		if (dec_field(v, path, f, out, err, errsz))
			return -EINVAL;
	}
	for (f = fields; f->key; f++) {
		v = json_get(obj, f->key);
		if (f->required && (!v || json_type(v) == JSON_NULL)) {
			snprintf(err, errsz, "%s.%s: required", path, f->key);
			return -EINVAL;
		}
	}
	return 0;
}

char **json_strv(const struct json *arr)
{
	size_t i, n = json_len(arr);
	char **v = calloc(n + 1, sizeof(*v));

	if (!v)
		return NULL;
	for (i = 0; i < n; i++) {
		v[i] = strdup(json_str(json_at(arr, i)));
		if (!v[i]) {
			json_strv_free(v);
			return NULL;
		}
	}
	return v;
}

void json_strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

/* ---- timestamps ---- */

void json_time_format(time_t t, char *buf, size_t sz)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sz, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void json_w_time(struct json_writer *w, time_t t)
{
	char buf[32];

	if (!t) {
		json_w_null(w);
		return;
	}
	json_time_format(t, buf, sizeof(buf));
	json_w_string(w, buf);
}

time_t json_time_parse(const char *s)
{
	struct tm tm = { 0 };
	const char *end;

	if (!s)
		return 0;
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!end || *end)
		return 0;
	return timegm(&tm);
}
