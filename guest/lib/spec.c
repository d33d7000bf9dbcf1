/* SPDX-License-Identifier: MIT */
/* spec.c: the pod spec tokenizer (same grammar on the QEMU command line and in xenstore). */
#include "lib/spec.h"

#include <stdbool.h>

#include "lib/errno.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long spec_unescape(char *tok, size_t len)
{
	size_t i, o = 0;

	if (len == 2 && tok[0] == '%' && tok[1] == '-') { /* the empty token */
		tok[0] = '\0';
		return 0;
	}
	for (i = 0; i < len; i++) {
		int hi, lo;

		if (tok[i] != '%') {
			tok[o++] = tok[i];
			continue;
		}
		if (len - i < 3)
			return -EINVAL;
		hi = hexval(tok[i + 1]);
		lo = hexval(tok[i + 2]);
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
			return -EINVAL;
		tok[o++] = (char)(hi << 4 | lo);
		i += 2;
	}
	return (long)o;
}

static bool starts_with(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return false;
	return true;
}

static bool key_has_dot(const char *tok)
{
	for (; *tok && *tok != '='; tok++)
		if (*tok == '.')
			return true;
	return false;
}

/* A decimal number up to max followed by end (',' or NUL): the rest after it, or NULL. */
static char *parse_num(char *p, unsigned base, unsigned long long max,
		       unsigned long long *v)
{
	unsigned long long n = 0;
	char *start = p;

	for (; *p >= '0' && *p < (char)('0' + base); p++) {
		unsigned d = (unsigned)(*p - '0');

		if (n > (max - d) / base)
			return NULL;
		n = n * base + d;
	}
	if (p == start)
		return NULL;
	*v = n;
	return p;
}

/* "SIZE,MODE,RO,PATH": size decimal bytes (0: default), mode octal, ro 0/1,
 * an absolute path last (it may hold commas). */
static int spec_tmpfs(struct spec *s, char *v, const char **err_r)
{
	struct spec_tmpfs *t = &s->tmpfs[s->ntmpfs];
	unsigned long long n;

	if (s->ntmpfs >= SPEC_TMPFS_MAX) {
		*err_r = "too many tmpfs options";
		return -E2BIG;
	}
	if (!(v = parse_num(v, 10, SPEC_TMPFS_SIZE_MAX, &t->size)) ||
	    *v++ != ',' || !(v = parse_num(v, 8, 07777, &n)) || *v++ != ',' ||
	    (v[0] != '0' && v[0] != '1') || v[1] != ',' || v[2] != '/') {
		*err_r = "tmpfs option not SIZE,MODE,RO,/PATH";
		return -EINVAL;
	}
	t->mode = (unsigned)n;
	t->read_only = v[0] == '1';
	t->path = v + 2;
	s->ntmpfs++;
	return 0;
}

/* A decimal u64 or "inf" in s[0..n): 0, or -EINVAL. */
static int limit_value(const char *s, size_t n, uint64_t *v)
{
	uint64_t x = 0;

	if (n == 3 && s[0] == 'i' && s[1] == 'n' && s[2] == 'f') {
		*v = SPEC_RLIM_INFINITY;
		return 0;
	}
	if (!n || n > 20 || (s[0] == '0' && n > 1))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		uint64_t d = (uint64_t)(s[i] - '0');

		if (s[i] < '0' || s[i] > '9' || x > (~0ull - d) / 10)
			return -EINVAL;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

int spec_rlimit_parse(const char *v, size_t n, struct spec_rlimit *r,
		      const char **err_r)
{
	const char *c1 = v, *c2, *end = v + n;
	uint64_t res;

	*err_r = "rlimit option: expected RESOURCE:SOFT:HARD";
	while (c1 < end && *c1 != ':')
		c1++;
	if (c1 == end)
		return -EINVAL;
	for (c2 = c1 + 1; c2 < end && *c2 != ':';)
		c2++;
	if (c2 == end || limit_value(v, (size_t)(c1 - v), &res) || res > 15 ||
	    limit_value(c1 + 1, (size_t)(c2 - c1 - 1), &r->soft) ||
	    limit_value(c2 + 1, (size_t)(end - c2 - 1), &r->hard))
		return -EINVAL;
	if (r->soft > r->hard) {
		*err_r = "rlimit option: soft limit above the hard one";
		return -EINVAL;
	}
	r->res = (unsigned)res;
	return 0;
}

/* "RES:SOFT:HARD" into s->rlimits. */
static int spec_rlimit(struct spec *s, const char *v, const char **err_r)
{
	struct spec_rlimit r;
	size_t n = 0;

	while (v[n])
		n++;
	if (spec_rlimit_parse(v, n, &r, err_r))
		return -EINVAL;
	for (size_t i = 0; i < s->nrlimits; i++)
		if (s->rlimits[i].res == r.res) {
			*err_r = "rlimit option: a resource given twice";
			return -EINVAL;
		}
	s->rlimits[s->nrlimits++] = r;
	return 0;
}

/* Applies one option token (already decoded). */
static int spec_option(struct spec *s, char *tok, const char **err_r)
{
	if (starts_with(tok, "env=")) {
		char *kv = tok + 4;

		if (*kv == '=' || *kv == '\0') {
			*err_r = "env option without a variable name";
			return -EINVAL;
		}
		if (s->envc >= SPEC_ENV_MAX) {
			*err_r = "too many env options";
			return -E2BIG;
		}
		s->envp[s->envc++] = kv;
	} else if (starts_with(tok, "cwd=")) {
		s->cwd = tok + 4;
	} else if (starts_with(tok, "name=")) {
		s->name = tok + 5;
	} else if (starts_with(tok, "user=")) {
		if (!tok[5]) {
			*err_r = "user option without a user";
			return -EINVAL;
		}
		s->user = tok + 5;
	} else if (starts_with(tok, "group=")) {
		if (!tok[6]) {
			*err_r = "group option without a group";
			return -EINVAL;
		}
		if (s->ngroups >= SPEC_GROUPS_MAX) {
			*err_r = "too many group options";
			return -E2BIG;
		}
		s->groups[s->ngroups++] = tok + 6;
	} else if (starts_with(tok, "tmpfs=")) {
		return spec_tmpfs(s, tok + 6, err_r);
	} else if (starts_with(tok, "readonly=")) {
		if ((tok[9] != '0' && tok[9] != '1') || tok[10]) {
			*err_r = "readonly option not 0 or 1";
			return -EINVAL;
		}
		s->read_only = tok[9] == '1';
	} else if (starts_with(tok, "rlimit=")) {
		/* at most one per resource, so at most SPEC_RLIMITS_MAX */
		return spec_rlimit(s, tok + 7, err_r);
	} else if (!key_has_dot(tok) && s->nunknown < SPEC_UNKNOWN_MAX) {
		s->unknown[s->nunknown++] = tok;
	}
	return 0;
}

static void spec_clear(struct spec *s)
{
	char *z = (char *)s;
	size_t i;

	for (i = 0; i < sizeof(*s); i++)
		z[i] = 0;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Splits off the next token: returns its start and length, NUL-terminates
 * it in place; *pos advances past it. Returns NULL at the end. */
static char *next_token(char *buf, size_t len, size_t *pos, size_t *tlen_r)
{
	size_t i = *pos, start;

	while (i < len && is_space(buf[i]))
		i++;
	if (i >= len)
		return NULL;
	start = i;
	while (i < len && !is_space(buf[i]) && buf[i] != '\0')
		i++;
	*tlen_r = i - start;
	*pos = i < len ? i + 1 : i;
	buf[i] = '\0';
	return buf + start;
}

int spec_parse(char *buf, size_t len, struct spec *out, const char **err_r)
{
	bool program = false;
	size_t pos = 0, tlen;
	char *tok;
	const char *err = NULL;
	int rc = 0;

	spec_clear(out);
	for (size_t i = 0; i < len; i++)
		if (buf[i] == '\0') { /* stop at an embedded NUL */
			len = i;
			break;
		}
	while (rc == 0 && (tok = next_token(buf, len, &pos, &tlen)) != NULL) {
		long n;

		if (!program && tlen == 2 && tok[0] == '-' && tok[1] == '-') {
			program = true;
			continue;
		}
		n = spec_unescape(tok, tlen);
		if (n < 0) {
			err = "bad percent escape in spec";
			rc = -EINVAL;
			break;
		}
		tok[n] = '\0';
		if (!program) {
			rc = spec_option(out, tok, &err);
		} else if (out->argc >= SPEC_ARGV_MAX) {
			err = "too many program arguments";
			rc = -E2BIG;
		} else {
			out->argv[out->argc++] = tok;
		}
	}
	if (rc == 0 && !program) {
		err = "spec has no \"--\" before the program";
		rc = -EINVAL;
	} else if (rc == 0 && (out->argc == 0 || out->argv[0][0] == '\0')) {
		err = "spec has no program after \"--\"";
		rc = -EINVAL;
	}
	if (rc)
		*err_r = err;
	out->argv[out->argc] = NULL;
	out->envp[out->envc] = NULL;
	return rc;
}
