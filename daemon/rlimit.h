/* SPDX-License-Identifier: MIT */
/* rlimit: pure rules of a pod's resource limits (spec "rlimits", docker's --ulimit, the guest's "rlimit=" token), shared by xenpodd, the CLI and xenpod-oci. */
#ifndef XENPOD_RLIMIT_H
#define XENPOD_RLIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json;
struct json_writer;

/* Linux's resources (RLIMIT_CPU 0 .. RLIMIT_RTTIME 15): a spec names each
 * at most once. */
#define XP_RLIMITS_MAX 16
/* "unlimited" (RLIM_INFINITY); in JSON and on the command line -1. */
#define XP_RLIM_INFINITY UINT64_MAX
/* One token "RES:SOFT:HARD" at most: two 20-digit numbers. */
#define XP_RLIMIT_TOKEN_MAX 48

struct rlimit_arg {
	int res; /* 0..15 */
	uint64_t soft, hard; /* soft <= hard; XP_RLIM_INFINITY: unlimited */
};

/* The resource of "RLIMIT_NOFILE" (OCI's name) or "nofile" (docker's,
 * and getrlimit(2)'s without the prefix, lower case); -1 if none. */
int rlimit_res(const char *name);
/* OCI's name of res ("RLIMIT_NOFILE"); NULL if res is out of range. */
const char *rlimit_name(int res);

/*
 * Docker's --ulimit NAME=SOFT[:HARD] (HARD defaults to SOFT; -1 or
 * "unlimited" for either). 0, or -EINVAL with why (no prefix: the caller
 * names the value).
 */
int rlimit_parse_ulimit(const char *arg, struct rlimit_arg *r, char *why,
			size_t whysz);

/*
 * The spec's "rlimits": an array of {"type": "RLIMIT_NOFILE", "soft": N,
 * "hard": N} (N an integer >= 0, or -1: unlimited), each type at most
 * once, soft <= hard. path names the value in errors
 * ("params.spec.rlimits[1].soft: ..."). 0 with *n set, or -EINVAL.
 */
int rlimit_decode(const struct json *a, const char *path,
		  struct rlimit_arg out[XP_RLIMITS_MAX], size_t *n, char *err,
		  size_t errsz);
/* One as the spec writes it (an object), as rlimit_decode reads it. */
void rlimit_write(struct json_writer *w, const struct rlimit_arg *r);

/* The guest's token value "RES:SOFT:HARD" (lib/spec.h; "inf" for
 * unlimited) into buf. 0, or -EINVAL. */
int rlimit_token(const struct rlimit_arg *r, char *buf, size_t bufsz);

#endif
