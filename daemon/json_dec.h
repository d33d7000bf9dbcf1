/* SPDX-License-Identifier: MIT */
/* json_dec: strict decoding of JSON objects against a table of keys, and timestamps (over json.h). */
#ifndef XENPOD_JSON_DEC_H
#define XENPOD_JSON_DEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct json;
struct json_writer;

/* Strict decoding of JSON objects: a table of known keys; anything else is an error. */
enum json_dec_type {
	JSON_DEC_STRING, /* const char * */
	JSON_DEC_INT, /* int64_t, within [min, max] */
	JSON_DEC_BOOL, /* bool */
	JSON_DEC_STRINGS, /* const struct json * (array of strings, <= max items) */
	JSON_DEC_OBJECT, /* const struct json * (object; decode it further) */
	JSON_DEC_ARRAY, /* const struct json * (array of <= min items; decode them further) */
};

struct json_dec_field {
	const char *key;
	enum json_dec_type type;
	bool required;
	size_t off; /* offsetof the destination in the output struct */
	/* INT: the range; STRING: min/max length; STRINGS: min = most items, max = item length;
	 * ARRAY: min = most items */
	int64_t min, max;
};

#define JSON_FIELD(k, t, req, st, m, lo, hi)       \
	{                                          \
		k, t, req, offsetof(st, m), lo, hi \
	}

/*
 * Decode obj (named path in errors, e.g. "params.spec") against the table
 * (terminated by a NULL key) into out. Absent optional keys and null values
 * leave out's defaults. 0, or -EINVAL with "PATH.KEY: what is wrong" in err.
 */
int json_decode(const struct json *obj, const char *path,
		const struct json_dec_field *fields, void *out, char *err,
		size_t errsz);

/* A JSON array of strings (already checked) as a NULL-terminated vector; NULL: out of memory. */
char **json_strv(const struct json *arr);
void json_strv_free(char **v);

/* Timestamps are "YYYY-MM-DDTHH:MM:SSZ" (UTC); 0 is written as null. */
void json_w_time(struct json_writer *w, time_t t);
void json_time_format(time_t t, char *buf, size_t sz);
/* 0 for NULL or anything else. */
time_t json_time_parse(const char *s);

#endif
