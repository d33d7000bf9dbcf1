/* SPDX-License-Identifier: MIT */
/* passwd.c: docker's USER[:GROUP] resolved against an image's /etc/passwd and /etc/group texts. */
#include "lib/passwd.h"

#include <stdbool.h>

#define FIELDS_MAX 7 /* passwd: name:pw:uid:gid:gecos:home:shell */

/* A piece of a text: not NUL-terminated. */
struct span {
	const char *p;
	size_t n;
};

static bool span_eq(struct span s, const char *z, size_t zn)
{
	if (s.n != zn)
		return false;
	for (size_t i = 0; i < zn; i++)
		if (s.p[i] != z[i])
			return false;
	return true;
}

/* A decimal id: 1 and *id_r, 0 if not a number, USER_RANGE if too big.
 * canonical: no leading zero (how docker compares a number with a uid). */
static int parse_id(struct span s, uint32_t *id_r, bool *canonical_r)
{
	uint64_t v = 0;

	if (!s.n)
		return 0;
	for (size_t i = 0; i < s.n; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(s.p[i] - '0');
		if (v > USER_ID_MAX)
			return USER_RANGE;
	}
	*id_r = (uint32_t)v;
	if (canonical_r)
		*canonical_r = s.n == 1 || s.p[0] != '0';
	return 1;
}

/* Splits the line at text[*pos] into up to FIELDS_MAX ':' fields; moves
 * *pos past it. Returns the field count, 0 at the end. */
static size_t next_line(const char *text, size_t len, size_t *pos,
			struct span f[FIELDS_MAX])
{
	size_t i = *pos, nf = 0, start;

	if (i >= len)
		return 0;
	start = i;
	while (i < len && text[i] != '\n')
		i++;
	*pos = i < len ? i + 1 : i;
	f[0].p = text + start;
	for (size_t j = start; j <= i && nf < FIELDS_MAX; j++)
		if (j == i || text[j] == ':') {
			f[nf].n = (size_t)(text + j - f[nf].p);
			if (++nf < FIELDS_MAX)
				f[nf].p = text + j + 1;
		}
	/* a comment or blank line is no entry (one field, never matching) */
	if (text[start] == '#' || i == start)
		return 1;
	return nf;
}

/* Does arg name this entry (its name, or its id written canonically)? */
static bool entry_matches(struct span name, struct span idf, struct span arg)
{
	uint32_t id, want;
	bool canon;

	if (span_eq(name, arg.p, arg.n))
		return true;
	return parse_id(arg, &want, &canon) == 1 && canon &&
	       parse_id(idf, &id, NULL) == 1 && id == want;
}

static int copy_home(struct user_ids *out, struct span h)
{
	if (h.n >= USER_HOME_MAX)
		return USER_BAD;
	for (size_t i = 0; i < h.n; i++)
		out->home[i] = h.p[i];
	out->home[h.n] = '\0';
	return USER_OK;
}

/* The user part: passwd's entry, else a bare number. *name_r is set when
 * an entry matched (its groups are then looked for). */
static int find_user(struct span arg, const char *text, size_t len,
		     struct user_ids *out, struct span *name_r)
{
	struct span f[FIELDS_MAX];
	size_t pos = 0, nf;
	int rc;

	while (text && (nf = next_line(text, len, &pos, f)) != 0) {
		if (nf < 7 || !entry_matches(f[0], f[2], arg))
			continue;
		if (parse_id(f[2], &out->uid, NULL) != 1 ||
		    parse_id(f[3], &out->gid, NULL) != 1)
			continue; /* a broken entry matches nothing */
		*name_r = f[0];
		return copy_home(out, f[5]);
	}
	rc = parse_id(arg, &out->uid, NULL);
	if (rc == 0)
		return USER_NO_USER;
	if (rc < 0)
		return rc;
	out->gid = 0;
	out->home[0] = '/';
	out->home[1] = '\0';
	return USER_OK;
}

static int find_group(struct span arg, const char *text, size_t len,
		      uint32_t *gid_r)
{
	struct span f[FIELDS_MAX];
	size_t pos = 0, nf;
	int rc;

	while (text && (nf = next_line(text, len, &pos, f)) != 0)
		if (nf >= 3 && entry_matches(f[0], f[2], arg) &&
		    parse_id(f[2], gid_r, NULL) == 1)
			return USER_OK; /* the first match wins, as docker */
	rc = parse_id(arg, gid_r, NULL);
	return rc == 0 ? USER_NO_GROUP : rc < 0 ? rc : USER_OK;
}

static bool member_of(struct span list, struct span name)
{
	size_t start = 0;

	for (size_t i = 0; i <= list.n; i++)
		if (i == list.n || list.p[i] == ',') {
			struct span m = { list.p + start, i - start };

			if (span_eq(m, name.p, name.n))
				return true;
			start = i + 1;
		}
	return false;
}

/* Adds gid to the supplementary groups unless it is there already. */
static int add_group(struct user_ids *out, uint32_t gid)
{
	for (size_t i = 0; i < out->ngroups; i++)
		if (out->groups[i] == gid)
			return USER_OK;
	if (out->ngroups >= USER_GROUPS_MAX)
		return USER_TOO_MANY_GROUPS;
	out->groups[out->ngroups++] = gid;
	return USER_OK;
}

static int find_groups(struct span name, const char *text, size_t len,
		       struct user_ids *out)
{
	struct span f[FIELDS_MAX];
	size_t pos = 0, nf;
	uint32_t gid;
	int rc = USER_OK;

	while (!rc && text && (nf = next_line(text, len, &pos, f)) != 0)
		if (nf >= 4 && member_of(f[3], name) &&
		    parse_id(f[2], &gid, NULL) == 1)
			rc = add_group(out, gid);
	return rc;
}

enum user_error user_group(const char *name, const char *group, size_t glen,
			   uint32_t *gid_r)
{
	struct span g = { name, 0 };

	while (name[g.n])
		g.n++;
	if (!g.n)
		return USER_BAD;
	return (enum user_error)find_group(g, group, glen, gid_r);
}

enum user_error user_resolve(const char *spec, const char *passwd, size_t plen,
			     const char *group, size_t glen,
			     struct user_ids *out)
{
	struct span u = { spec, 0 }, g = { 0, 0 }, name = { 0, 0 };
	bool has_group = false;
	int rc;

	while (spec[u.n] && spec[u.n] != ':')
		u.n++;
	if (spec[u.n] == ':') {
		has_group = true;
		g.p = spec + u.n + 1;
		while (g.p[g.n])
			g.n++;
	}
	out->ngroups = 0;
	if (!u.n || (has_group && !g.n))
		return USER_BAD;
	rc = find_user(u, passwd, plen, out, &name);
	if (rc)
		return (enum user_error)rc;
	if (has_group)
		rc = find_group(g, group, glen, &out->gid);
	/* the primary group is a supplementary one too, as docker and the
	 * other engines set it since CVE-2022-36109: a process must not
	 * escape a group's (deny) bits by changing its gid */
	if (!rc)
		rc = add_group(out, out->gid);
	if (!rc && !has_group && name.p)
		rc = find_groups(name, group, glen, out);
	return (enum user_error)rc;
}
