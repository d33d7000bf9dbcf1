/* SPDX-License-Identifier: MIT */
/* rlimit: pure rules of a pod's resource limits (spec "rlimits", docker's --ulimit, the guest's "rlimit=" token), shared by xenpodd, the CLI and xenpod-oci. */
#include "rlimit.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json.h"

static const char *const names[XP_RLIMITS_MAX] = {
	"RLIMIT_CPU",	   "RLIMIT_FSIZE", "RLIMIT_DATA",   "RLIMIT_STACK",
	"RLIMIT_CORE",	   "RLIMIT_RSS",   "RLIMIT_NPROC",  "RLIMIT_NOFILE",
	"RLIMIT_MEMLOCK",  "RLIMIT_AS",	   "RLIMIT_LOCKS",  "RLIMIT_SIGPENDING",
	"RLIMIT_MSGQUEUE", "RLIMIT_NICE",  "RLIMIT_RTPRIO", "RLIMIT_RTTIME",
};

int rlimit_res(const char *name)
{
	for (int i = 0; i < XP_RLIMITS_MAX; i++) {
		const char *short_name = names[i] + 7; /* past "RLIMIT_" */

		if (!strcmp(name, names[i]))
			return i;
		/* docker's names are lower case: "nofile" */
		if (!strcasecmp(name, short_name) && name[0] >= 'a' &&
		    name[0] <= 'z')
			return i;
	}
	return -1;
}

const char *rlimit_name(int res)
{
	return res >= 0 && res < XP_RLIMITS_MAX ? names[res] : NULL;
}

/* A decimal value, -1 or "unlimited" in s[0..n). */
static int ulimit_value(const char *s, size_t n, uint64_t *v)
{
	char buf[32], *end;
	unsigned long long x;

	if (!n || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (!strcmp(buf, "-1") || !strcmp(buf, "unlimited")) {
		*v = XP_RLIM_INFINITY;
		return 0;
	}
	if (buf[0] < '0' || buf[0] > '9')
		return -EINVAL;
	errno = 0;
	x = strtoull(buf, &end, 10);
	if (errno || *end || x > INT64_MAX)
		return -EINVAL;
	*v = x;
	return 0;
}

int rlimit_parse_ulimit(const char *arg, struct rlimit_arg *r, char *why,
			size_t whysz)
{
	const char *eq = strchr(arg, '='), *colon;
	char name[32];

	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(name)) {
		snprintf(why, whysz, "expected NAME=SOFT[:HARD]");
		return -EINVAL;
	}
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = '\0';
	r->res = rlimit_res(name);
	if (r->res < 0 || name[0] < 'a' || name[0] > 'z') {
		snprintf(why, whysz,
			 "unknown limit %s (as, core, cpu, data, fsize, "
			 "locks, memlock, msgqueue, nice, nofile, nproc, rss, "
			 "rtprio, rttime, sigpending, stack)",
			 name);
		return -EINVAL;
	}
	colon = strchr(eq + 1, ':');
	if (ulimit_value(eq + 1,
			 colon ? (size_t)(colon - eq - 1) : strlen(eq + 1),
			 &r->soft) ||
	    ulimit_value(colon ? colon + 1 : eq + 1,
			 strlen(colon ? colon + 1 : eq + 1), &r->hard)) {
		snprintf(why, whysz,
			 "expected NAME=SOFT[:HARD], each a number 0..%" PRId64
			 " or -1 (unlimited)",
			 INT64_MAX);
		return -EINVAL;
	}
	if (r->soft > r->hard) {
		snprintf(why, whysz, "the soft limit is above the hard one");
		return -EINVAL;
	}
	return 0;
}

static int json_value(const struct json *v, uint64_t *out)
{
	int64_t n;

	if (!json_int(v, &n) || n < -1)
		return -EINVAL;
	*out = n == -1 ? XP_RLIM_INFINITY : (uint64_t)n;
	return 0;
}

int rlimit_decode(const struct json *a, const char *path,
		  struct rlimit_arg out[XP_RLIMITS_MAX], size_t *n, char *err,
		  size_t errsz)
{
	size_t i, j;

	*n = 0;
	if (!a || json_type(a) == JSON_NULL)
		return 0;
	if (json_type(a) != JSON_ARRAY) {
		snprintf(err, errsz, "%s: expected an array", path);
		return -EINVAL;
	}
	if (json_len(a) > XP_RLIMITS_MAX) {
		snprintf(err, errsz, "%s: more than %d limits", path,
			 XP_RLIMITS_MAX);
		return -EINVAL;
	}
	for (i = 0; i < json_len(a); i++) {
		const struct json *o = json_at(a, i);
		const char *type = json_str(json_get(o, "type"));
		struct rlimit_arg *r = &out[i];

		r->res = type ? rlimit_res(type) : -1;
		if (json_type(o) != JSON_OBJECT || r->res < 0 ||
		    strncmp(type, "RLIMIT_", 7)) {
			snprintf(err, errsz,
				 "%s[%zu].type: expected RLIMIT_CPU .. "
				 "RLIMIT_RTTIME",
				 path, i);
			return -EINVAL;
		}
		if (json_value(json_get(o, "soft"), &r->soft) ||
		    json_value(json_get(o, "hard"), &r->hard)) {
			snprintf(err, errsz,
				 "%s[%zu]: soft and hard: expected integers "
				 ">= 0, or -1 (unlimited)",
				 path, i);
			return -EINVAL;
		}
		if (r->soft > r->hard) {
			snprintf(
				err, errsz,
				"%s[%zu]: the soft limit is above the hard one",
				path, i);
			return -EINVAL;
		}
		for (j = 0; j < i; j++)
			if (out[j].res == r->res) {
				snprintf(err, errsz, "%s[%zu]: %s given twice",
					 path, i, type);
				return -EINVAL;
			}
	}
	*n = i;
	return 0;
}

static void w_value(struct json_writer *w, uint64_t v)
{
	json_w_int(w, v == XP_RLIM_INFINITY ? -1 : (int64_t)v);
}

void rlimit_write(struct json_writer *w, const struct rlimit_arg *r)
{
	json_w_object_open(w);
	json_w_key(w, "type");
	json_w_string(w, names[r->res]);
	json_w_key(w, "soft");
	w_value(w, r->soft);
	json_w_key(w, "hard");
	w_value(w, r->hard);
	json_w_object_close(w);
}

static int fmt_value(char *buf, size_t sz, uint64_t v)
{
	return v == XP_RLIM_INFINITY ? snprintf(buf, sz, "inf") :
				       snprintf(buf, sz, "%" PRIu64, v);
}

int rlimit_token(const struct rlimit_arg *r, char *buf, size_t bufsz)
{
	char s[24], h[24];

	if (r->res < 0 || r->res >= XP_RLIMITS_MAX || r->soft > r->hard)
		return -EINVAL;
	fmt_value(s, sizeof(s), r->soft);
	fmt_value(h, sizeof(h), r->hard);
	if (snprintf(buf, bufsz, "%d:%s:%s", r->res, s, h) >= (int)bufsz)
		return -EINVAL;
	return 0;
}
