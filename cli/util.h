/* SPDX-License-Identifier: MIT */
/* cli util: pure helpers of the xenpod CLI (parsing, validation, formatting, spec building). */
#ifndef XENPOD_CLI_UTIL_H
#define XENPOD_CLI_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "protocol.h" /* pod names: xp_name_valid, XP_NAME_MAX */
#include "rlimit.h" /* --ulimit: struct rlimit_arg */
#include "volume.h" /* -v: struct mount_arg */

struct json_writer;

/*
 * Strict decimal parse: digits only (no sign, space, prefix or suffix),
 * value in [min, max]. Returns 0, -EINVAL (not a number) or -ERANGE.
 */
int cli_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/*
 * Parse an RFC 3339 timestamp ("2026-11-26T18:20:20Z", optional fraction,
 * "Z" or "+hh:mm"/"-hh:mm") fully. Returns 0 or -EINVAL.
 */
int cli_parse_time(const char *s, time_t *out);

/*
 * Human age of a duration in seconds: "5s", "3m", "2h", "4d" (largest unit,
 * rounded down; negative durations are clock skew and print as "0s").
 */
void cli_format_age(int64_t secs, char *buf, size_t size);

/* The options of "xenpod run" that go into the pod spec. */
struct cli_run_opts {
	const char *name; /* NULL: the daemon generates one */
	const char *image; /* absolute path */
	char **command; /* argv-style, NULL-terminated; NULL or empty: image default */
	const char **env; /* "K=V" strings */
	size_t n_env;
	const char *cwd; /* NULL: default */
	const char *user; /* -u USER[:GROUP]; NULL: the image's, else root */
	uint64_t memory_mib; /* 0: default */
	uint64_t vcpus; /* 0: default */
	const char *kernel_args; /* NULL: none */
	bool tty; /* -t: the main process on a pseudo-terminal */
	bool open_stdin; /* -i: its stdin open for attached clients */
	struct cli_net_opts {
		const char *
			mode; /* --network none|bridge|NAME|netns; NULL: bridge if ip or ports */
		const char *netns; /* --network ns:PATH: PATH, mode "netns" */
		const char *ip; /* --ip */
		const char *hostname; /* --hostname */
		const char **ports; /* -p, docker's syntax */
		size_t n_ports;
		const char **dns, **search, **options,
			**hosts; /* --dns, --dns-search, --dns-option, --add-host */
		size_t n_dns, n_search, n_options, n_hosts;
	} net;
	struct mount_arg *mounts; /* -v, checked (mount_parse, no overlap) */
	size_t n_mounts;
	struct tmpfs_arg *tmpfs; /* --tmpfs, checked (tmpfs_parse, no overlap) */
	size_t n_tmpfs;
	bool read_only; /* --read-only */
	/* --ulimit, one per resource (a later one replaces an earlier) */
	struct rlimit_arg rlimits[XP_RLIMITS_MAX];
	size_t n_rlimits;
};

/* One item of spec.tmpfs. */
void cli_write_tmpfs(struct json_writer *w, const struct tmpfs_arg *t);

/*
 * Check a --tmpfs value against the tmpfs mounts before it (tmpfs_parse:
 * docker's syntax; no mount point shared or nested). 0 with *t filled, or
 * -EINVAL with why naming what is wrong (prev_args: the earlier values).
 */
int cli_tmpfs_arg(const char *arg, const struct tmpfs_arg *prev,
		  const char *const *prev_args, size_t n, struct tmpfs_arg *t,
		  char *why, size_t whysz);

/* Does one of the n tmpfs mounts share or nest with one of the n_mounts -v
 * mounts? 0, or -EINVAL with why naming both values. */
int cli_tmpfs_vs_volumes(const struct tmpfs_arg *t, const char *const *targs,
			 size_t n, const struct mount_arg *m,
			 const char *const *margs, size_t n_mounts, char *why,
			 size_t whysz);

/*
 * A --ulimit value (docker's NAME=SOFT[:HARD]) into o->rlimits, replacing
 * an earlier one of the same resource. 0, or -EINVAL with why naming it.
 */
int cli_ulimit_arg(const char *arg, struct cli_run_opts *o, char *why,
		   size_t whysz);
/* The same into rlimits[*n] (exec --ulimit). */
int cli_ulimit_add(const char *arg, struct rlimit_arg rlimits[XP_RLIMITS_MAX],
		   size_t *n, char *why, size_t whysz);

/* One item of spec.mounts. */
void cli_write_mount(struct json_writer *w, const struct mount_arg *m);

/*
 * Check a -v value against the mounts before it: docker's syntax
 * (mount_parse), a host directory that exists, no mount point shared or
 * nested. 0 with *m filled, or -EINVAL/-errno with why naming what is wrong
 * (prev_args: the earlier -v values, for the message).
 */
int cli_volume_arg(const char *arg, const struct mount_arg *prev,
		   const char *const *prev_args, size_t n, struct mount_arg *m,
		   char *why, size_t whysz);

/* "K=V" with a non-empty key free of '='. */
bool cli_env_valid(const char *kv);

/*
 * Build the params of pod_create, {"spec":{...}}, from run options.
 * Returns a malloc'd NUL-terminated JSON text, or NULL on out of memory.
 */
char *cli_build_run_params(const struct cli_run_opts *o);

/* Exit statuses of xenpod run beyond the container's own (as docker's). */
#define CLI_EXIT_FAILED 125 /* the pod failed or could not be run */
#define CLI_EXIT_KILLED 137 /* destroyed: 128 + SIGKILL */
#define CLI_EXIT_STOPPED 143 /* stopped without an exit code: 128 + SIGTERM */

/*
 * The exit status "xenpod run" and "xenpod wait" report for a stopped pod,
 * from its POD fields (reason may be NULL, code_known false when exit_code
 * is null). A pod killed or destroyed after the stop timeout gives 137, and
 * so does a failed one whose guest kernel died (reason "crashed: ...");
 * another failure 125; a known exit code is passed on (low 8 bits, as a
 * process's); a clean poweroff or stop without one gives 143; anything else
 * 125.
 */
int cli_exit_status(const char *status, const char *reason, bool code_known,
		    int64_t code);

/*
 * A signal by number (1..64) or name, with or without "SIG", any case
 * ("TERM", "SIGKILL", "9"). Returns the Linux number, or -EINVAL.
 */
int cli_parse_signal(const char *s);

#endif
