/* SPDX-License-Identifier: MIT */
/* spec.h: the pod spec tokenizer: "OPTION... -- PROGRAM [ARG...]", percent-encoded tokens. */
#ifndef GUEST_LIB_SPEC_H
#define GUEST_LIB_SPEC_H

#include <stddef.h>
#include <stdint.h>

#include "lib/passwd.h"

#define SPEC_ARGV_MAX 256
#define SPEC_ENV_MAX 256
#define SPEC_UNKNOWN_MAX 16
#define SPEC_GROUPS_MAX USER_GROUPS_MAX
/* tmpfs mounts of a pod (the daemon's XP_TMPFS_MAX) */
#define SPEC_TMPFS_MAX 8
/* The largest tmpfs size a token may give (1 TiB). */
#define SPEC_TMPFS_SIZE_MAX (1ull << 40)

/* A "tmpfs=SIZE,MODE,RO,PATH" token: a fresh ramfs instance at PATH. */
struct spec_tmpfs {
	char *path; /* absolute */
	unsigned long long size; /* bytes; 0: half the pod's memory */
	unsigned mode; /* of its root directory, at most 07777 */
	int read_only; /* 0 or 1 */
};

/* "rlimit=" tokens: one per resource (Linux has 16). */
#define SPEC_RLIMITS_MAX 16
/* A limit's "inf": RLIM_INFINITY. */
#define SPEC_RLIM_INFINITY (~0ull)

/* One "rlimit=RES:SOFT:HARD" token: Linux's resource number (0..15),
 * soft <= hard, each decimal or "inf". */
struct spec_rlimit {
	unsigned res;
	uint64_t soft, hard;
};

/*
 * All pointers point into the buffer given to spec_parse(), which is
 * decoded in place (decoding only shrinks a token).
 */
struct spec {
	char *argv[SPEC_ARGV_MAX + 1]; /* NULL-terminated */
	size_t argc;
	char *envp[SPEC_ENV_MAX + 1]; /* "KEY=VALUE", NULL-terminated */
	size_t envc;
	char *cwd; /* NULL if not given */
	char *name; /* NULL if not given */
	char *user; /* docker's USER[:GROUP] (lib/passwd.h); NULL if not given */
	/* "group=" tokens: more supplementary groups, names or numbers
	 * (docker's --group-add, OCI's additionalGids) */
	char *groups[SPEC_GROUPS_MAX];
	size_t ngroups;
	struct spec_tmpfs tmpfs[SPEC_TMPFS_MAX];
	size_t ntmpfs;
	int read_only; /* "readonly=1": the root file system is read-only */
	/* the pod's resource limits, for its processes and execs */
	struct spec_rlimit rlimits[SPEC_RLIMITS_MAX];
	size_t nrlimits;
	/* Options this parser does not know, for the caller to warn about.
	 * Tokens whose key contains a '.' (kernel parameters such as
	 * "xenpod.test=x" on the QEMU command line) are skipped silently. */
	char *unknown[SPEC_UNKNOWN_MAX];
	size_t nunknown;
};

/*
 * Parses buf[0..len) (need not be NUL-terminated; buf must have room for
 * len + 1 bytes since tokens are NUL-terminated in place). Returns 0, or
 * -EINVAL with *err_r set to a static message: bad %XX escape, a decoded
 * NUL byte, no "--", no program, an empty env key, an empty user, a
 * malformed tmpfs or readonly token, a bad or repeated rlimit, or too many
 * arguments/variables/tmpfs mounts (-E2BIG).
 */
int spec_parse(char *buf, size_t len, struct spec *out, const char **err_r);

/*
 * One "RES:SOFT:HARD" limit in v[0..n) (a spec's "rlimit=" value, an exec's
 * in lib/podio.h): RES 0..15, SOFT and HARD decimal or "inf", soft <= hard.
 * 0, or -EINVAL with *err_r set to a static message.
 */
int spec_rlimit_parse(const char *v, size_t n, struct spec_rlimit *r,
		      const char **err_r);

/*
 * Decodes one percent-encoded token in place; returns the decoded length
 * or -EINVAL (bad escape, or a %00).
 */
long spec_unescape(char *tok, size_t len);

#endif
