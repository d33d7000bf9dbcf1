/* SPDX-License-Identifier: MIT */
/* cli util: pure helpers of the xenpod CLI (parsing, validation, formatting, spec building). */
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "json.h"

int cli_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	bool overflow = false;
	uint64_t v = 0;
	size_t i;

	if (!s || !s[0])
		return -EINVAL;
	for (i = 0; s[i]; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		d = (unsigned)(s[i] - '0');
		/* Keep scanning after an overflow so "99999999999999999999x" is
		 * reported as not a number rather than out of range. */
		if (v > (UINT64_MAX - d) / 10)
			overflow = true;
		else
			v = v * 10 + d;
	}
	if (overflow || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/* Parse exactly n digits at *p into *out and advance. */
static bool digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		char c = (*p)[i];

		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return true;
}

static bool expect(const char **p, char c)
{
	if (**p != c)
		return false;
	(*p)++;
	return true;
}

static void write_strs(struct json_writer *w, const char *key, const char **v,
		       size_t n)
{
	if (!n)
		return;
	json_w_key(w, key);
	json_w_array_open(w);
	for (size_t i = 0; i < n; i++)
		json_w_string(w, v[i]);
	json_w_array_close(w);
}

/* spec.network, when any network option was given. */
static void write_network(struct json_writer *w, const struct cli_net_opts *n)
{
	if (!n->mode && !n->ip && !n->hostname && !n->n_ports && !n->n_dns &&
	    !n->n_search && !n->n_options && !n->n_hosts)
		return;
	json_w_key(w, "network");
	json_w_object_open(w);
	json_w_key(w, "mode");
	json_w_string(w, n->mode	     ? n->mode :
			 n->ip || n->n_ports ? "bridge" :
					       "none");
	if (n->ip) {
		json_w_key(w, "ip");
		json_w_string(w, n->ip);
	}
	if (n->hostname) {
		json_w_key(w, "hostname");
		json_w_string(w, n->hostname);
	}
	if (n->netns) {
		json_w_key(w, "netns");
		json_w_string(w, n->netns);
	}
	write_strs(w, "ports", n->ports, n->n_ports);
	write_strs(w, "dns", n->dns, n->n_dns);
	write_strs(w, "dns_search", n->search, n->n_search);
	write_strs(w, "dns_options", n->options, n->n_options);
	write_strs(w, "extra_hosts", n->hosts, n->n_hosts);
	json_w_object_close(w);
}

/* "Z", "+hh:mm" or "-hh:mm" to an offset in seconds east of UTC. */
static bool parse_zone(const char **p, long *off)
{
	int sign, hh, mm;

	if (**p == 'Z' || **p == 'z') {
		(*p)++;
		*off = 0;
		return true;
	}
	if (**p != '+' && **p != '-')
		return false;
	sign = **p == '-' ? -1 : 1;
	(*p)++;
	if (!digits(p, 2, &hh) || !expect(p, ':') || !digits(p, 2, &mm) ||
	    hh > 23 || mm > 59)
		return false;
	*off = sign * (hh * 3600L + mm * 60L);
	return true;
}

int cli_parse_time(const char *s, time_t *out)
{
	struct tm tm = { 0 };
	const char *p = s;
	int y, mo, d, h, mi, se;
	long off;

	if (!s || !digits(&p, 4, &y) || !expect(&p, '-') ||
	    !digits(&p, 2, &mo) || !expect(&p, '-') || !digits(&p, 2, &d))
		return -EINVAL;
	if (*p != 'T' && *p != 't' && *p != ' ')
		return -EINVAL;
	p++;
	if (!digits(&p, 2, &h) || !expect(&p, ':') || !digits(&p, 2, &mi) ||
	    !expect(&p, ':') || !digits(&p, 2, &se))
		return -EINVAL;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -EINVAL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (!parse_zone(&p, &off) || *p)
		return -EINVAL;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    se > 60)
		return -EINVAL;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	*out = timegm(&tm) - off;
	return 0;
}

void cli_format_age(int64_t secs, char *buf, size_t size)
{
	if (secs < 0)
		secs = 0;
	if (secs < 60)
		snprintf(buf, size, "%llds", (long long)secs);
	else if (secs < 3600)
		snprintf(buf, size, "%lldm", (long long)(secs / 60));
	else if (secs < 86400)
		snprintf(buf, size, "%lldh", (long long)(secs / 3600));
	else
		snprintf(buf, size, "%lldd", (long long)(secs / 86400));
}

bool cli_env_valid(const char *kv)
{
	const char *eq = strchr(kv, '=');

	return eq && eq != kv;
}

void cli_write_mount(struct json_writer *w, const struct mount_arg *m)
{
	json_w_object_open(w);
	json_w_key(w, "source");
	json_w_string(w, m->source);
	json_w_key(w, "destination");
	json_w_string(w, m->dest);
	if (m->read_only) {
		json_w_key(w, "read_only");
		json_w_bool(w, true);
	}
	json_w_object_close(w);
}

void cli_write_tmpfs(struct json_writer *w, const struct tmpfs_arg *t)
{
	json_w_object_open(w);
	json_w_key(w, "path");
	json_w_string(w, t->dest);
	if (t->size) {
		json_w_key(w, "size");
		json_w_int(w, (int64_t)t->size);
	}
	json_w_key(w, "mode");
	json_w_int(w, t->mode);
	if (t->read_only) {
		json_w_key(w, "ro");
		json_w_bool(w, true);
	}
	json_w_object_close(w);
}

int cli_tmpfs_arg(const char *arg, const struct tmpfs_arg *prev,
		  const char *const *prev_args, size_t n, struct tmpfs_arg *t,
		  char *why, size_t whysz)
{
	char w[300];
	int other;

	if (n >= XP_TMPFS_MAX) {
		snprintf(why, whysz, "--tmpfs %s: at most %d tmpfs mounts", arg,
			 XP_TMPFS_MAX);
		return -EINVAL;
	}
	if (tmpfs_parse(arg, t, w, sizeof(w))) {
		snprintf(why, whysz, "--tmpfs %s: %s", arg, w);
		return -EINVAL;
	}
	other = tmpfs_conflict(t->dest, prev, n);
	if (other >= 0) {
		snprintf(why, whysz, "--tmpfs %s: %s %s --tmpfs %s", arg,
			 t->dest,
			 strcmp(t->dest, prev[other].dest) ?
				 "overlaps" :
				 "is already taken by",
			 prev_args[other]);
		return -EINVAL;
	}
	return 0;
}

int cli_tmpfs_vs_volumes(const struct tmpfs_arg *t, const char *const *targs,
			 size_t n, const struct mount_arg *m,
			 const char *const *margs, size_t n_mounts, char *why,
			 size_t whysz)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n_mounts; j++)
			if (mount_dest_overlap(t[i].dest, m[j].dest)) {
				snprintf(why, whysz, "--tmpfs %s: %s %s -v %s",
					 targs[i], t[i].dest,
					 strcmp(t[i].dest, m[j].dest) ?
						 "overlaps" :
						 "is already taken by",
					 margs[j]);
				return -EINVAL;
			}
	return 0;
}

int cli_volume_arg(const char *arg, const struct mount_arg *prev,
		   const char *const *prev_args, size_t n, struct mount_arg *m,
		   char *why, size_t whysz)
{
	char w[300];
	struct stat sb;
	int other;

	if (n >= XP_MOUNTS_MAX) {
		snprintf(why, whysz, "-v %s: at most %d volumes", arg,
			 XP_MOUNTS_MAX);
		return -EINVAL;
	}
	if (mount_parse(arg, m, w, sizeof(w))) {
		snprintf(why, whysz, "-v %s: %s", arg, w);
		return -EINVAL;
	}
	if (mount_source_is_host(m->source)) {
		if (stat(m->source, &sb) < 0) {
			int rc = -errno;

			snprintf(why, whysz, "-v %s: %s: %s", arg, m->source,
				 strerror(errno));
			return rc;
		}
		if (!S_ISDIR(sb.st_mode)) {
			snprintf(why, whysz, "-v %s: %s is not a directory",
				 arg, m->source);
			return -ENOTDIR;
		}
	}
	other = mount_conflict(m, prev, n);
	if (other >= 0) {
		snprintf(why, whysz, "-v %s: %s %s -v %s", arg, m->dest,
			 strcmp(m->dest, prev[other].dest) ?
				 "overlaps" :
				 "is already taken by",
			 prev_args[other]);
		return -EINVAL;
	}
	return 0;
}

static void write_spec(struct json_writer *w, const struct cli_run_opts *o)
{
	json_w_object_open(w);
	if (o->name) {
		json_w_key(w, "name");
		json_w_string(w, o->name);
	}
	json_w_key(w, "image");
	json_w_string(w, o->image);
	if (o->command && o->command[0]) {
		json_w_key(w, "command");
		json_w_array_open(w);
		for (char **a = o->command; *a; a++)
			json_w_string(w, *a);
		json_w_array_close(w);
	}
	if (o->n_env) {
		json_w_key(w, "env");
		json_w_array_open(w);
		for (size_t i = 0; i < o->n_env; i++)
			json_w_string(w, o->env[i]);
		json_w_array_close(w);
	}
	if (o->cwd) {
		json_w_key(w, "cwd");
		json_w_string(w, o->cwd);
	}
	if (o->user) {
		json_w_key(w, "user");
		json_w_string(w, o->user);
	}
	if (o->memory_mib) {
		json_w_key(w, "memory_mib");
		json_w_int(w, (int64_t)o->memory_mib);
	}
	if (o->vcpus) {
		json_w_key(w, "vcpus");
		json_w_int(w, (int64_t)o->vcpus);
	}
	if (o->kernel_args) {
		json_w_key(w, "kernel_args");
		json_w_string(w, o->kernel_args);
	}
	if (o->tty) {
		json_w_key(w, "tty");
		json_w_bool(w, true);
	}
	if (o->open_stdin) {
		json_w_key(w, "stdin");
		json_w_bool(w, true);
	}
	write_network(w, &o->net);
	if (o->n_mounts) {
		json_w_key(w, "mounts");
		json_w_array_open(w);
		for (size_t i = 0; i < o->n_mounts; i++)
			cli_write_mount(w, &o->mounts[i]);
		json_w_array_close(w);
	}
	if (o->n_tmpfs) {
		json_w_key(w, "tmpfs");
		json_w_array_open(w);
		for (size_t i = 0; i < o->n_tmpfs; i++)
			cli_write_tmpfs(w, &o->tmpfs[i]);
		json_w_array_close(w);
	}
	if (o->read_only) {
		json_w_key(w, "read_only");
		json_w_bool(w, true);
	}
	if (o->n_rlimits) {
		json_w_key(w, "rlimits");
		json_w_array_open(w);
		for (size_t i = 0; i < o->n_rlimits; i++)
			rlimit_write(w, &o->rlimits[i]);
		json_w_array_close(w);
	}
	json_w_object_close(w);
}

int cli_ulimit_add(const char *arg, struct rlimit_arg rlimits[XP_RLIMITS_MAX],
		   size_t *n, char *why, size_t whysz)
{
	struct rlimit_arg r;
	char w[300];
	size_t i;

	if (rlimit_parse_ulimit(arg, &r, w, sizeof(w))) {
		snprintf(why, whysz, "--ulimit %s: %s", arg, w);
		return -EINVAL;
	}
	for (i = 0; i < *n && rlimits[i].res != r.res; i++)
		;
	rlimits[i] = r; /* at most one per resource: i < XP_RLIMITS_MAX */
	if (i == *n)
		(*n)++;
	return 0;
}

int cli_ulimit_arg(const char *arg, struct cli_run_opts *o, char *why,
		   size_t whysz)
{
	return cli_ulimit_add(arg, o->rlimits, &o->n_rlimits, why, whysz);
}

char *cli_build_run_params(const struct cli_run_opts *o)
{
	struct json_writer *w = json_writer_new(false);
	const char *text;
	char *out = NULL;

	if (!w)
		return NULL;
	json_w_object_open(w);
	json_w_key(w, "spec");
	write_spec(w, o);
	json_w_object_close(w);
	text = json_writer_text(w, NULL);
	if (text)
		out = strdup(text);
	json_writer_free(w);
	return out;
}

int cli_exit_status(const char *status, const char *reason, bool code_known,
		    int64_t code)
{
	if (reason && (!strcmp(reason, "killed") || !strcmp(reason, "timeout")))
		return CLI_EXIT_KILLED;
	/* The guest kernel died: as docker reports a killed container. */
	if (status && !strcmp(status, "failed") && reason &&
	    !strncmp(reason, "crashed", 7))
		return CLI_EXIT_KILLED;
	/* A failed start says why with its status: 125, 126 or 127. */
	if (status && !strcmp(status, "failed") && code_known)
		return (int)(code & 0xff);
	if ((status && !strcmp(status, "failed")) ||
	    (reason &&
	     (!strcmp(reason, "crash") || !strncmp(reason, "failed", 6))))
		return CLI_EXIT_FAILED;
	if (code_known)
		return (int)(code & 0xff);
	/* Powered off on request (xenpod stop) before reporting a code. */
	if (reason &&
	    (!strcmp(reason, "stopped") || !strcmp(reason, "poweroff")))
		return CLI_EXIT_STOPPED;
	return CLI_EXIT_FAILED;
}

static const struct {
	const char *name;
	int num;
} signals[] = {
	{ "HUP", 1 },	  { "INT", 2 },	  { "QUIT", 3 },    { "ILL", 4 },
	{ "TRAP", 5 },	  { "ABRT", 6 },  { "IOT", 6 },	    { "BUS", 7 },
	{ "FPE", 8 },	  { "KILL", 9 },  { "USR1", 10 },   { "SEGV", 11 },
	{ "USR2", 12 },	  { "PIPE", 13 }, { "ALRM", 14 },   { "TERM", 15 },
	{ "STKFLT", 16 }, { "CHLD", 17 }, { "CONT", 18 },   { "STOP", 19 },
	{ "TSTP", 20 },	  { "TTIN", 21 }, { "TTOU", 22 },   { "URG", 23 },
	{ "XCPU", 24 },	  { "XFSZ", 25 }, { "VTALRM", 26 }, { "PROF", 27 },
	{ "WINCH", 28 },  { "IO", 29 },	  { "POLL", 29 },   { "PWR", 30 },
	{ "SYS", 31 },
};

int cli_parse_signal(const char *s)
{
	uint64_t n;
	size_t i;

	if (!s || !*s)
		return -EINVAL;
	if (s[0] >= '0' && s[0] <= '9')
		return cli_parse_uint(s, 1, 64, &n) ? -EINVAL : (int)n;
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (!strcasecmp(s, signals[i].name))
			return signals[i].num;
	return -EINVAL;
}
