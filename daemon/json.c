/* SPDX-License-Identifier: MIT */
/* json: the only yajl user; a strict parsed tree and a buffer writer. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "json.h"

struct json {
	enum json_type type;
	union {
		bool b;
		int64_t i;
		struct {
			char *s; /* NUL-terminated (no NUL inside) */
			size_t len;
		} str; /* JSON_STRING and JSON_NUMBER (raw text) */
		struct {
			struct json **items;
			char **keys; /* objects only */
			size_t n, cap;
		} c;
	} u;
};

/* Parser state: a stack of open containers and the pending key. */
struct jp {
	struct json *root;
	struct json *stack[JSON_MAX_DEPTH];
	int depth;
	char *key; /* pending object key, owned */
	char err[160];
};

static void jp_fail(struct jp *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void jp_fail(struct jp *p, const char *fmt, ...)
{
	va_list ap;

	if (p->err[0])
		return;
	va_start(ap, fmt);
	vsnprintf(p->err, sizeof(p->err), fmt, ap);
	va_end(ap);
}

static void json_free_value(struct json *v)
{
	size_t i;

	if (!v)
		return;
	switch (v->type) {
	case JSON_STRING:
	case JSON_NUMBER:
		free(v->u.str.s);
		break;
	case JSON_ARRAY:
	case JSON_OBJECT:
		for (i = 0; i < v->u.c.n; i++) {
			json_free_value(v->u.c.items[i]);
			if (v->u.c.keys)
				free(v->u.c.keys[i]);
		}
		free(v->u.c.items);
		free(v->u.c.keys);
		break;
	default:
		break;
	}
	free(v);
}

void json_free(struct json *root)
{
	json_free_value(root);
}

static int container_push(struct json *c, char *key, struct json *v)
{
	if (c->u.c.n == c->u.c.cap) {
		size_t ncap = c->u.c.cap ? c->u.c.cap * 2 : 4;
		struct json **ni = realloc(c->u.c.items, ncap * sizeof(*ni));

		if (!ni)
			return -ENOMEM;
		c->u.c.items = ni;
		if (c->type == JSON_OBJECT) {
			char **nk = realloc(c->u.c.keys, ncap * sizeof(*nk));

			if (!nk)
				return -ENOMEM;
			c->u.c.keys = nk;
		}
		c->u.c.cap = ncap;
	}
	c->u.c.items[c->u.c.n] = v;
	if (c->type == JSON_OBJECT)
		c->u.c.keys[c->u.c.n] = key;
	c->u.c.n++;
	return 0;
}

/* Attach a new value to the open container (or make it the root). 0 = abort. */
static int jp_add(struct jp *p, struct json *v)
{
	struct json *top;

	if (!v) {
		jp_fail(p, "out of memory");
		return 0;
	}
	if (p->depth == 0) {
		p->root = v;
		return 1;
	}
	top = p->stack[p->depth - 1];
	if (container_push(top, p->key, v) < 0) {
		json_free_value(v);
		jp_fail(p, "out of memory");
		return 0;
	}
	p->key = NULL;
	return 1;
}

static struct json *jv_new(enum json_type t)
{
	struct json *v = calloc(1, sizeof(*v));

	if (v)
		v->type = t;
	return v;
}

static struct json *jv_text(enum json_type t, const char *s, size_t len)
{
	struct json *v = jv_new(t);

	if (!v)
		return NULL;
	v->u.str.s = malloc(len + 1);
	if (!v->u.str.s) {
		free(v);
		return NULL;
	}
	memcpy(v->u.str.s, s, len);
	v->u.str.s[len] = '\0';
	v->u.str.len = len;
	return v;
}

static int cb_null(void *ctx)
{
	return jp_add(ctx, jv_new(JSON_NULL));
}

static int cb_bool(void *ctx, int b)
{
	struct json *v = jv_new(JSON_BOOL);

	if (v)
		v->u.b = b != 0;
	return jp_add(ctx, v);
}

/* Integers in JSON syntax that fit int64_t become JSON_INT; others keep their text. */
static int cb_number(void *ctx, const char *s, size_t len)
{
	char buf[32];
	char *end;
	long long n;
	struct json *v;

	if (len < sizeof(buf) && !memchr(s, '.', len) && !memchr(s, 'e', len) &&
	    !memchr(s, 'E', len)) {
		memcpy(buf, s, len);
		buf[len] = '\0';
		errno = 0;
		n = strtoll(buf, &end, 10);
		if (errno == 0 && *end == '\0') {
			v = jv_new(JSON_INT);
			if (v)
				v->u.i = n;
			return jp_add(ctx, v);
		}
	}
	return jp_add(ctx, jv_text(JSON_NUMBER, s, len));
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

static bool utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0, l;

	while (i < n) {
		l = utf8_seq(s + i, n - i);
		if (!l)
			return false;
		i += l;
	}
	return true;
}

static int cb_string(void *ctx, const unsigned char *s, size_t len)
{
	if (memchr(s, '\0', len)) {
		jp_fail(ctx, "NUL character in a string");
		return 0;
	}
	/* yajl accepts overlong forms and surrogates: check strictly here. */
	if (!utf8_valid(s, len)) {
		jp_fail(ctx, "invalid UTF-8 in a string");
		return 0;
	}
	return jp_add(ctx, jv_text(JSON_STRING, (const char *)s, len));
}

static int jp_open(struct jp *p, enum json_type t)
{
	struct json *v;

	if (p->depth >= JSON_MAX_DEPTH) {
		jp_fail(p, "nested deeper than %d levels", JSON_MAX_DEPTH);
		return 0;
	}
	v = jv_new(t);
	if (!jp_add(p, v))
		return 0;
	p->stack[p->depth++] = v;
	return 1;
}

static int cb_start_map(void *ctx)
{
	return jp_open(ctx, JSON_OBJECT);
}

static int cb_start_array(void *ctx)
{
	return jp_open(ctx, JSON_ARRAY);
}

static int cb_map_key(void *ctx, const unsigned char *s, size_t len)
{
	struct jp *p = ctx;

	if (memchr(s, '\0', len)) {
		jp_fail(p, "NUL character in an object key");
		return 0;
	}
	if (!utf8_valid(s, len)) {
		jp_fail(p, "invalid UTF-8 in an object key");
		return 0;
	}
	free(p->key);
	p->key = strndup((const char *)s, len);
	if (!p->key) {
		jp_fail(p, "out of memory");
		return 0;
	}
	return 1;
}

static int cmp_keyp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Duplicate keys are found at the end of each object: sort a copy (n log n). */
static int check_dup_keys(struct jp *p, const struct json *o)
{
	char **k;
	size_t i;
	int ok = 1;

	if (o->u.c.n < 2)
		return 1;
	k = malloc(o->u.c.n * sizeof(*k));
	if (!k) {
		jp_fail(p, "out of memory");
		return 0;
	}
	memcpy(k, o->u.c.keys, o->u.c.n * sizeof(*k));
	qsort(k, o->u.c.n, sizeof(*k), cmp_keyp);
	for (i = 1; i < o->u.c.n && ok; i++) {
		if (strcmp(k[i - 1], k[i]) == 0) {
			jp_fail(p, "duplicate key \"%.64s\"", k[i]);
			ok = 0;
		}
	}
	free(k);
	return ok;
}

static int cb_end_map(void *ctx)
{
	struct jp *p = ctx;

	if (!check_dup_keys(p, p->stack[p->depth - 1]))
		return 0;
	p->depth--;
	return 1;
}

static int cb_end_array(void *ctx)
{
	struct jp *p = ctx;

	p->depth--;
	return 1;
}

static const yajl_callbacks jp_callbacks = {
	.yajl_null = cb_null,
	.yajl_boolean = cb_bool,
	.yajl_number = cb_number,
	.yajl_string = cb_string,
	.yajl_start_map = cb_start_map,
	.yajl_map_key = cb_map_key,
	.yajl_end_map = cb_end_map,
	.yajl_start_array = cb_start_array,
	.yajl_end_array = cb_end_array,
};

/* yajl's message, first line only, without its "lexical error:" noise. */
static void yajl_reason(yajl_handle h, const char *text, size_t len,
			bool at_end, char *err, size_t errsz)
{
	unsigned char *m =
		yajl_get_error(h, 0, (const unsigned char *)text, len);
	size_t off = at_end ? len : yajl_get_bytes_consumed(h);
	char *nl;

	if (m) {
		nl = strchr((char *)m, '\n');
		if (nl)
			*nl = '\0';
	}
	snprintf(err, errsz, "invalid JSON at byte %zu: %s", off,
		 m ? (char *)m : "parse error");
	if (m)
		yajl_free_error(h, m);
}

struct json *json_parse(const char *text, size_t len, char *err, size_t errsz)
{
	struct jp p = { 0 };
	yajl_handle h = NULL;
	yajl_status st;
	bool at_end = false;

	if (len > JSON_MAX_TEXT) {
		snprintf(err, errsz, "JSON text larger than %d bytes",
			 JSON_MAX_TEXT);
		return NULL;
	}
	h = yajl_alloc(&jp_callbacks, NULL, &p);
	if (!h) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	st = yajl_parse(h, (const unsigned char *)text, len);
	if (st == yajl_status_ok) {
		at_end = true;
		st = yajl_complete_parse(h);
	}
	if (st != yajl_status_ok || !p.root) {
		if (p.err[0])
			snprintf(err, errsz, "invalid JSON: %s", p.err);
		else if (st == yajl_status_ok)
			snprintf(err, errsz, "invalid JSON: empty text");
		else
			yajl_reason(h, text, len, at_end, err, errsz);
		json_free_value(p.root);
		p.root = NULL;
	}
	free(p.key);
	yajl_free(h);
	return p.root;
}

enum json_type json_type(const struct json *v)
{
	return v ? v->type : JSON_NULL;
}

const struct json *json_get(const struct json *obj, const char *key)
{
	size_t i;

	if (!obj || obj->type != JSON_OBJECT || !key)
		return NULL;
	for (i = 0; i < obj->u.c.n; i++)
		if (strcmp(obj->u.c.keys[i], key) == 0)
			return obj->u.c.items[i];
	return NULL;
}

size_t json_len(const struct json *v)
{
	if (!v || (v->type != JSON_ARRAY && v->type != JSON_OBJECT))
		return 0;
	return v->u.c.n;
}

const struct json *json_at(const struct json *arr, size_t i)
{
	if (!arr || arr->type != JSON_ARRAY || i >= arr->u.c.n)
		return NULL;
	return arr->u.c.items[i];
}

const char *json_key_at(const struct json *obj, size_t i)
{
	if (!obj || obj->type != JSON_OBJECT || i >= obj->u.c.n)
		return NULL;
	return obj->u.c.keys[i];
}

const struct json *json_value_at(const struct json *obj, size_t i)
{
	if (!obj || obj->type != JSON_OBJECT || i >= obj->u.c.n)
		return NULL;
	return obj->u.c.items[i];
}

const char *json_str(const struct json *v)
{
	if (!v || v->type != JSON_STRING)
		return NULL;
	return v->u.str.s;
}

bool json_int(const struct json *v, int64_t *out)
{
	if (!v || v->type != JSON_INT)
		return false;
	if (out)
		*out = v->u.i;
	return true;
}

bool json_bool(const struct json *v, bool *out)
{
	if (!v || v->type != JSON_BOOL)
		return false;
	if (out)
		*out = v->u.b;
	return true;
}

/* ---- writer ---- */

#define JW_MAX_DEPTH 64

struct json_writer {
	char *buf;
	size_t len, cap;
	bool pretty;
	bool failed;
	int depth;
	bool first[JW_MAX_DEPTH]; /* no member written yet at this level */
	bool after_key; /* the next value follows a key: no comma */
};

struct json_writer *json_writer_new(bool pretty)
{
	struct json_writer *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->pretty = pretty;
	w->cap = 256;
	w->buf = malloc(w->cap);
	if (!w->buf) {
		free(w);
		return NULL;
	}
	w->buf[0] = '\0';
	return w;
}

void json_writer_free(struct json_writer *w)
{
	if (!w)
		return;
	free(w->buf);
	free(w);
}

static void jw_put(struct json_writer *w, const char *s, size_t n)
{
	if (!w || w->failed)
		return;
	if (w->len + n + 1 > w->cap) {
		size_t ncap = w->cap;
		char *nb;

		while (w->len + n + 1 > ncap)
			ncap *= 2;
		nb = realloc(w->buf, ncap);
		if (!nb) {
			w->failed = true;
			return;
		}
		w->buf = nb;
		w->cap = ncap;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

static void jw_puts(struct json_writer *w, const char *s)
{
	jw_put(w, s, strlen(s));
}

static void jw_newline(struct json_writer *w)
{
	int i;

	if (!w->pretty)
		return;
	jw_put(w, "\n", 1);
	for (i = 0; i < w->depth; i++)
		jw_put(w, "  ", 2);
}

/* Separator before a value or key at the current level. */
static void jw_sep(struct json_writer *w)
{
	if (!w || w->failed)
		return;
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0) {
		if (!w->first[w->depth - 1])
			jw_put(w, ",", 1);
		w->first[w->depth - 1] = false;
		jw_newline(w);
	}
}

static void jw_open(struct json_writer *w, const char *c)
{
	if (!w)
		return;
	jw_sep(w);
	if (w->depth >= JW_MAX_DEPTH) {
		w->failed = true;
		return;
	}
	jw_puts(w, c);
	w->first[w->depth++] = true;
}

static void jw_close(struct json_writer *w, const char *c)
{
	bool empty;

	if (!w || w->failed)
		return;
	if (w->depth == 0) {
		w->failed = true;
		return;
	}
	empty = w->first[w->depth - 1];
	w->depth--;
	if (!empty)
		jw_newline(w);
	jw_puts(w, c);
}

void json_w_object_open(struct json_writer *w)
{
	jw_open(w, "{");
}

void json_w_object_close(struct json_writer *w)
{
	jw_close(w, "}");
}

void json_w_array_open(struct json_writer *w)
{
	jw_open(w, "[");
}

void json_w_array_close(struct json_writer *w)
{
	jw_close(w, "]");
}

void json_w_strv(struct json_writer *w, const char *key, char *const *v)
{
	json_w_key(w, key);
	json_w_array_open(w);
	for (; v && *v; v++)
		json_w_string(w, *v);
	json_w_array_close(w);
}

/* Strings are escaped; invalid UTF-8 bytes become U+FFFD so output is always valid JSON. */
static void jw_string_n(struct json_writer *w, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, start = 0, l;
	char esc[8];

	jw_put(w, "\"", 1);
	while (i < n) {
		unsigned char c = s[i];

		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			i++;
			continue;
		}
		l = c < 0x80 ? 1 : utf8_seq(s + i, n - i);
		if (l > 1) {
			i += l;
			continue;
		}
		jw_put(w, str + start, i - start);
		/* NUL too: our parser refuses \u0000, so it could not be read back. */
		if (l == 0 || c == 0)
			jw_puts(w, "\xef\xbf\xbd");
		else if (c == '"')
			jw_puts(w, "\\\"");
		else if (c == '\\')
			jw_puts(w, "\\\\");
		else if (c == '\n')
			jw_puts(w, "\\n");
		else if (c == '\t')
			jw_puts(w, "\\t");
		else if (c == '\r')
			jw_puts(w, "\\r");
		else {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			jw_puts(w, esc);
		}
		i++;
		start = i;
	}
	jw_put(w, str + start, i - start);
	jw_put(w, "\"", 1);
}

void json_w_key(struct json_writer *w, const char *key)
{
	if (!w)
		return;
	jw_sep(w);
	jw_string_n(w, key ? key : "", key ? strlen(key) : 0);
	jw_puts(w, w->pretty ? ": " : ":");
	w->after_key = true;
}

void json_w_string(struct json_writer *w, const char *s)
{
	if (!w)
		return;
	if (!s) {
		json_w_null(w);
		return;
	}
	jw_sep(w);
	jw_string_n(w, s, strlen(s));
}

void json_w_string_n(struct json_writer *w, const char *s, size_t n)
{
	if (!w)
		return;
	jw_sep(w);
	jw_string_n(w, s, n);
}

void json_w_int(struct json_writer *w, int64_t n)
{
	char buf[32];

	if (!w)
		return;
	jw_sep(w);
	snprintf(buf, sizeof(buf), "%" PRId64, n);
	jw_puts(w, buf);
}

void json_w_bool(struct json_writer *w, bool b)
{
	if (!w)
		return;
	jw_sep(w);
	jw_puts(w, b ? "true" : "false");
}

void json_w_null(struct json_writer *w)
{
	if (!w)
		return;
	jw_sep(w);
	jw_puts(w, "null");
}

void json_w_value(struct json_writer *w, const struct json *v)
{
	size_t i;

	if (!w)
		return;
	switch (json_type(v)) {
	case JSON_NULL:
		json_w_null(w);
		break;
	case JSON_BOOL:
		json_w_bool(w, v->u.b);
		break;
	case JSON_INT:
		json_w_int(w, v->u.i);
		break;
	case JSON_NUMBER:
		jw_sep(w);
		jw_put(w, v->u.str.s, v->u.str.len);
		break;
	case JSON_STRING:
		json_w_string_n(w, v->u.str.s, v->u.str.len);
		break;
	case JSON_ARRAY:
		json_w_array_open(w);
		for (i = 0; i < v->u.c.n; i++)
			json_w_value(w, v->u.c.items[i]);
		json_w_array_close(w);
		break;
	case JSON_OBJECT:
		json_w_object_open(w);
		for (i = 0; i < v->u.c.n; i++) {
			json_w_key(w, v->u.c.keys[i]);
			json_w_value(w, v->u.c.items[i]);
		}
		json_w_object_close(w);
		break;
	}
}

void json_w_raw(struct json_writer *w, const char *text)
{
	if (!w)
		return;
	jw_sep(w);
	jw_puts(w, text);
}

const char *json_writer_text(struct json_writer *w, size_t *len_r)
{
	if (!w || w->failed)
		return NULL;
	if (len_r)
		*len_r = w->len;
	return w->buf;
}
