/* SPDX-License-Identifier: MIT */
/* json: the only yajl user; a strict parsed tree and a buffer writer. */
#ifndef XENPOD_JSON_H
#define XENPOD_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum json_type {
	JSON_NULL,
	JSON_BOOL,
	JSON_INT, /* integer that fits int64_t */
	JSON_NUMBER, /* any other number */
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

struct json; /* an immutable parsed value; children are owned by the root */

#define JSON_MAX_DEPTH 32
#define JSON_MAX_TEXT (1024 * 1024)

/*
 * Parse exactly one JSON value from text[0..len). Rejects: more than
 * JSON_MAX_TEXT bytes, nesting deeper than JSON_MAX_DEPTH, invalid UTF-8,
 * NUL bytes in strings, duplicate object keys, trailing garbage.
 * Returns the root (free with json_free) or NULL with a one-line reason in err.
 */
struct json *json_parse(const char *text, size_t len, char *err, size_t errsz);
void json_free(struct json *root);

enum json_type json_type(const struct json *v);
/* Accessors return NULL/false/0 when v is NULL or of another type. */
const struct json *json_get(const struct json *obj, const char *key);
size_t json_len(const struct json *v); /* array items or object members */
const struct json *json_at(const struct json *arr, size_t i);
const char *json_key_at(const struct json *obj, size_t i);
const struct json *json_value_at(const struct json *obj, size_t i);
const char *json_str(const struct json *v);
bool json_int(const struct json *v, int64_t *out);
bool json_bool(const struct json *v, bool *out);

/* Writer: builds compact JSON text into a growing buffer. */
struct json_writer;
struct json_writer *json_writer_new(bool pretty);
void json_writer_free(struct json_writer *w);
void json_w_object_open(struct json_writer *w);
void json_w_object_close(struct json_writer *w);
void json_w_array_open(struct json_writer *w);
void json_w_array_close(struct json_writer *w);
/* "key": [the strings of NULL-terminated v] ([] for a NULL v). */
void json_w_strv(struct json_writer *w, const char *key, char *const *v);
void json_w_key(struct json_writer *w, const char *key);
void json_w_string(struct json_writer *w, const char *s);
/* Counted string (may hold any bytes: NUL and invalid UTF-8 become U+FFFD,
 * as the parser refuses NUL in strings). */
void json_w_string_n(struct json_writer *w, const char *s, size_t n);
void json_w_int(struct json_writer *w, int64_t n);
void json_w_bool(struct json_writer *w, bool b);
void json_w_null(struct json_writer *w);
/* Copy a parsed value into the writer. */
void json_w_value(struct json_writer *w, const struct json *v);
/* Append already-valid JSON text (e.g. from another writer) as one value. */
void json_w_raw(struct json_writer *w, const char *text);
/* Text so far (NUL-terminated); NULL if any call failed (e.g. out of memory). */
const char *json_writer_text(struct json_writer *w, size_t *len_r);

#endif
