/* SPDX-License-Identifier: MIT */
/* fuzz_spec: a pod spec round trip: the daemon's pod_spec_string, then the guest's spec_parse. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "lib/spec.h"
#include "pod.h"

/*
 * Input: argv, env, cwd and name split by "\n----\n"; argv and env items
 * are separated by NUL bytes; a cwd or name of "<none>" is left out. Items
 * are what the daemon accepts (rpc_pod.c / pod_create.c): argv up to
 * SPEC_ARGV_MAX items, env "K=V" with a non-empty key. What the daemon
 * encodes, the guest must decode to the very same strings.
 */
/* NUL-separated items (none for empty input); a NULL-terminated vector. */
static char **split(const uint8_t *p, size_t n, size_t *count)
{
	char **v = calloc(n + 2, sizeof(*v));
	size_t i = 0, start = 0, k;

	if (!v)
		abort();
	for (k = 0; n && k <= n; k++) {
		if (k == n || p[k] == '\0') {
			v[i++] = fuzz_strndup(p + start, k - start);
			start = k + 1;
		}
	}
	*count = i;
	return v;
}

static void free_v(char **v)
{
	for (size_t i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}

static bool env_ok(char **env, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!env[i][0] || env[i][0] == '=' || !strchr(env[i], '='))
			return false;
	return true;
}

static void mismatch(const char *what, const char *want, const char *got,
		     const char *spec)
{
	fprintf(stderr,
		"spec round trip: %s: sent \"%s\", guest got \"%s\"\n"
		"spec string: %s\n",
		what, want, got ? got : "(none)", spec);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *part[4];
	size_t len[4] = { 0 }, n, argc, envc, i;
	char **argv, **env, *cwd = NULL, *name = NULL, buf[POD_SPEC_MAX + 1],
			    copy[POD_SPEC_MAX + 1];
	const char *err = NULL;
	struct spec sp;
	unsigned flags;

	n = fuzz_split(data, size, part, len, 4);
	if (n < 1)
		return 0;
	argv = split(part[0], len[0], &argc);
	env = n > 1 ? split(part[1], len[1], &envc) : split(NULL, 0, &envc);
	if (n > 2 && !(len[2] == 6 && !memcmp(part[2], "<none>", 6)))
		cwd = fuzz_strndup(part[2], len[2]);
	if (n > 3 && !(len[3] == 6 && !memcmp(part[3], "<none>", 6)))
		name = fuzz_strndup(part[3], len[3]);
	/* The daemon refuses an empty program (spec_check). */
	if (!argc || !argv[0][0] || argc > SPEC_ARGV_MAX ||
	    envc > SPEC_ENV_MAX || !env_ok(env, envc) ||
	    (cwd && strlen(cwd) != len[2]) || (name && strlen(name) != len[3]))
		goto out;
	/* The flags ride on the input's length: the corpus stays as it is. */
	flags = size % 4;
	if (pod_spec_string(argv, env, cwd, name, NULL, NULL, NULL, 0, flags,
			    buf, sizeof(buf)))
		goto out; /* too big: the daemon refuses the create */
	memcpy(copy, buf, sizeof(buf));
	if (spec_parse(copy, strlen(copy), &sp, &err))
		mismatch("spec_parse", buf, err, buf);
	if (sp.argc != argc)
		mismatch("argc", argv[0], sp.argv[0], buf);
	for (i = 0; i < argc; i++)
		if (strcmp(argv[i], sp.argv[i]))
			mismatch("argv", argv[i], sp.argv[i], buf);
	if (sp.envc != envc)
		mismatch("envc", envc ? env[0] : "",
			 sp.envc ? sp.envp[0] : NULL, buf);
	for (i = 0; i < envc; i++)
		if (strcmp(env[i], sp.envp[i]))
			mismatch("env", env[i], sp.envp[i], buf);
	if ((cwd || sp.cwd) && (!cwd || !sp.cwd || strcmp(cwd, sp.cwd)))
		mismatch("cwd", cwd ? cwd : "(none)", sp.cwd, buf);
	if ((name || sp.name) && (!name || !sp.name || strcmp(name, sp.name)))
		mismatch("name", name ? name : "(none)", sp.name, buf);
	/* tty=1 and stdin=1 are init's options, left over by spec_parse. */
	if (sp.nunknown != (size_t)((flags & 1) + (flags >> 1)) ||
	    ((flags & POD_SPEC_TTY) && strcmp(sp.unknown[0], "tty=1")) ||
	    ((flags & POD_SPEC_STDIN) &&
	     strcmp(sp.unknown[sp.nunknown - 1], "stdin=1")))
		mismatch("options", flags ? "tty=1/stdin=1" : "(none)",
			 sp.nunknown ? sp.unknown[0] : NULL, buf);
out:
	free_v(argv);
	free_v(env);
	free(cwd);
	free(name);
	return 0;
}
