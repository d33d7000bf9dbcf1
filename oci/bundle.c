/* SPDX-License-Identifier: MIT */
/* bundle: an OCI bundle's config.json (and exec's process.json) mapped onto a xenpod pod spec. */
#include "bundle.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/net.h"
#include "daemon/volume.h"
#include "json.h"

#define MIB (1024 * 1024)
#define MAX_ITEMS 1024 /* the daemon's bound on command and env */

struct ctx {
	char *err;
	size_t errsz;
	struct oci_config *c; /* NULL for a bare process */
};

static int bad(struct ctx *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int bad(struct ctx *x, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(x->err, x->errsz, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int oom(struct ctx *x)
{
	snprintf(x->err, x->errsz, "out of memory");
	return -ENOMEM;
}

static void ignore(struct ctx *x, const char *field)
{
	char *s;
	size_t n;

	if (!x->c)
		return;
	s = x->c->ignored;
	n = strlen(s);
	/* Listed once each; a full list ends in "..." rather than a cut name. */
	if (strstr(s, field) || strstr(s, "..."))
		return;
	if (n + strlen(field) + 5 >= sizeof(x->c->ignored))
		snprintf(s + n, sizeof(x->c->ignored) - n, "%s...",
			 n ? "," : "");
	else
		snprintf(s + n, sizeof(x->c->ignored) - n, "%s%s", n ? "," : "",
			 field);
}

bool oci_path_clean(const char *s)
{
	const char *p;

	if (!s || s[0] != '/')
		return false;
	if (!s[1])
		return true;
	for (p = s; *p;) {
		const char *q;
		size_t n;

		p++; /* past '/' */
		q = strchr(p, '/');
		n = q ? (size_t)(q - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += n;
	}
	return true;
}

static void free_strv(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* An array of strings into a NULL-terminated vector. */
static int strv(struct ctx *x, const struct json *a, const char *what, bool env,
		char ***out, size_t *n_out)
{
	size_t i, n = json_len(a);
	char **v;

	if (json_type(a) != JSON_ARRAY)
		return bad(x, "%s: expected an array of strings", what);
	if (n > MAX_ITEMS)
		return bad(x, "%s: more than %d entries", what, MAX_ITEMS);
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		return oom(x);
	for (i = 0; i < n; i++) {
		const char *s = json_str(json_at(a, i));

		if (!s) {
			free_strv(v);
			return bad(x, "%s[%zu]: expected a string", what, i);
		}
		if (env && (s[0] == '=' || !strchr(s, '='))) {
			free_strv(v);
			return bad(x, "%s[%zu]: expected KEY=VALUE", what, i);
		}
		v[i] = strdup(s);
		if (!v[i]) {
			free_strv(v);
			return oom(x);
		}
	}
	*out = v;
	*n_out = n;
	return 0;
}

void oci_process_free(struct oci_process *p)
{
	free_strv(p->args);
	free_strv(p->env);
	free(p->cwd);
	free(p->gids);
	memset(p, 0, sizeof(*p));
}

static int parse_id(struct ctx *x, const struct json *v, const char *what,
		    uint32_t *id_r)
{
	int64_t id;

	if (!json_int(v, &id) || id < 0 || id > OCI_ID_MAX)
		return bad(x, "%s: expected an integer 0..%d", what,
			   OCI_ID_MAX);
	*id_r = (uint32_t)id;
	return 0;
}

static int parse_gids(struct ctx *x, const struct json *a,
		      struct oci_process *p)
{
	char what[64];
	size_t i, n = json_len(a);

	if (json_type(a) != JSON_ARRAY)
		return bad(x, "process.user.additionalGids: expected an array");
	if (n > OCI_GIDS_MAX)
		return bad(x, "process.user.additionalGids: more than %d",
			   OCI_GIDS_MAX);
	p->gids = calloc(n ? n : 1, sizeof(*p->gids));
	if (!p->gids)
		return oom(x);
	for (i = 0; i < n; i++) {
		snprintf(what, sizeof(what), "process.user.additionalGids[%zu]",
			 i);
		if (parse_id(x, json_at(a, i), what, &p->gids[i]))
			return -EINVAL;
	}
	p->n_gids = n;
	return 0;
}

/* A limit's value: an integer; above INT64_MAX (the spec's uint64, whose
 * RLIM_INFINITY is 2^64-1; the parser keeps no such integer) unlimited. */
static int rlimit_value(const struct json *v, uint64_t *out)
{
	int64_t n;

	if (json_int(v, &n) && n >= 0) {
		*out = (uint64_t)n;
		return 0;
	}
	if (json_type(v) == JSON_NUMBER) {
		*out = XP_RLIM_INFINITY;
		return 0;
	}
	return -EINVAL;
}

/* process.rlimits: [{"type": "RLIMIT_NOFILE", "soft": N, "hard": N}]. */
static int parse_rlimits(struct ctx *x, const struct json *a,
			 struct oci_process *p)
{
	size_t i, j, n = json_len(a);

	if (json_type(a) != JSON_ARRAY)
		return bad(x, "process.rlimits: expected an array");
	if (n > XP_RLIMITS_MAX)
		return bad(x, "process.rlimits: more than %d", XP_RLIMITS_MAX);
	for (i = 0; i < n; i++) {
		const struct json *o = json_at(a, i);
		const char *type = json_str(json_get(o, "type"));
		struct rlimit_arg *r = &p->rlimits[i];

		r->res = type && !strncmp(type, "RLIMIT_", 7) ?
				 rlimit_res(type) :
				 -1;
		if (r->res < 0)
			return bad(x,
				   "process.rlimits[%zu].type: expected "
				   "RLIMIT_CPU .. RLIMIT_RTTIME",
				   i);
		if (rlimit_value(json_get(o, "soft"), &r->soft) ||
		    rlimit_value(json_get(o, "hard"), &r->hard))
			return bad(x,
				   "process.rlimits[%zu]: soft and hard: "
				   "expected integers >= 0",
				   i);
		if (r->soft > r->hard)
			return bad(x,
				   "process.rlimits[%zu]: the soft limit is "
				   "above the hard one",
				   i);
		for (j = 0; j < i; j++)
			if (p->rlimits[j].res == r->res)
				return bad(x,
					   "process.rlimits[%zu]: %s given "
					   "twice",
					   i, type);
	}
	p->n_rlimits = n;
	return 0;
}

/* process.user: the guest runs the program as uid:gid with these groups
 * (the engine resolved any names; the guest looks nothing up). */
static int parse_user(struct ctx *x, const struct json *u,
		      struct oci_process *p)
{
	const struct json *v;
	size_t i;

	if (json_type(u) != JSON_OBJECT)
		return bad(x, "process.user: expected an object");
	p->has_user = true;
	if ((v = json_get(u, "uid")) &&
	    parse_id(x, v, "process.user.uid", &p->uid))
		return -EINVAL;
	if ((v = json_get(u, "gid")) &&
	    parse_id(x, v, "process.user.gid", &p->gid))
		return -EINVAL;
	if ((v = json_get(u, "additionalGids")) && parse_gids(x, v, p))
		return -EINVAL;
	for (i = 0; i < json_len(u); i++) {
		const char *k = json_key_at(u, i);

		if (strcmp(k, "uid") && strcmp(k, "gid") &&
		    strcmp(k, "additionalGids"))
			ignore(x, !strcmp(k, "umask") ? "process.user.umask" :
							"process.user");
	}
	return 0;
}

static int parse_process(struct ctx *x, const struct json *o,
			 struct oci_process *p)
{
	const struct json *v;
	const char *cwd;
	size_t i;
	bool b;
	int rc;

	memset(p, 0, sizeof(*p));
	if (json_type(o) != JSON_OBJECT)
		return bad(x, "process: expected an object");
	v = json_get(o, "args");
	if (!v || json_type(v) != JSON_ARRAY || !json_len(v))
		return bad(x, "process.args: expected a non-empty array of "
			      "strings");
	rc = strv(x, v, "process.args", false, &p->args, &p->n_args);
	if (rc)
		goto fail;
	if (!p->args[0][0]) {
		rc = bad(x, "process.args[0]: must not be empty");
		goto fail;
	}
	v = json_get(o, "env");
	if (v)
		rc = strv(x, v, "process.env", true, &p->env, &p->n_env);
	else if (!(p->env = calloc(1, sizeof(char *))))
		rc = oom(x);
	if (rc)
		goto fail;
	v = json_get(o, "cwd");
	cwd = v ? json_str(v) : "/";
	if (!cwd || cwd[0] != '/' || strlen(cwd) > 255) {
		rc = bad(x, "process.cwd: expected an absolute path (at most "
			    "255 bytes)");
		goto fail;
	}
	p->cwd = strdup(cwd);
	if (!p->cwd) {
		rc = oom(x);
		goto fail;
	}
	v = json_get(o, "terminal");
	if (v && !json_bool(v, &b)) {
		rc = bad(x, "process.terminal: expected true or false");
		goto fail;
	}
	p->terminal = v && b;
	v = json_get(o, "user");
	if (v && (rc = parse_user(x, v, p)))
		goto fail;
	v = json_get(o, "rlimits");
	if (v && (rc = parse_rlimits(x, v, p)))
		goto fail;
	for (i = 0; i < json_len(o); i++) {
		static const char *const used[] = { "args", "env",
						    "cwd",  "terminal",
						    "user", "rlimits" };
		const char *k = json_key_at(o, i);
		char name[80];
		size_t j;

		for (j = 0; j < sizeof(used) / sizeof(used[0]); j++)
			if (!strcmp(k, used[j]))
				break;
		if (j < sizeof(used) / sizeof(used[0]))
			continue;
		snprintf(name, sizeof(name), "process.%.60s", k);
		ignore(x, name);
	}
	return 0;
fail:
	oci_process_free(p);
	return rc;
}

int oci_process_parse(const char *text, size_t len, struct oci_process *p,
		      char *err, size_t errsz)
{
	struct ctx x = { .err = err, .errsz = errsz };
	struct json *root;
	char perr[256];
	int rc;

	memset(p, 0, sizeof(*p));
	if (len > OCI_CONFIG_MAX)
		return bad(&x, "larger than %d bytes", OCI_CONFIG_MAX);
	root = json_parse(text, len, perr, sizeof(perr));
	if (!root)
		return bad(&x, "not valid JSON: %s", perr);
	rc = parse_process(&x, root, p);
	json_free(root);
	return rc;
}

/* Destinations the guest provides itself (its own /proc, /dev, /sys). */
static bool guest_path(const char *d)
{
	static const char *const dirs[] = { "/proc", "/dev", "/sys" };
	size_t i, n;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		n = strlen(dirs[i]);
		if (!strncmp(d, dirs[i], n) && (d[n] == '/' || !d[n]))
			return true;
	}
	return false;
}

static bool is_bind(const struct json *m)
{
	const char *type = json_str(json_get(m, "type"));
	const struct json *opts = json_get(m, "options");
	size_t i;

	if (type && !strcmp(type, "bind"))
		return true;
	for (i = 0; i < json_len(opts); i++) {
		const char *o = json_str(json_at(opts, i));

		if (o && (!strcmp(o, "bind") || !strcmp(o, "rbind")))
			return true;
	}
	return false;
}

/* mount(8)'s rule: the last of "ro" and "rw" wins; read-write if neither. */
static bool opts_read_only(const struct json *opts)
{
	bool ro = false;

	for (size_t i = 0; i < json_len(opts); i++) {
		const char *o = json_str(json_at(opts, i));

		if (o && !strcmp(o, "ro"))
			ro = true;
		else if (o && !strcmp(o, "rw"))
			ro = false;
	}
	return ro;
}

/* size=N[k|m|g] (mount(8)'s tmpfs option; a percentage of memory has
 * no meaning for a pod's own memory, which the daemon sizes). */
static int tmpfs_size(const char *v, uint64_t *out)
{
	char *end;
	unsigned long long n;
	int shift = 0;

	if (*v < '0' || *v > '9')
		return -EINVAL;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno)
		return -EINVAL;
	if ((*end == 'k' || *end == 'K') && !end[1])
		shift = 10;
	else if ((*end == 'm' || *end == 'M') && !end[1])
		shift = 20;
	else if ((*end == 'g' || *end == 'G') && !end[1])
		shift = 30;
	else if (*end)
		return -EINVAL;
	if (!n || n > (UINT64_MAX >> 1) >> shift)
		return -EINVAL;
	*out = (uint64_t)n << shift;
	return 0;
}

/* A tmpfs outside the guest's own: its size=, mode= and ro/rw; the
 * other options (nosuid, nodev, noexec, strictatime...) mean nothing in
 * a pod whose only user is the container. */
static int parse_tmpfs(struct ctx *x, const struct json *opts, size_t i,
		       struct oci_mount *om)
{
	om->kind = OCI_MOUNT_TMPFS;
	om->mode = -1;
	om->read_only = opts_read_only(opts);
	for (size_t j = 0; j < json_len(opts); j++) {
		const char *o = json_str(json_at(opts, j));
		char *end;
		long m;

		if (!o)
			return bad(
				x,
				"mounts[%zu].options[%zu]: expected a string",
				i, j);
		if (!strncmp(o, "size=", 5) && tmpfs_size(o + 5, &om->size))
			return bad(x,
				   "mounts[%zu]: tmpfs %s: expected bytes, "
				   "with an optional k, m or g",
				   i, o);
		if (!strncmp(o, "mode=", 5)) {
			errno = 0;
			m = strtol(o + 5, &end, 8);
			if (!o[5] || *end || errno || m < 0 || m > 07777)
				return bad(x,
					   "mounts[%zu]: tmpfs %s: expected "
					   "an octal mode",
					   i, o);
			om->mode = (int)m;
		}
	}
	return 0;
}

static int parse_mounts(struct ctx *x, const struct json *a)
{
	struct oci_config *c = x->c;
	size_t i, n = json_len(a);

	if (json_type(a) != JSON_ARRAY)
		return bad(x, "mounts: expected an array");
	if (n > MAX_ITEMS)
		return bad(x, "mounts: more than %d entries", MAX_ITEMS);
	c->mounts = calloc(n ? n : 1, sizeof(*c->mounts));
	if (!c->mounts)
		return oom(x);
	for (i = 0; i < n; i++) {
		const struct json *m = json_at(a, i);
		const char *d = json_str(json_get(m, "destination"));
		const char *type = json_str(json_get(m, "type"));
		const char *src = json_str(json_get(m, "source"));
		struct oci_mount *om = &c->mounts[c->n_mounts];

		if (json_type(m) != JSON_OBJECT)
			return bad(x, "mounts[%zu]: expected an object", i);
		if (!d || !oci_path_clean(d) || strlen(d) > 4095)
			return bad(x,
				   "mounts[%zu].destination: expected a "
				   "normalised absolute path",
				   i);
		if (json_get(m, "type") && !type)
			return bad(x, "mounts[%zu].type: expected a string", i);
		if (json_get(m, "source") && !src)
			return bad(x, "mounts[%zu].source: expected a string",
				   i);
		if (json_get(m, "options") &&
		    json_type(json_get(m, "options")) != JSON_ARRAY)
			return bad(x,
				   "mounts[%zu].options: expected an array "
				   "of strings",
				   i);
		if (guest_path(d)) {
			om->kind = OCI_MOUNT_GUEST;
		} else if (is_bind(m)) {
			if (!src || !oci_path_clean(src) || strlen(src) > 4095)
				return bad(x,
					   "mounts[%zu].source: a bind "
					   "mount needs a normalised "
					   "absolute path",
					   i);
			om->kind = OCI_MOUNT_BIND;
			om->read_only = opts_read_only(json_get(m, "options"));
			if (!(om->source = strdup(src)))
				return oom(x);
		} else if (type && !strcmp(type, "tmpfs")) {
			if (!strcmp(d, "/"))
				return bad(x,
					   "mounts[%zu]: tmpfs on /: the root "
					   "is root.path",
					   i);
			if (parse_tmpfs(x, json_get(m, "options"), i, om))
				return -EINVAL;
		} else if (type && (!strcmp(type, "mqueue") ||
				    !strcmp(type, "cgroup") ||
				    !strcmp(type, "cgroup2"))) {
			om->kind = OCI_MOUNT_GUEST;
		} else {
			return bad(x,
				   "mounts[%zu]: %s on %s: only bind "
				   "mounts and tmpfs are supported",
				   i, type ? type : "(no type)", d);
		}
		if (!(om->destination = strdup(d)))
			return oom(x);
		c->n_mounts++;
	}
	return 0;
}

static const char *const hook_names[OCI_HOOK_KINDS] = {
	[OCI_HOOK_PRESTART] = "prestart",
	[OCI_HOOK_CREATE_RUNTIME] = "createRuntime",
	[OCI_HOOK_CREATE_CONTAINER] = "createContainer",
	[OCI_HOOK_START_CONTAINER] = "startContainer",
	[OCI_HOOK_POSTSTART] = "poststart",
	[OCI_HOOK_POSTSTOP] = "poststop",
};

const char *oci_hook_name(enum oci_hook_kind k)
{
	return k < OCI_HOOK_KINDS ? hook_names[k] : "?";
}

void oci_hooks_free(struct oci_hooks *h)
{
	for (int k = 0; k < OCI_HOOK_KINDS; k++) {
		for (size_t i = 0; i < h->n[k]; i++) {
			free(h->h[k][i].path);
			free_strv(h->h[k][i].args);
			free_strv(h->h[k][i].env);
		}
		free(h->h[k]);
	}
	memset(h, 0, sizeof(*h));
}

/* One hook: {"path": ABS, "args": [...], "env": [...], "timeout": N}. */
static int parse_hook(struct ctx *x, const struct json *o, const char *what,
		      struct oci_hook *hk)
{
	const char *path = json_str(json_get(o, "path"));
	const struct json *v;
	char name[96];
	size_t n;
	int rc;

	if (json_type(o) != JSON_OBJECT)
		return bad(x, "%s: expected an object", what);
	if (!path || path[0] != '/' || strlen(path) > 4095)
		return bad(x, "%s.path: expected an absolute path", what);
	if (!(hk->path = strdup(path)))
		return oom(x);
	if ((v = json_get(o, "args"))) {
		snprintf(name, sizeof(name), "%s.args", what);
		if ((rc = strv(x, v, name, false, &hk->args, &n)))
			return rc;
	}
	if ((v = json_get(o, "env"))) {
		snprintf(name, sizeof(name), "%s.env", what);
		if ((rc = strv(x, v, name, true, &hk->env, &n)))
			return rc;
	}
	if ((v = json_get(o, "timeout")) &&
	    (!json_int(v, &hk->timeout) || hk->timeout <= 0 ||
	     hk->timeout > 86400))
		return bad(x, "%s.timeout: expected seconds 1..86400", what);
	return 0;
}

static int parse_hooks(struct ctx *x, const struct json *o, struct oci_hooks *h)
{
	char what[64];
	size_t i, j;
	int k, rc;

	if (json_type(o) != JSON_OBJECT)
		return bad(x, "hooks: expected an object");
	for (i = 0; i < json_len(o); i++) {
		const char *key = json_key_at(o, i);
		const struct json *a = json_value_at(o, i);

		for (k = 0; k < OCI_HOOK_KINDS; k++)
			if (!strcmp(key, hook_names[k]))
				break;
		if (k == OCI_HOOK_KINDS) {
			char name[80];

			snprintf(name, sizeof(name), "hooks.%.60s", key);
			ignore(x, name);
			continue;
		}
		if (json_type(a) == JSON_NULL)
			continue;
		if (json_type(a) != JSON_ARRAY)
			return bad(x, "hooks.%s: expected an array", key);
		if (json_len(a) > OCI_HOOKS_MAX)
			return bad(x, "hooks.%s: more than %d hooks", key,
				   OCI_HOOKS_MAX);
		if (h->n[k])
			return bad(x, "hooks.%s: given twice", key);
		h->h[k] = calloc(json_len(a) + 1, sizeof(*h->h[k]));
		if (!h->h[k])
			return oom(x);
		for (j = 0; j < json_len(a); j++) {
			snprintf(what, sizeof(what), "hooks.%s[%zu]", key, j);
			/* Counted first, so a half-parsed hook is freed. */
			h->n[k]++;
			rc = parse_hook(x, json_at(a, j), what, &h->h[k][j]);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static void write_strv(struct json_writer *w, const char *key, char **v)
{
	if (!v)
		return;
	json_w_key(w, key);
	json_w_array_open(w);
	for (size_t i = 0; v[i]; i++)
		json_w_string(w, v[i]);
	json_w_array_close(w);
}

char *oci_hooks_text(const struct oci_hooks *h, unsigned mask)
{
	struct json_writer *w = json_writer_new(false);
	const char *text;
	char *out = NULL;

	if (!w)
		return NULL;
	json_w_object_open(w);
	for (int k = 0; k < OCI_HOOK_KINDS; k++) {
		if (!(mask & (1u << k)) || !h->n[k])
			continue;
		json_w_key(w, hook_names[k]);
		json_w_array_open(w);
		for (size_t i = 0; i < h->n[k]; i++) {
			const struct oci_hook *hk = &h->h[k][i];

			json_w_object_open(w);
			json_w_key(w, "path");
			json_w_string(w, hk->path);
			write_strv(w, "args", hk->args);
			write_strv(w, "env", hk->env);
			if (hk->timeout) {
				json_w_key(w, "timeout");
				json_w_int(w, hk->timeout);
			}
			json_w_object_close(w);
		}
		json_w_array_close(w);
	}
	json_w_object_close(w);
	text = json_writer_text(w, NULL);
	if (text)
		out = strdup(text);
	json_writer_free(w);
	return out;
}

int oci_hooks_parse(const char *text, size_t len, struct oci_hooks *h,
		    char *err, size_t errsz)
{
	struct ctx x = { .err = err, .errsz = errsz };
	struct json *root;
	char perr[256];
	int rc;

	memset(h, 0, sizeof(*h));
	if (len > OCI_CONFIG_MAX)
		return bad(&x, "larger than %d bytes", OCI_CONFIG_MAX);
	root = json_parse(text, len, perr, sizeof(perr));
	if (!root)
		return bad(&x, "not valid JSON: %s", perr);
	rc = parse_hooks(&x, root, h);
	json_free(root);
	if (rc)
		oci_hooks_free(h);
	return rc;
}

/* linux.resources: memory.limit and cpu.quota/period size the pod. */
static int parse_resources(struct ctx *x, const struct json *r)
{
	const struct json *mem = json_get(r, "memory");
	const struct json *cpu = json_get(r, "cpu");
	const struct json *v;
	int64_t n, quota, period = 100000;
	size_t i;

	if (json_type(r) != JSON_OBJECT)
		return bad(x, "linux.resources: expected an object");
	if ((v = json_get(mem, "limit")) && json_type(v) != JSON_NULL) {
		if (!json_int(v, &n))
			return bad(x, "linux.resources.memory.limit: expected "
				      "an integer");
		if (n > 0) {
			if (n > (int64_t)65536 * MIB)
				return bad(x,
					   "linux.resources.memory.limit: "
					   "%lld bytes is more than a pod "
					   "may have (64 GiB)",
					   (long long)n);
			n = (n + MIB - 1) / MIB;
			if (n < 4)
				return bad(x, "linux.resources.memory.limit: "
					      "less than the 4 MiB a pod "
					      "needs");
			x->c->memory_mib = n;
		}
	}
	if ((v = json_get(cpu, "period")) && json_type(v) != JSON_NULL &&
	    (!json_int(v, &period) || period <= 0))
		return bad(x, "linux.resources.cpu.period: expected a "
			      "positive integer");
	if ((v = json_get(cpu, "quota")) && json_type(v) != JSON_NULL) {
		if (!json_int(v, &quota))
			return bad(x, "linux.resources.cpu.quota: expected an "
				      "integer");
		if (quota > 0) {
			n = quota / period + (quota % period != 0);
			if (n > 64)
				return bad(x,
					   "linux.resources.cpu: %lld "
					   "CPUs is more than a pod may "
					   "have (64)",
					   (long long)n);
			x->c->vcpus = n;
		}
	}
	for (i = 0; i < json_len(r); i++) {
		const char *k = json_key_at(r, i);
		char name[80];

		if (!strcmp(k, "memory") || !strcmp(k, "cpu"))
			continue;
		snprintf(name, sizeof(name), "linux.resources.%.50s", k);
		ignore(x, name);
	}
	return 0;
}

/* linux.namespaces: only the network's matters to a pod (the others are
 * the VM's own); each entry is checked. */
static int parse_namespaces(struct ctx *x, const struct json *a)
{
	if (json_type(a) != JSON_ARRAY)
		return bad(x, "linux.namespaces: expected an array");
	for (size_t i = 0; i < json_len(a); i++) {
		const struct json *n = json_at(a, i);
		const char *type = json_str(json_get(n, "type"));
		const struct json *pv = json_get(n, "path");
		const char *path = json_str(pv);

		if (json_type(n) != JSON_OBJECT || !type)
			return bad(x,
				   "linux.namespaces[%zu]: expected an object "
				   "with a string \"type\"",
				   i);
		if (pv && !path)
			return bad(
				x,
				"linux.namespaces[%zu].path: expected a string",
				i);
		if (strcmp(type, "network"))
			continue;
		if (x->c->net != OCI_NET_HOST)
			return bad(x,
				   "linux.namespaces[%zu]: a second network "
				   "namespace",
				   i);
		x->c->net = path && path[0] ? OCI_NET_JOIN : OCI_NET_NEW;
		if (x->c->net == OCI_NET_NEW)
			continue;
		if (!net_netns_path_valid(path))
			return bad(
				x,
				"linux.namespaces[%zu].path: %.80s: expected "
				"an absolute path of [A-Za-z0-9/._:-], at "
				"most %d bytes, without \"..\"",
				i, path, NET_NETNS_PATH_MAX);
		if (!(x->c->netns = strdup(path)))
			return -ENOMEM;
	}
	return 0;
}

static int parse_linux(struct ctx *x, const struct json *l)
{
	size_t i;
	int rc;

	if (json_type(l) != JSON_OBJECT)
		return bad(x, "linux: expected an object");
	for (i = 0; i < json_len(l); i++) {
		const char *k = json_key_at(l, i);
		char name[80];

		if (!strcmp(k, "resources") || !strcmp(k, "namespaces")) {
			rc = !strcmp(k, "resources") ?
				     parse_resources(x, json_value_at(l, i)) :
				     parse_namespaces(x, json_value_at(l, i));
			if (rc)
				return rc;
			continue;
		}
		snprintf(name, sizeof(name), "linux.%.60s", k);
		ignore(x, name);
	}
	return 0;
}

/* A decimal annotation value in [lo, hi]. */
static int ann_number(struct ctx *x, const char *key, const char *s, int64_t lo,
		      int64_t hi, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = (s && s[0] >= '0' && s[0] <= '9') ? strtoll(s, &end, 10) : -1;
	if (v < lo || v > hi || errno || *end)
		return bad(x, "annotations.%s: expected a number %lld..%lld",
			   key, (long long)lo, (long long)hi);
	*out = v;
	return 0;
}

static int parse_annotations(struct ctx *x, const struct json *a)
{
	struct json_writer *w;
	const char *text;
	size_t i;
	int rc;

	if (json_type(a) != JSON_OBJECT)
		return bad(x, "annotations: expected an object");
	for (i = 0; i < json_len(a); i++) {
		const char *k = json_key_at(a, i);
		const char *v = json_str(json_value_at(a, i));

		if (!v)
			return bad(x, "annotations.%.100s: expected a string",
				   k);
		if (!strcmp(k, OCI_ANN_MEMORY))
			rc = ann_number(x, k, v, 4, 65536, &x->c->memory_mib);
		else if (!strcmp(k, OCI_ANN_VCPUS))
			rc = ann_number(x, k, v, 1, 64, &x->c->vcpus);
		else
			rc = 0;
		if (rc)
			return rc;
	}
	w = json_writer_new(false);
	if (!w)
		return oom(x);
	json_w_value(w, a);
	text = json_writer_text(w, NULL);
	free(x->c->annotations);
	x->c->annotations = text ? strdup(text) : NULL;
	json_writer_free(w);
	return x->c->annotations ? 0 : oom(x);
}

void oci_config_free(struct oci_config *c)
{
	size_t i;

	oci_process_free(&c->process);
	free(c->root_path);
	free(c->hostname);
	free(c->netns);
	free(c->annotations);
	for (i = 0; i < c->n_mounts; i++) {
		free(c->mounts[i].destination);
		free(c->mounts[i].source);
	}
	free(c->mounts);
	oci_hooks_free(&c->hooks);
	memset(c, 0, sizeof(*c));
}

static int parse_root(struct ctx *x, const struct json *r, const char *bundle)
{
	const char *path = json_str(json_get(r, "path"));
	const struct json *ro = json_get(r, "readonly");
	bool b;

	if (json_type(r) != JSON_OBJECT)
		return bad(x, "root: expected an object");
	if (!path || !path[0])
		return bad(x, "root.path: expected a non-empty string");
	if (ro && !json_bool(ro, &b))
		return bad(x, "root.readonly: expected true or false");
	x->c->read_only = ro && b;
	if (path[0] == '/')
		x->c->root_path = strdup(path);
	else if (asprintf(&x->c->root_path, "%s/%s", bundle, path) < 0)
		x->c->root_path = NULL;
	if (!x->c->root_path)
		return oom(x);
	if (strlen(x->c->root_path) > 4095)
		return bad(x, "root.path: longer than 4095 bytes");
	return 0;
}

static int parse_config(struct ctx *x, const struct json *root,
			const char *bundle)
{
	const char *ver = json_str(json_get(root, "ociVersion"));
	const struct json *v;
	size_t i;
	int rc;

	if (json_type(root) != JSON_OBJECT)
		return bad(x, "expected a JSON object");
	if (!ver || strncmp(ver, "1.", 2))
		return bad(x, "ociVersion: expected a string \"1.x.y\"");
	v = json_get(root, "process");
	if (!v)
		return bad(x, "process: required");
	rc = parse_process(x, v, &x->c->process);
	if (rc)
		return rc;
	v = json_get(root, "root");
	if (!v)
		return bad(x, "root: required");
	rc = parse_root(x, v, bundle);
	if (rc)
		return rc;
	v = json_get(root, "hostname");
	if (v) {
		if (!json_str(v))
			return bad(x, "hostname: expected a string");
		if (!(x->c->hostname = strdup(json_str(v))))
			return oom(x);
	}
	if ((v = json_get(root, "mounts")) && (rc = parse_mounts(x, v)))
		return rc;
	if ((v = json_get(root, "hooks")) &&
	    (rc = parse_hooks(x, v, &x->c->hooks)))
		return rc;
	/* Annotations before linux: an explicit size wins over resources. */
	if ((v = json_get(root, "linux")) && (rc = parse_linux(x, v)))
		return rc;
	if ((v = json_get(root, "annotations")) &&
	    (rc = parse_annotations(x, v)))
		return rc;
	if (!x->c->annotations && !(x->c->annotations = strdup("{}")))
		return oom(x);
	for (i = 0; i < json_len(root); i++) {
		static const char *const other[] = { "domainname", "vm",
						     "windows", "solaris",
						     "zos" };
		const char *k = json_key_at(root, i);
		size_t j;

		for (j = 0; j < sizeof(other) / sizeof(other[0]); j++)
			if (!strcmp(k, other[j]))
				ignore(x, k);
	}
	return 0;
}

int oci_config_parse(const char *text, size_t len, const char *bundle,
		     struct oci_config *c, char *err, size_t errsz)
{
	struct ctx x = { .err = err, .errsz = errsz, .c = c };
	struct json *root;
	char perr[256];
	int rc;

	memset(c, 0, sizeof(*c));
	if (len > OCI_CONFIG_MAX)
		return bad(&x, "larger than %d bytes", OCI_CONFIG_MAX);
	if (!bundle || bundle[0] != '/')
		return bad(&x, "the bundle path must be absolute");
	root = json_parse(text, len, perr, sizeof(perr));
	if (!root)
		return bad(&x, "not valid JSON: %s", perr);
	rc = parse_config(&x, root, bundle);
	json_free(root);
	if (rc)
		oci_config_free(c);
	return rc;
}

static bool is_volume(const struct oci_mount *m)
{
	return m->kind == OCI_MOUNT_BIND && m->dir;
}

int oci_config_check_mounts(const struct oci_config *c, char *err, size_t errsz)
{
	struct ctx x = { .err = err, .errsz = errsz };
	struct mount_arg *v; /* 8 of 4 KiB paths: not the stack */
	size_t *at, i, n = 0;
	char why[256];
	int rc = 0, k;

	v = calloc(XP_MOUNTS_MAX, sizeof(*v));
	at = calloc(XP_MOUNTS_MAX, sizeof(*at));
	if (!v || !at) {
		free(v);
		free(at);
		return oom(&x);
	}
	for (i = 0; i < c->n_mounts && !rc; i++) {
		const struct oci_mount *m = &c->mounts[i];

		if (!is_volume(m))
			continue;
		if (n == XP_MOUNTS_MAX) {
			rc = bad(&x,
				 "mounts[%zu]: %s: more than %d directory "
				 "bind mounts (a pod's volumes)",
				 i, m->destination, XP_MOUNTS_MAX);
		} else if (mount_set(&v[n], m->source, m->destination,
				     m->read_only, why, sizeof(why))) {
			rc = bad(&x, "mounts[%zu]: %s on %s: %s", i, m->source,
				 m->destination, why);
		} else if ((k = mount_conflict(&v[n], v, n)) >= 0) {
			rc = bad(&x,
				 "mounts[%zu]: %s: overlaps the directory "
				 "bind mount mounts[%zu] on %s",
				 i, m->destination, at[k], v[k].dest);
		} else {
			at[n++] = i;
		}
	}
	/* A file copied under a volume's mount point would be hidden by it. */
	for (i = 0; i < c->n_mounts && !rc; i++) {
		const struct oci_mount *m = &c->mounts[i];

		if (m->kind != OCI_MOUNT_BIND || m->dir)
			continue;
		for (size_t j = 0; j < n && !rc; j++)
			if (mount_dest_overlap(m->destination, v[j].dest))
				rc = bad(&x,
					 "mounts[%zu]: the file bind on %s "
					 "is inside the directory bind "
					 "mount mounts[%zu] on %s",
					 i, m->destination, at[j], v[j].dest);
	}
	free(v);
	free(at);
	return rc;
}

/* The directory binds as the spec's mounts (xenpod-spec(5)), as
 * `xenpod run -v SRC:DST[:ro]` writes them. */
static void write_mounts(struct json_writer *w, const struct oci_config *c)
{
	size_t i, n = 0;

	for (i = 0; i < c->n_mounts; i++)
		n += is_volume(&c->mounts[i]);
	if (!n)
		return;
	json_w_key(w, "mounts");
	json_w_array_open(w);
	for (i = 0; i < c->n_mounts; i++) {
		const struct oci_mount *m = &c->mounts[i];

		if (!is_volume(m))
			continue;
		json_w_object_open(w);
		json_w_key(w, "source");
		json_w_string(w, m->source);
		json_w_key(w, "destination");
		json_w_string(w, m->destination);
		if (m->read_only) {
			json_w_key(w, "read_only");
			json_w_bool(w, true);
		}
		json_w_object_close(w);
	}
	json_w_array_close(w);
}

/* The tmpfs mounts as the spec's "tmpfs" (xenpod run --tmpfs's). */
/* The pod's network from linux.namespaces (docs/OCI.md): podman's or a CNI
 * plugin's namespace is joined ("netns"); a new one, or none (the host's,
 * which a VM cannot share), is loopback only. The hostname (uname,
 * /proc/sys/kernel/hostname) goes with it; the daemon checks both. */
static void write_network(struct json_writer *w, const struct oci_config *c)
{
	json_w_key(w, "network");
	json_w_object_open(w);
	json_w_key(w, "mode");
	json_w_string(w, c->net == OCI_NET_JOIN ? "netns" : "none");
	if (c->net == OCI_NET_JOIN) {
		json_w_key(w, "netns");
		json_w_string(w, c->netns);
	}
	if (c->hostname && c->hostname[0]) {
		json_w_key(w, "hostname");
		json_w_string(w, c->hostname);
	}
	json_w_object_close(w);
}

static void write_tmpfs(struct json_writer *w, const struct oci_config *c)
{
	size_t i, n = 0;

	for (i = 0; i < c->n_mounts; i++)
		n += c->mounts[i].kind == OCI_MOUNT_TMPFS;
	if (!n)
		return;
	json_w_key(w, "tmpfs");
	json_w_array_open(w);
	for (i = 0; i < c->n_mounts; i++) {
		const struct oci_mount *m = &c->mounts[i];

		if (m->kind != OCI_MOUNT_TMPFS)
			continue;
		json_w_object_open(w);
		json_w_key(w, "path");
		json_w_string(w, m->destination);
		if (m->size) {
			json_w_key(w, "size");
			json_w_int(w, (int64_t)m->size);
		}
		if (m->mode >= 0) {
			json_w_key(w, "mode");
			json_w_int(w, m->mode);
		}
		if (m->read_only) {
			json_w_key(w, "ro");
			json_w_bool(w, true);
		}
		json_w_object_close(w);
	}
	json_w_array_close(w);
}

/* spec "user" as "UID:GID" and "groups" as numbers (xenpod-spec(5)). */
static void write_user(struct json_writer *w, const struct oci_process *p)
{
	char id[32];

	if (!p->has_user)
		return;
	snprintf(id, sizeof(id), "%u:%u", p->uid, p->gid);
	json_w_key(w, "user");
	json_w_string(w, id);
	if (!p->n_gids)
		return;
	json_w_key(w, "groups");
	json_w_array_open(w);
	for (size_t i = 0; i < p->n_gids; i++) {
		snprintf(id, sizeof(id), "%u", p->gids[i]);
		json_w_string(w, id);
	}
	json_w_array_close(w);
}

char *oci_config_pod_params(const struct oci_config *c, const char *name)
{
	struct json_writer *w = json_writer_new(false);
	const char *text;
	char *out = NULL;
	size_t i;

	if (!w)
		return NULL;
	json_w_object_open(w);
	json_w_key(w, "spec");
	json_w_object_open(w);
	json_w_key(w, "name");
	json_w_string(w, name);
	json_w_key(w, "image");
	json_w_string(w, c->root_path);
	json_w_key(w, "command");
	json_w_array_open(w);
	for (i = 0; i < c->process.n_args; i++)
		json_w_string(w, c->process.args[i]);
	json_w_array_close(w);
	json_w_key(w, "env");
	json_w_array_open(w);
	for (i = 0; i < c->process.n_env; i++)
		json_w_string(w, c->process.env[i]);
	json_w_array_close(w);
	json_w_key(w, "cwd");
	json_w_string(w, c->process.cwd);
	write_user(w, &c->process);
	if (c->process.n_rlimits) {
		json_w_key(w, "rlimits");
		json_w_array_open(w);
		for (i = 0; i < c->process.n_rlimits; i++)
			rlimit_write(w, &c->process.rlimits[i]);
		json_w_array_close(w);
	}
	if (c->memory_mib) {
		json_w_key(w, "memory_mib");
		json_w_int(w, c->memory_mib);
	}
	if (c->vcpus) {
		json_w_key(w, "vcpus");
		json_w_int(w, c->vcpus);
	}
	write_mounts(w, c);
	write_tmpfs(w, c);
	if (c->read_only) {
		json_w_key(w, "read_only");
		json_w_bool(w, true);
	}
	json_w_key(w, "tty");
	json_w_bool(w, c->process.terminal);
	json_w_key(w, "stdin");
	json_w_bool(w, true);
	write_network(w, c);
	json_w_object_close(w);
	json_w_object_close(w);
	text = json_writer_text(w, NULL);
	if (text)
		out = strdup(text);
	json_writer_free(w);
	return out;
}
